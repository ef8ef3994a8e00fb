//! MA003 `legacy-key-value-format`: `ENV key value` and `LABEL key value`.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::maintainability::key_value::{pairs_of, quote};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `ENV` and `LABEL` in the legacy whitespace-separated `key value` form.

## What it does
Flags `ENV key value` and `LABEL key value` (no `=` after the key), and offers the
`key=value` form, quoting the value when it holds spaces or quotes.

## Why is this bad?
In the legacy form everything after the key is one value, spaces included, so `ENV A 1 B 2`
sets `A` to `1 B 2` rather than two variables: the form reads differently than it works.
It also sets only one variable per instruction. Docker documents `key=value` as the form to
use; the legacy one may be removed.

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME /srv/app
```

Use instead:
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/srv/app
```

## References
- [Docker build checks: LegacyKeyValueFormat](https://docs.docker.com/reference/build-checks/legacy-key-value-format/)
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
";

declare_rule! {
    /// `ENV key value` and `LABEL key value`.
    pub struct LegacyKeyValueFormat;
    code: "MA003",
    name: "legacy-key-value-format",
    category: Maintainability,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("buildkit: LegacyKeyValueFormat"),
    docs: DOCS,
}

impl Rule for LegacyKeyValueFormat {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if !matches!(ins.kind, InstructionKind::Env | InstructionKind::Label) {
            return;
        }
        let escape = ctx.file.escape;
        let source = ctx.source;
        let Some(pair) = pairs_of(ctx, ins).iter().find(|p| p.legacy).cloned() else {
            return;
        };
        let keyword = ins.keyword.value.to_ascii_uppercase();
        let value = pair.value.clone().unwrap_or_default();
        let fixed = format!("{}={}", pair.key_range.slice(source), quote(&value, escape));
        let diagnostic = ctx
            .report(
                &Self::META,
                pair.range,
                format!(
                    "`{keyword} {} …` uses the legacy `key value` form",
                    pair.key
                ),
            )
            .with_help(format!("Write `{keyword} {fixed}`"));
        // A one-word value is kept as written; a longer one is rebuilt from its words, only
        // when they hold no variables (whose quoting would change). One line only.
        let raw = pair.range.slice(source);
        let raw_value = pair.value_range.slice(source);
        if raw.contains('\n') {
            return;
        }
        let fixed = if raw_value.contains(char::is_whitespace) {
            if raw.contains('$') {
                return;
            }
            fixed
        } else {
            format!("{}={raw_value}", pair.key_range.slice(source))
        };
        diagnostic.set_fix(Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit {
                range: pair.range,
                content: fixed,
            }],
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "MA003";

    #[test]
    fn legacy_pairs_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nENV A 1\n"),
            [(
                2,
                "A 1".to_owned(),
                "`ENV A …` uses the legacy `key value` form".to_owned()
            )]
        );
        assert_eq!(
            lines(CODE, "FROM a\nENV A=1 B=2\nLABEL a=b\nARG X 1\nlabel k v\n"),
            [5]
        );
    }

    #[test]
    fn fixes_quote_what_needs_it() {
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nENV A 1 B 2\nLABEL description \"a b\"\n"),
            "FROM a\nENV A=\"1 B 2\"\nLABEL description=\"a b\"\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nENV PATH /x:/y\n"),
            "FROM a\nENV PATH=/x:/y\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nENV PATH $HOME/bin:$PATH\n"),
            "FROM a\nENV PATH=$HOME/bin:$PATH\n"
        );
        let d = diagnostics(CODE, "FROM a\nENV MSG hello $USER\n");
        assert!(d[0].fix.is_none());
    }
}
