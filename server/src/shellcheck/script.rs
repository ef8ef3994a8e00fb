//! The scripts ShellCheck is given: one per RUN, in the shell that RUN runs in, with the
//! ARG and ENV names in scope declared, and a map from every byte of the script back to
//! the Dockerfile.
//!
//! The shell is BuildKit's `/bin/sh -c` unless `SHELL` (inherited by stages built `FROM`
//! a stage), `RUN bash <<EOF`, a heredoc's `#!` line or hadolint's `# hadolint shell=…`
//! comment says otherwise.
//!
//! A script is the RUN's body exactly as the shell receives it (continuations joined and
//! comment lines dropped, as BuildKit does; a heredoc body with its CRs removed), then,
//! after the body, a trailer that the map leaves unmapped:
//!
//! ```sh
//! <body>
//! export VERSION http_proxy ...   # the ARG and ENV names in scope
//! set -e                          # when SHELL (or the shebang) passes -e
//! ```
//!
//! The trailer goes last so that body line N is script line N, and so that a
//! `# shellcheck disable=` directive at the top of a heredoc body still applies to the
//! whole script. ShellCheck's "referenced but not assigned" (SC2154) and its `set -e`
//! checks look at the whole script, so declarations at the end count. A body that does
//! not parse gets no trailer: after an unfinished `foo &&` the trailer would complete the
//! command and hide the error.

use std::collections::BTreeSet;

use crate::model::{Arguments, Dockerfile, Instruction, InstructionKind};

/// The shell ShellCheck reads a script as (its `--shell`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Sh,
    Bash,
    Dash,
    Ksh,
}

impl Dialect {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sh => "sh",
            Self::Bash => "bash",
            Self::Dash => "dash",
            Self::Ksh => "ksh",
        }
    }

    /// The dialect of a shell program (`/bin/bash`, `sh`); `None` for programs ShellCheck
    /// cannot check (zsh, fish, python, ...). Like ShellCheck itself, ash and busybox are
    /// checked as dash.
    pub fn of_program(program: &str) -> Option<Self> {
        Some(match program.rsplit('/').next().unwrap_or(program) {
            "sh" => Self::Sh,
            "bash" => Self::Bash,
            "dash" | "ash" | "busybox" => Self::Dash,
            "ksh" | "ksh93" | "mksh" | "pdksh" => Self::Ksh,
            _ => return None,
        })
    }
}

/// The shell a RUN runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shell {
    /// `None`: a shell ShellCheck cannot check.
    pub dialect: Option<Dialect>,
    /// Whether it runs with `-e` (`SHELL ["/bin/sh", "-ec"]`, `#!/bin/sh -e`).
    pub errexit: bool,
}

/// `/bin/sh -c`, BuildKit's default on Linux.
pub(crate) const DEFAULT_SHELL: Shell = Shell {
    dialect: Some(Dialect::Sh),
    errexit: false,
};

impl Shell {
    /// A shell run as `program args...`.
    fn of_command<'a>(program: &str, args: impl IntoIterator<Item = &'a str>) -> Self {
        let mut errexit = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "-o" || arg == "+o" {
                if args.next() == Some("errexit") {
                    errexit = arg == "-o";
                }
            } else if let Some(letters) = arg.strip_prefix('-')
                && !letters.starts_with('-')
                && letters.contains('e')
            {
                errexit = true;
            }
        }
        Self {
            dialect: Dialect::of_program(program),
            errexit,
        }
    }

    /// The shell of a `SHELL ["/bin/bash", "-eo", "pipefail", "-c"]` instruction.
    fn of_instruction(ins: &Instruction) -> Option<Self> {
        let Arguments::Exec(items) = &ins.args else {
            return None;
        };
        let (program, args) = items.split_first()?;
        Some(Self::of_command(
            &program.value,
            args.iter().map(|a| a.value.as_str()),
        ))
    }

    /// The interpreter of a `#!` line: `#!/bin/sh -e`, `#!/usr/bin/env bash`.
    fn of_shebang(line: &str) -> Self {
        let mut words = line.trim_start_matches("#!").split_whitespace();
        let mut program = words.next().unwrap_or_default();
        if program.rsplit('/').next() == Some("env") {
            // `env -S bash -e`, `env bash`: skip env's own options.
            program = words.by_ref().find(|w| !w.starts_with('-')).unwrap_or("");
        }
        Self::of_command(program, words)
    }
}

/// Maps script offsets back to the Dockerfile: verbatim pieces, and unmapped text between
/// them (the trailer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScriptMap {
    /// `(script offset, source offset, length)`, sorted, not overlapping.
    pieces: Vec<(usize, usize, usize)>,
}

impl ScriptMap {
    fn push(&mut self, script: usize, source: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut()
            && last.0 + last.2 == script
            && last.1 + last.2 == source
        {
            last.2 += len;
            return;
        }
        self.pieces.push((script, source, len));
    }

    /// The source offset of the character at script offset `at`; in unmapped text, the
    /// end of the text mapped before it.
    pub fn start(&self, at: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.0 <= at);
        let (s, src, len) = *self.pieces.get(i.checked_sub(1)?)?;
        Some(src + (at - s).min(len))
    }

    /// The source offset just after the character before script offset `at`.
    pub fn end(&self, at: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.0 < at);
        let (s, src, len) = *self.pieces.get(i.checked_sub(1)?)?;
        Some(src + (at - s).min(len))
    }

    /// The source range of script range `[a, b)` when it lies in one verbatim piece (so an
    /// edit there can be made in the source).
    pub fn exact(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        let i = self.pieces.partition_point(|p| p.0 <= a);
        let (s, src, len) = *self.pieces.get(i.checked_sub(1)?)?;
        (b <= s + len).then(|| (src + (a - s), src + (b - s)))
    }
}

/// One RUN's script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Script {
    /// Index into [`Dockerfile::instructions`].
    pub instruction: usize,
    /// 1-based line of the RUN, for messages.
    pub line: u32,
    pub dialect: Dialect,
    pub text: String,
    pub map: ScriptMap,
    /// Where the trailer starts (the text's length when there is none).
    pub body_end: usize,
    /// Codes disabled by `# shellcheck disable=` comment lines inside the RUN's line
    /// continuation: BuildKit drops those lines, so ShellCheck never sees them.
    pub disabled: Vec<String>,
}

/// Builds a script and its map.
#[derive(Default)]
struct Builder {
    text: String,
    map: ScriptMap,
}

impl Builder {
    /// Append text copied from the source at `source`.
    fn mapped(&mut self, text: &str, source: usize) {
        self.map.push(self.text.len(), source, text.len());
        self.text.push_str(text);
    }

    /// Append a heredoc body found at `source`, with `\r\n` turned into `\n` (the `\n`
    /// maps to the `\r`).
    fn heredoc(&mut self, content: &str, source: usize) {
        let mut at = source;
        for line in content.split_inclusive('\n') {
            match line.strip_suffix("\r\n") {
                Some(body) => {
                    self.mapped(body, at);
                    self.map.push(self.text.len(), at + body.len(), 1);
                    self.text.push('\n');
                }
                None => self.mapped(line, at),
            }
            at += line.len();
        }
    }

    fn synthetic(&mut self, text: &str) {
        self.text.push_str(text);
    }
}

/// BuildKit's predefined proxy build arguments: in every RUN's environment without an
/// `ARG` (<https://docs.docker.com/build/building/variables/#pre-defined-build-arguments>).
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether `name` is a shell variable name.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The names an `ARG` or `ENV` declares.
fn declared(ins: &Instruction) -> Vec<String> {
    let words = ins.words();
    if ins.kind == InstructionKind::Env
        && let Some(first) = words.first()
        && !first.value.contains('=')
    {
        // Legacy `ENV NAME value`.
        return vec![first.value.clone()];
    }
    words
        .iter()
        .map(|w| w.value.split('=').next().unwrap_or_default().to_owned())
        .collect()
}

/// `env=NAME` of `RUN --mount=type=secret,id=x,env=NAME`.
fn mount_env(ins: &Instruction) -> Vec<String> {
    ins.flags
        .iter()
        .filter(|f| f.name.value == "mount")
        .filter_map(|f| f.value_str())
        .flat_map(|v| v.split(','))
        .filter_map(|kv| kv.strip_prefix("env="))
        .map(str::to_owned)
        .collect()
}

/// `# shellcheck disable=SC2086,SC2046` comment lines inside `ins`.
fn continuation_directives(file: &Dockerfile, ins: &Instruction) -> Vec<String> {
    file.comments
        .iter()
        .filter(|c| c.inside_instruction && ins.range.contains(c.range.start))
        .filter_map(|c| {
            let rest = c.text.strip_prefix("shellcheck")?;
            rest.starts_with(char::is_whitespace).then_some(rest)
        })
        .flat_map(|rest| {
            rest.split_whitespace()
                .filter_map(|kv| kv.strip_prefix("disable="))
                .flat_map(|codes| codes.split(','))
                .map(|code| code.trim().to_ascii_uppercase())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// hadolint's `# hadolint shell=powershell` comments (outside instructions): the shell of
/// the RUNs below, as a `SHELL` instruction there would set it. By position.
fn shell_pragmas(file: &Dockerfile) -> Vec<(usize, Shell)> {
    file.comments
        .iter()
        .filter(|c| !c.inside_instruction)
        .filter_map(|c| {
            let rest = c.text.strip_prefix("hadolint")?;
            let program = rest.trim_start().strip_prefix("shell=")?.trim();
            let mut words = program.split_whitespace();
            let program = words.next()?;
            Some((c.range.start, Shell::of_command(program, words)))
        })
        .collect()
}

/// Whether `text` is a shell script tree-sitter-bash reads without error.
fn parses(text: &str) -> bool {
    !crate::shell::parse(text, &crate::model::SourceMap::default()).has_error
}

/// The body of a RUN as its shell receives it, and the shell (when the RUN names one).
fn body(ins: &Instruction, source: &str, shell: Shell) -> Option<(Builder, Shell)> {
    let Arguments::Shell(form) = &ins.args else {
        return None;
    };
    let mut b = Builder::default();
    if ins.heredocs.is_empty() {
        for (t, src, len) in form.map.pieces() {
            b.mapped(form.text.get(t..t + len)?, src);
        }
        return Some((b, shell));
    }
    // Heredoc bodies are verbatim source lines.
    for h in &ins.heredocs {
        if source.get(h.body.start..h.body.start + h.content.len()) != Some(h.content.as_str()) {
            return None;
        }
    }
    let words: Vec<&str> = form.text.split_whitespace().collect();
    let markers = ins.heredocs.len();
    let first = &ins.heredocs[0];
    if words.len() == markers {
        // `RUN <<EOF`: the body is the script; with a `#!` line, BuildKit runs it as a
        // file with that interpreter, else it goes to the SHELL.
        let shell = if first.content.starts_with("#!") {
            Shell::of_shebang(first.content.lines().next().unwrap_or_default())
        } else {
            shell
        };
        b.heredoc(&first.content, first.body.start);
        return Some((b, shell));
    }
    if let Some((program, rest)) = words.split_first()
        && Dialect::of_program(program).is_some()
        && rest.iter().all(|w| w.starts_with('-') || w.contains("<<"))
    {
        // `RUN bash -e <<EOF`: that shell reads the body.
        let flags = rest.iter().copied().filter(|w| !w.contains("<<"));
        b.heredoc(&first.content, first.body.start);
        return Some((b, Shell::of_command(program, flags)));
    }
    // `RUN cat <<EOF > /etc/x`: the line, then the bodies, as a shell reads them.
    for (t, src, len) in form.map.pieces() {
        b.mapped(form.text.get(t..t + len)?, src);
    }
    b.map.push(b.text.len(), form.range.end, 1);
    b.text.push('\n');
    for h in &ins.heredocs {
        b.heredoc(&h.content, h.body.start);
        match h.terminator {
            Some(t) => b.mapped(&h.name, t.start + (t.len().saturating_sub(h.name.len()))),
            None => b.synthetic(&h.name),
        }
        b.synthetic("\n");
    }
    Some((b, shell))
}

/// The script of every RUN in a POSIX shell that ShellCheck can check, in file order.
pub(crate) fn scripts(file: &Dockerfile, source: &str) -> Vec<Script> {
    // ENV names and the shell at the end of each stage, for stages built FROM it.
    let mut ended: Vec<(BTreeSet<String>, Shell)> = Vec::new();
    let mut env: BTreeSet<String> = BTreeSet::new();
    let mut args: BTreeSet<String> = BTreeSet::new();
    let mut shell = DEFAULT_SHELL;
    let mut in_stage = false;
    let mut out = Vec::new();
    let pragmas = shell_pragmas(file);
    let mut pragma = 0;
    for (index, ins) in file.instructions.iter().enumerate() {
        while let Some(&(at, s)) = pragmas.get(pragma)
            && at < ins.range.start
        {
            shell = s;
            pragma += 1;
        }
        match ins.kind {
            InstructionKind::From => {
                if in_stage {
                    ended.push((std::mem::take(&mut env), shell));
                }
                in_stage = true;
                args.clear();
                let base = ins.words().first().map(|w| w.value.as_str());
                let parent = base.and_then(|base| {
                    file.stages.iter().take(ended.len()).position(|s| {
                        s.name
                            .as_ref()
                            .is_some_and(|n| n.value.eq_ignore_ascii_case(base))
                    })
                });
                (env, shell) = match parent {
                    Some(i) => ended[i].clone(),
                    None => (BTreeSet::new(), DEFAULT_SHELL),
                };
            }
            InstructionKind::Arg if in_stage => args.extend(declared(ins)),
            InstructionKind::Env if in_stage => env.extend(declared(ins)),
            InstructionKind::Shell => {
                if let Some(s) = Shell::of_instruction(ins) {
                    shell = s;
                }
            }
            _ => {}
        }
        let run = ins.effective();
        if run.kind != InstructionKind::Run || !ins.posix_shell || !in_stage {
            continue;
        }
        let Some((mut b, shell)) = body(run, source, shell) else {
            continue;
        };
        let Some(dialect) = shell.dialect else {
            continue;
        };
        let mut names: BTreeSet<&str> = env
            .iter()
            .chain(&args)
            .map(String::as_str)
            .chain(PREDEFINED.iter().copied())
            .collect();
        let secrets = mount_env(run);
        names.extend(secrets.iter().map(String::as_str));
        names.retain(|n| is_name(n));
        let body_len = b.text.len();
        let mut body_end = body_len;
        if parses(&b.text) {
            if !b.text.ends_with('\n') {
                b.synthetic("\n");
            }
            body_end = b.text.len();
            let list: Vec<&str> = names.into_iter().collect();
            b.synthetic(&format!("export {}\n", list.join(" ")));
            if shell.errexit {
                b.synthetic("set -e\n");
            }
        }
        out.push(Script {
            instruction: index,
            line: ins.start_line,
            dialect,
            text: b.text,
            map: b.map,
            body_end,
            disabled: continuation_directives(file, ins),
        });
    }
    out
}
