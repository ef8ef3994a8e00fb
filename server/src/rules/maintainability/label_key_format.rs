//! MA012 `label-key-format`: a label key outside Docker's naming guidelines.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::maintainability::key_value::pairs_of;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks label keys against Docker's naming guidelines.

## What it does
Flags a `LABEL` key that is not made of lower-case letters, digits, `.`, `-` and `_`, that
does not begin and end with a letter or digit, that has two separators in a row (`..`,
`--`), or that uses a namespace Docker reserves (`com.docker.`, `io.docker.`,
`org.dockerproject.`). Keys with variables are not judged.

The underscore is accepted, as hadolint DL3048 accepts it, although Docker's guidelines
list only `.` and `-`: vendors' own label schemes use it (Red Hat's
`com.redhat.license_terms`, Fly.io's `fly_launch_runtime`), and it neither collides nor
makes keys harder to query. Differences from hadolint: `a.-b` and `a-.b` count as two
separators in a row here, not only `..` and `--`; a key may begin with a digit.

## Why is this bad?
Labels from many tools share one flat namespace. Docker's guidelines (reverse-DNS prefixes,
lower case) keep keys from colliding and make them predictable to query
(`docker image ls --filter label=…` is case-sensitive); the reserved namespaces are Docker's
own.

## Example
```dockerfile
FROM alpine:3.20
LABEL Description="A small tool"
```

Use instead:
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.description="A small tool"
```

## References
- [Docker object labels: key format recommendations](https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations)
- [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
- [hadolint DL3048](https://github.com/hadolint/hadolint/wiki/DL3048)
"#;

declare_rule! {
    /// A label key outside Docker's naming guidelines.
    pub struct LabelKeyFormat;
    code: "MA012",
    name: "label-key-format",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3048"),
    docs: DOCS,
}

/// Why `key` breaks the guidelines, if it does.
fn problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return Some("is empty");
    }
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|ns| key.starts_with(ns))
    {
        return Some("uses a namespace Docker reserves");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
    {
        return Some("should hold only lower-case letters, digits, `.`, `-` and `_`");
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(key.chars().next()) || !edge(key.chars().last()) {
        return Some("should begin and end with a letter or digit");
    }
    if key.contains("..") || key.contains("--") || key.contains(".-") || key.contains("-.") {
        return Some("has two separators in a row");
    }
    None
}

impl Rule for LabelKeyFormat {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Label {
            return;
        }
        for pair in pairs_of(ctx, ins).iter() {
            if pair.key.contains('$') {
                continue;
            }
            let Some(why) = problem(&pair.key) else {
                continue;
            };
            ctx.report(
                &Self::META,
                pair.key_range,
                format!("Label key `{}` {why}", pair.key),
            )
            .with_help("Use a lower-case reverse-DNS key, such as `org.opencontainers.image.*` or `com.example.*`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA012";

    #[test]
    fn keys_outside_the_guidelines_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nLABEL Description=x\n"),
            [(
                2,
                "Description".to_owned(),
                "Label key `Description` should hold only lower-case letters, digits, `.`, `-` and `_`"
                    .to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nLABEL com.docker.x=1\nLABEL a..b=1\nLABEL -a=1\nLABEL \"my key\"=1\nLABEL a_=1\n"
            ),
            [2, 3, 4, 5, 6]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nLABEL org.opencontainers.image.title=x version=1 com.example.vendor-name=y\nLABEL $KEY=1\nLABEL com.redhat.license_terms=x fly_launch_runtime=y\n"
            ),
            [] as [u32; 0]
        );
    }
}
