//! One open document: its text, version and line index, and incremental edits to it.

use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

use crate::text::{LineIndex, LspPosition, PositionEncoding};

/// The text of an open document as the client last sent it.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub line_index: LineIndex,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let line_index = LineIndex::new(&text);
        Self {
            text,
            version,
            line_index,
        }
    }

    /// Apply `changes` in order (each one's range refers to the text after the previous
    /// one), then take `version`. Positions out of range clamp; a reversed range is
    /// read start-first.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let a = self.offset(range.start, encoding);
                    let b = self.offset(range.end, encoding);
                    self.text.replace_range(a.min(b)..a.max(b), &change.text);
                }
            }
            self.line_index = LineIndex::new(&self.text);
        }
        self.version = version;
    }

    /// Byte offset of an LSP position, clamped to the text.
    pub fn offset(&self, pos: Position, encoding: PositionEncoding) -> usize {
        let pos = LspPosition {
            line: pos.line,
            character: pos.character,
        };
        self.line_index.offset(pos, &self.text, encoding)
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
}
