//! MA020 `system-upgrade`: `apt-get upgrade`, `apt-get dist-upgrade` or
//! `zypper dist-upgrade` in a RUN.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{
    APT_VALUE_OPTIONS, ZYPPER_GLOBAL_VALUE_OPTIONS, calls_with_inline, is_apt, posix_script,
};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for upgrades of every installed package in a RUN.

## What it does
Flags `apt-get upgrade`, `apt-get dist-upgrade` and `apt-get full-upgrade` (and the same
with `apt`), and `zypper dist-upgrade` (`zypper dup`).

This rule is informational: upgrading is also how many images take security fixes before
their base image is rebuilt, so dlint leaves the decision to you and states the cost here.

Differences from hadolint DL3035: hadolint reports the zypper case (DL3035); it used to
report the apt case as an error (DL3005), a rule hadolint 2.15 no longer has, so
`apt-get upgrade` is reported by dlint only:

```dockerfile
FROM debian:12
# dlint only (hadolint 2.15 has no DL3005)
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
```

## Why is this bad?
The upgrade makes the image depend on the day of the build rather than on the base image:
two builds of the same Dockerfile get different packages, and a broken update reaches the
image with no change to the Dockerfile. Every upgraded package is stored twice, once in the
base layers and once in the new layer. A distribution upgrade may also remove packages or,
with `zypper dup` on a rolling or re-pointed repository, move the image to another release
than the tag says. A newer base image (a rebuilt tag, or a newer pinned digest) brings the
same fixes without these costs; where upgrading is wanted, upgrading the few packages that
need it (`apt-get install --only-upgrade openssl`) keeps the change small.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get -y dist-upgrade
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --only-upgrade openssl
```

## References
- [Best practices: rebuild your images often](https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often)
- [apt-get(8)](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
- [zypper(8)](https://en.opensuse.org/SDB:Zypper_manual)
- [hadolint DL3035](https://github.com/hadolint/hadolint/wiki/DL3035)
";

declare_rule! {
    /// `apt-get upgrade`, `apt-get dist-upgrade` or `zypper dist-upgrade` in a RUN.
    pub struct SystemUpgrade;
    code: "MA020",
    name: "system-upgrade",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3035"),
    docs: DOCS,
}

impl Rule for SystemUpgrade {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        for call in calls_with_inline(script) {
            let sub = if is_apt(&call.name) {
                call.subcommand_in(
                    APT_VALUE_OPTIONS,
                    &["upgrade", "dist-upgrade", "full-upgrade"],
                )
            } else if call.name == "zypper" {
                call.subcommand_in(ZYPPER_GLOBAL_VALUE_OPTIONS, &["dist-upgrade", "dup"])
            } else {
                None
            };
            let Some(sub) = sub else {
                continue;
            };
            ctx.report(
                &Self::META,
                call.range_to(sub),
                format!(
                    "`{} {}` upgrades every package of the base image in this layer",
                    call.name, sub.value
                ),
            )
            .with_help("Use a newer base image, or upgrade only the packages that need it");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA020";

    #[test]
    fn upgrades_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN apt-get update && apt-get -y upgrade\n"),
            [(
                2,
                "apt-get -y upgrade".to_owned(),
                "`apt-get upgrade` upgrades every package of the base image in this layer"
                    .to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN apt dist-upgrade -y\nRUN zypper -n dup\nRUN sudo apt-get full-upgrade\n"
            ),
            [2, 3, 4]
        );
    }

    #[test]
    fn targeted_upgrades_are_clean() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN apt-get install -y --only-upgrade openssl unattended-upgrades && zypper up curl && dnf upgrade -y\n"
            ),
            [] as [u32; 0]
        );
    }
}
