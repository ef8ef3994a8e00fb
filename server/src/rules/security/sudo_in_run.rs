//! SE002 `sudo-in-run`: `sudo` in a RUN.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `sudo` in RUN instructions.

## What it does
Flags every `sudo` command in the shell script of a RUN, `ONBUILD RUN` included.

## Why is this bad?
A RUN already runs as the current `USER`, root by default, so `sudo` adds nothing but a
package, a setuid binary and a `sudoers` file to the image. When the image switched to an
unprivileged user, `sudo` in it means that user can become root again at run time too, which
defeats the switch; its tty and environment handling also makes builds behave unexpectedly.
Switch users with `USER` instead: `USER root` for the steps that need it, then back.

## Example
```dockerfile
FROM debian:12
USER app
RUN sudo apt-get update
```

Use instead:
```dockerfile
FROM debian:12
USER root
RUN apt-get update
USER app
```

## References
- [Best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
- [hadolint DL3004](https://github.com/hadolint/hadolint/wiki/DL3004)
";

declare_rule! {
    /// `sudo` in a RUN.
    pub struct SudoInRun;
    code: "SE002",
    name: "sudo-in-run",
    category: Security,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3004"),
    docs: DOCS,
}

impl Rule for SudoInRun {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = crate::rules::common::posix_script(ctx.file, ins) else {
            return;
        };
        for command in &script.commands {
            let Some(name) = &command.name else { continue };
            if command.program() != Some("sudo") {
                continue;
            }
            ctx.report(&Self::META, name.range, "`sudo` in a RUN")
                .with_help("Use `USER root` before the steps that need root, and drop `sudo`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SE002";

    #[test]
    fn sudo_is_flagged_wherever_it_runs() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN sudo apt-get update\n"),
            [(2, "sudo".to_owned(), "`sudo` in a RUN".to_owned())]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN make && /usr/bin/sudo -u app make install\nRUN if x; then sudo y; fi\nONBUILD RUN sudo z\n"
            ),
            [2, 3, 4]
        );
    }

    #[test]
    fn other_mentions_are_clean() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN apt-get install -y sudo && echo sudo\nCMD sudo x\nRUN [\"sudo\", \"x\"]\n"
            ),
            [] as [u32; 0]
        );
    }
}
