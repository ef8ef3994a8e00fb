//! MA009 `useradd-high-uid`: `useradd` of a high UID without `-l`.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::layers::Base;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{calls, posix_script};
use crate::rules::maintainability::key_value::pairs;
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `useradd` with a high UID and without `-l` (`--no-log-init`).

## What it does
Flags `useradd -u UID` (or `--uid`) where the UID has six digits or more, when neither `-l`
nor `--no-log-init` is given. The fix adds `-l`.

A UID given as a variable is looked up in the stage (and the stages it is built `FROM`):
an `ENV` value is judged like a literal one; a build argument (`ARG UID=1000`) is flagged
whatever its default, since the build may pass a high one (`--build-arg UID=$(id -u)` on a
host whose users come from a directory service); and so is a UID only the script knows
(`$(id -u app)`).

Differences from hadolint DL3046: hadolint reads only `-u` followed by a separate word
(not `--uid 1000123`, `--uid=1000123` or `-u1000123`) and goes by the length of that word,
so it flags `-u $UID` because the variable's name is long enough, and `-u $ARGOCD_USER_ID`
after `ENV ARGOCD_USER_ID=999`, which dlint knows to be low:

```dockerfile
FROM debian:12
ENV APP_UID=999
# hadolint DL3046 here; dlint: fine, the UID is 999
RUN useradd -u $APP_UID app
# dlint only: hadolint does not read --uid
RUN useradd --uid 1000123 svc
```

## Why is this bad?
`useradd` records every user in `/var/log/lastlog` and `/var/log/faillog`, files indexed by
UID. On disk they are sparse, but a layer's tar archive stores them in full: for UID
`1000000` that is about 300 MB of zeros added to the image. `-l` skips these logs, which a
container does not use.

## Example
```dockerfile
FROM debian:12
RUN useradd -u 1000123 app
```

Use instead:
```dockerfile
FROM debian:12
RUN useradd -l -u 1000123 app
```

## Fix safety
Unsafe, formally: the user is not added to the login records, so `lastlog` and `faillog`
have no entry for it; nothing in a container usually reads them.

## References
- [Best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
- [moby issue 5419: useradd with a high UID makes a huge layer](https://github.com/moby/moby/issues/5419)
- [hadolint DL3046](https://github.com/hadolint/hadolint/wiki/DL3046)
";

declare_rule! {
    /// `useradd` of a high UID without `-l`.
    pub struct UseraddHighUid;
    code: "MA009",
    name: "useradd-high-uid",
    category: Maintainability,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("hadolint: DL3046"),
    docs: DOCS,
}

/// How many digits make a UID high: from 100000 on, the lastlog is about 30 MB and more.
const HIGH_DIGITS: usize = 6;

/// Why the UID `word` of a `useradd` may be high, or `None` when it is known to be low.
fn high_uid(ctx: &Context<'_>, ins: &Instruction, word: &str) -> Option<String> {
    let word = word.trim_matches(['"', '\'']);
    resolve(ctx, ins, word, 0).map(|why| match why {
        Why::Literal(uid) if uid == word => format!("UID {uid}"),
        Why::Literal(uid) => format!("UID {uid} (`{word}`)"),
        Why::BuildArg(name) => format!(
            "UID `{word}`, from build argument `{name}`, which a build may set to a high value,"
        ),
        Why::Unknown => format!("UID `{word}`, only known at build time and possibly high,"),
    })
}

enum Why {
    /// A literal UID of six digits or more.
    Literal(String),
    /// A build argument, which `docker build --build-arg` sets.
    BuildArg(String),
    /// Anything else that is not a literal number.
    Unknown,
}

/// `$NAME`, `${NAME}`, `${NAME:-default}` or `${NAME-default}`: the name and the default.
fn variable(word: &str) -> Option<(&str, Option<&str>)> {
    let rest = word.strip_prefix('$')?;
    let (name, default) = match rest.strip_prefix('{') {
        Some(inner) => {
            let inner = inner.strip_suffix('}')?;
            match inner.find(['-', ':']) {
                Some(i) => {
                    let default = inner[i..]
                        .strip_prefix(":-")
                        .or_else(|| inner[i..].strip_prefix('-'))?;
                    (&inner[..i], Some(default))
                }
                None => (inner, None),
            }
        }
        None => (rest, None),
    };
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some((name, default))
}

fn resolve(ctx: &Context<'_>, ins: &Instruction, word: &str, depth: u32) -> Option<Why> {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()) {
        let uid = word.trim_start_matches('0');
        return (uid.len() >= HIGH_DIGITS).then(|| Why::Literal(uid.to_owned()));
    }
    let Some((name, default)) = variable(word).filter(|_| depth < 4) else {
        return Some(Why::Unknown);
    };
    match origin(ctx, ins, name) {
        Origin::Env(value) => resolve(ctx, ins, &value, depth + 1),
        Origin::BuildArg => Some(Why::BuildArg(name.to_owned())),
        Origin::Unset => match default {
            Some(default) => resolve(ctx, ins, default, depth + 1),
            None => Some(Why::Unknown),
        },
    }
}

/// Where a variable of a RUN gets its value.
enum Origin {
    /// An `ENV` of the stage or of a stage it is built `FROM`, as written.
    Env(String),
    /// An `ARG` of the stage (and no `ENV`, which would win).
    BuildArg,
    /// Neither: the shell's own, or unset.
    Unset,
}

fn origin(ctx: &Context<'_>, ins: &Instruction, name: &str) -> Origin {
    let file = ctx.file;
    let Some(stage) = ins.stage.and_then(|s| file.stages.get(s)) else {
        return Origin::Unset;
    };
    let (mut env, mut arg) = (None, false);
    for earlier in file.stage_instructions(stage) {
        if earlier.range.start >= ins.range.start {
            break;
        }
        let earlier = earlier.effective();
        if !matches!(earlier.kind, InstructionKind::Env | InstructionKind::Arg) {
            continue;
        }
        for pair in pairs(earlier, file.escape) {
            if pair.key != name {
                continue;
            }
            if earlier.kind == InstructionKind::Env {
                env = Some(pair.value.unwrap_or_default());
            } else {
                arg = true;
            }
        }
    }
    if let Some(value) = env {
        return Origin::Env(value);
    }
    if arg {
        return Origin::BuildArg;
    }
    // An ENV of the stage this one is built on (its value as that stage ends).
    let analysis = ctx.analysis();
    let mut at = stage.index;
    while let Some(&Base::Stage(base)) = analysis.stages.get(at).map(|s| &s.base) {
        if base >= at {
            break;
        }
        if let Some(value) = analysis.stages[base].env.get(name) {
            return Origin::Env(value.clone());
        }
        at = base;
    }
    Origin::Unset
}

impl Rule for UseraddHighUid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        for call in calls(script) {
            if call.name != "useradd" || call.has_option(&["-l", "--no-log-init"]) {
                continue;
            }
            let Some(uid) = call.option_values(&["-u", "--uid"]).into_iter().last() else {
                continue;
            };
            let Some(what) = high_uid(ctx, ins, uid) else {
                continue;
            };
            ctx.report(
                &Self::META,
                call.program.range,
                format!(
                    "`useradd` of {what} without `-l` stores a lastlog of that size in the layer"
                ),
            )
            .with_help("Add `-l` (`--no-log-init`)")
            .set_fix(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    range: TextRange::empty(call.program.range.end),
                    content: " -l".to_owned(),
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    const CODE: &str = "MA009";

    #[test]
    fn high_uids_without_l_are_flagged() {
        assert_eq!(
            lines(
                CODE,
                "FROM a\nRUN useradd -u 1000123 app\nRUN useradd --uid=123456 -m b\n"
            ),
            [2, 3]
        );
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM a\nRUN groupadd g && useradd -u 999999 -g g app\n"
            ),
            "FROM a\nRUN groupadd g && useradd -l -u 999999 -g g app\n"
        );
        for text in [
            "FROM a\nRUN useradd -u 1000 app\n",
            "FROM a\nRUN useradd -l -u 1000123 app\n",
            "FROM a\nRUN useradd --no-log-init -u 1000123 app\n",
            "FROM a\nENV APP_UID=999\nRUN useradd -u $APP_UID app\n",
            "FROM a AS one\nENV APP_UID=999\nFROM one AS b\nFROM b\nRUN useradd -u \"${APP_UID}\" app\n",
            "FROM a AS base\nENV APP_UID=999\nFROM base\nRUN useradd -u ${APP_UID} app\n",
            "FROM a\nRUN useradd -u ${APP_UID:-1000} app\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }

    #[test]
    fn variable_uids_are_resolved() {
        let f = findings(
            CODE,
            "FROM a\nARG UID=1000\nRUN useradd -u $UID -m app\n\
             ENV BIG=1000123\nRUN useradd --uid=${BIG} big\n\
             RUN useradd -u1234567 short && useradd -u \"$(id -u x)\" y\n\
             ARG OTHER=5\nENV OTHER=2000000\nRUN useradd -u $OTHER z\n",
        );
        let got: Vec<(u32, &str)> = f.iter().map(|(l, _, m)| (*l, m.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    3,
                    "`useradd` of UID `$UID`, from build argument `UID`, which a build may set to a high value, without `-l` stores a lastlog of that size in the layer"
                ),
                (
                    5,
                    "`useradd` of UID 1000123 (`${BIG}`) without `-l` stores a lastlog of that size in the layer"
                ),
                (
                    6,
                    "`useradd` of UID 1234567 without `-l` stores a lastlog of that size in the layer"
                ),
                (
                    6,
                    "`useradd` of UID `$(id -u x)`, only known at build time and possibly high, without `-l` stores a lastlog of that size in the layer"
                ),
                (
                    9,
                    "`useradd` of UID 2000000 (`$OTHER`) without `-l` stores a lastlog of that size in the layer"
                ),
            ]
        );
    }
}
