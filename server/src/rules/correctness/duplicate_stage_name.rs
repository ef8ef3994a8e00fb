//! CO001 `duplicate-stage-name`: two stages with the same name.

use std::collections::HashMap;

use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for two stages with the same name.

## What it does
Flags a `FROM ... AS name` whose name an earlier stage already has. Stage names are
compared without regard to case, as BuildKit does (`AS Build` and `AS build` are the same
stage).

## Why is this bad?
BuildKit refuses the file: `duplicate stage name`. A copy-pasted stage that was meant to
be renamed also leaves every `COPY --from=name` and `--target` ambiguous to the reader.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /app .

FROM node:20 AS build
RUN npm ci
```

Use instead:
```dockerfile
FROM golang:1.22 AS build-go
RUN go build -o /app .

FROM node:20 AS build-web
RUN npm ci
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check: DuplicateStageName](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
";

declare_rule! {
    /// Two stages with the same name.
    pub struct DuplicateStageName;
    code: "CO001",
    name: "duplicate-stage-name",
    category: Correctness,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3024; buildkit: DuplicateStageName"),
    docs: DOCS,
}

impl Rule for DuplicateStageName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let mut first: HashMap<String, (TextRange, u32)> = HashMap::new();
        for stage in &ctx.file.stages {
            let Some(name) = &stage.name else { continue };
            let line = ctx.file.instructions[stage.from].start_line;
            match first.get(&name.value.to_ascii_lowercase()) {
                Some(&(range, at)) => {
                    ctx.report(
                        &Self::META,
                        name.range,
                        format!(
                            "stage name `{}` is already used by the stage on line {at}",
                            name.value
                        ),
                    )
                    .with_help("Give each stage its own name")
                    .with_related(range, "first defined here");
                }
                None => {
                    first.insert(name.value.to_ascii_lowercase(), (name.range, line));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::findings;

    #[test]
    fn flags_repeated_names_in_any_case() {
        let f = findings("CO001", "FROM a AS x\nFROM b AS y\nFROM c AS X\n");
        assert_eq!(
            f,
            [(
                3,
                "X".to_owned(),
                "stage name `X` is already used by the stage on line 1".to_owned()
            )]
        );
        assert_eq!(findings("CO001", "FROM a AS x\nFROM x AS y\nFROM b\n"), []);
    }
}
