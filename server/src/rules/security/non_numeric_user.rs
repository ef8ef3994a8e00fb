//! SE007 `non-numeric-user`: `USER` names a user instead of giving its numeric ID.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for a `USER` that names the user instead of giving its numeric ID.

## What it does
Flags `USER app` and `USER app:group`: a user part that is not a number. The group does not
matter (`USER 10001:app` is clean). A user given through a variable (`USER $APP_UID`) is
left alone, since its value is only known at build time, and so are Windows stages, whose
accounts have no numeric ID (`ContainerUser`, `ContainerAdministrator`).

For `USER root` the fix writes `USER 0` (`root` is user ID 0 on every Linux image).

Differences from hadolint's DL3066, on purpose:
- hadolint flags variables: `ARG NB_UID=1000` then `USER ${NB_UID}` builds an image whose
  user is `1000`, which Kubernetes can check; dlint is silent.
- hadolint flags `USER ContainerUser` in Windows images, where a name is the only way to
  give a user (and Kubernetes checks Windows users by name); dlint is silent.

## Why is this bad?
The image records the user as written. A container runtime resolves a name through the
image's `/etc/passwd` when the container starts, but tools that look at the image from the
outside cannot: Kubernetes' `runAsNonRoot` refuses to start a container whose image user is
a name (`container has runAsNonRoot and image has non-numeric user (app), cannot verify user
is non-root`), and pod security policies that require a user ID range cannot check it
either. A numeric ID says the same thing in a form everyone can verify.

## Example
```dockerfile
FROM debian:12
RUN useradd --uid 10001 --create-home app
USER app
```

Use instead:
```dockerfile
FROM debian:12
RUN useradd --uid 10001 --create-home app
USER 10001
```

## Fix safety
The fix of `USER root` is unsafe: the image then records `0` instead of `root`, which
changes its configuration (though not the user the container runs as).

## References
- [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
- [Kubernetes: security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
- [hadolint DL3066](https://github.com/hadolint/hadolint/wiki/DL3066)
";

declare_rule! {
    /// `USER` names a user instead of giving its numeric ID.
    pub struct NonNumericUser;
    code: "SE007",
    name: "non-numeric-user",
    category: Security,
    severity: Info,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3066"),
    docs: DOCS,
}

/// Accounts of Windows images, which have no numeric ID.
fn is_windows_account(user: &str) -> bool {
    user.eq_ignore_ascii_case("ContainerUser")
        || user.eq_ignore_ascii_case("ContainerAdministrator")
}

impl Rule for NonNumericUser {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        // A stage on a Windows base image (or after a Windows `SHELL`) is not POSIX.
        if ins.kind != InstructionKind::User || !ins.posix_shell {
            return;
        }
        let Some(word) = ins.words().first() else {
            return;
        };
        if word.value.contains('$') {
            return;
        }
        // The builder removes quotes: `USER "app"` is `app`.
        let value: String = word
            .value
            .chars()
            .filter(|c| !matches!(c, '"' | '\''))
            .collect();
        let user = value.split(':').next().unwrap_or_default();
        if user.is_empty() || user.bytes().all(|b| b.is_ascii_digit()) || is_windows_account(user) {
            return;
        }
        // The user part of the word, when the source spells it as its value.
        let exact = word.range.slice(ctx.source) == word.value && word.value == value;
        let range = if exact {
            TextRange::new(word.range.start, word.range.start + user.len())
        } else {
            word.range
        };
        let diagnostic = ctx
            .report(
                &Self::META,
                range,
                format!(
                    "`USER {value}` names the user instead of giving its numeric ID: tools \
                     that check the image, such as Kubernetes `runAsNonRoot`, cannot tell who \
                     it is"
                ),
            )
            .with_help(if user == "root" {
                "Use the numeric ID: `USER 0`".to_owned()
            } else {
                format!(
                    "Use the numeric user ID that `{user}` has in the image (set it with `useradd --uid`)"
                )
            });
        if user == "root" && exact {
            diagnostic.set_fix(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    range,
                    content: "0".to_owned(),
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "SE007";

    #[test]
    fn user_names_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nUSER app:app\n"),
            [(
                2,
                "app".to_owned(),
                "`USER app:app` names the user instead of giving its numeric ID: tools that \
                 check the image, such as Kubernetes `runAsNonRoot`, cannot tell who it is"
                    .to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nUSER nobody\nuser www-data\nUSER \"app\"\nUSER app:1000\nONBUILD USER x\n"
            ),
            [2, 3, 4, 5, 6]
        );
        // A quoted word is reported whole.
        assert_eq!(findings(CODE, "FROM a\nUSER \"app\"\n")[0].1, "\"app\"");
    }

    #[test]
    fn numeric_ids_variables_and_windows_accounts_are_clean() {
        for text in [
            "FROM a\nUSER 10001\nUSER 0:0\nUSER 1000:staff\nUSER \"1000\"\n",
            "FROM a\nARG UID=1000\nUSER ${UID}\nUSER $UID:$GID\nUSER \"${NB_UID}\"\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER someone\n",
            "FROM $BASE\nUSER ContainerUser\nUSER containeradministrator\n",
            "FROM a\nUSER\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn root_becomes_zero() {
        assert_eq!(
            fixed_and_clean(CODE, "FROM a\nUSER root\nUSER root:root\n"),
            "FROM a\nUSER 0\nUSER 0:root\n"
        );
        let d = diagnostics(CODE, "FROM a\nUSER app\nUSER \"root\"\n");
        assert!(d.iter().all(|d| d.fix.is_none()), "{d:?}");
    }
}
