//! SY002 `unterminated-heredoc`: a `<<EOF` heredoc whose terminator line never comes.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Heredoc, Instruction};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r#"Checks for heredocs that are never terminated.

## What it does
Flags a heredoc (`RUN <<EOF`, `COPY <<EOF /dst`) with no line that consists of exactly its
delimiter after it. With `<<-EOF` the terminator may be indented with tabs, but nothing else
may surround it.

## Why is this bad?
BuildKit reads every following line as the heredoc body and fails with `unterminated
heredoc` at the end of the file. The usual cause is a terminator indented with spaces, or
followed by trailing spaces, so it no longer matches the delimiter.

## Example
```dockerfile
FROM alpine:3.20
RUN <<EOF
  set -e
  apk add --no-cache curl
  EOF
CMD ["sh"]
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN <<EOF
  set -e
  apk add --no-cache curl
EOF
CMD ["sh"]
```

## Fix safety
When a line of the body is the delimiter with spaces or tabs around it, the fix makes that
line the terminator. It is unsafe: the lines after it stop being part of the heredoc and
become instructions again, which may not be what was meant.

## References
- [Dockerfile reference: here-documents](https://docs.docker.com/reference/dockerfile/#here-documents)
"#;

declare_rule! {
    /// A heredoc whose terminator line never comes.
    pub struct UnterminatedHeredoc;
    code: "SY002",
    name: "unterminated-heredoc",
    category: Syntax,
    severity: Error,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for UnterminatedHeredoc {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        // An ONBUILD wrapper has no heredocs of its own: they belong to the inner instruction.
        for heredoc in ins.heredocs.iter().filter(|h| h.terminator.is_none()) {
            let name = &heredoc.name;
            let near = near_terminator(ctx.source, heredoc);
            let help = match near {
                Some(line) => {
                    let n = ctx.file.line_index.line_of(line.start) + 1;
                    format!(
                        "Line {n} (`{}`) would end it, but the terminator must be `{name}` alone on its line: \
                         remove the spaces around it",
                        line.slice(ctx.source)
                    )
                }
                None => format!("Add a line `{name}` where the heredoc ends"),
            };
            let diagnostic = ctx.report(
                &Self::META,
                heredoc.marker,
                format!(
                    "heredoc `{name}` is never terminated: the rest of the file is read as its body"
                ),
            );
            diagnostic.help = Some(help);
            if let Some(line) = near {
                diagnostic.set_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        range: line,
                        content: name.clone(),
                    }],
                });
            }
        }
    }
}

/// The first body line that is the delimiter with spaces or tabs around it (the text of the
/// line without its line break).
fn near_terminator(source: &str, heredoc: &Heredoc) -> Option<TextRange> {
    let body = heredoc.body.slice(source);
    let mut offset = heredoc.body.start;
    for line in body.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content != heredoc.name && content.trim_matches([' ', '\t']) == heredoc.name {
            return Some(TextRange::new(offset, offset + content.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, diagnostics, fixed, lines};

    #[test]
    fn flags_a_heredoc_that_runs_to_the_end_of_the_file() {
        assert_eq!(
            findings("SY002", "FROM a\nRUN <<EOF\necho hi\n"),
            [(
                "SY002",
                2,
                "heredoc `EOF` is never terminated: the rest of the file is read as its body"
                    .to_owned()
            )]
        );
        let d = diagnostics("SY002", "FROM a\nRUN <<EOF\necho hi\n");
        assert_eq!(
            d[0].help.as_deref(),
            Some("Add a line `EOF` where the heredoc ends")
        );
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn terminated_heredocs_are_clean() {
        let text = "FROM a\nrun <<EOF\necho\nEOF\nCOPY <<-CONF /etc/x\n\tk=v\n\tCONF\nRUN cat <<A <<B\na\nA\nb\nB\n";
        assert_eq!(lines("SY002", text), [] as [u32; 0]);
    }

    #[test]
    fn indented_terminator_gets_a_fix() {
        let text = "FROM a\nRUN <<EOF\n  echo hi\n  EOF\nCMD x\n";
        let d = diagnostics("SY002", text);
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Line 4 (`  EOF`) would end it, but the terminator must be `EOF` alone on its line: remove the spaces around it"
            )
        );
        assert_eq!(
            fixed("SY002", text),
            "FROM a\nRUN <<EOF\n  echo hi\nEOF\nCMD x\n"
        );
        // Trailing spaces with CRLF line breaks; the line break stays.
        let text = "FROM a\r\nRUN <<EOF\r\necho\r\nEOF  \r\n";
        assert_eq!(
            fixed("SY002", text),
            "FROM a\r\nRUN <<EOF\r\necho\r\nEOF\r\n"
        );
    }

    #[test]
    fn chomp_allows_tabs_but_not_spaces() {
        assert_eq!(
            lines("SY002", "FROM a\nRUN <<-EOF\n\techo\n\tEOF\n"),
            [] as [u32; 0]
        );
        assert_eq!(lines("SY002", "FROM a\nRUN <<-EOF\n\techo\n    EOF\n"), [2]);
    }

    #[test]
    fn onbuild_and_continuation_lines() {
        assert_eq!(lines("SY002", "FROM a\nONBUILD RUN <<EOF\necho\n"), [2]);
        assert_eq!(lines("SY002", "FROM a\nRUN \\\n  cat <<EOF\necho\n"), [3]);
        // The second heredoc of a line is the one left open.
        assert_eq!(lines("SY002", "FROM a\nRUN cat <<A <<B\na\nA\nb\n"), [2]);
    }
}
