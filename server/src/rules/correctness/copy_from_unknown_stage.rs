//! CO004 `copy-from-unknown-stage`: `COPY --from` naming no stage and no likely image.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::correctness::util::{near_miss, stage_of};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `COPY --from` naming neither a stage nor a likely image.

## What it does
Flags `COPY --from=value` (and `ADD --from`) when `value` is:
- a stage index that no stage has (`--from=3` in a file of two stages), or
- a bare name (`--from=biuld`) that no stage has; BuildKit then pulls an image of that
  name from Docker Hub. A name close to a stage's is reported with the stage to use.

A value that looks like an image reference (a tag, a digest, a registry or a path:
`nginx:1.27`, `ghcr.io/org/tool`, `busybox@sha256:...`) is an image and is not reported,
nor is a value with variables. `COPY --from` inside `ONBUILD` refers to the stages of the
build that uses the image and is left alone.

hadolint's DL3022 reports any value that is not an earlier stage's name and has no `:`,
so it flags `--from=0` and `--from=docker.io/library/alpine` too; dlint knows stage
indexes and image references.

Differences from hadolint DL3022: besides stage indexes and image references (above),
dlint substitutes `ARG`s in `--from` as BuildKit does, so `ARG VARIANT=staging` then
`COPY --from=${VARIANT} ...` copies from the stage `staging`:

```dockerfile
FROM busybox:1.36 AS staging
RUN echo staging > /variant
FROM busybox:1.36
ARG VARIANT=staging
# hadolint DL3022 here; dlint: fine, the stage `staging`
COPY --from=${VARIANT} /variant /variant
```

## Why is this bad?
A mistyped stage name does not fail where it is written: the builder tries to pull
`docker.io/library/<name>`, fails with an access error (or worse, finds an image of that
name) and the files never come from the stage meant.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=biuld /out/app /usr/local/bin/app
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
    /// `COPY --from` naming no stage and no likely image.
    pub struct CopyFromUnknownStage;
    code: "CO004",
    name: "copy-from-unknown-stage",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3022"),
    docs: DOCS,
}

impl Rule for CopyFromUnknownStage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) {
            return;
        }
        if stage_of(ins, ctx).is_none() {
            return;
        }
        let Some(from) = ins.flag("from").and_then(|f| f.value.as_ref()) else {
            return;
        };
        let value = from.value.as_str();
        if value.is_empty() || value.contains('$') {
            return;
        }
        let stages = &ctx.file.stages;
        if let Ok(index) = value.parse::<usize>() {
            if index >= stages.len() {
                ctx.report(
                    &Self::META,
                    from.range,
                    format!(
                        "`--from={value}`: there is no stage {value}, the file has {} (numbered from 0)",
                        stages.len()
                    ),
                )
                .with_help("Refer to the stage by its name (`FROM ... AS name`)");
            }
            return;
        }
        let looks_like_image = value.contains(['/', ':', '@', '.']);
        let is_stage = stages.iter().any(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(value))
        });
        if looks_like_image || is_stage || value.eq_ignore_ascii_case("scratch") {
            return;
        }
        let names: Vec<&str> = stages
            .iter()
            .filter_map(|s| s.name.as_ref().map(|n| n.value.as_str()))
            .collect();
        let suggestion = near_miss(value, names.iter().copied());
        let d = ctx.report(
            &Self::META,
            from.range,
            format!(
                "no stage is named `{value}`: the builder pulls the image `docker.io/library/{value}` instead"
            ),
        );
        match suggestion {
            Some(s) => {
                let at = stages
                    .iter()
                    .find_map(|st| st.name.as_ref().filter(|n| n.value == s))
                    .map(|n| n.range);
                d.with_help(format!("Did you mean the stage `{s}`?"));
                if let Some(range) = at {
                    d.with_related(range, format!("stage `{s}`"));
                }
            }
            None => {
                d.with_help(format!(
                    "Name a stage of this file, or write the image with its tag (`{value}:<version>`) if an image is meant"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    #[test]
    fn flags_typos_and_bad_indexes() {
        let text = "FROM a AS build\nFROM b\nCOPY --from=biuld /x /x\nCOPY --from=5 /y /y\n";
        let f = findings("CO004", text);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].0, f[0].1.as_str()), (3, "biuld"));
        assert_eq!(
            diagnostics("CO004", text)[0].help.as_deref(),
            Some("Did you mean the stage `build`?")
        );
        assert_eq!(lines("CO004", "FROM a\nCOPY --from=tools /x /x\n"), [2]);
    }

    #[test]
    fn stages_images_and_variables_are_clean() {
        let text = "ARG V=1\nFROM a AS Build\nFROM b\nCOPY --from=build /x /x\n\
                    COPY --from=0 /x /x\nCOPY --from=nginx:1.27 /x /x\n\
                    COPY --from=ghcr.io/org/tool /x /x\nCOPY --from=img@sha256:ab /x /x\n\
                    COPY --from=${V} /x /x\nONBUILD COPY --from=later /x /x\n";
        assert_eq!(lines("CO004", text), [] as [u32; 0]);
    }
}
