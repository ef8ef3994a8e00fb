//! Helpers shared by the `cache` and `layers` rules: the instruction sequences of a file,
//! program calls seen through wrappers (`sudo`, `env`, `sh -c '...'`), `apt` subcommands,
//! references to variables, and the edit that merges consecutive RUNs into one.

use crate::diagnostic::Edit;
use crate::model::{Arguments, Dockerfile, Instruction, InstructionKind, SourceMap};
use crate::rules::Context;
use crate::shell::{self, Command, Operator, ShellScript, Word};
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
// Program calls
// ---------------------------------------------------------------------------------------

/// One command as the program it runs: wrappers such as `sudo`, `env A=1` or `xargs` are
/// looked through, so `sudo -E apt-get install` is a call of `apt-get`.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The program word (`/usr/bin/apt-get`).
    pub program: Word,
    /// The program without its path (`apt-get`).
    pub name: String,
    /// The words after the program.
    pub args: Vec<Word>,
    /// `NAME=value` assignments for this command: shell prefixes and `env` arguments.
    pub env: Vec<String>,
    /// The whole command, wrappers included.
    pub range: TextRange,
    /// True for commands of a script given as a string (`sh -c '...'`): their ranges are
    /// approximate, so fixes must not edit them.
    pub nested: bool,
}

impl Call {
    /// The argument values.
    pub fn arg_values(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|w| w.value.as_str())
    }

    /// The arguments that are not options, skipping the values of `value_options` given as
    /// separate words; everything after `--` is an operand.
    pub fn operands(&self, value_options: &[&str]) -> Vec<&Word> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut only_operands = false;
        while i < self.args.len() {
            let a = self.args[i].value.as_str();
            if only_operands || !a.starts_with('-') || a == "-" {
                out.push(&self.args[i]);
            } else if a == "--" {
                only_operands = true;
            } else if value_options.contains(&a) {
                i += 1;
            }
            i += 1;
        }
        out
    }

    /// The first operand: the subcommand of `apt-get`, `npm`, `go`, ...
    pub fn subcommand(&self, value_options: &[&str]) -> Option<&str> {
        self.operands(value_options)
            .first()
            .map(|w| w.value.as_str())
    }

    /// Whether an argument is one of `options`, alone or as `option=value`.
    pub fn has_option(&self, options: &[&str]) -> bool {
        self.arg_values().any(|v| {
            let name = v.split_once('=').map_or(v, |(n, _)| n);
            options.contains(&name)
        })
    }

    /// The value of option `name` (`-r file`, `-rfile`, `--requirement=file`), each time
    /// it is given.
    pub fn option_values(&self, names: &[&str]) -> Vec<&str> {
        let args: Vec<&str> = self.arg_values().collect();
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            for name in names {
                if a == name {
                    if let Some(v) = args.get(i + 1) {
                        out.push(*v);
                    }
                } else if let Some(v) = a.strip_prefix(name) {
                    if name.starts_with("--") {
                        if let Some(v) = v.strip_prefix('=') {
                            out.push(v);
                        }
                    } else if !v.is_empty() && name.len() == 2 {
                        out.push(v);
                    }
                }
            }
        }
        out
    }

    /// The value of the environment assignment `name=value` on this command.
    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.env.iter().find_map(|e| {
            e.split_once('=')
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v)
        })
    }

    /// The source range from the program word to the last argument.
    pub fn span(&self) -> TextRange {
        self.args
            .last()
            .map_or(self.program.range, |w| self.program.range.cover(w.range))
    }

    /// The program and its arguments, as one line for messages (`apt-get update`).
    pub fn display(&self, max_args: usize) -> String {
        let mut out = self.name.clone();
        for (i, a) in self.arg_values().enumerate() {
            if i == max_args {
                out.push_str(" ...");
                break;
            }
            out.push(' ');
            out.push_str(a);
        }
        out
    }
}

/// Programs that run the command given in their arguments.
const WRAPPERS: &[&str] = &[
    "sudo",
    "env",
    "nice",
    "nohup",
    "time",
    "command",
    "exec",
    "xargs",
    "stdbuf",
    "timeout",
    "eatmydata",
    "fakeroot",
    "ionice",
    "chronic",
    "gosu",
    "su-exec",
    "tini",
];

/// Options of the wrappers that take a separate value.
fn wrapper_value_option(wrapper: &str, option: &str) -> bool {
    match wrapper {
        "sudo" => matches!(
            option,
            "-u" | "-g" | "-p" | "-C" | "-D" | "-h" | "-r" | "-t" | "-U" | "-T" | "--user"
        ),
        "env" => matches!(option, "-u" | "-C" | "-S" | "--unset" | "--chdir"),
        "nice" => matches!(option, "-n" | "--adjustment"),
        "xargs" => matches!(
            option,
            "-a" | "-d" | "-E" | "-I" | "-L" | "-n" | "-P" | "-s" | "--arg-file" | "--delimiter"
        ),
        "stdbuf" => matches!(option, "-i" | "-o" | "-e"),
        "timeout" => matches!(option, "-s" | "-k" | "--signal" | "--kill-after"),
        "ionice" => matches!(option, "-c" | "-n" | "-p"),
        "exec" => option == "-a",
        _ => false,
    }
}

/// `path/to/prog` → `prog`.
pub(crate) fn base_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// Shells that run a script given with `-c`.
fn is_shell(name: &str) -> bool {
    matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

/// The program calls of `script` in source order, including those of scripts given to a
/// shell as a string (`sh -c 'apt-get update'`, one level deep).
pub(crate) fn calls(script: &ShellScript) -> Vec<Call> {
    let mut out = Vec::new();
    collect_calls(&script.commands, false, 0, &mut out);
    out
}

fn collect_calls(commands: &[Command], nested: bool, level: u32, out: &mut Vec<Call>) {
    for command in commands {
        let Some(call) = call_of(command, nested) else {
            continue;
        };
        let inner = (level == 0 && is_shell(&call.name))
            .then(|| shell_string(&call))
            .flatten();
        out.push(call);
        if let Some(inner) = inner {
            collect_calls(&inner.commands, true, level + 1, out);
        }
    }
}

/// The script of `sh -c 'script'`, parsed; its ranges point into the quoted word.
fn shell_string(call: &Call) -> Option<ShellScript> {
    let mut args = call.args.iter();
    // Options before the script: `-c`, `-ec`, `-xec`, `-o pipefail -c`.
    let mut seen_c = false;
    for a in args.by_ref() {
        let v = a.value.as_str();
        if v.starts_with('-') && !v.starts_with("--") && v.contains('c') {
            seen_c = true;
            break;
        }
        if !v.starts_with('-') && !v.starts_with('+') && v != "pipefail" {
            return None;
        }
    }
    if !seen_c {
        return None;
    }
    let word = args.next()?;
    // A quoted word is two bytes longer than its value; point past the opening quote.
    let quoted = word.range.len() == word.value.len() + 2;
    let mut map = SourceMap::default();
    let start = word.range.start + usize::from(quoted);
    map.push(0, start, word.value.len());
    let script = shell::parse(&word.value, &map);
    (!script.has_error).then_some(script)
}

fn call_of(command: &Command, nested: bool) -> Option<Call> {
    let mut program = command.name.as_ref()?;
    let mut args: &[Word] = &command.args;
    let mut env: Vec<String> = command.env.iter().map(|w| w.value.clone()).collect();
    // Bounded: every round consumes at least the program word.
    loop {
        let wrapper = base_name(&program.value);
        if !WRAPPERS.contains(&wrapper) {
            break;
        }
        let mut i = 0;
        let mut positional = 0;
        while i < args.len() {
            let a = args[i].value.as_str();
            if a == "--" {
                i += 1;
                break;
            }
            if a.starts_with('-') && a.len() > 1 {
                i += if wrapper_value_option(wrapper, a) {
                    2
                } else {
                    1
                };
            } else if wrapper == "env" && a.contains('=') {
                env.push(a.to_owned());
                i += 1;
            } else if (wrapper == "timeout" || wrapper == "gosu" || wrapper == "su-exec")
                && positional == 0
            {
                // The duration, or the user.
                positional += 1;
                i += 1;
            } else {
                break;
            }
        }
        let (next, rest) = args.get(i..)?.split_first()?;
        program = next;
        args = rest;
    }
    Some(Call {
        program: program.clone(),
        name: base_name(&program.value).to_owned(),
        args: args.to_vec(),
        env,
        range: command.range,
        nested,
    })
}

// ---------------------------------------------------------------------------------------
// apt
// ---------------------------------------------------------------------------------------

/// Options of `apt-get` and `apt` that take a separate value.
const APT_VALUE_OPTIONS: &[&str] = &[
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

/// The subcommand of an `apt-get`/`apt` call (`update`, `install`, ...).
pub(crate) fn apt_subcommand(call: &Call) -> Option<&str> {
    if !matches!(call.name.as_str(), "apt-get" | "apt") {
        return None;
    }
    call.subcommand(APT_VALUE_OPTIONS)
}

/// Whether a call reads the package lists that `apt-get update` fetched: an install, an
/// upgrade, a download.
pub(crate) fn apt_reads_lists(call: &Call) -> bool {
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
pub(crate) fn is_apt_update(call: &Call) -> bool {
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

#[cfg(test)]
pub(crate) mod test_support {
    //! Running one `cache` or `layers` rule over a snippet, for the rules' unit tests.

    use crate::diagnostic::Diagnostic;
    use crate::rules::{FileFacts, RuleEntry};
    use crate::syntax::parse;

    fn entry(code: &str) -> &'static RuleEntry {
        crate::rules::cache::RULES
            .iter()
            .chain(crate::rules::layers::RULES)
            .find(|e| e.meta.code == code)
            .unwrap_or_else(|| panic!("no rule {code}"))
    }

    /// The full diagnostics of rule `code` in `text`.
    pub(crate) fn diagnostics(code: &str, text: &str) -> Vec<Diagnostic> {
        crate::rules::run(&parse(text), text, &[entry(code)])
    }

    /// `(1-based line, flagged text, message)` of every finding of rule `code` in `text`.
    pub(crate) fn findings(code: &str, text: &str) -> Vec<(u32, String, String)> {
        findings_with_facts(code, text, &FileFacts::default())
    }

    /// [`findings`] with what is known about the file's surroundings.
    pub(crate) fn findings_with_facts(
        code: &str,
        text: &str,
        facts: &FileFacts,
    ) -> Vec<(u32, String, String)> {
        let df = parse(text);
        crate::rules::run_with_facts(&df, text, &[entry(code)], facts)
            .into_iter()
            .map(|d| {
                (
                    df.line_index.line_col(d.range.start, text).line,
                    d.range.slice(text).to_owned(),
                    d.message,
                )
            })
            .collect()
    }

    /// The 1-based lines of the findings of rule `code` in `text`.
    pub(crate) fn lines(code: &str, text: &str) -> Vec<u32> {
        findings(code, text).into_iter().map(|f| f.0).collect()
    }

    /// `text` with the fix of the first finding of rule `code` applied.
    pub(crate) fn fixed(code: &str, text: &str) -> String {
        let diags = diagnostics(code, text);
        let first = diags
            .first()
            .unwrap_or_else(|| panic!("no finding of {code} in {text:?}"));
        let fix = first
            .fix
            .as_ref()
            .unwrap_or_else(|| panic!("no fix: {first:?}"));
        let mut out = text.to_owned();
        for edit in fix.edits.iter().rev() {
            out.replace_range(edit.range.start..edit.range.end, &edit.content);
        }
        out
    }

    /// Apply the fix of the first finding of `code`, check that the result parses as
    /// cleanly as before (Dockerfile and shell) and that the rule fires less; returns the
    /// fixed text.
    pub(crate) fn fixed_and_clean(code: &str, text: &str) -> String {
        let out = fixed(code, text);
        let before = parse(text);
        let after = parse(&out);
        assert_eq!(after.errors.len(), before.errors.len(), "{out}");
        let broke = after
            .instructions
            .iter()
            .filter_map(|i| i.script())
            .any(|s| s.has_error);
        assert!(!broke, "the fix breaks the shell syntax:\n{out}");
        assert!(
            findings(code, &out).len() < findings(code, text).len(),
            "still flagged as often after the fix:\n{out}"
        );
        out
    }

    /// The first ```dockerfile block at or after `from` in `docs`, and where it ends.
    fn dockerfile_block(docs: &str, from: usize) -> Option<(&str, usize)> {
        let fence = "```dockerfile\n";
        let start = docs[from..].find(fence)? + from + fence.len();
        let len = docs[start..].find("```")?;
        Some((&docs[start..start + len], start + len + 3))
    }

    /// Every rule's `## Example` fires and its `Use instead:` block does not, with `facts`
    /// known about both.
    pub(crate) fn check_doc_examples(rules: &[RuleEntry], facts: &FileFacts) {
        for entry in rules {
            let meta = entry.meta;
            let docs = meta.docs;
            let example = docs.find("## Example").expect("an example");
            let (bad, end) = dockerfile_block(docs, example).expect("an example block");
            let instead = docs[end..].find("Use instead:").expect("`Use instead:`") + end;
            let (good, _) = dockerfile_block(docs, instead).expect("a `Use instead` block");
            assert!(
                !findings_with_facts(meta.code, bad, facts).is_empty(),
                "{}: the example does not trigger the rule:\n{bad}",
                meta.code
            );
            assert_eq!(
                findings_with_facts(meta.code, good, facts),
                [],
                "{}: the fixed example triggers the rule",
                meta.code
            );
        }
    }

    /// Every rule's docs follow the house layout, and its code and category match.
    pub(crate) fn check_docs_layout(
        rules: &[RuleEntry],
        category: crate::diagnostic::Category,
        prefix: &str,
    ) {
        for entry in rules {
            let meta = entry.meta;
            let docs = meta.docs;
            let first = docs.lines().next().unwrap_or_default();
            assert!(
                first.ends_with('.') && !first.starts_with('#'),
                "{}: first line {first:?}",
                meta.code
            );
            let headings: Vec<&str> = docs.lines().filter(|l| l.starts_with("## ")).collect();
            let mut expected = vec!["## What it does", "## Why is this bad?", "## Example"];
            for optional in ["## Fix safety", "## Options"] {
                if headings.contains(&optional) {
                    expected.push(optional);
                }
            }
            expected.push("## References");
            assert_eq!(headings, expected, "{}", meta.code);
            assert!(
                docs.contains("https://docs.docker.com/"),
                "{}: no Docker documentation link",
                meta.code
            );
            assert_eq!(meta.category, category, "{}", meta.code);
            assert!(meta.code.starts_with(prefix), "{}", meta.code);
        }
        for pair in rules.windows(2) {
            assert!(pair[0].meta.code < pair[1].meta.code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn first_calls(text: &str) -> Vec<Call> {
        let df = parse(text);
        let ins = df
            .instructions
            .iter()
            .find(|i| i.kind == InstructionKind::Run)
            .expect("a RUN")
            .clone();
        calls(ins.script().expect("a script"))
    }

    #[test]
    fn calls_look_through_wrappers_and_shell_strings() {
        let c = first_calls(
            "FROM a\nRUN sudo -E env A=1 apt-get install -y x && sh -c 'apt-get update && true'\n",
        );
        let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["apt-get", "sh", "apt-get", "true"]);
        assert_eq!(c[0].env_value("A"), Some("1"));
        assert!(!c[0].nested && c[2].nested);
        assert_eq!(apt_subcommand(&c[0]), Some("install"));
        assert!(is_apt_update(&c[2]));
        let text = "FROM a\nRUN bash -exc \"apt-get update\"\n";
        let c = first_calls(text);
        assert_eq!(c[1].program.range.slice(text), "apt-get");
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
