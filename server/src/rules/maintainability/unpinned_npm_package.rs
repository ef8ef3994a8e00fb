//! MA015 `unpinned-npm-package`: `npm install` of a package without a version.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::common::Call;
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::pinning::{check_calls, not_an_index_name};

const DOCS: &str = r#"Checks for `npm install <package>` without a version.

## What it does
Flags each package named to `npm install` (or its aliases `npm i` and `npm add`) without
a version, a range or a tag after `@`: `npm install express` and `npm install
express@latest` are flagged, `express@4.19.2`, `express@^4` and `@types/node@20` are not.
`npm ci` and `npm install` without packages install what `package-lock.json` says and are
left alone, as are local paths (`./lib`, `file:../x`), tarballs (`app-1.0.tgz`), URLs,
git URLs and GitHub shorthands with a commit or tag after `#`, words that hold a variable,
and the values of options such as `--prefix` or `--workspace`.

An operand that is just a variable (`$PKGS`, `${PKGS}`) is judged by the words of its value
when the file shows it: an assignment earlier in the same RUN (`PKGS='a b' && ... $PKGS`)
or an `ENV` or `ARG` of the stage; each unpinned package is reported at the variable.

This rule is informational. hadolint's DL3016 reads the value of an option as a package,
so `npm install --registry https://npm.example.com express@4.19.2` is flagged for the
registry's URL, and it accepts `@latest`, which pins nothing; dlint skips option values
and flags `@latest`.

Differences from hadolint DL3016: besides `@latest` and option values (above), hadolint
flags `npm install .` (the local project) and parses the RUNs of Windows stages as POSIX
shell, which dlint does not read; dlint also looks into `bash -c "..."` and `su -c`
strings:

```dockerfile
FROM node:20-slim
# hadolint: fine; dlint: `latest` is a moving tag, not a version
RUN npm install -g npm@latest
```

## Why is this bad?
Without a version, the package installed depends on the day of the build: a new release
can change or break the image without any change to the Dockerfile. The npm registry keeps
old versions, so a pin keeps working; better still, list dependencies in `package.json`
and install them with `npm ci`, which follows the lock file.

## Example
```dockerfile
FROM node:20-slim
RUN npm install -g typescript
```

Use instead:
```dockerfile
FROM node:20-slim
RUN npm install -g typescript@5.4.5
```

## References
- [Best practices: pin versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [npm install](https://docs.npmjs.com/cli/commands/npm-install)
- [npm ci](https://docs.npmjs.com/cli/commands/npm-ci)
- [hadolint DL3016](https://github.com/hadolint/hadolint/wiki/DL3016)
"#;

declare_rule! {
    /// `npm install` of a package without a version.
    pub struct UnpinnedNpmPackage;
    code: "MA015",
    name: "unpinned-npm-package",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3016"),
    docs: DOCS,
}

/// Options of `npm` that take a separate value.
const NPM_VALUE_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--registry",
    "--cache",
    "--userconfig",
    "--globalconfig",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--install-strategy",
    "--loglevel",
    "--tag",
    "--before",
    "--cpu",
    "--os",
    "--libc",
    "--script-shell",
    "--otp",
];

/// npm's names of `install`.
const INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

/// Whether a package spec fixes a version, or names no registry package.
fn pinned(value: &str) -> bool {
    if value.starts_with("file:") || value.starts_with(['.', '/', '~']) {
        return true;
    }
    let git = ["git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:"]
        .iter()
        .any(|p| value.starts_with(p));
    // `user/repo` is a GitHub shorthand; `@scope/name` is a registry package.
    let shorthand = !value.starts_with('@') && value.contains('/') && !value.contains("://");
    if git || shorthand {
        return value.contains('#');
    }
    if not_an_index_name(value, &[".tgz", ".tar.gz", ".tar"]) {
        return true;
    }
    // `@scope/name@version`: the version follows the last `@` after the first character.
    value
        .get(1..)
        .and_then(|rest| rest.rsplit_once('@'))
        .is_some_and(|(_, spec)| !spec.is_empty() && spec != "latest")
}

/// The package words of an `npm install` that name no version.
fn unpinned<'c>(call: &'c Call<'_>) -> Vec<&'c Word> {
    if call.name != "npm" || call.subcommand_in(NPM_VALUE_OPTIONS, INSTALL).is_none() {
        return Vec::new();
    }
    call.operands(NPM_VALUE_OPTIONS)
        .into_iter()
        .skip(1)
        .filter(|w| !pinned(&w.value))
        .collect()
}

impl Rule for UnpinnedNpmPackage {
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
                // The name ends before the last `@` after the first character (`@scope/x@1`).
                let name = match p.get(1..).and_then(|r| r.rfind('@')) {
                    Some(i) => &p[..=i],
                    None => p,
                };
                format!("{name}@<version>")
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA015";

    #[test]
    fn each_unpinned_package_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a\nRUN npm install -g --prefix /opt typescript @types/node eslint@latest\n"
            ),
            [
                (
                    2,
                    "typescript".to_owned(),
                    "`typescript` is installed by `npm` without a pinned version".to_owned()
                ),
                (
                    2,
                    "@types/node".to_owned(),
                    "`@types/node` is installed by `npm` without a pinned version".to_owned()
                ),
                (
                    2,
                    "eslint@latest".to_owned(),
                    "`eslint@latest` is installed by `npm` without a pinned version".to_owned()
                ),
            ]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN npm i left-pad\nRUN npm add expressjs/express git+https://h/r.git\n"
            ),
            [2, 3, 3]
        );
    }

    #[test]
    fn pins_lock_files_and_local_packages_are_clean() {
        for text in [
            "FROM a\nRUN npm ci && npm install && npm install --omit dev\n",
            "FROM a\nRUN npm install express@4.19.2 'lodash@^4' @types/node@20 x@${X_VERSION}\n",
            "FROM a\nRUN npm install ./lib ../x /abs ~/y file:../z app-1.0.tgz https://h/a.tgz\n",
            "FROM a\nRUN npm install git+ssh://git@h:u/r.git#v1 expressjs/express#4.19.2\n",
            "FROM a\nRUN npm run build && npm install -w packages/a\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
