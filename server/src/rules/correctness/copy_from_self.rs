//! CO003 `copy-from-self`: `COPY --from` naming the stage it is in.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::correctness::util::stage_of;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `COPY --from` naming the stage the `COPY` is in.

## What it does
Flags `COPY --from=name` (and `ADD --from`) when `name` is the name or the index of the
stage the instruction belongs to. Names are compared without regard to case, as BuildKit
does. `COPY --from` inside `ONBUILD` is left alone: it refers to the stages of the build
that uses the image.

## Why is this bad?
A stage cannot read its own result while it is being built: BuildKit fails with a
circular dependency. Usually the name of the builder stage was meant, or the files are
already in the stage and a plain `RUN cp` would do.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
COPY --from=build /out/app /usr/local/bin/app
```

Use instead:
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
```

## References
- [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
- [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
";

declare_rule! {
    /// `COPY --from` naming the stage it is in.
    pub struct CopyFromSelf;
    code: "CO003",
    name: "copy-from-self",
    category: Correctness,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3023"),
    docs: DOCS,
}

impl Rule for CopyFromSelf {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) {
            return;
        }
        let Some(stage) = stage_of(ins, ctx) else {
            return;
        };
        let Some(from) = ins.flag("from").and_then(|f| f.value.as_ref()) else {
            return;
        };
        let by_name = stage
            .name
            .as_ref()
            .is_some_and(|n| n.value.eq_ignore_ascii_case(&from.value));
        let by_index = from.value.parse::<usize>().ok() == Some(stage.index);
        if !by_name && !by_index {
            return;
        }
        let start = &ctx.file.instructions[stage.from];
        let (line, keyword) = (start.start_line, start.keyword.range);
        ctx.report(
            &Self::META,
            from.range,
            format!(
                "`--from={}` is the stage this {} is in (line {line}): a stage cannot copy from itself",
                from.value,
                ins.kind.as_str()
            ),
        )
        .with_help("Name an earlier stage, or start a new stage with `FROM` before this instruction")
        .with_related(keyword, "the stage starts here");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_own_name_and_index() {
        let f = findings("CO003", "FROM a AS build\nCOPY --from=Build /x /x\n");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "Build"));
        assert_eq!(lines("CO003", "FROM a\nFROM b\nCOPY --from=1 /x /x\n"), [3]);
    }

    #[test]
    fn other_stages_and_onbuild_are_clean() {
        let text = "FROM a AS build\nFROM b\nCOPY --from=build /x /x\nCOPY --from=0 /y /y\n\
                    FROM c AS lib\nONBUILD COPY --from=lib /z /z\n";
        assert_eq!(lines("CO003", text), [] as [u32; 0]);
    }
}
