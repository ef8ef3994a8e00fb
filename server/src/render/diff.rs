//! `--diff`: what `--fix` would change, as a unified diff (`patch -p0` applies it).
//!
//! ```text
//! --- Dockerfile
//! +++ Dockerfile
//! @@ -1,3 +1,3 @@
//!  FROM alpine
//! -run echo hi
//! +RUN echo hi
//!  CMD ["sh"]
//! ```
//!
//! Three lines of context. Lines keep their own line breaks (`\r\n` stays), and a last line
//! without one is followed by `\ No newline at end of file`, as in GNU diff. The changed
//! middle of the file is compared line by line (longest common subsequence) when it is
//! small enough; a very large one is shown as removed and re-added.

use std::io::{self, Write};

use crate::render::{Colors, Style};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The largest changed middle (old lines × new lines) compared line by line.
const MAX_LCS_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// Write the diff of `old` to `new` under the name `path`; nothing when they are equal.
pub fn render(
    out: &mut impl Write,
    path: &str,
    old: &str,
    new: &str,
    colors: Colors,
) -> io::Result<()> {
    if old == new {
        return Ok(());
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = diff_lines(&a, &b);

    writeln!(out, "{}", colors.paint(Style::Bold, format!("--- {path}")))?;
    writeln!(out, "{}", colors.paint(Style::Bold, format!("+++ {path}")))?;
    // Line numbers (0-based) of the old and new text before each op.
    let mut positions = Vec::with_capacity(ops.len() + 1);
    let (mut i, mut j) = (0, 0);
    for op in &ops {
        positions.push((i, j));
        match op {
            Op::Equal => (i, j) = (i + 1, j + 1),
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    positions.push((i, j));

    for (from, to) in hunks(&ops) {
        let (old_start, new_start) = positions[from];
        let (old_end, new_end) = positions[to];
        let header = format!(
            "@@ -{} +{} @@",
            range(old_start, old_end - old_start),
            range(new_start, new_end - new_start)
        );
        writeln!(out, "{}", colors.paint(Style::Help, header))?;
        for (k, op) in ops[from..to].iter().enumerate() {
            let (i, j) = positions[from + k];
            let (sign, line, style) = match op {
                Op::Equal => (' ', a[i], None),
                Op::Delete => ('-', a[i], Some(Style::Removed)),
                Op::Insert => ('+', b[j], Some(Style::Added)),
            };
            let text = line.strip_suffix('\n').unwrap_or(line);
            let row = format!("{sign}{text}");
            match style {
                Some(style) => writeln!(out, "{}", colors.paint(style, row))?,
                None => writeln!(out, "{row}")?,
            }
            if !line.ends_with('\n') {
                writeln!(out, "\\ No newline at end of file")?;
            }
        }
    }
    Ok(())
}

/// `start,len` of a hunk side (1-based start; the line before an empty side).
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

/// The op index ranges `[from, to)` of the hunks: changes with their context, merged when
/// their contexts touch.
fn hunks(ops: &[Op]) -> Vec<(usize, usize)> {
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for (k, _) in ops.iter().enumerate().filter(|(_, op)| **op != Op::Equal) {
        let from = k.saturating_sub(CONTEXT);
        let to = (k + 1 + CONTEXT).min(ops.len());
        match hunks.last_mut() {
            Some(last) if from <= last.1 => last.1 = to,
            _ => hunks.push((from, to)),
        }
    }
    hunks
}

/// The edit script from `a` to `b`: common head and tail, and a longest common subsequence
/// of the middle.
fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops = vec![Op::Equal; head];
    if ma.len().saturating_mul(mb.len()) > MAX_LCS_CELLS {
        ops.extend(std::iter::repeat_n(Op::Delete, ma.len()));
        ops.extend(std::iter::repeat_n(Op::Insert, mb.len()));
    } else {
        ops.extend(lcs(ma, mb));
    }
    ops.extend(std::iter::repeat_n(Op::Equal, tail));
    ops
}

#[expect(
    clippy::many_single_char_names,
    reason = "the textbook names: texts a and b, lengths n and m, positions i and j"
)]
fn lcs(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    // `len[i][j]`: LCS length of `a[i..]` and `b[j..]`.
    let mut len = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[at(i, j)] = if a[i] == b[j] {
                len[at(i + 1, j + 1)] + 1
            } else {
                len[at(i + 1, j)].max(len[at(i, j + 1)])
            };
        }
    }
    let mut ops = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Equal);
            (i, j) = (i + 1, j + 1);
        } else if j < m && (i == n || len[at(i, j + 1)] > len[at(i + 1, j)]) {
            ops.push(Op::Insert);
            j += 1;
        } else {
            ops.push(Op::Delete);
            i += 1;
        }
    }
    ops
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn diff(old: &str, new: &str) -> String {
        let mut out = Vec::new();
        render(&mut out, "Dockerfile", old, new, Colors::new(false)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(diff("a\n", "a\n"), "");
    }

    #[test]
    fn one_hunk_with_context() {
        let old = "1\n2\n3\n4\nrun x\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nRUN x\n6\n7\n8\n9\n";
        assert_eq!(
            diff(old, new),
            "--- Dockerfile\n+++ Dockerfile\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-run x\n+RUN x\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_and_near_ones_merge() {
        let lines = |changed: &[usize]| -> String {
            (1..=20)
                .map(|i| {
                    let suffix = if changed.contains(&i) { " changed" } else { "" };
                    ["line ", &i.to_string(), suffix, "\n"].concat()
                })
                .collect()
        };
        let out = diff(&lines(&[]), &lines(&[2, 19]));
        assert_eq!(out.matches("@@ -").count(), 2, "{out}");
        assert!(out.contains("@@ -1,5 +1,5 @@\n"), "{out}");
        assert!(out.contains("@@ -16,5 +16,5 @@\n"), "{out}");
        // Contexts that touch (changes 6 lines apart) make one hunk.
        let out = diff(&lines(&[2, 8]), &lines(&[]));
        assert_eq!(out.matches("@@ -").count(), 1, "{out}");
        assert!(out.contains("@@ -1,11 +1,11 @@\n"), "{out}");
    }

    #[test]
    fn insertions_deletions_and_missing_final_newline() {
        assert_eq!(
            diff("a\nb", "a\nx\nb\n"),
            "--- Dockerfile\n+++ Dockerfile\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+x\n+b\n"
        );
        assert_eq!(
            diff("", "a\n"),
            "--- Dockerfile\n+++ Dockerfile\n@@ -0,0 +1 @@\n+a\n"
        );
        assert_eq!(
            diff("a\r\nb\r\n", "a\r\n"),
            "--- Dockerfile\n+++ Dockerfile\n@@ -1,2 +1 @@\n a\r\n-b\r\n"
        );
    }
}
