//! CO011 `multiple-healthcheck`: more than one `HEALTHCHECK` in a stage.

use crate::declare_rule;
use crate::model::InstructionKind;
use crate::rules::correctness::single::report_overridden;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for more than one `HEALTHCHECK` in a stage.

## What it does
Flags each `HEALTHCHECK` of a stage after the first, pointing at the one it overrides.
`ONBUILD HEALTHCHECK` is a trigger for later builds and is not counted.

## Why is this bad?
Only the last `HEALTHCHECK` of a stage is kept. An earlier one, with its own interval and
command, does nothing, though it reads as the check the container runs.

## Example
```dockerfile
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost/ || exit 1
```

Use instead:
```dockerfile
FROM nginx:1.27
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost/ || exit 1
```

## References
- [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
- [BuildKit check: MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
";

declare_rule! {
    /// More than one `HEALTHCHECK` in a stage.
    pub struct MultipleHealthcheck;
    code: "CO011",
    name: "multiple-healthcheck",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3012; buildkit: MultipleInstructionsDisallowed"),
    docs: DOCS,
}

impl Rule for MultipleHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        report_overridden(&Self::META, InstructionKind::Healthcheck, ctx);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_later_ones_in_a_stage() {
        let f = findings(
            "CO011",
            "FROM a\nHEALTHCHECK CMD x\nRUN y\nHEALTHCHECK NONE\nHEALTHCHECK CMD w\n",
        );
        assert_eq!(f.iter().map(|x| x.0).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(
            f[0].2,
            "this HEALTHCHECK overrides the HEALTHCHECK on line 2, which has no effect"
        );
    }

    #[test]
    fn one_per_stage_and_onbuild_are_clean() {
        assert_eq!(
            lines(
                "CO011",
                "FROM a\nHEALTHCHECK CMD x\nFROM a\nHEALTHCHECK CMD y\nONBUILD HEALTHCHECK CMD z\n"
            ),
            [] as [u32; 0]
        );
    }
}
