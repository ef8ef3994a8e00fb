//! CO002 `reserved-stage-name`: a stage named `scratch` or `context`.

use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for stages named `scratch` or `context`.

## What it does
Flags `FROM ... AS scratch` and `FROM ... AS context` (in any case).

## Why is this bad?
Both names already mean something to the builder. `FROM scratch` is the empty image, so a
later `FROM scratch` does not build on the stage of that name; `context` is the name under
which `COPY --from` and `RUN --mount=from=` reach the build context in some front ends and
bake files. The stage cannot be referred to by the name it was given.

## Example
```dockerfile
FROM alpine:3.20 AS scratch
RUN echo hi > /hi

FROM scratch
COPY --from=scratch /hi /hi
```

Use instead:
```dockerfile
FROM alpine:3.20 AS base
RUN echo hi > /hi

FROM scratch
COPY --from=base /hi /hi
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check: ReservedStageName](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
";

declare_rule! {
    /// A stage named `scratch` or `context`.
    pub struct ReservedStageName;
    code: "CO002",
    name: "reserved-stage-name",
    category: Correctness,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3063; buildkit: ReservedStageName"),
    docs: DOCS,
}

impl Rule for ReservedStageName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        for stage in &ctx.file.stages {
            let Some(name) = &stage.name else { continue };
            let lower = name.value.to_ascii_lowercase();
            let meaning = match lower.as_str() {
                "scratch" => "the empty base image",
                "context" => "the build context",
                _ => continue,
            };
            ctx.report(
                &Self::META,
                name.range,
                format!(
                    "stage name `{}` is reserved: it means {meaning}",
                    name.value
                ),
            )
            .with_help("Rename the stage, and every `--from` that refers to it");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::lines;

    #[test]
    fn flags_reserved_names() {
        assert_eq!(
            lines(
                "CO002",
                "FROM a AS Scratch\nFROM b AS context\nFROM scratch AS out\n"
            ),
            [1, 2]
        );
    }
}
