//! MA011 `invalid-label-value`: a label whose value does not fit its configured schema.

use std::collections::BTreeMap;

use crate::diagnostic::{Category, Severity};
use crate::model::{Instruction, InstructionKind};
use crate::rules::maintainability::key_value::pairs;
use crate::rules::maintainability::labels::{Schema, parse_labels};
use crate::rules::{Context, FixAvailability, OptionError, Rule, RuleMeta};

const DOCS: &str = r#"Checks label values against the schema configured for their label.

## What it does
For every `LABEL` whose name is in the `labels` option, flags a value that does not fit its
schema: empty (`text`), not a URL (`url`), not an email address (`email`), not a semantic
version (`semver`), not an RFC 3339 date and time (`rfc3339`), not a hexadecimal digest
(`hash`, with an optional `algorithm:` prefix), not an SPDX license expression (`spdx`,
checked for its shape), or not a Git commit hash (`git-hash`: 40 hexadecimal digits, or 7 to
12). Values with variables (`$VERSION`) are not judged. The rule is silent until `labels`
names at least one label.

## Why is this bad?
Tools read labels by their meaning: a registry links `org.opencontainers.image.source`, a
scanner matches `org.opencontainers.image.licenses` against a policy, a deployment compares
`org.opencontainers.image.version`. A value in the wrong shape is silently ignored or breaks
them.

## Example
<!-- example: illustrative -->
With `labels = { "org.opencontainers.image.version" = "semver" }`:
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="v1.2"
```

Use instead:
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.2.0"
```

## Options
- `labels` (table of label name = schema, default empty: the rule is silent): the schema of
  each label's value, one of `text`, `url`, `email`, `semver`, `rfc3339`, `hash`, `spdx`,
  `git-hash`.

```toml
[rules.options.invalid-label-value]
labels = { "org.opencontainers.image.version" = "semver", "org.opencontainers.image.created" = "rfc3339" }
```

## References
- [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
- [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
- [hadolint DL3051](https://github.com/hadolint/hadolint/wiki/DL3051) to [DL3058](https://github.com/hadolint/hadolint/wiki/DL3058)
"#;

/// A label value that does not fit its schema; silent while `labels` is empty.
#[derive(Debug, Default)]
pub struct InvalidLabelValue {
    labels: BTreeMap<String, Schema>,
}

impl InvalidLabelValue {
    pub const META: RuleMeta = RuleMeta {
        code: "MA011",
        name: "invalid-label-value",
        category: Category::Maintainability,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        since: "0.1.0",
        upstream: Some("hadolint: DL3051, DL3052, DL3053, DL3054, DL3055, DL3056, DL3058"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

impl Rule for InvalidLabelValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn configure(&mut self, options: &toml::Table) -> Result<(), OptionError> {
        for (key, value) in options {
            match key.as_str() {
                "labels" => self.labels = parse_labels(key, value)?,
                _ => {
                    return Err(OptionError {
                        key: Some(key.clone()),
                        message: format!(
                            "unknown option `{key}` of rule MA011 (invalid-label-value); expected one of: labels"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Label || self.labels.is_empty() {
            return;
        }
        for pair in pairs(ins, ctx.file.escape) {
            let Some(&schema) = self.labels.get(&pair.key) else {
                continue;
            };
            let value = pair.value.as_deref().unwrap_or_default();
            if value.contains('$') || schema.accepts(value) {
                continue;
            }
            let range = if pair.value_range.is_empty() {
                pair.key_range
            } else {
                pair.value_range
            };
            let message = if value.trim().is_empty() {
                format!(
                    "Label `{}` is empty; it should be {}",
                    pair.key,
                    schema.describe()
                )
            } else {
                format!(
                    "Label `{}` is `{value}`, not {}",
                    pair.key,
                    schema.describe()
                )
            };
            ctx.report(&Self::META, range, message).with_help(format!(
                "Give `{}` {}",
                pair.key,
                schema.describe()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InvalidLabelValue;
    use crate::rules::{Rule, run_rules};

    fn findings(text: &str) -> Vec<(u32, String, String)> {
        let mut rule = InvalidLabelValue::default();
        let options: toml::Table =
            r#"labels = { version = "semver", src = "url", owner = "text" }"#
                .parse()
                .expect("toml");
        rule.configure(&options).expect("valid options");
        let df = crate::syntax::parse(text);
        run_rules(
            &df,
            text,
            vec![Box::new(rule)],
            &crate::rules::FileFacts::default(),
        )
        .into_iter()
        .map(|d| {
            (
                df.line_index.line_col(d.range.start, text).line,
                d.range.slice(text).to_owned(),
                d.message,
            )
        })
        .collect()
    }

    #[test]
    fn values_are_checked_against_their_schema() {
        assert_eq!(
            findings(
                "FROM a\nLABEL version=v1.2 src=\"https://x/y\"\nLABEL owner=\"\"\nLABEL src example.com\n"
            ),
            [
                (
                    2,
                    "v1.2".to_owned(),
                    "Label `version` is `v1.2`, not a semantic version".to_owned()
                ),
                (
                    3,
                    "\"\"".to_owned(),
                    "Label `owner` is empty; it should be a non-empty text".to_owned()
                ),
                (
                    4,
                    "example.com".to_owned(),
                    "Label `src` is `example.com`, not a URL".to_owned()
                ),
            ]
        );
        assert_eq!(
            findings("FROM a\nLABEL version=$VERSION other=x version=1.2.3\n"),
            []
        );
    }
}
