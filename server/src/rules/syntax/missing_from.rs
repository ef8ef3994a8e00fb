//! SY004 `missing-from`: an instruction other than `ARG` before the first `FROM`, or no
//! `FROM` at all.

use crate::declare_rule;
use crate::model::InstructionKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for instructions before the first `FROM`, and for files without a `FROM`.

## What it does
Flags the first instruction other than `ARG` that comes before the first `FROM`, and a file
whose instructions include no `FROM` at all.

An unknown word that is one edit from `FROM` (`FORM alpine`) counts as a `FROM` here: it is
reported as an unknown instruction instead.

Differences from hadolint DL3061: hadolint reports every instruction before the first
`FROM`; dlint reports the first one, once, since they all have the same cause and fix (in a
file without `FROM`, usually a fragment that is not built on its own):

```dockerfile
# hadolint: DL3061 on both lines; dlint: one finding, on the first
CMD ["a"]
CMD ["b"]
```

## Why is this bad?
Every instruction except `ARG` belongs to a build stage, and a stage starts with `FROM`.
BuildKit fails with `no build stage in current context` for an instruction before the first
`FROM`, and with `dockerfile contains no stages to build` when there is no `FROM`.

## Example
```dockerfile
ARG VERSION=3.20
ENV LANG=C.UTF-8
FROM alpine:${VERSION}
```

Use instead:
```dockerfile
ARG VERSION=3.20
FROM alpine:${VERSION}
ENV LANG=C.UTF-8
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Dockerfile reference: understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
- [hadolint DL3061](https://github.com/hadolint/hadolint/wiki/DL3061)
"#;

declare_rule! {
    /// An instruction other than `ARG` before the first `FROM`, or no `FROM` at all.
    pub struct MissingFrom;
    code: "SY004",
    name: "missing-from",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3061"),
    docs: DOCS,
}

impl Rule for MissingFrom {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        for ins in &file.instructions {
            match ins.kind {
                InstructionKind::From => return,
                InstructionKind::Arg => {}
                // Unknown words are SY001's; one that is a misspelt FROM starts the stage.
                InstructionKind::Unknown => {
                    if super::closest_keyword(&ins.keyword.value) == Some("FROM") {
                        return;
                    }
                }
                _ => {
                    let name = super::keyword_name(ins);
                    let has_from = file
                        .instructions
                        .iter()
                        .any(|i| i.kind == InstructionKind::From);
                    let (message, help) = if has_from {
                        (
                            format!("`{name}` comes before the first `FROM`"),
                            "Move it after `FROM`: only `ARG` may come before the first `FROM`",
                        )
                    } else {
                        (
                            format!("`{name}` is not in a build stage: the file has no `FROM`"),
                            "Start a build stage with `FROM <image>` before it",
                        )
                    };
                    ctx.report(&Self::META, ins.keyword.range, message).help =
                        Some(help.to_owned());
                    return;
                }
            }
        }
        if let Some(first) = file.instructions.first() {
            ctx.report(
                &Self::META,
                first.keyword.range,
                "the file has no `FROM` instruction",
            )
            .help = Some("Add `FROM <image>` after the `ARG`s to start a build stage".to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, lines};

    #[test]
    fn flags_the_first_instruction_before_from() {
        assert_eq!(
            findings("SY004", "ARG A\nrun echo\nENV X=1\nFROM alpine\n"),
            [("SY004", 2, "`RUN` comes before the first `FROM`".to_owned())]
        );
    }

    #[test]
    fn only_args_before_from_are_clean() {
        assert_eq!(
            lines(
                "SY004",
                "# syntax=docker/dockerfile:1\nARG A=1\nARG B\nfrom a\nRUN x\n"
            ),
            [] as [u32; 0]
        );
        assert_eq!(lines("SY004", "FROM a\nRUN x\nFROM b\n"), [] as [u32; 0]);
    }

    #[test]
    fn files_without_from() {
        assert_eq!(
            findings("SY004", "RUN echo\n"),
            [(
                "SY004",
                1,
                "`RUN` is not in a build stage: the file has no `FROM`".to_owned()
            )]
        );
        assert_eq!(
            findings("SY004", "ARG A\r\nARG B\r\n"),
            [("SY004", 1, "the file has no `FROM` instruction".to_owned())]
        );
        // Nothing at all is SY010's.
        assert_eq!(lines("SY004", "# only a comment\n"), [] as [u32; 0]);
    }

    #[test]
    fn onbuild_before_from_and_continuations() {
        assert_eq!(
            lines("SY004", "ARG A \\\n  B\nONBUILD RUN x\nFROM a\n"),
            [3]
        );
    }

    #[test]
    fn a_misspelt_from_is_left_to_unknown_instruction() {
        assert_eq!(lines("SY004", "FORM alpine\nRUN x\n"), [] as [u32; 0]);
        assert_eq!(lines("SY004", "BUILD alpine\nRUN x\n"), [2]);
    }
}
