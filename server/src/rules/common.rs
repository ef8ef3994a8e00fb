//! Helpers shared by the rules of several categories: program calls seen through wrappers
//! (`sudo`, `env`, `sh -c '...'`), `apt` and `pip` calls; for the `cache` and `layers`
//! rules, the instruction sequences of a file, references to variables, and the edit that
//! merges consecutive RUNs into one.

use crate::diagnostic::Edit;
use crate::model::{Arguments, Dockerfile, Instruction, InstructionKind};
use crate::rules::Context;
use crate::shell::{Command, Operator, ShellScript, Word};
use crate::text::TextRange;

// ---------------------------------------------------------------------------------------
// Build-context facts
// ---------------------------------------------------------------------------------------

/// Whether the build context has a `.dockerignore` (or `<Dockerfile>.dockerignore`);
/// `None` when the context is unknown, as it is when only the text is checked.
pub(crate) fn dockerignore_exists(ctx: &Context<'_>) -> Option<bool> {
    ctx.facts.has_dockerignore
}

// ---------------------------------------------------------------------------------------
// Instruction sequences
// ---------------------------------------------------------------------------------------

/// The instructions that run one after the other in one build: those of each stage, in
/// order (an `ONBUILD` wrapper stays in its place, as an instruction that runs nothing);
/// then, per stage that has any, its `ONBUILD` triggers unwrapped (they run in that order
/// in a build based on the image).
#[derive(Debug)]
pub(crate) struct Sequence<'a> {
    pub instructions: Vec<&'a Instruction>,
    /// True for `ONBUILD` triggers: they cannot be edited like plain instructions.
    pub onbuild: bool,
}

pub(crate) fn sequences(file: &Dockerfile) -> Vec<Sequence<'_>> {
    let mut out = Vec::new();
    for stage in &file.stages {
        let all = file.stage_instructions(stage);
        out.push(Sequence {
            instructions: all.iter().collect(),
            onbuild: false,
        });
        let triggers: Vec<&Instruction> = all.iter().filter_map(|i| i.onbuild.as_deref()).collect();
        if !triggers.is_empty() {
            out.push(Sequence {
                instructions: triggers,
                onbuild: true,
            });
        }
    }
    out
}

/// Whether RUNs of `stage_instructions` before `ins` run in a POSIX shell: not after a
/// `SHELL` of PowerShell or `cmd`, and not on a Windows base image.
pub(crate) fn posix_shell(_file: &Dockerfile, ins: &Instruction) -> bool {
    ins.posix_shell
}

/// For each stage, whether its layers end up in an image that is shipped: the last stage,
/// any stage no other stage uses (another `--target`), and the stages these are built
/// `FROM`. A builder whose files are only copied out (`COPY --from`) is not shipped: the
/// size of its layers does not matter.
pub(crate) fn shipped_stages(file: &Dockerfile) -> Vec<bool> {
    file.stages.iter().map(|s| s.shipped).collect()
}

/// The script of a shell-form RUN that runs in a POSIX shell.
pub(crate) fn posix_script<'a>(file: &Dockerfile, ins: &'a Instruction) -> Option<&'a ShellScript> {
    if ins.kind != InstructionKind::Run {
        return None;
    }
    let script = ins.script()?;
    posix_shell(file, ins).then_some(script)
}

/// A directory after `WORKDIR dir` (or `COPY x dir`) from `base`: `dir` itself when
/// absolute, else joined to `base`; `None` when `base` is unknown.
pub(crate) fn join_dir(base: Option<&str>, dir: &str) -> Option<String> {
    if dir.starts_with('/') {
        let trimmed = dir.trim_end_matches('/');
        return Some(if trimmed.is_empty() { "/" } else { trimmed }.to_owned());
    }
    base.map(|b| format!("{}/{}", b.trim_end_matches('/'), dir.trim_end_matches('/')))
}

/// `path` without the endings that name the same directory: trailing `/`, `/*` (its
/// content) and `/.`, repeatedly; `/` stays.
pub(crate) fn trim_dir_end(path: &str) -> &str {
    let mut p = path;
    while let Some(t) = p
        .strip_suffix("/*")
        .or_else(|| p.strip_suffix("/."))
        .or_else(|| p.strip_suffix('/'))
        .filter(|t| !t.is_empty())
    {
        p = t;
    }
    p
}

/// The flags of an instruction in a canonical form, to tell whether two RUNs run alike.
pub(crate) fn flags_key(ins: &Instruction) -> Vec<(String, Option<String>)> {
    let mut key: Vec<_> = ins
        .flags
        .iter()
        .map(|f| (f.name.value.clone(), f.value_str().map(str::to_owned)))
        .collect();
    key.sort();
    key
}

// ---------------------------------------------------------------------------------------
// Program calls (computed once per script in `shell::calls`)
// ---------------------------------------------------------------------------------------

pub(crate) use crate::shell::calls::{Call, base_name, calls, calls_with_inline, inline_script};

/// Whether `name` is a Python interpreter (`python`, `python3`, `python3.12`).
fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether `name` is pip (`pip`, `pip3`, `pip3.12`).
fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The arguments of a pip call: `pip3 ...` or `python3 -m pip ...`.
pub(crate) fn pip_args<'c>(call: &'c Call<'_>) -> Option<&'c [Word]> {
    let args: &[Word] = &call.args;
    if is_pip(&call.name) {
        return Some(args);
    }
    if !is_python(&call.name) {
        return None;
    }
    let m = args.iter().position(|w| w.value == "-m")?;
    // Only interpreter options may come before `-m`.
    if args[..m].iter().any(|w| !w.value.starts_with('-')) {
        return None;
    }
    let module = args.get(m + 1)?;
    is_pip(&module.value).then(|| &args[m + 2..])
}

/// A pip call seen as a call of `pip` with the arguments after the module name, so that
/// subcommand and option helpers work on `python -m pip` too.
pub(crate) fn as_pip<'c>(call: &'c Call<'_>) -> Option<Call<'c>> {
    pip_args(call).map(|args| call.as_program("pip", args))
}

// ---------------------------------------------------------------------------------------
// apt
// ---------------------------------------------------------------------------------------

/// Options of `apt-get` and `apt` that take a separate value.
pub(crate) const APT_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-c",
    "-t",
    "-a",
    "--option",
    "--config-file",
    "--target-release",
    "--default-release",
    "--host-architecture",
];

/// Options of `yum` and `dnf` that take a separate value.
pub(crate) const RPM_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--installroot",
    "--releasever",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "-x",
    "--exclude",
    "--setopt",
    "--forcearch",
    "--downloaddir",
    "--destdir",
];

/// Global options of `zypper` that take a separate value.
pub(crate) const ZYPPER_GLOBAL_VALUE_OPTIONS: &[&str] =
    &["-R", "--root", "-D", "--reposd-dir", "-C", "--cache-dir"];

/// `apt-get` or `apt`.
pub(crate) fn is_apt(name: &str) -> bool {
    matches!(name, "apt-get" | "apt")
}

/// The subcommand of an `apt-get`/`apt` call (`update`, `install`, ...).
pub(crate) fn apt_subcommand<'c>(call: &'c Call<'_>) -> Option<&'c str> {
    if !is_apt(&call.name) {
        return None;
    }
    call.subcommand_value(APT_VALUE_OPTIONS)
}

/// Whether a call reads the package lists that `apt-get update` fetched: an install, an
/// upgrade, a download.
pub(crate) fn apt_reads_lists(call: &Call<'_>) -> bool {
    apt_subcommand(call).is_some_and(|s| {
        matches!(
            s,
            "install"
                | "upgrade"
                | "dist-upgrade"
                | "full-upgrade"
                | "build-dep"
                | "source"
                | "download"
                | "satisfy"
                | "reinstall"
        )
    }) || call.name == "aptitude" && call.arg_values().any(|a| a == "install")
}

/// Whether a call is `apt-get update` / `apt update`.
pub(crate) fn is_apt_update(call: &Call<'_>) -> bool {
    apt_subcommand(call) == Some("update")
}

// ---------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------

/// Whether `text` references variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`).
pub(crate) fn references(text: &str, name: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let candidate = rest.strip_prefix('{').unwrap_or(rest);
        if let Some(after) = candidate.strip_prefix(name)
            && !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            return true;
        }
    }
    false
}

/// The text an instruction's variables may appear in: its flags, arguments and heredoc
/// bodies.
pub(crate) fn instruction_texts(ins: &Instruction) -> Vec<&str> {
    let mut out: Vec<&str> = ins.flags.iter().filter_map(|f| f.value_str()).collect();
    match &ins.args {
        Arguments::Shell(s) => out.push(&s.text),
        Arguments::Exec(items) => out.extend(items.iter().map(|i| i.value.as_str())),
        Arguments::None => {}
    }
    out.extend(ins.heredocs.iter().map(|h| h.content.as_str()));
    out
}

// ---------------------------------------------------------------------------------------
// Editing whole lines
// ---------------------------------------------------------------------------------------

/// The start of the line holding `offset`.
pub(crate) fn line_start(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The range of the whole lines of `ins`, line break included; `None` when something
/// else shares its first line.
pub(crate) fn whole_lines(source: &str, ins: &Instruction) -> Option<TextRange> {
    let start = line_start(source, ins.range.start);
    if !source[start..ins.range.start].trim().is_empty() {
        return None;
    }
    let end = source[ins.range.end..]
        .find('\n')
        .map_or(source.len(), |i| ins.range.end + i + 1);
    if !source[ins.range.end..end].trim().is_empty() {
        return None;
    }
    Some(TextRange::new(start, end))
}

// ---------------------------------------------------------------------------------------
// Merging RUNs
// ---------------------------------------------------------------------------------------

/// Commands that change the state of the shell for the commands after them.
fn changes_shell_state(program: Option<&str>) -> bool {
    program.is_none_or(|p| {
        matches!(
            p,
            "cd" | "export"
                | "set"
                | "source"
                | "."
                | "umask"
                | "unset"
                | "alias"
                | "pushd"
                | "popd"
                | "shopt"
                | "ulimit"
                | "trap"
                | "exec"
                | "exit"
                | "declare"
                | "typeset"
                | "readonly"
                | "local"
        )
    })
}

/// Whether the script is one plain chain: top-level commands joined by `&&` (or piped),
/// with nested commands only inside the arguments of a top-level one (`$(...)`).
fn plain_chain(script: &ShellScript) -> bool {
    let top: Vec<&Command> = script.commands.iter().filter(|c| c.depth == 0).collect();
    let nested_ok = script.commands.iter().filter(|c| c.depth > 0).all(|c| {
        top.iter()
            .any(|t| t.range.start <= c.range.start && c.range.end <= t.range.end)
    });
    let joins_ok = top.iter().enumerate().all(|(i, c)| {
        if i + 1 == top.len() {
            matches!(c.next, None | Some(Operator::Seq))
        } else {
            matches!(c.next, Some(Operator::And | Operator::Pipe))
        }
    });
    nested_ok && joins_ok
}

/// Whether the text may hold a shell comment (` #` outside quotes), which would swallow
/// whatever is appended to its line.
fn may_hold_comment(text: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '\\' => {
                    chars.next();
                }
                '#' if prev.is_whitespace() || prev == ';' => return true,
                _ => {}
            },
        }
        prev = c;
    }
    false
}

/// Whether the script ends in `&` (runs in the background) at the top level.
fn has_background(script: &ShellScript) -> bool {
    script
        .commands
        .iter()
        .any(|c| c.next == Some(Operator::Background))
}

/// An edit merging consecutive shell-form RUNs into the first one, joined with
/// `&& <escape>` and a new line; comment lines between them are kept inside the
/// continuation. A RUN's text is wrapped in a subshell `( ... )` when joining it as is
/// would change what runs: a later RUN that is not one plain `&&` chain (`a; b`,
/// `a || b`), or an earlier one that changes the shell's state (`cd`, `export`, `set`).
///
/// `None` when a RUN is exec form, has a heredoc, is not valid shell, or may end in a
/// shell comment.
pub(crate) fn merge_runs(ctx: &Context<'_>, runs: &[&Instruction]) -> Option<Edit> {
    let (first, last) = (runs.first()?, runs.last()?);
    if runs.len() < 2 {
        return None;
    }
    let escape = ctx.file.escape;
    let mut out = String::new();
    let mut previous_end = 0;
    for (i, run) in runs.iter().enumerate() {
        if run.kind != InstructionKind::Run || !run.heredocs.is_empty() {
            return None;
        }
        let Arguments::Shell(form) = &run.args else {
            return None;
        };
        let script = run.script()?;
        if script.has_error || may_hold_comment(&form.text) {
            return None;
        }
        let raw = form.range.slice(ctx.source).trim_end();
        let body = match raw.strip_suffix(';') {
            Some(b) if !b.ends_with(';') => b.trim_end(),
            _ => raw,
        };
        if body.is_empty() {
            return None;
        }
        let is_last = i + 1 == runs.len();
        let wrap = (!plain_chain(script) && (i > 0 || has_background(script)))
            || (!is_last
                && script
                    .commands
                    .iter()
                    .filter(|c| c.depth == 0)
                    .any(|c| changes_shell_state(c.name.as_ref().map(|w| w.value.as_str()))));
        if i > 0 {
            out.push_str(" && ");
            out.push(escape);
            out.push('\n');
            for comment in ctx.file.comments.iter().filter(|c| {
                !c.inside_instruction
                    && c.range.start >= previous_end
                    && c.range.end <= run.range.start
            }) {
                out.push_str(comment.range.slice(ctx.source));
                out.push('\n');
            }
            out.push_str("    ");
        }
        if wrap {
            out.push_str("( ");
            out.push_str(body);
            out.push_str(" )");
        } else {
            out.push_str(body);
        }
        previous_end = run.range.end;
    }
    let (Arguments::Shell(a), Arguments::Shell(b)) = (&first.args, &last.args) else {
        return None;
    };
    Some(Edit {
        range: TextRange::new(a.range.start, b.range.end),
        content: out,
    })
}

/// Whether `ins` is one of the file's own instructions, not the body of an `ONBUILD`
/// (those are boxed apart from the file's slice, and run in another build).
pub(crate) fn is_top_level(file: &Dockerfile, ins: &Instruction) -> bool {
    file.instructions
        .as_ptr_range()
        .contains(&std::ptr::from_ref(ins))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn first_calls(text: &str) -> Vec<Call<'static>> {
        let df = parse(text);
        let ins = df
            .instructions
            .iter()
            .find(|i| i.kind == InstructionKind::Run)
            .expect("a RUN")
            .clone();
        calls_with_inline(ins.script().expect("a script"))
            .iter()
            .cloned()
            .map(Call::into_owned)
            .collect()
    }

    #[test]
    fn calls_look_through_wrappers_and_shell_strings() {
        let c = first_calls(
            "FROM a\nRUN sudo -E env A=1 apt-get install -y x && sh -c 'apt-get update && true'\n",
        );
        let names: Vec<&str> = c.iter().map(|c| &*c.name).collect();
        assert_eq!(names, ["apt-get", "sh", "apt-get", "true"]);
        assert_eq!(c[0].env_value("A"), Some("1"));
        assert!(!c[0].nested && c[2].nested);
        assert_eq!(apt_subcommand(&c[0]), Some("install"));
        assert!(is_apt_update(&c[2]));
        let text = "FROM a\nRUN bash -exc \"apt-get update\"\n";
        let c = first_calls(text);
        assert_eq!(c[1].program.range.slice(text), "apt-get");
    }

    fn script_calls(text: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        let df = parse(text);
        let ins = df.instructions.last().expect("a RUN");
        let script = ins.script().expect("a script");
        calls(script)
            .iter()
            .map(|c| {
                (
                    c.name.to_string(),
                    c.args.iter().map(|w| w.value.clone()).collect(),
                    c.env.iter().map(ToString::to_string).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn wrappers_are_looked_through() {
        let c = script_calls(
            "FROM a\nRUN sudo -E -u root env -i A=1 nice -n 5 /usr/bin/apt-get install x \
             && cat l | xargs -r -n 1 apt-get install -y && timeout -s KILL 60 pip install y\n",
        );
        assert_eq!(c[0].0, "apt-get");
        assert_eq!(c[0].1, ["install", "x"]);
        assert_eq!(c[0].2, ["A=1"]);
        assert_eq!(c[1].0, "cat");
        assert_eq!(c[2].0, "apt-get");
        assert_eq!(c[2].1, ["install", "-y"]);
        assert_eq!(c[3].0, "pip");
        // A wrapper with nothing to run is not a call.
        assert_eq!(script_calls("FROM a\nRUN env\n").len(), 0);
        assert_eq!(script_calls("FROM a\nRUN command -v pip\n").len(), 0);
        assert_eq!(
            script_calls("FROM a\nRUN command pip install x\n")[0].0,
            "pip"
        );
    }

    #[test]
    fn operands_skip_option_values() {
        let df =
            parse("FROM a\nRUN apt-get -o Debug::x=1 -qq --yes install -t bookworm curl -- -x\n");
        let script = df.instructions[1].script().expect("script");
        let calls = calls(script);
        let ops: Vec<&str> = calls[0]
            .operands(&["-o", "-t"])
            .iter()
            .map(|w| w.value.as_str())
            .collect();
        assert_eq!(ops, ["install", "curl", "-x"]);
    }

    #[test]
    fn pip_is_found_behind_python_m() {
        let c = script_calls(
            "FROM a\nRUN python3.12 -u -m pip install x && /venv/bin/pip3 install y\n",
        );
        let df = parse(
            "FROM a\nRUN python3.12 -u -m pip install x && /venv/bin/pip3 install y && python app.py -m pip\n",
        );
        let script = df.instructions[1].script().expect("script");
        let found: Vec<usize> = calls(script)
            .iter()
            .filter_map(|c| pip_args(c).map(<[Word]>::len))
            .collect();
        assert_eq!(found, [2, 2]);
        assert_eq!(c[0].0, "python3.12");
    }

    #[test]
    fn option_values_in_every_spelling() {
        let c = first_calls(
            "FROM a\nRUN pip install -r a.txt -rb.txt --requirement=c.txt --requirement d.txt\n",
        );
        assert_eq!(
            c[0].option_values(&["-r", "--requirement"]),
            ["a.txt", "b.txt", "c.txt", "d.txt"]
        );
    }

    #[test]
    fn references_need_a_name_boundary() {
        assert!(references("echo $GIT_SHA", "GIT_SHA"));
        assert!(references("echo ${GIT_SHA:-x}", "GIT_SHA"));
        assert!(!references("echo $GIT_SHA_SHORT", "GIT_SHA"));
        assert!(!references("echo GIT_SHA", "GIT_SHA"));
    }

    #[test]
    fn comments_are_seen_outside_quotes_only() {
        assert!(may_hold_comment("make # build"));
        assert!(!may_hold_comment("echo '# not' \"a # comment\" x#y"));
    }

    #[test]
    fn builders_copied_from_are_not_shipped() {
        let df = parse(
            "FROM a AS base\nFROM base AS build\nRUN make\nFROM base AS dev\nFROM b AS gen\n\
             FROM base\nCOPY --from=build /x /x\nRUN --mount=from=gen,target=/g true\n",
        );
        assert_eq!(shipped_stages(&df), [true, false, true, false, true]);
    }

    #[test]
    fn windows_stages_are_not_posix() {
        let df = parse(
            "FROM mcr.microsoft.com/windows/servercore\nRUN dir\nFROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN ls\nFROM alpine\nRUN ls\n",
        );
        let runs: Vec<bool> = df
            .instructions
            .iter()
            .filter(|i| i.kind == InstructionKind::Run)
            .map(|i| posix_shell(&df, i))
            .collect();
        assert_eq!(runs, [false, false, true]);
    }
}
