//! Document and range formatting.
//!
//! The formatter only makes changes that cannot change what BuildKit builds: instruction
//! keywords are upper-cased (after `ONBUILD` too), the whitespace between a keyword and
//! its arguments becomes one space, an instruction's first line loses its indentation,
//! trailing spaces and tabs of instruction lines go (after a continuation character they
//! are ignored; at the end of the logical line BuildKit trims them), whitespace-only lines
//! inside a continuation are emptied, and continuation lines are indented by one unit.
//!
//! Invariants: heredoc bodies and terminators, comment text, and JSON (exec-form)
//! arguments are never edited. BuildKit keeps the leading whitespace of a continuation
//! line in the instruction's text, so a continuation line is re-indented only where that
//! whitespace separates words outside quotes, in instructions whose words are split on
//! whitespace (never `WORKDIR`, `USER`, legacy `ENV a b`, …, where whitespace is literal).

use tower_lsp_server::ls_types::{FormattingOptions, Range, TextEdit};

use crate::model::{Arguments, Instruction, InstructionKind};
use crate::text::TextRange;

use super::snapshot::Snapshot;

/// Edits that format the whole document.
pub fn format(snap: &Snapshot, options: &FormattingOptions) -> Vec<TextEdit> {
    to_lsp(snap, edits(snap, options, None))
}

/// Edits that format the instructions `range` touches.
pub fn range_format(snap: &Snapshot, range: Range, options: &FormattingOptions) -> Vec<TextEdit> {
    let range = snap.text_range(range);
    to_lsp(snap, edits(snap, options, Some(range)))
}

fn to_lsp(snap: &Snapshot, edits: Vec<(TextRange, String)>) -> Vec<TextEdit> {
    edits
        .into_iter()
        .map(|(range, new_text)| TextEdit::new(snap.range(range), new_text))
        .collect()
}

/// Byte-range edits, sorted and disjoint; only for instructions that meet `within`.
fn edits(
    snap: &Snapshot,
    options: &FormattingOptions,
    within: Option<TextRange>,
) -> Vec<(TextRange, String)> {
    let text: &str = &snap.text;
    let escape = snap.file.escape;
    let indent = if options.insert_spaces {
        " ".repeat(options.tab_size.clamp(1, 16) as usize)
    } else {
        "\t".to_owned()
    };
    let mut out = Vec::new();
    for ins in &snap.file.instructions {
        if let Some(r) = within {
            let start = line_start(text, ins.range.start);
            // An empty range (a cursor) formats the instruction it is in.
            if r.end < start || r.start > ins.range.end {
                continue;
            }
        }
        instruction_edits(text, snap.file.bom, ins, escape, &indent, &mut out);
    }
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out
}

/// Where the line holding `offset` starts.
pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// What a physical line of an instruction's own text (its heredoc bodies excluded) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// The line with the keyword.
    First,
    /// A line the previous one continues onto.
    Continuation,
    /// A comment line inside the continuation (BuildKit drops it).
    Comment,
    /// A whitespace-only line inside the continuation (BuildKit drops it).
    Empty,
}

/// A physical line of an instruction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderLine {
    pub kind: LineKind,
    /// Start of the line.
    pub start: usize,
    /// End of the line's text, before `\r\n` / `\n`.
    pub content_end: usize,
    /// The part of the line that goes into the instruction's logical line (from the
    /// keyword on the first line), the continuation character excluded.
    pub piece: TextRange,
    /// The offset of the continuation character, when the line has one.
    pub continued: Option<usize>,
}

/// `trimContinuationCharacter`: the offset of an unescaped escape character followed only
/// by spaces and tabs at the end of `s`.
fn continuation(s: &str, escape: char) -> Option<usize> {
    let b = s.as_bytes();
    let escape = u8::try_from(escape).ok()?;
    let mut end = b.len();
    while end > 0 && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
        end -= 1;
    }
    if end == 0 || b[end - 1] != escape {
        return None;
    }
    let at = end - 1;
    if at > 0 && b[at - 1] == escape {
        return None;
    }
    Some(at)
}

/// The physical lines of `ins` up to the end of its logical line (heredoc bodies follow
/// them), split as BuildKit's line scanner does.
pub(crate) fn header_lines(text: &str, ins: &Instruction, escape: char) -> Vec<HeaderLine> {
    let mut out = Vec::new();
    let mut start = line_start(text, ins.keyword.range.start);
    let mut first = true;
    while start < text.len() || first {
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let content_end = start + text[start..end].trim_end_matches(['\r', '\n']).len();
        let line = &text[start..content_end];
        let trimmed = line.trim_start();
        let kind = if first {
            LineKind::First
        } else if trimmed.starts_with('#') {
            LineKind::Comment
        } else if trimmed.is_empty() {
            LineKind::Empty
        } else {
            LineKind::Continuation
        };
        let piece_start = if first {
            ins.keyword.range.start.clamp(start, content_end)
        } else {
            start
        };
        let continued = match kind {
            LineKind::First | LineKind::Continuation => {
                continuation(&text[piece_start..content_end], escape).map(|i| piece_start + i)
            }
            LineKind::Comment | LineKind::Empty => None,
        };
        out.push(HeaderLine {
            kind,
            start,
            content_end,
            piece: TextRange::new(piece_start, continued.unwrap_or(content_end)),
            continued,
        });
        first = false;
        let goes_on = match kind {
            LineKind::First | LineKind::Continuation => continued.is_some(),
            LineKind::Comment | LineKind::Empty => true,
        };
        if !goes_on || end >= text.len() {
            break;
        }
        start = end;
    }
    out
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Whether the words of `ins` are split on whitespace, so that the amount of whitespace
/// between them (outside quotes) does not matter.
fn whitespace_separated(ins: &Instruction) -> bool {
    let eff = ins.effective();
    if matches!(eff.args, Arguments::Exec(_)) {
        return false;
    }
    match eff.kind {
        InstructionKind::Run
        | InstructionKind::Cmd
        | InstructionKind::Entrypoint
        | InstructionKind::Copy
        | InstructionKind::Add
        | InstructionKind::From
        | InstructionKind::Arg
        | InstructionKind::Expose
        | InstructionKind::Volume
        | InstructionKind::Healthcheck => true,
        // `ENV a=1 b=2` splits words; legacy `ENV a 1  2` keeps the value verbatim.
        InstructionKind::Env | InstructionKind::Label => {
            eff.words().first().is_some_and(|w| w.value.contains('='))
        }
        _ => false,
    }
}

/// Quote state of a logical line read piece by piece.
#[derive(Debug, Default)]
struct Quotes {
    quote: Option<char>,
    escaped: bool,
}

impl Quotes {
    fn feed(&mut self, s: &str, escape: char) {
        for c in s.chars() {
            if self.escaped {
                self.escaped = false;
                continue;
            }
            match self.quote {
                Some('\'') => {
                    if c == '\'' {
                        self.quote = None;
                    }
                }
                Some(q) => {
                    if c == escape || c == '\\' {
                        self.escaped = true;
                    } else if c == q {
                        self.quote = None;
                    }
                }
                None => {
                    if c == escape || c == '\\' {
                        self.escaped = true;
                    } else if c == '"' || c == '\'' {
                        self.quote = Some(c);
                    }
                }
            }
        }
    }
}

/// Replace the whitespace run at `from` on the line ending at `content_end` by one space,
/// when text follows it on the line.
fn collapse_after(text: &str, from: usize, content_end: usize, out: &mut Vec<(TextRange, String)>) {
    let Some(rest) = text.get(from..content_end) else {
        return;
    };
    let run = rest.len() - rest.trim_start_matches(is_blank).len();
    if run == 0 || run == rest.len() || &rest[..run] == " " {
        return;
    }
    out.push((TextRange::new(from, from + run), " ".to_owned()));
}

fn instruction_edits(
    text: &str,
    bom: usize,
    ins: &Instruction,
    escape: char,
    indent: &str,
    out: &mut Vec<(TextRange, String)>,
) {
    if ins.kind == InstructionKind::Unknown {
        return;
    }
    let lines = header_lines(text, ins, escape);
    let Some(first) = lines.first() else {
        return;
    };
    // Indentation of the first line (BuildKit strips it).
    let lead_start = if first.start == 0 { bom } else { first.start };
    if lead_start < ins.keyword.range.start
        && text[lead_start..ins.keyword.range.start]
            .chars()
            .all(char::is_whitespace)
    {
        out.push((
            TextRange::new(lead_start, ins.keyword.range.start),
            String::new(),
        ));
    }
    // Keywords.
    let mut keywords = vec![(ins.kind, &ins.keyword)];
    if let Some(inner) = &ins.onbuild
        && inner.kind != InstructionKind::Unknown
    {
        keywords.push((inner.kind, &inner.keyword));
    }
    for (kind, keyword) in keywords {
        let written = keyword.range.slice(text);
        if written != kind.as_str() && written.eq_ignore_ascii_case(kind.as_str()) {
            out.push((keyword.range, kind.as_str().to_owned()));
        }
        if keyword.range.end <= first.content_end {
            collapse_after(text, keyword.range.end, first.content_end, out);
        }
    }
    let reindent = whitespace_separated(ins);
    let mut quotes = Quotes::default();
    let mut logical_tail: Vec<char> = Vec::new();
    for line in &lines {
        let content = &text[line.start..line.content_end];
        let lead = content.len() - content.trim_start().len();
        match line.kind {
            LineKind::First => {}
            LineKind::Empty => {
                if !content.is_empty() {
                    out.push((TextRange::new(line.start, line.content_end), String::new()));
                }
                continue;
            }
            LineKind::Comment => {
                if reindent && &content[..lead] != indent {
                    out.push((
                        TextRange::new(line.start, line.start + lead),
                        indent.to_owned(),
                    ));
                }
                continue;
            }
            LineKind::Continuation => {
                let starts_blank = content.starts_with(is_blank);
                let n = logical_tail.len();
                let ends_blank = n >= 1
                    && is_blank(logical_tail[n - 1])
                    && !(n >= 2 && (logical_tail[n - 2] == escape || logical_tail[n - 2] == '\\'));
                let after_escape =
                    n >= 1 && (logical_tail[n - 1] == escape || logical_tail[n - 1] == '\\');
                let separated = (starts_blank || ends_blank) && !after_escape;
                if reindent
                    && separated
                    && quotes.quote.is_none()
                    && !quotes.escaped
                    && content[..lead].chars().all(is_blank)
                    && &content[..lead] != indent
                {
                    out.push((
                        TextRange::new(line.start, line.start + lead),
                        indent.to_owned(),
                    ));
                }
            }
        }
        let piece = line.piece.slice(text);
        quotes.feed(piece, escape);
        logical_tail.extend(piece.chars());
        if logical_tail.len() > 2 {
            logical_tail.drain(..logical_tail.len() - 2);
        }
        // Trailing whitespace: after a continuation character it is ignored; at the end of
        // the logical line BuildKit trims it.
        let tail_from = match line.continued {
            Some(at) => at + 1,
            None => line.start + content.trim_end_matches(is_blank).len(),
        };
        if tail_from < line.content_end && tail_from > line.piece.start {
            out.push((TextRange::new(tail_from, line.content_end), String::new()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dockerfile;

    fn options(tab_size: u32, insert_spaces: bool) -> FormattingOptions {
        FormattingOptions {
            tab_size,
            insert_spaces,
            ..FormattingOptions::default()
        }
    }

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let snap = Snapshot::for_text(text);
        let mut byte_edits: Vec<(TextRange, &str)> = edits
            .iter()
            .map(|e| (snap.text_range(e.range), e.new_text.as_str()))
            .collect();
        byte_edits.sort_by_key(|(r, _)| r.start);
        for pair in byte_edits.windows(2) {
            assert!(
                pair[0].0.end <= pair[1].0.start,
                "overlapping edits {edits:?}"
            );
        }
        let mut out = text.to_owned();
        for (range, new) in byte_edits.into_iter().rev() {
            out.replace_range(range.start..range.end, new);
        }
        out
    }

    fn fmt_with(text: &str, opts: &FormattingOptions) -> String {
        let snap = Snapshot::for_text(text);
        apply(text, &format(&snap, opts))
    }

    fn fmt(text: &str) -> String {
        fmt_with(text, &options(4, true))
    }

    /// What BuildKit builds from a file: instructions with their flags, words and heredocs.
    fn meaning(df: &Dockerfile) -> Vec<String> {
        fn one(ins: &Instruction) -> String {
            let flags: Vec<_> = ins
                .flags
                .iter()
                .map(|f| {
                    (
                        f.name.value.clone(),
                        f.value.as_ref().map(|v| v.value.clone()),
                    )
                })
                .collect();
            // A shell command is one word; the shell splits it on unquoted whitespace.
            let shell = matches!(
                ins.kind,
                InstructionKind::Run
                    | InstructionKind::Cmd
                    | InstructionKind::Entrypoint
                    | InstructionKind::Healthcheck
            );
            let words: Vec<_> = ins
                .words()
                .iter()
                .flat_map(|w| {
                    if shell {
                        shell_words(&w.value)
                    } else {
                        vec![w.value.clone()]
                    }
                })
                .collect();
            // Where whitespace is literal, the text itself must not change.
            let text = match &ins.args {
                Arguments::Shell(s) if !whitespace_separated(ins) => s.text.trim().to_owned(),
                _ => String::new(),
            };
            let heredocs: Vec<_> = ins
                .heredocs
                .iter()
                .map(|h| (h.name.clone(), h.content.clone(), h.chomp, h.expand))
                .collect();
            let inner = ins.onbuild.as_deref().map(one).unwrap_or_default();
            format!(
                "{:?} {flags:?} {words:?} {text:?} {heredocs:?} [{inner}]",
                ins.kind
            )
        }
        df.instructions.iter().map(one).collect()
    }

    /// `s` split on whitespace outside quotes (escapes kept).
    fn shell_words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut quote = None;
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (None, ' ' | '\t') => {
                    if !word.is_empty() {
                        out.push(std::mem::take(&mut word));
                    }
                    continue;
                }
                (q, '\\') if q != Some('\'') => {
                    word.push(c);
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                    continue;
                }
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word);
        }
        out
    }

    const TRICKY: &[&str] = &[
        "from  python:3.12   as   build\nrun   apt-get update \\\n&& apt-get install -y curl   \n",
        "FROM a\nRUN echo \"a  \\\n   b\"\nRUN echo 'x\\\ny'\n",
        "FROM a\nRUN <<EOF\n  echo   hi   \nEOF\nRUN <<-EOT bash\n\tls   \n\tEOT\n",
        "FROM a\nCOPY <<A <<B /x/\nfirst  \nA\n second \nB\nrun x\n",
        "# escape=`\nFROM windows\nRUN dir `\n  c:\\ `\n      d:\\  \nrun `\n echo\n",
        "FROM a\r\nrun  echo \\\r\n  hi   \r\n\r\nCMD [\"a\",  \\\r\n     \"b\"]\r\n",
        "FROM a\nRUN echo \\\n    # a comment   \n  hi \\\n\n   there\n",
        "FROM a\nRUN apt-get install \\\n  \n  curl \\\n\t\n  git\n",
        "FROM a\nWORKDIR /a \\\n   b\nUSER x \\\n  y\nENV LEGACY a \\\n    b\n",
        "FROM a\nENV A=1 \\\nB=2\nENV C=x\\\n   D=3\nLABEL a=\"x \\\n   y\"\n",
        "FROM a\nRUN echo a\\\nb\nRUN echo a\\ \\\n  b\nARG X=1\\\nY\n",
        "FROM a\nRUN echo hi\\\\   \nRUN echo ok \\   \n  next\n",
        "  FROM a\n\tRUN x\n onbuild   run   echo hi\nONBUILD   copy . /x\n",
        "\u{feff}from a\nrun echo é  \\\n  ü\n",
        "FROM a\nHEALTHCHECK --interval=5s \\\n CMD curl -f http://x/ || exit 1\n",
        "FROM a\nRUN --mount=type=cache,\\\ntarget=/x echo\nCOPY --from=a\\\n   /x /y\n",
        "FROM a\nRUN \\\necho hi\nRUN\\\n  echo\nEXPOSE 80 \\\n443\n",
        "FROM a\nRUN cat <<EOF\n  $x   \nEOF   \nRUN x \\",
        "FROM a\nRUN echo \"unterminated \\\n   quote\nCMD echo 'a\n",
        "FROM a\nSHELL [\"sh\",   \\\n   \"-c\"]\nVOLUME [\"/a\",\\\n\"/b\"]\nMAINTAINER a   b  \n",
        "FROM a\nunknowN   x  \nRUN x\n",
    ];

    #[test]
    fn formatting_is_idempotent_and_keeps_the_meaning() {
        for opts in [options(4, true), options(2, true), options(4, false)] {
            for text in TRICKY {
                let once = fmt_with(text, &opts);
                let twice = fmt_with(&once, &opts);
                assert_eq!(once, twice, "not idempotent for {text:?}");
                assert_eq!(
                    meaning(&crate::syntax::parse(text)),
                    meaning(&crate::syntax::parse(&once)),
                    "meaning changed: {text:?} -> {once:?}"
                );
                let snap = Snapshot::for_text(&once);
                assert!(format(&snap, &opts).is_empty(), "edits left for {once:?}");
            }
        }
    }

    #[test]
    fn keywords_spaces_and_indentation() {
        assert_eq!(
            fmt(
                "from  python:3.12   as   build\nrun   apt-get update \\\n&& apt-get install -y curl   \n"
            ),
            "FROM python:3.12   as   build\nRUN apt-get update \\\n    && apt-get install -y curl\n"
        );
        assert_eq!(
            fmt("  FROM a\n\tRUN x\n onbuild   run   echo hi\n"),
            "FROM a\nRUN x\nONBUILD RUN echo hi\n"
        );
        assert_eq!(
            fmt_with("FROM a\nRUN a \\\n      b \\   \n c\n", &options(2, true)),
            "FROM a\nRUN a \\\n  b \\\n  c\n"
        );
        assert_eq!(
            fmt_with("FROM a\nRUN a \\\n  b\n", &options(4, false)),
            "FROM a\nRUN a \\\n\tb\n"
        );
    }

    #[test]
    fn heredocs_comments_and_json_are_left_alone() {
        let text = "FROM a\nrun <<EOF  \n  echo   hi   \nEOF\nRUN x \\\n  # keep   this   \n  y\nCMD [\"a\",  \\\n     \"b\"]\n";
        assert_eq!(
            fmt(text),
            "FROM a\nRUN <<EOF\n  echo   hi   \nEOF\nRUN x \\\n    # keep   this   \n    y\nCMD [\"a\",  \\\n     \"b\"]\n"
        );
    }

    #[test]
    fn whitespace_with_meaning_is_kept() {
        // Inside quotes, inside a word, and in instructions that keep whitespace verbatim.
        for text in [
            "FROM a\nRUN echo \"a  \\\n   b\"\n",
            "FROM a\nRUN echo a\\\nb\n",
            "FROM a\nWORKDIR /a \\\n   b\n",
            "FROM a\nENV LEGACY a \\\n    b\n",
        ] {
            assert_eq!(fmt(text), text);
        }
    }

    #[test]
    fn crlf_and_backtick_escape() {
        assert_eq!(
            fmt("FROM a\r\nrun  echo \\\r\n  hi   \r\n"),
            "FROM a\r\nRUN echo \\\r\n    hi\r\n"
        );
        assert_eq!(
            fmt("# escape=`\nFROM a\nRUN dir `\n  c:\\\n"),
            "# escape=`\nFROM a\nRUN dir `\n    c:\\\n"
        );
    }

    #[test]
    fn range_formatting_touches_only_the_instructions_in_range() {
        let text = "from a\nrun x  \nrun y  \n";
        let snap = Snapshot::for_text(text);
        let range = Range::new(
            tower_lsp_server::ls_types::Position::new(1, 0),
            tower_lsp_server::ls_types::Position::new(1, 2),
        );
        let edits = range_format(&snap, range, &options(4, true));
        assert_eq!(apply(text, &edits), "from a\nRUN x\nrun y  \n");
    }

    #[test]
    fn utf16_positions() {
        let text = "FROM a\nRUN echo é   \nrun x\n";
        let snap = Snapshot::for_text(text);
        let edits = format(&snap, &options(4, true));
        let trim = edits.iter().find(|e| e.new_text.is_empty()).expect("trim");
        assert_eq!(
            trim.range.start,
            tower_lsp_server::ls_types::Position::new(1, 10)
        );
        assert_eq!(apply(text, &edits), "FROM a\nRUN echo é\nRUN x\n");
    }
}
