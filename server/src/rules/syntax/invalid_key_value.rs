//! SY009 `invalid-key-value`: a word without `=` among the `name=value` pairs of `ENV` or
//! `LABEL`.

use crate::declare_rule;
use crate::model::{Instruction, SyntaxErrorKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for `ENV` and `LABEL` words that are not `name=value` pairs.

## What it does
Flags a word without `=` in an `ENV` or `LABEL` instruction written in the `name=value` form
(its first word contains `=`). The usual cause is a value with a space that is not quoted:
`ENV GREETING=hello world` is the pair `GREETING=hello` and a stray word `world`.

## Why is this bad?
BuildKit fails with `Syntax error - can't find = in "world". Must be of the form:
name=value`.

## Example
```dockerfile
FROM alpine:3.20
ENV GREETING=hello world
LABEL org.opencontainers.image.title=my app
```

Use instead:
```dockerfile
FROM alpine:3.20
ENV GREETING="hello world"
LABEL org.opencontainers.image.title="my app"
```

## References
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
- [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
"#;

declare_rule! {
    /// A word without `=` among the `name=value` pairs of `ENV` or `LABEL`.
    pub struct InvalidKeyValue;
    code: "SY009",
    name: "invalid-key-value",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for InvalidKeyValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let kw = ins.kind.as_str();
        let words = ins.words();
        for error in super::errors_of(ctx.file, ins, &[SyntaxErrorKind::InvalidEnvPair]) {
            let Some(at) = words.iter().position(|w| w.range == error.range) else {
                continue;
            };
            let word = &words[at].value;
            // The pair this word would belong to if it were part of an unquoted value.
            let pair = words[..at].iter().rposition(|w| w.value.contains('='));
            let help = match pair {
                Some(p) => {
                    let (name, value) = words[p].value.split_once('=').unwrap_or_default();
                    let rest: Vec<&str> =
                        words[p + 1..=at].iter().map(|w| w.value.as_str()).collect();
                    let value = value.trim_matches('"');
                    format!(
                        "If `{word}` is part of the value of `{name}`, quote the value: `{name}=\"{value} {}\"`",
                        rest.join(" ")
                    )
                }
                None => format!("Write `{word}=<value>`"),
            };
            ctx.report(
                &Self::META,
                error.range,
                format!("`{word}` in `{kw}` is not a `name=value` pair"),
            )
            .help = Some(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, diagnostics, lines};

    #[test]
    fn flags_words_without_equals() {
        let text = "FROM a\nENV GREETING=hello world\nLABEL a=1 b\n";
        assert_eq!(
            findings("SY009", text),
            [
                (
                    "SY009",
                    2,
                    "`world` in `ENV` is not a `name=value` pair".to_owned()
                ),
                (
                    "SY009",
                    3,
                    "`b` in `LABEL` is not a `name=value` pair".to_owned()
                ),
            ]
        );
        let d = diagnostics("SY009", text);
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "If `world` is part of the value of `GREETING`, quote the value: `GREETING=\"hello world\"`"
            )
        );
    }

    #[test]
    fn several_stray_words() {
        let d = diagnostics("SY009", "FROM a\nENV A=x y z\n");
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[1].help.as_deref(),
            Some("If `z` is part of the value of `A`, quote the value: `A=\"x y z\"`")
        );
    }

    #[test]
    fn pairs_legacy_form_and_quoted_values_are_clean() {
        let text = "FROM a\nENV A=1 B=\"two words\" C=three\\ words\nENV LEGACY value with spaces\n\
                    label \"k\"=\"v\" x='y z'\nARG A B\n";
        assert_eq!(lines("SY009", text), [] as [u32; 0]);
    }

    #[test]
    fn onbuild_lowercase_continuation_and_crlf() {
        let text = "FROM a\r\nonbuild env A=1 \\\r\n  B\r\n";
        let d = diagnostics("SY009", text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].range.slice(text), "B");
        assert_eq!(d[0].message, "`B` in `ENV` is not a `name=value` pair");
    }
}
