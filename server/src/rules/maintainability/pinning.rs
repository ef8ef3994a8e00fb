//! What the package-pinning rules (MA013–MA019) share: the operands that are not names
//! of an index (variables, paths, URLs, package files), the version forms of RPM, and
//! the report of one unpinned package.

use crate::model::Instruction;
use crate::rules::common::{Call, calls_with_inline, posix_script};
use crate::rules::{Context, RuleMeta};
use crate::shell::Word;

/// Whether `value` names no package of an index, or one whose version cannot be seen:
/// it holds a variable or a command substitution (`$PKGS`, `curl=${CURL_VERSION}`), a
/// path (`./pkg`, `/tmp/x.deb`, `~/src`), a URL, or ends in one of `file_suffixes`.
pub(super) fn not_an_index_name(value: &str, file_suffixes: &[&str]) -> bool {
    value.is_empty()
        || value.contains(['$', '`'])
        || value.starts_with(['/', '.', '~'])
        || value.contains("://")
        || file_suffixes.iter().any(|s| value.ends_with(s))
}

/// Runs `unpinned` over every program call of the RUNs of `ins` (wrappers and `sh -c`
/// strings looked through) and reports each package word it returns, with the pinned
/// form `pin` suggests for it (given the call and the word). Messages name the
/// program `tool`, or the one called.
pub(super) fn check_calls(
    ins: &Instruction,
    ctx: &mut Context<'_>,
    meta: &RuleMeta,
    tool: Option<&str>,
    unpinned: for<'c> fn(&'c Call<'_>) -> Vec<&'c Word>,
    pin: fn(&Call<'_>, &str) -> String,
) {
    let Some(script) = posix_script(ctx.file, ins) else {
        return;
    };
    for call in calls_with_inline(script) {
        let program = tool.unwrap_or(&call.name);
        for word in unpinned(&call) {
            ctx.report(
                meta,
                word.range,
                format!(
                    "`{}` is installed by `{}` without a pinned version",
                    word.value, program
                ),
            )
            .with_help(format!("Pin a version: `{}`", pin(&call, &word.value)));
        }
    }
}

/// Whether an RPM package spec names a version the way yum, dnf and zypper read it:
/// `name-version[-release][.arch]`, with an optional epoch (`name-1:2.4`). The version is
/// the part after a `-` followed by a digit, which holds no further `-` followed by a
/// letter: `java-11-openjdk` names no version (`11-openjdk` goes on with a name), while
/// `java-11-openjdk-11.0.20` and `httpd-2.4.6-99.el7` do. A comparison (`name>=1.2`,
/// `name = 1.2`) counts too, unless it is only a lower bound (`name>1`).
pub(super) fn rpm_versioned(spec: &str) -> bool {
    if spec.contains(['=', '<']) {
        return true;
    }
    let bytes = spec.as_bytes();
    (1..bytes.len()).any(|i| {
        bytes[i - 1] == b'-' && bytes[i].is_ascii_digit() && {
            let rest = &bytes[i..];
            !rest
                .windows(2)
                .any(|w| w[0] == b'-' && w[1].is_ascii_alphabetic())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpm_versions_follow_the_last_name_part() {
        for spec in [
            "httpd-2.4.6",
            "httpd-2.4.6-99.el7",
            "httpd-2.4.6-99.el7.x86_64",
            "java-11-openjdk-11.0.20.0.8-1.el8",
            "nginx-1:1.20.1",
            "nginx>=1.20",
            "nginx = 1.20",
        ] {
            assert!(rpm_versioned(spec), "{spec}");
        }
        for spec in [
            "httpd",
            "python3-pip",
            "java-11-openjdk",
            "gcc-c++",
            "nginx>1",
        ] {
            assert!(!rpm_versioned(spec), "{spec}");
        }
    }

    #[test]
    fn variables_paths_and_files_are_not_index_names() {
        for v in [
            "$PKGS",
            "curl=${V}",
            "./x",
            "/tmp/a.deb",
            "https://x/y",
            "a.rpm",
        ] {
            assert!(not_an_index_name(v, &[".rpm"]), "{v}");
        }
        assert!(!not_an_index_name("curl", &[".rpm"]));
    }
}
