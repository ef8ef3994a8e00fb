//! MA010 `missing-label`: a label the project requires is missing from the final image.

use std::collections::BTreeMap;

use crate::diagnostic::{Category, Severity};
use crate::model::InstructionKind;
use crate::rules::maintainability::labels::{Schema, final_image_labels, parse_labels};
use crate::rules::{Context, FixAvailability, OptionError, Rule, RuleMeta};

const DOCS: &str = r#"Checks that the final image has every label the project requires.

## What it does
Flags the `FROM` of the final stage when the image it builds lacks a label named in the
`labels` option. The labels of the stages the final one is built `FROM` count. With
`strict-labels`, also flags every label of the final image that the option does not name.
The rule is silent until `labels` names at least one label. The values are checked by
`invalid-label-value`.

## Why is this bad?
Labels are how images say where they come from: source repository, version, revision,
license, owner. Registries, scanners and deployment tooling read them, and an organisation
that relies on them needs every image to carry them; a missing label is found when someone
needs it, long after the build.

## Example
<!-- example: illustrative -->
With `labels = { "org.opencontainers.image.source" = "url" }`:
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.title="app"
```

Use instead:
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.title="app" \
      org.opencontainers.image.source="https://github.com/acme/app"
```

## Options
- `labels` (table of label name = schema, default empty: the rule is silent): the required
  labels, and the schema of their values, one of `text`, `url`, `email`, `semver`,
  `rfc3339`, `hash`, `spdx`, `git-hash`.
- `strict-labels` (boolean, default `false`): also flag labels not named in `labels`.

```toml
[rules.options.missing-label]
labels = { "org.opencontainers.image.source" = "url", "org.opencontainers.image.version" = "semver" }
strict-labels = false
```

## References
- [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
- [Docker object labels](https://docs.docker.com/engine/manage-resources/labels/)
- [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
- [hadolint DL3049](https://github.com/hadolint/hadolint/wiki/DL3049), [DL3050](https://github.com/hadolint/hadolint/wiki/DL3050)
"#;

/// A required label missing from the final image; silent while `labels` is empty.
#[derive(Debug, Default)]
pub struct MissingLabel {
    labels: BTreeMap<String, Schema>,
    strict: bool,
}

impl MissingLabel {
    pub const META: RuleMeta = RuleMeta {
        code: "MA010",
        name: "missing-label",
        category: Category::Maintainability,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        since: "0.1.0",
        upstream: Some("hadolint: DL3049, DL3050"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

impl Rule for MissingLabel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn configure(&mut self, options: &toml::Table) -> Result<(), OptionError> {
        for (key, value) in options {
            match key.as_str() {
                "labels" => self.labels = parse_labels(key, value)?,
                "strict-labels" => {
                    self.strict = value.as_bool().ok_or_else(|| OptionError {
                        key: Some(key.clone()),
                        message: format!("expected true or false, found {value}"),
                    })?;
                }
                _ => {
                    return Err(OptionError {
                        key: Some(key.clone()),
                        message: format!(
                            "unknown option `{key}` of rule MA010 (missing-label); expected one of: labels, strict-labels"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        if self.labels.is_empty() {
            return;
        }
        let Some(stage) = ctx.file.stages.last() else {
            return;
        };
        let Some(from) = ctx.file.instructions.get(stage.from) else {
            return;
        };
        if from.kind != InstructionKind::From {
            return;
        }
        let at = stage
            .base
            .as_ref()
            .map_or(from.keyword.range, |b| from.keyword.range.cover(b.range));
        let present = final_image_labels(ctx);
        for (name, schema) in &self.labels {
            if present.iter().any(|p| &p.key == name) {
                continue;
            }
            ctx.report(
                &Self::META,
                at,
                format!("The image has no label `{name}`, which is required"),
            )
            .with_help(format!(
                "Add `LABEL {name}=…` with {} to the final stage",
                schema.describe()
            ));
        }
        if self.strict {
            for pair in &present {
                if !self.labels.contains_key(&pair.key) {
                    ctx.report(
                        &Self::META,
                        pair.key_range,
                        format!(
                            "Label `{}` is not one of the labels the project allows",
                            pair.key
                        ),
                    )
                    .with_help("Remove it, or add it to the `labels` option");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MissingLabel;
    use crate::rules::{Rule, run_rules};

    fn findings(options: &str, text: &str) -> Vec<(u32, String)> {
        let mut rule = MissingLabel::default();
        let options: toml::Table = options.parse().expect("toml");
        rule.configure(&options).expect("valid options");
        let df = crate::syntax::parse(text);
        run_rules(
            &df,
            text,
            vec![Box::new(rule)],
            &crate::rules::FileFacts::default(),
        )
        .into_iter()
        .map(|d| (df.line_index.line_col(d.range.start, text).line, d.message))
        .collect()
    }

    const LABELS: &str =
        r#"labels = { "org.opencontainers.image.source" = "url", version = "semver" }"#;

    #[test]
    fn missing_labels_of_the_final_image_are_flagged() {
        assert_eq!(
            findings(
                LABELS,
                "FROM a\nLABEL version=1.0.0\nFROM b\nLABEL other=x\n"
            ),
            [
                (
                    3,
                    "The image has no label `org.opencontainers.image.source`, which is required"
                        .to_owned()
                ),
                (
                    3,
                    "The image has no label `version`, which is required".to_owned()
                ),
            ]
        );
        // Inherited from the stage the final one is built on.
        assert_eq!(
            findings(
                LABELS,
                "FROM a AS base\nLABEL version=1.0.0 org.opencontainers.image.source=https://x/y\nFROM base\n"
            ),
            []
        );
        assert_eq!(findings("", "FROM a\n"), []);
    }

    #[test]
    fn strict_labels_flag_the_others() {
        let options = format!("{LABELS}\nstrict-labels = true");
        assert_eq!(
            findings(
                &options,
                "FROM a\nLABEL version=1.0.0 org.opencontainers.image.source=https://x/y\nLABEL extra=1\n"
            ),
            [(
                3,
                "Label `extra` is not one of the labels the project allows".to_owned()
            )]
        );
    }

    #[test]
    fn bad_options_are_refused() {
        let mut rule = MissingLabel::default();
        for bad in [
            r#"labels = { a = "color" }"#,
            "labels = [1]",
            "strict-labels = 1",
            "x = 1",
        ] {
            let options: toml::Table = bad.parse().expect("toml");
            assert!(rule.configure(&options).is_err(), "{bad}");
        }
    }
}
