//! `--format full`: rustc/ruff-style code frames.
//!
//! ```text
//! warning[SY001] unknown-instruction: unknown instruction `WRONG`
//!   --> path/Dockerfile:3:1
//!    |
//!  3 | WRONG DOCKERFILE
//!    | ^^^^^
//!    |
//!    = help: Use a Dockerfile instruction
//! ```
//!
//! Columns are character columns. Tabs in a shown line are expanded to [`TAB_WIDTH`]
//! spaces and the carets are placed on the expanded text; other control characters are
//! shown as `U+FFFD` so a Dockerfile cannot drive the terminal. A range over several lines
//! underlines the first line from its start to the end of the line and the last line from
//! its first non-blank character; lines in between are elided as `...`.

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Fix};
use crate::render::{Colors, FileDiagnostics, Style};

/// Spaces a tab is shown as.
pub const TAB_WIDTH: usize = 4;

/// The most lines of a fix shown as a diff; larger fixes are only announced.
const MAX_FIX_LINES: usize = 8;

/// Write a code frame for every diagnostic of `file`, each followed by a blank line.
pub fn render(out: &mut impl Write, file: &FileDiagnostics<'_>, colors: Colors) -> io::Result<()> {
    for d in file.diagnostics {
        diagnostic(out, file, d, colors)?;
        writeln!(out)?;
    }
    Ok(())
}

/// One underlined line of a frame: 0-based line, and the character columns `[from, to)`.
struct Underline {
    line: usize,
    from: usize,
    to: usize,
}

fn diagnostic(
    out: &mut impl Write,
    file: &FileDiagnostics<'_>,
    d: &Diagnostic,
    colors: Colors,
) -> io::Result<()> {
    let sev = Style::Severity(d.severity);
    let title = format!("{}: {}", d.name, d.message);
    writeln!(
        out,
        "{} {}",
        colors.paint(sev, format!("{}[{}]", d.severity, d.code)),
        colors.paint(Style::Bold, title)
    )?;

    let underlines = underlines(file, d);
    let last_line = underlines.last().map_or(0, |u| u.line);
    let width = digits(last_line + 1);
    let pad = " ".repeat(width + 2);
    let start = file.position(d.range.start);
    writeln!(
        out,
        "{}{} {}:{}:{}",
        " ".repeat(width + 1),
        colors.paint(Style::Gutter, "-->"),
        file.path,
        start.line,
        start.column
    )?;
    let bar = colors.paint(Style::Gutter, "|");
    writeln!(out, "{pad}{bar}")?;
    let mut previous: Option<usize> = None;
    for u in &underlines {
        if previous.is_some_and(|p| u.line > p + 1) {
            writeln!(out, "{}", colors.paint(Style::Gutter, "..."))?;
        }
        previous = Some(u.line);
        let shown = Expanded::new(file.line_text(u.line));
        let number = colors.paint(Style::Gutter, format!(" {:>width$} |", u.line + 1));
        if shown.text.is_empty() {
            writeln!(out, "{number}")?;
        } else {
            writeln!(out, "{number} {}", shown.text)?;
        }
        let from = shown.column(u.from);
        let carets = shown.column(u.to).saturating_sub(from).max(1);
        writeln!(
            out,
            "{pad}{bar} {}{}",
            " ".repeat(from),
            colors.paint(sev, "^".repeat(carets))
        )?;
    }

    let fix = d.fix.as_ref().filter(|f| !f.edits.is_empty());
    if d.help.is_none() && fix.is_none() {
        return Ok(());
    }
    writeln!(out, "{pad}{bar}")?;
    if let Some(help) = &d.help {
        writeln!(out, "{pad}{} {help}", colors.paint(Style::Bold, "= help:"))?;
    }
    if let Some(fix) = fix {
        fix_diff(out, file, fix, width, colors)?;
    }
    Ok(())
}

/// The lines of a frame for `d`, in order.
fn underlines(file: &FileDiagnostics<'_>, d: &Diagnostic) -> Vec<Underline> {
    let start = file.position(d.range.start);
    let end = file.position(d.range.end);
    let (first, from) = (start.line as usize - 1, start.column as usize - 1);
    let (mut last, mut to) = (end.line as usize - 1, end.column as usize - 1);
    // A range that ends at the start of a line (it took the line break) ends on the line before.
    if !d.range.is_empty() && to == 0 && last > first {
        last -= 1;
        to = file.line_text(last).chars().count();
    }
    if first == last {
        return vec![Underline {
            line: first,
            from,
            to: to.max(from + 1),
        }];
    }
    let first_len = file.line_text(first).chars().count();
    let last_text = file.line_text(last);
    let indent = last_text.chars().take_while(|c| c.is_whitespace()).count();
    let last_from = if indent < to { indent } else { 0 };
    vec![
        Underline {
            line: first,
            from,
            to: first_len.max(from + 1),
        },
        Underline {
            line: last,
            from: last_from,
            to: to.max(last_from + 1),
        },
    ]
}

/// A fix as a small diff of the lines it touches: removed lines, then added lines.
fn fix_diff(
    out: &mut impl Write,
    file: &FileDiagnostics<'_>,
    fix: &Fix,
    width: usize,
    colors: Colors,
) -> io::Result<()> {
    let pad = " ".repeat(width + 2);
    let label = fix.applicability.as_str();
    let heading = format!("= fix ({label}):");
    let Some((first_line, old, new)) = apply(file, fix) else {
        return writeln!(
            out,
            "{pad}{} cannot be shown",
            colors.paint(Style::Help, heading)
        );
    };
    let old: Vec<&str> = old
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let new: Vec<&str> = new
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    // Show only the lines that change.
    let same_head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let (old, new) = (&old[same_head..], &new[same_head..]);
    let same_tail = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old, new) = (&old[..old.len() - same_tail], &new[..new.len() - same_tail]);
    let first_line = first_line + same_head;
    if old.is_empty() && new.is_empty() {
        return writeln!(
            out,
            "{pad}{} no visible change",
            colors.paint(Style::Help, heading)
        );
    }
    if old.len() > MAX_FIX_LINES || new.len() > MAX_FIX_LINES {
        return writeln!(
            out,
            "{pad}{} changes {} lines, not shown",
            colors.paint(Style::Help, heading),
            old.len().max(new.len())
        );
    }
    writeln!(out, "{pad}{}", colors.paint(Style::Help, heading))?;
    let width = width.max(digits(first_line + old.len().max(new.len())));
    for (lines, sign, style) in [(old, '-', Style::Removed), (new, '+', Style::Added)] {
        for (i, line) in lines.iter().enumerate() {
            let number = first_line + 1 + i;
            let line = if number == 1 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            let text = Expanded::new(line).text;
            let row = if text.is_empty() {
                format!(" {number:>width$} {sign}")
            } else {
                format!(" {number:>width$} {sign} {text}")
            };
            writeln!(out, "{}", colors.paint(style, row))?;
        }
    }
    Ok(())
}

/// The 0-based first line the fix touches, the text of the touched lines, and that text
/// with the fix applied. `None` when the edits do not fit the source (overlap, out of
/// range, not on character boundaries).
fn apply(file: &FileDiagnostics<'_>, fix: &Fix) -> Option<(usize, String, String)> {
    let lo = fix.edits.iter().map(|e| e.range.start).min()?;
    let hi = fix.edits.iter().map(|e| e.range.end).max()?;
    let first_line = file.index.line_of(lo);
    let last_line = file.index.line_of(hi);
    let start = file.index.line_range(first_line, file.source).start;
    let end = file.index.line_range(last_line, file.source).end.max(hi);
    let old = file.source.get(start..end)?;
    let mut new = String::with_capacity(old.len());
    let mut at = start;
    for edit in &fix.edits {
        new.push_str(file.source.get(at..edit.range.start)?);
        new.push_str(&edit.content);
        at = edit.range.end;
    }
    new.push_str(file.source.get(at..end)?);
    Some((first_line, old.to_owned(), new))
}

/// A source line as shown: tabs expanded, control characters replaced, with the display
/// column of every character.
struct Expanded {
    text: String,
    /// `columns[i]` is the display column of character `i`; one extra entry for the end.
    columns: Vec<usize>,
}

impl Expanded {
    fn new(line: &str) -> Self {
        let mut text = String::with_capacity(line.len());
        let mut columns = Vec::with_capacity(line.len() + 1);
        let mut col = 0;
        for c in line.chars() {
            columns.push(col);
            match c {
                '\t' => {
                    text.push_str(&" ".repeat(TAB_WIDTH));
                    col += TAB_WIDTH;
                }
                c if c.is_control() => {
                    text.push('\u{fffd}');
                    col += 1;
                }
                c => {
                    text.push(c);
                    col += 1;
                }
            }
        }
        columns.push(col);
        Self { text, columns }
    }

    /// Display column of character column `i` (0-based); past the end counts one each.
    fn column(&self, i: usize) -> usize {
        let last = self.columns.len() - 1;
        match self.columns.get(i) {
            Some(&column) => column,
            None => self.columns[last] + (i - last),
        }
    }
}

const fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::render::test_support::{diag, replace};
    use crate::text::{LineIndex, TextRange};

    fn show(source: &str, diagnostics: &[Diagnostic]) -> String {
        let index = LineIndex::new(source);
        let file = FileDiagnostics {
            path: "Dockerfile",
            source,
            index: &index,
            diagnostics,
        };
        let mut out = Vec::new();
        render(&mut out, &file, Colors::new(false)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn single_line_with_help() {
        let src = "FROM alpine\nRUN x\nWRONG DOCKERFILE\n";
        let mut d = diag(src, "WRONG", Severity::Warning);
        d.help = Some("Use a Dockerfile instruction".into());
        assert_eq!(
            show(src, &[d]),
            "warning[SY001] unknown-instruction: unknown instruction `WRONG`
  --> Dockerfile:3:1
   |
 3 | WRONG DOCKERFILE
   | ^^^^^
   |
   = help: Use a Dockerfile instruction

"
        );
    }

    #[test]
    fn tabs_expand_consistently_with_carets() {
        let src = "RUN a \\\n\t\tWRONG x\n";
        let d = diag(src, "WRONG", Severity::Error);
        assert_eq!(
            show(src, &[d]),
            "error[SY001] unknown-instruction: unknown instruction `WRONG`
  --> Dockerfile:2:3
   |
 2 |         WRONG x
   |         ^^^^^

"
        );
    }

    #[test]
    fn character_columns_after_multibyte_text() {
        let src = "LABEL é𝄞=1 WRONG\n";
        let d = diag(src, "WRONG", Severity::Info);
        let out = show(src, &[d]);
        assert!(out.contains("--> Dockerfile:1:12\n"), "{out}");
        assert!(
            out.contains(" 1 | LABEL é𝄞=1 WRONG\n   |            ^^^^^\n"),
            "{out}"
        );
    }

    #[test]
    fn multi_line_ranges_show_first_and_last_line() {
        let src = "FROM a\nRUN <<EOF\necho 1\necho 2\n  EOF\nCMD x\n";
        let start = src.find("RUN").unwrap();
        let end = src.find("CMD").unwrap();
        let mut d = diag(src, "RUN", Severity::Warning);
        d.range = TextRange::new(start, end);
        assert_eq!(
            show(src, &[d]),
            "warning[SY001] unknown-instruction: unknown instruction `RUN`
  --> Dockerfile:2:1
   |
 2 | RUN <<EOF
   | ^^^^^^^^^
...
 5 |   EOF
   |   ^^^

"
        );
    }

    #[test]
    fn two_line_range_has_no_elision_and_wide_gutter() {
        let src = format!("{}RUN a \\\n  b\n", "\n".repeat(9));
        let start = src.find("RUN").unwrap();
        let mut d = diag(&src, "RUN", Severity::Warning);
        d.range = TextRange::new(start, src.len() - 1);
        assert_eq!(
            show(&src, &[d]),
            "warning[SY001] unknown-instruction: unknown instruction `RUN`
   --> Dockerfile:10:1
    |
 10 | RUN a \\
    | ^^^^^^^
 11 |   b
    |   ^

"
        );
    }

    #[test]
    fn empty_range_at_end_of_line_gets_one_caret() {
        let src = "FROM\n";
        let mut d = diag(src, "FROM", Severity::Error);
        d.range = TextRange::empty(4);
        let out = show(src, &[d]);
        assert!(out.contains(" 1 | FROM\n   |     ^\n"), "{out}");
    }

    #[test]
    fn control_characters_are_not_printed() {
        let src = "WRONG \x1b[31m\n";
        let d = diag(src, "WRONG", Severity::Warning);
        let out = show(src, &[d]);
        assert!(!out.contains('\x1b'), "{out}");
        assert!(out.contains(" 1 | WRONG \u{fffd}[31m\n"), "{out}");
    }

    #[test]
    fn fix_is_shown_as_a_diff() {
        let src = "FROM a\nrun x\n";
        let mut d = diag(src, "run", Severity::Info);
        d.help = Some("Write `RUN` in upper case".into());
        d.fix = Some(replace(src, "run", "RUN"));
        assert_eq!(
            show(src, &[d]),
            "info[SY001] unknown-instruction: unknown instruction `run`
  --> Dockerfile:2:1
   |
 2 | run x
   | ^^^
   |
   = help: Write `RUN` in upper case
   = fix (safe):
 2 - run x
 2 + RUN x

"
        );
    }

    #[test]
    fn fix_diff_shows_only_changed_lines() {
        let src = "RUN a \\\n\n    b \\\n    c\n";
        let blank = src.find("\n\n").unwrap() + 1;
        let mut d = diag(src, "RUN", Severity::Warning);
        d.range = TextRange::new(blank, blank + 1);
        let mut fix = replace(src, "RUN", "RUN");
        fix.edits[0].range = d.range;
        fix.edits[0].content = String::new();
        d.fix = Some(fix);
        let out = show(src, &[d]);
        assert!(out.ends_with("   = fix (safe):\n 2 -\n\n"), "{out}");
    }

    #[test]
    fn fix_that_does_not_fit_is_announced() {
        let src = "FROM a\n";
        let mut d = diag(src, "FROM", Severity::Info);
        let mut fix = replace(src, "FROM", "X");
        fix.edits[0].range = TextRange::new(2, 99);
        d.fix = Some(fix);
        assert!(show(src, &[d]).contains("   = fix (safe): cannot be shown\n"));
    }

    #[test]
    fn bom_is_not_shown_and_takes_no_column() {
        let src = "\u{feff}WRONG x\n";
        let d = diag(src, "WRONG", Severity::Warning);
        let out = show(src, &[d]);
        assert!(
            out.contains("--> Dockerfile:1:1\n   |\n 1 | WRONG x\n   | ^^^^^\n"),
            "{out}"
        );
    }
}
