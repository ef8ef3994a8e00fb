//! SY010 `no-instructions`: a file that is empty or holds only comments and directives.

use crate::declare_rule;
use crate::model::SyntaxErrorKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for Dockerfiles without any instruction.

## What it does
Flags a file that is empty or holds only blank lines, comments and parser directives.

## Why is this bad?
BuildKit fails with `file with no instructions`. An empty Dockerfile is usually a file saved
before it was written, or the wrong file passed with `-f`.

## Example
```dockerfile
# syntax=docker/dockerfile:1
# TODO: build the app
```

Use instead:
```dockerfile
# syntax=docker/dockerfile:1
FROM alpine:3.20
COPY app /usr/local/bin/app
```

## References
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
";

declare_rule! {
    /// A file that is empty or holds only comments and directives.
    pub struct NoInstructions;
    code: "SY010",
    name: "no-instructions",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for NoInstructions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        for error in file
            .errors
            .iter()
            .filter(|e| e.kind == SyntaxErrorKind::NoInstructions)
        {
            ctx.report(&Self::META, error.range, "the file has no instructions")
                .help = Some("Add a `FROM` instruction to start a build stage".to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, lines};

    #[test]
    fn empty_and_comment_only_files() {
        for text in [
            "",
            "\n\n",
            "# syntax=docker/dockerfile:1\n",
            "  # note\r\n\t\r\n",
            "\u{feff}",
        ] {
            assert_eq!(
                findings("SY010", text),
                [("SY010", 1, "the file has no instructions".to_owned())],
                "{text:?}"
            );
        }
    }

    #[test]
    fn any_instruction_is_enough() {
        assert_eq!(lines("SY010", "# c\nWRONG\n"), [] as [u32; 0]);
        assert_eq!(lines("SY010", "from a"), [] as [u32; 0]);
        assert_eq!(lines("SY010", "\\\n\\\nRUN x"), [] as [u32; 0]);
    }
}
