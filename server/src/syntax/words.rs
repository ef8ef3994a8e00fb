//! Word splitting as BuildKit does it, with the byte range of every word.
//!
//! Offsets here are into the string passed in (an instruction's logical line); the caller
//! maps them to the source with a [`crate::model::SourceMap`].

use crate::text::TextRange;

/// A word and where it came from.
pub(crate) type Word = (String, TextRange);

/// `reWhitespace = [\t\v\f\r ]+`.
pub(crate) fn is_re_ws(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `strings.TrimSpace`: the range of `s[from..to]` without surrounding Unicode whitespace.
pub(crate) fn trim_space(s: &str, from: usize, to: usize) -> (usize, usize) {
    let t = &s[from..to];
    let start = from + (t.len() - t.trim_start().len());
    let end = from + t.trim_end().len();
    (start, end.max(start))
}

/// `reWhitespace.Split(s, -1)` over `s[from..to]` (which the callers have trimmed).
pub(crate) fn split_ws(s: &str, from: usize, to: usize) -> Vec<Word> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    if from >= to {
        return out;
    }
    let mut start = from;
    let mut i = from;
    while i < to {
        if is_re_ws(b[i]) {
            out.push((s[start..i].to_owned(), TextRange::new(start, i)));
            while i < to && is_re_ws(b[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    out.push((s[start..to].to_owned(), TextRange::new(start, to)));
    out
}

/// `parseWords`: whitespace-separated words where quotes group; quotes and escapes are
/// kept in the word (they are removed later, at expansion).
pub(crate) fn parse_words(s: &str, from: usize, to: usize, escape: char) -> Vec<Word> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word = String::new();
    let mut word_start = from;
    let rest = &s[from..to];
    let mut chars = rest.char_indices().peekable();
    while let Some((rel, ch)) = chars.next() {
        let pos = from + rel;
        let at_end_after = |w: usize| rel + w == rest.len();
        if phase == Phase::Spaces {
            if ch.is_whitespace() {
                continue;
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push((std::mem::take(&mut word), TextRange::new(word_start, pos)));
                }
                word.clear();
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if at_end_after(ch.len_utf8()) {
                    continue;
                }
                word.push(ch);
                if let Some((_, next)) = chars.next() {
                    word.push(next);
                }
                continue;
            }
            word.push(ch);
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if at_end_after(ch.len_utf8()) {
                phase = Phase::Word;
                continue;
            }
            word.push(ch);
            if let Some((_, next)) = chars.next() {
                word.push(next);
            }
            continue;
        }
        word.push(ch);
    }
    if phase != Phase::Spaces && (blank_ok || !word.is_empty()) {
        words.push((word, TextRange::new(word_start, to)));
    }
    words
}

/// Result of reading arguments as a JSON array.
#[expect(
    clippy::enum_variant_names,
    reason = "JSON is the subject: NotJson reads best"
)]
pub(crate) enum Json {
    /// Not JSON (or not an array): the arguments are shell form.
    NotJson {
        looks_like_json: bool,
        error: String,
    },
    /// Valid JSON array with a non-string item: BuildKit rejects the file.
    NonString,
    Strings(Vec<Word>),
}

/// `parseJSON`: the whole text must be one JSON array of strings.
pub(crate) fn parse_json(s: &str, from: usize, to: usize) -> Json {
    let t = &s[from..to];
    let lead = t.len() - t.trim_start().len();
    let body = &t[lead..];
    if !body.starts_with('[') {
        return Json::NotJson {
            looks_like_json: false,
            error: String::new(),
        };
    }
    match serde_json::from_str::<Vec<serde_json::Value>>(body) {
        Err(e) => Json::NotJson {
            looks_like_json: meant_as_json(body),
            error: e.to_string(),
        },
        Ok(values) => {
            if values.iter().any(|v| !v.is_string()) {
                return Json::NonString;
            }
            Json::Strings(json_string_ranges(s, from + lead, to))
        }
    }
}

/// Whether text starting with `[` that is not valid JSON was meant as exec form: a quote
/// follows the `[`, and the first quoted item is followed by `,`, `]` or another quote
/// (a forgotten comma). Shell tests
/// (`[ -f x ]`, `[[ … ]]`) and PowerShell (`[Net.ServicePointManager]::…`) are not.
fn meant_as_json(body: &str) -> bool {
    let rest = body[1..].trim_start();
    let mut chars = rest.chars();
    let Some(q @ ('"' | '\'' | '\u{201c}')) = chars.next() else {
        return body.trim_end().ends_with(']') && comma_outside_quotes(body);
    };
    let close = if q == '\u{201c}' { '\u{201d}' } else { q };
    let mut escaped = false;
    for c in chars.by_ref() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == close {
            break;
        }
    }
    let after: String = chars.collect();
    // `,` or `]` as in JSON, or another quote: a forgotten comma.
    matches!(
        after.trim_start().chars().next(),
        Some(',' | ']' | '"' | '\'')
    ) || body.trim_end().ends_with(']') && comma_outside_quotes(body)
}

/// `[a, b]`: a list whose items lack quotes.
fn comma_outside_quotes(body: &str) -> bool {
    let mut quote = None;
    for c in body.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => return true,
            _ => {}
        }
    }
    false
}

/// Ranges and decoded values of the strings of a JSON array already known to be valid
/// and to hold only strings.
fn json_string_ranges(s: &str, from: usize, to: usize) -> Vec<Word> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < to && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let end = (i + 1).min(to);
            let value = serde_json::from_str::<String>(&s[start..end]).unwrap_or_default();
            out.push((value, TextRange::new(start, end)));
        }
        i += 1;
    }
    out
}

/// BuildKit's `shell.Lex.ProcessWords` with `RawQuotes` and `RawEscapes`, as used to find
/// heredoc markers: words split on whitespace, quotes group and are kept, `\` escapes the
/// next character. `None` when a quote is left open (BuildKit then finds no heredoc).
pub(crate) fn shell_words_raw(s: &str) -> Option<Vec<Word>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut start: Option<usize> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        match ch {
            c if c.is_whitespace() => {
                if let Some(st) = start.take() {
                    words.push((std::mem::take(&mut word), TextRange::new(st, i)));
                }
            }
            '\'' | '"' => {
                start.get_or_insert(i);
                word.push(ch);
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    word.push(c);
                    if c == ch {
                        closed = true;
                        break;
                    }
                    if ch == '"'
                        && c == '\\'
                        && let Some((_, n)) = chars.next()
                    {
                        word.push(n);
                    }
                }
                if !closed {
                    return None;
                }
            }
            '\\' => {
                start.get_or_insert(i);
                word.push(ch);
                if let Some((_, n)) = chars.next() {
                    word.push(n);
                }
            }
            _ => {
                start.get_or_insert(i);
                word.push(ch);
            }
        }
    }
    if let Some(st) = start {
        words.push((word, TextRange::new(st, s.len())));
    }
    Some(words)
}

/// Remove one level of shell quoting and escapes (`ProcessWords` without raw flags), for a
/// heredoc delimiter word. Returns the words it makes.
pub(crate) fn shell_unquote_words(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        match ch {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return None,
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => word.push(c),
                            None => return None,
                        },
                        Some(c) => word.push(c),
                        None => return None,
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// A `--name[=value]` flag before the arguments, as `extractBuilderFlags` reads it.
#[derive(Debug, Clone)]
pub(crate) struct RawFlag {
    /// The flag word with quotes and escapes processed, e.g. `from=builder`.
    pub word: String,
    pub range: TextRange,
}

/// `extractBuilderFlags`: leading words starting with `--`; a bare `--` ends them.
/// Returns the flags and the offset where the arguments start.
pub(crate) fn extract_flags(s: &str, from: usize, to: usize) -> (Vec<RawFlag>, usize) {
    let b = s.as_bytes();
    let mut flags = Vec::new();
    let mut pos = from;
    loop {
        while pos < to && (b[pos] as char).is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= to {
            return (flags, to);
        }
        if !(b[pos] == b'-' && pos + 1 < to && b[pos + 1] == b'-') {
            return (flags, pos);
        }
        let start = pos;
        let mut word = Vec::new();
        let mut quote: Option<u8> = None;
        while pos < to {
            let c = b[pos];
            match quote {
                None if (c as char).is_ascii_whitespace() => break,
                None if c == b'\'' || c == b'"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                _ if c == b'\\' => {
                    if pos + 1 < to {
                        pos += 1;
                        word.push(b[pos]);
                    }
                }
                _ => word.push(c),
            }
            pos += 1;
        }
        let word = String::from_utf8_lossy(&word).into_owned();
        if word == "--" {
            return (flags, pos);
        }
        flags.push(RawFlag {
            word,
            range: TextRange::new(start, pos),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(w: &[Word]) -> Vec<&str> {
        w.iter().map(|(v, _)| v.as_str()).collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_groups() {
        let s = r#"a="b c" d=e\ f g='h i'"#;
        let w = parse_words(s, 0, s.len(), '\\');
        assert_eq!(values(&w), [r#"a="b c""#, r"d=e\ f", "g='h i'"]);
        assert_eq!(w[1].1.slice(s), r"d=e\ f");
    }

    #[test]
    fn split_ws_and_ranges() {
        let s = "a  b\tc";
        let w = split_ws(s, 0, s.len());
        assert_eq!(values(&w), ["a", "b", "c"]);
        assert_eq!(w[2].1, TextRange::new(5, 6));
    }

    #[test]
    fn json_forms() {
        let s = r#"["sh", "-c", "echo \"hi\" \u00e9"]"#;
        match parse_json(s, 0, s.len()) {
            Json::Strings(w) => {
                assert_eq!(values(&w), ["sh", "-c", "echo \"hi\" é"]);
                assert_eq!(w[0].1.slice(s), "\"sh\"");
            }
            _ => panic!("expected strings"),
        }
        assert!(matches!(parse_json("[1, 2]", 0, 6), Json::NonString));
        assert!(matches!(
            parse_json("[\"a\"] x", 0, 7),
            Json::NotJson {
                looks_like_json: true,
                ..
            }
        ));
        assert!(matches!(
            parse_json("echo", 0, 4),
            Json::NotJson {
                looks_like_json: false,
                ..
            }
        ));
    }

    #[test]
    fn flags() {
        let s = "--from=build --chown=\"a b\" --link src dst";
        let (f, rest) = extract_flags(s, 0, s.len());
        assert_eq!(
            f.iter().map(|f| f.word.as_str()).collect::<Vec<_>>(),
            ["--from=build", "--chown=a b", "--link"]
        );
        assert_eq!(&s[rest..], "src dst");
        let s = "-- --not-a-flag";
        let (f, rest) = extract_flags(s, 0, s.len());
        assert!(f.is_empty());
        assert_eq!(s[rest..].trim(), "--not-a-flag");
    }

    #[test]
    fn raw_shell_words() {
        let w = shell_words_raw(r#"RUN cat <<"EOF" 'a b' c\ d"#).expect("closed quotes");
        assert_eq!(values(&w), ["RUN", "cat", "<<\"EOF\"", "'a b'", r"c\ d"]);
        assert!(shell_words_raw("echo 'open").is_none());
        assert_eq!(shell_unquote_words(r#""EOF""#).expect("word"), ["EOF"]);
        assert_eq!(shell_unquote_words("E'O'F").expect("word"), ["EOF"]);
    }
}
