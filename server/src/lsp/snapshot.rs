//! An immutable view of one document at one version: its text, the parsed model, and
//! (computed on first use) the layer analysis and the findings. Every feature (hover,
//! inlay hints, completion, navigation, code actions) is a pure function of a
//! [`Snapshot`] and a position, so it can run off the async threads and be unit-tested
//! without a client.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tower_lsp_server::ls_types::{self as lsp, Position, Range, Uri};

use crate::diagnostic::Diagnostic;
use crate::layers::context::BuildContext;
use crate::layers::{Analysis, Options};
use crate::model::{Dockerfile, Instruction, Stage};
use crate::text::{LineIndex, LspPosition, PositionEncoding, TextRange};

use super::images::ImageStore;
use super::settings::Settings;

/// Everything a feature needs to answer about one version of a document.
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    pub index: LineIndex,
    pub file: Dockerfile,
    /// The tree-sitter tree of `text`, parsed on first use ([`Snapshot::tree`]).
    tree: OnceLock<Option<tree_sitter::Tree>>,
    /// The document's tree when the snapshot was taken, and whether it is stale (edited
    /// to match `text` but not re-parsed).
    tree_seed: Option<(tree_sitter::Tree, bool)>,
    /// The file on disk, for `file:` documents.
    pub path: Option<PathBuf>,
    pub encoding: PositionEncoding,
    pub settings: Arc<Settings>,
    /// Base-image facts known to the server (cache, catalogue, live).
    pub images: Arc<ImageStore>,
    analysis: OnceLock<Analysis>,
    diagnostics: OnceLock<Vec<Diagnostic>>,
    context: OnceLock<Option<Arc<BuildContext>>>,
    /// Every inlay hint of the document with its offset, in order ([`Snapshot::inlay_hints`]).
    inlay_hints: OnceLock<Vec<(usize, tower_lsp_server::ls_types::InlayHint)>>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("uri", &self.uri.as_str())
            .field("version", &self.version)
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    /// Parse `text` (nothing else is computed until asked for).
    pub fn new(
        uri: Uri,
        version: i32,
        text: Arc<str>,
        encoding: PositionEncoding,
        settings: Arc<Settings>,
        images: Arc<ImageStore>,
    ) -> Self {
        let file = crate::syntax::parse(&text);
        // The model indexed the very same text: a copy, not a second scan.
        let index = file.line_index.clone();
        let path = file_path(&uri);
        Self {
            uri,
            version,
            text,
            index,
            file,
            tree: OnceLock::new(),
            tree_seed: None,
            path,
            encoding,
            settings,
            images,
            analysis: OnceLock::new(),
            diagnostics: OnceLock::new(),
            context: OnceLock::new(),
            inlay_hints: OnceLock::new(),
        }
    }

    /// Every inlay hint of the document with its offset, in order: made by `make` on first
    /// use (an editor asks again for each scroll and refresh of the same version).
    pub(crate) fn inlay_hints(
        &self,
        make: impl FnOnce() -> Vec<(usize, tower_lsp_server::ls_types::InlayHint)>,
    ) -> &[(usize, tower_lsp_server::ls_types::InlayHint)] {
        self.inlay_hints.get_or_init(make)
    }

    /// A snapshot of `text` with default settings and an offline image store: for tests.
    /// Its tree is parsed too.
    pub fn for_text(text: &str) -> Self {
        let uri: Uri = "file:///work/Dockerfile".parse().expect("valid URI");
        let mut snap = Self::new(
            uri,
            1,
            Arc::from(text),
            PositionEncoding::Utf16,
            Arc::new(Settings::default()),
            Arc::new(ImageStore::offline()),
        );
        snap.set_tree(crate::syntax::tree::parse_tree(text, None));
        snap.settings = Arc::new(Settings {
            read_context: false,
            ..Settings::default()
        });
        snap
    }

    /// The tree-sitter tree of the text: the document's, re-parsed incrementally if edits
    /// came after its last parse. `None` for documents over the tree size limit.
    pub fn tree(&self) -> Option<&tree_sitter::Tree> {
        self.tree
            .get_or_init(|| match &self.tree_seed {
                Some((tree, false)) => Some(tree.clone()),
                Some((tree, true)) => super::document::parse_tree_of(&self.text, Some(tree)),
                None => super::document::parse_tree_of(&self.text, None),
            })
            .as_ref()
    }

    /// Use `tree` as the tree of the text (it must be the text's).
    pub fn set_tree(&mut self, tree: Option<tree_sitter::Tree>) {
        self.tree = OnceLock::from(tree);
    }

    /// Start from the document's `tree` (stale: edited, not re-parsed) when one is asked for.
    pub fn seed_tree(&mut self, tree: Option<tree_sitter::Tree>, stale: bool) {
        self.tree_seed = tree.map(|t| (t, stale));
    }

    /// The tree, if it has been parsed.
    pub fn parsed_tree(&self) -> Option<&tree_sitter::Tree> {
        self.tree.get().and_then(Option::as_ref)
    }

    /// The directory the build context is taken from (the document's directory).
    pub fn context_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// The build context on disk, read once per snapshot (sizes of COPY sources); `None`
    /// for untitled documents, when the directory cannot be read, or when disabled.
    pub fn build_context(&self) -> Option<&BuildContext> {
        self.context
            .get_or_init(|| {
                if !self.settings.read_context {
                    return None;
                }
                let dir = self.context_dir()?;
                BuildContext::load(dir, self.path.as_deref())
                    .ok()
                    .map(Arc::new)
            })
            .as_deref()
    }

    /// Use a build context read earlier (the server keeps one per directory for a while,
    /// instead of walking the directory at every keystroke).
    pub fn set_build_context(&self, context: Option<Arc<BuildContext>>) {
        let _ = self.context.set(context);
    }

    /// The layer analysis with the configured platform, target and build args.
    pub fn analysis(&self) -> &Analysis {
        self.analysis.get_or_init(|| {
            let settings = &self.settings;
            let opts = Options {
                build_args: &settings.build_args,
                target: settings.target.as_deref(),
                platform: settings.platform.as_deref(),
                context: self.build_context(),
            };
            crate::layers::analyze(&self.file, &opts)
        })
    }

    /// Every finding of the enabled rules, sorted by position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.diagnostics
            .get_or_init(|| super::diagnostics::findings(self))
    }

    /// The target platform (`linux/amd64` unless configured).
    pub fn platform(&self) -> &str {
        self.settings.platform.as_deref().unwrap_or("linux/amd64")
    }

    // ---- positions -------------------------------------------------------------------

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let p = self
            .index
            .lsp_position(offset.min(self.text.len()), &self.text, self.encoding);
        Position::new(p.line, p.character)
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of an LSP position, clamped to the text (a position past the end
    /// of a line is the end of that line; past the last line, the end of the text).
    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(
            LspPosition {
                line: pos.line,
                character: pos.character,
            },
            &self.text,
            self.encoding,
        )
    }

    /// The byte range of an LSP range (start first).
    pub fn text_range(&self, range: Range) -> TextRange {
        let a = self.offset(range.start);
        let b = self.offset(range.end);
        TextRange::new(a.min(b), a.max(b))
    }

    // ---- lookups ---------------------------------------------------------------------

    /// The top-level instruction whose range contains `offset` (its last byte counts, so
    /// a cursor at the end of an instruction's line finds it), with its index.
    pub fn instruction_at(&self, offset: usize) -> Option<(usize, &Instruction)> {
        let i = self
            .file
            .instructions
            .partition_point(|ins| ins.range.end < offset);
        let ins = self.file.instructions.get(i)?;
        (ins.range.start <= offset && offset <= ins.range.end).then_some((i, ins))
    }

    /// The stage an instruction index belongs to.
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        self.file
            .stages
            .iter()
            .find(|s| s.instructions.contains(&instruction))
    }

    /// The stage named `name` (case-insensitive, as BuildKit compares them).
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        self.file.stages.iter().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
        })
    }

    /// An LSP location in this document.
    pub fn location(&self, range: TextRange) -> lsp::Location {
        lsp::Location::new(self.uri.clone(), self.range(range))
    }
}

/// The local path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.as_str().starts_with("file:") {
        return None;
    }
    uri.to_file_path().map(std::borrow::Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instruction_at_finds_the_enclosing_instruction() {
        let snap = Snapshot::for_text("FROM a\n\nRUN echo \\\n  hi\nCMD x\n");
        let at = |line, col| {
            snap.instruction_at(snap.offset(Position::new(line, col)))
                .map(|(i, _)| i)
        };
        assert_eq!(at(0, 0), Some(0));
        assert_eq!(at(0, 6), Some(0));
        assert_eq!(at(1, 0), None);
        assert_eq!(at(3, 3), Some(1));
        assert_eq!(at(4, 1), Some(2));
        assert_eq!(at(99, 0), None);
    }

    #[test]
    fn positions_round_trip() {
        let snap = Snapshot::for_text("FROM é\r\nRUN x\n");
        let off = snap.text.find('x').unwrap();
        let pos = snap.position(off);
        assert_eq!(pos, Position::new(1, 4));
        assert_eq!(snap.offset(pos), off);
    }
}
