//! `dlint lsp`: the language server, over standard input/output.
//!
//! stdout carries the protocol; everything else (logs) goes to stderr. Documents live in a
//! [`Session`] behind a sync lock that is never held across an `.await`: `did_change`
//! applies its edits before its first `.await`, so edits land in the order they arrived
//! even though handlers run concurrently. Linting runs on a snapshot in
//! `spawn_blocking`, and its result is published only if the document is still at the
//! linted version.

mod diagnostics;
mod document;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use anyhow::{Context as _, Result};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    InitializeParams, InitializeResult, InitializedParams, PositionEncodingKind,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::cli::ExitStatus;
use crate::text::PositionEncoding;

pub use self::diagnostics::{lint, to_lsp};
pub use self::document::Document;

/// Serve LSP on stdin/stdout until the client sends `exit`. Exit status 0 when `shutdown`
/// came first, 1 otherwise (as the protocol asks).
pub fn run() -> Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shut_down);
    runtime.block_on(async move {
        let (service, socket) = LspService::new(|client| Backend::new(client, flag));
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // The stdin reader blocks a thread until the client closes the pipe: do not wait for
    // it, the protocol is over.
    runtime.shutdown_background();
    Ok(if shut_down.load(Ordering::SeqCst) {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// Open documents and negotiated settings.
#[derive(Debug, Default)]
pub struct Session {
    documents: RwLock<HashMap<Uri, Document>>,
    encoding: OnceLock<PositionEncoding>,
}

impl Session {
    /// The position encoding agreed at `initialize` (UTF-16 before that).
    pub fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Uri, Document>> {
        self.documents
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<Uri, Document>> {
        self.documents
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Pick UTF-8 when the client offers it, else UTF-16 (the protocol's default).
pub fn negotiate_encoding(params: &InitializeParams) -> PositionEncoding {
    let offers_utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|offered| offered.contains(&PositionEncodingKind::UTF8));
    if offers_utf8 {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

struct Backend {
    client: Client,
    session: Arc<Session>,
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    fn new(client: Client, shut_down: Arc<AtomicBool>) -> Self {
        Self {
            client,
            session: Arc::new(Session::default()),
            shut_down,
        }
    }

    /// Lint the current text of `uri` off the async threads and publish the findings if
    /// the document has not moved on meanwhile.
    async fn lint_and_publish(&self, uri: Uri) {
        let encoding = self.session.encoding();
        let Some((text, version)) = self
            .session
            .read()
            .get(&uri)
            .map(|doc| (doc.text.clone(), doc.version))
        else {
            return;
        };
        let path = file_path(&uri);
        let linted = tokio::task::spawn_blocking(move || {
            diagnostics::lint(&text, path.as_deref(), encoding)
        })
        .await;
        let diagnostics = match linted {
            Ok(diagnostics) => diagnostics,
            Err(err) => {
                log(&format!("linting {} failed: {err}", uri.as_str()));
                return;
            }
        };
        let current = self.session.read().get(&uri).map(|doc| doc.version);
        if current != Some(version) {
            return;
        }
        self.client
            .publish_diagnostics(uri, diagnostics, Some(version))
            .await;
    }
}

/// The local path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<std::path::PathBuf> {
    if !uri.as_str().starts_with("file:") {
        return None;
    }
    uri.to_file_path().map(std::borrow::Cow::into_owned)
}

fn log(message: &str) {
    eprintln!("dlint lsp: {message}");
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let encoding = *self.session.encoding.get_or_init(|| encoding);
        let kind = match encoding {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
            PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
        };
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(kind),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "dlint".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        log("initialized");
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        self.session
            .write()
            .insert(doc.uri, Document::new(doc.text, doc.version));
        self.lint_and_publish(uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        // Apply the edits before any `.await`: handlers run concurrently.
        let applied = {
            let encoding = self.session.encoding();
            let mut documents = self.session.write();
            match documents.get_mut(&uri) {
                None => Err("change to a document that is not open"),
                Some(doc) if version < doc.version => Err("change older than the document"),
                Some(doc) => {
                    doc.apply_changes(params.content_changes, version, encoding);
                    Ok(())
                }
            }
        };
        match applied {
            Ok(()) => self.lint_and_publish(uri).await,
            Err(why) => log(&format!("ignored {why}: {} v{version}", uri.as_str())),
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.session.write().remove(&uri).is_some();
        if removed {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        } else {
            log(&format!(
                "ignored close of a document that is not open: {}",
                uri.as_str()
            ));
        }
    }
}
