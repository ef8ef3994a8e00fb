//! CA002 `volatile-arg-early`: an `ARG` that changes at every build (`GIT_SHA`,
//! `BUILD_DATE`) declared before RUNs that do not use it.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Dockerfile, Instruction, InstructionKind};
use crate::rules::common::{instruction_texts, line_start, references, sequences, whole_lines};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for build arguments that change at every build declared before RUNs that do not use them.

## What it does
Flags an `ARG` whose name says that it changes from build to build (`BUILD_DATE`,
`GIT_COMMIT`, `GIT_SHA`, `VCS_REF`, `REVISION`, `SOURCE_COMMIT`, `CI_COMMIT_SHA`,
`GITHUB_SHA`, `BUILD_NUMBER`, ...) when a RUN after it in the stage does not use it. An
`ENV` that takes such a value (`ENV COMMIT=$GIT_SHA`) is flagged the same way.

Version-like names (`VERSION`, `APP_VERSION`, `RELEASE`) are flagged only when they have
no default value anywhere: `ARG VERSION=1.2.3` is a pin, not a per-build value; so are
names that merely end like a volatile one (`CRI_DOCKERD_COMMIT=d969e29f`) when they have
a real default. RUNs that use the variable (`$GIT_SHA`) are expected to rebuild when it
changes; only the RUNs before the first such use are reported. An `ARG` that no
instruction names is not reported either: a script the RUN calls probably reads it from
the environment.

## Why is this bad?
Every `ARG` declared before a RUN is part of that RUN's environment, so its value is part
of the RUN's cache key even when the command never reads it. A value that is new at every
build (a date, a commit) therefore rebuilds that RUN, and with it every later
instruction: the package installs and downloads right after `FROM` run again on every
commit.

Declare such arguments right before the instruction that uses them, usually a `LABEL`
near the end of the stage.

## Example
```dockerfile
FROM debian:bookworm-slim
ARG GIT_SHA
RUN apt-get update && apt-get install -y --no-install-recommends curl
LABEL org.opencontainers.image.revision=$GIT_SHA
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
ARG GIT_SHA
LABEL org.opencontainers.image.revision=$GIT_SHA
```

## Fix safety
When the `ARG` declares only this name on a line of its own and its first use comes after
the reported RUN, the fix moves the declaration to just before that use. It is unsafe:
the RUNs in between no longer see the variable in their environment, which matters if a
script they call reads it.

## References
- [Dockerfile reference: ARG and the build cache](https://docs.docker.com/reference/dockerfile/#impact-on-build-caching)
- [Docker: build cache invalidation](https://docs.docker.com/build/cache/invalidation/)
";

declare_rule! {
    /// An `ARG` that changes at every build declared before RUNs that do not use it.
    pub struct VolatileArgEarly;
    code: "CA002",
    name: "volatile-arg-early",
    category: Cache,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Names of values that are new at every build.
const VOLATILE: &[&str] = &[
    "BUILD_DATE",
    "BUILDDATE",
    "BUILD_TIME",
    "BUILD_TIMESTAMP",
    "BUILD_NUMBER",
    "BUILD_ID",
    "GIT_COMMIT",
    "GIT_SHA",
    "GIT_HASH",
    "GIT_REV",
    "GIT_REVISION",
    "GIT_COMMIT_SHA",
    "GIT_COMMIT_HASH",
    "COMMIT",
    "COMMIT_SHA",
    "COMMIT_HASH",
    "COMMIT_ID",
    "REVISION",
    "VCS_REF",
    "VCS_REVISION",
    "SOURCE_COMMIT",
    "CI_COMMIT_SHA",
    "CI_COMMIT_SHORT_SHA",
    "CI_PIPELINE_ID",
    "CI_JOB_ID",
    "GITHUB_SHA",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER",
];

/// Endings that make any name volatile: `APP_GIT_COMMIT`, `DOCKER_BUILD_DATE`.
const VOLATILE_SUFFIXES: &[&str] = &[
    "_GIT_COMMIT",
    "_GIT_SHA",
    "_GIT_HASH",
    "_COMMIT",
    "_COMMIT_SHA",
    "_COMMIT_HASH",
    "_BUILD_DATE",
    "_BUILD_TIME",
    "_BUILD_NUMBER",
    "_VCS_REF",
    "_REVISION",
];

/// Names that change with each release, volatile only when nothing gives them a default.
const VERSION_LIKE: &[&str] = &[
    "VERSION",
    "APP_VERSION",
    "BUILD_VERSION",
    "IMAGE_VERSION",
    "RELEASE_VERSION",
    "PROJECT_VERSION",
    "RELEASE",
    "IMAGE_TAG",
    "DOCKER_TAG",
];

fn volatile_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    VOLATILE.contains(&upper.as_str()) || VOLATILE_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// Whether a default value only stands in for the real one (`unknown`, `HEAD`, empty).
fn placeholder(value: &str) -> bool {
    let v = value
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    matches!(
        v.as_str(),
        "" | "unknown"
            | "unspecified"
            | "undefined"
            | "unset"
            | "head"
            | "dev"
            | "devel"
            | "local"
            | "none"
            | "n/a"
            | "na"
            | "0"
            | "-"
            | "latest"
            | "snapshot"
    )
}

/// Whether `ARG name[=default]` in a stage of `file` declares a per-build value.
fn volatile_arg(file: &Dockerfile, name: &str, default: Option<&str>) -> bool {
    let upper = name.to_ascii_uppercase();
    if VOLATILE.contains(&upper.as_str()) {
        return true;
    }
    if VOLATILE_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        // `CRI_DOCKERD_COMMIT=d969e29f` pins a dependency.
        return default.is_none_or(placeholder);
    }
    if !VERSION_LIKE.contains(&name.to_ascii_uppercase().as_str()) || default.is_some() {
        return false;
    }
    // A bare `ARG VERSION` in a stage takes the default of a global `ARG VERSION=...`.
    !file.global_instructions().iter().any(|i| {
        i.kind == InstructionKind::Arg
            && i.words()
                .iter()
                .any(|w| w.value.split_once('=').is_some_and(|(n, _)| n == name))
    })
}

/// `ARG a=1 b` → `[(a, Some(1), range), (b, None, range)]`.
fn arg_decls(ins: &Instruction) -> Vec<(&str, Option<&str>, TextRange)> {
    ins.words()
        .iter()
        .map(|w| match w.value.split_once('=') {
            Some((k, v)) => (k, Some(v), w.range),
            None => (w.value.as_str(), None, w.range),
        })
        .collect()
}

/// `ENV a=1 b=2` → pairs with ranges; legacy `ENV a 1` → one pair.
fn env_pairs(ins: &Instruction) -> Vec<(&str, &str, TextRange)> {
    let words = ins.words();
    match words.first() {
        Some(first) if !first.value.contains('=') => {
            let value = words.get(1).map_or("", |w| w.value.as_str());
            vec![(first.value.as_str(), value, first.range)]
        }
        _ => words
            .iter()
            .filter_map(|w| w.value.split_once('=').map(|(k, v)| (k, v, w.range)))
            .collect(),
    }
}

/// A declaration being followed through its stage.
struct Tracked<'a> {
    name: &'a str,
    /// `ARG` or `ENV`.
    keyword: &'static str,
    decl: &'a Instruction,
    /// Index of `decl` in its sequence.
    at: usize,
    range: TextRange,
}

/// Whether an instruction uses `name` in a way that rebuilds the layers after it anyway.
fn rebuilds_with(ins: &Instruction, name: &str) -> bool {
    matches!(
        ins.kind,
        InstructionKind::Run
            | InstructionKind::Copy
            | InstructionKind::Add
            | InstructionKind::Workdir
            | InstructionKind::Env
    ) && instruction_texts(ins).iter().any(|t| references(t, name))
}

impl VolatileArgEarly {
    fn report(
        ctx: &mut Context<'_>,
        tracked: &Tracked<'_>,
        run: &Instruction,
        instructions: &[&Instruction],
    ) {
        let Tracked {
            name,
            keyword,
            decl,
            at,
            range,
        } = *tracked;
        let message = format!(
            "`{keyword} {name}` before the RUN on line {}: a new value at every build \
             rebuilds that layer and everything after it",
            run.start_line
        );
        // The first use at all after the declaration; moving there helps only when it
        // comes after the RUN.
        let first_use = instructions[at + 1..]
            .iter()
            .find(|i| instruction_texts(i).iter().any(|t| references(t, name)));
        let help = match first_use {
            Some(u) if u.range.start > run.range.start => format!(
                "Declare `{name}` right before its first use, the {} on line {}",
                u.kind.as_str(),
                u.start_line
            ),
            _ => format!(
                "Declare `{name}` right before the instruction that uses it, typically a \
                 `LABEL` at the end of the stage"
            ),
        };
        let fix = first_use
            .filter(|u| u.range.start > run.range.start)
            .and_then(|u| Self::move_edits(ctx, decl, u));
        let diagnostic = ctx.report(&Self::META, range, message).with_help(help);
        if let Some(edits) = fix {
            diagnostic.set_fix(Fix {
                applicability: Applicability::Unsafe,
                edits,
            });
        }
    }

    /// Move a one-name, one-line declaration to the line before `target`.
    fn move_edits(
        ctx: &Context<'_>,
        decl: &Instruction,
        target: &Instruction,
    ) -> Option<Vec<Edit>> {
        if decl.start_line != decl.end_line || decl.words().len() != 1 || decl.onbuild.is_some() {
            return None;
        }
        let lines = whole_lines(ctx.source, decl)?;
        let at = line_start(ctx.source, target.range.start);
        if !ctx.source[at..target.range.start].trim().is_empty() {
            return None;
        }
        let line = decl.range.slice(ctx.source).trim_end();
        let newline = if ctx.source[lines.start..lines.end].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        Some(vec![
            Edit {
                range: lines,
                content: String::new(),
            },
            Edit {
                range: TextRange::empty(at),
                content: format!("{line}{newline}"),
            },
        ])
    }
}

impl Rule for VolatileArgEarly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        for seq in sequences(ctx.file) {
            if seq.onbuild {
                continue;
            }
            let instructions = &seq.instructions;
            let mut tracked: Vec<Tracked<'_>> = Vec::new();
            for (n, &ins) in instructions.iter().enumerate() {
                // Uses first: an instruction that uses a tracked name rebuilds anyway.
                let mut absorbed: Vec<&str> = Vec::new();
                let mut i = 0;
                while i < tracked.len() {
                    let t = &tracked[i];
                    if rebuilds_with(ins, t.name) {
                        absorbed.push(t.name);
                        tracked.remove(i);
                    } else if ins.kind == InstructionKind::Run {
                        // An `ARG` that nothing names is read, if at all, by a script
                        // through the environment: such a RUN must see it.
                        let named = t.keyword == "ENV"
                            || instructions[t.at + 1..].iter().any(|i| {
                                instruction_texts(i).iter().any(|x| references(x, t.name))
                            });
                        if named {
                            Self::report(ctx, t, ins, instructions);
                        }
                        tracked.remove(i);
                    } else {
                        i += 1;
                    }
                }
                match ins.kind {
                    InstructionKind::Arg => {
                        for (name, default, range) in arg_decls(ins) {
                            if volatile_arg(ctx.file, name, default) {
                                tracked.retain(|t| t.name != name);
                                tracked.push(Tracked {
                                    name,
                                    keyword: "ARG",
                                    decl: ins,
                                    at: n,
                                    range,
                                });
                            }
                        }
                    }
                    InstructionKind::Env => {
                        for (name, value, range) in env_pairs(ins) {
                            let carries = (volatile_name(name) && value.contains('$'))
                                || absorbed.iter().any(|a| references(value, a));
                            if carries {
                                tracked.retain(|t| t.name != name);
                                tracked.push(Tracked {
                                    name,
                                    keyword: "ENV",
                                    decl: ins,
                                    at: n,
                                    range,
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    #[test]
    fn flags_volatile_args_before_runs_that_do_not_use_them() {
        let text = "FROM a\nARG GIT_SHA\nRUN make\nLABEL rev=$GIT_SHA\n";
        let f = findings("CA002", text);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "GIT_SHA"));
        assert_eq!(
            f[0].2,
            "`ARG GIT_SHA` before the RUN on line 3: a new value at every build rebuilds that \
             layer and everything after it"
        );
        assert_eq!(
            diagnostics("CA002", text)[0].help.as_deref(),
            Some("Declare `GIT_SHA` right before its first use, the LABEL on line 4")
        );
        assert_eq!(
            fixed_and_clean("CA002", text),
            "FROM a\nRUN make\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n"
        );
    }

    #[test]
    fn names_defaults_and_suffixes() {
        let text = "ARG VERSION=1\nFROM a\nARG BUILD_DATE=unknown APP_GIT_COMMIT VERSION\n\
                    ARG RELEASE=2.0 CACHEBUST=1 NODE_VERSION TOOL_COMMIT=d969e29f LIB_COMMIT=HEAD\n\
                    RUN make\n\
                    LABEL a=$BUILD_DATE b=$APP_GIT_COMMIT c=$VERSION d=$RELEASE e=$CACHEBUST \\\n  \
                    f=$NODE_VERSION g=$TOOL_COMMIT h=$LIB_COMMIT\n";
        let f = findings("CA002", text);
        let names: Vec<&str> = f.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(
            names,
            ["BUILD_DATE=unknown", "APP_GIT_COMMIT", "LIB_COMMIT=HEAD"]
        );
        // Only one name on its line can move.
        assert!(diagnostics("CA002", text).iter().all(|d| d.fix.is_none()));
        // A name no instruction mentions is for a script's environment.
        let script = "FROM a\nARG VERSION\nARG GIT_COMMIT\nRUN ./hack/make.sh\n";
        assert_eq!(lines("CA002", script), [] as [u32; 0]);
        let bare = "FROM a\nARG VERSION\nRUN make\nLABEL v=$VERSION\n";
        assert_eq!(lines("CA002", bare), [2]);
    }

    #[test]
    fn runs_that_use_the_value_rebuild_anyway() {
        let text = "FROM a\nARG VERSION\nARG GIT_COMMIT\n\
                    RUN curl -o /x https://e.com/v${VERSION}/x && echo \"$GIT_COMMIT\" > /rev\n\
                    RUN make\n";
        assert_eq!(lines("CA002", text), [] as [u32; 0]);
        // The use in a heredoc body counts; the RUN before it is reported.
        let heredoc =
            "FROM a\nARG GIT_SHA\nRUN apt-get update\nRUN <<EOF\necho $GIT_SHA > /rev\nEOF\n";
        assert_eq!(lines("CA002", heredoc), [2]);
        assert_eq!(
            fixed_and_clean("CA002", heredoc),
            "FROM a\nRUN apt-get update\nARG GIT_SHA\nRUN <<EOF\necho $GIT_SHA > /rev\nEOF\n"
        );
    }

    #[test]
    fn env_carriers() {
        // The ENV right after the ARG takes over: it is what the RUN sees.
        let text = "FROM a\nARG GIT_SHA\nENV APP_REV=$GIT_SHA\nRUN make\n";
        let f = findings("CA002", text);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (3, "APP_REV=$GIT_SHA"));
        assert!(f[0].2.starts_with("`ENV APP_REV` before the RUN on line 4"));
        // A literal ENV is a constant.
        let literal = "FROM a\nENV BUILD_DATE=2024-01-01\nRUN make\n";
        assert_eq!(lines("CA002", literal), [] as [u32; 0]);
    }

    #[test]
    fn label_uses_before_the_run_leave_no_fix() {
        let text =
            "FROM a\nARG BUILD_DATE\nARG VCS_REF\nLABEL a=$BUILD_DATE b=$VCS_REF\nRUN make\n";
        let d = diagnostics("CA002", text);
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.fix.is_none()));
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Declare `BUILD_DATE` right before the instruction that uses it, typically a \
                 `LABEL` at the end of the stage"
            )
        );
    }

    #[test]
    fn stages_global_args_and_onbuild() {
        // A global ARG is not in any stage's environment.
        let text = "ARG GIT_SHA\nFROM a\nRUN make\nLABEL r=$GIT_SHA\nFROM b\nARG GIT_SHA\nCOPY . .\n\
                    RUN make\nLABEL r=$GIT_SHA\nONBUILD ARG BUILD_DATE\nONBUILD RUN make\n\
                    ONBUILD LABEL d=$BUILD_DATE\n";
        assert_eq!(lines("CA002", text), [6]);
    }

    #[test]
    fn crlf_move() {
        let text = "FROM a\r\nARG GIT_SHA\r\nRUN make\r\nRUN echo $GIT_SHA\r\n";
        assert_eq!(
            fixed_and_clean("CA002", text),
            "FROM a\r\nRUN make\r\nARG GIT_SHA\r\nRUN echo $GIT_SHA\r\n"
        );
    }
}
