//! Lint a document snapshot and turn the findings into LSP diagnostics.

use tower_lsp_server::ls_types::{self as lsp, NumberOrString, Position, Range};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, FileFacts, RuleEntry};
use crate::syntax;
use crate::text::{LineIndex, PositionEncoding};

/// Parse `text`, run every rule, and convert the findings with `encoding`. `path` is the
/// file on disk (for facts about its build context), if the document has one.
pub fn lint(
    text: &str,
    path: Option<&std::path::Path>,
    encoding: PositionEncoding,
) -> Vec<lsp::Diagnostic> {
    let file = syntax::parse(text);
    let entries: Vec<&RuleEntry> = rules::registry().iter().collect();
    let facts = path.map(FileFacts::for_path).unwrap_or_default();
    let findings = rules::run_with_facts(&file, text, &entries, &facts);
    let index = LineIndex::new(text);
    findings
        .iter()
        .map(|d| to_lsp(d, text, &index, encoding))
        .collect()
}

/// One finding as an LSP diagnostic.
pub fn to_lsp(
    d: &Diagnostic,
    text: &str,
    index: &LineIndex,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let position = |offset| {
        let p = index.lsp_position(offset, text, encoding);
        Position::new(p.line, p.character)
    };
    let message = match &d.help {
        Some(help) => format!("{}\n{help}", d.message),
        None => d.message.clone(),
    };
    lsp::Diagnostic {
        range: Range::new(position(d.range.start), position(d.range.end)),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_owned())),
        source: Some("dlint".to_owned()),
        message,
        ..lsp::Diagnostic::default()
    }
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}
