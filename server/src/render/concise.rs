//! `--format concise`: one line per finding, `path:line:col: severity[CODE] message`,
//! the column in characters. Editors and `grep` read it.

use std::io::{self, Write};

use crate::render::{Colors, FileDiagnostics, Style};

/// Write one line per diagnostic of `file`.
pub fn render(out: &mut impl Write, file: &FileDiagnostics<'_>, colors: Colors) -> io::Result<()> {
    for d in file.diagnostics {
        let at = file.position(d.range.start);
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            colors.paint(Style::Bold, file.path),
            at.line,
            at.column,
            colors.paint(
                Style::Severity(d.severity),
                format!("{}[{}]", d.severity, d.code)
            ),
            d.message
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::render::test_support::diag;
    use crate::text::LineIndex;

    #[test]
    fn one_line_per_finding() {
        let src = "FROM a\n\tWRONG x\nBAD\n";
        let diagnostics = [
            diag(src, "WRONG", Severity::Warning),
            diag(src, "BAD", Severity::Error),
        ];
        let index = LineIndex::new(src);
        let file = FileDiagnostics {
            path: "a/Dockerfile",
            source: src,
            index: &index,
            diagnostics: &diagnostics,
        };
        let mut out = Vec::new();
        render(&mut out, &file, Colors::new(false)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a/Dockerfile:2:2: warning[SY001] unknown instruction `WRONG`\n\
             a/Dockerfile:3:1: error[SY001] unknown instruction `BAD`\n"
        );
    }
}
