//! `dlint lsp`: the language server, over standard input/output.
//!
//! stdout carries the protocol; everything else (logs) goes to stderr. Documents live in a
//! [`Session`] behind a sync lock that is never held across an `.await`: `did_change`
//! applies its edits before its first `.await`, so edits land in the order they arrived
//! even though handlers run concurrently. Each document version gets one immutable
//! [`Snapshot`] (parse, then the analysis and findings on first use); features are pure
//! functions of a snapshot. Linting runs in `spawn_blocking` and is published only if the
//! document is still at the linted version.
//!
//! Base-image facts come in two passes: features answer at once from the cache and the
//! catalogue ([`images::ImageStore`]); a background task then asks the registries (with
//! `$/progress`) and, when what they say differs, asks the client to refresh inlay hints
//! and re-publishes diagnostics. Requests to the client are only sent from such tasks,
//! never awaited inside a handler.

pub mod actions;
pub mod completion;
mod diagnostics;
pub mod document;
pub mod format;
pub mod hover;
pub mod images;
pub mod inlay;
pub mod layers;
pub mod navigation;
pub mod settings;
mod shellcheck;
pub mod snapshot;
mod transport;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use anyhow::{Context as _, Result};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    self as lsp, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, InitializeParams, InitializeResult, InitializedParams,
    PositionEncodingKind, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::cli::ExitStatus;
use crate::layers::context::BuildContext;
use crate::text::PositionEncoding;

pub use self::diagnostics::{publishable, to_lsp};
pub use self::document::Document;
pub use self::snapshot::Snapshot;

use self::images::{ImageKey, ImageStore};
use self::settings::Settings;

/// Serve LSP on stdin/stdout until the client sends `exit` (or the parent process named
/// in `initialize` dies). Exit status 0 when `shutdown` came first, 1 otherwise (as the
/// protocol asks).
pub fn run() -> Result<ExitStatus> {
    // Few blocking threads: linting is CPU-bound, and each thread costs a stack and a
    // malloc arena.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(2)
        .build()
        .context("cannot start the async runtime")?;
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shut_down);
    runtime.block_on(async move {
        // stdin and stdout go through guards that keep malformed input from ending the
        // session (see `transport`).
        let (server_in, input) = tokio::io::duplex(1 << 20);
        let (output, server_out) = tokio::io::duplex(1 << 20);
        let (errors_tx, errors_rx) = tokio::sync::mpsc::unbounded_channel();
        let notifier = transport::Notifier::new(errors_tx.clone());
        let (service, socket) = LspService::build(|client| Backend::new(client, flag, notifier))
            .custom_method("dlint/layers", Backend::layers)
            .finish();
        let stdin = match transport::Stdin::open() {
            Ok(stdin) => stdin,
            Err(err) => {
                log(&format!("cannot start reading standard input: {err}"));
                return;
            }
        };
        tokio::spawn(transport::pump_input(stdin, input, errors_tx));
        let writer = tokio::spawn(transport::pump_output(
            output,
            transport::SyncStdout(std::io::stdout()),
            errors_rx,
        ));
        Server::new(server_in, server_out, socket)
            .serve(service)
            .await;
        // Everything the server wrote is in the pipe: let it reach stdout.
        let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
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

/// A build context read from disk (`None`: unreadable), and when.
type ReadContext = (std::time::Instant, Option<Arc<BuildContext>>);

/// Documents up to this size are linted on the server's thread (about a millisecond);
/// larger ones on the blocking pool.
const INLINE_LINT_BYTES: usize = 64 * 1024;

/// How long a build context read from disk is trusted before it is read again.
const CONTEXT_TTL: Duration = Duration::from_secs(10);

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
struct ClientCaps {
    inlay_refresh: bool,
    work_done_progress: bool,
}

/// Open documents and negotiated settings.
#[derive(Debug)]
pub struct Session {
    documents: RwLock<HashMap<Uri, Document>>,
    encoding: OnceLock<PositionEncoding>,
    /// The editor's settings (`initializationOptions`, then each
    /// `workspace/didChangeConfiguration`).
    client_settings: RwLock<Option<serde_json::Value>>,
    /// Resolved settings per document path (`None`: untitled documents).
    settings: Mutex<HashMap<Option<PathBuf>, Arc<Settings>>>,
    /// Configuration problems already shown, and those waiting to be shown.
    reported: Mutex<(HashSet<String>, Vec<String>)>,
    images: RwLock<Arc<ImageStore>>,
    /// Build contexts read per document path, with when: re-read after
    /// [`CONTEXT_TTL`], on save and when watched files change.
    contexts: Mutex<HashMap<PathBuf, ReadContext>>,
    caps: OnceLock<ClientCaps>,
    /// Counter for `$/progress` tokens.
    progress: AtomicU64,
    /// Orders snapshot builds, to keep the most recent ones.
    clock: AtomicU64,
    /// ShellCheck's second pass (`shellcheck::schedule`).
    shellcheck: shellcheck::State,
    /// Writes `publishDiagnostics` straight to the output (see [`transport::Notifier`]).
    notifier: OnceLock<transport::Notifier>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            documents: RwLock::default(),
            encoding: OnceLock::new(),
            client_settings: RwLock::new(None),
            settings: Mutex::default(),
            reported: Mutex::default(),
            images: RwLock::new(Arc::new(ImageStore::offline())),
            contexts: Mutex::default(),
            caps: OnceLock::new(),
            progress: AtomicU64::new(0),
            clock: AtomicU64::new(0),
            shellcheck: shellcheck::State::default(),
            notifier: OnceLock::new(),
        }
    }
}

impl Session {
    /// Send `textDocument/publishDiagnostics`. Every publish goes this one way, so they
    /// reach the client in the order they are made.
    fn publish_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<tower_lsp_server::ls_types::Diagnostic>,
        version: Option<i32>,
    ) {
        match self.notifier.get() {
            Some(notifier) => notifier.publish_diagnostics(uri, diagnostics, version),
            None => log("no output for diagnostics (the server is not running)"),
        }
    }

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

    /// The settings of a document at `path`, resolved once until the next reload.
    fn settings_for(&self, path: Option<&std::path::Path>) -> Arc<Settings> {
        let key = path.map(std::path::Path::to_path_buf);
        if let Some(settings) = self
            .settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Arc::clone(settings);
        }
        let client = self
            .client_settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let (settings, problems) = Settings::resolve(path, client.as_ref());
        let settings = Arc::new(settings);
        if !problems.is_empty() {
            let mut reported = self.reported.lock().unwrap_or_else(PoisonError::into_inner);
            for problem in problems {
                if reported.0.insert(problem.clone()) {
                    reported.1.push(problem);
                }
            }
        }
        self.settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&settings));
        settings
    }

    /// Configuration problems not shown yet.
    fn take_problems(&self) -> Vec<String> {
        std::mem::take(
            &mut self
                .reported
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .1,
        )
    }

    /// Take new editor settings (`{"dlint": {...}}` or the object itself).
    fn set_client_settings(&self, value: Option<serde_json::Value>) {
        let value = value.map(|v| match v {
            serde_json::Value::Object(mut map) if map.contains_key("dlint") => {
                map.remove("dlint").unwrap_or_default()
            }
            other => other,
        });
        *self
            .client_settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = value;
    }

    fn images(&self) -> Arc<ImageStore> {
        Arc::clone(&self.images.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    /// The snapshot of the current version of `uri`, built on first use.
    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        let (text, version, tree) = {
            let documents = self.read();
            let doc = documents.get(uri)?;
            if let Some(snap) = &doc.snapshot {
                return Some(Arc::clone(snap));
            }
            (
                Arc::<str>::from(doc.text.as_str()),
                doc.version,
                (doc.tree.clone(), doc.tree_stale),
            )
        };
        let settings = self.settings_for(snapshot::file_path(uri).as_deref());
        let mut snap = Snapshot::new(
            uri.clone(),
            version,
            text,
            self.encoding(),
            settings,
            self.images(),
        );
        snap.seed_tree(tree.0, tree.1);
        if let Some(path) = snap.path.clone()
            && snap.settings.read_context
        {
            snap.set_build_context(self.build_context(&path));
        }
        let snap = Arc::new(snap);
        let evicted = {
            let mut documents = self.write();
            if let Some(doc) = documents.get_mut(uri)
                && doc.version == version
                && doc.snapshot.is_none()
            {
                doc.snapshot = Some(Arc::clone(&snap));
                doc.snapshot_built = self.clock.fetch_add(1, Ordering::Relaxed);
            }
            evict_snapshots(&mut documents)
        };
        // Dropped outside the lock.
        drop(evicted);
        Some(snap)
    }

    /// The build context of the Dockerfile at `path` (its directory), read at most once
    /// per [`CONTEXT_TTL`].
    fn build_context(&self, path: &std::path::Path) -> Option<Arc<BuildContext>> {
        let now = std::time::Instant::now();
        if let Some((at, context)) = self
            .contexts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            && now.duration_since(*at) < CONTEXT_TTL
        {
            return context.clone();
        }
        let dir = path.parent()?;
        let context = BuildContext::load(dir, Some(path)).ok().map(Arc::new);
        self.contexts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), (now, context.clone()));
        context
    }

    /// Forget the build contexts read so far.
    fn forget_contexts(&self) {
        self.contexts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The snapshot of the current version of `uri` if one was built already.
    /// Keep `tree`, the tree of version `version` of `uri`, as the document's tree if the
    /// document is still at that version and its own tree is stale.
    fn adopt_tree(&self, uri: &Uri, version: i32, tree: Option<&tree_sitter::Tree>) {
        let mut documents = self.write();
        if let Some(doc) = documents.get_mut(uri)
            && doc.version == version
            && doc.tree_stale
        {
            doc.tree = tree.cloned();
            doc.tree_stale = false;
        }
    }

    /// Whether `uri` is small enough to be worked on in the server thread
    /// ([`INLINE_LINT_BYTES`]): a thread hop would cost more than the work.
    fn is_small(&self, uri: &Uri) -> bool {
        self.read()
            .get(uri)
            .is_some_and(|doc| doc.text.len() <= INLINE_LINT_BYTES)
    }

    fn cached_snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.read().get(uri)?.snapshot.clone()
    }

    fn version(&self, uri: &Uri) -> Option<i32> {
        self.read().get(uri).map(|doc| doc.version)
    }

    fn open_uris(&self) -> Vec<Uri> {
        self.read().keys().cloned().collect()
    }

    /// Forget resolved settings (configuration changed) and every snapshot.
    fn reload_settings(&self) {
        self.forget_contexts();
        self.settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.reported
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clear();
        self.invalidate();
    }

    /// A fresh image store for the current settings (mirrors, insecure registries,
    /// offline), built from the settings of a document in `root` (or untitled).
    fn rebuild_images(&self, root: Option<&std::path::Path>) {
        let probe = root.map(|r| r.join("Dockerfile"));
        let settings = self.settings_for(probe.as_deref());
        let config = &settings.config;
        let mut registry = crate::registry::config::RegistryConfig {
            offline: settings.offline(),
            ..crate::registry::config::RegistryConfig::default()
        };
        if !config.registry_mirrors().is_empty() {
            registry
                .mirrors
                .insert("docker.io".to_owned(), config.registry_mirrors().to_vec());
        }
        registry
            .insecure_registries
            .extend(config.insecure_registries().iter().cloned());
        let store = Arc::new(ImageStore::new(&registry));
        *self.images.write().unwrap_or_else(PoisonError::into_inner) = store;
    }

    /// Drop every cached snapshot (settings or image facts changed).
    fn invalidate(&self) {
        for doc in self.write().values_mut() {
            doc.snapshot = None;
        }
    }
}

/// Analysed snapshots kept at once; the others are rebuilt when asked for (a background
/// tab costs its text and tree, not its analysis).
const KEPT_SNAPSHOTS: usize = 12;

/// Take the oldest snapshots out of `documents` when more than [`KEPT_SNAPSHOTS`] are held.
fn evict_snapshots(documents: &mut HashMap<Uri, Document>) -> Vec<Arc<Snapshot>> {
    let held = documents.values().filter(|d| d.snapshot.is_some()).count();
    if held <= KEPT_SNAPSHOTS {
        return Vec::new();
    }
    let mut ages: Vec<u64> = documents
        .values()
        .filter(|d| d.snapshot.is_some())
        .map(|d| d.snapshot_built)
        .collect();
    ages.sort_unstable();
    let cutoff = ages[held - KEPT_SNAPSHOTS];
    documents
        .values_mut()
        .filter(|d| d.snapshot_built < cutoff)
        .filter_map(|d| d.snapshot.take())
        .collect()
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
    /// The workspace folder given at `initialize`.
    root: OnceLock<Option<PathBuf>>,
}

fn log(message: &str) {
    eprintln!("dlint lsp: {message}");
}

/// Run `f` on the blocking pool; a panic there becomes an internal error, not a dead
/// server.
async fn blocking<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> jsonrpc::Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|err| {
        log(&format!("{what} failed: {err}"));
        jsonrpc::Error::internal_error()
    })
}

impl Backend {
    fn new(client: Client, shut_down: Arc<AtomicBool>, notifier: transport::Notifier) -> Self {
        let session = Session::default();
        let _ = session.notifier.set(notifier);
        Self {
            client,
            session: Arc::new(session),
            shut_down,
            root: OnceLock::new(),
        }
    }

    /// Answer a request from the snapshot of `uri` on the blocking pool.
    async fn with_snapshot<T: Send + 'static>(
        &self,
        what: &'static str,
        uri: &Uri,
        f: impl FnOnce(&Snapshot) -> T + Send + 'static,
    ) -> jsonrpc::Result<T> {
        // Set when this future is dropped: the client cancelled the request (tower drops
        // the handler on `$/cancelRequest`), so work still queued is skipped.
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancelled));
        let snap = match self.session.cached_snapshot(uri) {
            Some(snap) => snap,
            // A small document parses faster than a thread hop takes.
            None if self.session.is_small(uri) => {
                self.session.snapshot(uri).ok_or_else(|| not_open(uri))?
            }
            None => {
                // Parsing a huge document is the slow part: do it off the async thread.
                let session = Arc::clone(&self.session);
                let key = uri.clone();
                let flag = Arc::clone(&cancelled);
                blocking(what, move || {
                    (!flag.load(Ordering::Relaxed))
                        .then(|| session.snapshot(&key))
                        .flatten()
                })
                .await?
                .ok_or_else(|| not_open(uri))?
            }
        };
        if snap.text.len() < 256 * 1024 {
            return Ok(f(&snap));
        }
        blocking(what, move || {
            if cancelled.load(Ordering::Relaxed) {
                return Err(jsonrpc::Error::request_cancelled());
            }
            Ok(f(&snap))
        })
        .await?
    }

    /// Lint the current version of `uri` off the async thread and publish the findings if
    /// the document has not moved on meanwhile; then look its base images up live.
    async fn lint_and_publish(&self, uri: Uri) {
        let session = Arc::clone(&self.session);
        let key = uri.clone();
        let lint = move || {
            let snap = session.snapshot(&key)?;
            // A newer version arrived while this one waited: it will be linted instead.
            if session.version(&key) != Some(snap.version) {
                return None;
            }
            let diagnostics = shellcheck::publishable(&session, &snap);
            Some((snap, diagnostics))
        };
        let linted = if self.session.is_small(&uri) {
            // Let edits already received land first, so a burst lints only its last
            // version; then lint here: a thread hop costs more than linting a small file.
            tokio::task::yield_now().await;
            Ok(lint())
        } else {
            blocking("linting", lint).await
        };
        let Ok(Some((snap, diagnostics))) = linted else {
            return;
        };
        if self.session.version(&uri) != Some(snap.version) {
            return;
        }
        self.session
            .publish_diagnostics(uri, diagnostics, Some(snap.version));
        self.show_problems().await;
        self.fetch_images(&snap);
        shellcheck::schedule(&self.client, &self.session, &snap);
        self.refresh_tree(snap);
    }

    /// Re-parse the tree of a snapshot just linted (diagnostics do not wait for it), so that
    /// the next folding request finds it, and the next edit re-parses from it.
    fn refresh_tree(&self, snap: Arc<Snapshot>) {
        if snap.parsed_tree().is_some() {
            return;
        }
        if self.session.version(&snap.uri) != Some(snap.version) {
            return;
        }
        let small = snap.text.len() <= INLINE_LINT_BYTES;
        let session = Arc::clone(&self.session);
        let refresh = move || {
            session.adopt_tree(&snap.uri, snap.version, snap.tree());
        };
        if small {
            refresh();
        } else {
            tokio::task::spawn_blocking(refresh);
        }
    }

    /// Show configuration problems the user has not seen yet (notifications only).
    async fn show_problems(&self) {
        for problem in self.session.take_problems() {
            log(&problem);
            self.client
                .show_message(lsp::MessageType::ERROR, format!("dlint: {problem}"))
                .await;
        }
    }

    /// Start live lookups of the base images `snap` uses that have not been asked for.
    fn fetch_images(&self, snap: &Snapshot) {
        let platform = snap.platform().to_owned();
        let mut keys: Vec<ImageKey> = Vec::new();
        for stage in &snap.analysis().stages {
            if let crate::layers::Base::Image(image) = &stage.base {
                let platform = stage.platform.clone().unwrap_or_else(|| platform.clone());
                let key = (image.clone(), platform);
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        let images = Arc::clone(&snap.images);
        let wanted = images.claim_live(&keys);
        if wanted.is_empty() {
            return;
        }
        let client = self.client.clone();
        let session = Arc::clone(&self.session);
        tokio::spawn(async move {
            let caps = session.caps();
            let progress = if caps.work_done_progress {
                let n = session.progress.fetch_add(1, Ordering::Relaxed);
                let token = lsp::ProgressToken::String(format!("dlint/images/{n}"));
                match client.create_work_done_progress(token.clone()).await {
                    Ok(()) => Some(
                        client
                            .progress(token, "dlint: base images")
                            .with_message(format!("looking up {}", wanted[0].0))
                            .begin()
                            .await,
                    ),
                    Err(_) => None,
                }
            } else {
                None
            };
            let mut changed = false;
            for key in &wanted {
                if let Some(progress) = &progress {
                    progress.report(format!("looking up {}", key.0)).await;
                }
                changed |= images.fetch_live(key).await;
            }
            if let Some(progress) = progress {
                progress.finish_with_message("done").await;
            }
            if changed {
                session.invalidate();
                if caps.inlay_refresh {
                    let _ = client.inlay_hint_refresh().await;
                }
                for uri in session.open_uris() {
                    republish(&session, uri).await;
                }
            }
        });
    }

    /// `dlint/layers`: the layer cake of a document, for editors to draw.
    async fn layers(&self, params: layers::LayersParams) -> jsonrpc::Result<layers::LayerCake> {
        self.with_snapshot("layers", &params.text_document.uri, layers::layer_cake)
            .await
    }

    /// Re-read settings for every open document and re-lint them.
    async fn reload(&self) {
        self.session.reload_settings();
        self.session
            .rebuild_images(self.root.get().and_then(Option::as_deref));
        if self.session.caps().inlay_refresh {
            // The hints on screen were computed with the old settings. Spawned: a handler
            // never waits on the client.
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.inlay_hint_refresh().await;
            });
        }
        for uri in self.session.open_uris() {
            self.lint_and_publish(uri).await;
        }
    }
}

/// Sets its flag when dropped.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The error for a request about a document that is not open.
fn not_open(uri: &Uri) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InvalidParams,
        message: format!("document not open: {}", uri.as_str()).into(),
        data: None,
    }
}

/// Publish the current findings of `uri` (after settings or image facts changed).
async fn republish(session: &Arc<Session>, uri: Uri) {
    let s = Arc::clone(session);
    let key = uri.clone();
    let linted = tokio::task::spawn_blocking(move || {
        let snap = s.snapshot(&key)?;
        Some((snap.version, shellcheck::publishable(&s, &snap)))
    })
    .await;
    if let Ok(Some((version, diagnostics))) = linted
        && session.version(&uri) == Some(version)
    {
        session.publish_diagnostics(uri, diagnostics, Some(version));
    }
}

/// Exit when the process that started the server is gone (the client crashed without
/// `exit`). Polled: there is no portable notification.
fn watch_parent(pid: u32) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
    if !proc.exists() {
        return;
    }
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(2));
            if !proc.exists() {
                log(&format!("parent process {pid} is gone; exiting"));
                std::process::exit(1);
            }
        }
    });
}

fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let encoding = *self.session.encoding.get_or_init(|| encoding);
        let caps = ClientCaps {
            inlay_refresh: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            work_done_progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        };
        let _ = self.session.caps.set(caps);
        if let Some(pid) = params.process_id {
            watch_parent(pid);
        }
        #[allow(deprecated, reason = "older clients send only rootUri")]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .as_ref()
            .and_then(snapshot::file_path);
        let _ = self.root.set(root.clone());
        self.session
            .set_client_settings(params.initialization_options);
        self.session.rebuild_images(root.as_deref());
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "dlint".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        log("initialized");
        // Watch configuration files, so edits made outside the editor reload too.
        let watchers = ["**/.dlint.toml", "**/dlint.toml", "**/.dockerignore"]
            .into_iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob.to_owned()),
                kind: None,
            })
            .collect();
        let registration = lsp::Registration {
            id: "dlint-config-watch".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        let client = self.client.clone();
        // Not awaited here: a client that answers slowly must not hold up this handler.
        tokio::spawn(async move {
            if let Err(err) = client.register_capability(vec![registration]).await {
                log(&format!("cannot watch configuration files: {err}"));
            }
        });
        self.show_problems().await;
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let version = doc.version;
        // Insert before any `.await`, so that changes sent right after the open find it.
        let document = Document::new(doc.text, version);
        {
            let mut documents = self.session.write();
            match documents.get(&uri) {
                // Re-opened with an older version than the one held: keep the newer.
                Some(existing) if existing.version > version => {}
                _ => {
                    documents.insert(uri.clone(), document);
                }
            }
        }
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
                Some(doc) if version <= doc.version => Err("change not newer than the document"),
                Some(doc) => {
                    // The previous version's snapshot is freed after the new findings are
                    // out: dropping a whole model is not the keystroke's business.
                    let previous = doc.snapshot.take();
                    doc.apply_changes(params.content_changes, version, encoding);
                    Ok(previous)
                }
            }
        };
        match applied {
            Ok(previous) => {
                self.lint_and_publish(uri).await;
                drop(previous);
            }
            Err(why) => log(&format!("ignored {why}: {} v{version}", uri.as_str())),
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // The build context may have changed around the file: read it again.
        let uri = params.text_document.uri;
        self.session.forget_contexts();
        if let Some(doc) = self.session.write().get_mut(&uri) {
            doc.snapshot = None;
        }
        self.lint_and_publish(uri).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.session.write().remove(&uri).is_some();
        if removed {
            self.session.publish_diagnostics(uri, Vec::new(), None);
        } else {
            log(&format!(
                "ignored close of a document that is not open: {}",
                uri.as_str()
            ));
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.session.set_client_settings(Some(params.settings));
        self.reload().await;
    }

    async fn did_change_watched_files(&self, _params: DidChangeWatchedFilesParams) {
        self.reload().await;
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> jsonrpc::Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let session = Arc::clone(&self.session);
        self.with_snapshot("code actions", &uri, move |snap| {
            let mut actions = actions::code_actions(snap, params.range, &params.context);
            actions.extend(shellcheck::code_actions(
                &session,
                snap,
                params.range,
                &params.context,
            ));
            (!actions.is_empty()).then_some(actions)
        })
        .await
    }

    async fn hover(&self, params: lsp::HoverParams) -> jsonrpc::Result<Option<lsp::Hover>> {
        let at = params.text_document_position_params;
        self.with_snapshot("hover", &at.text_document.uri, move |snap| {
            hover::hover(snap, at.position)
        })
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::InlayHint>>> {
        self.with_snapshot("inlay hints", &params.text_document.uri, move |snap| {
            Some(inlay::inlay_hints(snap, params.range))
        })
        .await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> jsonrpc::Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position;
        self.with_snapshot("completion", &at.text_document.uri, move |snap| {
            completion::completion(snap, at.position)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<lsp::DocumentSymbolResponse>> {
        self.with_snapshot("symbols", &params.text_document.uri, |snap| {
            Some(lsp::DocumentSymbolResponse::Nested(
                navigation::document_symbols(snap),
            ))
        })
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::FoldingRange>>> {
        self.with_snapshot("folding", &params.text_document.uri, |snap| {
            Some(navigation::folding_ranges(snap))
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> jsonrpc::Result<Option<lsp::GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.with_snapshot("definition", &at.text_document.uri, move |snap| {
            navigation::definition(snap, at.position).map(lsp::GotoDefinitionResponse::Scalar)
        })
        .await
    }

    async fn references(
        &self,
        params: lsp::ReferenceParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::Location>>> {
        let at = params.text_document_position;
        let include = params.context.include_declaration;
        self.with_snapshot("references", &at.text_document.uri, move |snap| {
            Some(navigation::references(snap, at.position, include))
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<lsp::PrepareRenameResponse>> {
        self.with_snapshot("rename", &params.text_document.uri, move |snap| {
            navigation::prepare_rename(snap, params.position).map(lsp::PrepareRenameResponse::Range)
        })
        .await
    }

    async fn rename(
        &self,
        params: lsp::RenameParams,
    ) -> jsonrpc::Result<Option<lsp::WorkspaceEdit>> {
        let at = params.text_document_position;
        let name = params.new_name;
        self.with_snapshot("rename", &at.text_document.uri, move |snap| {
            navigation::rename(snap, at.position, &name)
        })
        .await?
        .map_err(|message| jsonrpc::Error {
            code: jsonrpc::ErrorCode::InvalidParams,
            message: message.into(),
            data: None,
        })
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::DocumentLink>>> {
        self.with_snapshot("links", &params.text_document.uri, |snap| {
            Some(navigation::document_links(snap))
        })
        .await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::TextEdit>>> {
        let options = params.options;
        self.with_snapshot("formatting", &params.text_document.uri, move |snap| {
            Some(format::format(snap, &options))
        })
        .await
    }

    async fn range_formatting(
        &self,
        params: lsp::DocumentRangeFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::TextEdit>>> {
        let options = params.options;
        self.with_snapshot("formatting", &params.text_document.uri, move |snap| {
            Some(format::range_format(snap, params.range, &options))
        })
        .await
    }
}

/// What the server offers.
fn capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..lsp::TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::SOURCE_FIX_ALL,
                    actions::SOURCE_FIX_ALL_DLINT.clone(),
                ]),
                resolve_provider: Some(false),
                ..lsp::CodeActionOptions::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(completion::trigger_characters()),
            ..lsp::CompletionOptions::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        document_range_formatting_provider: Some(lsp::OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}
