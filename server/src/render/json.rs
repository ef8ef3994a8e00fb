//! `--format json`: every finding of every file as one pretty-printed JSON array.
//!
//! The array is ordered by file (as `dlint check` orders them), then by position, then by
//! code. Fields always appear in this order; optional values are `null`, never missing.
//! Lines and columns are 1-based; columns count characters (Unicode scalar values), a
//! leading byte-order mark takes no column, and `end` is exclusive.
//!
//! ```json
//! [
//!   {
//!     "file": "path/Dockerfile",
//!     "code": "SY001",
//!     "name": "unknown-instruction",
//!     "category": "syntax",
//!     "severity": "warning",
//!     "message": "unknown instruction `WRONG`",
//!     "range": {
//!       "start": { "line": 3, "column": 1 },
//!       "end": { "line": 3, "column": 6 }
//!     },
//!     "help": "Use a Dockerfile instruction",
//!     "fix": {
//!       "applicability": "safe",
//!       "edits": [
//!         {
//!           "range": {
//!             "start": { "line": 3, "column": 1 },
//!             "end": { "line": 3, "column": 6 }
//!           },
//!           "content": "RUN"
//!         }
//!       ]
//!     }
//!   }
//! ]
//! ```
//!
//! - `file`: the path as given on the command line or found by walking a directory
//!   (`--stdin-filename` or `<stdin>` for standard input).
//! - `category`: `cache`, `layers`, `size`, `security`, `correctness`, `maintainability`,
//!   `style` or `syntax`.
//! - `severity`: `info`, `warning` or `error`.
//! - `help`: what to do about it, or `null`.
//! - `fix`: `null`, or an object whose `applicability` is `safe` (keeps the image's meaning),
//!   `unsafe` (may change the image) or `display-only` (advice), and whose `edits` replace
//!   their `range` with `content`; edits do not overlap and are sorted by start.

use std::io::{self, Write};

use rayon::prelude::*;

use crate::render::FileDiagnostics;
use crate::text::TextRange;

/// Files rendered side by side before their text is written out: enough to keep every
/// core busy, few enough that the report is not held twice in memory.
const BATCH: usize = 64;

/// Write the findings of all `files` as one JSON array, followed by a newline.
///
/// The text is what `serde_json::to_writer_pretty` makes of the whole array, but each
/// file's elements are rendered on their own (in parallel): an element of a pretty array
/// is the element's own pretty text indented by two spaces (JSON strings never hold a raw
/// newline, so every newline in it is a line break of the layout).
pub fn render(out: &mut impl Write, files: &[FileDiagnostics<'_>]) -> io::Result<()> {
    let mut first = true;
    for batch in files.chunks(BATCH) {
        let texts: Vec<Vec<u8>> = batch
            .par_iter()
            .map(render_file)
            .collect::<serde_json::Result<_>>()?;
        for text in texts.iter().filter(|t| !t.is_empty()) {
            out.write_all(if first { b"[\n" } else { b",\n" })?;
            out.write_all(text)?;
            first = false;
        }
    }
    out.write_all(if first { b"[]\n" } else { b"\n]\n" })
}

/// The array elements of one file's findings, each indented by two spaces and separated
/// by `,\n`; empty for a file without findings.
///
/// Written field by field in the layout `serde_json::to_writer_pretty` gives the tests'
/// `JsonDiagnostic` (they compare the two): most of a report is this layout, and
/// serde's generic pretty printer spent more on it than on the strings themselves.
fn render_file(file: &FileDiagnostics<'_>) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(file.diagnostics.len() * 640);
    // The path is the same in every element: escaped once.
    let path = serde_json::to_vec(file.path)?;
    for (i, d) in file.diagnostics.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(b"  {\n    \"file\": ");
        out.extend_from_slice(&path);
        field(&mut out, 4, "code", d.code)?;
        field(&mut out, 4, "name", d.name)?;
        field(&mut out, 4, "category", d.category.as_str())?;
        field(&mut out, 4, "severity", d.severity.as_str())?;
        field(&mut out, 4, "message", &d.message)?;
        out.extend_from_slice(b",\n    \"range\": ");
        range(&mut out, 4, file, d.range);
        out.extend_from_slice(b",\n    \"help\": ");
        match &d.help {
            Some(help) => serde_json::to_writer(&mut out, help)?,
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\n    \"fix\": ");
        match &d.fix {
            None => out.extend_from_slice(b"null"),
            Some(fix) => {
                out.extend_from_slice(b"{\n      \"applicability\": \"");
                out.extend_from_slice(fix.applicability.as_str().as_bytes());
                out.extend_from_slice(b"\",\n      \"edits\": ");
                let edits = fix.edits.iter().map(|e| (e.range, e.content.as_str()));
                located_array(&mut out, 6, file, "content", edits)?;
                out.extend_from_slice(b"\n    }");
            }
        }
        if !d.related.is_empty() {
            out.extend_from_slice(b",\n    \"related\": ");
            let related = d.related.iter().map(|r| (r.range, r.message.as_str()));
            located_array(&mut out, 4, file, "message", related)?;
        }
        out.extend_from_slice(b"\n  }");
    }
    Ok(out)
}

/// An array whose key stands at `indent`, of objects `{"range": …, "<key>": "text"}`: a
/// fix's edits, a finding's related places. Empty, it is `[]`.
fn located_array<'a>(
    out: &mut Vec<u8>,
    indent: usize,
    file: &FileDiagnostics<'_>,
    key: &str,
    items: impl ExactSizeIterator<Item = (TextRange, &'a str)>,
) -> serde_json::Result<()> {
    if items.len() == 0 {
        out.extend_from_slice(b"[]");
        return Ok(());
    }
    let pad = |out: &mut Vec<u8>, n: usize| out.resize(out.len() + n, b' ');
    out.push(b'[');
    for (j, (at, text)) in items.enumerate() {
        out.extend_from_slice(if j > 0 { b",\n" } else { b"\n" });
        pad(out, indent + 2);
        out.extend_from_slice(b"{\n");
        pad(out, indent + 4);
        out.extend_from_slice(b"\"range\": ");
        range(out, indent + 4, file, at);
        field(out, indent + 4, key, text)?;
        out.push(b'\n');
        pad(out, indent + 2);
        out.push(b'}');
    }
    out.push(b'\n');
    pad(out, indent);
    out.push(b']');
    Ok(())
}

/// `,\n`, then `"key": "value"` at `indent`.
fn field(out: &mut Vec<u8>, indent: usize, key: &str, value: &str) -> serde_json::Result<()> {
    out.extend_from_slice(b",\n");
    out.resize(out.len() + indent, b' ');
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\": ");
    serde_json::to_writer(&mut *out, value)
}

/// A range object whose key stands at `indent`: its start and end, as line and column.
fn range(out: &mut Vec<u8>, indent: usize, file: &FileDiagnostics<'_>, r: TextRange) {
    let (start, end) = (file.position(r.start), file.position(r.end));
    let pad = |out: &mut Vec<u8>, extra: usize| out.resize(out.len() + indent + extra, b' ');
    out.extend_from_slice(b"{");
    for (key, at) in [("start", start), ("end", end)] {
        if key == "end" {
            out.push(b',');
        }
        out.push(b'\n');
        pad(out, 2);
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\": {\n");
        pad(out, 4);
        out.extend_from_slice(b"\"line\": ");
        decimal(out, at.line);
        out.extend_from_slice(b",\n");
        pad(out, 4);
        out.extend_from_slice(b"\"column\": ");
        decimal(out, at.column);
        out.push(b'\n');
        pad(out, 2);
        out.push(b'}');
    }
    out.push(b'\n');
    pad(out, 0);
    out.push(b'}');
}

/// `n` in decimal.
fn decimal(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        // A digit: `n % 10` is below 10.
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Related};
    use crate::render::test_support::{diag, replace};
    use crate::text::LineIndex;
    use serde::Serialize;

    use crate::diagnostic::{Applicability, Category, Diagnostic, Severity};
    use crate::text::LineCol;

    /// The reference layout: what `serde_json::to_writer_pretty` makes of it is what
    /// [`render_file`] writes by hand (checked by the tests).
    #[derive(Serialize)]
    struct JsonDiagnostic<'a> {
        file: &'a str,
        code: &'a str,
        name: &'a str,
        category: Category,
        severity: Severity,
        message: &'a str,
        range: JsonRange,
        help: Option<&'a str>,
        fix: Option<JsonFix<'a>>,
        /// Other places that explain the finding; left out when there are none.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        related: Vec<JsonRelated<'a>>,
    }

    #[derive(Serialize)]
    struct JsonRange {
        start: LineCol,
        end: LineCol,
    }

    #[derive(Serialize)]
    struct JsonFix<'a> {
        applicability: Applicability,
        edits: Vec<JsonEdit<'a>>,
    }

    #[derive(Serialize)]
    struct JsonRelated<'a> {
        range: JsonRange,
        message: &'a str,
    }

    #[derive(Serialize)]
    struct JsonEdit<'a> {
        range: JsonRange,
        content: &'a str,
    }

    fn convert<'a>(file: &FileDiagnostics<'a>, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        let range = |r: TextRange| JsonRange {
            start: file.position(r.start),
            end: file.position(r.end),
        };
        JsonDiagnostic {
            file: file.path,
            code: d.code,
            name: d.name,
            category: d.category,
            severity: d.severity,
            message: &d.message,
            range: range(d.range),
            help: d.help.as_deref(),
            fix: d.fix.as_ref().map(|fix| JsonFix {
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        range: range(e.range),
                        content: &e.content,
                    })
                    .collect(),
            }),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    range: range(r.range),
                    message: &r.message,
                })
                .collect(),
        }
    }

    #[test]
    fn schema_and_field_order() {
        let src = "FROM a\nwrong é x\n";
        let mut d = diag(src, "wrong", Severity::Warning);
        d.help = Some("Fix it".into());
        d.fix = Some(replace(src, "x", "y"));
        let diagnostics = [d, diag(src, "FROM", Severity::Error)];
        let index = LineIndex::new(src);
        let file = FileDiagnostics {
            path: "Dockerfile",
            source: src,
            index: &index,
            diagnostics: &diagnostics,
        };
        let mut out = Vec::new();
        render(&mut out, &[file]).unwrap();
        let text = String::from_utf8(out).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let first = &value[0];
        // serde_json's map sorts keys: check the order in the text itself.
        let keys = [
            "file", "code", "name", "category", "severity", "message", "range", "help", "fix",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert_eq!(first.as_object().unwrap().len(), keys.len());
        assert_eq!(
            first["range"]["start"],
            serde_json::json!({"line": 2, "column": 1})
        );
        assert_eq!(
            first["range"]["end"],
            serde_json::json!({"line": 2, "column": 6})
        );
        assert_eq!(first["fix"]["applicability"], "safe");
        assert_eq!(
            first["fix"]["edits"][0],
            serde_json::json!({
                "range": {"start": {"line": 2, "column": 9}, "end": {"line": 2, "column": 10}},
                "content": "y"
            })
        );
        assert_eq!(value[1]["help"], serde_json::Value::Null);
        assert_eq!(value[1]["fix"], serde_json::Value::Null);
        assert!(text.ends_with("]\n"));
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        let mut out = Vec::new();
        render(&mut out, &[]).unwrap();
        assert_eq!(out, b"[]\n");
    }

    /// Rendering file by file gives the bytes of one pretty-printed array, across
    /// batches, with files that have no findings among them.
    #[test]
    fn same_text_as_one_pretty_array() {
        let src = "FROM a\nwrong \u{e9} \"x\"\tz\n";
        let mut d = diag(src, "wrong", Severity::Warning);
        d.help = Some("Say \"why\"\nand how".into());
        d.fix = Some(replace(src, "x", "y\nz"));
        d.related = vec![
            Related {
                range: TextRange::new(0, 4),
                message: "the \"base\"".into(),
            },
            Related {
                range: TextRange::new(7, 12),
                message: "here".into(),
            },
        ];
        let mut advice = diag(src, "FROM", Severity::Error);
        advice.fix = Some(Fix {
            applicability: Applicability::DisplayOnly,
            edits: Vec::new(),
        });
        let some = [d, advice];
        let index = LineIndex::new(src);
        let paths: Vec<String> = (0..2 * BATCH + 3)
            .map(|i| format!("d{i}/Dockerfile"))
            .collect();
        let files: Vec<FileDiagnostics<'_>> = paths
            .iter()
            .enumerate()
            .map(|(i, path)| FileDiagnostics {
                path,
                source: src,
                index: &index,
                diagnostics: if i % 3 == 1 { &[] } else { &some[..=(i % 2)] },
            })
            .collect();
        let mut out = Vec::new();
        render(&mut out, &files).unwrap();
        let all: Vec<JsonDiagnostic<'_>> = files
            .iter()
            .flat_map(|file| file.diagnostics.iter().map(move |d| convert(file, d)))
            .collect();
        let mut expected = serde_json::to_vec_pretty(&all).unwrap();
        expected.push(b'\n');
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(expected).unwrap()
        );
        // Only files without findings: still an empty array.
        let mut out = Vec::new();
        render(&mut out, &files[1..2]).unwrap();
        assert_eq!(out, b"[]\n");
    }
}
