//! The typed model of a Dockerfile: directives, comments, instructions with flags,
//! arguments, heredocs and exact byte ranges, and the stages they form.
//!
//! Built by [`crate::syntax::parse`]. Every string value is paired with the byte range of
//! the source it came from, so diagnostics and editor features point at exact text even
//! across line continuations.

mod keyword;

pub use keyword::{InstructionKind, known_flags};
use serde::Serialize;

use crate::shell::ShellScript;
use crate::text::{LineIndex, TextRange};

/// A value with the byte range it came from. For values assembled across a line
/// continuation the range covers all the source pieces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

/// A whole parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    /// The escape character in force (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub comments: Vec<Comment>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// Problems found while parsing; syntax rules report them.
    pub errors: Vec<SyntaxError>,
    /// Lines where a continuation went on over an empty line (BuildKit warns about these).
    pub empty_continuation_lines: Vec<TextRange>,
    pub line_index: LineIndex,
    /// Byte length of a leading UTF-8 byte-order mark (0 or 3).
    pub bom: usize,
}

impl Dockerfile {
    /// Instructions before the first `FROM` (only `ARG` is meaningful there).
    pub fn global_instructions(&self) -> &[Instruction] {
        let first = self
            .instructions
            .iter()
            .position(|i| i.kind == InstructionKind::From)
            .unwrap_or(self.instructions.len());
        &self.instructions[..first]
    }

    /// The directive named `name` (lower-case), if present and recognised.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// Instructions of a stage.
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.instructions.clone()]
    }
}

/// A parser directive at the top of the file: `# syntax=`, `# escape=`, `# check=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    pub name_range: TextRange,
    pub value: Spanned<String>,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// The whole comment line from `#`, without the line break.
    pub range: TextRange,
    /// Text after `#`, trimmed.
    pub text: String,
    /// True for comments inside an instruction's line continuation.
    pub inside_instruction: bool,
}

/// One instruction, exactly as BuildKit splits the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// The keyword as written (any case).
    pub keyword: Spanned<String>,
    /// From the keyword to the end of its last line, heredoc bodies included.
    pub range: TextRange,
    /// 1-based first and last line, as BuildKit reports them.
    pub start_line: u32,
    pub end_line: u32,
    pub flags: Vec<Flag>,
    pub args: Arguments,
    pub heredocs: Vec<Heredoc>,
    /// `ONBUILD`'s wrapped instruction.
    pub onbuild: Option<Box<Instruction>>,
    /// Index into [`Dockerfile::stages`]; `None` before the first `FROM`.
    pub stage: Option<usize>,
    /// Whether a shell-form RUN here runs in a POSIX shell: false after a
    /// `SHELL ["powershell", …]` or `["cmd", …]`, and in stages on Windows base images
    /// (whose default shell is `cmd`). Inherited by stages built `FROM` this one.
    pub posix_shell: bool,
    /// The shell script of a shell-form RUN, parsed with tree-sitter-bash on first use
    /// (see [`Instruction::script`]).
    #[serde(skip)]
    pub script: std::sync::OnceLock<Option<ShellScript>>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.value == name)
    }

    /// Argument words (shell form split on whitespace, respecting quotes; exec form items).
    pub fn words(&self) -> &[Spanned<String>] {
        match &self.args {
            Arguments::Exec(items) => items,
            Arguments::Shell(s) => &s.words,
            Arguments::None => &[],
        }
    }

    /// The shell script a RUN executes (its shell-form text, or its heredoc body), parsed
    /// with tree-sitter-bash once and cached; ranges are in the Dockerfile source. `None`
    /// for other instructions and exec-form RUNs.
    pub fn script(&self) -> Option<&ShellScript> {
        if !self.posix_shell {
            return None;
        }
        self.script
            .get_or_init(|| crate::shell::script_of(self))
            .as_ref()
    }

    /// The instruction after unwrapping `ONBUILD`.
    pub fn effective(&self) -> &Self {
        self.onbuild.as_deref().unwrap_or(self)
    }
}

/// `--name=value` before the arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Name without the leading `--`.
    pub name: Spanned<String>,
    /// `None` for a bare `--link`; `Some("")` for `--from=`.
    pub value: Option<Spanned<String>>,
    pub range: TextRange,
}

impl Flag {
    pub fn value_str(&self) -> Option<&str> {
        self.value.as_ref().map(|v| v.value.as_str())
    }
}

/// The arguments after the flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "form", rename_all = "lowercase")]
pub enum Arguments {
    None,
    /// JSON array form: `["a", "b"]`.
    Exec(Vec<Spanned<String>>),
    Shell(ShellForm),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShellForm {
    /// The text as the builder sees it: continuations joined, comment lines dropped.
    pub text: String,
    /// From the first to the last byte of the arguments in the source.
    pub range: TextRange,
    /// The text split into words as BuildKit does for this instruction kind.
    pub words: Vec<Spanned<String>>,
    /// Maps offsets in `text` to source offsets.
    #[serde(skip)]
    pub map: SourceMap,
}

/// Maps offsets of text assembled from pieces of the source back to the source.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// `(offset in assembled text, offset in source)` at the start of each piece.
    pieces: Vec<(usize, usize)>,
    len: usize,
}

impl SourceMap {
    pub fn push(&mut self, text_offset: usize, source_offset: usize, len: usize) {
        if let Some(&(t, s)) = self.pieces.last() {
            // Merge adjacent pieces.
            if t + (self.len - t) == text_offset && s + (text_offset - t) == source_offset {
                self.len = text_offset + len;
                return;
            }
        }
        self.pieces.push((text_offset, source_offset));
        self.len = text_offset + len;
    }

    /// The pieces as `(offset in assembled text, offset in source, length)`.
    pub fn pieces(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.pieces.iter().enumerate().map(|(i, &(t, s))| {
            let end = self.pieces.get(i + 1).map_or(self.len, |p| p.0);
            (t, s, end - t)
        })
    }

    /// Source offset of a text offset (an end offset maps to the end of its piece).
    pub fn to_source(&self, offset: usize) -> usize {
        let i = match self.pieces.binary_search_by(|p| p.0.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return self.pieces.first().map_or(offset, |p| p.1),
            Err(i) => i - 1,
        };
        let (t, s) = self.pieces[i];
        s + (offset - t)
    }

    /// The map of `range` of the assembled text, re-based so that `range.start` is 0.
    #[must_use]
    pub fn slice(&self, range: TextRange) -> Self {
        let mut out = Self::default();
        // Pieces are sorted: start at the last one beginning at or before the range (a
        // long RUN has a piece per line, and every word of it is sliced).
        let first = self
            .pieces
            .partition_point(|p| p.0 <= range.start)
            .saturating_sub(1);
        for (i, &(t, s)) in self.pieces.iter().enumerate().skip(first) {
            if t >= range.end {
                break;
            }
            let piece_end = self.pieces.get(i + 1).map_or(self.len, |p| p.0);
            let a = t.max(range.start);
            let b = piece_end.min(range.end);
            if a < b {
                out.push(a - range.start, s + (a - t), b - a);
            }
        }
        if out.pieces.is_empty() {
            out.pieces.push((0, self.to_source(range.start)));
        }
        out
    }

    /// Source range of a text range; an end at a piece boundary stays in the earlier piece.
    pub fn range(&self, range: TextRange) -> TextRange {
        let start = self.to_source(range.start);
        let end = if range.end > range.start {
            self.to_source(range.end - 1) + 1
        } else {
            start
        };
        TextRange::new(start, end.max(start))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter word, quotes removed.
    pub name: String,
    /// The `<<EOF` word in the instruction line.
    pub marker: TextRange,
    /// File descriptor prefix (`3<<EOF`), 0 when absent.
    pub fd: u32,
    /// `<<-`: leading tabs are stripped.
    pub chomp: bool,
    /// False when the delimiter was quoted: no variable expansion in the body.
    pub expand: bool,
    /// The body lines (without the terminator line).
    pub body: TextRange,
    /// The body as the builder sees it (every line ends in `\n`).
    pub content: String,
    /// The terminator line; `None` when the file ended first.
    pub terminator: Option<TextRange>,
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub index: usize,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Instruction index range, FROM included.
    pub instructions: std::ops::Range<usize>,
    /// The base as written (`python:3.12`, `builder`, `scratch`, `${BASE}`).
    pub base: Option<Spanned<String>>,
    /// The `AS name`, as written.
    pub name: Option<Spanned<String>>,
    pub platform: Option<Spanned<String>>,
    /// Whether this stage's layers end up in an image that is shipped: the last stage, any
    /// stage no other stage uses (it can only be another `--target`), and the stages these
    /// are built `FROM`. A builder whose files are only copied out (`COPY --from`, mounts)
    /// is not shipped: the size of its layers does not matter.
    pub shipped: bool,
}

/// What a syntax problem is; syntax rules report these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyntaxErrorKind {
    UnterminatedHeredoc,
    InvalidJson,
    NonStringJson,
    MissingArguments,
    InvalidDirective,
    DuplicateDirective,
    NoInstructions,
    InvalidEnvPair,
    /// A physical line of 64 KiB or more: BuildKit's line scanner refuses it.
    LineTooLong,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub range: TextRange,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::SourceMap;
    use crate::text::TextRange;

    /// Every slice of a many-piece map, against slicing piece by piece from the start.
    #[test]
    fn slices_match_a_scan_of_every_piece() {
        let mut map = SourceMap::default();
        // Lines of 7 bytes whose continuation (2 bytes) is left out of the text.
        for line in 0..12 {
            map.push(line * 7, line * 9 + 3, 7);
        }
        let naive = |range: TextRange| {
            let mut out = SourceMap::default();
            for (t, s, len) in map.pieces() {
                let (a, b) = (t.max(range.start), (t + len).min(range.end));
                if a < b {
                    out.push(a - range.start, s + (a - t), b - a);
                }
            }
            if out.pieces.is_empty() {
                out.pieces.push((0, map.to_source(range.start)));
            }
            out
        };
        for start in 0..=84 {
            for end in start..=84 {
                let range = TextRange::new(start, end);
                assert_eq!(map.slice(range), naive(range), "{start}..{end}");
            }
        }
    }
}
