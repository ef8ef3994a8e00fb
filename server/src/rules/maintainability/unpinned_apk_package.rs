//! MA016 `unpinned-apk-package`: `apk add` of a package without a version.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::Call;
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::{check_calls, not_an_index_name};

const DOCS: &str = r"Checks for `apk add` of packages without a pinned version.

## What it does
Flags each package of an `apk add` written without a version constraint: `curl=8.9.1-r0`
(exact), `curl~8.9` (fuzzy: any 8.9.x) and `curl<9` pin it, `curl>8` does not. The name
given to `--virtual` (`-t`), the values of the other options, `.apk` files, paths and words
that hold a variable are left alone.

An operand that is just a variable (`$PKGS`, `${PKGS}`) is judged by the words of its value
when the file shows it: an assignment earlier in the same RUN (`PKGS='a b' && ... $PKGS`)
or an `ENV` or `ARG` of the stage; each unpinned package is reported at the variable.

This rule is informational: hadolint reports the same case (DL3018) as a warning, yet an
Alpine branch keeps only the newest build of each package, so an exact pin like
`curl=8.9.1-r0` stops resolving with the next security fix and the build fails with
‘unable to select packages’. dlint reports unpinned packages and suggests the fuzzy form,
which survives point releases.

## Why is this bad?
Without a version, the package installed depends on the day of the build: a new release
can change or break the image without any change to the Dockerfile. A fuzzy pin keeps the
major and minor version steady while taking the fixes of a stable branch.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl~8.9
```

## References
- [Best practices: pin versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [Alpine wiki: Alpine Package Keeper](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper)
- [hadolint DL3018](https://github.com/hadolint/hadolint/wiki/DL3018)
";

declare_rule! {
    /// `apk add` of a package without a version.
    pub struct UnpinnedApkPackage;
    code: "MA016",
    name: "unpinned-apk-package",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3018"),
    docs: DOCS,
}

/// Options of `apk` that take a separate value.
const APK_VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "-p",
    "--root",
    "--keys-dir",
    "--repositories-file",
    "--cache-dir",
    "--cache-max-age",
    "--arch",
    "--progress-fd",
    "--wait",
    "--timeout",
];

/// The package words of an `apk add` that name no version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    if call.name != "apk" || call.subcommand_in(APK_VALUE_OPTIONS, &["add"]).is_none() {
        return Vec::new();
    }
    call.operands(APK_VALUE_OPTIONS)
        .into_iter()
        .skip(1)
        .filter(|w| {
            let v = w.value.as_str();
            !(v.contains(['=', '~', '<']) || not_an_index_name(v, &[".apk"]))
        })
        .collect()
}

impl Rule for UnpinnedApkPackage {
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
                let name = p.split('>').next().unwrap_or(p);
                format!("{name}~<major.minor>")
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA016";

    #[test]
    fn each_unpinned_package_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN apk add --no-cache --virtual .deps -X https://x/edge curl 'git>2'\n"
            ),
            [
                (
                    2,
                    "curl".to_owned(),
                    "`curl` is installed by `apk` without a pinned version".to_owned()
                ),
                (
                    2,
                    "'git>2'".to_owned(),
                    "`git>2` is installed by `apk` without a pinned version".to_owned()
                ),
            ]
        );
        assert_eq!(
            lines(CODE, "FROM a\nRUN apk --no-cache add -t build gcc\n"),
            [2]
        );
    }

    #[test]
    fn pins_files_and_variables_are_clean() {
        for text in [
            "FROM a\nRUN apk add curl=8.9.1-r0 'git~2.45' 'make<5' bash=${BASH_VERSION}\n",
            "FROM a\nRUN apk add --allow-untrusted /tmp/x.apk ./y.apk $PKGS\n",
            "FROM a\nRUN apk update && apk upgrade && apk del curl\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
