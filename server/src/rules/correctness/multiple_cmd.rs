//! CO009 `multiple-cmd`: more than one `CMD` in a stage.

use crate::declare_rule;
use crate::model::InstructionKind;
use crate::rules::correctness::single::report_overridden;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for more than one `CMD` in a stage.

## What it does
Flags each `CMD` of a stage after the first, pointing at the one it overrides.
`ONBUILD CMD` is a trigger for later builds and is not counted.

Differences from hadolint DL4003: in a file without `FROM`, where no instruction belongs to
a stage, dlint reports only the missing `FROM` (`missing-from`); hadolint also reports every
`CMD` after the first.

## Why is this bad?
`CMD` sets the image's default command, and each `CMD` replaces the one before: only
the last `CMD` of a stage ends up in the image. An earlier one is dead text that readers
take for the command, often left behind when the command changed.

## Example
```dockerfile
FROM python:3.12-slim
CMD ["python", "-m", "http.server"]
CMD ["gunicorn", "app:app"]
```

Use instead:
```dockerfile
FROM python:3.12-slim
CMD ["gunicorn", "app:app"]
```

## References
- [Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)
- [BuildKit check: MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
"#;

declare_rule! {
    /// More than one `CMD` in a stage.
    pub struct MultipleCmd;
    code: "CO009",
    name: "multiple-cmd",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL4003; buildkit: MultipleInstructionsDisallowed"),
    docs: DOCS,
}

impl Rule for MultipleCmd {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        report_overridden(&Self::META, InstructionKind::Cmd, ctx);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_later_ones_in_a_stage() {
        let f = findings("CO009", "FROM a\nCMD x\nRUN y\nCMD z\nCMD w\n");
        assert_eq!(f.iter().map(|x| x.0).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(
            f[0].2,
            "this CMD overrides the CMD on line 2, which has no effect"
        );
    }

    #[test]
    fn one_per_stage_and_onbuild_are_clean() {
        assert_eq!(
            lines("CO009", "FROM a\nCMD x\nFROM a\nCMD y\nONBUILD CMD z\n"),
            [] as [u32; 0]
        );
    }
}
