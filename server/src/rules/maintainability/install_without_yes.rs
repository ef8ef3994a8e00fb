//! MA006 `install-without-yes`: a package install that would wait for a confirmation.

use crate::declare_rule;
use crate::diagnostic::Applicability;
use crate::model::Instruction;
use crate::rules::common::{
    APT_VALUE_OPTIONS, Call, RPM_VALUE_OPTIONS, ZYPPER_GLOBAL_VALUE_OPTIONS, calls, posix_script,
};
use crate::rules::size::insert_option;
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

const DOCS: &str = r"Checks for package installs without the option that answers their confirmation prompt.

## What it does
Flags `apt-get install` (and `apt`), `yum install`, `dnf install`, `microdnf install` and
`zypper install` (with their other changing subcommands: `upgrade`, `remove`,
`groupinstall`, ...) that do not say yes in advance: `-y`, `--yes`, `--assume-yes` or `-qq`
for apt; `-y` or `--assumeyes` for yum, dnf and microdnf; `-n`/`--non-interactive` before
the subcommand, or `-y`/`--no-confirm` after it, for zypper. The fix adds `-y` after the
subcommand.

microdnf used to assume yes; since 2021 it asks like dnf (RHEL 9 and UBI 9 images), and
`-y` is accepted by every version.

Differences from hadolint (DL3014 apt-get, DL3030 yum, DL3034 zypper, DL3038 dnf and
microdnf): hadolint checks only installs (`install`, `groupinstall`, `localinstall`), and
for apt only `apt-get`. dlint also reports `apt install`, and `upgrade`, `remove` or
`autoremove` without `-y`, which stop a build in the same way:

```dockerfile
FROM debian:12
# dlint only: `apt` asks as `apt-get` does
RUN apt update && apt install ./tool.deb
```

## Why is this bad?
These commands ask ‘Do you want to continue? [Y/n]’ before changing anything. A build has
no terminal to answer: the question reads end-of-file, and the command aborts, so the build
fails (or, with some configurations, waits). The option makes the intent explicit and the
build repeatable.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install curl
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y curl
```

## References
- [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [hadolint DL3014](https://github.com/hadolint/hadolint/wiki/DL3014)
- [hadolint DL3030](https://github.com/hadolint/hadolint/wiki/DL3030)
- [hadolint DL3034](https://github.com/hadolint/hadolint/wiki/DL3034)
- [hadolint DL3038](https://github.com/hadolint/hadolint/wiki/DL3038)
";

declare_rule! {
    /// A package install that would wait for a confirmation.
    pub struct InstallWithoutYes;
    code: "MA006",
    name: "install-without-yes",
    category: Maintainability,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3014, DL3030, DL3034, DL3038"),
    docs: DOCS,
}

/// The subcommand that asks for confirmation, if `call` is such a command without the
/// option answering it.
fn prompting<'c>(call: &'c Call<'_>) -> Option<&'c Word> {
    let short_flag = |letters: &[char]| {
        call.arg_values().any(|a| {
            a.starts_with('-')
                && !a.starts_with("--")
                && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                && a[1..].chars().any(|c| letters.contains(&c))
        })
    };
    match &*call.name {
        "apt-get" | "apt" => {
            let sub = call.subcommand_in(
                APT_VALUE_OPTIONS,
                &[
                    "install",
                    "upgrade",
                    "dist-upgrade",
                    "full-upgrade",
                    "remove",
                    "purge",
                    "autoremove",
                    "build-dep",
                    "reinstall",
                    "satisfy",
                ],
            )?;
            let quiet2 = call.arg_values().any(|a| {
                a == "-qq" || a.starts_with("-qq") || matches!(a, "-q=2" | "--quiet=2" | "-q2")
            });
            let yes = call.has_option(&["--yes", "--assume-yes", "--force-yes"])
                || short_flag(&['y'])
                || quiet2
                || call
                    .option_values(&["-o", "--option"])
                    .iter()
                    .any(|o| o.starts_with("APT::Get::Assume-Yes=") && !o.ends_with("false"));
            (!yes).then_some(sub)
        }
        "yum" | "dnf" | "microdnf" | "tdnf" => {
            let sub = call.subcommand_in(
                RPM_VALUE_OPTIONS,
                &[
                    "install",
                    "groupinstall",
                    "localinstall",
                    "reinstall",
                    "update",
                    "upgrade",
                    "remove",
                    "erase",
                    "autoremove",
                    "groupupdate",
                    "groupremove",
                    "downgrade",
                    "distro-sync",
                    "swap",
                    "module",
                    "group",
                ],
            )?;
            let yes = call.has_option(&["--assumeyes", "--setopt=assumeyes"]) || short_flag(&['y']);
            (!yes).then_some(sub)
        }
        "zypper" => {
            let sub = call.subcommand_in(
                ZYPPER_GLOBAL_VALUE_OPTIONS,
                &[
                    "install",
                    "in",
                    "remove",
                    "rm",
                    "update",
                    "up",
                    "dist-upgrade",
                    "dup",
                    "patch",
                    "source-install",
                    "si",
                    "install-new-recommends",
                    "inr",
                ],
            )?;
            let yes =
                call.has_option(&["--non-interactive", "--no-confirm"]) || short_flag(&['n', 'y']);
            (!yes).then_some(sub)
        }
        _ => None,
    }
}

impl Rule for InstallWithoutYes {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        for call in calls(script) {
            let Some(sub) = prompting(call) else {
                continue;
            };
            let range = call.range_to(sub);
            ctx.report(
                &Self::META,
                range,
                format!(
                    "`{} {}` asks for confirmation, which a build cannot give",
                    call.name, sub.value
                ),
            )
            .with_help("Add `-y`")
            .set_fix(insert_option(Applicability::Safe, "-y", [sub]));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    const CODE: &str = "MA006";

    #[test]
    fn installs_without_yes_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nRUN apt-get install curl\n"),
            [(
                2,
                "apt-get install".to_owned(),
                "`apt-get install` asks for confirmation, which a build cannot give".to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN yum install x\nRUN dnf -q upgrade\nRUN zypper install x\nRUN apt remove x\nRUN sudo apt-get -q install x\n"
            ),
            [2, 3, 4, 5, 6]
        );
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM a\nRUN apt-get update && apt-get install --no-install-recommends x && yum install y\n"
            ),
            "FROM a\nRUN apt-get update && apt-get install -y --no-install-recommends x && yum install -y y\n"
        );
    }

    #[test]
    fn microdnf_and_dnf_forms_are_flagged() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN microdnf install wget\nRUN microdnf --nodocs --setopt=install_weak_deps=0 install $PKGS\n\
                 RUN dnf --setopt=tsflags=nodocs install x\nRUN dnf -q groupinstall g\nRUN yum localinstall ./a.rpm\n"
            ),
            [2, 3, 4, 5, 6]
        );
    }

    #[test]
    fn every_way_of_saying_yes_is_clean() {
        for text in [
            "FROM a\nRUN apt-get install -y x\n",
            "FROM a\nRUN apt-get -qy install x\n",
            "FROM a\nRUN apt-get install --yes x\n",
            "FROM a\nRUN apt-get install --assume-yes x\n",
            "FROM a\nRUN apt-get -qq install x\n",
            "FROM a\nRUN apt-get -o APT::Get::Assume-Yes=true install x\n",
            "FROM a\nRUN apt-get update\n",
            "FROM a\nRUN yum -y install x && dnf install --assumeyes y\n",
            "FROM a\nRUN zypper -n install x && zypper in -y y && zypper --non-interactive up\n",
            "FROM a\nRUN microdnf install -y x && microdnf --assumeyes remove y\n",
            "FROM a\nRUN microdnf clean all\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
