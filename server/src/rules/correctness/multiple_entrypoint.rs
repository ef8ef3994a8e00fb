//! CO010 `multiple-entrypoint`: more than one `ENTRYPOINT` in a stage.

use crate::declare_rule;
use crate::model::InstructionKind;
use crate::rules::correctness::single::report_overridden;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for more than one `ENTRYPOINT` in a stage.

## What it does
Flags each `ENTRYPOINT` of a stage after the first, pointing at the one it overrides.
`ONBUILD ENTRYPOINT` is a trigger for later builds and is not counted.

## Why is this bad?
Each `ENTRYPOINT` replaces the one before: only the last of a stage ends up in the image.
Stacking them does not chain the programs, so a wrapper such as `tini` written first is
silently dropped.

## Example
```dockerfile
FROM debian:bookworm-slim
ENTRYPOINT ["/usr/bin/tini", "--"]
ENTRYPOINT ["/docker-entrypoint.sh"]
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
ENTRYPOINT ["/usr/bin/tini", "--", "/docker-entrypoint.sh"]
```

## References
- [Dockerfile reference: ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
- [BuildKit check: MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
"#;

declare_rule! {
    /// More than one `ENTRYPOINT` in a stage.
    pub struct MultipleEntrypoint;
    code: "CO010",
    name: "multiple-entrypoint",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL4004; buildkit: MultipleInstructionsDisallowed"),
    docs: DOCS,
}

impl Rule for MultipleEntrypoint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        report_overridden(&Self::META, InstructionKind::Entrypoint, ctx);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_later_ones_in_a_stage() {
        let f = findings(
            "CO010",
            "FROM a\nENTRYPOINT x\nRUN y\nENTRYPOINT z\nENTRYPOINT w\n",
        );
        assert_eq!(f.iter().map(|x| x.0).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(
            f[0].2,
            "this ENTRYPOINT overrides the ENTRYPOINT on line 2, which has no effect"
        );
    }

    #[test]
    fn one_per_stage_and_onbuild_are_clean() {
        assert_eq!(
            lines(
                "CO010",
                "FROM a\nENTRYPOINT x\nFROM a\nENTRYPOINT y\nONBUILD ENTRYPOINT z\n"
            ),
            [] as [u32; 0]
        );
    }
}
