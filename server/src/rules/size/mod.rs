//! Category `size`: bytes the image carries for nothing, such as package caches and index
//! files left behind in the layer that wrote them.
//!
//! Every rule here reads the parsed shell of a RUN ([`Instruction::script`]): it finds the
//! command that fills a cache (`apt-get update`, `pip install`, ...), then looks for what
//! makes it harmless: an option (`--no-cache`), a cleanup later in the same RUN (joined by
//! any operator), an environment setting, or a `RUN --mount` over the cache directory.
//!
//! Only stages whose layers ship are checked ([`crate::model::Stage::shipped`]): a builder that
//! is only copied from (`COPY --from`) goes away with its caches.
//!
//! Known limitations, shared by all the rules of this category:
//! - Commands inside a string (`sh -c 'apt-get update'`, `su -c ...`) are one word to the
//!   shell model ([`calls`]): the cache-filling commands there are not seen. Cleanups there
//!   are (see [`later`]), since missing one would be a false alarm.
//! - RUNs in a stage whose shell is not POSIX (`SHELL ["powershell", ...]`, Windows base
//!   images) are skipped.

pub(crate) mod added;
mod apk_cache;
mod apt_install_recommends;
mod apt_lists_not_removed;
mod archive_copied_then_extracted;
mod build_tools_in_final_image;
mod conda_clean_missing;
mod copy_whole_filesystem;
mod gem_docs;
mod go_build_cache;
mod npm_cache;
mod package_manager_clean_missing;
mod pip_cache;
mod removed_in_later_layer;
mod smaller_base_variant;

pub use apk_cache::ApkCache;
pub use apt_install_recommends::AptInstallRecommends;
pub use apt_lists_not_removed::AptListsNotRemoved;
pub use archive_copied_then_extracted::ArchiveCopiedThenExtracted;
pub use build_tools_in_final_image::BuildToolsInFinalImage;
pub use conda_clean_missing::CondaCleanMissing;
pub use copy_whole_filesystem::CopyWholeFilesystem;
pub use gem_docs::GemDocs;
pub use go_build_cache::GoBuildCache;
pub use npm_cache::NpmCache;
pub use package_manager_clean_missing::PackageManagerCleanMissing;
pub use pip_cache::PipCache;
pub use removed_in_later_layer::RemovedInLaterLayer;
pub use smaller_base_variant::SmallerBaseVariant;

use super::common::{Call, base_name, calls, inline_script, trim_dir_end};
use super::{Context, RuleEntry};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Arguments, Dockerfile, Instruction, InstructionKind};
use crate::shell::{Operator, ShellScript, Word};
use crate::text::TextRange;

/// The size rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &AptListsNotRemoved::META,
        new: || Box::new(AptListsNotRemoved),
    },
    RuleEntry {
        meta: &AptInstallRecommends::META,
        new: || Box::new(AptInstallRecommends),
    },
    RuleEntry {
        meta: &ApkCache::META,
        new: || Box::new(ApkCache),
    },
    RuleEntry {
        meta: &PipCache::META,
        new: || Box::new(PipCache),
    },
    RuleEntry {
        meta: &NpmCache::META,
        new: || Box::new(NpmCache),
    },
    RuleEntry {
        meta: &PackageManagerCleanMissing::META,
        new: || Box::new(PackageManagerCleanMissing),
    },
    RuleEntry {
        meta: &GemDocs::META,
        new: || Box::new(GemDocs),
    },
    RuleEntry {
        meta: &CondaCleanMissing::META,
        new: || Box::new(CondaCleanMissing),
    },
    RuleEntry {
        meta: &GoBuildCache::META,
        new: || Box::new(GoBuildCache),
    },
    RuleEntry {
        meta: &SmallerBaseVariant::META,
        new: || Box::new(SmallerBaseVariant),
    },
    RuleEntry {
        meta: &ArchiveCopiedThenExtracted::META,
        new: || Box::new(ArchiveCopiedThenExtracted),
    },
    RuleEntry {
        meta: &RemovedInLaterLayer::META,
        new: || Box::new(RemovedInLaterLayer),
    },
    RuleEntry {
        meta: &BuildToolsInFinalImage::META,
        new: || Box::new(BuildToolsInFinalImage),
    },
    RuleEntry {
        meta: &CopyWholeFilesystem::META,
        new: || Box::new(CopyWholeFilesystem),
    },
];

// ---------------------------------------------------------------------------------------
// The RUN and its commands
// ---------------------------------------------------------------------------------------

/// The parsed script of a RUN these rules check: a RUN run by a POSIX shell, in a stage
/// whose layers ship; `None` for anything else.
pub(crate) fn checked_script<'a>(
    ins: &'a Instruction,
    file: &Dockerfile,
) -> Option<&'a ShellScript> {
    if ins.kind != InstructionKind::Run {
        return None;
    }
    let script = ins.script()?;
    (posix_shell(file, ins) && shipped(file, ins)).then_some(script)
}

/// Whether the layers of `ins`'s stage end up in a shipped image.
pub(crate) fn shipped(file: &Dockerfile, ins: &Instruction) -> bool {
    ins.stage
        .is_none_or(|s| file.stages.get(s).is_none_or(|st| st.shipped))
}

// ---------------------------------------------------------------------------------------
// Paths: mounts and removals
// ---------------------------------------------------------------------------------------

/// Normalise a path for comparison: home directories (`~`, `$HOME`, `/root`,
/// `/home/<user>`) become `~`, `$GOPATH` becomes `/go`, trailing `/`, `/*` and `/.` go.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut p = path.trim().to_owned();
    for (from, to) in [
        ("$(go env GOCACHE)", "~/.cache/go-build"),
        ("$(go env GOMODCACHE)", "/go/pkg/mod"),
        ("${GOPATH}", "/go"),
        ("$GOPATH", "/go"),
        ("${HOME}", "~"),
        ("$HOME", "~"),
    ] {
        if let Some(rest) = p.strip_prefix(from) {
            p = format!("{to}{rest}");
        }
    }
    if p == "/root" || p.starts_with("/root/") {
        p = format!("~{}", &p[5..]);
    } else if let Some(rest) = p.strip_prefix("/home/") {
        let after = rest.find('/').map_or("", |i| &rest[i..]);
        p = format!("~{after}");
    }
    trim_dir_end(&p).to_owned()
}

/// Whether removing (or mounting over) `dir` takes `path` with it: `dir` is `path` or one
/// of its parents, or `dir` is `path/<glob>` (`/var/lib/apt/lists/*_*`, the content of
/// `path`). Both are normalised first; `*` and `?` in `dir` match within one component.
pub(crate) fn covers(dir: &str, path: &str) -> bool {
    let dir = normalize_path(dir);
    let path = normalize_path(path);
    if dir == "/" {
        return true;
    }
    let d: Vec<&str> = dir.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    let prefix = |n: usize| d[..n].iter().zip(&p[..n]).all(|(g, c)| glob_match(g, c));
    if d.len() <= p.len() {
        return prefix(d.len());
    }
    d.len() == p.len() + 1
        && d.last().is_some_and(|last| last.contains(['*', '?']))
        && prefix(p.len())
}

/// Shell pattern matching of one path component: `*` and `?` (no brackets).
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Expand one level of braces: `/var/cache/{yum,dnf}` → both paths.
fn expand_braces(word: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (word.find('{'), word.find('}')) else {
        return vec![word.to_owned()];
    };
    if close < open || word[open..close].contains('$') {
        return vec![word.to_owned()];
    }
    let (head, tail) = (&word[..open], &word[close + 1..]);
    word[open + 1..close]
        .split(',')
        .map(|alt| format!("{head}{alt}{tail}"))
        .collect()
}

/// A `RUN --mount`: its type and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mount {
    pub kind: String,
    pub target: Option<String>,
}

/// Parse a `--mount` value (`type=cache,target=/x,sharing=locked`, any order, CSV quotes
/// allowed, `dst` and `destination` for `target`, `type` defaulting to `bind`).
pub(crate) fn parse_mount(value: &str) -> Mount {
    let mut kind = "bind".to_owned();
    let mut target = None;
    for field in split_csv(value) {
        let (key, val) = field.split_once('=').unwrap_or((field.as_str(), ""));
        let val = val.trim_matches(|c| c == '"' || c == '\'');
        match key.trim().to_ascii_lowercase().as_str() {
            "type" => kind = val.to_ascii_lowercase(),
            "target" | "dst" | "destination" => target = Some(val.to_owned()),
            _ => {}
        }
    }
    Mount { kind, target }
}

/// Split on commas outside double quotes, removing the quotes (Go's `encoding/csv`, which
/// BuildKit uses for `--mount`).
fn split_csv(value: &str) -> Vec<String> {
    let value = value.trim();
    // The whole flag value may itself be quoted: `--mount="type=cache,target=/x"`.
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.contains('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// The mounts of a RUN (`--mount` may be given several times).
pub(crate) fn mounts(ins: &Instruction) -> Vec<Mount> {
    ins.flags
        .iter()
        .filter(|f| f.name.value.eq_ignore_ascii_case("mount"))
        .filter_map(|f| f.value_str().map(parse_mount))
        .collect()
}

/// Whether a RUN mounts something (a cache, a tmpfs, ...) over `path` or a parent of it, so
/// that what the command writes there never lands in the layer.
pub(crate) fn mounted_over(ins: &Instruction, path: &str) -> bool {
    mounts(ins)
        .iter()
        .filter_map(|m| m.target.as_deref())
        .any(|t| covers(t, path))
}

/// Whether the RUN mounts a directory whose path ends like one of `suffixes` (`.npm`,
/// `.cache/yarn`), for caches whose home directory is not known.
pub(crate) fn mounted_like(ins: &Instruction, suffixes: &[&str]) -> bool {
    mounts(ins)
        .iter()
        .filter_map(|m| m.target.as_deref())
        .any(|t| {
            let t = normalize_path(t);
            suffixes
                .iter()
                .any(|s| t == *s || t.ends_with(&format!("/{s}")))
        })
}

/// Whether `call` removes `path` (or a parent of it, or all of its content): `rm` with the
/// path as an operand, or `find <path> ... -delete` / `-exec rm`.
pub(crate) fn removes(call: &Call<'_>, path: &str) -> bool {
    removed_paths(call)
        .iter()
        .any(|p| expand_braces(p).iter().any(|p| covers(p, path)))
}

/// The paths a call removes.
pub(crate) fn removed_paths<'c>(call: &'c Call<'_>) -> Vec<&'c str> {
    match &*call.name {
        "rm" => call
            .operands(&[])
            .into_iter()
            .map(|w| w.value.as_str())
            .collect(),
        "find" => {
            let deletes = call
                .args
                .windows(2)
                .any(|w| w[0].value == "-exec" && base_name(&w[1].value) == "rm")
                || call.args.iter().any(|w| w.value == "-delete");
            if !deletes {
                return vec![];
            }
            call.args
                .iter()
                .take_while(|w| !w.value.starts_with('-') && w.value != "(" && w.value != "!")
                .map(|w| w.value.as_str())
                .collect()
        }
        _ => vec![],
    }
}

/// The source after command `index` up to the next command (or the end of the RUN):
/// operators and the redirections that tree-sitter-bash keeps outside the command
/// (`echo x >> /etc/gemrc`).
pub(crate) fn text_after<'s>(
    source: &'s str,
    ins: &Instruction,
    script: &ShellScript,
    index: usize,
) -> &'s str {
    let Some(command) = script.commands.get(index) else {
        return "";
    };
    let end = script
        .commands
        .get(index + 1)
        .map_or(ins.range.end, |c| c.range.start)
        .max(command.range.end);
    source.get(command.range.end..end).unwrap_or("")
}

/// Whether the root image of `ins`'s stage is one the shipped Debian package data can
/// describe: not Ubuntu (whose index and packages differ).
pub(crate) fn debian_data_applies(file: &Dockerfile, ins: &Instruction) -> bool {
    ins.stage.is_none_or(|s| debian_data_applies_to(file, s))
}

/// Whether the root image of stage `stage` is not Ubuntu.
fn debian_data_applies_to(file: &Dockerfile, stage: usize) -> bool {
    !base_image(file, stage).is_some_and(|b| b.to_ascii_lowercase().contains("ubuntu"))
}

/// [`debian_data_applies`], worked out once per stage of the file `ctx` checks (the rules
/// ask at every RUN).
pub(crate) fn debian_data_applies_in(ctx: &Context<'_>, ins: &Instruction) -> bool {
    struct Stages(Vec<bool>);
    let Some(stage) = ins.stage else {
        return true;
    };
    let file = ctx.file;
    let stages = ctx.memo(|| {
        Stages(
            (0..file.stages.len())
                .map(|s| debian_data_applies_to(file, s))
                .collect(),
        )
    });
    stages.0.get(stage).copied().unwrap_or(true)
}

/// Whether some call after index `after` satisfies `pred`, looking into the script strings
/// of `sh -c '...'` and `su -c '...'` too (a cleanup is often written there).
pub(crate) fn later(calls: &[Call<'_>], after: usize, pred: impl Fn(&Call<'_>) -> bool) -> bool {
    calls.iter().any(|c| {
        c.index > after
            && (pred(c) || inline_script(c).is_some_and(|s| self::calls(&s).iter().any(&pred)))
    })
}

// ---------------------------------------------------------------------------------------
// Stages and what earlier instructions set up
// ---------------------------------------------------------------------------------------

/// The stage `stage` and the stages it is built on (`FROM base AS build` → `base`), nearest
/// first.
pub(crate) fn lineage(file: &Dockerfile, stage: usize) -> Vec<usize> {
    let mut out = vec![stage];
    let mut current = stage;
    while let Some(parent) = parent_stage(file, current) {
        if out.contains(&parent) {
            break;
        }
        out.push(parent);
        current = parent;
    }
    out
}

fn parent_stage(file: &Dockerfile, stage: usize) -> Option<usize> {
    let base = file.stages.get(stage)?.base.as_ref()?;
    file.stages[..stage].iter().rposition(|s| {
        s.name
            .as_ref()
            .is_some_and(|n| n.value.eq_ignore_ascii_case(&base.value))
    })
}

/// The image a stage is ultimately built on (following `FROM <stage>`), as written.
pub(crate) fn base_image(file: &Dockerfile, stage: usize) -> Option<String> {
    let root = *lineage(file, stage).last()?;
    let base = file.stages.get(root)?.base.as_ref()?;
    Some(expand_global_args(file, &base.value))
}

/// `text` with `$NAME` and `${NAME}` replaced by the defaults of the `ARG`s before the
/// first `FROM` (`ARG node=node:12-windowsservercore` / `FROM $node`); unknown names stay.
fn expand_global_args(file: &Dockerfile, text: &str) -> String {
    if !text.contains('$') {
        return text.to_owned();
    }
    let defaults: Vec<(&str, String)> = file
        .global_instructions()
        .iter()
        .filter(|i| i.kind == InstructionKind::Arg)
        .flat_map(Instruction::words)
        .filter_map(|w| {
            let (name, value) = w.value.split_once('=')?;
            Some((
                name,
                value.trim_matches(|c| c == '"' || c == '\'').to_owned(),
            ))
        })
        .collect();
    let mut out = text.to_owned();
    for (name, value) in defaults.iter().rev() {
        out = out
            .replace(&format!("${{{name}}}"), value)
            .replace(&format!("${name}"), value);
    }
    out
}

/// The repository name of an image reference without registry, tag or digest
/// (`docker.io/library/ruby:3.3-slim` → `library/ruby`, `ruby:$V` → `ruby`).
pub(crate) fn image_name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    // The tag starts at the first `:` of the last path component (a registry port is in
    // the first component: `localhost:5000/ruby`).
    let last = image.rfind('/').map_or(0, |i| i + 1);
    let name = match image[last..].find(':') {
        Some(i) => &image[..last + i],
        None => image,
    };
    match name.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => rest,
        _ => name,
    }
}

/// The instructions that ran before `ins` in its image: the whole of the stages it is built
/// on, then its own stage up to `ins`.
pub(crate) fn earlier<'a>(file: &'a Dockerfile, ins: &Instruction) -> Vec<&'a Instruction> {
    let Some(stage) = ins.stage else {
        return vec![];
    };
    let mut out = Vec::new();
    for s in lineage(file, stage).into_iter().rev() {
        let Some(st) = file.stages.get(s) else {
            continue;
        };
        for i in file.stage_instructions(st) {
            if s == stage && i.range.start >= ins.range.start {
                break;
            }
            out.push(i);
        }
    }
    out
}

/// Whether an `ENV` or `ARG` before `ins` in its image sets `name`.
pub(crate) fn env_set_before(file: &Dockerfile, ins: &Instruction, name: &str) -> bool {
    earlier(file, ins).iter().any(|i| {
        if !matches!(i.kind, InstructionKind::Env | InstructionKind::Arg) {
            return false;
        }
        let words = i.words();
        let legacy = i.kind == InstructionKind::Env
            && words
                .first()
                .is_some_and(|w| w.value == name && !w.value.contains('='))
            && words.len() > 1;
        legacy
            || words.iter().any(|w| {
                w.value
                    .split_once('=')
                    .is_some_and(|(n, v)| n == name && !v.is_empty() && v != "\"\"" && v != "''")
            })
    })
}

/// Whether RUNs run in a POSIX shell where `ins` is: not after a `SHELL` of PowerShell or
/// `cmd`, and not on a Windows base image (after ARG defaults) without a `SHELL`: what the
/// parser tracks ([`Instruction::posix_shell`]), plus the backtick escape that Windows
/// Dockerfiles use.
pub(crate) fn posix_shell(file: &Dockerfile, ins: &Instruction) -> bool {
    // Windows Dockerfiles mostly use the backtick escape, for PowerShell's backslashes.
    ins.posix_shell && file.escape != '`'
}

/// Whether the shell-form text of an earlier RUN (in the same image) contains every one of
/// `needles` (for configuration written by a RUN: `gemrc`, `--no-document`).
pub(crate) fn earlier_run_mentions(file: &Dockerfile, ins: &Instruction, needles: &[&str]) -> bool {
    earlier(file, ins).iter().any(|i| {
        let i = i.effective();
        if i.kind != InstructionKind::Run {
            return false;
        }
        let text = match &i.args {
            Arguments::Shell(s) => s.text.as_str(),
            _ => "",
        };
        let bodies = i.heredocs.iter().map(|h| h.content.as_str());
        std::iter::once(text)
            .chain(bodies)
            .any(|t| needles.iter().all(|n| t.contains(n)))
    })
}

// ---------------------------------------------------------------------------------------
// Messages and fixes
// ---------------------------------------------------------------------------------------

/// "this layer (line N)": which layer a finding bloats.
pub(crate) fn layer(ins: &Instruction) -> String {
    format!("this layer (line {})", ins.start_line)
}

/// The subcommand of `call` as a finding shows it: `sub`, or `sub` and the word after it
/// when `two_words` (`conda env create`, `dnf group install`). Returns the last word and
/// the text `program sub [word]`.
pub(crate) fn shown_subcommand<'c>(
    call: &'c Call<'_>,
    sub: &'c Word,
    two_words: bool,
) -> (&'c Word, String) {
    let last = if two_words {
        call.arg_after(sub).unwrap_or(sub)
    } else {
        sub
    };
    let shown = if std::ptr::eq(last, sub) {
        format!("{} {}", call.name, sub.value)
    } else {
        format!("{} {} {}", call.name, sub.value, last.value)
    };
    (last, shown)
}

/// A fix inserting ` option` right after each of `words` (the subcommands that lack it).
pub(crate) fn insert_option<'w>(
    applicability: Applicability,
    option: &str,
    words: impl IntoIterator<Item = &'w Word>,
) -> Fix {
    Fix {
        applicability,
        edits: words
            .into_iter()
            .map(|word| Edit {
                range: TextRange::empty(word.range.end),
                content: format!(" {option}"),
            })
            .collect(),
    }
}

/// A fix of one edit.
pub(crate) fn fix(applicability: Applicability, edit: Edit) -> Fix {
    Fix {
        applicability,
        edits: vec![edit],
    }
}

/// An unsafe fix appending ` && text` after the last of `calls` that satisfies `pred`:
/// the last command that may still need what `text` removes (see [`append_after`]).
pub(crate) fn append_after_last(
    ctx: &Context<'_>,
    ins: &Instruction,
    script: &ShellScript,
    calls: &[Call<'_>],
    pred: impl Fn(&Call<'_>) -> bool,
    text: &str,
) -> Option<Fix> {
    let last = calls.iter().rev().find(|c| pred(c))?;
    append_after(ctx, ins, script, last.index, text).map(|edit| fix(Applicability::Unsafe, edit))
}

/// An edit appending ` && text` right after command `index` of `script`, when that is a
/// plain place to chain another command: a shell-form RUN (no heredoc) whose commands are
/// all at the top level and joined by `&&` or `;`, with nothing but those operators, spaces
/// and line continuations between the command and the next one.
pub(crate) fn append_after(
    ctx: &Context<'_>,
    ins: &Instruction,
    script: &ShellScript,
    index: usize,
    text: &str,
) -> Option<Edit> {
    if !ins.heredocs.is_empty() || script.has_error {
        return None;
    }
    let commands = &script.commands;
    let simple = commands
        .iter()
        .all(|c| c.depth == 0 && matches!(c.next, None | Some(Operator::And | Operator::Seq)));
    if !simple {
        return None;
    }
    let end = commands.get(index)?.range.end;
    let rest = ctx.source.get(end..ins.range.end)?;
    plain_gap(rest, ctx.file.escape).then(|| Edit {
        range: TextRange::empty(end),
        content: format!(" && {text}"),
    })
}

/// Whether `rest` (the source after a command) goes on with `&&`, `;` or the end of the
/// instruction, past spaces, line continuations and the comment lines they may hold: then
/// a command inserted right after the first one stays outside any redirection or argument.
fn plain_gap(rest: &str, escape: char) -> bool {
    let mut s = rest;
    loop {
        s = s.trim_start_matches([' ', '\t']);
        if let Some(after) = s.strip_prefix(escape) {
            let Some(nl) = after.find('\n') else {
                return false;
            };
            if !after[..nl].trim().is_empty() {
                return false;
            }
            s = &after[nl + 1..];
            // Comment lines inside a continuation are dropped by the builder.
            while s.trim_start().starts_with('#') {
                s = s.find('\n').map_or("", |i| &s[i + 1..]);
            }
            continue;
        }
        return s.is_empty()
            || s.starts_with("&&")
            || (s.starts_with(';') && !s.starts_with(";;"))
            || s.starts_with(['\n', '\r']);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn fix_safety_is_documented_for_the_unsafe_fixes() {
        for entry in RULES {
            let meta = entry.meta;
            let unsafe_fix = meta.docs.contains("## Fix safety");
            assert_eq!(
                unsafe_fix,
                matches!(meta.code, "SZ001" | "SZ002" | "SZ006" | "SZ010"),
                "{}: `## Fix safety` belongs to the rules with an unsafe fix",
                meta.code
            );
        }
    }

    #[test]
    fn cleanups_inside_shell_strings_count() {
        let df = parse(
            "FROM a\nRUN apt-get update && sudo bash -ec \"apt-get install -y x && rm -rf /var/lib/apt/lists/*\"\n",
        );
        let script = df.instructions[1].script().expect("script");
        let calls = calls(script);
        assert!(later(calls, 0, |c| removes(c, "/var/lib/apt/lists")));
        assert!(!later(calls, 1, |c| removes(c, "/var/lib/apt/lists")));
        let df = parse("FROM a\nRUN pip install x && su app -c 'rm -rf ~/.cache'\n");
        let script = df.instructions[1].script().expect("script");
        assert!(later(&calls_of(script), 0, |c| removes(c, "~/.cache/pip")));
        let df = parse("FROM a\nRUN pip install x && bash build.sh -c\n");
        let script = df.instructions[1].script().expect("script");
        assert!(!later(&calls_of(script), 0, |c| removes(c, "~/.cache/pip")));
    }

    fn calls_of(script: &ShellScript) -> Vec<Call<'_>> {
        calls(script).to_vec()
    }

    #[test]
    fn mount_values() {
        assert_eq!(
            parse_mount("type=cache,target=/var/cache/apt,sharing=locked"),
            Mount {
                kind: "cache".into(),
                target: Some("/var/cache/apt".into())
            }
        );
        assert_eq!(
            parse_mount("sharing=locked,dst=/root/.npm,type=cache")
                .target
                .as_deref(),
            Some("/root/.npm")
        );
        assert_eq!(
            parse_mount("\"type=cache,destination=/x\"")
                .target
                .as_deref(),
            Some("/x")
        );
        assert_eq!(
            parse_mount("type=cache,\"target=/a,b\"").target.as_deref(),
            Some("/a,b")
        );
        assert_eq!(parse_mount("target=/src").kind, "bind");
        assert_eq!(
            parse_mount("type=tmpfs,target='/tmp'").target.as_deref(),
            Some("/tmp")
        );
        let df = parse(
            "FROM a\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=tmpfs,dst=/var/lib/apt \\\n  apt-get update\n",
        );
        let ins = &df.instructions[1];
        assert_eq!(mounts(ins).len(), 2);
        assert!(mounted_over(ins, "/var/lib/apt/lists"));
        assert!(mounted_over(ins, "/var/cache/apt/archives"));
        assert!(!mounted_over(ins, "/var/cache/apk"));
    }

    #[test]
    fn paths() {
        assert!(covers("/var/lib/apt/lists/*", "/var/lib/apt/lists"));
        assert!(covers("/var/lib/apt/lists/", "/var/lib/apt/lists"));
        assert!(covers("/var/lib/apt", "/var/lib/apt/lists"));
        assert!(!covers("/var/lib/apt/lists/partial", "/var/lib/apt/lists"));
        assert!(!covers("/var/lib/ap", "/var/lib/apt/lists"));
        assert!(covers("~/.cache", "/root/.cache/pip"));
        assert!(covers("$HOME/.cache/pip", "/root/.cache/pip"));
        assert!(covers("/home/app/.cache/pip/*", "~/.cache/pip"));
        assert!(covers("${GOPATH}/pkg/mod", "/go/pkg/mod"));
        assert!(covers("$(go env GOCACHE)", "/root/.cache/go-build"));
        assert!(!covers("/tmp/*", "/root/.cache"));
        assert!(covers("/var/lib/apt/lists/*_*", "/var/lib/apt/lists"));
        assert!(covers("/var/lib/apt/lists/*.lz4", "/var/lib/apt/lists"));
        assert!(covers("/root/.cache/p*", "/root/.cache/pip"));
        assert!(covers("/var/cache/*/", "/var/cache/apk"));
        assert!(!covers("/var/lib/apt/lists/*/x", "/var/lib/apt/lists"));
        assert!(covers("/var/lib/apt/*s", "/var/lib/apt/lists/x/y"));
        assert!(covers("/*", "/var/lib/apt/lists"));
        assert!(glob_match("*_*", "deb.debian.org_debian_Packages"));
        assert!(!glob_match("*_*", "partial"));
        assert!(glob_match("a?c*", "abcdef"));
        assert_eq!(
            expand_braces("/var/cache/{yum,dnf}"),
            ["/var/cache/yum", "/var/cache/dnf"]
        );
    }

    #[test]
    fn images() {
        assert_eq!(image_name("ruby:3.3-slim"), "ruby");
        assert_eq!(image_name("docker.io/library/ruby:3.3"), "library/ruby");
        assert_eq!(image_name("localhost:5000/ruby@sha256:abc"), "ruby");
        assert_eq!(image_name("ruby:$RUBY_VERSION-slim"), "ruby");
        assert_eq!(
            image_name("mcr.microsoft.com/devcontainers/ruby:${templateOption:imageVariant}"),
            "devcontainers/ruby"
        );
        let df = parse("FROM ruby:3 AS base\nFROM base AS build\nRUN x\nFROM alpine\n");
        assert_eq!(lineage(&df, 1), [1, 0]);
        assert_eq!(base_image(&df, 1).as_deref(), Some("ruby:3"));
        assert_eq!(base_image(&df, 2).as_deref(), Some("alpine"));
        let df = parse(
            "ARG node=node:12-windowsservercore\nARG V=3\nFROM $node\nFROM ruby:${V}-slim\nFROM $X\n",
        );
        assert_eq!(
            base_image(&df, 0).as_deref(),
            Some("node:12-windowsservercore")
        );
        assert_eq!(base_image(&df, 1).as_deref(), Some("ruby:3-slim"));
        assert_eq!(base_image(&df, 2).as_deref(), Some("$X"));
    }

    #[test]
    fn builders_only_copied_from_are_not_checked() {
        let df = parse(
            "FROM a AS build\nRUN x\nFROM a AS unused\nRUN y\nFROM build AS final\nRUN z\n\
             FROM b\nCOPY --from=final /x /x\nRUN w\n",
        );
        let runs: Vec<bool> = df
            .instructions
            .iter()
            .filter(|i| i.kind == InstructionKind::Run)
            .map(|i| checked_script(i, &df).is_some())
            .collect();
        assert_eq!(runs, [false, true, false, true]);
    }

    #[test]
    fn windows_stages_are_not_posix() {
        let df = parse(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a\n\
             FROM debian\nRUN b\nSHELL [\"pwsh\", \"-c\"]\nRUN c\n",
        );
        let runs: Vec<bool> = df
            .instructions
            .iter()
            .filter(|i| i.kind == InstructionKind::Run)
            .map(|i| posix_shell(&df, i))
            .collect();
        assert_eq!(runs, [false, true, false]);
        let df = parse("ARG node=node:12-windowsservercore\nFROM $node\nRUN npm i\n");
        assert!(!posix_shell(&df, &df.instructions[2]));
        let df = parse("# escape=`\nFROM microsoft/iis\nRUN dir\n");
        assert!(!posix_shell(&df, &df.instructions[1]));
    }

    #[test]
    fn env_before() {
        let df = parse(
            "FROM a AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN x\nFROM a\nENV PIP_NO_CACHE_DIR true\nRUN y\nENV B=\"\"\n",
        );
        let x = &df.instructions[3];
        let y = &df.instructions[6];
        assert!(env_set_before(&df, x, "PIP_NO_CACHE_DIR"));
        assert!(env_set_before(&df, y, "PIP_NO_CACHE_DIR"));
        assert!(!env_set_before(&df, y, "B"));
    }
}
