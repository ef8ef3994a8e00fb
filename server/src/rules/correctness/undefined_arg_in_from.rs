//! CO005 `undefined-arg-in-from`: `FROM` using a variable that no global `ARG` declares.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::correctness::util::{PLATFORM_ARGS, near_miss, stage_of, sub_range, var_refs};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `FROM` using a variable that no `ARG` before the first `FROM` declares.

## What it does
Flags a variable in a `FROM` image or `--platform` value that is neither declared by an
`ARG` before the first `FROM` nor one of the platform arguments BuildKit always defines
(`TARGETPLATFORM`, `BUILDARCH`, ...). A name close to a declared one is reported with it.

## Why is this bad?
`FROM` sees only the global `ARG`s: those before the first `FROM`. An `ARG` declared
inside a stage, or a variable never declared, expands to the empty string, so
`FROM python:${PY_VERSION}` becomes `FROM python:` (an invalid reference) and
`FROM ${BASE_IMAGE}` becomes nothing. A `--build-arg` does not help either: an undeclared
build argument is ignored.

## Example
```dockerfile
ARG VERSION=3.20
FROM alpine:${VERSOIN}
```

Use instead:
```dockerfile
ARG VERSION=3.20
FROM alpine:${VERSION}
```

## References
- [Dockerfile reference: understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
- [BuildKit check: UndefinedArgInFrom](https://docs.docker.com/reference/build-checks/undefined-arg-in-from/)
";

declare_rule! {
    /// `FROM` using a variable that no global `ARG` declares.
    pub struct UndefinedArgInFrom;
    code: "CO005",
    name: "undefined-arg-in-from",
    category: Correctness,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("buildkit: UndefinedArgInFrom"),
    docs: DOCS,
}

impl Rule for UndefinedArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let Some(stage) = stage_of(ins, ctx) else {
            return;
        };
        let globals: Vec<String> = ctx.analysis().global_args.keys().cloned().collect();
        let words = stage.base.iter().chain(stage.platform.iter());
        for word in words {
            for r in var_refs(&word.value, ctx.file.escape) {
                if globals.contains(&r.name) || PLATFORM_ARGS.contains(&r.name.as_str()) {
                    continue;
                }
                let range = sub_range(word, r.range);
                let candidates = globals
                    .iter()
                    .map(String::as_str)
                    .chain(PLATFORM_ARGS.iter().copied());
                let suggestion = near_miss(&r.name, candidates);
                let d = ctx.report(
                    &Self::META,
                    range,
                    format!(
                        "`{}` is not declared by an `ARG` before the first `FROM`, so it expands to an empty string here",
                        r.name
                    ),
                );
                match suggestion {
                    Some(s) => {
                        d.with_help(format!("Did you mean `{s}`?"));
                    }
                    None => {
                        d.with_help(format!(
                            "Declare `ARG {}=<default>` before the first `FROM`",
                            r.name
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    #[test]
    fn flags_undeclared_and_stage_args() {
        let text = "ARG VERSION=1\nFROM alpine:${VERSOIN}\nARG BASE=x\nFROM $BASE\n";
        let f = findings("CO005", text);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "${VERSOIN}"));
        assert_eq!((f[1].0, f[1].1.as_str()), (4, "$BASE"));
        assert_eq!(
            diagnostics("CO005", text)[0].help.as_deref(),
            Some("Did you mean `VERSION`?")
        );
    }

    #[test]
    fn globals_and_platform_args_are_clean() {
        let text = "ARG BASE\nARG TAG=1\nFROM --platform=$BUILDPLATFORM ${BASE:-alpine}:$TAG\n\
                    FROM --platform=${TARGETPLATFORM} img\n";
        assert_eq!(lines("CO005", text), [] as [u32; 0]);
    }
}
