//! SZ006 `package-manager-clean-missing`: `dnf`, `yum`, `microdnf`, `tdnf` or `zypper`
//! installs without a `clean` in the same RUN.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{Call, calls};
use crate::rules::{Context, Rule, RuleMeta};

use super::{
    append_after_last, checked_script, later, layer, mounted_over, removes, shown_subcommand,
};

const DOCS: &str = r"Checks for `dnf`, `yum` and `zypper` installs that do not clean the package cache.

## What it does
Flags `install` (also `groupinstall`, `localinstall`, `reinstall`, `update`, `upgrade`,
`distro-sync`, `makecache`) of `dnf`, `yum`, `microdnf` and `tdnf`, and `zypper install`
(`in`, `update`, `up`, `dist-upgrade`, `dup`, `refresh`, `ref`), when nothing later in the
same RUN cleans the cache:
- `dnf clean all` (any of the four tools), or an `rm` of `/var/cache/dnf`,
  `/var/cache/yum`, `/var/cache/libdnf5` or `/var/cache/tdnf`;
- `zypper clean` (`zypper cc`), or an `rm` of `/var/cache/zypp`;

and the RUN does not mount a cache over that directory (`RUN --mount=type=cache,
target=/var/cache/dnf`).

Only stages whose layers ship are checked: the last stage, stages no other stage uses
(other `--target`s) and the stages they are built `FROM`; a builder that is only copied
from (`COPY --from`) is not.

Known limitations: a command inside a string (`sh -c '...'`) is not seen, though a cleanup
there is.

Differences from hadolint DL3032 (yum), DL3036 (zypper) and DL3040 (dnf, microdnf):
hadolint checks installs only, in every stage, and takes a cleanup anywhere after the
first install; dlint also checks `update`/`upgrade` (which fill the cache as installs do),
accepts cleanup helpers such as conda-forge's `/opt/docker/bin/yum_clean_all`, and skips
builder stages that are only copied from. hadolint's reading of long scripts also goes
wrong at times: in MariaDB's UBI images it reports the RUN that ends with `microdnf clean
all`, and not the earlier one that installs `gnupg2` without a cleanup.

```dockerfile
FROM quay.io/centos/centos:stream9
# dlint only: the update fills /var/cache/dnf
RUN yum -y update
# hadolint DL3032 here; dlint: fine, the helper runs `yum clean all`
RUN yum install -y bzip2 && /opt/docker/bin/yum_clean_all
```

## Why is this bad?
These package managers keep the repository metadata they download (often a hundred
megabytes or more for Fedora, CentOS or openSUSE) and, depending on the configuration, the
downloaded packages in `/var/cache`. Left there, they stay in the layer for good: a later
RUN cannot remove them.

## Example
```dockerfile
FROM fedora:41
RUN dnf install -y httpd
```

Use instead:
```dockerfile
FROM fedora:41
RUN dnf install -y httpd && dnf clean all
```

## Fix safety
The fix appends `&& <tool> clean all` (`zypper clean --all`) after the last command of the
tool, in a plain `&&` chain only. It is unsafe because it changes the image: a later RUN
that relies on the cached metadata downloads it again.

## References
- [dnf documentation: `clean`](https://dnf.readthedocs.io/en/latest/command_ref.html#clean-command)
- [Dockerfile reference: `RUN --mount=type=cache`](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- [hadolint DL3032 (yum)](https://github.com/hadolint/hadolint/wiki/DL3032),
  [DL3040 (dnf)](https://github.com/hadolint/hadolint/wiki/DL3040),
  [DL3036 (zypper)](https://github.com/hadolint/hadolint/wiki/DL3036)
";

declare_rule! {
    /// `dnf`/`yum`/`zypper` install without a `clean` in the same RUN.
    pub struct PackageManagerCleanMissing;
    code: "SZ006",
    name: "package-manager-clean-missing",
    category: Size,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3032, DL3036, DL3040"),
    docs: DOCS,
}

/// Options of these tools that take a separate value.
const VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--installroot",
    "--releasever",
    "--repo",
    "--repoid",
    "--enablerepo",
    "--disablerepo",
    "--exclude",
    "--setopt",
    "--forcearch",
    "-R",
    "--root",
    "-D",
    "--reposd-dir",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
];

const RPM_CACHES: &[&str] = &[
    "/var/cache/dnf",
    "/var/cache/yum",
    "/var/cache/libdnf5",
    "/var/cache/tdnf",
];
const ZYPP_CACHES: &[&str] = &["/var/cache/zypp"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rpm,
    Zypper,
}

fn family(name: &str) -> Option<Family> {
    match name {
        "dnf" | "dnf5" | "dnf-3" | "yum" | "microdnf" | "tdnf" => Some(Family::Rpm),
        "zypper" => Some(Family::Zypper),
        _ => None,
    }
}

/// Whether the call fills the cache.
fn fills(call: &Call<'_>) -> Option<Family> {
    let fam = family(&call.name)?;
    let sub = call.subcommand(VALUE_OPTIONS)?;
    let fills = match fam {
        Family::Rpm => match sub.value.as_str() {
            "install" | "groupinstall" | "localinstall" | "reinstall" | "update" | "upgrade"
            | "distro-sync" | "makecache" => true,
            // `dnf group install`, `yum groups install`
            "group" | "groups" => call.arg_after(sub).is_some_and(|w| w.value == "install"),
            _ => false,
        },
        Family::Zypper => matches!(
            sub.value.as_str(),
            "install"
                | "in"
                | "update"
                | "up"
                | "dist-upgrade"
                | "dup"
                | "refresh"
                | "ref"
                | "patch"
        ),
    };
    fills.then_some(fam)
}

/// Whether the call empties the cache of `fam`.
fn cleans(call: &Call<'_>, fam: Family) -> bool {
    let caches = match fam {
        Family::Rpm => RPM_CACHES,
        Family::Zypper => ZYPP_CACHES,
    };
    if caches.iter().any(|c| removes(call, c)) {
        return true;
    }
    // A helper script such as conda-forge's `yum_clean_all`.
    let helper = match fam {
        Family::Rpm => ["yum", "dnf"].iter().any(|t| call.name.contains(t)),
        Family::Zypper => call.name.contains("zypper"),
    };
    if helper && call.name.contains("clean") {
        return true;
    }
    if family(&call.name) != Some(fam) {
        return false;
    }
    let Some(sub) = call.subcommand(VALUE_OPTIONS) else {
        return false;
    };
    match fam {
        Family::Rpm => {
            sub.value == "clean" && call.args_after(sub).iter().any(|w| w.value == "all")
        }
        Family::Zypper => matches!(sub.value.as_str(), "clean" | "cc"),
    }
}

impl Rule for PackageManagerCleanMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = checked_script(ins, ctx.file) else {
            return;
        };
        let calls = calls(script);
        for fam in [Family::Rpm, Family::Zypper] {
            let caches = match fam {
                Family::Rpm => RPM_CACHES,
                Family::Zypper => ZYPP_CACHES,
            };
            if caches.iter().any(|c| mounted_over(ins, c)) {
                continue;
            }
            let offender = calls
                .iter()
                .rev()
                .find(|c| fills(c) == Some(fam) && !later(calls, c.index, |l| cleans(l, fam)));
            let Some(call) = offender else { continue };
            let Some(sub) = call.subcommand(VALUE_OPTIONS) else {
                continue;
            };
            let cache = match &*call.name {
                "yum" => "/var/cache/yum",
                "tdnf" => "/var/cache/tdnf",
                "zypper" => "/var/cache/zypp",
                _ => "/var/cache/dnf",
            };
            // `dnf group install`: the subcommand is two words.
            let two_words = matches!(sub.value.as_str(), "group" | "groups");
            let (last, shown) = shown_subcommand(call, sub, two_words);
            let message = format!(
                "`{shown}` leaves its package cache ({cache}) in {}",
                layer(ins)
            );
            let clean = match fam {
                Family::Rpm => format!("{} clean all", call.name),
                Family::Zypper => "zypper clean --all".to_owned(),
            };
            let of_tool = |c: &Call<'_>| family(&c.name) == Some(fam);
            let fix = append_after_last(ctx, ins, script, calls, of_tool, &clean);
            ctx.report(&Self::META, call.range_to(last), message)
                .with_help(format!("Run `{clean}` at the end of the same RUN"))
                .set_fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SZ006";

    #[test]
    fn install_without_clean_is_flagged() {
        assert_eq!(
            findings(CODE, "FROM f\nRUN dnf install -y httpd\n"),
            [(
                2,
                "dnf install".to_owned(),
                "`dnf install` leaves its package cache (/var/cache/dnf) in this layer (line 2)"
                    .to_owned()
            )]
        );
        assert_eq!(
            findings(
                CODE,
                "FROM c\nRUN yum -y --setopt=tsflags=nodocs install x\n"
            )[0]
            .1,
            "yum -y --setopt=tsflags=nodocs install"
        );
    }

    #[test]
    fn spellings_and_shapes() {
        for text in [
            "FROM c\nRUN yum -y update && yum -y install x\n",
            "FROM c\nRUN microdnf install -y x && microdnf update\n",
            "FROM c\nRUN set -eux; \\\n  dnf --setopt install_weak_deps=False -y install x\n",
            "FROM c\nRUN <<EOF\nyum install -y x\nEOF\n",
            "FROM c\nRUN dnf group install -y 'Development Tools'\n",
            "FROM c\nRUN dnf clean all && dnf install -y x\n",
            "FROM c\nRUN yum install -y x && yum clean expire-cache\n",
            "FROM o\nRUN zypper -n in curl\n",
            "FROM o\nRUN zypper --non-interactive install curl && zypper clean\n\
             RUN zypper ref\n",
            "FROM o\nRUN yum install -y x && zypper clean\n",
            "FROM c\nRUN sudo yum install -y x\n",
        ] {
            assert_eq!(lines(CODE, text).len(), 1, "{text}");
        }
        // Two families, two findings.
        assert_eq!(
            lines(CODE, "FROM c\nRUN yum install x && \\\n  zypper in y\n"),
            [2, 3]
        );
    }

    #[test]
    fn cleaned_or_mounted_caches_are_clean() {
        for text in [
            "FROM c\nRUN dnf install -y x && dnf clean all\n",
            "FROM c\nRUN yum -y install x; yum -y clean all\n",
            "FROM c\nRUN microdnf install x && microdnf clean all\n",
            "FROM c\nRUN yum install -y x && dnf clean all\n",
            "FROM c\nRUN yum install -y x && rm -rf /var/cache/yum\n",
            "FROM c\nRUN yum install -y x && /opt/docker/bin/yum_clean_all\n",
            "FROM c\nRUN dnf install -y x && rm -rf /var/cache/{dnf,yum}/*\n",
            "FROM c\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y x\n",
            "FROM c\nRUN --mount=type=cache,target=/var/cache dnf install -y x\n",
            "FROM o\nRUN zypper in -y curl && zypper cc -a\n",
            "FROM o\nRUN zypper install curl && rm -rf /var/cache/zypp/*\n",
            "FROM c\nRUN yum info x && dnf list installed && rpm -i x.rpm\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn the_fix_appends_a_clean() {
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM c\nRUN yum -y install x && \\\n    yum -y update && \\\n    make\n"
            ),
            "FROM c\nRUN yum -y install x && \\\n    yum -y update && yum clean all && \\\n    make\n"
        );
        assert_eq!(
            fixed_and_clean(CODE, "FROM o\nRUN zypper -n in curl\n"),
            "FROM o\nRUN zypper -n in curl && zypper clean --all\n"
        );
        assert!(
            diagnostics(CODE, "FROM c\nRUN yum install x | tee log\n")[0]
                .fix
                .is_none()
        );
    }
}
