//! ST002 `from-as-casing`: the `AS` of a `FROM` in a case other than the `FROM`'s.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for a `FROM ... AS name` whose `AS` is not in the case of its `FROM`.

## What it does
Flags the `AS` keyword of a stage when `FROM` is written in upper case and `as` in lower
case, or `from` in lower case and `AS` in upper case (mixed case is flagged either way).

## Why is this bad?
`AS` is part of the instruction, and the builder reads it in any case; writing it in the case
of its `FROM` keeps the line readable as one instruction and matches what BuildKit expects.

## Example
```dockerfile
FROM golang:1.23 as build
```

Use instead:
```dockerfile
FROM golang:1.23 AS build
```

## References
- [Docker build checks: FromAsCasing](https://docs.docker.com/reference/build-checks/from-as-casing/)
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
";

declare_rule! {
    /// The `AS` of a `FROM` in a case other than the `FROM`'s.
    pub struct FromAsCasing;
    code: "ST002",
    name: "from-as-casing",
    category: Style,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("buildkit: FromAsCasing"),
    docs: DOCS,
}

impl Rule for FromAsCasing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let words = ins.words();
        if words.len() < 3 {
            return;
        }
        let as_word = &words[1];
        if !as_word.value.eq_ignore_ascii_case("as") {
            return;
        }
        // The raw text, so that a quoted or escaped `as` is judged as written.
        let written = as_word.range.slice(ctx.source);
        let from = ins.keyword.value.as_str();
        let from_upper = !from.chars().any(|c| c.is_ascii_lowercase());
        let wanted = if from_upper { "AS" } else { "as" };
        if written == wanted {
            return;
        }
        ctx.report(
            &Self::META,
            as_word.range,
            format!("`{written}` does not match the case of `{from}`"),
        )
        .with_help(format!("Write `{wanted}`"))
        .set_fix(Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit {
                range: as_word.range,
                content: wanted.to_owned(),
            }],
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    const CODE: &str = "ST002";

    #[test]
    fn as_follows_the_case_of_from() {
        assert_eq!(
            findings(CODE, "FROM a as b\n"),
            [(
                1,
                "as".to_owned(),
                "`as` does not match the case of `FROM`".to_owned()
            )]
        );
        assert_eq!(lines(CODE, "from a AS b\nFROM a As c\n"), [1, 2]);
        assert_eq!(
            lines(
                CODE,
                "FROM a AS b\nfrom a as c\nFROM --platform=x a AS d\nFROM a\n"
            ),
            [] as [u32; 0]
        );
        assert_eq!(fixed_and_clean(CODE, "FROM a as b\n"), "FROM a AS b\n");
        assert_eq!(fixed_and_clean(CODE, "from a AS b\n"), "from a as b\n");
    }
}
