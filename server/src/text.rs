//! Text positions: byte ranges, and their conversion to line/column and LSP positions.
//!
//! Everything inside dlint is a byte [`TextRange`] into the original source. Lines and
//! columns are computed only at the edges (rendering, JSON, LSP) through a [`LineIndex`].
//! A line ends at `\n`; a `\r` right before it belongs to the line break, not the line,
//! so CRLF files get the same columns as LF files.

use serde::Serialize;

/// A half-open byte range `[start, end)` into a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub const fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The smallest range covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The text this range selects; empty if it does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// The unit an LSP client counts columns in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A 1-based line and column, the column counted in Unicode scalar values (characters),
/// as humans and most tools (rustc, ruff, hadolint) print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// A 0-based line and column in a chosen [`PositionEncoding`], as LSP sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LspPosition {
    pub line: u32,
    pub character: u32,
}

/// Line start offsets of one text, for fast offset <-> position conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of every line; always starts with 0.
    starts: Vec<usize>,
    len: usize,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr_newlines(text).map(|i| i + 1));
        Self {
            starts,
            len: text.len(),
            ascii: text.is_ascii(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing `offset` (an offset at a line break belongs to that line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of a 0-based line, without its line break (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.starts.get(line).copied().unwrap_or(self.len);
        let mut end = self.starts.get(line + 1).map_or(self.len, |next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end.max(start))
    }

    /// The line break-free text of a 0-based line.
    pub fn line_text<'t>(&self, line: usize, text: &'t str) -> &'t str {
        self.line_range(line, text).slice(text)
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize, text: &str) -> LineCol {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let offset = clamp_to_char_boundary(text, offset.min(self.len));
        let column = if self.ascii {
            offset - start
        } else {
            text[start..offset].chars().count()
        };
        LineCol {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// 0-based LSP position of a byte offset, columns counted in `encoding` units.
    pub fn lsp_position(
        &self,
        offset: usize,
        text: &str,
        encoding: PositionEncoding,
    ) -> LspPosition {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let offset = clamp_to_char_boundary(text, offset.min(self.len));
        let prefix = &text[start..offset];
        let character = if self.ascii {
            prefix.len()
        } else {
            match encoding {
                PositionEncoding::Utf8 => prefix.len(),
                PositionEncoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
                PositionEncoding::Utf32 => prefix.chars().count(),
            }
        };
        LspPosition {
            line: line as u32,
            character: character as u32,
        }
    }

    /// Byte offset of an LSP position. Positions past the end of a line clamp to the line
    /// end (before its line break), positions past the last line clamp to the text end, and
    /// a column inside a multi-unit character rounds down to that character's start: the
    /// result is always a char boundary of `text`.
    pub fn offset(&self, pos: LspPosition, text: &str, encoding: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        let line_text = range.slice(text);
        let want = pos.character as usize;
        if self.ascii || encoding == PositionEncoding::Utf8 {
            let mut at = want.min(line_text.len());
            while !line_text.is_char_boundary(at) {
                at -= 1;
            }
            return range.start + at;
        }
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            let w = match encoding {
                PositionEncoding::Utf16 => ch.len_utf16(),
                _ => 1,
            };
            if units + w > want {
                return range.start + i;
            }
            units += w;
        }
        range.end
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    // The search for a `char` runs on memchr.
    text.match_indices('\n').map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_columns_match_lf() {
        let text = "FROM a\r\nRUN b\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_text(0, text), "FROM a");
        assert_eq!(idx.line_text(1, text), "RUN b");
        let run = text.find("RUN").expect("RUN");
        assert_eq!(idx.line_col(run + 4, text), LineCol { line: 2, column: 5 });
        // The \r is the line break: the end of line 1 is column 7 in both files.
        assert_eq!(idx.line_col(6, text), LineCol { line: 1, column: 7 });
    }

    #[test]
    fn utf16_and_utf8_columns() {
        // 'é' is 2 bytes / 1 UTF-16 unit, '𝄞' is 4 bytes / 2 UTF-16 units.
        let text = "LABEL a=\"é𝄞x\"\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(
            idx.lsp_position(x, text, PositionEncoding::Utf8).character,
            15
        );
        assert_eq!(
            idx.lsp_position(x, text, PositionEncoding::Utf16).character,
            12
        );
        assert_eq!(
            idx.lsp_position(x, text, PositionEncoding::Utf32).character,
            11
        );
        assert_eq!(idx.line_col(x, text).column, 12);
        for enc in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let pos = idx.lsp_position(x, text, enc);
            assert_eq!(idx.offset(pos, text, enc), x, "{enc:?}");
        }
    }

    #[test]
    fn offsets_clamp_and_stay_on_char_boundaries() {
        let text = "a𝄞b\nc";
        let idx = LineIndex::new(text);
        // UTF-16 column 2 is inside the surrogate pair: rounds down to the char start.
        assert_eq!(
            idx.offset(
                LspPosition {
                    line: 0,
                    character: 2
                },
                text,
                PositionEncoding::Utf16
            ),
            1
        );
        assert_eq!(
            idx.offset(
                LspPosition {
                    line: 0,
                    character: 99
                },
                text,
                PositionEncoding::Utf16
            ),
            6
        );
        assert_eq!(
            idx.offset(
                LspPosition {
                    line: 9,
                    character: 0
                },
                text,
                PositionEncoding::Utf16
            ),
            text.len()
        );
        assert_eq!(
            idx.offset(
                LspPosition {
                    line: 0,
                    character: 3
                },
                text,
                PositionEncoding::Utf8
            ),
            1
        );
    }

    #[test]
    fn tabs_are_one_column() {
        let text = "\tRUN x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(1, text), LineCol { line: 1, column: 2 });
    }
}
