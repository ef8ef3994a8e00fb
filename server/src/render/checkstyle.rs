//! `--format checkstyle`: Checkstyle XML, read by Jenkins, Sonar and reviewdog.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <checkstyle version="4.3">
//!   <file name="Dockerfile">
//!     <error line="3" column="1" severity="error" message="unknown instruction `WRONG`" source="dlint.SY001"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! Every checked file gets a `<file>` element, clean ones an empty one. Columns count
//! characters. Severities are `error`, `warning` and `info`. Attribute values are
//! escaped; characters XML 1.0 cannot carry at all (most control characters) become
//! U+FFFD.

use std::io::{self, Write};

use crate::render::FileDiagnostics;

/// Write one Checkstyle document for all `files`.
pub fn render(out: &mut impl Write, files: &[FileDiagnostics<'_>]) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for file in files {
        if file.diagnostics.is_empty() {
            writeln!(out, r#"  <file name="{}"/>"#, escape(file.path))?;
            continue;
        }
        writeln!(out, r#"  <file name="{}">"#, escape(file.path))?;
        for d in file.diagnostics {
            let at = file.position(d.range.start);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="dlint.{}"/>"#,
                at.line,
                at.column,
                d.severity,
                escape(&d.message),
                escape(d.code),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

/// Escape text for a double-quoted XML attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Attribute values normalise raw whitespace; references keep it.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// Whether XML 1.0 allows `c` in a document (`Char` production).
const fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::render::test_support::diag;
    use crate::text::LineIndex;

    #[test]
    fn escapes_attributes_and_lists_clean_files() {
        let src = "FROM a\nWRONG x\n";
        let mut d = diag(src, "WRONG", Severity::Warning);
        d.message = "a <b> & \"c\" 'd'\n\u{1}é".into();
        let index = LineIndex::new(src);
        let diagnostics = [d];
        let files = [
            FileDiagnostics {
                path: "a&b/Dockerfile",
                source: src,
                index: &index,
                diagnostics: &diagnostics,
            },
            FileDiagnostics {
                path: "clean",
                source: src,
                index: &index,
                diagnostics: &[],
            },
        ];
        let mut out = Vec::new();
        render(&mut out, &files).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <checkstyle version=\"4.3\">\n  \
             <file name=\"a&amp;b/Dockerfile\">\n    \
             <error line=\"2\" column=\"1\" severity=\"warning\" \
             message=\"a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;&#10;\u{fffd}é\" \
             source=\"dlint.SY001\"/>\n  \
             </file>\n  \
             <file name=\"clean\"/>\n\
             </checkstyle>\n"
        );
    }
}
