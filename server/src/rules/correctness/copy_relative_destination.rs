//! CO019 `copy-relative-destination`: `COPY`/`ADD` to a relative destination in a stage
//! that has not set a `WORKDIR`.

use crate::diagnostic::{Category, Severity};
use crate::layers::Base;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::is_top_level;
use crate::rules::correctness::workdir_relative_path::is_absolute;
use crate::rules::{Context, FixAvailability, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `COPY` or `ADD` to a relative destination in a stage without a `WORKDIR`.

## What it does
Flags a `COPY` or `ADD` whose destination is relative (`.`, `app/`) when neither the stage
nor a stage of this file it is built `FROM` has set a `WORKDIR` before. A destination
starting with a variable is taken as absolute, and so is a Windows path (`C:\app`). An
`ONBUILD COPY` is flagged when the stage sets no `WORKDIR` at all (nor an
`ONBUILD WORKDIR` before it), since the build that runs it starts in the image's last
working directory.

Stages built `FROM scratch` are left alone: their working directory is `/`, so the
destination is certain.

Differences from hadolint DL3045: hadolint checks `COPY` only, though `ADD` lands in the
same place; it flags stages built `FROM scratch`; and it keys stages without an `AS` name
by their base image, so a second unnamed stage on the same image inherits the first one's
`WORKDIR`. dlint follows each stage's own base:

```dockerfile
FROM scratch
# hadolint DL3045 here; dlint: fine, this is /app
COPY --from=build /out/app app
FROM golang:1.22
# dlint only: `ADD` to a relative destination
ADD vendor.tar.gz vendor/
```

## Why is this bad?
A relative destination is joined to the working directory of the base image, which the
Dockerfile does not show and which a new version of the base image may change: `COPY . .`
copies to `/` on one image, to `/usr/src/app` on another, and the `CMD` that expects the
files elsewhere breaks.

## Example
```dockerfile
FROM node:20-slim
COPY package.json .
```

Use instead:
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package.json .
```

## References
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
- [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
- [hadolint DL3045](https://github.com/hadolint/hadolint/wiki/DL3045)
";

/// A relative `ONBUILD COPY` of the current stage, reported at the stage's end unless the
/// stage sets a `WORKDIR` by then.
#[derive(Debug)]
struct Pending {
    kind: &'static str,
    dest: String,
    range: TextRange,
}

/// `COPY`/`ADD` to a relative destination in a stage without a `WORKDIR`; keeps what is
/// known of each stage's working directory.
#[derive(Debug, Default)]
pub struct CopyRelativeDestination {
    /// Per stage seen so far, by index: whether a `WORKDIR` is known (at its end, for the
    /// stages before the current one).
    workdir: Vec<bool>,
    /// Whether an `ONBUILD WORKDIR` of the current stage came before.
    onbuild_workdir: bool,
    pending: Vec<Pending>,
}

impl CopyRelativeDestination {
    pub const META: RuleMeta = RuleMeta {
        code: "CO019",
        name: "copy-relative-destination",
        category: Category::Correctness,
        severity: Severity::Warning,
        fix: FixAvailability::None,
        since: "0.1.0",
        upstream: Some("hadolint: DL3045"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };

    fn current(&self) -> bool {
        self.workdir.last().copied().unwrap_or(false)
    }

    /// Report the `ONBUILD COPY`s of the stage that ends.
    fn end_stage(&mut self, ctx: &mut Context<'_>) {
        let known = self.current();
        for p in self.pending.drain(..) {
            if !known {
                report(ctx, p.kind, &p.dest, p.range, true);
            }
        }
        self.onbuild_workdir = false;
    }
}

fn report(ctx: &mut Context<'_>, kind: &str, dest: &str, range: TextRange, onbuild: bool) {
    let where_ = if onbuild {
        "an `ONBUILD` of a stage without `WORKDIR`"
    } else {
        "a stage without `WORKDIR`"
    };
    ctx.report(
        &CopyRelativeDestination::META,
        range,
        format!(
            "`{kind}` to the relative destination `{dest}` in {where_}: it lands in the base image's working directory"
        ),
    )
    .with_help(format!(
        "Set `WORKDIR` (e.g. `WORKDIR /app`) before this `{kind}`, or copy to an absolute path"
    ));
}

impl Rule for CopyRelativeDestination {
    fn meta(&self) -> &'static RuleMeta {
        &CopyRelativeDestination::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let top = is_top_level(ctx.file, ins);
        match ins.kind {
            InstructionKind::From if top => {
                self.end_stage(ctx);
                let Some(stage) = ins.stage else { return };
                let known = match ctx.analysis().stages.get(stage).map(|s| &s.base) {
                    Some(Base::Scratch) => true,
                    Some(Base::Stage(i)) => self.workdir.get(*i).copied().unwrap_or(false),
                    _ => false,
                };
                self.workdir.resize(stage, false);
                self.workdir.push(known);
            }
            InstructionKind::Workdir => {
                if top {
                    if let Some(last) = self.workdir.last_mut() {
                        *last = true;
                    }
                } else {
                    self.onbuild_workdir = true;
                }
            }
            InstructionKind::Copy | InstructionKind::Add => {
                let words = ins.words();
                let [_, .., dest] = words else { return };
                let path = dest.value.trim_matches(['"', '\'']);
                if is_absolute(path) || self.workdir.is_empty() {
                    return;
                }
                let kind = ins.kind.as_str();
                if top {
                    if !self.current() {
                        report(ctx, kind, path, dest.range, false);
                    }
                } else if !self.onbuild_workdir {
                    self.pending.push(Pending {
                        kind,
                        dest: path.to_owned(),
                        range: dest.range,
                    });
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        self.end_stage(ctx);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "CO019";

    #[test]
    fn relative_destinations_without_workdir_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM node:20\nCOPY . .\n"),
            [(
                2,
                ".".to_owned(),
                "`COPY` to the relative destination `.` in a stage without `WORKDIR`: it lands in the base image's working directory".to_owned()
            )]
        );
        let text = "FROM a AS base\nADD x.tar app/\nCOPY --from=b [\"/x\", \"y\"]\n\
                    FROM base\nCOPY z z\nWORKDIR /srv\nCOPY w .\n";
        assert_eq!(lines(CODE, text), [2, 3, 5]);
    }

    #[test]
    fn absolute_inherited_and_scratch_are_clean() {
        let text = "FROM a AS base\nWORKDIR /src\nCOPY . .\nFROM base\nCOPY x y\n\
                    FROM scratch\nCOPY --from=base /src/app .\n\
                    FROM a\nCOPY x /abs\nCOPY y $DEST\nCOPY z \"/q\"\n\
                    FROM mcr.microsoft.com/windows/servercore\nCOPY a C:\\app\nCOPY b c:/app\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }

    #[test]
    fn onbuild_copies_need_a_workdir_by_the_end_of_the_stage() {
        assert_eq!(lines(CODE, "FROM a\nONBUILD COPY . .\n"), [2]);
        assert_eq!(
            lines(CODE, "FROM a\nONBUILD COPY . .\nWORKDIR /app\n"),
            [] as [u32; 0]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nONBUILD WORKDIR /app\nONBUILD COPY . .\nFROM b\nWORKDIR /x\n"
            ),
            [] as [u32; 0]
        );
    }
}
