//! MA009 `useradd-high-uid`: `useradd` of a high UID without `-l`.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::Instruction;
use crate::rules::common::{calls, posix_script};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `useradd` with a high UID and without `-l` (`--no-log-init`).

## What it does
Flags `useradd -u UID` (or `--uid`) where the UID has six digits or more, when neither `-l`
nor `--no-log-init` is given. The fix adds `-l`.

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
            if uid.len() < 6 || !uid.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            ctx.report(
                &Self::META,
                call.program.range,
                format!(
                    "`useradd` of UID {uid} without `-l` stores a lastlog of that size in the layer"
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
    use crate::rules::test_support::{fixed_and_clean, lines};

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
            "FROM a\nRUN useradd -u $UID app\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
