//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! ```text
//! ::warning file=Dockerfile,line=3,endLine=3,col=1,endColumn=6,title=SY001 unknown-instruction::unknown instruction `WRONG`
//! ```
//!
//! `error`, `warning` and `notice` (for info). Columns count characters, the end column is
//! exclusive. GitHub's escaping applies: in the message `%`, `\r` and `\n` become `%25`,
//! `%0D` and `%0A`; in the properties also `:` and `,` become `%3A` and `%2C`. The help
//! line, if any, follows the message on a line of its own.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::render::FileDiagnostics;

/// Write one workflow command for every diagnostic of every file.
pub fn render(out: &mut impl Write, files: &[FileDiagnostics<'_>]) -> io::Result<()> {
    for file in files {
        for d in file.diagnostics {
            let start = file.position(d.range.start);
            let end = file.position(d.range.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                escape_property(file.path),
                start.line,
                end.line,
                start.column,
                end.column,
                escape_property(&format!("{} {}", d.code, d.name)),
                escape_data(&message),
            )?;
        }
    }
    Ok(())
}

/// Escape a command's message (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property value (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::render::test_support::diag;
    use crate::text::LineIndex;

    #[test]
    fn escapes_messages_and_properties() {
        let src = "FROM a\n  WRONG x\n";
        let mut d = diag(src, "WRONG", Severity::Info);
        d.message = "100% wrong:\r\nreally, yes".into();
        d.help = Some("Fix it".into());
        let index = LineIndex::new(src);
        let file = FileDiagnostics {
            path: "dir,x/a:b%/Dockerfile",
            source: src,
            index: &index,
            diagnostics: &[d],
        };
        let mut out = Vec::new();
        render(&mut out, &[file]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::notice file=dir%2Cx/a%3Ab%25/Dockerfile,line=2,endLine=2,col=3,endColumn=8,\
             title=SY001 unknown-instruction::100%25 wrong:%0D%0Areally, yes%0Ahelp: Fix it\n"
        );
    }
}
