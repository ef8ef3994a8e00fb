//! MA005 `apt-in-run`: the interactive `apt` front end in a RUN.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::Instruction;
use crate::rules::common::{APT_VALUE_OPTIONS, calls_with_inline, posix_script};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `apt` in RUN instructions, where `apt-get` belongs.

## What it does
Flags calls of `apt` (as opposed to `apt-get` or `apt-cache`) in the shell script of a RUN.
The fix writes `apt-get` for the subcommands both programs have (`install`, `update`,
`remove`, ...).

## Why is this bad?
`apt` is the command-line front end for people: its output and behaviour may change between
releases, and it warns that it ‘does not have a stable CLI interface’ when used in scripts.
`apt-get` is the interface meant for scripts, and behaves the same from one release to the
next.

## Example
```dockerfile
FROM debian:12
RUN apt update && apt install -y curl
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y curl
```

## Fix safety
Unsafe: `apt` and `apt-get` differ in small ways (`apt upgrade` installs new dependencies,
`apt-get upgrade` does not; their progress output and some defaults differ).

## References
- [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [apt(8): script usage](https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS)
- [hadolint DL3027](https://github.com/hadolint/hadolint/wiki/DL3027)
";

declare_rule! {
    /// The interactive `apt` front end in a RUN.
    pub struct AptInRun;
    code: "MA005",
    name: "apt-in-run",
    category: Maintainability,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3027"),
    docs: DOCS,
}

/// Subcommands `apt-get` has too, with the same meaning.
const SHARED: &[&str] = &[
    "install",
    "update",
    "upgrade",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
    "source",
    "build-dep",
    "download",
    "dist-upgrade",
    "full-upgrade",
    "satisfy",
];

impl Rule for AptInRun {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        let source = ctx.source;
        for call in calls_with_inline(script) {
            if call.name != "apt" {
                continue;
            }
            let sub = call.subcommand_value(APT_VALUE_OPTIONS).unwrap_or_default();
            let diagnostic = ctx
                .report(
                    &Self::META,
                    call.program.range,
                    "`apt` is meant for people; scripts should use `apt-get`",
                )
                .with_help("Use `apt-get` (or `apt-cache` to search)");
            // `full-upgrade` is `dist-upgrade` to apt-get.
            let literal = call.program.range.slice(source) == call.program.value;
            if SHARED.contains(&sub) && !call.nested && literal {
                let new = format!("{}-get", call.program.value);
                let mut edits = vec![Edit {
                    range: call.program.range,
                    content: new,
                }];
                if sub == "full-upgrade"
                    && let Some(word) = call.subcommand(APT_VALUE_OPTIONS)
                {
                    edits.push(Edit {
                        range: word.range,
                        content: "dist-upgrade".to_owned(),
                    });
                }
                diagnostic.set_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "MA005";

    #[test]
    fn apt_is_flagged_and_fixed() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN apt install -y x\n"),
            [(
                2,
                "apt".to_owned(),
                "`apt` is meant for people; scripts should use `apt-get`".to_owned()
            )]
        );
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM a\nRUN apt update && sudo /usr/bin/apt -y full-upgrade\n"
            ),
            "FROM a\nRUN apt-get update && sudo /usr/bin/apt-get -y dist-upgrade\n"
        );
        let d = diagnostics(CODE, "FROM a\nRUN apt list --installed\n");
        assert!(d[0].fix.is_none());
        assert_eq!(lines(CODE, "FROM a\nRUN sh -c 'apt update'\n"), [2]);
    }

    #[test]
    fn apt_get_and_friends_are_clean() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN apt-get update && apt-cache policy x && echo apt && apt-mark hold x\n"
            ),
            [] as [u32; 0]
        );
    }
}
