//! The `name=value` pairs of `ENV`, `LABEL` and `ARG`, with their source ranges; shared
//! with the security rules (secrets in `ARG`/`ENV`).

use std::cell::RefCell;
use std::rc::Rc;

use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::Context;
use crate::text::TextRange;

/// One pair of an `ENV`, `LABEL` or `ARG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    /// The key with quotes and escapes removed.
    pub key: String,
    pub key_range: TextRange,
    /// The value with quotes and escapes removed; `None` for `ARG NAME` (no default).
    pub value: Option<String>,
    /// The value as written; empty at the end of the key when there is none.
    pub value_range: TextRange,
    /// The whole word (`key=value`), or for the legacy form the whole argument text.
    pub range: TextRange,
    /// True for the legacy `ENV key value` form.
    pub legacy: bool,
}

/// [`pairs`] of `ins` in the file `ctx` checks, shared by the rules that read them: the
/// rules see one instruction after another, so the pairs of the last one asked are kept.
pub(crate) fn pairs_of(ctx: &Context<'_>, ins: &Instruction) -> Rc<[Pair]> {
    #[derive(Default)]
    struct Last(RefCell<Option<(usize, Rc<[Pair]>)>>);
    let last = ctx.memo(Last::default);
    let key = std::ptr::from_ref(ins) as usize;
    if let Some((at, pairs)) = &*last.0.borrow()
        && *at == key
    {
        return Rc::clone(pairs);
    }
    let made: Rc<[Pair]> = pairs(ins, ctx.file.escape).into();
    *last.0.borrow_mut() = Some((key, Rc::clone(&made)));
    made
}

/// The pairs of `ins`, an `ENV`, `LABEL` or `ARG`; `escape` is the file's escape
/// character. Offsets inside a word are only exact when the word does not span a line
/// continuation; pairs of such words get the whole word as both key and value range.
pub(crate) fn pairs(ins: &Instruction, escape: char) -> Vec<Pair> {
    let words = ins.words();
    let legacy_kinds = matches!(ins.kind, InstructionKind::Env | InstructionKind::Label);
    if !legacy_kinds && ins.kind != InstructionKind::Arg {
        return Vec::new();
    }
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if legacy_kinds && !first.value.contains('=') {
        // `ENV key value with spaces`: the value is the rest of the line.
        let Some(last) = words.last().filter(|_| words.len() > 1) else {
            return Vec::new();
        };
        let value_range = words[1].range.cover(last.range);
        // The builder takes the rest of the line as is, inner whitespace included.
        let value = match &ins.args {
            Arguments::Shell(form) => form
                .text
                .trim_start()
                .strip_prefix(first.value.as_str())
                .map(|rest| unquote(rest.trim(), escape)),
            _ => None,
        };
        let value = value.unwrap_or_else(|| {
            let words: Vec<String> = words[1..]
                .iter()
                .map(|w| unquote(&w.value, escape))
                .collect();
            words.join(" ")
        });
        return vec![Pair {
            key: unquote(&first.value, escape),
            key_range: first.range,
            value: Some(value),
            value_range,
            range: first.range.cover(last.range),
            legacy: true,
        }];
    }
    words
        .iter()
        .map(|w| {
            let exact = w.range.len() == w.value.len();
            match split_pair(&w.value, escape) {
                Some(eq) => {
                    let (k, v) = (&w.value[..eq], &w.value[eq + 1..]);
                    let (key_range, value_range) = if exact {
                        (
                            TextRange::new(w.range.start, w.range.start + eq),
                            TextRange::new(w.range.start + eq + 1, w.range.end),
                        )
                    } else {
                        (w.range, w.range)
                    };
                    Pair {
                        key: unquote(k, escape),
                        key_range,
                        value: Some(unquote(v, escape)),
                        value_range,
                        range: w.range,
                        legacy: false,
                    }
                }
                None => Pair {
                    key: unquote(&w.value, escape),
                    key_range: w.range,
                    value: None,
                    value_range: TextRange::empty(w.range.end),
                    range: w.range,
                    legacy: false,
                },
            }
        })
        .collect()
}

/// The offset of the `=` that splits a word into key and value: the first one outside
/// quotes and escapes.
fn split_pair(word: &str, escape: char) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut chars = word.char_indices();
    while let Some((i, c)) = chars.next() {
        // The escape character is literal only inside single quotes.
        if quote != Some('\'') && c == escape {
            chars.next();
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => return Some(i),
            _ => {}
        }
    }
    None
}

/// A word with one level of quotes and escapes removed, as the builder reads it.
pub(crate) fn unquote(word: &str, escape: char) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if quote != Some('\'') && c == escape {
            if let Some(next) = chars.next() {
                out.push(next);
            }
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            _ => out.push(c),
        }
    }
    out
}

/// `value` as one word for a `key=value` pair: as is when it needs no quotes, else in
/// double quotes with `"` and the escape character escaped (`$` stays: both forms expand
/// variables alike).
pub(crate) fn quote(value: &str, escape: char) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'') || c == escape);
    if plain {
        return value.to_owned();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn all(text: &str) -> Vec<(String, Option<String>, String, bool)> {
        let df = parse(text);
        df.instructions
            .iter()
            .flat_map(|i| pairs(i, df.escape))
            .map(|p| {
                (
                    p.key,
                    p.value,
                    p.value_range.slice(text).to_owned(),
                    p.legacy,
                )
            })
            .collect()
    }

    #[test]
    fn pairs_in_every_form() {
        assert_eq!(
            all("ENV A=1 \"B\"=\"x y\" C='a\\b' D=\nENV E e  \"f g\"\nARG T\nLABEL k\\ x=v\n"),
            [
                ("A".into(), Some("1".into()), "1".into(), false),
                ("B".into(), Some("x y".into()), "\"x y\"".into(), false),
                ("C".into(), Some("a\\b".into()), "'a\\b'".into(), false),
                ("D".into(), Some(String::new()), String::new(), false),
                ("E".into(), Some("e  f g".into()), "e  \"f g\"".into(), true),
                ("T".into(), None, String::new(), false),
                ("k x".into(), Some("v".into()), "v".into(), false),
            ]
        );
    }

    #[test]
    fn quoting_round_trips() {
        for v in ["plain", "two words", "say \"hi\"", "a\\b", "", "it's"] {
            assert_eq!(unquote(&quote(v, '\\'), '\\'), v, "{v}");
        }
        assert_eq!(quote("two words", '\\'), "\"two words\"");
        assert_eq!(quote("v1.0", '\\'), "v1.0");
    }
}
