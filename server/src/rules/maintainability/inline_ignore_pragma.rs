//! MA026 `inline-ignore-pragma`: a `# dlint ignore=` or `# hadolint ignore=` comment (off
//! by default).

use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};
use crate::suppress::{SuppressionKind, Suppressions};

const DOCS: &str = r#"Checks for suppression comments (`# dlint ignore=`, `# hadolint ignore=`) in a Dockerfile.

## What it does
Flags every `# dlint ignore=…` and `# hadolint ignore=…` comment, and their `global`
forms, whatever they name and whether or not they suppress anything. BuildKit's
`# check=skip=…` directive is left alone: it configures BuildKit's own checks, and cannot
move to a dlint configuration.

The rule is off by default (as hadolint's DL1001 is): it is for teams that keep every
exception in the configuration, where it is reviewed in one place. Enable it by name:
`extend-select = ["inline-ignore-pragma"]`. Differences from hadolint's DL1001: it reports
only its own instruction-level comments; this rule also reports `global` ones and dlint's.

## Why is this bad?
A suppression comment silences a rule where nobody looks for exceptions: in the middle of
a Dockerfile, often without a reason, and it stays after the problem is gone. Exceptions in
`.dlint.toml` (`ignore`, or an `[[overrides]]` entry for the files concerned) are listed in
one file, apply to whole files or directories by intent, and show up in review.

## Example
```dockerfile
FROM debian:12
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

with the exception, if it is one, in `.dlint.toml`:

```toml
[[overrides]]
files = ["docker/tools.Dockerfile"]
ignore = ["unpinned-apt-package"]
```

## References
- [Dockerfile reference: parser directives](https://docs.docker.com/reference/dockerfile/#parser-directives)
- [hadolint DL1001](https://github.com/hadolint/hadolint/wiki/DL1001)
"#;

declare_rule! {
    /// A `# dlint ignore=` or `# hadolint ignore=` comment.
    pub struct InlineIgnorePragma;
    code: "MA026",
    name: "inline-ignore-pragma",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL1001"),
    docs: DOCS,
    default: Off,
}

impl Rule for InlineIgnorePragma {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        // Most files have no pragma: skip parsing the suppressions then.
        if !ctx
            .file
            .comments
            .iter()
            .any(|c| c.text.to_ascii_lowercase().contains("ignore"))
        {
            return;
        }
        let suppressions = Suppressions::parse(ctx.file, ctx.source);
        for item in suppressions.items() {
            let tool = match item.kind {
                SuppressionKind::Dlint => "dlint",
                SuppressionKind::Hadolint => "hadolint",
                SuppressionKind::Buildkit => continue,
            };
            let comment = item.range.slice(ctx.source).trim().to_owned();
            ctx.report(
                &Self::META,
                item.range,
                format!("`{comment}` suppresses {tool} findings inline, not in the configuration"),
            )
            .with_help(
                "Fix what it hides, or move the exception to `.dlint.toml` (`ignore`, or an \
                 `[[overrides]]` entry for this file)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA026";

    #[test]
    fn every_dlint_and_hadolint_pragma_is_flagged() {
        let text = "# hadolint global ignore=DL3006\nFROM a\n# dlint ignore=SZ001 -- reason\n\
                    RUN x\n  #   hadolint ignore=DL3008,DL3015\nRUN y\n# dlint global ignore=all\n\
                    # dlint ignore=SY001\n\nRUN z\nRUN a \\\n  # dlint ignore=SZ001\n  b\n";
        assert_eq!(lines(CODE, text), [1, 3, 5, 7, 8, 12]);
        assert_eq!(
            findings(CODE, "FROM a\n# dlint ignore=SZ001\nRUN x\n")[0].2,
            "`# dlint ignore=SZ001` suppresses dlint findings inline, not in the configuration"
        );
    }

    #[test]
    fn other_comments_and_buildkit_directives_are_clean() {
        let text = "# check=skip=StageNameCasing\n# syntax=docker/dockerfile:1\nFROM a\n\
                    # ignore this\n# dlint: ignore nothing\n# hadolint ignore\nRUN x\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }
}
