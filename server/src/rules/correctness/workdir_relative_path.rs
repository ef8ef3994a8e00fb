//! CO008 `workdir-relative-path`: a relative `WORKDIR` before any absolute one.

use crate::declare_rule;
use crate::layers::Base;
use crate::model::InstructionKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for a relative `WORKDIR` in a stage that has not set an absolute one.

## What it does
Flags `WORKDIR app` (a relative path) when neither the stage nor a stage of this file it
is built `FROM` has set an absolute `WORKDIR` before. Quotes do not count (`WORKDIR
"/opt/app"` is absolute), and a path starting with a variable is taken as absolute. Stages
built `FROM scratch` are left alone: their working directory is `/`, so the relative path is
certain.

Differences from hadolint DL3000: hadolint flags every relative `WORKDIR`, also one that
follows an absolute `WORKDIR` of the same stage. dlint, like BuildKit's
`WorkdirRelativePath` check, does not: there the path is relative to a directory the file
itself set, so the result is known.

```dockerfile
FROM alpine:3.20
WORKDIR /src
# hadolint DL3000 here; dlint: fine, this is /src/tools
WORKDIR tools
```

## Why is this bad?
A relative `WORKDIR` is joined to the working directory of the base image, which the
Dockerfile does not show and which a new base image version may change: `WORKDIR app` is
`/app` on one image and `/usr/src/app` on another, and every `COPY` to `.` follows it.

## Example
```dockerfile
FROM node:20-slim
WORKDIR app
COPY . .
```

Use instead:
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
```

## References
- [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
- [BuildKit check: WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
"#;

declare_rule! {
    /// A relative `WORKDIR` before any absolute one.
    pub struct WorkdirRelativePath;
    code: "CO008",
    name: "workdir-relative-path",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3000; buildkit: WorkdirRelativePath"),
    docs: DOCS,
}

/// Whether a WORKDIR path is absolute (or starts with a variable that may be); quotes
/// around the path (`"/opt/app"`, `'$HOME'`) do not count.
pub(crate) fn is_absolute(path: &str) -> bool {
    let path = path.trim_start_matches(['"', '\'']);
    let b = path.as_bytes();
    path.starts_with(['/', '\\', '$'])
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

impl Rule for WorkdirRelativePath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        // Per stage: whether the working directory is known at its end.
        let mut known: Vec<bool> = Vec::with_capacity(file.stages.len());
        for stage in &file.stages {
            let mut set = match ctx.analysis().stages[stage.index].base {
                Base::Scratch => true,
                Base::Stage(i) => known.get(i).copied().unwrap_or(false),
                _ => false,
            };
            for ins in file.stage_instructions(stage) {
                if ins.kind != InstructionKind::Workdir {
                    continue;
                }
                let Some(word) = ins.words().first() else {
                    continue;
                };
                if is_absolute(&word.value) {
                    set = true;
                } else if !set {
                    ctx.report(
                        &Self::META,
                        word.range,
                        format!(
                            "`WORKDIR {}` is relative to the base image's working directory, which this file does not set",
                            word.value
                        ),
                    )
                    .with_help(format!(
                        "Use an absolute path, e.g. `WORKDIR /{}`",
                        word.value.trim_matches(['"', '\'']).trim_start_matches("./")
                    ));
                }
            }
            known.push(set);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_relative_before_absolute() {
        let f = findings("CO008", "FROM img\nWORKDIR app\nWORKDIR /x\nWORKDIR y\n");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "app"));
    }

    #[test]
    fn inherited_scratch_and_variables_are_clean() {
        let text = "FROM img AS a\nWORKDIR /src\nFROM a\nWORKDIR sub\nFROM scratch\nWORKDIR x\n\
                    FROM img\nWORKDIR $HOME\nWORKDIR y\nFROM mcr.microsoft.com/windows\nWORKDIR C:\\app\n";
        assert_eq!(lines("CO008", text), [] as [u32; 0]);
    }

    #[test]
    fn quoted_paths_are_judged_without_their_quotes() {
        let text = "FROM img\nWORKDIR \"/usr/bin/app/\"\nFROM img\nWORKDIR \"${HOME}\"\n\
                    FROM img\nWORKDIR '/opt'\n";
        assert_eq!(lines("CO008", text), [] as [u32; 0]);
        assert_eq!(lines("CO008", "FROM img\nWORKDIR \"app\"\n"), [2]);
    }
}
