//! Program calls: each simple command of a script as the program it runs, with wrappers
//! (`sudo`, `env A=1`, `xargs`, ...) looked through, and the commands of scripts given as
//! strings (`sh -c '...'`). Every rule reads them, so they are worked out once per script
//! ([`ShellScript::calls`]) and handed out as borrowed views.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::model::SourceMap;
use crate::shell::{self, Command, ShellScript, Word};
use crate::text::TextRange;

/// One command as the program it runs: wrappers such as `sudo`, `env A=1` or `xargs` are
/// looked through, so `sudo -E apt-get install` is a call of `apt-get`.
///
/// The words are borrowed from the script, except for the commands of a script given as a
/// string (`sh -c '...'`), parsed on the way and owned.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    /// Index of the command in [`ShellScript::commands`]; for a command of a script given
    /// as a string (`sh -c '...'`), that of the command running the string.
    pub index: usize,
    /// The program word (`/usr/bin/apt-get`).
    pub program: Cow<'a, Word>,
    /// The program without its path (`apt-get`).
    pub name: Cow<'a, str>,
    /// The words after the program.
    pub args: Cow<'a, [Word]>,
    /// `NAME=value` assignments for this command: shell prefixes and `env` arguments.
    pub env: Vec<Cow<'a, str>>,
    /// The wrappers looked through, outermost first (`sudo`, `xargs`).
    pub wrappers: Vec<&'static str>,
    /// The whole command, wrappers included.
    pub range: TextRange,
    /// True for commands of a script given as a string (`sh -c '...'`): their ranges are
    /// approximate, so fixes must not edit them.
    pub nested: bool,
}

impl Call<'_> {
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
    pub fn subcommand(&self, value_options: &[&str]) -> Option<&Word> {
        self.operands(value_options).into_iter().next()
    }

    /// The subcommand, when it is one of `names`.
    pub fn subcommand_in(&self, value_options: &[&str], names: &[&str]) -> Option<&Word> {
        self.subcommand(value_options)
            .filter(|w| names.contains(&w.value.as_str()))
    }

    /// The value of the subcommand (`install`).
    pub fn subcommand_value(&self, value_options: &[&str]) -> Option<&str> {
        self.subcommand(value_options).map(|w| w.value.as_str())
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

    /// The arguments after `word`, one of this call's arguments (`clean all` after `cache`).
    pub fn args_after(&self, word: &Word) -> &[Word] {
        self.args
            .iter()
            .position(|w| std::ptr::eq(w, word))
            .map_or(&[], |i| &self.args[i + 1..])
    }

    /// The argument right after `word`, one of this call's arguments (`download` after
    /// `mod` in `go mod download`).
    pub fn arg_after(&self, word: &Word) -> Option<&Word> {
        self.args_after(word).first()
    }

    /// The source range from the program word to the last argument.
    pub fn span(&self) -> TextRange {
        self.args
            .last()
            .map_or(self.program.range, |w| self.range_to(w))
    }

    /// The source range from the program word to `last` (`apt-get -y install`).
    pub fn range_to(&self, last: &Word) -> TextRange {
        self.program.range.cover(last.range)
    }

    /// The program and its arguments, as one line for messages (`apt-get update`).
    pub fn display(&self, max_args: usize) -> String {
        let mut out = self.name.to_string();
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

    /// This call seen as a call of program `name` with `args` (`python -m pip install`
    /// as `pip install`), so that the subcommand and option helpers work on it.
    pub fn as_program<'c>(&'c self, name: &'c str, args: &'c [Word]) -> Call<'c> {
        Call {
            index: self.index,
            program: Cow::Borrowed(&self.program),
            name: Cow::Borrowed(name),
            args: Cow::Borrowed(args),
            env: self.env.iter().map(|e| Cow::Borrowed(&**e)).collect(),
            wrappers: self.wrappers.clone(),
            range: self.range,
            nested: self.nested,
        }
    }

    /// The call with its words owned, to outlive the script they come from.
    pub(crate) fn into_owned(self) -> Call<'static> {
        Call {
            index: self.index,
            program: Cow::Owned(self.program.into_owned()),
            name: Cow::Owned(self.name.into_owned()),
            args: Cow::Owned(self.args.into_owned()),
            env: self
                .env
                .into_iter()
                .map(|e| Cow::Owned(e.into_owned()))
                .collect(),
            wrappers: self.wrappers,
            range: self.range,
            nested: self.nested,
        }
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
            "-u" | "-g"
                | "-p"
                | "-C"
                | "-D"
                | "-h"
                | "-r"
                | "-t"
                | "-U"
                | "-T"
                | "--user"
                | "--group"
        ),
        "env" => matches!(
            option,
            "-u" | "-C" | "-S" | "--unset" | "--chdir" | "--split-string"
        ),
        "nice" => matches!(option, "-n" | "--adjustment"),
        "xargs" => matches!(
            option,
            "-a" | "-d"
                | "-E"
                | "-I"
                | "-L"
                | "-n"
                | "-P"
                | "-s"
                | "--arg-file"
                | "--delimiter"
                | "--max-args"
                | "--max-procs"
                | "--max-lines"
                | "--max-chars"
        ),
        "stdbuf" => matches!(option, "-i" | "-o" | "-e"),
        "timeout" => matches!(option, "-s" | "-k" | "--signal" | "--kill-after"),
        "ionice" => matches!(option, "-c" | "-n" | "-p" | "--class" | "--classdata"),
        "exec" => option == "-a",
        _ => false,
    }
}

/// `path/to/prog` → `prog`.
pub(crate) fn base_name(word: &str) -> &str {
    // Asked for by most rules about most commands: a byte scan of a short name.
    match word.bytes().rposition(|b| b == b'/') {
        Some(i) => &word[i + 1..],
        None => word,
    }
}

/// Shells that run a script given with `-c`.
fn is_shell(name: &str) -> bool {
    matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

/// The program calls of a script, kept with it ([`ShellScript`]'s `calls`): worked out once,
/// however many rules ask. A copy of a script starts without them.
#[derive(Default)]
pub(crate) struct Cache {
    plain: OnceLock<Vec<Call<'static>>>,
    /// `None` when no call runs a script given as a string: then the plain calls.
    with_inline: OnceLock<Option<Vec<Call<'static>>>>,
}

impl Clone for Cache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// A cache is derived data: it never makes two scripts differ.
impl PartialEq for Cache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cache {}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

/// The program calls of `script`, in source order. The commands of a script given as a
/// string (`sh -c '...'`) are one word here: [`calls_with_inline`] looks into them.
pub(crate) fn calls(script: &ShellScript) -> &[Call<'_>] {
    plain(script)
}

/// [`calls`], as kept.
fn plain(script: &ShellScript) -> &[Call<'static>] {
    script.calls.plain.get_or_init(|| {
        script
            .commands
            .iter()
            .enumerate()
            .filter_map(|(index, command)| call_of(index, command, false))
            .map(Call::into_owned)
            .collect()
    })
}

/// The program calls of `script` in source order, each followed by the calls of the
/// script it runs as a string (`sh -c 'apt-get update'`, one level deep), when that
/// parses.
pub(crate) fn calls_with_inline(script: &ShellScript) -> &[Call<'_>] {
    let plain = plain(script);
    let with_inline = script.calls.with_inline.get_or_init(|| {
        // Most scripts run no script string: their calls are the plain ones, not a copy.
        let mut inline = plain
            .iter()
            .enumerate()
            .filter_map(|(i, call)| Some((i, inline_script(call).filter(|s| !s.has_error)?)))
            .peekable();
        inline.peek()?;
        let mut out = Vec::new();
        let mut next = 0;
        for (i, inner) in inline {
            out.extend_from_slice(&plain[next..=i]);
            next = i + 1;
            let index = plain[i].index;
            out.extend(
                inner
                    .commands
                    .iter()
                    .filter_map(|command| call_of(index, command, true))
                    .map(Call::into_owned),
            );
        }
        out.extend_from_slice(&plain[next..]);
        Some(out)
    });
    with_inline.as_deref().unwrap_or(plain)
}

/// The script of `sh -c 'script'` (`bash -ec`, `sh -o pipefail -c`, `su user -c`,
/// `runuser -u app --command`), parsed; its ranges point into the quoted word, and are
/// only approximate when the string holds escapes.
pub(crate) fn inline_script(call: &Call<'_>) -> Option<ShellScript> {
    // `su` and `runuser` take the user as an operand before the script.
    let su = matches!(&*call.name, "su" | "runuser");
    if !su && !is_shell(&call.name) {
        return None;
    }
    let mut args = call.args.iter();
    let mut seen_c = false;
    while let Some(a) = args.next() {
        let v = a.value.as_str();
        if v == "--command" || (v.starts_with('-') && !v.starts_with("--") && v.contains('c')) {
            seen_c = true;
            break;
        }
        if matches!(v, "-o" | "+o" | "-O" | "+O") {
            // A shell option's name: `-o pipefail`.
            args.next();
        } else if !su && !v.starts_with(['-', '+']) {
            // A script file: `-c` after it is the script's argument.
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
    map.push(0, word.range.start + usize::from(quoted), word.value.len());
    Some(shell::parse(&word.value, &map))
}

fn call_of(index: usize, command: &Command, nested: bool) -> Option<Call<'_>> {
    let mut program = command.name.as_ref()?;
    let mut args: &[Word] = &command.args;
    let mut env: Vec<Cow<'_, str>> = command
        .env
        .iter()
        .map(|w| Cow::Borrowed(w.value.as_str()))
        .collect();
    let mut wrappers = Vec::new();
    // Bounded: every round consumes at least the program word.
    loop {
        let name = base_name(&program.value);
        let Some(&wrapper) = WRAPPERS.iter().find(|w| **w == name) else {
            break;
        };
        wrappers.push(wrapper);
        let mut i = 0;
        let mut positional = false;
        while i < args.len() {
            let a = args[i].value.as_str();
            if a == "--" {
                i += 1;
                break;
            }
            // `command -v apt-get` looks a program up; it does not run it.
            if wrapper == "command" && matches!(a, "-v" | "-V") {
                return None;
            }
            if a.starts_with('-') && a.len() > 1 {
                i += if wrapper_value_option(wrapper, a) {
                    2
                } else {
                    1
                };
            } else if wrapper == "env" && a.contains('=') {
                env.push(Cow::Borrowed(a));
                i += 1;
            } else if matches!(wrapper, "timeout" | "gosu" | "su-exec") && !positional {
                // The duration, or the user.
                positional = true;
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
        index,
        program: Cow::Borrowed(program),
        name: Cow::Borrowed(base_name(&program.value)),
        args: Cow::Borrowed(args),
        env,
        wrappers,
        range: command.range,
        nested,
    })
}
