//! Rule fixtures: every `tests/fixtures/rules/<CODE>.Dockerfile` is parsed and checked with
//! all rules, and the findings are snapshotted as plain text. A fixture holds flagged and
//! clean cases for its rule; running the whole registry shows how the rules overlap.

use std::fmt::Write as _;

use dlint::diagnostic::Applicability;

/// `line:col CODE name: message`, then indented help and fix lines, one block per finding.
/// The rules enabled by default run, and `code` (the fixture's own rule) even when it is off
/// by default.
fn render(text: &str, code: &str) -> String {
    let df = dlint::syntax::parse(text);
    let mut out = String::new();
    for d in dlint::rules::run_defaults_and(&df, text, &[code]) {
        let at = df.line_index.line_col(d.range.start, text);
        let _ = writeln!(
            out,
            "{}:{} {} {}: {}",
            at.line, at.column, d.code, d.name, d.message
        );
        if let Some(help) = &d.help {
            let _ = writeln!(out, "    help: {help}");
        }
        if let Some(fix) = &d.fix {
            let label = match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
                Applicability::DisplayOnly => "display-only",
            };
            for edit in &fix.edits {
                let from = df.line_index.line_col(edit.range.start, text);
                let _ = writeln!(
                    out,
                    "    fix ({label}): {}:{} replace {:?} with {:?}",
                    from.line,
                    from.column,
                    edit.range.slice(text),
                    edit.content
                );
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

#[test]
fn rules() {
    insta::glob!("fixtures/rules/*.Dockerfile", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        // `SE003-clean.Dockerfile` is a fixture of SE003.
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let code = name.split('-').next().unwrap_or_default();
        insta::assert_snapshot!(render(&text, code));
    });
}
