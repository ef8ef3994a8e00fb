//! Running one rule over a snippet, for the rules' unit tests; shared by every category.

use crate::diagnostic::Diagnostic;
use crate::rules::{FileFacts, RuleEntry, registry};
use crate::syntax::parse;

fn entry(code: &str) -> &'static RuleEntry {
    registry()
        .iter()
        .find(|e| e.meta.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}

/// The full diagnostics of rule `code` in `text`.
pub(crate) fn diagnostics(code: &str, text: &str) -> Vec<Diagnostic> {
    crate::rules::run(&parse(text), text, &[entry(code)])
}

/// The 1-based line and the diagnostic of every finding of rule `code` in `text`, with
/// `facts` known about the file's surroundings.
fn located(code: &str, text: &str, facts: &FileFacts) -> Vec<(u32, Diagnostic)> {
    let df = parse(text);
    crate::rules::run_with_facts(&df, text, &[entry(code)], facts)
        .into_iter()
        .map(|d| (df.line_index.line_col(d.range.start, text).line, d))
        .collect()
}

/// `(1-based line, flagged text, message)` of every finding of rule `code` in `text`.
pub(crate) fn findings(code: &str, text: &str) -> Vec<(u32, String, String)> {
    findings_with_facts(code, text, &FileFacts::default())
}

/// [`findings`] with what is known about the file's surroundings.
pub(crate) fn findings_with_facts(
    code: &str,
    text: &str,
    facts: &FileFacts,
) -> Vec<(u32, String, String)> {
    located(code, text, facts)
        .into_iter()
        .map(|(line, d)| (line, d.range.slice(text).to_owned(), d.message))
        .collect()
}

/// `(code, 1-based line, message)` of every finding of rule `code` in `text`: for rules
/// whose flagged text says little (a whole line, an empty range).
pub(crate) fn coded_findings(code: &str, text: &str) -> Vec<(&'static str, u32, String)> {
    located(code, text, &FileFacts::default())
        .into_iter()
        .map(|(line, d)| (d.code, line, d.message))
        .collect()
}

/// The 1-based lines of the findings of rule `code` in `text`.
pub(crate) fn lines(code: &str, text: &str) -> Vec<u32> {
    located(code, text, &FileFacts::default())
        .into_iter()
        .map(|(line, _)| line)
        .collect()
}

/// `text` with the fixes of every finding of rule `code` applied; asserts that there is at
/// least one finding and that every finding has a fix.
pub(crate) fn fixed(code: &str, text: &str) -> String {
    let diags = diagnostics(code, text);
    assert!(!diags.is_empty(), "no finding of {code} in {text:?}");
    let mut edits: Vec<_> = diags
        .iter()
        .flat_map(|d| {
            d.fix
                .as_ref()
                .unwrap_or_else(|| panic!("no fix: {d:?}"))
                .edits
                .clone()
        })
        .collect();
    edits.sort_by_key(|e| e.range.start);
    let mut out = text.to_owned();
    for edit in edits.iter().rev() {
        out.replace_range(edit.range.start..edit.range.end, &edit.content);
    }
    out
}

/// Apply the fixes of `code` to `text`, check that the result parses as cleanly as before
/// (Dockerfile and shell) and that the rule no longer fires; returns the fixed text.
pub(crate) fn fixed_and_clean(code: &str, text: &str) -> String {
    let out = fixed(code, text);
    let before = parse(text);
    let after = parse(&out);
    assert_eq!(after.errors.len(), before.errors.len(), "{out}");
    let broke = after
        .instructions
        .iter()
        .filter_map(|i| i.script())
        .any(|s| s.has_error);
    assert!(!broke, "the fix breaks the shell syntax:\n{out}");
    assert_eq!(
        findings(code, &out),
        [],
        "still flagged after the fix:\n{out}"
    );
    out
}
