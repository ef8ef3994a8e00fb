//! Applying fixes to a source text: used by the language server's "fix all" and by
//! `dlint check --fix`.
//!
//! Fixes are applied in passes: each pass lints the text, takes the fixes allowed by the
//! applicability threshold, drops any that overlap an earlier one, and keeps the result
//! only if it parses without new syntax errors (else it retries the pass one fix at a
//! time, dropping the fixes that break the file). Passes repeat until nothing changes, so
//! fixing the output again changes nothing.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};

/// At most this many passes (a fix that keeps re-appearing must not loop forever).
const MAX_PASSES: usize = 10;

/// The result of fixing one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// Fixes applied, by rule code, in the order applied.
    pub applied: Vec<&'static str>,
    /// Fixes dropped because the result would not parse as before.
    pub dropped: Vec<&'static str>,
}

/// Apply every fix at least as safe as `min` to `source`, re-linting with `lint` between
/// passes.
pub fn fix_all(source: &str, min: Applicability, lint: &dyn Fn(&str) -> Vec<Diagnostic>) -> Fixed {
    let mut text = source.to_owned();
    let mut applied = Vec::new();
    let mut dropped: Vec<&'static str> = Vec::new();
    let mut refused: Vec<(usize, String)> = Vec::new();
    for _ in 0..MAX_PASSES {
        let findings = lint(&text);
        let fixes: Vec<(&'static str, &Fix)> = findings
            .iter()
            .filter_map(|d| Some((d.code, d.fix.as_ref()?)))
            .filter(|(_, f)| {
                f.applicability >= min && f.applicability != Applicability::DisplayOnly
            })
            .filter(|(_, f)| !f.edits.is_empty())
            .filter(|(_, f)| !refused.contains(&key(f)))
            .collect();
        if fixes.is_empty() {
            break;
        }
        let before = syntax_errors(&text);
        let chosen = non_overlapping(&fixes);
        let all: Vec<&Edit> = chosen.iter().flat_map(|(_, f)| f.edits.iter()).collect();
        match apply_edits(&text, &all) {
            Some(next) if syntax_errors(&next) <= before => {
                applied.extend(chosen.iter().map(|(code, _)| *code));
                text = next;
            }
            _ => {
                // One at a time: keep those that do not break the file.
                let mut progressed = false;
                for (code, fix) in &chosen {
                    let edits: Vec<&Edit> = fix.edits.iter().collect();
                    match apply_edits(&text, &edits) {
                        Some(next) if syntax_errors(&next) <= before => {
                            applied.push(code);
                            text = next;
                            progressed = true;
                            break;
                        }
                        _ => {
                            dropped.push(code);
                            refused.push(key(fix));
                        }
                    }
                }
                if !progressed && refused.is_empty() {
                    break;
                }
            }
        }
    }
    Fixed {
        text,
        applied,
        dropped,
    }
}

/// Identifies a fix across passes (its first edit).
fn key(fix: &Fix) -> (usize, String) {
    fix.edits
        .first()
        .map(|e| (e.range.start, e.content.clone()))
        .unwrap_or_default()
}

fn syntax_errors(text: &str) -> usize {
    crate::syntax::parse(text).errors.len()
}

/// The fixes of `fixes` (in order) whose edits do not overlap those taken before.
fn non_overlapping<'a>(fixes: &[(&'static str, &'a Fix)]) -> Vec<(&'static str, &'a Fix)> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for &(code, fix) in fixes {
        let spans: Vec<(usize, usize)> = fix
            .edits
            .iter()
            .map(|e| (e.range.start, e.range.end))
            .collect();
        let clashes = spans.iter().any(|&(a, b)| {
            taken.iter().any(|&(x, y)| {
                a < y && x < b || (a == b && x <= a && a <= y) || (x == y && a <= x && x <= b)
            })
        });
        if !clashes {
            taken.extend(spans);
            out.push((code, fix));
        }
    }
    out
}

/// `text` with `edits` applied; `None` if they overlap or fall outside the text or off a
/// character boundary.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        let (a, b) = (edit.range.start, edit.range.end);
        if a < at
            || b < a
            || b > text.len()
            || !text.is_char_boundary(a)
            || !text.is_char_boundary(b)
        {
            return None;
        }
        out.push_str(&text[at..a]);
        out.push_str(&edit.content);
        at = b;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// The smallest single edit that turns `old` into `new` (common prefix and suffix kept),
/// or `None` when they are equal.
pub fn minimal_edit(old: &str, new: &str) -> Option<Edit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(Edit {
        range: crate::text::TextRange::new(prefix, old.len() - suffix),
        content: new[prefix..new.len() - suffix].to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn lint(text: &str) -> Vec<Diagnostic> {
        let file = crate::syntax::parse(text);
        let entries: Vec<_> = rules::registry().iter().collect();
        rules::run(&file, text, &entries)
    }

    #[test]
    fn fixing_twice_changes_nothing() {
        let src = "from debian:12\nrun apt-get update\nrun apt-get install -y curl\n";
        let once = fix_all(src, Applicability::Unsafe, &lint);
        assert_ne!(once.text, src);
        assert!(!once.applied.is_empty());
        let twice = fix_all(&once.text, Applicability::Unsafe, &lint);
        assert_eq!(twice.text, once.text);
        assert!(twice.applied.is_empty());
        // The fixed file still parses as cleanly as before.
        assert!(crate::syntax::parse(&once.text).errors.is_empty());
    }

    #[test]
    fn safe_only_leaves_unsafe_fixes() {
        let src = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n";
        let safe = fix_all(src, Applicability::Safe, &lint);
        let all = fix_all(src, Applicability::Unsafe, &lint);
        assert!(safe.applied.len() <= all.applied.len());
    }

    #[test]
    fn apply_edits_rejects_overlap_and_bad_boundaries() {
        let e = |a, b, c: &str| Edit {
            range: crate::text::TextRange::new(a, b),
            content: c.to_owned(),
        };
        assert_eq!(
            apply_edits("abcdef", &[&e(1, 2, "X"), &e(4, 4, "Y")]).as_deref(),
            Some("aXcdYef")
        );
        assert_eq!(apply_edits("abcdef", &[&e(1, 3, "X"), &e(2, 4, "Y")]), None);
        assert_eq!(apply_edits("é", &[&e(1, 2, "X")]), None);
        assert_eq!(apply_edits("ab", &[&e(1, 9, "X")]), None);
    }

    #[test]
    fn minimal_edit_keeps_common_ends() {
        let edit = minimal_edit("FROM a\nRUN x\n", "FROM a\nRUN yy\n").unwrap();
        assert_eq!(
            (edit.range.start, edit.range.end, edit.content.as_str()),
            (11, 12, "yy")
        );
        assert_eq!(minimal_edit("same", "same"), None);
        let edit = minimal_edit("é", "è").unwrap();
        assert_eq!(edit.content, "è");
        let edit = minimal_edit("aaa", "aa").unwrap();
        assert_eq!(
            (edit.range.start, edit.range.end, edit.content.as_str()),
            (2, 3, "")
        );
    }
}
