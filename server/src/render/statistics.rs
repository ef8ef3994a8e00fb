//! `--statistics`: how many findings each rule has, instead of the findings.
//!
//! ```text
//! COUNT  CODE   NAME                 FIXABLE
//!     2  SY001  unknown-instruction        1
//!     1  SY011  empty-continuation-line    1
//! ```
//!
//! Sorted by count (most first), then code. FIXABLE counts the findings `--fix` would fix
//! (safe fixes, or with `--unsafe-fixes` also unsafe ones).

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::render::{Colors, FileDiagnostics, Style, is_fixable};

/// The findings of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub fixable: usize,
}

/// Count the findings of `files` per rule, most first, then by code.
pub fn collect(files: &[FileDiagnostics<'_>], unsafe_fixes: bool) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for d in files.iter().flat_map(|f| f.diagnostics) {
        let entry = by_code.entry(d.code).or_insert(RuleCount {
            code: d.code,
            name: d.name,
            count: 0,
            fixable: 0,
        });
        entry.count += 1;
        entry.fixable += usize::from(is_fixable(d, unsafe_fixes));
    }
    let mut counts: Vec<RuleCount> = by_code.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    counts
}

/// Write the table; nothing when there are no findings.
pub fn render(out: &mut impl Write, counts: &[RuleCount], colors: Colors) -> io::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let count_w = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1)
        .max("COUNT".len());
    let code_w = counts
        .iter()
        .map(|c| c.code.len())
        .max()
        .unwrap_or(0)
        .max(4);
    let name_w = counts
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{}",
        colors.paint(
            Style::Bold,
            format!(
                "{:>count_w$}  {:<code_w$}  {:<name_w$}  FIXABLE",
                "COUNT", "CODE", "NAME"
            )
        )
    )?;
    for c in counts {
        writeln!(
            out,
            "{:>count_w$}  {:<code_w$}  {:<name_w$}  {:>7}",
            c.count, c.code, c.name, c.fixable
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Severity};
    use crate::render::test_support::{diag, replace};
    use crate::text::LineIndex;

    #[test]
    fn sorted_by_count_then_code_with_fixable_counts() {
        let src = "WRONG a\nBAD b\nrun c\n";
        let mut fixable = diag(src, "run", Severity::Warning);
        fixable.fix = Some(replace(src, "run", "RUN"));
        let mut other = diag(src, "BAD", Severity::Warning);
        other.code = "AA001";
        other.name = "another";
        let mut risky = diag(src, "WRONG", Severity::Warning);
        risky.fix = Some(replace(src, "WRONG", "RUN"));
        risky.fix.as_mut().unwrap().applicability = Applicability::Unsafe;
        let diagnostics = [risky, other, fixable];
        let index = LineIndex::new(src);
        let files = [FileDiagnostics {
            path: "Dockerfile",
            source: src,
            index: &index,
            diagnostics: &diagnostics,
        }];
        let counts = collect(&files, false);
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.code, c.count, c.fixable))
                .collect::<Vec<_>>(),
            [("SY001", 2, 1), ("AA001", 1, 0)]
        );
        assert_eq!(collect(&files, true)[0].fixable, 2);
        let mut out = Vec::new();
        render(&mut out, &counts, Colors::new(false)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "COUNT  CODE   NAME                 FIXABLE\n    \
             2  SY001  unknown-instruction        1\n    \
             1  AA001  another                    0\n"
        );
    }
}
