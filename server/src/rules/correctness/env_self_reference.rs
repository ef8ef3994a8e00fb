//! CO018 `env-self-reference`: an `ENV` that refers to a variable set earlier in the same
//! `ENV`.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind, Spanned};
use crate::rules::common::{is_top_level, line_start};
use crate::rules::correctness::util::{sub_range, var_refs};
use crate::rules::maintainability::key_value::pairs_of;
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `ENV` instructions that refer to a variable set earlier in the same instruction.

## What it does
Flags a reference (`$A`, `${A}`, `${A:-default}`) in the value of an `ENV` pair to a
variable that an earlier pair of the same `ENV` sets: `ENV A=1 B=$A`. A pair that refers to
its own variable (`ENV PATH=/opt/bin:$PATH`) is fine: the value before the instruction is
what it means. So is a reference to a variable that an earlier pair only sets to itself
(`ENV VERSION=$VERSION URL=https://example.com/$VERSION`, after `ARG VERSION`), or to the
very expression of the reference (`ENV ROOT=${ROOT:-/srv} HOME=${ROOT:-/srv}/home`): the
old and new values give the same text. `\$A` and `'$A'` are not references.

Differences from hadolint DL3044: hadolint stays silent when the variable was also set
before the instruction, but the reference still gets the older value then:

```dockerfile
FROM alpine:3.20
ARG VERSION=1.0
# dlint only: URL ends in /v1.0, not /v2.0
ENV VERSION=2.0 URL=https://example.com/v$VERSION
```

## Why is this bad?
The builder expands every value of an `ENV` with the variables as they were before the
instruction, not one pair after the other: after `ENV A=1 B=$A`, `B` is empty (or the
older value of `A`), not `1`. Nothing warns at build time.

## Example
```dockerfile
FROM debian:12
ENV APP_HOME=/opt/app APP_BIN=$APP_HOME/bin
```

Use instead:
```dockerfile
FROM debian:12
ENV APP_HOME=/opt/app
ENV APP_BIN=$APP_HOME/bin
```

## Fix safety
The fix splits the `ENV` before the pair that holds the reference, so that the reference
sees the value set just before it. It is unsafe: it changes the value the variable gets
(to the one that was presumably meant), and so the image.

## References
- [Dockerfile reference: environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
- [hadolint DL3044](https://github.com/hadolint/hadolint/wiki/DL3044)
";

declare_rule! {
    /// An `ENV` that refers to a variable set earlier in the same `ENV`.
    pub struct EnvSelfReference;
    code: "CO018",
    name: "env-self-reference",
    category: Correctness,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3044"),
    docs: DOCS,
}

/// The value of a `key=value` word as written (quotes and escapes kept), and its offset
/// in the word.
fn raw_value(word: &Spanned<String>) -> Option<(&str, usize)> {
    let eq = word.value.find('=')?;
    Some((&word.value[eq + 1..], eq + 1))
}

/// Whether a reference (`reference`, as written) to `key` expands to the same text
/// whether it sees the value before the instruction or the one that `value` (as written)
/// sets: `value` only refers to `key` itself (`$A`, `"${A}"`), or it is the very
/// expression of the reference (`A=${A:-x}` and `${A:-x}`).
fn same_value(value: &str, key: &str, reference: &str) -> bool {
    let v = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if v == reference {
        return true;
    }
    let Some(name) = v.strip_prefix('$') else {
        return false;
    };
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    name == key
}

/// The edit that splits `ins` before `words[at]`: the space between it and the word
/// before becomes a new line starting with the same keyword. `None` for an `ONBUILD`
/// trigger, when a comment sits in the space, or when the instruction does not start its
/// line.
fn split_before(
    ins: &Instruction,
    words: &[Spanned<String>],
    at: usize,
    ctx: &Context<'_>,
) -> Option<Edit> {
    if !is_top_level(ctx.file, ins) || at == 0 {
        return None;
    }
    let (prev, next) = (words.get(at - 1)?, words.get(at)?);
    let gap = TextRange::new(prev.range.end, next.range.start);
    let gap_text = gap.slice(ctx.source);
    let prev_text = prev.range.slice(ctx.source);
    if gap.is_empty()
        || gap_text.contains('#')
        || !gap_text
            .chars()
            .all(|c| c.is_whitespace() || c == ctx.file.escape)
        || prev_text.ends_with(ctx.file.escape)
    {
        return None;
    }
    let indent = &ctx.source[line_start(ctx.source, ins.range.start)..ins.range.start];
    if !indent.trim().is_empty() {
        return None;
    }
    Some(Edit {
        range: gap,
        content: format!("\n{indent}{} ", ins.keyword.value),
    })
}

impl Rule for EnvSelfReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Env {
            return;
        }
        let escape = ctx.file.escape;
        let words = ins.words();
        let pairs = pairs_of(ctx, ins);
        // The legacy form `ENV A value` sets one variable.
        if pairs.len() < 2 || pairs.len() != words.len() || pairs.iter().any(|p| p.legacy) {
            return;
        }
        // Where the fix splits the instruction: before each pair that refers to a pair
        // since the previous split. A reference is fixed by the first split after the
        // pair it refers to.
        let mut splits: Vec<usize> = Vec::new();
        let mut findings: Vec<(usize, TextRange, usize, String)> = Vec::new();
        for (j, word) in words.iter().enumerate() {
            let Some((value, offset)) = raw_value(word) else {
                continue;
            };
            for r in var_refs(value, escape) {
                // The latest earlier pair that gives the reference another value.
                let reference = &value[r.range.start..r.range.end];
                let Some(def) = (0..j).rev().find(|&i| {
                    pairs[i].key == r.name
                        && !raw_value(&words[i])
                            .is_some_and(|(v, _)| same_value(v, &r.name, reference))
                }) else {
                    continue;
                };
                if splits.last().is_none_or(|&s| s <= def) {
                    splits.push(j);
                }
                let range = sub_range(
                    word,
                    TextRange::new(r.range.start + offset, r.range.end + offset),
                );
                findings.push((def, range, j, r.name));
            }
        }
        for (def, range, j, name) in findings {
            let split = splits
                .iter()
                .copied()
                .find(|&s| def < s && s <= j)
                .and_then(|s| split_before(ins, words, s, ctx));
            ctx.report(
                &Self::META,
                range,
                format!(
                    "`{name}` is set earlier in this same `ENV`, but the reference expands to the value `{name}` had before the instruction"
                ),
            )
            .with_help(format!(
                "Set `{name}` in an `ENV` of its own before the one that refers to it"
            ))
            .with_related(pairs[def].key_range, format!("`{name}` set here"))
            .set_fix(split.map(|edit| Fix {
                applicability: Applicability::Unsafe,
                edits: vec![edit],
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "CO018";

    #[test]
    fn references_to_earlier_pairs_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nENV A=1 B=$A\n"),
            [(
                2,
                "$A".to_owned(),
                "`A` is set earlier in this same `ENV`, but the reference expands to the value `A` had before the instruction".to_owned()
            )]
        );
        let text = "FROM a\nENV A=1 B=${A:-x}/y C=\"${A}\"\nenv X=1 \\\n    Y=z$X\n";
        let spans: Vec<String> = findings(CODE, text).into_iter().map(|f| f.1).collect();
        assert_eq!(spans, ["${A:-x}", "${A}", "$X"]);
        // Set again after an earlier definition: still the old value.
        assert_eq!(lines(CODE, "FROM a\nARG V=1\nENV V=2 URL=/v$V\n"), [3]);
        assert_eq!(lines(CODE, "FROM a\nENV A=1 A=$A:2\n"), [2]);
    }

    #[test]
    fn self_references_escapes_and_later_pairs_are_clean() {
        let text = "FROM a\nENV PATH=/opt/bin:$PATH\nENV A=1 B=\\$A C='$A'\nENV B=$A A=1\n\
                    ARG VERSION\nENV VERSION=$VERSION URL=https://x/$VERSION\nENV AB=1 C=$ABC\n\
                    ENV D=\"${D:-/srv}\" E=\"${D:-/srv}\"/x\n\
                    ENV A $A B\nLABEL a=1 b=$a\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }

    #[test]
    fn the_fix_splits_the_instruction() {
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nENV A=1 B=$A C=2\n"),
            "FROM a\nENV A=1\nENV B=$A C=2\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nENV A=1 \\\n    B=$A\n"),
            "FROM a\nENV A=1\nENV B=$A\n"
        );
        // One split serves every reference that needs it.
        let diags = diagnostics(CODE, "FROM a\nENV A=1 B=$A C=$A D=2 E=$D\n");
        let edits: Vec<usize> = diags
            .iter()
            .map(|d| d.fix.as_ref().expect("a fix").edits[0].range.start)
            .collect();
        assert_eq!(edits, [14, 14, 28]);
        // No fix inside ONBUILD or across a comment line.
        let diags = diagnostics(
            CODE,
            "FROM a\nONBUILD ENV A=1 B=$A\nENV C=1 \\\n# note\n    D=$C\n",
        );
        assert_eq!(diags.len(), 2);
        assert!(diags.iter().all(|d| d.fix.is_none()));
    }
}
