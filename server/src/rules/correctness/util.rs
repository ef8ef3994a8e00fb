//! What the correctness rules share: where an instruction sits (a stage, an `ONBUILD`
//! trigger), variable references with their source ranges, and near-miss names.

use crate::layers::Base;
use crate::model::{Instruction, Spanned, Stage};
use crate::rules::Context;
use crate::text::TextRange;

/// The ARGs BuildKit defines for every build; `FROM` may use them without a global `ARG`.
pub(crate) const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Whether `ins` is the trigger of an `ONBUILD` (rules see it unwrapped, after its
/// wrapper): its stages and variables are those of a later build.
pub(crate) fn in_onbuild(ins: &Instruction, ctx: &Context<'_>) -> bool {
    !crate::rules::common::is_top_level(ctx.file, ins)
}

/// The stage `ins` belongs to, unless it is an `ONBUILD` trigger.
pub(crate) fn stage_of<'a>(ins: &Instruction, ctx: &Context<'a>) -> Option<&'a Stage> {
    if in_onbuild(ins, ctx) {
        return None;
    }
    ctx.file.stages.get(ins.stage?)
}

/// Whether the base chain of stage `index` ends in `scratch` within this file, so that
/// everything the stage inherits is known.
pub(crate) fn rooted_in_scratch(ctx: &Context<'_>, index: usize) -> bool {
    let stages = &ctx.analysis().stages;
    let mut at = index;
    for _ in 0..=stages.len() {
        match stages.get(at).map(|s| &s.base) {
            Some(Base::Scratch) => return true,
            Some(Base::Stage(i)) if *i < at => at = *i,
            _ => return false,
        }
    }
    false
}

/// A reference to a variable in Dockerfile text: the name and the byte range of the whole
/// reference (`$NAME` or `${NAME...}`) in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VarRef {
    pub name: String,
    pub range: TextRange,
}

/// The variables referenced in `text` as BuildKit's word expansion sees them: `\$` (with
/// the file's escape character) and single quotes stop expansion; names inside a
/// `${A:-$B}` default count too.
pub(crate) fn var_refs(text: &str, escape: char) -> Vec<VarRef> {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // The `}` matching each `{`, found in one pass: a word of many nested `${A:-${B:-…}}`
    // is read in linear time.
    let mut close = vec![usize::MAX; if text.contains("${") { bytes.len() } else { 0 }];
    if !close.is_empty() {
        let mut open = Vec::new();
        for (k, &b) in bytes.iter().enumerate() {
            match b {
                b'{' => open.push(k),
                b'}' => {
                    if let Some(o) = open.pop() {
                        close[o] = k;
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_double = false;
    while i < bytes.len() {
        let c = bytes[i];
        if escape.is_ascii() && c == escape as u8 {
            i += 2;
            continue;
        }
        match c {
            b'\'' if !in_double => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                in_double = !in_double;
                i += 1;
            }
            b'$' => {
                let start = i;
                let braced = bytes.get(i + 1) == Some(&b'{');
                let name_start = i + 1 + usize::from(braced);
                let mut j = name_start;
                while j < bytes.len() && is_name(bytes[j]) {
                    j += 1;
                }
                if j == name_start || bytes[name_start].is_ascii_digit() {
                    i = j.max(i + 1);
                    continue;
                }
                let mut end = j;
                if braced {
                    // Up to the matching `}` (the end when there is none); nested
                    // references are scanned on.
                    let k = close.get(i + 1).copied().unwrap_or(usize::MAX);
                    end = k.saturating_add(1).min(bytes.len());
                }
                out.push(VarRef {
                    name: text[name_start..j].to_owned(),
                    range: TextRange::new(start, end),
                });
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// The source range of `sub` (a range within `word.value`), exact when the word was
/// written in one piece, else the whole word.
pub(crate) fn sub_range(word: &Spanned<String>, sub: TextRange) -> TextRange {
    if word.range.len() == word.value.len() {
        TextRange::new(word.range.start + sub.start, word.range.start + sub.end)
    } else {
        word.range
    }
}

/// The edit distance of two short names, a swap of neighbours counting as one edit
/// (optimal string alignment): `biuld` is one edit from `build`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate `name` most likely mistyped as: one edit away for names of four or five
/// characters, two for longer ones, none for shorter ones (too many look alike); a
/// difference in case alone counts as one edit.
pub(crate) fn near_miss<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = match name.len() {
        0..=3 => return None,
        4..=5 => 1,
        _ => 2,
    };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let d = if c.eq_ignore_ascii_case(name) {
                1
            } else {
                edit_distance(name, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references() {
        let names =
            |t: &str| -> Vec<String> { var_refs(t, '\\').into_iter().map(|r| r.name).collect() };
        assert_eq!(
            names("a$B ${C} ${D:-$E} \\$F '$G' \"$H\" $1"),
            ["B", "C", "D", "E", "H"]
        );
        let r = &var_refs("x${A:-y}z", '\\')[0];
        assert_eq!(r.range, TextRange::new(1, 8));
    }

    #[test]
    fn near_misses() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("biuld", "build"), 1);
        assert_eq!(near_miss("APP_DIRR", ["APP_DIR", "HOME"]), Some("APP_DIR"));
        assert_eq!(near_miss("GO", ["NO"]), None);
        assert_eq!(near_miss("name", ["NAME"]), Some("NAME"));
        assert_eq!(near_miss("ABC", ["XYZ"]), None);
    }
}
