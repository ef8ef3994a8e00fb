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
        "CODE", "NAME", "CATEGORY", "SEVERITY", "FIX", "UPSTREAM", "SUMMARY",
    ];
    let rows: Vec<[&str; 7]> = views
        .iter()
        .map(|v| {
            [
                v.code,
                v.name,
                v.category.as_str(),
                v.severity.as_str(),
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
        "# {} {} (category: {}, default severity: {}, fix: {}{})",
        meta.code,
        meta.name,
        meta.category,
        meta.severity,
        fix_str(meta.fix),
        meta.upstream
            .map(|u| format!(", upstream: {u}"))
            .unwrap_or_default()
    )?;
    writeln!(out)?;
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
            "CODE   NAME                 CATEGORY  SEVERITY  FIX   UPSTREAM  SUMMARY\n\
             SY001  unknown-instruction  syntax    warning   none  -         Checks for words that are not instructions.\n"
        );
    }
}
