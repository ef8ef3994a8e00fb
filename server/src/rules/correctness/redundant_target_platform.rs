//! CO016 `redundant-target-platform`: `FROM --platform=$TARGETPLATFORM`.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `FROM --platform=$TARGETPLATFORM`.

## What it does
Flags a `FROM` whose `--platform` is `$TARGETPLATFORM` or `${TARGETPLATFORM}`.

## Why is this bad?
The target platform is what `FROM` pulls anyway; the flag adds nothing and suggests that
the stage is special. Builder stages that should run natively want
`--platform=$BUILDPLATFORM` instead.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
```

Use instead:
```dockerfile
FROM alpine:3.20
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check: RedundantTargetPlatform](https://docs.docker.com/reference/build-checks/redundant-target-platform/)
- [hadolint DL3065](https://github.com/hadolint/hadolint/wiki/DL3065)
";

declare_rule! {
    /// `FROM --platform=$TARGETPLATFORM`.
    pub struct RedundantTargetPlatform;
    code: "CO016",
    name: "redundant-target-platform",
    category: Correctness,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("hadolint: DL3065; buildkit: RedundantTargetPlatform"),
    docs: DOCS,
}

impl Rule for RedundantTargetPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let Some(flag) = ins.flag("platform") else {
            return;
        };
        let Some(value) = flag
            .value_str()
            .filter(|v| matches!(*v, "$TARGETPLATFORM" | "${TARGETPLATFORM}"))
        else {
            return;
        };
        // The flag and the blanks after it.
        let rest = &ctx.source[flag.range.end..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let remove = TextRange::new(flag.range.start, flag.range.end + blanks);
        ctx.report(
            &Self::META,
            flag.range,
            format!("`--platform={value}` is the platform `FROM` uses anyway"),
        )
        .with_help("Remove the flag")
        .set_fix(Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit {
                range: remove,
                content: String::new(),
            }],
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fixed_and_clean, lines};

    #[test]
    fn flags_and_fixes() {
        let text = "FROM --platform=${TARGETPLATFORM} alpine AS a\n";
        assert_eq!(fixed_and_clean("CO016", text), "FROM alpine AS a\n");
        assert_eq!(
            lines(
                "CO016",
                "FROM --platform=$BUILDPLATFORM a\nFROM --platform=linux/arm64 b\n"
            ),
            [] as [u32; 0]
        );
    }
}
