//! ShellCheck in the language server: a second pass that never holds up the keystroke
//! path.
//!
//! The local findings of a version are published first. Then, when ShellCheck is enabled
//! for the document, a task waits [`DEBOUNCE`] (a burst of typing spawns nothing until it
//! pauses; a document opened a moment ago does not wait), and if the document is still at
//! that version runs ShellCheck on a thread of
//! its own (a process may take up to its timeout; the blocking pool is for linting),
//! lints the version again with ShellCheck's findings (so that suppressions and unused
//! `# dlint ignore=SC…` codes are right) and publishes the result, again only if the
//! version is unchanged. The outcome is kept per document, so a re-publication of the
//! same version (settings or base-image facts changed) includes it at once. A missing
//! `shellcheck` (or a timeout, or a failure) is shown once, never as a failed lint.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::config::ShellcheckSettings;
use crate::shellcheck::{self, Outcome, Problem};

use super::diagnostics::to_lsp;
use super::snapshot::Snapshot;
use super::{Session, log};

/// How long the document must stay unchanged before ShellCheck runs on it.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// ShellCheck's outcome on one version of a document, with the settings it ran with.
#[derive(Debug)]
struct Stored {
    version: i32,
    settings: ShellcheckSettings,
    outcome: Arc<Outcome>,
}

/// The server's ShellCheck state.
#[derive(Debug, Default)]
pub struct State {
    /// The last outcome per open document.
    outcomes: Mutex<HashMap<Uri, Stored>>,
    /// Problems already shown (by kind and program), so that each is shown once.
    shown: Mutex<HashSet<String>>,
}

impl State {
    /// The outcome for this version and settings of `snap`, if ShellCheck ran on it.
    fn outcome(&self, snap: &Snapshot) -> Option<Arc<Outcome>> {
        let outcomes = self.outcomes.lock().unwrap_or_else(PoisonError::into_inner);
        let stored = outcomes.get(&snap.uri)?;
        (stored.version == snap.version && stored.settings == snap.settings.shellcheck)
            .then(|| Arc::clone(&stored.outcome))
    }
}

/// The diagnostics to publish for `snap`: its local findings, with ShellCheck's when it
/// already ran on this version.
pub fn publishable(session: &Session, snap: &Snapshot) -> Vec<lsp::Diagnostic> {
    match session
        .shellcheck
        .outcome(snap)
        .filter(|_| snap.settings.shellcheck.enabled)
    {
        Some(outcome) => with_outcome(snap, &outcome),
        None => super::publishable(snap),
    }
}

/// Every finding of `snap` with ShellCheck's `outcome`, converted.
fn with_outcome(snap: &Snapshot, outcome: &Outcome) -> Vec<lsp::Diagnostic> {
    crate::lint::lint_with_shellcheck(
        &snap.file,
        &snap.text,
        snap.path.as_deref(),
        &snap.settings.rules,
        Some(snap.analysis()),
        Some(outcome),
    )
    .diagnostics
    .iter()
    .map(|d| convert(snap, d))
    .collect()
}

/// One finding as an LSP diagnostic; a ShellCheck code links to ShellCheck's wiki.
pub fn convert(snap: &Snapshot, d: &crate::diagnostic::Diagnostic) -> lsp::Diagnostic {
    let mut out = to_lsp(snap, d);
    if shellcheck::is_code(d.code) {
        out.code_description = shellcheck::wiki_url(d.code)
            .parse::<lsp::Uri>()
            .ok()
            .map(|href| lsp::CodeDescription { href });
    }
    out
}

/// After the local findings of `snap` are published: run ShellCheck on it in the
/// background when it is enabled and has not run on this version, then publish again.
pub fn schedule(client: &Client, session: &Arc<Session>, snap: &Arc<Snapshot>) {
    if !snap.settings.shellcheck.enabled || session.shellcheck.outcome(snap).is_some() {
        return;
    }
    // A document ShellCheck has not seen yet (just opened) is checked at once; edits wait
    // for typing to pause.
    let seen = session
        .shellcheck
        .outcomes
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains_key(&snap.uri);
    let client = client.clone();
    let session = Arc::clone(session);
    let snap = Arc::clone(snap);
    tokio::spawn(async move {
        if seen {
            tokio::time::sleep(DEBOUNCE).await;
        }
        if session.version(&snap.uri) != Some(snap.version) {
            return;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job = Arc::clone(&snap);
        let spawned = std::thread::Builder::new()
            .name("dlint-shellcheck".to_owned())
            .spawn(move || {
                let outcome = Arc::new(shellcheck::check(
                    &job.file,
                    &job.text,
                    &job.settings.shellcheck,
                ));
                let diagnostics = with_outcome(&job, &outcome);
                let _ = tx.send((outcome, diagnostics));
            });
        if let Err(err) = spawned {
            log(&format!("cannot start ShellCheck: {err}"));
            return;
        }
        let Ok((outcome, diagnostics)) = rx.await else {
            return;
        };
        for problem in &outcome.problems {
            show_once(&client, &session, &snap, problem).await;
        }
        {
            let open = session.open_uris();
            let mut outcomes = session
                .shellcheck
                .outcomes
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            outcomes.retain(|uri, _| open.contains(uri));
            if open.contains(&snap.uri) {
                outcomes.insert(
                    snap.uri.clone(),
                    Stored {
                        version: snap.version,
                        settings: snap.settings.shellcheck.clone(),
                        outcome,
                    },
                );
            }
        }
        if session.version(&snap.uri) == Some(snap.version) {
            session.publish_diagnostics(snap.uri.clone(), diagnostics, Some(snap.version));
        }
    });
}

/// Show a problem the first time it happens (per kind and program); log it always.
async fn show_once(client: &Client, session: &Session, snap: &Snapshot, problem: &Problem) {
    let message = match problem {
        Problem::NotFound { .. } => format!("dlint: {problem}"),
        _ => format!("dlint: {}: {problem}", snap.uri.as_str()),
    };
    log(&message);
    let kind = match problem {
        Problem::NotFound { .. } => "missing",
        Problem::Timeout { .. } | Problem::Skipped { .. } => "timeout",
        Problem::Failed { .. } => "failed",
    };
    let key = format!("{kind}:{}", snap.settings.shellcheck.path.display());
    let first = session
        .shellcheck
        .shown
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key);
    if first {
        client
            .show_message(lsp::MessageType::WARNING, message)
            .await;
    }
}

/// Quick fixes for the ShellCheck findings at `range` (the whole line for a bare cursor):
/// ShellCheck's own fix (unsafe: quoting changes what the shell does) and "ignore this
/// code for this instruction". The rules' actions come from [`super::actions`].
pub fn code_actions(
    session: &Session,
    snap: &Snapshot,
    range: lsp::Range,
    context: &lsp::CodeActionContext,
) -> Vec<lsp::CodeActionOrCommand> {
    let quickfix = lsp::CodeActionKind::QUICKFIX;
    let wanted = context.only.as_ref().is_none_or(|only| {
        only.iter().any(|o| {
            quickfix.as_str() == o.as_str()
                || quickfix.as_str().starts_with(&format!("{}.", o.as_str()))
        })
    });
    let Some(outcome) = session
        .shellcheck
        .outcome(snap)
        .filter(|_| wanted && snap.settings.shellcheck.enabled)
    else {
        return Vec::new();
    };
    let mut selected = snap.text_range(range);
    if selected.is_empty() {
        let line = snap.index.line_of(selected.start);
        selected = snap.index.line_range(line, &snap.text);
    }
    let mut suppressions = crate::suppress::Suppressions::parse(&snap.file, &snap.text);
    let visible = suppressions.apply(outcome.diagnostics.clone());
    let mut out = Vec::new();
    for d in &visible {
        let lsp_diag = convert(snap, d);
        let listed = context
            .diagnostics
            .iter()
            .any(|c| c.range == lsp_diag.range && c.code == lsp_diag.code);
        let touches = d.range.start <= selected.end && selected.start <= d.range.end;
        if !touches && !listed {
            continue;
        }
        if let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) {
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Apply ShellCheck's fix ({}; may change the image)", d.code),
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![lsp_diag.clone()]),
                edit: Some(workspace_edit(snap, &fix.edits)),
                is_preferred: Some(false),
                ..lsp::CodeAction::default()
            }));
        }
        if let Some((index, _)) = snap.instruction_at(d.range.start) {
            let edit = crate::suppress::ignore_comment_edit(&snap.file, &snap.text, index, d.code);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Ignore {} (shellcheck) for this instruction", d.code),
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![lsp_diag]),
                edit: Some(workspace_edit(snap, &[edit])),
                is_preferred: Some(false),
                ..lsp::CodeAction::default()
            }));
        }
    }
    out
}

/// Edits of this document as a workspace edit.
fn workspace_edit(snap: &Snapshot, edits: &[crate::diagnostic::Edit]) -> lsp::WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|e| lsp::TextEdit::new(snap.range(e.range), e.content.clone()))
        .collect();
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(snap.uri.clone(), edits)])),
        ..lsp::WorkspaceEdit::default()
    }
}
