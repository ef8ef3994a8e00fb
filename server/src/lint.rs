//! The one lint pipeline of `dlint check` and the language server: build the enabled
//! rules with their options, run them, add ShellCheck's findings when it ran, apply
//! configured severities, then inline suppressions, report unused suppressions (MA021),
//! and sort.

use std::path::Path;

use crate::config::{RuleSet, ShellcheckSettings};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::Dockerfile;
use crate::rules::maintainability::UnusedSuppression;
use crate::rules::{self, FileFacts};
use crate::shellcheck;
use crate::suppress::{self, SuppressionKind, Suppressions};

/// The findings of a file and its suppressions (with what they suppressed).
#[derive(Debug, Clone)]
pub struct Linted {
    /// Sorted by position, then code.
    pub diagnostics: Vec<Diagnostic>,
    pub suppressions: Suppressions,
}

/// Lint a parsed file with `rules`. `path` is the file on disk, if any: facts about its
/// build context (`.dockerignore`) are read from its directory.
pub fn lint(
    file: &Dockerfile,
    source: &str,
    path: Option<&Path>,
    rules: &RuleSet,
) -> Vec<Diagnostic> {
    lint_detailed(file, source, path, rules).diagnostics
}

/// [`lint`], also returning the file's suppressions so that unused ones can be reported.
pub fn lint_detailed(
    file: &Dockerfile,
    source: &str,
    path: Option<&Path>,
    rules: &RuleSet,
) -> Linted {
    lint_with_analysis(file, source, path, rules, None)
}

/// [`lint`], and ShellCheck on the RUN bodies when `shellcheck` enables it (see
/// [`crate::shellcheck`]); also what kept ShellCheck from checking them.
pub fn lint_with_shellcheck_settings(
    file: &Dockerfile,
    source: &str,
    path: Option<&Path>,
    rules: &RuleSet,
    shellcheck: &ShellcheckSettings,
) -> (Vec<Diagnostic>, Vec<shellcheck::Problem>) {
    if !shellcheck.enabled {
        return (lint(file, source, path, rules), Vec::new());
    }
    let outcome = shellcheck::check(file, source, shellcheck);
    let linted = lint_with_shellcheck(file, source, path, rules, None, Some(&outcome));
    (linted.diagnostics, outcome.problems)
}

/// [`lint_detailed`] reusing an analysis of `file` the caller already made (the language
/// server's, with the configured platform, target and build context).
pub fn lint_with_analysis(
    file: &Dockerfile,
    source: &str,
    path: Option<&Path>,
    rules: &RuleSet,
    analysis: Option<&crate::layers::Analysis>,
) -> Linted {
    lint_with_shellcheck(file, source, path, rules, analysis, None)
}

/// [`lint_with_analysis`] with ShellCheck's findings on the file, when it ran. They are
/// suppressed like any finding; until ShellCheck has run, `# dlint ignore=SC…` codes are
/// not reported as unused.
pub fn lint_with_shellcheck(
    file: &Dockerfile,
    source: &str,
    path: Option<&Path>,
    rules: &RuleSet,
    analysis: Option<&crate::layers::Analysis>,
    shellcheck: Option<&shellcheck::Outcome>,
) -> Linted {
    let facts = path.map(FileFacts::for_path).unwrap_or_default();
    let mut diagnostics =
        rules::run_rules_with(file, source, rules.instantiate(), &facts, analysis);
    if rules.overrides_severity() {
        for d in &mut diagnostics {
            if let Some(severity) = rules.get(d.code).and_then(|r| r.severity) {
                d.severity = severity;
            }
        }
    }
    if let Some(outcome) = shellcheck {
        diagnostics.extend(outcome.diagnostics.iter().cloned());
    }
    let shellcheck_ran = shellcheck.is_some_and(shellcheck::Outcome::complete);
    let mut suppressions = Suppressions::parse(file, source);
    let mut diagnostics = suppressions.apply(diagnostics);
    if let Some(rule) = rules.get(UnusedSuppression::META.code) {
        let severity = rule.severity.unwrap_or(UnusedSuppression::META.severity);
        diagnostics.extend(unused_suppressions(
            file,
            source,
            &suppressions,
            severity,
            shellcheck_ran,
        ));
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Linted {
        diagnostics,
        suppressions,
    }
}

/// MA021: each `# dlint ignore=` code that suppressed nothing, with a fix that removes it
/// (the whole comment when no code stays). ShellCheck codes count only when ShellCheck
/// ran on the whole file: otherwise nothing could have used them.
fn unused_suppressions(
    file: &Dockerfile,
    source: &str,
    suppressions: &Suppressions,
    severity: crate::diagnostic::Severity,
    shellcheck_ran: bool,
) -> Vec<Diagnostic> {
    let meta = &UnusedSuppression::META;
    let mut out = Vec::new();
    for item in suppressions.items() {
        if item.kind != SuppressionKind::Dlint {
            continue;
        }
        let removed: Vec<bool> = item
            .codes
            .iter()
            .map(|c| !c.used && (shellcheck_ran || !c.is_shellcheck()))
            .collect();
        let whole = removed.iter().all(|r| *r);
        for (i, code) in item.codes.iter().enumerate() {
            if !removed[i] {
                continue;
            }
            let (message, help) = if code.is_known() {
                (
                    format!("`{}` suppresses nothing here", code.text),
                    if whole {
                        "Remove the comment".to_owned()
                    } else {
                        format!("Remove `{}` from the comment", code.text)
                    },
                )
            } else {
                (
                    format!("`{}` names no dlint rule or category", code.text),
                    format!(
                        "Remove `{}`, or name a rule code (`dlint rules`), a rule name, a \
                         category or `all`",
                        code.text
                    ),
                )
            };
            out.push(Diagnostic {
                code: meta.code,
                name: meta.name,
                category: meta.category,
                severity,
                message,
                range: code.range,
                help: Some(help),
                fix: Some(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![suppress::removal_edit(file, source, item, &removed, i)],
                }),
                related: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diagnostic::Severity;

    #[test]
    fn severities_options_and_selection_apply() {
        let text = "FROM alpine:3.20\nRUN mkdir /a\nRUN mkdir /b\n";
        let file = crate::syntax::parse(text);
        let codes = |rules: &RuleSet| -> Vec<(&str, Severity)> {
            lint(&file, text, None, rules)
                .iter()
                .map(|d| (d.code, d.severity))
                .collect()
        };
        assert_eq!(codes(&RuleSet::all()), [("SE001", Severity::Info)]);
        let apk = "FROM alpine:3.20\nRUN apk add curl\n";
        let found: Vec<&str> = lint(
            &crate::syntax::parse(apk),
            apk,
            Some(Path::new("/nonexistent/Dockerfile")),
            &RuleSet::default(),
        )
        .iter()
        .map(|d| d.code)
        .filter(|c| ["SE001", "SZ003"].contains(c))
        .collect();
        assert_eq!(found, ["SE001", "SZ003"]);
        let config = Config::parse(
            "[rules]\nignore = [\"security\"]\n[rules.severity]\nLY001 = \"error\"\n\
             [rules.options.unchained-runs]\nmin-runs = 2\n",
            Path::new(".dlint.toml"),
        )
        .unwrap();
        assert_eq!(codes(&config.for_file(None)), [("LY001", Severity::Error)]);
    }

    #[test]
    fn unused_dlint_suppressions_are_reported() {
        let text = "FROM alpine:3.20\n# dlint ignore=SZ003,no-such-rule\nRUN apk add --no-cache curl\n\
                    # hadolint ignore=DL3018\nRUN echo hi\n";
        let file = crate::syntax::parse(text);
        let found: Vec<(String, String)> = lint(&file, text, None, &RuleSet::default())
            .iter()
            .filter(|d| d.code == "MA021")
            .map(|d| (d.range.slice(text).to_owned(), d.message.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "SZ003".to_owned(),
                    "`SZ003` suppresses nothing here".to_owned()
                ),
                (
                    "no-such-rule".to_owned(),
                    "`no-such-rule` names no dlint rule or category".to_owned()
                ),
            ]
        );
        // Used suppressions are not reported; the rule can be ignored like any other.
        let used = "FROM alpine:3.20\n# dlint ignore=SZ003\nRUN apk add curl\n";
        let file = crate::syntax::parse(used);
        assert!(
            !lint(&file, used, None, &RuleSet::default())
                .iter()
                .any(|d| d.code == "MA021" || d.code == "SZ003")
        );
    }

    /// `text` after `dlint check --fix` (safe fixes) with every rule.
    fn fixed(text: &str) -> String {
        let lint_text = |t: &str| lint(&crate::syntax::parse(t), t, None, &RuleSet::all());
        crate::fix::fix_all(text, Applicability::Safe, &lint_text).text
    }

    #[test]
    fn unused_suppressions_are_removed_by_their_fix() {
        // One unused code of two: the code and its comma go, the reason stays.
        assert_eq!(
            fixed(
                "FROM alpine:3.20\n# dlint ignore=SZ003,MA016 -- pinned elsewhere\nRUN apk add --no-cache curl\n"
            ),
            "FROM alpine:3.20\n# dlint ignore=MA016 -- pinned elsewhere\nRUN apk add --no-cache curl\n"
        );
        assert_eq!(
            fixed("# dlint ignore=SE001 , SZ003\nFROM alpine:3.20\n"),
            "# dlint ignore=SE001\nFROM alpine:3.20\n"
        );
        // The middle one of three, and two unused ones on either side of a used one.
        assert_eq!(
            fixed("FROM alpine:3.20\n# dlint ignore=SZ003,no-such-rule,MA016\nRUN apk add curl\n"),
            "FROM alpine:3.20\n# dlint ignore=SZ003,MA016\nRUN apk add curl\n"
        );
        assert_eq!(
            fixed("# dlint ignore=LY001,SE001,SZ003\nFROM alpine:3.20\n"),
            "# dlint ignore=SE001\nFROM alpine:3.20\n"
        );
        // No code stays: the whole line goes, reason and all; CRLF, indentation, a BOM
        // and a last line without a line break are handled.
        assert_eq!(
            fixed(
                "FROM alpine:3.20\r\n  # dlint ignore=SZ003,LY001 -- old\r\n  RUN apk add --no-cache curl\r\n"
            ),
            "FROM alpine:3.20\r\n  RUN apk add --no-cache curl\r\n"
        );
        assert_eq!(
            fixed(
                "\u{feff}# dlint global ignore=SZ003\nFROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
            ),
            "\u{feff}FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
        );
        assert_eq!(
            fixed("FROM alpine:3.20\n# dlint ignore=SZ003"),
            "FROM alpine:3.20\n"
        );
        // hadolint's comments are other tools' business: left alone.
        let hadolint = "FROM alpine:3.20\n# hadolint ignore=DL3018\nRUN true\n";
        assert_eq!(fixed(hadolint), hadolint);
    }

    #[test]
    fn the_fix_is_safe_and_says_what_it_removes() {
        let text = "FROM alpine:3.20\n# dlint ignore=SZ003,MA016\nRUN apk add --no-cache curl\n";
        let file = crate::syntax::parse(text);
        let found: Vec<Diagnostic> = lint(&file, text, None, &RuleSet::all())
            .into_iter()
            .filter(|d| d.code == "MA021")
            .collect();
        assert_eq!(found.len(), 1);
        let fix = found[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(
            found[0].help.as_deref(),
            Some("Remove `SZ003` from the comment")
        );
    }

    #[test]
    fn shellcheck_codes_are_unused_only_when_shellcheck_ran() {
        let text = "FROM alpine:3.20\n# dlint ignore=SC2086,shellcheck\nRUN echo ok\n";
        let file = crate::syntax::parse(text);
        let ma021 = |outcome: Option<&shellcheck::Outcome>| -> Vec<String> {
            lint_with_shellcheck(&file, text, None, &RuleSet::all(), None, outcome)
                .diagnostics
                .iter()
                .filter(|d| d.code == "MA021")
                .map(|d| d.range.slice(text).to_owned())
                .collect()
        };
        assert!(ma021(None).is_empty());
        let ran = shellcheck::Outcome::default();
        assert_eq!(ma021(Some(&ran)), ["SC2086", "shellcheck"]);
        // A RUN it could not check: nothing is known about its codes.
        let partial = shellcheck::Outcome {
            diagnostics: Vec::new(),
            problems: vec![shellcheck::Problem::Skipped { count: 1 }],
        };
        assert!(ma021(Some(&partial)).is_empty());
    }
}
