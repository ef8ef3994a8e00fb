//! MA014 `unpinned-pip-package`: `pip install` of a package without a version.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::{Call, as_pip};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::{check_calls, not_an_index_name};

const DOCS: &str = r#"Checks for `pip install` of packages without a pinned version.

## What it does
Flags each requirement of a `pip install` (also `python -m pip install`) that does not
fix its version: `==`, `===`, `~=` (compatible release) or an upper bound (`<`, `<=`)
pin it; `>=`, `>` and `!=` alone do not. Requirement files (`-r`) and the values of the
other options that take one are not requirements. Local projects and files (`.`,
`./src`, `dist/app-1.0-py3-none-any.whl`, `app.tar.gz`), URLs of archives, VCS URLs with
a revision (`git+https://host/repo.git@v1.2`) and words that hold a variable
(`flask==${FLASK_VERSION}`) are left alone. A command with a constraints file (`-c`,
`--constraint`, `PIP_CONSTRAINT`) is left alone: the file may pin everything.

An operand that is just a variable (`$PKGS`, `${PKGS}`) is judged by the words of its value
when the file shows it: an assignment earlier in the same RUN (`PKGS='a b' && ... $PKGS`)
or an `ENV` or `ARG` of the stage; each unpinned package is reported at the variable.

This rule is informational. hadolint's DL3013 counts any comparison as a pin
(`flask>=2` passes) and skips the whole command as soon as `-r` or `.` appears, so
`pip install -r requirements.txt gunicorn` goes unnoticed; dlint looks at each word.
Tools the build itself uses (`pip install --upgrade pip setuptools`) are flagged like any
other package, as in hadolint.

Differences from hadolint DL3013: hadolint recognises pip only by the command name, so it
misses `/venv/bin/pip install`, `sudo -H pip3 install` and pip inside `bash -c "..."`, which
dlint checks; and it flags a requirement built from a variable (`"tensorflow${SUFFIX}"`),
which dlint leaves alone since the variable may hold the version:

```dockerfile
FROM python:3.12-slim
RUN python -m venv /venv
# dlint only: pip run from the virtual environment
RUN /venv/bin/pip install --no-cache-dir --upgrade pip setuptools wheel
```

## Why is this bad?
Without a version, the package installed depends on the day of the build: a new release
can change or break the image with no change to the Dockerfile, and two builds of the
same file differ. PyPI keeps old releases, so a pin keeps working; a requirements or
constraints file (ideally with hashes) keeps the pins in one place.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask 'gunicorn>=21'
```

Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 'gunicorn~=22.0'
```

## References
- [Best practices: pin versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [pip: requirement specifiers](https://pip.pypa.io/en/stable/reference/requirement-specifiers/)
- [pip: repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
- [hadolint DL3013](https://github.com/hadolint/hadolint/wiki/DL3013)
"#;

declare_rule! {
    /// `pip install` of a package without a version.
    pub struct UnpinnedPipPackage;
    code: "MA014",
    name: "unpinned-pip-package",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3013"),
    docs: DOCS,
}

/// Options of `pip install` that take a separate value.
const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--root",
    "--prefix",
    "--src",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--global-option",
    "--install-option",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--report",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-b",
    "--build",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--python",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
    "--root-user-action",
];

/// VCS schemes pip installs from (`git+https://...`).
const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://", "svn://"];

/// Whether one requirement word fixes its version, or names no index package.
fn pinned(value: &str) -> bool {
    if VCS.iter().any(|s| value.starts_with(s)) {
        // A revision follows the path: `git+https://host/repo.git@v1`; an `@` before the
        // path is a user (`git+ssh://git@host/...`).
        let rest = value.split_once("://").map_or(value, |(_, r)| r);
        return rest
            .split_once('/')
            .is_some_and(|(_, path)| path.contains('@'));
    }
    // `name @ https://...` is a direct reference: a URL names one file.
    ["==", "~=", "<", "@"].iter().any(|s| value.contains(s))
        || value.contains('/')
        || not_an_index_name(value, &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"])
}

/// The requirement words of a `pip install` that name no version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    let Some(pip) = as_pip(call) else {
        return Vec::new();
    };
    if pip.subcommand_value(PIP_VALUE_OPTIONS) != Some("install")
        || pip.has_option(&["-c", "--constraint"])
        || pip
            .arg_values()
            .any(|a| a.starts_with("-c") && a.len() > 2 && !a.starts_with("--"))
        || call.env_value("PIP_CONSTRAINT").is_some()
    {
        return Vec::new();
    }
    let words: Vec<usize> = pip
        .operands(PIP_VALUE_OPTIONS)
        .into_iter()
        .skip(1)
        .filter(|w| !pinned(&w.value))
        .filter_map(|w| call.args.iter().position(|a| std::ptr::eq(a, w)))
        .collect();
    words.into_iter().map(|i| &call.args[i]).collect()
}

impl Rule for UnpinnedPipPackage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        check_calls(
            ins,
            ctx,
            &Self::META,
            Some("pip"),
            unpinned,
            |_: &Call<'_>, p: &str| {
                if VCS.iter().any(|s| p.starts_with(s)) {
                    return format!("{p}@<revision>");
                }
                let name = p.split(['>', '!', '=']).next().unwrap_or(p);
                format!("{name}==<version>")
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA014";

    #[test]
    fn each_unpinned_requirement_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN pip install -r req.txt --index-url https://x/simple flask 'gunicorn>=21' 'uvicorn[standard]'\n"
            ),
            [
                (
                    2,
                    "flask".to_owned(),
                    "`flask` is installed by `pip` without a pinned version".to_owned()
                ),
                (
                    2,
                    "'gunicorn>=21'".to_owned(),
                    "`gunicorn>=21` is installed by `pip` without a pinned version".to_owned()
                ),
                (
                    2,
                    "'uvicorn[standard]'".to_owned(),
                    "`uvicorn[standard]` is installed by `pip` without a pinned version".to_owned()
                ),
            ]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN python3 -m pip install --upgrade pip\nRUN pip3 install git+https://github.com/a/b.git\n"
            ),
            [2, 3]
        );
    }

    #[test]
    fn pins_local_projects_and_constraints_are_clean() {
        for text in [
            "FROM a\nRUN pip install flask==3.0.3 'gunicorn~=22.0' 'x===1' 'y<2' z==${Z_VERSION}\n",
            "FROM a\nRUN pip install . ./src -e . dist/a-1.0-py3-none-any.whl a.tar.gz $PKGS\n",
            "FROM a\nRUN pip install https://x/a.zip 'b @ https://x/b.whl' git+ssh://git@h/r.git@v1\n",
            "FROM a\nRUN pip install -c constraints.txt flask && pip install -r req.txt\n",
            "FROM a\nRUN PIP_CONSTRAINT=c.txt pip install flask && pip download flask\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
