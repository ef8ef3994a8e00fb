//! A fast path for the most common RUN body: a list of simple commands joined by `&&`,
//! `||`, `|`, `;` or `&` (`apt-get update && apt-get install -y curl`), made of plain and
//! quoted words, `$NAME`/`${NAME}` expansions and `$(…)` substitutions of such lists, each
//! command perhaps followed by redirections (`> file`, `>> log`, `< in`, `&> log`, `2>&1`).
//!
//! It gives exactly what the tree-sitter-bash walk gives for such a script, in a fraction
//! of the time; it declines (`None`) anything else, which goes to tree-sitter: newlines,
//! other redirections, backquotes and arithmetic, subshells and groups, tests, comments,
//! negation, escapes, reserved words, assignments and declarations, `${…}` with anything
//! but a plain operand, unbalanced quotes, empty commands, and the words tree-sitter-bash
//! splits its own way (`$A/$B/x`, `alpine@sha256:…` as a name). In debug builds every
//! script it accepts is also parsed with tree-sitter, and a difference panics: the whole
//! test suite checks the equivalence.

use super::{Command, Operator, Word, unquote};
use crate::text::TextRange;

/// Words tree-sitter-bash reads as syntax, wherever they stand.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "function", "select", "time", "coproc", "export", "declare", "local", "readonly",
    "typeset", "unset",
];

/// The commands of `text` when it is a simple list (see the module docs), else `None`.
pub(super) fn parse(text: &str) -> Option<Vec<Command>> {
    let bytes = text.as_bytes();
    if bytes
        .iter()
        .any(|b| matches!(b, b'[' | b']' | b'#' | b'!' | b'`' | b'\n' | b'\r'))
    {
        return None;
    }
    let mut lexer = Lexer {
        text,
        bytes,
        out: Vec::new(),
    };
    if lexer.list(0, 0, false)? != bytes.len() {
        return None;
    }
    let mut commands = lexer.out;
    // As the tree-sitter walk leaves them: in source order, and every command but the
    // last that no operator follows (the last of a `$(…)`, one whose words hold a `$(…)`)
    // followed by a sequence.
    commands.sort_by_key(|c| c.range.start);
    let last = commands.len().saturating_sub(1);
    for c in &mut commands[..last] {
        if c.next.is_none() {
            c.next = Some(Operator::Seq);
        }
    }
    Some(commands)
}

/// Where a word stands in a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Name,
    Argument,
    /// The target of a redirection.
    Target,
}

/// Reads lists of commands, into `out` in the order they end.
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    out: Vec<Command>,
}

impl Lexer<'_> {
    /// The list of commands at `depth` starting at `i`, up to the end of the text (or the
    /// `)` of a `$(…)` when `nested`): where it ends.
    fn list(&mut self, mut i: usize, depth: u32, nested: bool) -> Option<usize> {
        // Deeper `$(…)` nesting is left to tree-sitter and its bounded walk.
        if depth > 16 {
            return None;
        }
        let (text, bytes) = (self.text, self.bytes);
        let mut words: Vec<Word> = Vec::new();
        let mut redirects: Vec<Word> = Vec::new();
        // Whether the current command has had a redirection.
        let mut redirected = false;
        loop {
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
                i += 1;
            }
            let end_of_list = if nested {
                bytes.get(i) == Some(&b')')
            } else {
                i == bytes.len()
            };
            if end_of_list {
                // A list ends with a command, not an operator.
                if words.is_empty() {
                    return None;
                }
                let c = command(text, std::mem::take(&mut words), redirects, None, depth)?;
                self.out.push(c);
                return Some(i);
            }
            if i == bytes.len() || bytes[i] == b')' {
                return None;
            }
            // `> file`, `2>&1`, `&> log` after the words of a command.
            if let Some((len, duplicate)) = redirection(bytes, i) {
                // tree-sitter-bash reads `- 2>&1` its own way.
                let descriptor = bytes[i].is_ascii_digit();
                if words.is_empty()
                    || descriptor
                        && words
                            .last()
                            .is_some_and(|w| &text[w.range.start..w.range.end] == "-")
                {
                    return None;
                }
                redirected = true;
                i += len;
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
                    i += 1;
                }
                let end = self.word(i, depth, Place::Target)?;
                // The walk reads a `$(…)` in a target one level deeper, whatever the word.
                if text[i..end].contains("$(") {
                    return None;
                }
                if duplicate {
                    // `2>&1`, `>&2`: a descriptor, not a file.
                    if !bytes[i..end].iter().all(u8::is_ascii_digit) {
                        return None;
                    }
                } else {
                    redirects.push(Word {
                        value: unquote(&text[i..end]),
                        range: TextRange::new(i, end),
                    });
                }
                i = end;
                continue;
            }
            let op = match (bytes[i], bytes.get(i + 1)) {
                (b'&', Some(b'&')) => Some((Operator::And, 2)),
                (b'|', Some(b'|')) => Some((Operator::Or, 2)),
                (b'|', Some(b'&')) | (b';', Some(b';' | b'&')) => return None,
                (b'|', _) => Some((Operator::Pipe, 1)),
                (b';', _) => Some((Operator::Seq, 1)),
                (b'&', _) => Some((Operator::Background, 1)),
                _ => None,
            };
            if let Some((op, len)) = op {
                if words.is_empty() {
                    return None;
                }
                let c = command(
                    text,
                    std::mem::take(&mut words),
                    std::mem::take(&mut redirects),
                    Some(op),
                    depth,
                )?;
                self.out.push(c);
                redirected = false;
                i += len;
                // Nothing after a final `;` or `&`: leave that to tree-sitter too.
                continue;
            }
            // A word after a redirection is an argument the shell reads out of order.
            if redirected {
                return None;
            }
            let place = if words.is_empty() {
                Place::Name
            } else {
                Place::Argument
            };
            let end = self.word(i, depth, place)?;
            words.push(Word {
                value: unquote(&text[i..end]),
                range: TextRange::new(i, end),
            });
            i = end;
        }
    }

    /// Where the word starting at `start`, of a command at `depth`, ends; `None` when it
    /// holds what this parser leaves to tree-sitter. The commands of its `$(…)` are read
    /// into `out`, at the depth the tree-sitter walk gives them: one deeper than the
    /// command for an argument that is only the substitution, two deeper otherwise (in a
    /// longer word, in quotes, in the command's name).
    fn word(&mut self, start: usize, depth: u32, place: Place) -> Option<usize> {
        let bytes = self.bytes;
        let first_nested = self.out.len();
        let mut i = start;
        let mut bare = true;
        // tree-sitter-bash splits `$A/$B/x` and `'q'+$1` before the last expansion's name: a
        // bare expansion after a quote or another expansion in the same word is left to it.
        let mut quoted_or_expanded = 0;
        // Where a `$(…)` opening the word ends: the word is that substitution alone when it
        // ends there too.
        let mut leading_substitution_end = None;
        while i < bytes.len() {
            match bytes[i] {
                b' ' | b'\t' | b'&' | b'|' | b';' | b')' => break,
                b'\'' => {
                    bare = false;
                    quoted_or_expanded += 1;
                    let close = bytes[i + 1..].iter().position(|&b| b == b'\'')?;
                    i += close + 2;
                }
                b'"' => {
                    bare = false;
                    quoted_or_expanded += 1;
                    i = self.double_quoted_end(i, depth, &mut quoted_or_expanded)?;
                }
                b'$' if bytes.get(i + 1) == Some(&b'(') => {
                    bare = false;
                    if quoted_or_expanded > 0 {
                        return None;
                    }
                    let at_start = i == start;
                    quoted_or_expanded += 1;
                    i = self.substitution_end(i, depth + 1)?;
                    if at_start {
                        leading_substitution_end = Some(i);
                    }
                }
                b'$' => {
                    bare = false;
                    if quoted_or_expanded > 0 && bytes.get(i + 1) != Some(&b'{') {
                        return None;
                    }
                    quoted_or_expanded += 1;
                    i = expansion_end(bytes, i)?;
                }
                // Escapes: tree-sitter-bash has its own ideas about a few of them. Braces
                // outside `${…}`: groups and brace expansions. `word>file`, `(`: left to
                // tree-sitter.
                b'\\' | b'{' | b'}' | b'<' | b'>' | b'(' => return None,
                // `=~` is a test operator to tree-sitter-bash.
                b'=' if i == start => return None,
                _ => i += 1,
            }
        }
        if i == start {
            return None;
        }
        // A reserved word is syntax only when written bare.
        if bare && std::str::from_utf8(&bytes[start..i]).is_ok_and(|w| RESERVED.contains(&w)) {
            return None;
        }
        if place == Place::Name || leading_substitution_end != Some(i) {
            for c in &mut self.out[first_nested..] {
                c.depth += 1;
            }
        }
        Some(i)
    }

    /// The end of the `$(…)` opening at `start`, its commands read at `depth`.
    fn substitution_end(&mut self, start: usize, depth: u32) -> Option<usize> {
        // `$((…))` is arithmetic.
        if self.bytes.get(start + 2) == Some(&b'(') {
            return None;
        }
        let close = self.list(start + 2, depth, true)?;
        Some(close + 1)
    }

    /// The end of the `"…"` opening at `start`, with plain expansions and substitutions
    /// inside (counted in `quoted_or_expanded`).
    fn double_quoted_end(
        &mut self,
        start: usize,
        depth: u32,
        quoted_or_expanded: &mut usize,
    ) -> Option<usize> {
        let bytes = self.bytes;
        let mut i = start + 1;
        loop {
            match *bytes.get(i)? {
                b'"' => return Some(i + 1),
                b'$' if bytes.get(i + 1) == Some(&b'(') => {
                    *quoted_or_expanded += 1;
                    i = self.substitution_end(i, depth + 1)?;
                }
                b'$' => {
                    *quoted_or_expanded += 1;
                    i = expansion_end(bytes, i)?;
                }
                b'\\' | b'{' | b'}' => return None,
                _ => i += 1,
            }
        }
    }
}

/// The redirection operator starting at `i` (`>`, `>>`, `<`, `&>`, `&>>`, with a
/// descriptor: `2>`, `2>&`): its length, and whether it duplicates a descriptor (`>&`,
/// `<&`). `None` for no operator, and for those left to tree-sitter (`<<`, `<<<`, `<>`,
/// `>|`, `>&-`).
fn redirection(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let at = i + digits;
    let rest = &bytes[at..];
    let (len, duplicate) = match rest {
        [b'&', b'>', b'>', ..] if digits == 0 => (3, false),
        [b'&', b'>', ..] if digits == 0 => (2, false),
        [b'>', b'>', ..] => (2, false),
        [b'>' | b'<', b'&', b'-', ..] | [b'>', b'|', ..] | [b'<', b'<' | b'>', ..] => return None,
        [b'>' | b'<', b'&', ..] => (2, true),
        [b'>' | b'<', ..] => (1, false),
        _ => return None,
    };
    Some((digits + len, duplicate))
}

/// A command of `words` (of `text`) with the targets of its `redirects`, followed by
/// `next`; `None` for what tree-sitter reads otherwise.
fn command(
    text: &str,
    words: Vec<Word>,
    redirects: Vec<Word>,
    next: Option<Operator>,
    depth: u32,
) -> Option<Command> {
    let first = words.first()?;
    // A reserved word at the start of a name, followed by a quote or an expansion, is the
    // reserved word (`for"x"`, `if$1`); `find`, `dotnet`, `timeout` and `done.x` are names.
    let raw = &text[first.range.start..first.range.end];
    let keyword_first = RESERVED.iter().any(|r| {
        raw.strip_prefix(r).is_some_and(|rest| {
            !rest.starts_with(|c: char| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':')
            })
        })
    });
    if keyword_first {
        return None;
    }
    // `A=1 cmd` and `A=1` are assignments, and tree-sitter-bash reads some other names as
    // two nodes (`alpine@sha256:…`, `a+:`): a name is made of letters, digits, `_./-`,
    // quotes and expansions, does not start with `-`, and may end in `+` (`g++`).
    let plain = raw.trim_end_matches('+');
    if !plain.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'.' | b'/' | b'-' | b'$' | b'{' | b'}' | b'"' | b'\'' | b' '
            )
            || b >= 0x80
    }) || first.value.contains('=')
        || raw.starts_with('-')
    {
        return None;
    }
    let range = TextRange::new(first.range.start, words.last()?.range.end);
    let mut words = words.into_iter();
    let name = words.next();
    Some(Command {
        name,
        args: words.collect(),
        env: Vec::new(),
        redirects,
        range,
        next,
        depth,
    })
}

/// The end of the expansion at `start` (`$NAME`, `$1`, `$@`, `${NAME}`, `${NAME:-x}`, …);
/// `None` for the forms left to tree-sitter.
fn expansion_end(bytes: &[u8], start: usize) -> Option<usize> {
    let next = *bytes.get(start + 1)?;
    match next {
        b'{' => {
            let body = &bytes[start + 2..];
            let close = body.iter().position(|&b| b == b'}')?;
            let inner = &body[..close];
            let plain = !inner.is_empty()
                && (inner[0].is_ascii_alphabetic() || inner[0] == b'_')
                && inner.iter().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(
                            b,
                            b'_' | b':' | b'-' | b'=' | b'+' | b'?' | b'.' | b'/' | b'%' | b','
                        )
                });
            plain.then_some(start + 2 + close + 1)
        }
        b'_' | b'a'..=b'z' | b'A'..=b'Z' => Some(
            start
                + 1
                + bytes[start + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count(),
        ),
        b'@' | b'*' | b'?' | b'$' => Some(start + 2),
        // `$1x` is `$1` and `x`, which tree-sitter-bash does not always see.
        b'0'..=b'9' if !bytes.get(start + 2).is_some_and(u8::is_ascii_alphanumeric) => {
            Some(start + 2)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::shell::Operator;

    /// A small deterministic generator (no dependency): xorshift.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.next() % from.len()]
        }
    }

    /// Command names.
    const NAMES: &[&str] = &[
        "apt-get",
        "pip",
        "./configure",
        "/usr/bin/env",
        "g++",
        "$CC",
        "\"$X\"",
        "find",
        "a",
    ];
    /// Words of everyday scripts, most of the time.
    const COMMON: &[&str] = &[
        "a",
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        "curl",
        "x=1",
        "-",
        "/",
        ".",
        ":",
        ",",
        "1",
        "$A",
        "${A}",
        "${A:-b}",
        "'q r'",
        "\"d $A\"",
        "*",
        "~",
        "+",
    ];
    /// What tree-sitter-bash reads its own way, some of the time.
    const TRICKY: &[&str] = &[
        "=",
        "@",
        "%",
        "?",
        "^",
        "0x1",
        "$1",
        "$@",
        "$?",
        "$$",
        "$-",
        "${A%.*}",
        "${#A}",
        "$",
        "''",
        "\\",
        "\\ ",
        "\\$",
        "\"\"",
        "\"${A}\"",
        "\"a\\\"b\"",
        "é",
        "if",
        "done",
        "export",
        "in",
        "for",
        "time",
        "{",
        "}",
        "x{y}",
        "find",
        "do",
    ];
    /// Substitutions, now and then in a word.
    const SUBSTITUTIONS: &[&str] = &[
        "$(a b)",
        "$(a && b)",
        "x$(y)",
        "\"$(c d)\"",
        "$(a $(b))",
        "$(",
        ")",
        "$()",
        "$((1+2))",
        "$(a | b > f)",
        "$( a )",
        "$(a;)",
        "--y=$(a)/z",
        "\"a $(b) c\"",
        "$(a)$B",
        "$A$(b)",
        "$(a 2>&1)",
        "$(x)",
        "(a)",
        "a)",
        "$(a) b",
        "$(\"$(c)\")",
    ];
    /// Redirections, now and then after a command.
    const REDIRECTS: &[&str] = &[
        " > f",
        " >> log",
        " 2>&1",
        " < in",
        " &> x",
        " 2>/dev/null",
        " >&2",
        " > \"$F\"",
        " 2> e",
        " >",
        " 2>",
        ">x",
        " 1>&2",
        " >&-",
        " <<< s",
        " >| f",
        " > a b",
        "2>&1",
    ];
    const GAPS: &[&str] = &[
        " ", " ", " ", "  ", "\t", " && ", " || ", " | ", "; ", " & ", "&&", "|", ";",
    ];

    fn script(rng: &mut Rng) -> String {
        let mut out = String::new();
        for _ in 0..=(rng.next() % 4) {
            out.push_str(rng.pick(NAMES));
            out.push(' ');
            for _ in 0..rng.next() % 4 {
                let pool = match rng.next() % 24 {
                    0 | 1 => TRICKY,
                    2 | 3 => SUBSTITUTIONS,
                    _ => COMMON,
                };
                out.push_str(rng.pick(pool));
            }
            if rng.next().is_multiple_of(3) {
                out.push_str(rng.pick(REDIRECTS));
            }
            out.push_str(rng.pick(GAPS));
        }
        out.truncate(out.trim_end().len());
        out
    }

    /// Random simple lists: wherever the fast path answers, it answers as tree-sitter does.
    #[test]
    fn agrees_with_tree_sitter_on_random_lists() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut accepted = 0;
        let mut differ = Vec::new();
        for _ in 0..100_000 {
            let text = script(&mut rng);
            if let Some(fast) = parse(&text) {
                accepted += 1;
                let (reference, error) = super::super::parse_with_tree_sitter(&text);
                if error || fast != reference {
                    differ.push(text);
                }
            }
        }
        assert!(
            differ.is_empty(),
            "{} differ: {:#?}",
            differ.len(),
            &differ[..differ.len().min(30)]
        );
        // The generator must exercise the fast path, not only its refusals.
        assert!(
            accepted > 15_000,
            "only {accepted} scripts took the fast path"
        );
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "",
            "a && ",
            "&& a",
            "a && && b",
            "a;",
            "a &",
            "a > /dev/null x",
            "> f a",
            "a 2>&-",
            "a <<EOF",
            "a>f",
            "a $((1 + 2))",
            "a > $(b)",
            "a $(b;)",
            "a $()",
            "a `b`",
            "(a)",
            "{ a; }",
            "[ -f x ] && y",
            "a # comment",
            "! a",
            "A=1 a",
            "A=1",
            "export A=1",
            "if a; then b; fi",
            "echo done",
            "a\nb",
            "echo 'unterminated",
            "echo \"unterminated",
            "echo $A/$B/x",
            "echo ${A[1]}",
            "echo ${A:-$B}",
            "alpine@sha256:0 x",
            "a;; b",
            "a |& b",
            "echo \\",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn reads_a_typical_install() {
        let text = "apt-get update && apt-get install -y --no-install-recommends \"$PKG\" \
                    curl=${CURL_VERSION} | tee log; rm -rf /var/lib/apt/lists/*";
        let commands = parse(text).expect("a simple list");
        let names: Vec<&str> = commands
            .iter()
            .map(|c| c.name.as_ref().map_or("", |w| w.value.as_str()))
            .collect();
        assert_eq!(names, ["apt-get", "apt-get", "tee", "rm"]);
        assert_eq!(commands[1].args[3].value, "$PKG");
        assert_eq!(
            &text[commands[1].args[3].range.start..commands[1].args[3].range.end],
            "\"$PKG\""
        );
        assert_eq!(commands[1].args[4].value, "curl=${CURL_VERSION}");
        let ops: Vec<_> = commands.iter().map(|c| c.next).collect();
        assert_eq!(
            ops,
            [
                Some(Operator::And),
                Some(Operator::Pipe),
                Some(Operator::Seq),
                None
            ]
        );
    }
}
