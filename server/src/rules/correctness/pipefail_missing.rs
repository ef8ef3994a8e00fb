//! CO020 `pipefail-missing`: a pipe in a RUN whose shell does not fail when a command
//! before the last one fails.

use crate::diagnostic::{Applicability, Category, Edit, Fix, Severity};
use crate::layers::Base;
use crate::model::{Arguments, Instruction, InstructionKind, SourceMap};
use crate::rules::base_image::split_reference;
use crate::rules::common::{base_name, is_top_level, posix_script};
use crate::rules::{Context, FixAvailability, Rule, RuleMeta};
use crate::shell::{self, Command, Operator, ShellScript};
use crate::text::TextRange;

const DOCS: &str = r#"Checks for pipes in RUN instructions whose shell does not have `pipefail` set.

## What it does
Flags the first pipeline (`a | b`, not `a || b`) of a shell-form or heredoc RUN, in a POSIX
shell, when neither a `SHELL` with `-o pipefail` (`SHELL ["/bin/bash", "-o", "pipefail",
"-c"]`, `-eo pipefail`, any shell) is in force in the stage, or in the stage of this file
it is built `FROM`, nor a `set -o pipefail` (`set -euo pipefail`) runs before the pipe in
the same RUN. A pipeline in a command substitution assigned to a variable counts too
(`arch="$(dpkg --print-architecture | awk -F- '{ print $NF }')"`): the assignment's
status is the pipeline's.

Differences from hadolint DL4006, where hadolint misfires:
- `set -o pipefail` in the RUN counts (hadolint only looks at `SHELL`); busybox `sh`
  (Alpine) supports it, and where `/bin/sh` does not (Debian's and Ubuntu's `dash`), the
  RUN fails loudly instead;
- a `SHELL` is inherited by the stages built `FROM` its stage (hadolint forgets it at each
  `FROM`);
- a pipeline whose commands before the last are only `echo`, `printf`, `yes` or `true`
  is left alone: they cannot fail, and with `pipefail`, `yes | apt-get ...` fails the
  build with `SIGPIPE` once the reader exits;
- so is a pipeline followed by `|| true` or `|| :`, or inside another command's arguments
  (`echo "$(a | b)"`), whose status is ignored either way.

```dockerfile
FROM debian:12
# hadolint DL4006 here; dlint: fine, `echo` cannot fail
RUN echo "$SHA256  app.tgz" | sha256sum -c -
FROM alpine:3.20
# hadolint DL4006 here; dlint: fine, pipefail is set
RUN set -o pipefail && wget -qO- https://example.com/app.tgz | tar -xz
```

Pipes inside a script given as a string (`sh -c 'a | b'`) are not looked at.

## Why is this bad?
A pipeline's exit status is that of its last command: in `RUN curl -fsSL $URL | tar -xz`
a failed download (a 404, a timeout) still lets the RUN succeed when `tar` reads an empty
stream without complaint, or `RUN make | tee build.log` hides a broken build. The image is
built, cached and shipped without what the step was meant to put in it.

## Example
```dockerfile
FROM debian:12
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
```

Use instead:
```dockerfile
FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
```

## Fix safety
The fix starts the RUN with `set -o pipefail && `. It is offered only where the shell is
known to accept that: a stage on an Alpine or BusyBox image (BusyBox `sh`), or after a
`SHELL` of `bash`, `ash`, `zsh`, `ksh` or `mksh`. On Debian and Ubuntu images `/bin/sh` is
`dash`, whose releases up to 0.5.12 (Debian 12, Ubuntu 24.04) reject `set -o pipefail`
(`Illegal option -o pipefail`), so there the fix would break the build: add a `SHELL` with
`bash -o pipefail` instead. The
fix is unsafe: a build that succeeded while a piped command failed now fails, which is the
point, but changes what builds.

## References
- [Best practices: using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
- [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
- [hadolint DL4006](https://github.com/hadolint/hadolint/wiki/DL4006)
"#;

/// What is known of the shell of the current stage's RUNs.
#[derive(Debug, Clone, Copy, Default)]
struct ShellState {
    /// A `SHELL` with `-o pipefail` is in force.
    pipefail: bool,
    /// The shell is known to accept `set -o pipefail`.
    set_works: bool,
}

/// A pipe in a RUN without `pipefail`; keeps the shell state of each stage.
#[derive(Debug, Default)]
pub struct PipefailMissing {
    /// Per stage seen so far, by index: its shell state (at its end, for the stages
    /// before the current one).
    stages: Vec<ShellState>,
}

impl PipefailMissing {
    pub const META: RuleMeta = RuleMeta {
        code: "CO020",
        name: "pipefail-missing",
        category: Category::Correctness,
        severity: Severity::Warning,
        fix: FixAvailability::Sometimes,
        since: "0.1.0",
        upstream: Some("hadolint: DL4006"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

/// Whether shell options `args` turn `pipefail` on: `-o pipefail`, `-eo pipefail`.
fn sets_pipefail<'a>(args: impl Iterator<Item = &'a str>) -> bool {
    let args: Vec<&str> = args.collect();
    args.windows(2).any(|w| {
        w[0].starts_with('-') && !w[0].starts_with("--") && w[0].contains('o') && w[1] == "pipefail"
    })
}

/// Shells whose `set -o pipefail` works.
fn knows_pipefail(program: &str) -> bool {
    matches!(program, "bash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox")
}

/// Whether the `/bin/sh` of image `reference` is BusyBox's, which knows `pipefail`:
/// Alpine and BusyBox images and their variants (`python:3.12-alpine`).
fn busybox_image(reference: &str) -> bool {
    let (name, tag, _) = split_reference(reference);
    matches!(base_name(name), "alpine" | "busybox") || tag.is_some_and(|t| t.contains("alpine"))
}

/// Commands that cannot fail on their own: a pipeline fed only by them needs no
/// `pipefail` (and `yes` would fail with `SIGPIPE` under it).
fn cannot_fail(program: Option<&str>) -> bool {
    matches!(program, Some("echo" | "printf" | "yes" | "true" | ":"))
}

/// Whether a heredoc body starting with a `#!` line names an interpreter that is not a
/// shell (`#!/usr/bin/env python3`): then the body is not shell.
fn foreign_shebang(text: &str) -> bool {
    let Some(line) = text.strip_prefix("#!") else {
        return false;
    };
    let mut words = line.lines().next().unwrap_or("").split_whitespace();
    let mut program = words.next().map_or("", base_name);
    if program == "env" {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    !matches!(
        program,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh"
    )
}

/// A pipeline: its commands (producers, then the last one) by index, and the index of the
/// last command inside its last member.
struct Pipeline {
    members: Vec<usize>,
    end: usize,
}

/// The pipelines of a script, in source order. Commands nested in another one's
/// arguments (`$(...)`) follow it in the list; the operator after a command whose
/// arguments hold commands is recorded on the last of those.
fn pipelines(cmds: &[Command]) -> Vec<Pipeline> {
    let within = |outer: usize, inner: usize| {
        let (o, i) = (cmds[outer].range, cmds[inner].range);
        o.start <= i.start && i.end <= o.end
    };
    // The last command inside command `m` (itself when it has no nested ones).
    let end_of = |m: usize| {
        let mut j = m;
        while j + 1 < cmds.len() && within(m, j + 1) {
            j += 1;
        }
        j
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < cmds.len() {
        let mut end = end_of(i);
        if cmds[end].next != Some(Operator::Pipe) {
            i += 1;
            continue;
        }
        let mut members = vec![i];
        while end + 1 < cmds.len() {
            let m = end + 1;
            members.push(m);
            end = end_of(m);
            if cmds[end].next != Some(Operator::Pipe) {
                break;
            }
        }
        out.push(Pipeline { members, end });
        i = end + 1;
    }
    out
}

/// A pipeline that `pipefail` would make fail: where it is, its first command that may
/// fail, and its last command.
struct Unguarded {
    range: TextRange,
    producer: String,
    last: String,
}

/// The first pipeline of `script` that `pipefail` would make fail; see
/// [`unguarded_pipeline`] and [`unguarded_assignment`]. Pipelines in the arguments of a
/// command (`echo "$(a | b)"`, `export A="$(a | b)"`) are not: their status is lost.
fn first_unguarded(script: &ShellScript) -> Option<Unguarded> {
    let cmds = &script.commands;
    let set_at: Vec<(usize, u32)> = cmds
        .iter()
        .enumerate()
        .filter(|(_, c)| c.program() == Some("set") && sets_pipefail(c.arg_values()))
        .map(|(i, c)| (i, c.depth))
        .collect();
    // After a `set -o pipefail` at the same depth or above.
    let covered = |i: usize, depth: u32| set_at.iter().any(|&(s, d)| s < i && d <= depth);
    let piped = pipelines(cmds)
        .into_iter()
        .find_map(|p| unguarded_pipeline(cmds, &p, &covered).map(|u| (p.members[0], u)));
    let assigned = cmds.iter().enumerate().find_map(|(i, c)| {
        if c.name.is_some() || covered(i, c.depth) {
            return None;
        }
        c.env.iter().find_map(|w| {
            substitutions(&w.value)
                .iter()
                .find_map(|inner| first_unguarded(&shell::parse(inner, &SourceMap::default())))
                .map(|u| {
                    (
                        i,
                        Unguarded {
                            range: w.range,
                            ..u
                        },
                    )
                })
        })
    });
    match (piped, assigned) {
        (Some(p), Some(a)) => Some(if a.0 < p.0 { a.1 } else { p.1 }),
        (p, a) => p.or(a).map(|(_, u)| u),
    }
}

/// Pipeline `p` unless `pipefail` would change nothing for it: it is in another command's
/// arguments, comes after a `set -o pipefail` (`covered`), is fed only by commands that
/// cannot fail, or is followed by `|| true`.
fn unguarded_pipeline(
    cmds: &[Command],
    p: &Pipeline,
    covered: &dyn Fn(usize, u32) -> bool,
) -> Option<Unguarded> {
    let first = p.members[0];
    let inside = |outer: usize, inner: usize| {
        cmds[outer].range.start <= cmds[inner].range.start
            && cmds[inner].range.end <= cmds[outer].range.end
    };
    if (0..first).any(|k| inside(k, first)) {
        return None;
    }
    let depth = p.members.iter().map(|&m| cmds[m].depth).min()?;
    if covered(first, depth) {
        return None;
    }
    let ignored = cmds[p.end].next == Some(Operator::Or)
        && matches!(
            cmds.get(p.end + 1).and_then(Command::program),
            Some("true" | ":")
        );
    if ignored {
        return None;
    }
    // A producer that ends a group (`(echo a; echo b) | tee f`) stands for the
    // commands of the group before it: those deeper than the command it feeds. Commands
    // in another one's arguments (`echo "$(curl u)"`) cannot fail the pipeline.
    let after = |m: usize| {
        (m + 1..cmds.len())
            .find(|&j| !inside(m, j))
            .unwrap_or(cmds.len())
    };
    let mut producer = None;
    for (k, pair) in p.members.windows(2).enumerate() {
        let (m, next) = (pair[0], pair[1]);
        let floor = if k == 0 { 0 } else { after(p.members[k - 1]) };
        let mut start = m;
        if cmds[m].depth > cmds[next].depth {
            while start > floor && cmds[start - 1].depth > cmds[next].depth {
                start -= 1;
            }
        }
        producer = (start..=m)
            .filter(|&g| !(start..g).any(|o| inside(o, g)))
            .find(|&g| !cannot_fail(cmds[g].program()));
        if producer.is_some() {
            break;
        }
    }
    let producer = producer?;
    let last = p.members[p.members.len() - 1];
    let name = |i: usize| cmds[i].program().unwrap_or("the command").to_owned();
    Some(Unguarded {
        range: cmds[first].range.cover(cmds[last].range),
        producer: name(producer),
        last: name(last),
    })
}

/// The scripts of the command substitutions `$(...)` in an assignment's value (as
/// written after one level of quotes is removed); not `$((...))`.
fn substitutions(value: &str) -> Vec<&str> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = value[at..].find("$(") {
        let open = at + found + 2;
        if bytes.get(open) == Some(&b'(') {
            at = open + 1;
            continue;
        }
        // Up to the matching `)`, outside quotes.
        let mut depth = 1;
        let mut quote: Option<u8> = None;
        let mut pos = open;
        while pos < bytes.len() {
            let byte = bytes[pos];
            match quote {
                Some(q) => {
                    if byte == q {
                        quote = None;
                    }
                }
                None => match byte {
                    b'\\' => pos += 1,
                    b'\'' | b'"' => quote = Some(byte),
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                },
            }
            pos += 1;
        }
        if pos >= bytes.len() {
            break;
        }
        out.push(&value[open..pos]);
        at = pos + 1;
    }
    out
}

impl Rule for PipefailMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let top = is_top_level(ctx.file, ins);
        match ins.kind {
            InstructionKind::From if top => {
                let Some(stage) = ins.stage else { return };
                let state = match ctx.analysis().stages.get(stage).map(|s| &s.base) {
                    Some(Base::Stage(i)) => self.stages.get(*i).copied().unwrap_or_default(),
                    Some(Base::Image(reference)) => ShellState {
                        pipefail: false,
                        set_works: busybox_image(reference),
                    },
                    _ => ShellState::default(),
                };
                self.stages.resize(stage, ShellState::default());
                self.stages.push(state);
            }
            InstructionKind::Shell if top => {
                let Arguments::Exec(words) = &ins.args else {
                    return;
                };
                let Some((program, args)) = words.split_first() else {
                    return;
                };
                if let Some(state) = self.stages.last_mut() {
                    *state = ShellState {
                        pipefail: sets_pipefail(args.iter().map(|w| w.value.as_str())),
                        set_works: knows_pipefail(base_name(&program.value)),
                    };
                }
            }
            InstructionKind::Run => self.check_run(ins, ctx),
            _ => {}
        }
    }
}

impl PipefailMissing {
    fn check_run(&self, ins: &Instruction, ctx: &mut Context<'_>) {
        let state = self.stages.last().copied().unwrap_or_default();
        if state.pipefail {
            return;
        }
        let Some(script) = posix_script(ctx.file, ins) else {
            return;
        };
        if !ins.heredocs.is_empty() && foreign_shebang(&script.text) {
            return;
        }
        let Some(Unguarded {
            range,
            producer,
            last,
        }) = first_unguarded(script)
        else {
            return;
        };
        let cmds = &script.commands;
        let fix = match &ins.args {
            Arguments::Shell(form)
                if state.set_works
                    && ins.heredocs.is_empty()
                    && !script.has_error
                    && !cmds.iter().any(|c| c.next == Some(Operator::Background)) =>
            {
                Some(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        range: TextRange::empty(form.range.start),
                        content: "set -o pipefail && ".to_owned(),
                    }],
                })
            }
            _ => None,
        };
        ctx.report(
            &Self::META,
            range,
            format!(
                "`{producer}` is piped into `{last}` without `pipefail`: the RUN succeeds even when `{producer}` fails"
            ),
        )
        .with_help(
            "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN, or start it with `set -o pipefail &&` where `/bin/sh` supports it",
        )
        .set_fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "CO020";

    #[test]
    fn pipes_without_pipefail_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM debian\nRUN curl -fsSL u | tar -xz\n"),
            [(
                2,
                "curl -fsSL u | tar -xz".to_owned(),
                "`curl` is piped into `tar` without `pipefail`: the RUN succeeds even when `curl` fails".to_owned()
            )]
        );
        let text = "FROM debian AS a\nRUN x || y && make 2>&1 | tee log\n\
                    RUN <<EOF\napt-get update\ncat list | xargs apt-get install -y\nEOF\n\
                    SHELL [\"/bin/bash\", \"-c\"]\nRUN cat f | head -1\n\
                    RUN (set -o pipefail; a | b); c | d\nONBUILD RUN a | b\n\
                    FROM a\nRUN a | b\n";
        assert_eq!(lines(CODE, text), [2, 5, 8, 9, 10, 12]);
    }

    #[test]
    fn command_substitutions_are_found() {
        assert_eq!(
            super::substitutions("a=$(x | y)$((1 + 2))\"$(p ')' \"(\" q)\"$(open"),
            ["x | y", "p ')' \"(\" q"]
        );
    }

    #[test]
    fn groups_and_assignments_count_what_may_fail() {
        let text = "FROM debian\nRUN (echo a; curl -fsS u) | tee f\n\
                    RUN set -e; arch=\"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"\n\
                    RUN x $(y) ; a | b\n";
        let f = findings(CODE, text);
        let messages: Vec<(u32, &str)> = f.iter().map(|f| (f.0, f.2.as_str())).collect();
        assert_eq!(
            messages,
            [
                (
                    2,
                    "`curl` is piped into `tee` without `pipefail`: the RUN succeeds even when `curl` fails"
                ),
                (
                    3,
                    "`dpkg` is piped into `awk` without `pipefail`: the RUN succeeds even when `dpkg` fails"
                ),
                (
                    4,
                    "`a` is piped into `b` without `pipefail`: the RUN succeeds even when `a` fails"
                ),
            ]
        );
        assert!(f[1].1.starts_with("arch="));
        let clean = "FROM debian\nRUN (echo a; echo b) | tee f\n\
                     RUN arch=\"$(echo $TARGETARCH | sed s/amd64/x86_64/)\"\n\
                     RUN export A=\"$(a | b)\"\nRUN A=\"$(a | b)\" make\n\
                     RUN set -o pipefail; A=$(a | b)\nRUN echo \"$(curl u)\" | sh\n";
        assert_eq!(lines(CODE, clean), [] as [u32; 0]);
    }

    #[test]
    fn pipefail_and_harmless_pipes_are_clean() {
        let text = "FROM debian AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
                    RUN a | b\nFROM base\nRUN c | d\n\
                    FROM alpine\nRUN set -eux -o pipefail; apk add x | y\n\
                    RUN set -o pipefail && (a | b)\nRUN echo \"$SHA  f\" | sha256sum -c -\n\
                    RUN yes | apt-get install x\nRUN a | b || true\nRUN a || b\n\
                    RUN echo \"$(cat f | head -1)\"\n\
                    RUN [\"sh\", \"-c\", \"a | b\"]\nRUN sh -c 'a | b'\n\
                    SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN a | b\n\
                    FROM debian\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1 | 2)\nEOF\n\
                    SHELL [\"pwsh\", \"-c\"]\nRUN a | b\n";
        assert_eq!(lines(CODE, text), [] as [u32; 0]);
    }

    #[test]
    fn the_fix_needs_a_shell_that_knows_pipefail() {
        assert_eq!(
            fixed_and_clean(CODE, "FROM python:3.12-alpine\nRUN a | b && c\n"),
            "FROM python:3.12-alpine\nRUN set -o pipefail && a | b && c\n"
        );
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM debian\nSHELL [\"bash\", \"-c\"]\nRUN --mount=type=cache,target=/c a | b\n"
            ),
            "FROM debian\nSHELL [\"bash\", \"-c\"]\nRUN --mount=type=cache,target=/c set -o pipefail && a | b\n"
        );
        let no_fix = "FROM debian\nRUN a | b\nFROM alpine\nRUN a | b &\nRUN <<EOF\na | b\nEOF\n";
        let diags = diagnostics(CODE, no_fix);
        assert_eq!(diags.len(), 3);
        assert!(diags.iter().all(|d| d.fix.is_none()));
    }
}
