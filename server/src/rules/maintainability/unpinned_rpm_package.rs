//! MA018 `unpinned-rpm-package`: `yum`, `dnf` or `zypper` install of a package without a
//! version.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{Call, RPM_VALUE_OPTIONS};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::{check_calls, not_an_index_name, rpm_versioned};

const DOCS: &str = r"Checks for `yum`, `dnf` and `zypper` installs of packages without a pinned version.

## What it does
Flags each package of `yum install`, `dnf install` (also `microdnf` and `tdnf`) and
`zypper install` (`zypper in`) that names no version. A version follows the name after a
hyphen (`httpd-2.4.6`, `httpd-2.4.6-99.el7.x86_64`, with an epoch `nginx-1:1.20.1`), or
a comparison (`nginx=1.20.1`, `'nginx <= 1.21'`); a lower bound alone (`nginx>1`) pins
nothing. For `yum module install` and `dnf module install`, a module is pinned by its
stream (`nodejs:20`). `.rpm` files, paths, URLs, groups (`@development`) and words that
hold a variable are left alone.

An operand that is just a variable (`$PKGS`, `${PKGS}`) is judged by the words of its value
when the file shows it: an assignment earlier in the same RUN (`PKGS='a b' && ... $PKGS`)
or an `ENV` or `ARG` of the stage; each unpinned package is reported at the variable.

This rule is informational. hadolint's DL3033 (yum) and DL3041 (dnf) take any hyphen for a
version, so `python3-pip` or `java-17-openjdk` pass as pinned, and they read option values
(`--enablerepo epel`) as packages; dlint requires the version part, skips option values,
and covers zypper (DL3037) in the same rule.

## Why is this bad?
Without a version, the package installed depends on the day of the build: a new release
can change or break the image without any change to the Dockerfile. Repositories often
drop superseded builds, so an exact pin can stop resolving; a pin on the version without
the release (`httpd-2.4.6`) keeps taking the distribution's rebuilds.

## Example
```dockerfile
FROM rockylinux:9
RUN dnf install -y httpd && dnf clean all
```

Use instead:
```dockerfile
FROM rockylinux:9
RUN dnf install -y httpd-2.4.57 && dnf clean all
```

## References
- [Best practices: pin versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [dnf: package specification](https://dnf.readthedocs.io/en/latest/command_ref.html#specifying-packages-label)
- [zypper(8)](https://en.opensuse.org/SDB:Zypper_manual)
- [hadolint DL3033](https://github.com/hadolint/hadolint/wiki/DL3033)
- [hadolint DL3037](https://github.com/hadolint/hadolint/wiki/DL3037)
- [hadolint DL3041](https://github.com/hadolint/hadolint/wiki/DL3041)
";

declare_rule! {
    /// `yum`, `dnf` or `zypper` install of a package without a version.
    pub struct UnpinnedRpmPackage;
    code: "MA018",
    name: "unpinned-rpm-package",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3033, DL3037, DL3041"),
    docs: DOCS,
}

/// Options of zypper, global or of `install`, that take a separate value.
const ZYPPER_VALUE_OPTIONS: &[&str] = &[
    "-R",
    "--root",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "-r",
    "--repo",
    "--from",
    "-t",
    "--type",
];

/// The package words of an install that name no version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    let files = [".rpm"];
    let (value_options, module) = match &*call.name {
        "yum" | "dnf" | "microdnf" | "tdnf" => {
            let Some(sub) = call.subcommand_in(RPM_VALUE_OPTIONS, &["install", "module"]) else {
                return Vec::new();
            };
            (RPM_VALUE_OPTIONS, sub.value == "module")
        }
        "zypper" => {
            if call
                .subcommand_in(ZYPPER_VALUE_OPTIONS, &["install", "in"])
                .is_none()
                // Patterns, products and patches have no version to pin.
                || call
                    .option_values(&["-t", "--type"])
                    .iter()
                    .any(|t| *t != "package")
            {
                return Vec::new();
            }
            (ZYPPER_VALUE_OPTIONS, false)
        }
        _ => return Vec::new(),
    };
    let operands = call.operands(value_options);
    let packages = if module {
        if operands.get(1).is_none_or(|w| w.value != "install") {
            return Vec::new();
        }
        &operands[2..]
    } else {
        &operands[1..]
    };
    packages
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            let pinned = if module {
                v.contains(':')
            } else {
                rpm_versioned(v)
            };
            !(pinned || v.starts_with('@') || not_an_index_name(v, &files))
        })
        .collect()
}

impl Rule for UnpinnedRpmPackage {
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
            |call: &Call<'_>, p: &str| {
                let name = p.split('>').next().unwrap_or(p);
                if call.subcommand_value(RPM_VALUE_OPTIONS) == Some("module") {
                    return format!("{name}:<stream>");
                }
                let sep = if call.name == "zypper" { '=' } else { '-' };
                format!("{name}{sep}<version>")
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA018";

    #[test]
    fn each_unpinned_package_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN yum install -y --enablerepo epel httpd-2.4.6 python3-pip java-17-openjdk\n"
            ),
            [
                (
                    2,
                    "python3-pip".to_owned(),
                    "`python3-pip` is installed by `yum` without a pinned version".to_owned()
                ),
                (
                    2,
                    "java-17-openjdk".to_owned(),
                    "`java-17-openjdk` is installed by `yum` without a pinned version".to_owned()
                ),
            ]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN dnf -y install nginx\nRUN zypper -n in curl\nRUN microdnf install vim\nRUN dnf module install -y nodejs\n"
            ),
            [2, 3, 4, 5]
        );
    }

    #[test]
    fn package_lists_in_variables_are_expanded() {
        let f = findings(
            CODE,
            "FROM a\nENV BASE=\"tar which\"\nRUN INSTALL_PKGS=\"nodejs$V gcc-12.1 $BASE\" && \\\n    dnf install -y $INSTALL_PKGS && rpm -V $INSTALL_PKGS\n",
        );
        assert_eq!(
            f,
            [
                (
                    4,
                    "$INSTALL_PKGS".to_owned(),
                    "`tar` (from `$INSTALL_PKGS`) is installed by `dnf` without a pinned version"
                        .to_owned()
                ),
                (
                    4,
                    "$INSTALL_PKGS".to_owned(),
                    "`which` (from `$INSTALL_PKGS`) is installed by `dnf` without a pinned version"
                        .to_owned()
                ),
            ]
        );
        // Unknown values and command substitutions are left alone.
        for text in [
            "FROM a\nRUN dnf install -y $PKGS\n",
            "FROM a\nRUN PKGS=\"$(cat list) x\" && dnf install -y $PKGS\n",
            "FROM a\nARG PKGS=\"httpd-2.4.6\"\nRUN dnf install -y ${PKGS}\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn versions_files_and_groups_are_clean() {
        for text in [
            "FROM a\nRUN yum install -y httpd-2.4.6-99.el7 nginx-1:1.20.1 'vim >= 9' x-${V}\n",
            "FROM a\nRUN dnf install -y ./a.rpm /tmp/b.rpm https://h/c.rpm @development $PKGS\n",
            "FROM a\nRUN dnf module install -y nodejs:20 && dnf module enable php:8.2\n",
            "FROM a\nRUN zypper -n install curl=8.6.0 'git>=2.43' && zypper in -t pattern devel_basis\n",
            "FROM a\nRUN yum update -y && yum remove -y x && dnf clean all\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
