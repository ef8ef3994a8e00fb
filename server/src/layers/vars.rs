//! Variable expansion as BuildKit does it in instructions that expand (`FROM`, `COPY`,
//! `ADD`, `ENV`, `ARG` defaults, `LABEL`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`,
//! `STOPSIGNAL`, and flags such as `--from`, `--chown`, `--mount`, `--platform`).
//!
//! Supports `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`,
//! `${VAR+alt}`, `${VAR:?msg}`, `${VAR?msg}`, prefix/suffix removal (`#`, `##`, `%`,
//! `%%`) and `${VAR/pat/repl}` with literal patterns, the escape character (`\$` is a
//! literal `$`), and quotes (single quotes stop expansion; quotes are removed).

/// The result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expanded {
    pub value: String,
    /// Every variable name referenced, in order (duplicates removed).
    pub used: Vec<String>,
    /// Referenced variables that had no value and no default.
    pub unset: Vec<String>,
}

/// How deep `${A:-${B:-…}}` defaults are expanded: each level is a recursion, and a word of
/// fifty thousand nested defaults must not overflow the stack. Deeper words stay as written.
const MAX_NESTING: u32 = 64;

thread_local! {
    static NESTING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Expand `word`. `lookup` returns a variable's value, `None` when it is not set.
pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    // Most words have nothing to expand or unquote: they stand for themselves.
    let nesting = NESTING.get();
    if !word.contains(['$', '\'', '"', escape]) || nesting >= MAX_NESTING {
        return Expanded {
            value: word.to_owned(),
            ..Expanded::default()
        };
    }
    NESTING.set(nesting + 1);
    let out = expand_word(word, escape, lookup);
    NESTING.set(nesting);
    out
}

fn expand_word(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut out = Expanded::default();
    out.value.reserve(word.len());
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    let mut in_double = false;
    while i < chars.len() {
        let c = chars[i];
        if c == escape {
            if let Some(&n) = chars.get(i + 1) {
                // Inside double quotes only `$`, `"`, the escape itself (and backtick) are escaped.
                if !in_double || matches!(n, '$' | '"' | '`') || n == escape {
                    out.value.push(n);
                } else {
                    out.value.push(c);
                    out.value.push(n);
                }
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        match c {
            '\'' if !in_double => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    out.value.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            '$' => i = variable(&chars, i + 1, escape, lookup, &mut out),
            c => {
                out.value.push(c);
                i += 1;
            }
        }
    }
    out
}

fn note(out: &mut Expanded, name: &str, value: Option<&String>, has_default: bool) {
    if !out.used.iter().any(|u| u == name) {
        out.used.push(name.to_owned());
    }
    if value.is_none() && !has_default && !out.unset.iter().any(|u| u == name) {
        out.unset.push(name.to_owned());
    }
}

/// Expand the variable reference starting after `$` at `i`; returns the next index.
fn variable(
    chars: &[char],
    mut i: usize,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut Expanded,
) -> usize {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match chars.get(i) {
        Some('{') => {
            i += 1;
            let start = i;
            while i < chars.len() && is_name(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            // Find the matching `}` (nested `${}` allowed in the word).
            let mut depth = 1;
            let word_start = i;
            while i < chars.len() {
                match chars[i] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            let rest: String = chars[word_start..i.min(chars.len())].iter().collect();
            let next = (i + 1).min(chars.len() + 1);
            let value = lookup(&name);
            let sub = |w: &str, out: &mut Expanded| {
                let e = expand(w, escape, lookup);
                for u in e.used {
                    if !out.used.contains(&u) {
                        out.used.push(u);
                    }
                }
                for u in e.unset {
                    if !out.unset.contains(&u) {
                        out.unset.push(u);
                    }
                }
                e.value
            };
            let (op, word) = split_modifier(&rest);
            match op {
                ":-" | "-" => {
                    note(out, &name, value.as_ref(), true);
                    let empty = value.as_deref().is_none_or(str::is_empty);
                    if value.is_none() || (op == ":-" && empty) {
                        let d = sub(word, out);
                        out.value.push_str(&d);
                    } else {
                        out.value.push_str(value.as_deref().unwrap_or(""));
                    }
                }
                ":+" | "+" => {
                    note(out, &name, value.as_ref(), true);
                    let set = value.is_some()
                        && (op == "+" || !value.as_deref().unwrap_or("").is_empty());
                    if set {
                        let a = sub(word, out);
                        out.value.push_str(&a);
                    }
                }
                "" | ":?" | "?" => {
                    note(out, &name, value.as_ref(), false);
                    out.value.push_str(value.as_deref().unwrap_or(""));
                }
                "#" | "##" | "%" | "%%" => {
                    note(out, &name, value.as_ref(), false);
                    let v = value.unwrap_or_default();
                    let pat = sub(word, out);
                    let r = remove_affix(&v, &pat, op);
                    out.value.push_str(&r);
                }
                "/" | "//" => {
                    note(out, &name, value.as_ref(), false);
                    let v = value.unwrap_or_default();
                    let (pat, repl) = word.split_once('/').unwrap_or((word, ""));
                    let (pat, repl) = (sub(pat, out), sub(repl, out));
                    let r = if pat.is_empty() {
                        v
                    } else if op == "//" {
                        v.replace(&pat, &repl)
                    } else {
                        v.replacen(&pat, &repl, 1)
                    };
                    out.value.push_str(&r);
                }
                _ => {
                    // Unknown modifier: keep the text as written.
                    out.value.push_str("${");
                    out.value.push_str(&name);
                    out.value.push_str(&rest);
                    out.value.push('}');
                }
            }
            next
        }
        Some(&c) if is_name(c) && !c.is_ascii_digit() => {
            let start = i;
            while i < chars.len() && is_name(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let value = lookup(&name);
            note(out, &name, value.as_ref(), false);
            out.value.push_str(value.as_deref().unwrap_or(""));
            i
        }
        _ => {
            out.value.push('$');
            i
        }
    }
}

/// `${v#pat}` (shortest prefix), `##` (longest), `%` (shortest suffix), `%%` (longest),
/// with `*` and `?` globs in `pat`.
fn remove_affix(v: &str, pat: &str, op: &str) -> String {
    let cuts: Vec<usize> = v.char_indices().map(|(i, _)| i).chain([v.len()]).collect();
    let pick = |mut it: Box<dyn Iterator<Item = &usize> + '_>, prefix: bool| {
        it.find(|&&i| {
            if prefix {
                glob(pat, &v[..i])
            } else {
                glob(pat, &v[i..])
            }
        })
        .copied()
    };
    match op {
        "#" => {
            pick(Box::new(cuts.iter()), true).map_or_else(|| v.to_owned(), |i| v[i..].to_owned())
        }
        "##" => pick(Box::new(cuts.iter().rev()), true)
            .map_or_else(|| v.to_owned(), |i| v[i..].to_owned()),
        "%" => pick(Box::new(cuts.iter().rev()), false)
            .map_or_else(|| v.to_owned(), |i| v[..i].to_owned()),
        _ => pick(Box::new(cuts.iter()), false).map_or_else(|| v.to_owned(), |i| v[..i].to_owned()),
    }
}

/// Shell glob match of the whole `s`: `*` any run, `?` one character.
fn glob(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn split_modifier(rest: &str) -> (&str, &str) {
    for op in [
        ":-", ":+", ":?", "##", "%%", "//", "-", "+", "?", "#", "%", "/",
    ] {
        if let Some(w) = rest.strip_prefix(op) {
            return (op, w);
        }
    }
    (rest, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "A" => Some("alpha".into()),
            "EMPTY" => Some(String::new()),
            "V" => Some("3.12.1".into()),
            _ => None,
        }
    }

    fn x(w: &str) -> String {
        expand(w, '\\', &env).value
    }

    #[test]
    fn forms() {
        assert_eq!(x("$A-${A}"), "alpha-alpha");
        assert_eq!(x("${NOPE:-dflt}/${EMPTY:-e}/${EMPTY-e}"), "dflt/e/");
        assert_eq!(x("${A:+yes}${NOPE:+no}${EMPTY+set}"), "yesset");
        assert_eq!(x("${V%.*}"), "3.12");
        assert_eq!(x("${V#3.}"), "12.1");
        assert_eq!(x("${V%%.*}|${V#*.}|${V##*.}"), "3|12.1|1");
        assert_eq!(x("${V/./-}|${V//./-}"), "3-12.1|3-12-1");
        assert_eq!(x("${NOPE:-${A}}"), "alpha");
    }

    #[test]
    fn escapes_and_quotes() {
        assert_eq!(x(r"\$A"), "$A");
        assert_eq!(x("'$A'"), "$A");
        assert_eq!(x("\"$A b\""), "alpha b");
        assert_eq!(expand("`$A", '`', &env).value, "$A");
        assert_eq!(x("cost: 5$"), "cost: 5$");
    }

    #[test]
    fn tracks_use() {
        let e = expand("${A}${B:-x}$C", '\\', &env);
        assert_eq!(e.used, ["A", "B", "C"]);
        assert_eq!(e.unset, ["C"]);
    }
}
