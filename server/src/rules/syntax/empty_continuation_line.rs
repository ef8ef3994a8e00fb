//! SY011 `empty-continuation-line`: an empty line inside a `\` line continuation.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for empty lines inside a multi-line instruction.

## What it does
Flags a blank line that follows a line ending in the escape character (`\`), inside an
instruction that goes on after it.

## Why is this bad?
BuildKit skips the blank line and joins the instruction across it, warning `Empty
continuation line found`; the Dockerfile reference says this will become an error. It also
misleads the reader: the blank line looks like the end of the instruction, and the lines
after it look like a new one. Often the `\` on the line before the gap was not meant to be
there.

## Example
```dockerfile
FROM gcc:14
RUN ./configure && \

    make
```

Use instead:
```dockerfile
FROM gcc:14
RUN ./configure && \
    make
```

## References
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
- [Build checks: NoEmptyContinuation](https://docs.docker.com/reference/build-checks/no-empty-continuation/)
";

declare_rule! {
    /// An empty line inside a `\` line continuation.
    pub struct EmptyContinuationLine;
    code: "SY011",
    name: "empty-continuation-line",
    category: Syntax,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("buildkit: NoEmptyContinuation"),
    docs: DOCS,
}

impl Rule for EmptyContinuationLine {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let source = ctx.source;
        for &line in &ctx.file.empty_continuation_lines {
            // Remove the whole line, its line break included: BuildKit skips it anyway.
            let end = source[line.end..]
                .find('\n')
                .map_or(source.len(), |i| line.end + i + 1);
            ctx.report(
                &Self::META,
                line,
                "empty line inside a continued instruction",
            )
            .with_help("Remove the empty line")
            .set_fix(Fix {
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    range: TextRange::new(line.start, end),
                    content: String::new(),
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, fixed, lines};

    #[test]
    fn flags_blank_lines_inside_a_continuation() {
        let text = "FROM a\nRUN a \\\n\n  b \\\n   \n  c\n";
        assert_eq!(
            findings("SY011", text),
            [
                (
                    "SY011",
                    3,
                    "empty line inside a continued instruction".to_owned()
                ),
                (
                    "SY011",
                    5,
                    "empty line inside a continued instruction".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn fix_removes_the_line() {
        assert_eq!(
            fixed("SY011", "FROM a\nRUN a \\\n\n  b\n"),
            "FROM a\nRUN a \\\n  b\n"
        );
        assert_eq!(
            fixed("SY011", "FROM a\r\nrun a \\\r\n  \r\n  b\r\n"),
            "FROM a\r\nrun a \\\r\n  b\r\n"
        );
    }

    #[test]
    fn blank_lines_between_instructions_and_comment_lines_are_clean() {
        let text = "FROM a\n\nRUN a \\\n  # note\n  b\n\nRUN c\n";
        assert_eq!(lines("SY011", text), [] as [u32; 0]);
    }

    #[test]
    fn onbuild_and_backtick_escape() {
        assert_eq!(lines("SY011", "FROM a\nONBUILD RUN a \\\n\n  b\n"), [3]);
        assert_eq!(lines("SY011", "# escape=`\nFROM a\nRUN a `\n\n  b\n"), [4]);
    }
}
