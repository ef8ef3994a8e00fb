//! `--format gitlab`: a GitLab Code Quality report (a JSON array of Code Climate issues).
//!
//! ```json
//! [
//!   {
//!     "description": "SY001 unknown instruction `WRONG`",
//!     "check_name": "SY001 unknown-instruction",
//!     "fingerprint": "5b0c…",
//!     "severity": "major",
//!     "location": { "path": "Dockerfile", "lines": { "begin": 3, "end": 3 } }
//!   }
//! ]
//! ```
//!
//! Severities: info → `info`, warning → `minor`, error → `major`. The fingerprint hashes
//! the path, code, message and the text of the finding's line (not its number), so a
//! finding keeps its identity between merge requests when lines above it move. Paths are
//! as shown, without a leading `./`: run dlint from the repository root.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::render::{FileDiagnostics, normalized_path};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: std::borrow::Cow<'a, str>,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// Write the findings of all `files` as one JSON array, followed by a newline.
pub fn render(out: &mut impl Write, files: &[FileDiagnostics<'_>]) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in files {
        let fingerprints = file.fingerprints();
        for (d, fingerprint) in file.diagnostics.iter().zip(fingerprints) {
            let begin = file.position(d.range.start).line;
            // A range that takes the line break ends on the line it breaks.
            let end_offset = if d.range.end > d.range.start
                && file.source.as_bytes().get(d.range.end - 1) == Some(&b'\n')
            {
                d.range.end - 1
            } else {
                d.range.end
            };
            let end = file.position(end_offset).line.max(begin);
            issues.push(Issue {
                description: format!("{} {}", d.code, d.message),
                check_name: format!("{} {}", d.code, d.name),
                fingerprint,
                severity: match d.severity {
                    Severity::Info => "info",
                    Severity::Warning => "minor",
                    Severity::Error => "major",
                },
                location: Location {
                    path: normalized_path(file.path),
                    lines: Lines { begin, end },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::render::test_support::diag;
    use crate::text::{LineIndex, TextRange};

    fn issues(source: &str, diagnostics: &[Diagnostic]) -> serde_json::Value {
        let index = LineIndex::new(source);
        let file = FileDiagnostics {
            path: "./Dockerfile",
            source,
            index: &index,
            diagnostics,
        };
        let mut out = Vec::new();
        render(&mut out, &[file]).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn fingerprints_ignore_line_numbers_but_tell_duplicates_apart() {
        let src = "WRONG x\n";
        let moved = "FROM a\n\nWRONG x\n";
        let a = issues(src, &[diag(src, "WRONG", Severity::Error)]);
        let b = issues(moved, &[diag(moved, "WRONG", Severity::Error)]);
        assert_eq!(a[0]["fingerprint"], b[0]["fingerprint"]);
        assert_eq!(b[0]["location"]["lines"]["begin"], 3);
        assert_eq!(b[0]["location"]["path"], "Dockerfile");
        assert_eq!(b[0]["severity"], "major");

        let twice = "WRONG x\nWRONG x\n";
        let mut second = diag(twice, "WRONG", Severity::Error);
        second.range = TextRange::new(8, 13);
        let c = issues(twice, &[diag(twice, "WRONG", Severity::Error), second]);
        assert_eq!(c[0]["fingerprint"], a[0]["fingerprint"]);
        assert_ne!(c[0]["fingerprint"], c[1]["fingerprint"]);
    }
}
