//! The one lint pipeline of `dlint check` and the language server: build the enabled
//! rules with their options, run them, apply configured severities, then inline
//! suppressions, and sort.

use std::path::Path;

use crate::config::RuleSet;
use crate::diagnostic::Diagnostic;
use crate::model::Dockerfile;
use crate::rules::maintainability::UnusedSuppression;
use crate::rules::{self, FileFacts};
use crate::suppress::{SuppressionKind, Suppressions};

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

/// [`lint_detailed`] reusing an analysis of `file` the caller already made (the language
/// server's, with the configured platform, target and build context).
pub fn lint_with_analysis(
    file: &Dockerfile,
    source: &str,
    path: Option<&Path>,
    rules: &RuleSet,
    analysis: Option<&crate::layers::Analysis>,
) -> Linted {
    let facts = path.map(FileFacts::for_path).unwrap_or_default();
    let mut diagnostics =
        rules::run_rules_with(file, source, rules.instantiate(), &facts, analysis);
    for d in &mut diagnostics {
        if let Some(severity) = rules.get(d.code).and_then(|r| r.severity) {
            d.severity = severity;
        }
    }
    let mut suppressions = Suppressions::parse(file, source);
    let mut diagnostics = suppressions.apply(diagnostics);
    if let Some(rule) = rules.get(UnusedSuppression::META.code) {
        let meta = &UnusedSuppression::META;
        let severity = rule.severity.unwrap_or(meta.severity);
        for unused in suppressions.unused() {
            if unused.kind != SuppressionKind::Dlint {
                continue;
            }
            let (message, help) = if unused.known {
                (
                    format!("`{}` suppresses nothing here", unused.code),
                    "Remove it from the comment".to_owned(),
                )
            } else {
                (
                    format!("`{}` names no dlint rule or category", unused.code),
                    "Use a rule code (`dlint rules`), a rule name, a category or `all`".to_owned(),
                )
            };
            diagnostics.push(Diagnostic {
                code: meta.code,
                name: meta.name,
                category: meta.category,
                severity,
                message,
                range: unused.range,
                help: Some(help),
                fix: None,
                related: Vec::new(),
            });
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Linted {
        diagnostics,
        suppressions,
    }
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
}
