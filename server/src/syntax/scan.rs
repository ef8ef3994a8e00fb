//! The line scanner: splits a Dockerfile into instructions exactly as BuildKit does.
//!
//! This follows `frontend/dockerfile/parser/parser.go` of current BuildKit line by line:
//! parser directives are read until the first line that is not one; a line ending in the
//! escape character (unless that is itself escaped) continues on the next line; comment
//! lines and empty lines inside a continuation are skipped (not ended); RUN/COPY/ADD lines
//! with `<<WORD` heredoc markers then consume the following lines up to each terminator.
//!
//! It works on byte offsets into the original text, so every piece of an instruction's
//! logical line keeps its place in the source (see [`SourceMap`]).

use super::instruction::{Marker, heredoc_markers};
use crate::model::{Comment, Directive, SourceMap, Spanned, SyntaxError, SyntaxErrorKind};
use crate::text::TextRange;

/// A physical line: `[start, content_end)` is the text without the line break, `end` is
/// after the line break (or the end of input).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub start: usize,
    pub content_end: usize,
    pub end: usize,
}

pub(crate) fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 30 + 1);
    let mut start = 0;
    while start < bytes.len() {
        let nl = bytes[start..].iter().position(|&b| b == b'\n');
        let (content_end, end) = match nl {
            Some(i) => (start + i, start + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        // trimNewline: drop trailing \r and \n characters.
        let mut ce = content_end;
        while ce > start && (bytes[ce - 1] == b'\r' || bytes[ce - 1] == b'\n') {
            ce -= 1;
        }
        lines.push(Line {
            start,
            content_end: ce,
            end,
        });
        start = end;
    }
    lines
}

/// An instruction's text as the scanner found it, before its words are interpreted.
#[derive(Debug, Clone)]
pub(crate) struct RawInstruction {
    /// The logical line: continuation characters removed, comment and empty lines dropped.
    pub line: String,
    pub map: SourceMap,
    /// 0-based index of the first and last physical line (heredoc bodies included).
    pub first_line: usize,
    pub last_line: usize,
    /// Heredoc markers in the line and the bodies read for them, in order.
    pub heredocs: Vec<(Marker, HeredocBody)>,
}

/// Output of the scanner.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub instructions: Vec<RawInstruction>,
    pub directives: Vec<Directive>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
    pub empty_continuation_lines: Vec<TextRange>,
    pub escape: char,
    pub bom: usize,
}

struct Directives {
    escape: u8,
    done: bool,
}

impl Directives {
    /// `possibleParserDirective`: recognise `# name=value` lines until the first other line.
    fn check(
        &mut self,
        text: &str,
        range: TextRange,
        out: &mut Vec<Directive>,
        errors: &mut Vec<SyntaxError>,
    ) -> bool {
        if self.done {
            return false;
        }
        let line = range.slice(text);
        let Some(after_hash) = line.strip_prefix('#') else {
            self.done = true;
            return false;
        };
        let body_off = range.start + 1 + (after_hash.len() - after_hash.trim_start().len());
        let body = after_hash.trim_start();
        // ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$
        let name_len = body
            .bytes()
            .enumerate()
            .take_while(|&(i, b)| {
                if i == 0 {
                    b.is_ascii_alphabetic()
                } else {
                    b.is_ascii_alphanumeric()
                }
            })
            .count();
        let rest = &body[name_len..];
        let after_ws = rest.trim_start();
        let Some(value_part) = after_ws.strip_prefix('=') else {
            self.done = true;
            return false;
        };
        let value_lead = value_part.len() - value_part.trim_start().len();
        let value = value_part.trim();
        if name_len == 0 || value.is_empty() {
            self.done = true;
            return false;
        }
        let name = body[..name_len].to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return false;
        }
        let value_start = body_off + name_len + (rest.len() - after_ws.len()) + 1 + value_lead;
        let value_range = TextRange::new(value_start, value_start + value.len());
        if out.iter().any(|d| d.name == name) {
            errors.push(SyntaxError {
                kind: SyntaxErrorKind::DuplicateDirective,
                range,
                message: format!("only one `{name}` parser directive can be used"),
            });
            return true;
        }
        if name == "escape" {
            match value {
                "\\" => self.escape = b'\\',
                "`" => self.escape = b'`',
                _ => errors.push(SyntaxError {
                    kind: SyntaxErrorKind::InvalidDirective,
                    range: value_range,
                    message: format!(
                        "invalid escape character `{value}`: it must be `\\` or a backtick"
                    ),
                }),
            }
        }
        out.push(Directive {
            name,
            name_range: TextRange::new(body_off, body_off + name_len),
            value: Spanned::new(value.to_owned(), value_range),
            range,
        });
        true
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `isComment`: the first non-space character of the line is `#`.
fn is_comment(s: &str) -> bool {
    s.trim_start_matches(is_space).starts_with('#')
}

/// `trimContinuationCharacter`: if the line ends in an unescaped escape character followed
/// only by spaces and tabs, return the length of the text before it.
fn continuation(s: &str, escape: u8) -> Option<usize> {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
        end -= 1;
    }
    if end == 0 || b[end - 1] != escape {
        return None;
    }
    let at = end - 1;
    // `([^\\])\\[ \t]*$|^\\[ \t]*$`: the escape must not itself be escaped.
    if at > 0 && b[at - 1] == escape {
        return None;
    }
    Some(at)
}

/// BuildKit reads lines with Go's `bufio.Scanner`, whose default buffer holds a line of at
/// most 64 KiB including its line break.
pub(crate) const MAX_LINE: usize = 64 * 1024;

pub(crate) fn scan(text: &str, lines: &[Line]) -> Scan {
    let mut out = Scan {
        escape: '\\',
        ..Scan::default()
    };
    if let Some(l) = lines.iter().find(|l| l.end - l.start >= MAX_LINE) {
        out.errors.push(SyntaxError {
            kind: SyntaxErrorKind::LineTooLong,
            range: TextRange::new(l.start, l.start),
            message: format!(
                "this line is {} bytes long; BuildKit refuses lines of {MAX_LINE} bytes or more",
                l.end - l.start
            ),
        });
    }
    if text.starts_with('\u{feff}') {
        out.bom = 3;
    }
    let mut dirs = Directives {
        escape: b'\\',
        done: false,
    };
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let start = if i == 0 { l.start + out.bom } else { l.start };
        let raw = &text[start..l.content_end];
        // processLine with stripLeftWhitespace.
        let lead = raw.len() - raw.trim_start_matches(is_space).len();
        let content = TextRange::new(start + lead, l.content_end);
        let was_directive = dirs.check(text, content, &mut out.directives, &mut out.errors);
        if is_comment(raw) {
            if !was_directive {
                out.comments.push(comment(text, content, false));
            }
            i += 1;
            continue;
        }
        let mut logical = String::new();
        let mut map = SourceMap::default();
        let first = i;
        let piece = content.slice(text);
        let cut = continuation(piece, dirs.escape);
        push_piece(
            &mut logical,
            &mut map,
            text,
            content.start,
            cut.unwrap_or(piece.len()),
        );
        let mut ended = cut.is_none();
        if ended && logical.is_empty() {
            i += 1;
            continue;
        }
        while !ended && i + 1 < lines.len() {
            i += 1;
            let l = lines[i];
            let range = TextRange::new(l.start, l.content_end);
            dirs.check(text, range, &mut out.directives, &mut out.errors);
            let raw = range.slice(text);
            if is_comment(raw) {
                let lead = raw.len() - raw.trim_start_matches(is_space).len();
                out.comments.push(comment(
                    text,
                    TextRange::new(l.start + lead, l.content_end),
                    true,
                ));
                continue;
            }
            if raw.trim_start_matches(is_space).is_empty() {
                out.empty_continuation_lines
                    .push(TextRange::new(l.start, l.content_end));
                continue;
            }
            let cut = continuation(raw, dirs.escape);
            push_piece(
                &mut logical,
                &mut map,
                text,
                l.start,
                cut.unwrap_or(raw.len()),
            );
            ended = cut.is_none();
        }
        let mut heredocs = Vec::new();
        for marker in heredoc_markers(&logical) {
            let body = read_heredoc(text, lines, i + 1, &marker.name, marker.chomp);
            i = body.last_line.max(i);
            let unterminated = body.terminator.is_none();
            heredocs.push((marker, body));
            if unterminated {
                break;
            }
        }
        out.instructions.push(RawInstruction {
            line: logical,
            map,
            first_line: first,
            last_line: i,
            heredocs,
        });
        i += 1;
    }
    out.escape = char::from(dirs.escape);
    out
}

fn push_piece(logical: &mut String, map: &mut SourceMap, text: &str, start: usize, len: usize) {
    map.push(logical.len(), start, len);
    logical.push_str(&text[start..start + len]);
}

fn comment(text: &str, range: TextRange, inside: bool) -> Comment {
    let s = range.slice(text);
    Comment {
        range,
        text: s.strip_prefix('#').unwrap_or(s).trim().to_owned(),
        inside_instruction: inside,
    }
}

/// A heredoc body read from the lines after its instruction.
#[derive(Debug, Clone)]
pub(crate) struct HeredocBody {
    pub body: TextRange,
    pub content: String,
    pub terminator: Option<TextRange>,
    /// Index of the last line consumed.
    pub last_line: usize,
}

/// Read one heredoc body starting at line `from`, ending at a line equal to `name` (after
/// stripping leading tabs when `chomp`).
pub(crate) fn read_heredoc(
    text: &str,
    lines: &[Line],
    from: usize,
    name: &str,
    chomp: bool,
) -> HeredocBody {
    let body_start = lines.get(from).map_or(text.len(), |l| l.start);
    let mut content = String::new();
    let mut i = from;
    while i < lines.len() {
        let l = lines[i];
        let mut candidate = &text[l.start..l.content_end];
        if chomp {
            candidate = candidate.trim_start_matches('\t');
        }
        if candidate == name {
            return HeredocBody {
                body: TextRange::new(body_start, l.start),
                content,
                terminator: Some(TextRange::new(l.start, l.content_end)),
                last_line: i,
            };
        }
        content.push_str(&text[l.start..l.end]);
        i += 1;
    }
    HeredocBody {
        body: TextRange::new(body_start, text.len()),
        content,
        terminator: None,
        last_line: lines.len().saturating_sub(1).max(from.saturating_sub(1)),
    }
}
