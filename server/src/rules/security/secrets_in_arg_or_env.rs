//! SE004 `secrets-in-arg-or-env`: an `ARG` or `ENV` whose name says it holds a secret.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::maintainability::key_value::pairs_of;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for `ARG` and `ENV` names that say they hold a secret.

## What it does
Flags an `ARG` or `ENV` whose name, split at `_`, has a part that names a secret: `apikey`,
`auth`, `credential`, `credentials`, `key`, `password`, `pword`, `passwd`, `secret` or `token`
(any case), unless a part is `public`. `GITHUB_TOKEN`, `DB_PASSWORD` and `API_KEY` are
flagged; `MONKEY`, `KEYBOARD_LAYOUT` and `SSH_PUBLIC_KEY` are not. These are BuildKit's words.

Unlike BuildKit, dlint leaves alone the names of OpenPGP keys, which are public: a name
with a part `gpg`, `pgp` or `signing` (`GPG_KEY`, `SWIFT_SIGNING_KEY`), and a value that is
a key fingerprint or key ID (`ARG GHC_RELEASE_KEY=88B57FCF7DB53B4DB3BFA4B1588764FBE22D19C4`,
16 or 40 hexadecimal digits, several separated by blanks). Nor a value that is a switch
(`true`, `false`, `yes`, `no`, `on`, `off`): `USE_GKE_GCLOUD_AUTH_PLUGIN=True` holds
no secret.

Differences from hadolint DL3064: hadolint looks for substrings (`password`, `secret`,
`token`, `private`, `username`, `api_key`, `client_key`) anywhere in the name, plus a list
of known names, so it flags `USERNAME` (the name of the user to create in dev containers)
and `SECRETFILE`, and not `COMPOSER_AUTH` or `SSH_KEY`, which dlint flags:

```dockerfile
FROM alpine:3.20
# hadolint DL3064 here; dlint: fine, a user name is no secret
ARG USERNAME=vscode
# dlint only: Composer's credentials
ARG COMPOSER_AUTH
```

## Why is this bad?
`ENV` values are stored in the image's configuration, readable by anyone who can pull it
(`docker inspect`). `ARG` values are recorded in the image's history for every RUN that
uses them (`docker history`), and in the build cache. A secret passed either way leaks with
the image. A secret mount (`RUN --mount=type=secret`) gives the value to one RUN as a file
or variable and leaves no trace in the image.

## Example
```dockerfile
FROM alpine:3.20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc
```

## References
- [Docker build checks: SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
- [Build secrets](https://docs.docker.com/build/building/secrets/)
"#;

declare_rule! {
    /// An `ARG` or `ENV` whose name says it holds a secret.
    pub struct SecretsInArgOrEnv;
    code: "SE004",
    name: "secrets-in-arg-or-env",
    category: Security,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3064; buildkit: SecretsUsedInArgOrEnv"),
    docs: DOCS,
}

/// Parts of a name that mean a secret (BuildKit's list).
const SECRET_PARTS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// Parts of a name that make it a public key: OpenPGP keys and their fingerprints.
const PUBLIC_PARTS: &[&str] = &["public", "gpg", "pgp", "signing"];

/// Whether `name` looks like it holds a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let parts = || name.split('_').map(str::to_ascii_lowercase);
    parts().any(|p| SECRET_PARTS.contains(&p.as_str()))
        && !parts().any(|p| PUBLIC_PARTS.contains(&p.as_str()))
}

/// Whether a value cannot be a secret: OpenPGP key fingerprints or key IDs (16 or 40
/// hexadecimal digits, optionally `0x`-prefixed, several separated by blanks), and switches.
fn public_value(value: &str) -> bool {
    let value = value.trim();
    let fingerprint = |word: &str| {
        let word = word.strip_prefix("0x").unwrap_or(word);
        matches!(word.len(), 16 | 40) && word.chars().all(|c| c.is_ascii_hexdigit())
    };
    let switch = ["true", "false", "yes", "no", "on", "off"]
        .iter()
        .any(|s| value.eq_ignore_ascii_case(s));
    switch || (!value.is_empty() && value.split_whitespace().all(fingerprint))
}

impl Rule for SecretsInArgOrEnv {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let what = match ins.kind {
            InstructionKind::Arg => "ARG",
            InstructionKind::Env => "ENV",
            _ => return,
        };
        for pair in pairs_of(ctx, ins).iter() {
            if !is_secret_name(&pair.key) || pair.value.as_deref().is_some_and(public_value) {
                continue;
            }
            ctx.report(
                &Self::META,
                pair.key_range,
                format!(
                    "{what} `{}` may hold a secret, which would be kept in the image",
                    pair.key
                ),
            )
            .with_help(format!(
                "Pass it as a secret: `RUN --mount=type=secret,id={},env={}`",
                pair.key.to_ascii_lowercase(),
                pair.key
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_secret_name, public_value};
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SE004";

    #[test]
    fn names_are_split_at_underscores() {
        for name in [
            "GITHUB_TOKEN",
            "db_password",
            "API_KEY",
            "Secret",
            "AWS_SECRET_ACCESS_KEY",
            "apikey",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "MONKEY",
            "KEYBOARD_LAYOUT",
            "SSH_PUBLIC_KEY",
            "TOKENIZER",
            "PATH",
            "AUTHOR",
            "GPG_KEY",
            "SWIFT_SIGNING_KEY",
            "PGP_KEY",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn key_fingerprints_and_switches_are_not_secrets() {
        for value in [
            "88B57FCF7DB53B4DB3BFA4B1588764FBE22D19C4",
            "0x575159689BEFB442",
            "A035C8C19219BA821ECEA86B64E628F8D684696D 7169605F62C751356D054A26A821E680E5FA6305",
            "True",
            "off",
        ] {
            assert!(public_value(value), "{value}");
        }
        for value in ["", "1", "hunter2", "ghp_abcdef0123456789", "88B57FCF"] {
            assert!(!public_value(value), "{value}");
        }
        assert_eq!(
            lines(
                CODE,
                "FROM a\nARG GHC_RELEASE_KEY='88B57FCF7DB53B4DB3BFA4B1588764FBE22D19C4'\n\
                 ENV USE_GKE_GCLOUD_AUTH_PLUGIN=True GPG_KEY=x\nARG SSH_KEY\nARG COMPOSER_AUTH='{}'\n"
            ),
            [4, 5]
        );
    }

    #[test]
    fn arg_and_env_are_flagged_at_the_name() {
        assert_eq!(
            findings(CODE, "FROM a\nARG NPM_TOKEN\n"),
            [(
                2,
                "NPM_TOKEN".to_owned(),
                "ARG `NPM_TOKEN` may hold a secret, which would be kept in the image".to_owned()
            )]
        );
        assert_eq!(
            lines(
                CODE,
                "ARG API_KEY=x\nFROM a\nENV A=1 DB_PASSWORD=x\nENV AUTH_TOKEN abc\nONBUILD ENV SECRET=1\n"
            ),
            [1, 3, 4, 5]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nLABEL secret=x\nENV PUBLIC_KEY=x\nRUN TOKEN=1 make\n"
            ),
            [] as [u32; 0]
        );
    }
}
