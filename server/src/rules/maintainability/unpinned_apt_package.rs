//! MA013 `unpinned-apt-package`: `apt-get install` of a package without a version.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{APT_VALUE_OPTIONS, Call, is_apt};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::{check_calls, not_an_index_name};

const DOCS: &str = r"Checks for `apt-get install` of packages without a pinned version.

## What it does
Flags each package of an `apt-get install` (or `apt install`) that is not written
`name=version`. Package files and paths (`./app.deb`), and words that hold a variable
(`curl=${CURL_VERSION}`), are left alone. A release suffix (`curl/bookworm`) picks an
archive, not a version, and is flagged.

An operand that is just a variable (`$PKGS`, `${PKGS}`) is judged by the words of its value
when the file shows it: an assignment earlier in the same RUN (`PKGS='a b' && ... $PKGS`)
or an `ENV` or `ARG` of the stage; each unpinned package is reported at the variable.

This rule is informational: hadolint reports the same case (DL3008) as a warning, yet
Debian and Ubuntu archives keep only the newest version of each package in a suite, so a
version pinned today disappears with the next security update and `apt-get install` then
fails with ‘Version ... for ... was not found’. dlint reports unpinned packages so that
you can decide, and explains the trade-off here rather than pushing a pin that breaks
builds.

## Why is this bad?
Without a version, the package installed depends on the day of the build: two builds of
the same Dockerfile may differ, and a new release of a package can change or break the
image without any change to the Dockerfile. A pin makes the change visible. Pin only where
the archive keeps the version: a snapshot archive (`snapshot.debian.org`), your own
mirror, or a base image digest with packages it already holds.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## References
- [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [apt-get(8)](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
- [snapshot.debian.org](https://snapshot.debian.org/)
- [hadolint DL3008](https://github.com/hadolint/hadolint/wiki/DL3008)
";

declare_rule! {
    /// `apt-get install` of a package without a version.
    pub struct UnpinnedAptPackage;
    code: "MA013",
    name: "unpinned-apt-package",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3008"),
    docs: DOCS,
}

/// The package words of an `apt-get install` that name no version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    if !is_apt(&call.name)
        || call
            .subcommand_in(APT_VALUE_OPTIONS, &["install"])
            .is_none()
    {
        return Vec::new();
    }
    call.operands(APT_VALUE_OPTIONS)
        .into_iter()
        .skip(1)
        .filter(|w| {
            let v = w.value.as_str();
            // `name-` removes a package while installing the others.
            !(v.contains('=') || v.ends_with('-') || not_an_index_name(v, &[".deb"]))
        })
        .collect()
}

impl Rule for UnpinnedAptPackage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        check_calls(
            ins,
            ctx,
            &Self::META,
            None,
            unpinned,
            |_: &Call<'_>, p: &str| {
                let name = p.split_once('/').map_or(p, |(n, _)| n);
                format!("{name}=<version>")
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA013";

    #[test]
    fn each_unpinned_package_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN apt-get install -y -t bookworm-backports curl git=1:2.39 wget/bookworm\n"
            ),
            [
                (
                    2,
                    "curl".to_owned(),
                    "`curl` is installed by `apt-get` without a pinned version".to_owned()
                ),
                (
                    2,
                    "wget/bookworm".to_owned(),
                    "`wget/bookworm` is installed by `apt-get` without a pinned version".to_owned()
                ),
            ]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN sudo apt install x\nRUN sh -c 'apt-get -o A=1 install -y y'\n"
            ),
            [2, 3]
        );
    }

    #[test]
    fn a_list_in_an_arg_is_expanded() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nARG PKGS=\"curl git=1:2.39.5-0\"\nRUN apt-get install -y $PKGS\n"
            )
            .into_iter()
            .map(|(l, _, m)| (l, m))
            .collect::<Vec<_>>(),
            [(
                3,
                "`curl` (from `$PKGS`) is installed by `apt-get` without a pinned version"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn pins_files_and_variables_are_clean() {
        for text in [
            "FROM a\nRUN apt-get install -y curl=7.88.1-10 git=${GIT_VERSION}\n",
            "FROM a\nRUN apt-get install -y ./app.deb /tmp/b.deb $PACKAGES $(cat list)\n",
            "FROM a\nRUN apt-get update && apt-get upgrade -y && apt-get install -y\n",
            "FROM a\nRUN apt-get install -y x=1 y- && apt-cache show curl\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
