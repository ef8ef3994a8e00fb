//! MA002 `maintainer-deprecated`: the deprecated `MAINTAINER` instruction.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::maintainability::key_value::quote;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for the deprecated `MAINTAINER` instruction.

## What it does
Flags every `MAINTAINER` and offers to replace it with the label that took its place:
`LABEL org.opencontainers.image.authors="…"`.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13: it sets a field of the image
configuration that nothing reads, while tools (registries, scanners, `docker inspect`
filters) look for authors in the standard OCI label.

## Example
```dockerfile
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
```

Use instead:
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

## Fix safety
Unsafe: the image no longer has the `Author` field of its configuration, and gains a
label; anything that read the field must read the label instead.

## References
- [Dockerfile reference: MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
- [Docker build checks: MaintainerDeprecated](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
- [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
"#;

declare_rule! {
    /// The deprecated `MAINTAINER` instruction.
    pub struct MaintainerDeprecated;
    code: "MA002",
    name: "maintainer-deprecated",
    category: Maintainability,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL4000; buildkit: MaintainerDeprecated"),
    docs: DOCS,
}

impl Rule for MaintainerDeprecated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Maintainer {
            return;
        }
        let (source, escape) = (ctx.source, ctx.file.escape);
        let diagnostic = ctx
            .report(&Self::META, ins.keyword.range, "`MAINTAINER` is deprecated")
            .with_help("Use `LABEL org.opencontainers.image.authors=\"…\"`");
        let Arguments::Shell(form) = &ins.args else {
            return;
        };
        // One physical line only: a continuation may hold comment lines.
        if form.text.contains('\n') || form.range.slice(source).contains('\n') {
            return;
        }
        let upper = !ins.keyword.value.chars().any(|c| c.is_ascii_lowercase());
        let keyword = if upper { "LABEL" } else { "label" };
        diagnostic.set_fix(Fix {
            applicability: Applicability::Unsafe,
            edits: vec![Edit {
                range: ins.keyword.range.cover(form.range),
                content: format!(
                    "{keyword} org.opencontainers.image.authors={}",
                    quote_always(form.text.trim(), escape)
                ),
            }],
        });
    }
}

/// `value` in double quotes, as the label's value.
fn quote_always(value: &str, escape: char) -> String {
    let quoted = quote(value, escape);
    if quoted.starts_with('"') {
        quoted
    } else {
        format!("\"{quoted}\"")
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean};

    const CODE: &str = "MA002";

    #[test]
    fn maintainer_becomes_the_authors_label() {
        assert_eq!(
            findings(CODE, "FROM a\nMAINTAINER x\n"),
            [(
                2,
                "MAINTAINER".to_owned(),
                "`MAINTAINER` is deprecated".to_owned()
            )]
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nMAINTAINER Jane \"JD\" Doe\n"),
            "FROM a\nLABEL org.opencontainers.image.authors=\"Jane \\\"JD\\\" Doe\"\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "from a\nmaintainer jane@example.com\n"),
            "from a\nlabel org.opencontainers.image.authors=\"jane@example.com\"\n"
        );
    }
}
