//! SZ014 `copy-whole-filesystem`: `COPY --from=stage / /`, the whole filesystem of another
//! stage or image copied into a new layer.

use std::collections::HashMap;

use crate::declare_rule;
use crate::layers::Base;
use crate::layers::analysis::copy_sources;
use crate::layers::dockerignore::clean;
use crate::model::{Instruction, InstructionKind};
use crate::rules::correctness::util::rooted_in_scratch;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for a `COPY --from` of the whole filesystem of another stage or image.

## What it does
Flags `COPY --from=<stage or image> / /`: a source that is the root of the other stage
(`/`, `.`, `/*`) copied to the root of this one.

Differences from hadolint's DL3067, on purpose: two uses where nothing is stored twice are
left alone, which hadolint flags.
- The source is a stage of this file built `FROM scratch` (directly or through other
  stages): its filesystem is only the files it was given, such as a `binaries` stage.
- The copy is the first thing a stage built `FROM scratch` does: the way to flatten a stage
  into one layer, dropping the files its later layers removed (`FROM scratch` then
  `COPY --from=build / /`).

## Why is this bad?
Every file of the other stage, those of its base image included, is stored again in the new
layer: the operating system, package caches, build tools and whatever the stage removed in
a later layer. When this stage has a base image of its own, the copy also hides the base
image's files under copies of the other stage's versions of them, so the image carries both.
Copying the directories the image needs, or building this stage `FROM` the other one,
stores each file once.

## Example
```dockerfile
FROM debian:12 AS build
RUN apt-get update && apt-get install -y build-essential && make -C /src
FROM debian:12
COPY --from=build / /
```

Use instead:
```dockerfile
FROM debian:12 AS build
RUN apt-get update && apt-get install -y build-essential && make -C /src
FROM debian:12
COPY --from=build /src/out/ /usr/local/bin/
```

## References
- [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
- [Docker: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [hadolint DL3067](https://github.com/hadolint/hadolint/wiki/DL3067)
";

declare_rule! {
    /// `COPY --from=stage / /`: a whole filesystem copied into a new layer.
    pub struct CopyWholeFilesystem;
    code: "SZ014",
    name: "copy-whole-filesystem",
    category: Size,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3067"),
    docs: DOCS,
}

/// Whether a path is the root of a filesystem (a source of `COPY --from` is read from the
/// other stage's root, so `.` is its root too).
fn is_root(path: &str, source: bool) -> bool {
    let unquoted = path.trim_matches(|c| c == '"' || c == '\'');
    let cleaned = clean(unquoted);
    // `clean` turns `/`, `/.` and `//` into `` and `.`, `./` into `.`.
    cleaned.is_empty() || (source && (cleaned == "." || cleaned == "*"))
}

impl Rule for CopyWholeFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// One pass over the stages in order: a stage name is visible to `--from` once its
    /// `FROM` has been seen.
    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let mut names: HashMap<String, usize> = HashMap::new();
        for stage in &file.stages {
            // Built `FROM scratch`, and nothing in it has written files yet.
            let mut empty_scratch = matches!(
                ctx.analysis().stages.get(stage.index).map(|s| &s.base),
                Some(Base::Scratch)
            );
            for ins in file.stage_instructions(stage) {
                let first_write = empty_scratch
                    && matches!(
                        ins.kind,
                        InstructionKind::Copy | InstructionKind::Add | InstructionKind::Run
                    );
                if first_write {
                    empty_scratch = false;
                }
                if let Some(found) = whole_copy(ins) {
                    // The stage `--from` names, when this file builds it before this one.
                    let from = found
                        .from
                        .parse::<usize>()
                        .ok()
                        .or_else(|| names.get(&found.from.to_ascii_lowercase()).copied());
                    let from = from.filter(|&i| i < stage.index);
                    if !first_write && !from.is_some_and(|i| rooted_in_scratch(ctx, i)) {
                        report(ctx, ins, &found, from.is_some());
                    }
                }
                // An `ONBUILD` trigger copies in a later build, from that build's stages.
                if let Some(found) = ins.onbuild.as_deref().and_then(whole_copy) {
                    report(ctx, ins.effective(), &found, false);
                }
            }
            if let Some(name) = &stage.name {
                names
                    .entry(name.value.to_ascii_lowercase())
                    .or_insert(stage.index);
            }
        }
    }
}

/// A `COPY --from` of a whole filesystem to the root: the `--from` value and the source.
struct WholeCopy {
    from: String,
    source: String,
}

fn whole_copy(ins: &Instruction) -> Option<WholeCopy> {
    if ins.kind != InstructionKind::Copy {
        return None;
    }
    let from = ins.flag("from")?.value_str()?;
    if from.is_empty() || from.contains('$') {
        return None;
    }
    let (sources, dest) = copy_sources(ins);
    if !is_root(&dest?, false) {
        return None;
    }
    let source = sources.into_iter().find(|s| is_root(s, true))?;
    Some(WholeCopy {
        from: from.to_owned(),
        source,
    })
}

fn report(ctx: &mut Context<'_>, ins: &Instruction, found: &WholeCopy, is_stage: bool) {
    let WholeCopy { from, source } = found;
    let what = if is_stage {
        format!("stage `{from}`")
    } else {
        format!("`{from}`")
    };
    let range = ins
        .words()
        .iter()
        .find(|w| &w.value == source)
        .map_or(ins.range, |w| w.range);
    ctx.report(
        &CopyWholeFilesystem::META,
        range,
        format!(
            "`COPY --from={from} {source} /` copies the whole filesystem of {what} into one \
             new layer: every file of it, its base image's included, is stored again"
        ),
    )
    .with_help(format!(
        "Copy only what the image needs (`COPY --from={from} /path/to/output /dest/`), or \
         build this stage `FROM {from}`"
    ));
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SZ014";

    #[test]
    fn whole_filesystems_are_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM debian AS build\nRUN make\nFROM debian\nCOPY --from=build / /\n"
            ),
            [(
                4,
                "/".to_owned(),
                "`COPY --from=build / /` copies the whole filesystem of stage `build` into one \
                 new layer: every file of it, its base image's included, is stored again"
                    .to_owned()
            )]
        );
        let text = "FROM a AS build\nFROM golang\nCOPY --from=tonistiigi/xx / /\n\
                    COPY --link --from=BUILD \"/\" \"/\"\nCOPY --from=0 . /.\nCOPY --from=build /* /\n\
                    ONBUILD COPY --from=build / /\n";
        assert_eq!(lines(CODE, text), [3, 4, 5, 6, 7]);
        // After something was written, a copy into a scratch stage is a second filesystem.
        assert_eq!(
            lines(
                CODE,
                "FROM a AS build\nFROM scratch\nCOPY x /x\nCOPY --from=build / /\n"
            ),
            [4]
        );
    }

    #[test]
    fn parts_scratch_stages_and_flattening_are_clean() {
        for text in [
            "FROM a AS build\nFROM b\nCOPY --from=build /app /app\nCOPY --from=build / /opt/\n",
            "FROM a AS build\nFROM b\nCOPY / /\nCOPY --from=$STAGE / /\n",
            // A stage built from scratch holds only what it was given.
            "FROM scratch AS bin\nCOPY app /\nFROM bin AS more\nFROM alpine\nCOPY --from=bin / /\n\
             COPY --from=more / /\n",
            // Flattening: the first write of a scratch stage.
            "FROM debian AS build\nRUN make\nFROM scratch\nCOPY --from=build / /\nCMD [\"/app\"]\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
