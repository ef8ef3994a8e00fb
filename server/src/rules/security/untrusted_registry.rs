//! SE005 `untrusted-registry`: a base image from a registry the project does not trust.

use crate::diagnostic::{Category, Severity};
use crate::model::Instruction;
use crate::registry::reference::Reference;
use crate::rules::base_image::base_image;
use crate::rules::{Context, FixAvailability, OptionError, Rule, RuleMeta};

const DOCS: &str = r#"Checks for base images pulled from a registry outside the configured trusted list.

## What it does
Flags a `FROM` whose image (after `ARG` expansion) comes from a registry that is not in the
`registries` option. The rule is silent until the option lists at least one registry.

An entry matches:
- a registry host: `docker.io` (where `python` and `bitnami/redis` come from), `ghcr.io`,
  `registry.example.com:5000`;
- any subdomain with a leading `*.`: `*.example.com` matches `registry.example.com`;
- a registry and a path prefix: `ghcr.io/acme` matches `ghcr.io/acme/app` but not
  `ghcr.io/other/app`; `docker.io/library` allows only Docker's official images.

Stages, `scratch` and references whose variables have no value are not judged.

## Why is this bad?
A base image is code that runs in every build and ends up in every container. Pulling it
from a registry the organisation does not control or vet (a typo-squatted name, a personal
namespace, a mirror nobody audits) is a supply-chain risk, and may break builds where only
an internal proxy is reachable.

## Example
<!-- example: illustrative -->
With `registries = ["docker.io"]`:
```dockerfile
FROM quay.io/someone/python:3.12
```

Use instead:
```dockerfile
FROM docker.io/library/python:3.12
```

## Options
- `registries` (list of strings, default empty: the rule is silent): the trusted registries.

```toml
[rules.options.untrusted-registry]
registries = ["docker.io", "ghcr.io/acme", "*.corp.example.com"]
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [hadolint DL3026](https://github.com/hadolint/hadolint/wiki/DL3026)
"#;

/// A base image from a registry outside `registries`; silent while the list is empty.
#[derive(Debug, Default)]
pub struct UntrustedRegistry {
    pub registries: Vec<String>,
}

impl UntrustedRegistry {
    pub const META: RuleMeta = RuleMeta {
        code: "SE005",
        name: "untrusted-registry",
        category: Category::Security,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        since: "0.1.0",
        upstream: Some("hadolint: DL3026"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };

    /// Whether `reference` comes from a trusted registry.
    fn trusted(&self, reference: &Reference) -> bool {
        let host = reference.registry();
        let name = reference.name();
        self.registries.iter().any(|entry| {
            let entry = entry.trim_end_matches('/');
            if let Some(suffix) = entry.strip_prefix("*.") {
                return host
                    .strip_suffix(suffix)
                    .is_some_and(|sub| sub.ends_with('.'));
            }
            let entry = match entry {
                "index.docker.io" | "registry-1.docker.io" | "hub.docker.com" => "docker.io",
                other => other,
            };
            if entry.contains('/') {
                name.strip_prefix(entry)
                    .is_some_and(|rest| rest.starts_with('/'))
            } else {
                host == entry
            }
        })
    }
}

impl Rule for UntrustedRegistry {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn configure(&mut self, options: &toml::Table) -> Result<(), OptionError> {
        for (key, value) in options {
            let error = |message: String| OptionError {
                key: Some(key.clone()),
                message,
            };
            match key.as_str() {
                "registries" => {
                    let list = value.as_array().ok_or_else(|| {
                        error(format!("expected a list of registries, found {value}"))
                    })?;
                    self.registries = list
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_ascii_lowercase)
                                .ok_or_else(|| {
                                    error(format!("expected a registry name, found {v}"))
                                })
                        })
                        .collect::<Result<_, _>>()?;
                }
                _ => {
                    return Err(error(format!(
                        "unknown option `{key}` of rule SE005 (untrusted-registry); expected one of: registries"
                    )));
                }
            }
        }
        Ok(())
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if self.registries.is_empty() {
            return;
        }
        let Some(base) = base_image(ins, ctx) else {
            return;
        };
        let Ok(reference) = Reference::parse(&base.reference) else {
            return;
        };
        if self.trusted(&reference) {
            return;
        }
        ctx.report(
            &Self::META,
            base.range,
            format!(
                "`{}` comes from `{}`, which is not a trusted registry",
                base.reference,
                reference.registry()
            ),
        )
        .with_help(format!(
            "Use an image from a trusted registry ({})",
            self.registries.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::UntrustedRegistry;
    use crate::rules::{Rule, run_rules};

    fn lines(registries: &[&str], text: &str) -> Vec<u32> {
        let mut rule = UntrustedRegistry::default();
        let mut options = toml::Table::new();
        options.insert(
            "registries".into(),
            toml::Value::Array(registries.iter().map(|r| (*r).into()).collect()),
        );
        rule.configure(&options).expect("valid options");
        let df = crate::syntax::parse(text);
        run_rules(
            &df,
            text,
            vec![Box::new(rule)],
            &crate::rules::FileFacts::default(),
        )
        .iter()
        .map(|d| df.line_index.line_col(d.range.start, text).line)
        .collect()
    }

    #[test]
    fn images_outside_the_list_are_flagged() {
        let text = "FROM python:3.12\nFROM ghcr.io/acme/app\nFROM ghcr.io/other/app\n\
                    FROM registry.corp.example.com/x\nFROM quay.io/x/y\nFROM scratch\n";
        assert_eq!(lines(&["docker.io"], text), [2, 3, 4, 5]);
        assert_eq!(
            lines(&["docker.io", "ghcr.io/acme", "*.example.com"], text),
            [3, 5]
        );
        assert_eq!(
            lines(&["docker.io/library"], "FROM python\nFROM bitnami/redis\n"),
            [2]
        );
        assert_eq!(lines(&["hub.docker.com"], "FROM python\n"), [] as [u32; 0]);
    }

    #[test]
    fn silent_without_registries_and_for_stages_and_variables() {
        assert_eq!(lines(&[], "FROM quay.io/x/y\n"), [] as [u32; 0]);
        assert_eq!(
            lines(
                &["docker.io"],
                "FROM python AS base\nFROM base\nARG IMG\nFROM $IMG\n"
            ),
            [] as [u32; 0]
        );
        assert_eq!(
            lines(&["docker.io"], "ARG IMG=quay.io/x/y\nFROM $IMG\n"),
            [2]
        );
    }

    #[test]
    fn bad_options_are_refused() {
        let mut rule = UntrustedRegistry::default();
        let mut options = toml::Table::new();
        options.insert("registries".into(), "docker.io".into());
        assert!(rule.configure(&options).is_err());
        let mut options = toml::Table::new();
        options.insert("trusted".into(), toml::Value::Array(vec![]));
        let err = rule.configure(&options).expect_err("unknown key");
        assert_eq!(err.key.as_deref(), Some("trusted"));
    }
}
