//! What the package-pinning rules (MA013–MA019) share: the operands that are not names
//! of an index (variables, paths, URLs, package files), the version forms of RPM, and
//! the report of one unpinned package.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::model::{Dockerfile, Instruction, InstructionKind};
use crate::rules::common::{Call, calls_with_inline, posix_script};
use crate::rules::maintainability::key_value::pairs;
use crate::rules::{Context, RuleMeta};
use crate::shell::{ShellScript, Word};
use crate::text::TextRange;

/// Whether `value` names no package of an index, or one whose version cannot be seen:
/// it holds a variable or a command substitution (`$PKGS`, `curl=${CURL_VERSION}`), a
/// path (`./pkg`, `/tmp/x.deb`, `~/src`), a URL, or ends in one of `file_suffixes`.
pub(super) fn not_an_index_name(value: &str, file_suffixes: &[&str]) -> bool {
    value.is_empty()
        || value.contains(['$', '`'])
        || value.starts_with(['/', '.', '~'])
        || value.contains("://")
        || file_suffixes.iter().any(|s| value.ends_with(s))
}

/// Runs `unpinned` over every program call of the RUNs of `ins` (wrappers and `sh -c`
/// strings looked through) and reports each package word it returns, with the pinned
/// form `pin` suggests for it (given the call and the word). Messages name the
/// program `tool`, or the one called.
///
/// An operand that is a plain variable (`$PKGS`, `${PKGS}`) stands for the words of its
/// value when the file shows it: a shell assignment earlier in the script
/// (`PKGS="nodejs npm" && dnf install -y $PKGS`), else an `ENV` or `ARG` of the stage before
/// the RUN. Each package of the value is judged, and reported at the variable.
pub(super) fn check_calls(
    ins: &Instruction,
    ctx: &mut Context<'_>,
    meta: &RuleMeta,
    tool: Option<&str>,
    unpinned: for<'c> fn(&'c Call<'_>) -> Vec<&'c Word>,
    pin: fn(&Call<'_>, &str) -> String,
) {
    let file = ctx.file;
    let Some(script) = posix_script(file, ins) else {
        return;
    };
    let expansions = ctx.memo(Expansions::default);
    for (i, call) in calls_with_inline(script).iter().enumerate() {
        let program = tool.unwrap_or(&call.name);
        let mut found: Vec<(TextRange, String, Option<&str>, String)> = unpinned(call)
            .into_iter()
            .map(|w| (w.range, w.value.clone(), None, pin(call, &w.value)))
            .collect();
        // Most calls have no variable operand: nothing to expand, nothing to look up.
        let expanded = if has_variable_operand(call) {
            expansions.of(script, i, || {
                let values = ctx.memo(|| StageValues::of(file));
                with_lists_expanded(&values, ins, script, call)
                    .map(|(call, variables)| (call.into_owned(), variables))
            })
        } else {
            None
        };
        if let Some((expanded, variables)) = expanded.as_deref() {
            for w in unpinned(expanded) {
                if let Some((_, var)) = variables.iter().find(|(r, _)| *r == w.range) {
                    found.push((w.range, w.value.clone(), Some(var), pin(expanded, &w.value)));
                }
            }
        }
        for (range, package, variable, pinned) in found {
            let from = variable.map_or(String::new(), |v| format!(" (from `{v}`)"));
            ctx.report(
                meta,
                range,
                format!("`{package}`{from} is installed by `{program}` without a pinned version"),
            )
            .with_help(format!("Pin a version: `{pinned}`"));
        }
    }
}

/// A script (by address) and the index of one of its calls.
type CallKey = (usize, usize);

/// A call with its list variables expanded, and the variables' ranges and text.
type Expanded = (Call<'static>, Vec<(TextRange, String)>);

/// The calls of a file with list variables expanded, worked out once for the seven pinning
/// rules, by script (its address: scripts live as long as the file) and call index.
#[derive(Default)]
struct Expansions(RefCell<FxHashMap<CallKey, Option<Rc<Expanded>>>>);

impl Expansions {
    fn of(
        &self,
        script: &ShellScript,
        call: usize,
        make: impl FnOnce() -> Option<Expanded>,
    ) -> Option<Rc<Expanded>> {
        let key = (std::ptr::from_ref(script) as usize, call);
        if let Some(known) = self.0.borrow().get(&key) {
            return known.clone();
        }
        let made = make().map(Rc::new);
        self.0.borrow_mut().insert(key, made.clone());
        made
    }
}

/// Whether an operand of `call` is a plain variable (`$PKGS`, `${PKGS}`).
fn has_variable_operand(call: &Call<'_>) -> bool {
    call.args.iter().any(|w| plain_variable(&w.value).is_some())
}

/// `$NAME` or `${NAME}`: the name.
fn plain_variable(word: &str) -> Option<&str> {
    let rest = word.strip_prefix('$')?;
    let name = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(name)
}

/// `call` with each operand that is a plain variable of known value replaced by the words
/// of that value (at the variable's range), and those ranges with the variable as
/// written; `None` when no operand could be expanded.
fn with_lists_expanded<'a>(
    file: &StageValues,
    ins: &Instruction,
    script: &ShellScript,
    call: &Call<'a>,
) -> Option<(Call<'a>, Vec<(TextRange, String)>)> {
    if !has_variable_operand(call) {
        return None;
    }
    let values: Vec<Option<Vec<String>>> = call
        .args
        .iter()
        .map(|word| {
            plain_variable(&word.value)
                .and_then(|name| variable_words(file, ins, script, call.index, name, 0))
        })
        .collect();
    if values.iter().all(Option::is_none) {
        return None;
    }
    let mut variables = Vec::new();
    let mut args = Vec::with_capacity(call.args.len());
    for (word, values) in call.args.iter().zip(values) {
        match values {
            Some(values) => {
                variables.push((word.range, word.value.clone()));
                args.extend(values.into_iter().map(|value| Word {
                    value,
                    range: word.range,
                }));
            }
            None => args.push(word.clone()),
        }
    }
    let mut expanded = call.clone();
    expanded.args = Cow::Owned(args);
    Some((expanded, variables))
}

/// The words of variable `name` as a command at `before` in `script` sees it: the last
/// assignment earlier in the script (`NAME=...`, `export NAME=...`), else the last `ENV`
/// (or, without one, `ARG`) of the stage before `ins`; `None` when neither sets it. Plain
/// variables in the value are expanded the same way; a word that stays an expansion
/// (`nodejs$NODEJS_VERSION`) is kept as it is, for the rules to leave alone; a value with a
/// command substitution is not read.
fn variable_words(
    file: &StageValues,
    ins: &Instruction,
    script: &ShellScript,
    before: usize,
    name: &str,
    depth: u32,
) -> Option<Vec<String>> {
    if depth > 4 {
        return None;
    }
    let prefix = format!("{name}=");
    let assigned = script.commands[..before.min(script.commands.len())]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, c)| {
            let words: &[Word] = match c.program() {
                None => &c.env,
                Some("export" | "declare" | "local" | "readonly" | "typeset") => &c.args,
                Some(_) => return None,
            };
            words
                .iter()
                .rev()
                .find_map(|w| w.value.strip_prefix(&prefix))
                .map(|v| (i, v.to_owned()))
        });
    let (index, value) = match assigned {
        Some(found) => found,
        None => (0, file.before(ins, name)?),
    };
    // A command substitution's words are not the value's words.
    if value.contains("$(") || value.contains('`') {
        return None;
    }
    let mut out = Vec::new();
    for token in value.split_whitespace() {
        let inner = plain_variable(token)
            .and_then(|inner| variable_words(file, ins, script, index, inner, depth + 1));
        match inner {
            Some(words) => out.extend(words),
            None => out.push(token.to_owned()),
        }
    }
    Some(out)
}

/// The `ENV` and `ARG` assignments of each stage in order: where the instruction starts,
/// whether it is an `ENV`, the name and the value.
pub(super) struct StageValues {
    stages: Vec<Vec<Assignment>>,
}

/// Where the instruction starts, whether it is an `ENV`, the name and the value.
type Assignment = (usize, bool, String, Option<String>);

impl StageValues {
    pub(super) fn of(file: &Dockerfile) -> Self {
        let stages = file
            .stages
            .iter()
            .map(|stage| {
                let mut out = Vec::new();
                for ins in file.stage_instructions(stage) {
                    let env = match ins.kind {
                        InstructionKind::Env => true,
                        InstructionKind::Arg => false,
                        _ => continue,
                    };
                    for pair in pairs(ins, file.escape) {
                        out.push((ins.range.start, env, pair.key, pair.value));
                    }
                }
                out
            })
            .collect();
        Self { stages }
    }

    /// The value of `name` as the stage of `ins` sets it before `ins`: its last `ENV`,
    /// else its last `ARG` with a default.
    fn before(&self, ins: &Instruction, name: &str) -> Option<String> {
        let (mut env, mut arg) = (None, None);
        for (start, is_env, key, value) in self.stages.get(ins.stage?)? {
            if *start >= ins.range.start {
                break;
            }
            if key == name {
                if *is_env {
                    env = value.as_ref();
                } else {
                    arg = value.as_ref();
                }
            }
        }
        env.or(arg).cloned()
    }
}

/// Whether an RPM package spec names a version the way yum, dnf and zypper read it:
/// `name-version[-release][.arch]`, with an optional epoch (`name-1:2.4`). The version is
/// the part after a `-` followed by a digit, which holds no further `-` followed by a
/// letter: `java-11-openjdk` names no version (`11-openjdk` goes on with a name), while
/// `java-11-openjdk-11.0.20` and `httpd-2.4.6-99.el7` do. A comparison (`name>=1.2`,
/// `name = 1.2`) counts too, unless it is only a lower bound (`name>1`).
pub(super) fn rpm_versioned(spec: &str) -> bool {
    if spec.contains(['=', '<']) {
        return true;
    }
    let bytes = spec.as_bytes();
    (1..bytes.len()).any(|i| {
        bytes[i - 1] == b'-' && bytes[i].is_ascii_digit() && {
            let rest = &bytes[i..];
            !rest
                .windows(2)
                .any(|w| w[0] == b'-' && w[1].is_ascii_alphabetic())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpm_versions_follow_the_last_name_part() {
        for spec in [
            "httpd-2.4.6",
            "httpd-2.4.6-99.el7",
            "httpd-2.4.6-99.el7.x86_64",
            "java-11-openjdk-11.0.20.0.8-1.el8",
            "nginx-1:1.20.1",
            "nginx>=1.20",
            "nginx = 1.20",
        ] {
            assert!(rpm_versioned(spec), "{spec}");
        }
        for spec in [
            "httpd",
            "python3-pip",
            "java-11-openjdk",
            "gcc-c++",
            "nginx>1",
        ] {
            assert!(!rpm_versioned(spec), "{spec}");
        }
    }

    #[test]
    fn variables_paths_and_files_are_not_index_names() {
        for v in [
            "$PKGS",
            "curl=${V}",
            "./x",
            "/tmp/a.deb",
            "https://x/y",
            "a.rpm",
        ] {
            assert!(not_an_index_name(v, &[".rpm"]), "{v}");
        }
        assert!(!not_an_index_name("curl", &[".rpm"]));
    }
}
