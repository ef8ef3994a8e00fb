//! From an instruction's logical line to a typed [`Instruction`]: keyword, flags,
//! arguments (per-kind splitting as BuildKit's line parsers do) and heredoc markers.

use super::words::{self, Json, RawFlag};
use crate::model::{
    Arguments, Flag, Heredoc, Instruction, InstructionKind, ShellForm, SourceMap, Spanned,
    SyntaxError, SyntaxErrorKind,
};
use crate::text::TextRange;

/// The logical line split into keyword, flags and arguments (offsets into the line).
pub(crate) struct Split {
    pub keyword: TextRange,
    pub flags: Vec<RawFlag>,
    /// Arguments after the flags, trimmed.
    pub args: TextRange,
}

/// `splitCommand`: the first whitespace-separated word is the keyword; then flags.
pub(crate) fn split_command(line: &str, from: usize, to: usize) -> Split {
    let (start, end) = words::trim_space(line, from, to);
    let b = line.as_bytes();
    let mut kw_end = start;
    while kw_end < end && !words::is_re_ws(b[kw_end]) {
        kw_end += 1;
    }
    let mut rest = kw_end;
    while rest < end && words::is_re_ws(b[rest]) {
        rest += 1;
    }
    let (flags, args_start) = if rest < end {
        words::extract_flags(line, rest, end)
    } else {
        (Vec::new(), end)
    };
    let (a, z) = words::trim_space(line, args_start.min(end), end);
    Split {
        keyword: TextRange::new(start, kw_end),
        flags,
        args: TextRange::new(a, z),
    }
}

/// A heredoc marker found in the instruction line.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub name: String,
    /// Offsets into the logical line.
    pub range: TextRange,
    pub fd: u32,
    pub chomp: bool,
    pub expand: bool,
}

/// The heredoc markers of an instruction line, if its kind (or ONBUILD's inner kind) can
/// carry heredocs and its arguments are not JSON (`canContainHeredoc`, `heredocsFromLine`).
pub(crate) fn heredoc_markers(line: &str) -> Vec<Marker> {
    // Every marker has `<<`: most lines are done here.
    if !line.contains("<<") {
        return Vec::new();
    }
    let split = split_command(line, 0, line.len());
    let mut kind = InstructionKind::from_keyword(split.keyword.slice(line));
    let mut args = split.args;
    if kind == InstructionKind::Onbuild {
        let inner = split_command(line, split.args.start, split.args.end);
        kind = InstructionKind::from_keyword(inner.keyword.slice(line));
        args = inner.args;
    }
    if !kind.can_have_heredoc()
        || matches!(
            words::parse_json(line, args.start, args.end),
            Json::Strings(_)
        )
    {
        return Vec::new();
    }
    let Some(raw_words) = words::shell_words_raw(line) else {
        return Vec::new();
    };
    raw_words
        .into_iter()
        .filter_map(|(word, range)| parse_marker(&word).map(|m| Marker { range, ..m }))
        .collect()
}

/// `ParseHeredoc`: `^(\d*)<<(-?)([^<]*)$` and a delimiter that is one shell word.
fn parse_marker(word: &str) -> Option<Marker> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let rest = word[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let unquoted = words::shell_unquote_words(rest)?;
    if unquoted.len() != 1 {
        return None;
    }
    let name = unquoted.into_iter().next().unwrap_or_default();
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    Some(Marker {
        expand: quotes(&name) == quotes(rest),
        name,
        range: TextRange::default(),
        fd: word[..digits].parse().unwrap_or(0),
        chomp,
    })
}

/// Builds instructions from logical lines; collects syntax errors.
pub(crate) struct Builder<'a> {
    pub escape: char,
    pub errors: &'a mut Vec<SyntaxError>,
}

impl Builder<'_> {
    /// Build the instruction of `line[from..to]` (the whole logical line, or ONBUILD's rest).
    pub(crate) fn instruction(
        &mut self,
        line: &str,
        map: &SourceMap,
        from: usize,
        to: usize,
        heredocs: Vec<Heredoc>,
    ) -> Instruction {
        let split = split_command(line, from, to);
        let src = |r: TextRange| map.range(r);
        let keyword_text = split.keyword.slice(line);
        let kind = InstructionKind::from_keyword(keyword_text);
        let flags = split
            .flags
            .iter()
            .map(|f| {
                let range = src(f.range);
                // The name is the text between `--` and `=`; locate it in the source.
                let (name, value) = match f.word[2..].split_once('=') {
                    Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                    None => (f.word[2..].to_owned(), None),
                };
                let raw = f.range.slice(line);
                let name_range = TextRange::new(
                    f.range.start + 2,
                    f.range.start + 2 + name.len().min(raw.len() - 2),
                );
                let value = value.map(|v| {
                    let eq = raw.find('=').map_or(f.range.end, |i| f.range.start + i + 1);
                    Spanned::new(v, src(TextRange::new(eq, f.range.end)))
                });
                Flag {
                    name: Spanned::new(name, src(name_range)),
                    value,
                    range,
                }
            })
            .collect();
        let args_range = split.args;
        let mut onbuild = None;
        let args = match kind {
            InstructionKind::Onbuild => {
                if !args_range.is_empty() {
                    let inner = self.instruction(
                        line,
                        map,
                        args_range.start,
                        args_range.end,
                        heredocs.clone(),
                    );
                    onbuild = Some(Box::new(inner));
                }
                Self::shell_form(line, map, args_range, vec![])
            }
            InstructionKind::Add | InstructionKind::Copy | InstructionKind::Volume => self
                .maybe_json(line, map, args_range, false, |s, r| {
                    words::split_ws(s, r.start, r.end)
                }),
            InstructionKind::Run
            | InstructionKind::Cmd
            | InstructionKind::Entrypoint
            | InstructionKind::Shell => {
                if args_range.is_empty() {
                    Arguments::None
                } else {
                    let strict = kind == InstructionKind::Shell;
                    self.maybe_json(line, map, args_range, strict, |s, r| {
                        vec![(r.slice(s).to_owned(), r)]
                    })
                }
            }
            InstructionKind::Healthcheck => self.healthcheck(line, map, args_range),
            InstructionKind::Env | InstructionKind::Label => {
                let w = words::parse_words(line, args_range.start, args_range.end, self.escape);
                self.check_name_values(kind, line, map, args_range, &w);
                Self::shell_form(line, map, args_range, w)
            }
            InstructionKind::Arg => {
                let w = words::parse_words(line, args_range.start, args_range.end, self.escape);
                Self::shell_form(line, map, args_range, w)
            }
            InstructionKind::From | InstructionKind::Expose => {
                let w = words::split_ws(line, args_range.start, args_range.end);
                Self::shell_form(line, map, args_range, w)
            }
            InstructionKind::Maintainer
            | InstructionKind::Stopsignal
            | InstructionKind::User
            | InstructionKind::Workdir => {
                let w = if args_range.is_empty() {
                    vec![]
                } else {
                    vec![(args_range.slice(line).to_owned(), args_range)]
                };
                Self::shell_form(line, map, args_range, w)
            }
            InstructionKind::Unknown => Self::shell_form(line, map, args_range, vec![]),
        };
        let keyword_range = src(split.keyword);
        let heredocs = if onbuild.is_some() { vec![] } else { heredocs };
        Instruction {
            kind,
            keyword: Spanned::new(keyword_text.to_owned(), keyword_range),
            range: TextRange::new(keyword_range.start, src(TextRange::new(from, to)).end),
            start_line: 0,
            end_line: 0,
            flags,
            args,
            heredocs,
            onbuild,
            stage: None,
            posix_shell: true,
            script: std::sync::OnceLock::new(),
        }
    }

    fn shell_form(
        line: &str,
        map: &SourceMap,
        range: TextRange,
        words: Vec<words::Word>,
    ) -> Arguments {
        if range.is_empty() {
            return Arguments::None;
        }
        Arguments::Shell(ShellForm {
            text: range.slice(line).to_owned(),
            range: map.range(range),
            words: words
                .into_iter()
                .map(|(v, r)| Spanned::new(v, map.range(r)))
                .collect(),
            map: sub_map(map, range),
        })
    }

    /// `parseMaybeJSON` / `parseMaybeJSONToList`.
    fn maybe_json(
        &mut self,
        line: &str,
        map: &SourceMap,
        range: TextRange,
        strict: bool,
        shell_words: impl Fn(&str, TextRange) -> Vec<words::Word>,
    ) -> Arguments {
        if range.is_empty() {
            return Arguments::None;
        }
        match words::parse_json(line, range.start, range.end) {
            Json::Strings(items) => Arguments::Exec(
                items
                    .into_iter()
                    .map(|(v, r)| Spanned::new(v, map.range(r)))
                    .collect(),
            ),
            Json::NonString => {
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::NonStringJson,
                    range: map.range(range),
                    message: "when using JSON array syntax, arrays must contain strings only"
                        .into(),
                });
                Self::shell_form(line, map, range, shell_words(line, range))
            }
            Json::NotJson {
                looks_like_json,
                error,
            } => {
                // `strict` (SHELL) has no shell form to fall back to: any `[` text is a mistake.
                if looks_like_json || strict && range.slice(line).trim_start().starts_with('[') {
                    self.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::InvalidJson,
                        range: map.range(range),
                        message: format!(
                            "not valid JSON ({error}); the arguments are read as shell form"
                        ),
                    });
                }
                Self::shell_form(line, map, range, shell_words(line, range))
            }
        }
    }

    /// `parseHealthConfig`: a type word (`CMD`/`NONE`), then maybe-JSON arguments. The
    /// words mirror BuildKit's values: the type first.
    fn healthcheck(&mut self, line: &str, map: &SourceMap, range: TextRange) -> Arguments {
        if range.is_empty() {
            return Arguments::None;
        }
        let b = line.as_bytes();
        let mut sep = range.start;
        while sep < range.end && !(b[sep] as char).is_whitespace() {
            sep += 1;
        }
        let mut next = sep;
        while next < range.end && (b[next] as char).is_whitespace() {
            next += 1;
        }
        let typ = TextRange::new(range.start, sep);
        let typ_word = Spanned::new(typ.slice(line).to_owned(), map.range(typ));
        let cmd = TextRange::new(next, range.end);
        match self.maybe_json(line, map, cmd, false, |s, r| {
            vec![(r.slice(s).to_owned(), r)]
        }) {
            Arguments::Exec(mut items) => {
                items.insert(0, typ_word);
                Arguments::Exec(items)
            }
            Arguments::Shell(mut sf) => {
                sf.words.insert(0, typ_word);
                range.slice(line).clone_into(&mut sf.text);
                sf.range = map.range(range);
                sf.map = sub_map(map, range);
                Arguments::Shell(sf)
            }
            Arguments::None => {
                Self::shell_form(line, map, range, vec![(typ.slice(line).to_owned(), typ)])
            }
        }
    }

    /// `parseNameVal`: legacy `KEY name value` needs two parts; `k=v` form needs `=` in
    /// every word.
    fn check_name_values(
        &mut self,
        kind: InstructionKind,
        line: &str,
        map: &SourceMap,
        range: TextRange,
        w: &[words::Word],
    ) {
        let Some(first) = w.first() else { return };
        if first.0.contains('=') {
            for (word, r) in w {
                if !word.contains('=') {
                    self.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::InvalidEnvPair,
                        range: map.range(*r),
                        message: format!(
                            "`{word}` has no `=`: {} takes `name=value` pairs",
                            kind.as_str()
                        ),
                    });
                }
            }
        } else if words::split_ws(line, range.start, range.end).len() < 2 {
            self.errors.push(SyntaxError {
                kind: SyntaxErrorKind::MissingArguments,
                range: map.range(range),
                message: format!(
                    "{} `{}` has no value: write `{}={}`",
                    kind.as_str(),
                    first.0,
                    first.0,
                    "<value>"
                ),
            });
        }
    }
}

/// The source map of a sub-range of a logical line, re-based to start at 0.
fn sub_map(map: &SourceMap, range: TextRange) -> SourceMap {
    map.slice(range)
}
