//! Code actions: each finding's fix as a quick fix, "ignore this rule here", and fix-all
//! for the file (`source.fixAll.dlint`).

use std::collections::HashMap;
use std::sync::LazyLock;

use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionContext, CodeActionKind, CodeActionOrCommand, Range,
    TextEdit, WorkspaceEdit,
};

use crate::diagnostic::{Applicability, Diagnostic, Edit};

use super::diagnostics::to_lsp;
use super::snapshot::Snapshot;

/// `source.fixAll.dlint`: every safe fix of the file.
pub static SOURCE_FIX_ALL_DLINT: LazyLock<CodeActionKind> =
    LazyLock::new(|| CodeActionKind::new("source.fixAll.dlint"));

/// The code actions for `range` of a snapshot.
pub fn code_actions(
    snap: &Snapshot,
    range: Range,
    context: &CodeActionContext,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        context.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let mut out = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        let mut selected = snap.text_range(range);
        if selected.start == selected.end {
            // A bare cursor: the findings of its whole line.
            let line = snap.index.line_of(selected.start);
            let full = snap.index.line_range(line, &snap.text);
            selected = crate::text::TextRange::new(full.start, full.end);
        }
        let listed = |d: &Diagnostic| {
            let lsp_range = snap.range(d.range);
            context.diagnostics.iter().any(|c| {
                c.range == lsp_range
                    && matches!(&c.code, Some(lsp::NumberOrString::String(code)) if code == d.code)
            })
        };
        for d in snap.diagnostics() {
            // Findings whose range touches the selection, and those the client lists.
            let touches = d.range.start <= selected.end && selected.start <= d.range.end;
            if !touches && !listed(d) {
                continue;
            }
            let lsp_diag = to_lsp(snap, d);
            if let Some(action) = quick_fix(snap, d, &lsp_diag) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
            if let Some(action) = ignore_action(snap, d, &lsp_diag) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    let fix_all_kind = if wants(&SOURCE_FIX_ALL_DLINT) {
        Some(SOURCE_FIX_ALL_DLINT.clone())
    } else if wants(&CodeActionKind::SOURCE_FIX_ALL) {
        Some(CodeActionKind::SOURCE_FIX_ALL)
    } else {
        None
    };
    if let Some(kind) = fix_all_kind
        && let Some(action) = fix_all(snap, kind)
    {
        out.push(CodeActionOrCommand::CodeAction(action));
    }
    out
}

/// A finding's own fix.
fn quick_fix(snap: &Snapshot, d: &Diagnostic, lsp_diag: &lsp::Diagnostic) -> Option<CodeAction> {
    let fix = d.fix.as_ref()?;
    if fix.applicability == Applicability::DisplayOnly || fix.edits.is_empty() {
        return None;
    }
    let what = d
        .help
        .clone()
        .unwrap_or_else(|| format!("Fix: {}", d.message));
    let title = match fix.applicability {
        Applicability::Unsafe => format!("{what} ({}; may change the image)", d.code),
        _ => format!("{what} ({})", d.code),
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp_diag.clone()]),
        edit: Some(workspace_edit(snap, &fix.edits)),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..CodeAction::default()
    })
}

/// "Ignore CODE for this instruction": a `# dlint ignore=` comment above it.
fn ignore_action(
    snap: &Snapshot,
    d: &Diagnostic,
    lsp_diag: &lsp::Diagnostic,
) -> Option<CodeAction> {
    let (index, _) = snap.instruction_at(d.range.start)?;
    let edit = crate::suppress::ignore_comment_edit(&snap.file, &snap.text, index, d.code);
    Some(CodeAction {
        title: format!("Ignore {} ({}) for this instruction", d.code, d.name),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp_diag.clone()]),
        edit: Some(workspace_edit(snap, &[edit])),
        is_preferred: Some(false),
        ..CodeAction::default()
    })
}

/// Every safe fix of the file, applied in passes until none is left, as one edit.
fn fix_all(snap: &Snapshot, kind: CodeActionKind) -> Option<CodeAction> {
    if !snap.diagnostics().iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
    }) {
        return None;
    }
    let settings = std::sync::Arc::clone(&snap.settings);
    let images = std::sync::Arc::clone(&snap.images);
    let lint = |text: &str| -> Vec<Diagnostic> {
        let mut other = Snapshot::new(
            snap.uri.clone(),
            snap.version,
            std::sync::Arc::from(text),
            snap.encoding,
            std::sync::Arc::clone(&settings),
            std::sync::Arc::clone(&images),
        );
        other.set_tree(None);
        other.diagnostics().to_vec()
    };
    let fixed = crate::fix::fix_all(&snap.text, Applicability::Safe, &lint);
    let edit = crate::fix::minimal_edit(&snap.text, &fixed.text)?;
    let n = fixed.applied.len();
    Some(CodeAction {
        title: format!(
            "Fix all safe dlint findings ({n} fix{})",
            if n == 1 { "" } else { "es" }
        ),
        kind: Some(kind),
        edit: Some(workspace_edit(snap, &[edit])),
        ..CodeAction::default()
    })
}

/// Edits of this document as a workspace edit.
fn workspace_edit(snap: &Snapshot, edits: &[Edit]) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit::new(snap.range(e.range), e.content.clone()))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(snap.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;
    use tower_lsp_server::ls_types::Position;

    fn apply(snap: &Snapshot, action: &CodeAction) -> String {
        let edits = &action.edit.as_ref().unwrap().changes.as_ref().unwrap()[&snap.uri];
        let edits: Vec<Edit> = edits
            .iter()
            .map(|e| Edit {
                range: snap.text_range(e.range),
                content: e.new_text.clone(),
            })
            .collect();
        let refs: Vec<&Edit> = edits.iter().collect();
        apply_edits(&snap.text, &refs).unwrap()
    }

    fn actions(
        text: &str,
        line: u32,
        only: Option<Vec<CodeActionKind>>,
    ) -> (Snapshot, Vec<CodeAction>) {
        let snap = Snapshot::for_text(text);
        let ctx = CodeActionContext {
            only,
            ..CodeActionContext::default()
        };
        let got = code_actions(
            &snap,
            Range::new(Position::new(line, 0), Position::new(line, 0)),
            &ctx,
        )
        .into_iter()
        .filter_map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => Some(a),
            CodeActionOrCommand::Command(_) => None,
        })
        .collect();
        (snap, got)
    }

    #[test]
    fn quick_fix_and_ignore_for_a_finding() {
        let (snap, got) = actions("FROM alpine:3.20\nRUN apk add curl\n", 1, None);
        let titles: Vec<&str> = got.iter().map(|a| a.title.as_str()).collect();
        let fix = got
            .iter()
            .find(|a| a.title.contains("SZ003") && !a.title.starts_with("Ignore"))
            .unwrap_or_else(|| panic!("{titles:?}"));
        assert_eq!(fix.is_preferred, Some(true));
        assert!(apply(&snap, fix).contains("apk add --no-cache curl"));
        assert!(
            titles.iter().any(|t| t.starts_with("Ignore ")),
            "{titles:?}"
        );
        let ignore = got.iter().find(|a| a.title.starts_with("Ignore ")).unwrap();
        let after = apply(&snap, ignore);
        assert!(after.contains("# dlint ignore="), "{after}");
        // Ignoring works: the finding is gone from the new text.
        let code = ignore.title.split_whitespace().nth(1).unwrap();
        let again = Snapshot::for_text(&after);
        assert!(
            !again.diagnostics().iter().any(|d| d.code == code),
            "{after}"
        );
    }

    #[test]
    fn fix_all_applies_safe_fixes_only_when_asked() {
        let text = "FROM alpine:3.20\nRUN apk add curl\nRUN apk add git\n";
        let (snap, got) = actions(text, 0, Some(vec![CodeActionKind::SOURCE_FIX_ALL]));
        assert_eq!(got.len(), 1, "{got:?}");
        let after = apply(&snap, &got[0]);
        assert!(
            after.contains("RUN apk add --no-cache curl\nRUN apk add --no-cache git"),
            "{after}"
        );
        let (_, quick) = actions(text, 0, Some(vec![CodeActionKind::SOURCE_FIX_ALL]));
        assert!(
            quick
                .iter()
                .all(|a| a.kind != Some(CodeActionKind::QUICKFIX))
        );
        // Nothing left to fix: no action.
        let (_, none) = actions(&after, 0, Some(vec![SOURCE_FIX_ALL_DLINT.clone()]));
        assert!(none.is_empty(), "{none:?}");
    }
}
