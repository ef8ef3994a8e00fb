//! MA023 `shell-symlink`: a RUN that replaces `/bin/sh` with a link to another shell.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{calls_with_inline, posix_script, trim_dir_end};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for RUN instructions that link `/bin/sh` to another shell.

## What it does
Flags an `ln` whose link name is `/bin/sh` or `/usr/bin/sh`: `ln -sf /bin/bash /bin/sh`,
`rm /bin/sh && ln -s bash /bin/sh`, with `sudo` or inside `sh -c '...'` too. A link
*to* `/bin/sh` is fine.

Differences from hadolint DL4005: hadolint flags an `ln` with `/bin/sh` anywhere in its
arguments, and misses `/usr/bin/sh`:

```dockerfile
FROM debian:12
# hadolint DL4005 here; dlint: fine, /bin/sh stays as it is
RUN ln -s /bin/sh /usr/local/bin/posix-sh
```

## Why is this bad?
`/bin/sh` belongs to the base image's distribution: its package scripts and every
`#!/bin/sh` script in the image expect the shell it ships (`dash`, BusyBox `sh`), and a
package upgrade may put it back. To run the RUN instructions in another shell, say so with
`SHELL`, which changes only the build's shell and shows it in the Dockerfile.

## Example
```dockerfile
FROM debian:12
RUN ln -sf /bin/bash /bin/sh
RUN source /etc/profile && make
```

Use instead:
```dockerfile
FROM debian:12
SHELL ["/bin/bash", "-c"]
RUN source /etc/profile && make
```

## References
- [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
- [hadolint DL4005](https://github.com/hadolint/hadolint/wiki/DL4005)
"#;

declare_rule! {
    /// A RUN that replaces `/bin/sh` with a link to another shell.
    pub struct ShellSymlink;
    code: "MA023",
    name: "shell-symlink",
    category: Maintainability,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL4005"),
    docs: DOCS,
}

/// Options of `ln` that take a separate value.
const LN_VALUE_OPTIONS: &[&str] = &["-S", "--suffix", "-t", "--target-directory"];

impl Rule for ShellSymlink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        for call in calls_with_inline(script) {
            if call.name != "ln" {
                continue;
            }
            let operands = call.operands(LN_VALUE_OPTIONS);
            let [_, .., link] = operands.as_slice() else {
                continue;
            };
            let link = trim_dir_end(&link.value);
            if !matches!(link, "/bin/sh" | "/usr/bin/sh") {
                continue;
            }
            ctx.report(
                &Self::META,
                call.span(),
                format!("`ln` replaces `{link}` with a link to another shell"),
            )
            .with_help(
                "Use `SHELL [\"/bin/bash\", \"-c\"]` to run the RUN instructions in another shell",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA023";

    #[test]
    fn links_replacing_sh_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN ln -sf /bin/bash /bin/sh\n"),
            [(
                2,
                "ln -sf /bin/bash /bin/sh".to_owned(),
                "`ln` replaces `/bin/sh` with a link to another shell".to_owned()
            )]
        );
        let text = "FROM a\nRUN rm /bin/sh && ln -s bash /bin/sh\nRUN sudo ln -fs /bin/zsh /usr/bin/sh\n\
                    RUN sh -c 'ln -s -f /bin/bash /bin/sh'\nRUN ln --symbolic --force /bin/ash /bin/sh/\n";
        assert_eq!(lines(CODE, text), [2, 3, 4, 5]);
    }

    #[test]
    fn other_links_are_clean() {
        let text = "FROM a\nRUN ln -s /bin/sh /usr/local/bin/sh\nRUN ln -s /bin/bash /bin/bash5\n\
                    RUN echo ln -s /bin/bash /bin/sh\nRUN ln -s -t /bin/sh bash\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }
}
