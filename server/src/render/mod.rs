//! Output formats for findings: `full` (code frames), `concise` (one line each), `json`,
//! `sarif` (SARIF 2.1.0), `github` (workflow commands), `checkstyle` (XML) and `gitlab`
//! (Code Quality JSON); also `--statistics` tables and `--diff` unified diffs.
//!
//! Every renderer is a pure function over the findings of one or more files (path, source,
//! [`LineIndex`], diagnostics) writing to an `impl Write`: no file system, no terminal
//! detection. The caller decides whether colour is on ([`Colors`]) and where output goes.
//! Line and column numbers are computed here, at the edge, from byte ranges.

pub mod checkstyle;
pub mod concise;
pub mod diff;
pub mod full;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod sarif;
pub mod statistics;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::{self, Write};

use sha2::{Digest as _, Sha256};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::text::{LineCol, LineIndex, PositionEncoding};

/// The byte-order mark a source may start with; it is not a column.
const BOM: char = '\u{feff}';

/// `--format` of `dlint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Code frames with the offending text underlined, help and fix.
    #[default]
    Full,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    /// A JSON array of findings, positions 1-based.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, IDE viewers), columns in UTF-16 code units.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// Checkstyle XML (Jenkins, Sonar, reviewdog).
    Checkstyle,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl OutputFormat {
    /// Whether the format is meant for people (and may carry a summary and statistics).
    pub const fn is_human(self) -> bool {
        matches!(self, Self::Full | Self::Concise)
    }
}

/// Whether `d` has a fix that `dlint check --fix` applies: a safe one, or with
/// `--unsafe-fixes` also an unsafe one. Display-only fixes are never applied.
pub fn is_fixable(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fix.as_ref().is_some_and(|fix| {
        !fix.edits.is_empty()
            && match fix.applicability {
                Applicability::Safe => true,
                Applicability::Unsafe => unsafe_fixes,
                Applicability::DisplayOnly => false,
            }
    })
}

/// The findings of one file, with what is needed to place them in the source.
#[derive(Debug, Clone, Copy)]
pub struct FileDiagnostics<'a> {
    /// The path as shown to the user.
    pub path: &'a str,
    pub source: &'a str,
    pub index: &'a LineIndex,
    /// Sorted by position, then code.
    pub diagnostics: &'a [Diagnostic],
}

impl FileDiagnostics<'_> {
    /// 1-based line and character column of a byte offset; a leading BOM takes no column.
    pub fn position(&self, offset: usize) -> LineCol {
        let mut pos = self.index.line_col(offset, self.source);
        if pos.line == 1 && pos.column > 1 && self.source.starts_with(BOM) {
            pos.column -= 1;
        }
        pos
    }

    /// 1-based line and column of a byte offset, the column counted in UTF-16 code units
    /// (SARIF's default `columnKind`); a leading BOM takes no column.
    pub fn position_utf16(&self, offset: usize) -> LineCol {
        let pos = self
            .index
            .lsp_position(offset, self.source, PositionEncoding::Utf16);
        let mut column = pos.character + 1;
        if pos.line == 0 && column > 1 && self.source.starts_with(BOM) {
            column -= 1;
        }
        LineCol {
            line: pos.line + 1,
            column,
        }
    }

    /// A fingerprint for every diagnostic (in order) that survives edits elsewhere in the
    /// file: a hash of the path, code, message and the text of the finding's first line,
    /// not its line number. Identical findings on identical lines are told apart by their
    /// order of appearance. 32 hex digits.
    pub fn fingerprints(&self) -> Vec<String> {
        let path = normalized_path(self.path);
        let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
        self.diagnostics
            .iter()
            .map(|d| {
                let line = self.line_text(self.index.line_of(d.range.start)).trim();
                let digest = |n: usize| -> [u8; 32] {
                    let mut hasher = Sha256::new();
                    for part in [&*path, d.code, d.message.as_str(), line] {
                        hasher.update(part.as_bytes());
                        hasher.update([0]);
                    }
                    if n > 0 {
                        hasher.update(n.to_string().as_bytes());
                    }
                    hasher.finalize().into()
                };
                let first = digest(0);
                let n = seen.entry(first).or_insert(0);
                let hash = if *n == 0 { first } else { digest(*n) };
                *n += 1;
                hash[..16]
                    .iter()
                    .fold(String::with_capacity(32), |mut hex, b| {
                        let _ = write!(hex, "{b:02x}");
                        hex
                    })
            })
            .collect()
    }

    /// Text of a 0-based line without its line break (and without a leading BOM).
    pub(crate) fn line_text(&self, line: usize) -> &str {
        let text = self.index.line_text(line, self.source);
        if line == 0 {
            text.strip_prefix(BOM).unwrap_or(text)
        } else {
            text
        }
    }
}

/// A shown path with `/` separators and without a leading `./`, as report formats that
/// expect repository-relative paths (SARIF, GitLab) want it.
pub(crate) fn normalized_path(path: &str) -> Cow<'_, str> {
    let path: Cow<'_, str> = if std::path::MAIN_SEPARATOR == '\\' {
        Cow::Owned(path.replace('\\', "/"))
    } else {
        Cow::Borrowed(path)
    };
    match path {
        Cow::Borrowed(mut p) => {
            while let Some(rest) = p.strip_prefix("./") {
                p = rest;
            }
            Cow::Borrowed(p)
        }
        Cow::Owned(mut p) => {
            while p.starts_with("./") {
                p.drain(..2);
            }
            Cow::Owned(p)
        }
    }
}

/// Counts for the closing summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files that were read and checked.
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn add_file(&mut self, diagnostics: &[Diagnostic]) {
        self.files += 1;
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    pub const fn problems(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// Writes `Found N problems (E errors, W warnings, I infos) in F files`, or
/// `No problems found in F files`.
pub fn summary(out: &mut impl Write, summary: &Summary, colors: Colors) -> io::Result<()> {
    let files = plural(summary.files, "file", "files");
    if summary.problems() == 0 {
        let line = format!("No problems found in {files}");
        return writeln!(out, "{}", colors.paint(Style::Success, &line));
    }
    let found = format!(
        "Found {}",
        plural(summary.problems(), "problem", "problems")
    );
    writeln!(
        out,
        "{} ({}, {}, {}) in {files}",
        colors.paint(Style::Bold, &found),
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings"),
        plural(summary.infos, "info", "infos"),
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a piece of output is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Severity(Severity),
    Bold,
    /// Line numbers, `|`, `-->`.
    Gutter,
    Help,
    Success,
    Removed,
    Added,
}

impl Style {
    const fn ansi(self) -> &'static str {
        match self {
            Self::Severity(Severity::Error) => "1;31",
            Self::Severity(Severity::Warning) => "1;33",
            Self::Severity(Severity::Info) => "1;36",
            Self::Bold => "1",
            Self::Gutter => "1;34",
            Self::Help => "36",
            Self::Success => "1;32",
            Self::Removed => "31",
            Self::Added => "32",
        }
    }
}

/// Whether to emit ANSI colour codes. Decided by the caller (TTY, `NO_COLOR`, `--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Colors {
    enabled: bool,
}

impl Colors {
    pub const fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    pub const fn enabled(self) -> bool {
        self.enabled
    }

    /// `text` in `style`, or as is when colour is off.
    pub const fn paint<T: fmt::Display>(self, style: Style, text: T) -> Painted<T> {
        Painted {
            text,
            style,
            enabled: self.enabled,
        }
    }
}

/// A value displayed with an optional ANSI style around it.
#[derive(Debug, Clone, Copy)]
pub struct Painted<T> {
    text: T,
    style: Style,
    enabled: bool,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.enabled {
            write!(f, "\x1b[{}m{}\x1b[0m", self.style.ansi(), self.text)
        } else {
            self.text.fmt(f)
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Hand-made diagnostics for renderer tests, independent of the parser and rules.

    use crate::diagnostic::{Applicability, Category, Diagnostic, Edit, Fix, Severity};
    use crate::text::TextRange;

    /// A diagnostic over the first occurrence of `needle` in `source`.
    pub(crate) fn diag(source: &str, needle: &str, severity: Severity) -> Diagnostic {
        let start = source.find(needle).expect("needle in source");
        Diagnostic {
            code: "SY001",
            name: "unknown-instruction",
            category: Category::Syntax,
            severity,
            message: format!(
                "unknown instruction `{}`",
                needle.split_whitespace().next().unwrap_or("")
            ),
            range: TextRange::new(start, start + needle.len()),
            help: None,
            fix: None,
            related: Vec::new(),
        }
    }

    pub(crate) fn replace(source: &str, needle: &str, content: &str) -> Fix {
        let start = source.find(needle).expect("needle in source");
        Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit {
                range: TextRange::new(start, start + needle.len()),
                content: content.to_owned(),
            }],
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::render::test_support::diag;

    #[test]
    fn summary_counts_and_plurals() {
        let src = "WRONG a\nBAD b\n";
        let diags = [
            diag(src, "WRONG", Severity::Warning),
            diag(src, "BAD", Severity::Error),
        ];
        let mut s = Summary::default();
        s.add_file(&diags);
        s.add_file(&[]);
        let mut out = Vec::new();
        summary(&mut out, &s, Colors::new(false)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Found 2 problems (1 error, 1 warning, 0 infos) in 2 files\n"
        );
        let mut out = Vec::new();
        summary(
            &mut out,
            &Summary {
                files: 1,
                ..Summary::default()
            },
            Colors::new(false),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "No problems found in 1 file\n"
        );
    }

    #[test]
    fn bom_takes_no_column() {
        let src = "\u{feff}WRONG a\nX";
        let index = LineIndex::new(src);
        let file = FileDiagnostics {
            path: "f",
            source: src,
            index: &index,
            diagnostics: &[],
        };
        assert_eq!(file.position(3), LineCol { line: 1, column: 1 });
        assert_eq!(file.position(9), LineCol { line: 1, column: 7 });
        assert_eq!(file.line_text(0), "WRONG a");
    }

    #[test]
    fn colours_only_when_enabled() {
        assert_eq!(Colors::new(false).paint(Style::Bold, "x").to_string(), "x");
        assert_eq!(
            Colors::new(true).paint(Style::Bold, "x").to_string(),
            "\x1b[1mx\x1b[0m"
        );
    }
}
