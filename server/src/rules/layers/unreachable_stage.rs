//! LY003 `unreachable-stage`: a stage that no build can reach: it is not the target, no
//! stage that is uses it, and it has no name to be built with `--target`.

use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for a build stage that no build can ever reach.

## What it does
Flags a stage that has no name (`AS name`) and that neither the target stage (the last
one) nor any named stage uses, directly or through other stages: not as the base of a
`FROM`, not with `COPY --from`, not with `RUN --mount=from=`. A named stage that the
default build skips is not flagged: it may be built with `--target <name>`, which only
takes names.

## Why is this bad?
BuildKit builds only the stages the target needs, so such a stage is never built, in any
build: its instructions are not checked by a build, their errors go unnoticed, and the
reader is left to wonder what it is for. It is often a stage whose output was meant to be
copied (`COPY --from=0`) and is not.

## Example
```dockerfile
FROM golang:1.23
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static
COPY app /app
```

Use instead:
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static
COPY --from=build /out/app /app
```

## References
- [Docker: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [Docker: stop at a specific build stage (`--target`)](https://docs.docker.com/build/building/multi-stage/#stop-at-a-specific-build-stage)
";

declare_rule! {
    /// A build stage that no build can ever reach.
    pub struct UnreachableStage;
    code: "LY003",
    name: "unreachable-stage",
    category: Layers,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for UnreachableStage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let analysis = ctx.analysis();
        let Some(target) = analysis.final_stage else {
            return;
        };
        // Live: the target, every stage that can be a `--target`, and what they use.
        let mut live = vec![false; analysis.stages.len()];
        let mut todo: Vec<usize> = analysis
            .stages
            .iter()
            .filter(|s| s.index == target || s.name.is_some())
            .map(|s| s.index)
            .collect();
        while let Some(i) = todo.pop() {
            if std::mem::replace(&mut live[i], true) {
                continue;
            }
            todo.extend(analysis.stages[i].uses.iter().copied());
        }
        let dead: Vec<usize> = (0..live.len()).filter(|i| !live[*i]).collect();
        let Some(target_from) = file
            .stages
            .get(target)
            .and_then(|s| file.instructions.get(s.from))
            .map(|i| i.range)
        else {
            return;
        };
        for index in dead {
            let Some(stage) = file.stages.get(index) else {
                continue;
            };
            let Some(from) = file.instructions.get(stage.from) else {
                continue;
            };
            let range = stage
                .base
                .as_ref()
                .map_or(from.range, |b| from.keyword.range.cover(b.range));
            ctx.report(
                &Self::META,
                range,
                format!(
                    "stage {index} has no name and the target stage does not use it: no build reaches it"
                ),
            )
            .with_help("Copy its output into the target (`COPY --from`), or remove it")
            .with_related(target_from, "the build's target stage");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    const CODE: &str = "LY003";

    #[test]
    fn unnamed_unused_stage_is_flagged() {
        let text = "FROM golang:1.23\nRUN go build\nFROM alpine\nCOPY app /app\n";
        assert_eq!(
            findings(CODE, text),
            [(
                1,
                "FROM golang:1.23".to_owned(),
                "stage 0 has no name and the target stage does not use it: no build reaches it"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(d[0].related[0].range.slice(text), "FROM alpine");
        // An unnamed stage used only by another unreachable one.
        assert_eq!(
            lines(CODE, "FROM a\nFROM b\nCOPY --from=0 /x /x\nFROM c\n"),
            [1, 2]
        );
    }

    #[test]
    fn used_named_or_target_stages_are_clean() {
        for text in [
            "FROM a\n",
            "FROM a\nRUN x\nFROM b\nCOPY --from=0 /x /x\n",
            "FROM a AS dev\nRUN x\nFROM b AS prod\n",
            "FROM a\nFROM b AS tool\nCOPY --from=0 /x /x\nFROM c\n",
            "FROM a\nFROM b\nRUN --mount=from=0,target=/m x\n",
            "FROM a AS base\nFROM base\nRUN x\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
