//! SY008 `invalid-parser-directive`: a parser directive with a bad value, or given twice.

use crate::declare_rule;
use crate::model::SyntaxErrorKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for parser directives with an invalid value or given more than once.

## What it does
Flags an `escape` directive whose value is neither `\` nor a backtick, and a `syntax`,
`escape` or `check` directive that appears a second time at the top of the file.

## Why is this bad?
BuildKit rejects the file: `invalid escape token` for a bad escape character, and `only one
... parser directive can be used` for a repeated one. A repeated directive is usually left
over from merging two headers, and it is unclear which value was meant.

## Example
```dockerfile
# syntax=docker/dockerfile:1
# escape=^
# syntax=docker/dockerfile:1.7
FROM mcr.microsoft.com/windows/servercore:ltsc2022
```

Use instead:
```dockerfile
# syntax=docker/dockerfile:1.7
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
```

## References
- [Dockerfile reference: parser directives](https://docs.docker.com/reference/dockerfile/#parser-directives)
- [Dockerfile reference: escape](https://docs.docker.com/reference/dockerfile/#escape)
";

declare_rule! {
    /// A parser directive with a bad value, or given twice.
    pub struct InvalidParserDirective;
    code: "SY008",
    name: "invalid-parser-directive",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for InvalidParserDirective {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        for error in &file.errors {
            let text = error.range.slice(ctx.source);
            let (message, help) = match error.kind {
                SyntaxErrorKind::InvalidDirective
                    if file
                        .directive("escape")
                        .is_some_and(|d| d.value.range == error.range) =>
                {
                    (
                        format!("invalid escape character `{text}`"),
                        "Use `# escape=\\` (the default) or `# escape=` followed by a backtick"
                            .to_owned(),
                    )
                }
                // Any other bad value the parser learns to recognise: its own words.
                SyntaxErrorKind::InvalidDirective => (
                    error.message.clone(),
                    "Fix the directive's value, or remove the line".to_owned(),
                ),
                SyntaxErrorKind::DuplicateDirective => {
                    let name = directive_name(text);
                    let first = file
                        .directive(&name)
                        .map(|d| file.line_index.line_of(d.range.start) + 1)
                        .map_or(String::new(), |line| format!(" (first on line {line})"));
                    (
                        format!("the `{name}` parser directive is given more than once{first}"),
                        format!("Keep one `{name}` directive and remove the others"),
                    )
                }
                _ => continue,
            };
            ctx.report(&Self::META, error.range, message).help = Some(help);
        }
    }
}

/// The lower-case name of a `# name=value` line.
fn directive_name(line: &str) -> String {
    line.trim_start_matches('#')
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, diagnostics, lines};

    #[test]
    fn invalid_escape() {
        let text = "# escape=^\nFROM a\n";
        assert_eq!(
            findings("SY008", text),
            [("SY008", 1, "invalid escape character `^`".to_owned())]
        );
        assert_eq!(diagnostics("SY008", text)[0].range.slice(text), "^");
    }

    #[test]
    fn duplicates_in_any_case() {
        let text = "# syntax=docker/dockerfile:1\n#SYNTAX = other\r\n# check=skip=all\n# Check=error=true\nFROM a\n";
        assert_eq!(
            findings("SY008", text),
            [
                (
                    "SY008",
                    2,
                    "the `syntax` parser directive is given more than once (first on line 1)"
                        .to_owned()
                ),
                (
                    "SY008",
                    4,
                    "the `check` parser directive is given more than once (first on line 3)"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn valid_directives_and_late_lookalikes_are_clean() {
        let text = "# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM a\n# escape=^\n# syntax=x\n";
        assert_eq!(lines("SY008", text), [] as [u32; 0]);
        // A comment ends the directives: the second `syntax` is a plain comment.
        assert_eq!(
            lines("SY008", "# syntax=a\n# hello\n# syntax=b\nFROM a\n"),
            [] as [u32; 0]
        );
        assert_eq!(lines("SY008", "# escape=\\\nFROM a\n"), [] as [u32; 0]);
    }
}
