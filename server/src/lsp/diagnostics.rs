//! A snapshot's findings as LSP diagnostics: code, link to the rule's documentation,
//! severity, related places and tags.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use tower_lsp_server::ls_types::{self as lsp, NumberOrString};

use crate::diagnostic::{Diagnostic, Severity};

use super::snapshot::Snapshot;

/// Run the rules the document's configuration enables, with its severities, options and
/// inline suppressions.
pub fn findings(snap: &Snapshot) -> Vec<Diagnostic> {
    crate::lint::lint_with_analysis(
        &snap.file,
        &snap.text,
        snap.path.as_deref(),
        &snap.settings.rules,
        Some(snap.analysis()),
    )
    .diagnostics
}

/// Every finding of a snapshot, converted.
pub fn publishable(snap: &Snapshot) -> Vec<lsp::Diagnostic> {
    snap.diagnostics().iter().map(|d| to_lsp(snap, d)).collect()
}

/// Rules whose findings mark text that does nothing (shown faded by editors).
const UNNECESSARY: &[&str] = &["empty-continuation-line", "redundant-target-platform"];
/// Rules whose findings mark deprecated syntax (shown struck through).
const DEPRECATED: &[&str] = &["maintainer-deprecated", "legacy-key-value-format"];

/// One finding as an LSP diagnostic.
pub fn to_lsp(snap: &Snapshot, d: &Diagnostic) -> lsp::Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\n{help}", d.message),
        None => d.message.clone(),
    };
    let code_description =
        code_link(&snap.settings.docs_url, d.code).map(|href| lsp::CodeDescription { href });
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| lsp::DiagnosticRelatedInformation {
            location: snap.location(r.range),
            message: r.message.clone(),
        })
        .collect();
    let mut tags = Vec::new();
    if UNNECESSARY.contains(&d.name) {
        tags.push(lsp::DiagnosticTag::UNNECESSARY);
    }
    if DEPRECATED.contains(&d.name) {
        tags.push(lsp::DiagnosticTag::DEPRECATED);
    }
    lsp::Diagnostic {
        range: snap.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_owned())),
        code_description,
        source: Some("dlint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: Some(serde_json::json!({ "name": d.name })),
    }
}

/// The documentation page of rule `code` under `docs_url`. Parsed once per rule: a
/// keystroke publishes every finding again, most of them of the same few rules.
fn code_link(docs_url: &str, code: &'static str) -> Option<lsp::Uri> {
    type Links = HashMap<String, HashMap<&'static str, Option<lsp::Uri>>>;
    static LINKS: LazyLock<Mutex<Links>> = LazyLock::new(Mutex::default);
    let parse = || format!("{docs_url}/{code}.md").parse::<lsp::Uri>().ok();
    let Ok(mut links) = LINKS.lock() else {
        return parse();
    };
    if !links.contains_key(docs_url) {
        // One entry per documentation address in use: settings rarely change it.
        if links.len() >= 8 {
            links.clear();
        }
        links.insert(docs_url.to_owned(), HashMap::new());
    }
    links
        .get_mut(docs_url)?
        .entry(code)
        .or_insert_with(parse)
        .clone()
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}
