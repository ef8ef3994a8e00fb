//! `dlint rules` (the rule table) and `dlint explain` (one rule's documentation).

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use serde::Serialize;

use crate::cli::{ExitStatus, ExplainArgs, RulesArgs, ViewFormat, report_error};
use crate::diagnostic::{Category, Severity};
use crate::render::Colors;
use crate::rules::{FixAvailability, RuleEntry, RuleMeta, registry};

/// One row of `dlint rules --format json`.
#[derive(Debug, Serialize)]
struct RuleView {
    code: &'static str,
    name: &'static str,
    category: Category,
    severity: Severity,
    /// `always`, `sometimes` or `none`.
    fix: &'static str,
    /// Whether the rule runs without being selected by code or name.
    default: bool,
    since: &'static str,
    summary: &'static str,
    upstream: Option<&'static str>,
}

impl RuleView {
    fn new(meta: &'static RuleMeta) -> Self {
        Self {
            code: meta.code,
            name: meta.name,
            category: meta.category,
            severity: meta.severity,
            fix: fix_str(meta.fix),
            default: meta.enabled_by_default(),
            since: meta.since,
            summary: meta.summary(),
            upstream: meta.upstream,
        }
    }
}

const fn fix_str(fix: FixAvailability) -> &'static str {
    match fix {
        FixAvailability::Always => "always",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::None => "none",
    }
}

pub(crate) fn rules(args: &RulesArgs) -> Result<ExitStatus> {
    let views: Vec<RuleView> = registry().iter().map(|e| RuleView::new(e.meta)).collect();
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ViewFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &views)?;
            writeln!(out)?;
        }
        ViewFormat::Text => write_table(&mut out, &views)?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// A plain aligned table; the summary column comes last so long text does not push others.
fn write_table(out: &mut impl Write, views: &[RuleView]) -> io::Result<()> {
    let header = [
        "CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "FIX", "UPSTREAM", "SUMMARY",
    ];
    let rows: Vec<[&str; 8]> = views
        .iter()
        .map(|v| {
            [
                v.code,
                v.name,
                v.category.as_str(),
                v.severity.as_str(),
                if v.default { "on" } else { "off" },
                v.fix,
                v.upstream.unwrap_or("-"),
                v.summary,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

pub(crate) fn explain(args: &ExplainArgs) -> Result<ExitStatus> {
    if let Some(code) = crate::shellcheck::parse_code(&args.rule) {
        // ShellCheck's checks are documented on its wiki.
        let mut out = BufWriter::new(io::stdout().lock());
        writeln!(out, "# {code} (ShellCheck)")?;
        writeln!(out)?;
        writeln!(
            out,
            "A ShellCheck check, reported on RUN bodies when ShellCheck is enabled \
             (`[shellcheck] enabled = true` or `dlint check --shellcheck`).\n\n\
             Documentation: {}",
            crate::shellcheck::wiki_url(code)
        )?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let Some(entry) = crate::rules::find(&args.rule) else {
        let mut message = format!("unknown rule `{}`", args.rule);
        if let Some(close) = suggest(&args.rule, registry()) {
            message = format!("{message}; did you mean `{close}`?");
        }
        message.push_str(" (`dlint rules` lists them)");
        report_error(Colors::default(), &message);
        return Ok(ExitStatus::Error);
    };
    let meta = entry.meta;
    let mut out = BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "# {} {} (category: {}, default severity: {}, fix: {}{}{})",
        meta.code,
        meta.name,
        meta.category,
        meta.severity,
        fix_str(meta.fix),
        if meta.enabled_by_default() {
            ""
        } else {
            ", off by default"
        },
        meta.upstream
            .map(|u| format!(", upstream: {u}"))
            .unwrap_or_default()
    )?;
    writeln!(out)?;
    if !meta.enabled_by_default() {
        writeln!(
            out,
            "Off by default: `ALL` and the `{}` category do not select it. Enable it by name, \
             e.g. `--extend-select {}` or `extend-select = [\"{}\"]` in `.dlint.toml`.",
            meta.category, meta.code, meta.code
        )?;
        writeln!(out)?;
    }
    writeln!(out, "{}", meta.docs.trim())?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// The code or name closest to `wanted`, if it is close enough to be a typo.
fn suggest(wanted: &str, entries: &[RuleEntry]) -> Option<&'static str> {
    let wanted = wanted.to_ascii_lowercase();
    entries
        .iter()
        .flat_map(|e| [e.meta.code, e.meta.name])
        .map(|candidate| {
            (
                levenshtein(&wanted, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min()
        .map(|(_, candidate)| candidate)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::rules::Rule;

    crate::declare_rule! {
        pub struct Example;
        code: "SY001",
        name: "unknown-instruction",
        category: Syntax,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        upstream: None,
        docs: "Checks for words that are not instructions.\n\n## What it does\n",
    }

    impl Rule for Example {
        fn meta(&self) -> &'static RuleMeta {
            &Self::META
        }
    }

    crate::declare_rule! {
        pub struct OptIn;
        code: "MA999",
        name: "opt-in",
        category: Maintainability,
        severity: Info,
        fix: Always,
        since: "0.1.0",
        upstream: Some("hadolint: DL1001"),
        docs: "Checks for nothing.\n",
        default: Off,
    }

    static ENTRIES: &[RuleEntry] = &[RuleEntry {
        meta: &Example::META,
        new: || Box::new(Example),
    }];

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("sy001", "sy001"), 0);
    }

    #[test]
    fn suggests_close_codes_and_names_only() {
        assert_eq!(suggest("SY01", ENTRIES), Some("SY001"));
        assert_eq!(
            suggest("unknown-instrution", ENTRIES),
            Some("unknown-instruction")
        );
        assert_eq!(suggest("latest-tag", ENTRIES), None);
    }

    #[test]
    fn table_aligns_columns() {
        let views = [RuleView::new(&Example::META)];
        let mut out = Vec::new();
        write_table(&mut out, &views).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "CODE   NAME                 CATEGORY  SEVERITY  DEFAULT  FIX   UPSTREAM  SUMMARY\n\
             SY001  unknown-instruction  syntax    warning   on       none  -         Checks for words that are not instructions.\n"
        );
    }

    #[test]
    fn off_by_default_rules_say_so_in_the_table_and_json() {
        assert!(Example::META.enabled_by_default());
        assert!(!OptIn::META.enabled_by_default());
        let views = [RuleView::new(&Example::META), RuleView::new(&OptIn::META)];
        let json = serde_json::to_value(&views).unwrap();
        assert_eq!(json[0]["default"], true);
        assert_eq!(json[1]["default"], false);
        let mut out = Vec::new();
        write_table(&mut out, &views).unwrap();
        let table = String::from_utf8(out).unwrap();
        let row = table.lines().find(|l| l.starts_with("MA999")).unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[3..6], ["info", "off", "always"], "{row}");
    }
}
