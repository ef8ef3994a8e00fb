//! One open document: its text, version and line index, its tree-sitter tree (edited with
//! [`tree_sitter::InputEdit`] as changes arrive, re-parsed incrementally when next wanted),
//! and incremental edits to it.

use std::sync::Arc;

use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Point, Tree};

use crate::text::{LineIndex, LspPosition, PositionEncoding};

use super::snapshot::Snapshot;

/// The text of an open document as the client last sent it.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub line_index: LineIndex,
    /// The concrete syntax tree of `text`, or of an earlier text with the edits since then
    /// applied (`tree_stale`); `None` for documents over [`TREE_LIMIT`] (the features that
    /// use it fall back to the model), after the whole text was replaced, or if the grammar
    /// failed to load.
    pub tree: Option<Tree>,
    /// True when `tree` has not been re-parsed since the last change: diagnostics do not
    /// need the tree, so a keystroke does not wait for it ([`Document::fresh_tree`]).
    pub tree_stale: bool,
    /// The analysis of this version, once something asked for it.
    pub snapshot: Option<Arc<Snapshot>>,
    /// When `snapshot` was built (the session's clock), to drop the oldest first.
    pub snapshot_built: u64,
}

/// Documents larger than this keep no tree-sitter tree: parsing it would hold up the
/// server at every edit that cannot be re-parsed incrementally.
pub const TREE_LIMIT: usize = 4 * 1024 * 1024;

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let line_index = LineIndex::new(&text);
        Self {
            text,
            version,
            line_index,
            tree: None,
            tree_stale: true,
            snapshot: None,
            snapshot_built: 0,
        }
    }

    /// Apply `changes` in order (each one's range refers to the text after the previous
    /// one), then take `version`. Positions out of range clamp; a reversed range is
    /// read start-first. The tree is edited along; [`Document::fresh_tree`] re-parses it.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        let mut reuse = self.tree.is_some();
        for change in changes {
            match change.range {
                None => {
                    self.text = change.text;
                    reuse = false;
                    self.tree = None;
                }
                Some(range) => {
                    let a = self.offset(range.start, encoding);
                    let b = self.offset(range.end, encoding);
                    let (start, old_end) = (a.min(b), a.max(b));
                    let start_position = self.point(start);
                    let old_end_position = self.point(old_end);
                    self.text.replace_range(start..old_end, &change.text);
                    if let Some(tree) = self.tree.as_mut().filter(|_| reuse) {
                        tree.edit(&InputEdit {
                            start_byte: start,
                            old_end_byte: old_end,
                            new_end_byte: start + change.text.len(),
                            start_position,
                            old_end_position,
                            new_end_position: advance(start_position, &change.text),
                        });
                    }
                }
            }
            self.line_index = LineIndex::new(&self.text);
        }
        self.tree_stale = true;
        self.version = version;
        self.snapshot = None;
    }

    /// The tree of the current text: the edited tree re-parsed incrementally (or the text
    /// parsed afresh) if changes came since the last parse.
    pub fn fresh_tree(&mut self) -> Option<&Tree> {
        if self.tree_stale {
            self.tree = parse_tree_of(&self.text, self.tree.as_ref());
            self.tree_stale = false;
        }
        self.tree.as_ref()
    }

    /// Byte offset of an LSP position, clamped to the text.
    pub fn offset(&self, pos: Position, encoding: PositionEncoding) -> usize {
        let pos = LspPosition {
            line: pos.line,
            character: pos.character,
        };
        self.line_index.offset(pos, &self.text, encoding)
    }

    /// The tree-sitter point (row, byte column) of a byte offset.
    fn point(&self, offset: usize) -> Point {
        let row = self.line_index.line_of(offset);
        let start = self.line_index.line_range(row, &self.text).start;
        Point::new(row, offset.saturating_sub(start))
    }
}

/// The tree of `text`, re-using `old` (edited to match it) when given; `None` over
/// [`TREE_LIMIT`].
pub fn parse_tree_of(text: &str, old: Option<&Tree>) -> Option<Tree> {
    (text.len() <= TREE_LIMIT)
        .then(|| crate::syntax::tree::parse_tree(text, old))
        .flatten()
}

/// The point after inserting `text` at `at`.
fn advance(at: Point, text: &str) -> Point {
    match text.rfind('\n') {
        None => Point::new(at.row, at.column + text.len()),
        Some(last) => Point::new(
            at.row + text.bytes().filter(|&b| b == b'\n').count(),
            text.len() - last - 1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp_server::ls_types::Range;

    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn applies_changes_in_order() {
        let mut doc = Document::new("FROM a\r\nWRONG x\n".to_owned(), 1);
        doc.apply_changes(
            vec![
                change(Some(((1, 0), (1, 5))), "RUN"),
                change(Some(((1, 4), (1, 5))), "echo"),
            ],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text, "FROM a\r\nRUN echo\n");
        assert_eq!(doc.version, 2);
    }

    #[test]
    fn utf16_columns_after_non_ascii() {
        let mut doc = Document::new("# é😀x\n".to_owned(), 1);
        // é is 1 UTF-16 unit, 😀 is 2: x starts at 5.
        doc.apply_changes(
            vec![change(Some(((0, 5), (0, 6))), "y")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text, "# é😀y\n");
        // In UTF-8 the same character (now `y`) starts at byte 8.
        doc.apply_changes(
            vec![change(Some(((0, 8), (0, 9))), "z")],
            3,
            PositionEncoding::Utf8,
        );
        assert_eq!(doc.text, "# é😀z\n");
    }

    #[test]
    fn out_of_range_and_reversed_ranges_clamp() {
        let mut doc = Document::new("FROM a\n".to_owned(), 1);
        doc.apply_changes(
            vec![change(Some(((9, 9), (0, 4))), "!")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text, "FROM!");
        doc.apply_changes(
            vec![change(Some(((0, 2), (0, 99))), "")],
            3,
            PositionEncoding::Utf8,
        );
        assert_eq!(doc.text, "FR");
        doc.apply_changes(vec![change(None, "FROM b\n")], 4, PositionEncoding::Utf8);
        assert_eq!(doc.text, "FROM b\n");
    }

    #[test]
    fn incremental_reparse_matches_a_fresh_parse() {
        let mut doc = Document::new("FROM a\nRUN echo hi\n".to_owned(), 1);
        let edits = [
            (((1, 4), (1, 8)), "apt-get \\\n  update"),
            (((0, 5), (0, 6)), "python:3.12"),
            (((3, 0), (3, 0)), "COPY . /app\nCMD [\"x\"]\n"),
            (((1, 0), (2, 10)), "RUN é"),
        ];
        for (version, (range, text)) in (2..).zip(edits) {
            doc.apply_changes(
                vec![change(Some(range), text)],
                version,
                PositionEncoding::Utf8,
            );
            assert!(doc.tree_stale);
            let fresh = crate::syntax::tree::parse_tree(&doc.text, None).unwrap();
            let tree = doc.fresh_tree().unwrap();
            assert_eq!(
                tree.root_node().to_sexp(),
                fresh.root_node().to_sexp(),
                "{:?}",
                doc.text
            );
        }
    }
}
