//! LY001 `unchained-runs`: consecutive RUNs that should be one: a cleanup split from the
//! RUN that wrote the files, `apt-get install` split from `apt-get update`, or a row of
//! small commands.

use crate::diagnostic::{Applicability, Fix};
use crate::layers::analysis::copy_sources;
use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::common::{
    Call, apt_reads_lists, apt_subcommand, calls_with_inline, flags_key, is_apt_update, join_dir,
    merge_runs, posix_script, sequences, shipped_stages, trim_dir_end,
};
use crate::rules::{Context, FixAvailability, OptionError, Rule, RuleMeta};

const DOCS: &str = r"Checks for consecutive RUN instructions that would be better as one.

## What it does
Looks at RUN instructions that follow each other directly in a stage (comments between
them are fine; any other instruction, a different `--mount`, `--network` or `--security`
flag, or a non-POSIX shell separates them) and flags three cases:

- A RUN that cleans up what an earlier RUN of the row wrote: `rm -rf` of a path that the
  earlier one visibly wrote (downloaded with `curl -o` or `wget`, created with `mkdir`,
  `git clone` or `tar -C`, copied or moved to, or redirected output to),
  `rm -rf /var/lib/apt/lists/*` or `apt-get clean` after `apt-get update`/`install`,
  `apt-get purge`/`remove`/`autoremove`, `pip cache purge`, `npm cache clean`,
  `yum`/`dnf`/`zypper clean`, `apk cache clean`, `conda clean`. A cleanup of files the RUN
  wrote itself earlier in its own script is fine, and so is the removal of files that a
  COPY or ADD brought in (they are in the COPY's layer, not a RUN's).
- `apt-get install` in the RUN right after one that only runs `apt-get update`.
- At least `min-runs` (3 by default) RUNs in a row that only run small commands (`mkdir`,
  `ln`, `chmod`, `chown`, `useradd`, `echo`, `sed`, ...), in shell form without heredocs.

Consecutive RUNs that do real work (an install, a download, a build) are not flagged:
keeping a slow, stable step apart from a changing one is a sound use of the cache. Nor are
cleanups and rows of small RUNs in a stage whose files are only copied out by another
stage (`COPY --from=builder`): the size of its layers does not reach any image.

Differences from hadolint DL3059: hadolint reports each RUN that follows another RUN when
neither holds more than two commands, whatever they do; dlint reports the three cases
above only, and a row once (at its first RUN, naming the others), not each RUN of it.
Consecutive RUNs that each install or build something, which hadolint reports, are left
alone on purpose: they are separate cache steps. And a row of small RUNs is reported from
3 on by default (`min-runs`):

```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# hadolint DL3059 here; dlint: fine, two slow steps cached apart
RUN python -m spacy download en_core_web_sm
```

## Why is this bad?
Every RUN commits a layer, and a layer only ever adds to the image: deleting a file in a
later layer hides it but still ships its bytes in the earlier one. A cleanup in its own
RUN therefore makes the image no smaller, only adds a layer. `apt-get install` split from
`apt-get update` reuses the package lists cached in the update's layer, however old.
A row of RUNs with small commands makes as many layers, each with its own metadata and
whiteouts, where one would do.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential
RUN rm -rf /var/lib/apt/lists/*
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
The fix merges the RUNs into the first one, joined with `&& \`; a RUN that is not one
plain `&&` chain (`a; b`, `a || b`), or that changes the shell for what follows (`cd`,
`export`, `set -e`), is wrapped in a subshell `( ... )` so that the merged script runs
the same commands in the same places. No fix is offered for exec-form or heredoc RUNs, or
when a RUN may end in a shell comment.

The fix is unsafe for cleanups and `apt-get` splits (the merged layer no longer holds the
removed files, which is the point, but it is a different image), and display-only for a
row of small commands, where merging trades away the separate cache entries.

## Options
- `min-runs` (default `3`, at least `2`): how many consecutive RUNs of small commands are
  flagged. Cleanups and `apt-get` splits are flagged whatever the count.

```toml
# .dlint.toml
[rules.options.unchained-runs]
min-runs = 4
```

## References
- [Docker: best practices, minimize the number of layers](https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers)
- [Docker: best practices for `apt-get`](https://docs.docker.com/build/building/best-practices/#apt-get)
- [hadolint DL3059](https://github.com/hadolint/hadolint/wiki/DL3059)
";

/// How many consecutive RUNs of small commands are flagged by default.
pub const DEFAULT_MIN_RUNS: usize = 3;

/// Consecutive RUNs that should be one. `min_runs` is the `min-runs` option.
#[derive(Debug)]
pub struct UnchainedRuns {
    pub min_runs: usize,
}

impl Default for UnchainedRuns {
    fn default() -> Self {
        Self {
            min_runs: DEFAULT_MIN_RUNS,
        }
    }
}

impl UnchainedRuns {
    pub const META: RuleMeta = RuleMeta {
        code: "LY001",
        name: "unchained-runs",
        category: crate::diagnostic::Category::Layers,
        severity: crate::diagnostic::Severity::Warning,
        fix: FixAvailability::Sometimes,
        since: "0.1.0",
        upstream: Some("hadolint: DL3059"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

/// Commands that write next to nothing and take no time: a row of RUNs of these alone can
/// be one without losing anything to the cache.
const SMALL: &[&str] = &[
    "mkdir",
    "ln",
    "chmod",
    "chown",
    "chgrp",
    "touch",
    "echo",
    "printf",
    "useradd",
    "groupadd",
    "adduser",
    "addgroup",
    "usermod",
    "groupmod",
    "userdel",
    "set",
    "cd",
    "export",
    "true",
    ":",
    "cp",
    "mv",
    "sed",
    "ls",
    "cat",
    "rm",
    "rmdir",
    "ldconfig",
    "update-ca-certificates",
    "test",
    "[",
    "id",
    "whoami",
    "env",
    "which",
    "tee",
    "install",
    "setcap",
    "update-alternatives",
    "mkfifo",
    "chpasswd",
    "passwd",
    "umask",
    "dpkg-reconfigure",
];

/// What a cleanup removes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// `/var/lib/apt/lists`: written by `apt-get update`.
    AptLists,
    /// `/var/cache/apt` (`apt-get clean`): written by installs.
    AptArchives,
    /// Packages (`apt-get purge`): installed by `apt-get install`.
    AptPackages,
    /// A package manager's cache (`pip cache purge`, `dnf clean all`), by tool name.
    Cache(&'static str),
    /// A path.
    Path(String),
}

/// Normalise a path for comparison: `~` and `$HOME` become `/root`; trailing `/`, `/*`,
/// `/.` go.
fn normalize(path: &str) -> String {
    let mut p = path.trim().to_owned();
    for (from, to) in [("${HOME}", "/root"), ("$HOME", "/root"), ("~", "/root")] {
        if let Some(rest) = p.strip_prefix(from) {
            p = format!("{to}{rest}");
        }
    }
    trim_dir_end(&p).to_owned()
}

/// What a removed path stands for.
fn path_target(path: &str) -> Target {
    let p = normalize(path);
    let under = |dir: &str| p == dir || p.starts_with(&format!("{dir}/"));
    if under("/var/lib/apt/lists") {
        Target::AptLists
    } else if under("/var/cache/apt") {
        Target::AptArchives
    } else if under("/root/.cache/pip") {
        Target::Cache("pip")
    } else if under("/root/.npm") {
        Target::Cache("npm")
    } else if under("/usr/local/share/.cache/yarn") || under("/root/.cache/yarn") {
        Target::Cache("yarn")
    } else if under("/var/cache/yum") {
        Target::Cache("yum")
    } else if under("/var/cache/dnf") {
        Target::Cache("dnf")
    } else if under("/var/cache/apk") {
        Target::Cache("apk")
    } else {
        Target::Path(p)
    }
}

/// What a call cleans up, if it is a cleanup.
fn cleanup_targets(call: &Call<'_>) -> Vec<Target> {
    let sub = call.subcommand_value(&[]);
    match &*call.name {
        "rm" => call
            .operands(&[])
            .iter()
            .filter(|w| !w.value.contains('$') || w.value.starts_with("$HOME"))
            .map(|w| path_target(&w.value))
            .collect(),
        "apt-get" | "apt" => match apt_subcommand(call) {
            Some("clean" | "autoclean") => vec![Target::AptArchives],
            Some("purge" | "remove" | "autoremove") => vec![Target::AptPackages],
            _ => vec![],
        },
        "pip" | "pip3" if sub == Some("cache") => vec![Target::Cache("pip")],
        "npm" if sub == Some("cache") => vec![Target::Cache("npm")],
        "yarn" if sub == Some("cache") => vec![Target::Cache("yarn")],
        "yum" if sub == Some("clean") => vec![Target::Cache("yum")],
        "dnf" | "microdnf" if sub == Some("clean") => vec![Target::Cache("dnf")],
        "zypper" if matches!(sub, Some("clean" | "cc")) => vec![Target::Cache("zypper")],
        "apk" if sub == Some("cache") => vec![Target::Cache("apk")],
        "conda" | "mamba" | "micromamba" if sub == Some("clean") => vec![Target::Cache("conda")],
        _ => vec![],
    }
}

/// Directories too general to say that a RUN writing under them wrote a removed path.
const SYSTEM_DIRS: &[&str] = &[
    "/",
    "/usr",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib64",
    "/usr/share",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/local/lib",
    "/usr/local/share",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/etc",
    "/var",
    "/var/lib",
    "/var/cache",
    "/opt",
    "/home",
    "/root",
    "/srv",
    "/tmp",
    "/var/tmp",
    "/dev/null",
    "/proc",
    "/sys",
];

/// The values of option `short` (in a cluster: `-fsSLo file`, `-ofile`) or of one of
/// `long` (`--output file`, `--output=file`).
fn option_values<'c>(call: &'c Call<'_>, short: char, long: &[&str]) -> Vec<&'c str> {
    let args: Vec<&str> = call.arg_values().collect();
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if let Some(name) = a.strip_prefix("--") {
            match name.split_once('=') {
                Some((n, v)) if long.contains(&format!("--{n}").as_str()) => out.push(v),
                None if long.contains(a) => out.extend(args.get(i + 1)),
                _ => {}
            }
        } else if let Some(cluster) = a.strip_prefix('-')
            && let Some(at) = cluster.find(short)
        {
            let rest = &cluster[at + short.len_utf8()..];
            if rest.is_empty() {
                out.extend(args.get(i + 1));
            } else {
                out.push(rest);
            }
        }
    }
    out
}

/// The file name a download of `url` is saved as.
fn url_file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.trim_end_matches('/').rsplit('/').next()?;
    (!name.is_empty() && !name.contains(':')).then(|| name.to_owned())
}

/// The paths a call writes, as far as its arguments say: the destination of `cp`, `mv`,
/// `install` and `ln`, what `mkdir`, `touch` and `tee` create, the output of `curl` and
/// `wget` (by default the file name of the URL), the directory of `git clone`, `tar -C`,
/// `unzip -d`, and redirections. Other commands (scripts, compilers) write where they
/// please: they are not counted, so that a cleanup is only blamed on a RUN that visibly
/// wrote the files.
fn written(call: &Call<'_>, redirects: &[String]) -> Vec<String> {
    let operands = |values: &[&str]| -> Vec<String> {
        call.operands(values)
            .iter()
            .map(|w| w.value.clone())
            .collect()
    };
    let mut out: Vec<String> = redirects
        .iter()
        .filter(|r| !r.starts_with("/dev/") && !r.starts_with('&'))
        .cloned()
        .collect();
    match &*call.name {
        "cp" | "mv" | "install" | "ln" | "rsync" => {
            let targets = option_values(call, 't', &["--target-directory"]);
            if targets.is_empty() {
                out.extend(
                    operands(&["-m", "-o", "-g", "-S", "--mode", "--owner", "--group"]).pop(),
                );
            } else {
                out.extend(targets.into_iter().map(str::to_owned));
            }
        }
        "mkdir" | "touch" | "tee" => out.extend(operands(&["-m", "--mode"])),
        "curl" => {
            out.extend(
                option_values(call, 'o', &["--output"])
                    .into_iter()
                    .map(str::to_owned),
            );
            let remote_name = call.arg_values().any(|a| {
                a == "--remote-name"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('O'))
            });
            if remote_name {
                out.extend(
                    call.arg_values()
                        .filter(|a| a.contains("://"))
                        .filter_map(url_file_name),
                );
            }
        }
        "wget" => {
            let files = option_values(call, 'O', &["--output-document"]);
            let dirs = option_values(call, 'P', &["--directory-prefix"]);
            if files.is_empty() {
                let names = call
                    .arg_values()
                    .filter(|a| a.contains("://"))
                    .filter_map(url_file_name);
                if dirs.is_empty() {
                    out.extend(names);
                } else {
                    out.extend(dirs.iter().map(|d| (*d).to_owned()));
                }
            } else {
                out.extend(files.into_iter().filter(|f| *f != "-").map(str::to_owned));
            }
        }
        "git" => {
            let ops = operands(&[
                "-b", "--branch", "--depth", "-c", "--config", "-o", "--origin",
            ]);
            if ops.first().is_some_and(|s| s == "clone") {
                match (ops.get(1), ops.get(2)) {
                    (_, Some(dir)) => out.push(dir.clone()),
                    (Some(url), None) => out
                        .extend(url_file_name(url).map(|n| n.trim_end_matches(".git").to_owned())),
                    _ => {}
                }
            }
        }
        "tar" => out.extend(
            option_values(call, 'C', &["--directory"])
                .into_iter()
                .map(str::to_owned),
        ),
        "unzip" => out.extend(option_values(call, 'd', &[]).into_iter().map(str::to_owned)),
        _ => {}
    }
    out.iter()
        .map(|p| normalize(p))
        .filter(|p| !p.is_empty() && !p.contains('$'))
        .collect()
}

/// Whether the earlier call wrote what `target` names.
fn writes(call: &Call<'_>, redirects: &[String], target: &Target) -> bool {
    let sub = call.subcommand_value(&[]);
    match target {
        Target::AptLists => is_apt_update(call),
        Target::AptArchives => apt_reads_lists(call),
        Target::AptPackages => apt_subcommand(call) == Some("install"),
        Target::Cache(tool) => {
            let name = &*call.name;
            let same = match *tool {
                "pip" => name.starts_with("pip") || name.starts_with("python"),
                "dnf" => matches!(name, "dnf" | "microdnf"),
                "conda" => matches!(name, "conda" | "mamba" | "micromamba"),
                t => name == t,
            };
            same && !matches!(sub, Some("cache" | "clean" | "config"))
        }
        Target::Path(p) => {
            if p == "/" {
                return false;
            }
            let absolute = p.starts_with('/');
            written(call, redirects).iter().any(|w| {
                w == p
                    || w.starts_with(&format!("{p}/"))
                    // The earlier RUN wrote a directory the removed path is in.
                    || (absolute
                        && w.starts_with('/')
                        && !SYSTEM_DIRS.contains(&w.as_str())
                        && p.starts_with(&format!("{w}/")))
            })
        }
    }
}

/// One RUN of a row, with its calls.
struct Run<'a> {
    ins: &'a Instruction,
    calls: &'a [Call<'a>],
    /// Redirection targets of each call, normalised, by call index.
    redirects: Vec<Vec<String>>,
    /// Where the COPY and ADD instructions before the RUN in its stage wrote, normalised.
    copied: Vec<String>,
}

impl Run<'_> {
    /// Whether a COPY or ADD before the RUN wrote `target` (or in it, or a directory that
    /// holds it): then its files are in that COPY's layer, not a RUN's.
    fn copied_to(&self, target: &Target) -> bool {
        let Target::Path(p) = target else {
            return false;
        };
        self.copied.iter().any(|d| {
            d == p || p.starts_with(&format!("{d}/")) || d.starts_with(&format!("{p}/")) || d == "/"
        })
    }

    /// Whether calls `..end` of this RUN write `target`.
    fn writes(&self, end: usize, target: &Target) -> bool {
        self.calls[..end]
            .iter()
            .zip(&self.redirects)
            .any(|(c, r)| writes(c, r, target))
    }

    fn updates_only(&self) -> bool {
        self.calls.iter().any(is_apt_update) && !self.calls.iter().any(apt_reads_lists)
    }

    /// The first call that reads apt lists, when no update comes before it in this RUN.
    fn reads_stale(&self) -> Option<&Call<'_>> {
        self.calls
            .iter()
            .find(|c| is_apt_update(c) || apt_reads_lists(c))
            .filter(|c| !is_apt_update(c))
    }

    /// Whether the RUN runs only small commands, in shell form without heredocs.
    fn small(&self) -> bool {
        matches!(self.ins.args, Arguments::Shell(_))
            && self.ins.heredocs.is_empty()
            && !self.calls.is_empty()
            && self
                .calls
                .iter()
                .all(|c| !c.nested && SMALL.contains(&&*c.name))
    }
}

impl UnchainedRuns {
    /// `shipped`: whether the row's layers end up in a shipped image, so that their size
    /// matters (see [`shipped_stages`]).
    fn check_row(&self, ctx: &mut Context<'_>, row: &[Run<'_>], shipped: bool) {
        let mut special = vec![false; row.len()];
        for j in 1..row.len() {
            if row[j - 1].updates_only()
                && let Some(install) = row[j].reads_stale()
            {
                special[j - 1] = true;
                special[j] = true;
                let update_line = row[j - 1].ins.start_line;
                let message = format!(
                    "`{}` runs in a RUN of its own after the `apt-get update` on line \
                     {update_line}: two layers, and the install reuses the lists cached in the \
                     first",
                    install.display(1)
                );
                let help = format!(
                    "Merge this RUN into the one on line {update_line}: `apt-get update && \
                     apt-get install ...`"
                );
                Self::report(
                    ctx,
                    install,
                    message,
                    help,
                    &row[j - 1..=j],
                    Applicability::Unsafe,
                );
                continue;
            }
            if !shipped {
                continue;
            }
            if let Some((call, earlier)) = Self::cleanup_of_earlier(row, j) {
                special[j] = true;
                let line = row[earlier].ins.start_line;
                let message = format!(
                    "`{}` removes what the RUN on line {line} wrote, in a layer of its own: the \
                     bytes stay in that layer, so the image is no smaller",
                    call.display(3)
                );
                let help = format!(
                    "Clean up in the RUN on line {line}, so that the files never reach its layer"
                );
                Self::report(
                    ctx,
                    call,
                    message,
                    help,
                    &row[earlier..=j],
                    Applicability::Unsafe,
                );
            }
        }
        // Rows of small RUNs, among those not reported above.
        if !shipped {
            return;
        }
        let mut start = 0;
        while start < row.len() {
            if special[start] || !row[start].small() {
                start += 1;
                continue;
            }
            let mut end = start;
            while end + 1 < row.len() && !special[end + 1] && row[end + 1].small() {
                end += 1;
            }
            let count = end - start + 1;
            if count >= self.min_runs.max(2) {
                let runs = &row[start..=end];
                let (first, last) = (runs[0].ins, runs[count - 1].ins);
                let message = format!(
                    "{count} RUNs in a row (lines {}-{}) make {count} layers for a few small \
                     commands",
                    first.start_line, last.end_line
                );
                let instructions: Vec<&Instruction> = runs.iter().map(|r| r.ins).collect();
                let fix = merge_runs(ctx, &instructions);
                let diagnostic = ctx
                    .report(&Self::META, first.keyword.range, message)
                    .with_help("Join them into one RUN with `&&`");
                for ins in &instructions[1..] {
                    diagnostic.with_related(
                        ins.keyword.range,
                        format!("RUN on line {}, one more layer", ins.start_line),
                    );
                }
                if let Some(edit) = fix {
                    diagnostic.set_fix(Fix {
                        applicability: Applicability::DisplayOnly,
                        edits: vec![edit],
                    });
                }
            }
            start = end + 1;
        }
    }

    /// The first cleanup call of RUN `j` that removes what an earlier RUN of the row wrote
    /// (and not the RUN itself before the call), with the index of the earliest such RUN.
    fn cleanup_of_earlier<'r>(row: &'r [Run<'_>], j: usize) -> Option<(&'r Call<'r>, usize)> {
        let run = &row[j];
        for (k, call) in run.calls.iter().enumerate() {
            for target in cleanup_targets(call) {
                if run.writes(k, &target) || run.copied_to(&target) {
                    continue;
                }
                if let Some(i) = (0..j).find(|&i| row[i].writes(row[i].calls.len(), &target)) {
                    return Some((call, i));
                }
            }
        }
        None
    }

    fn report(
        ctx: &mut Context<'_>,
        call: &Call<'_>,
        message: String,
        help: String,
        runs: &[Run<'_>],
        applicability: Applicability,
    ) {
        let instructions: Vec<&Instruction> = runs.iter().map(|r| r.ins).collect();
        let fix = merge_runs(ctx, &instructions);
        let diagnostic = ctx
            .report(&Self::META, call.span(), message)
            .with_help(help);
        // The RUNs it should join (all but the one reported in).
        for ins in &instructions[..instructions.len().saturating_sub(1)] {
            diagnostic.with_related(
                ins.keyword.range.cover(ins.range),
                format!("the RUN on line {} it should be part of", ins.start_line),
            );
        }
        if let Some(edit) = fix {
            diagnostic.set_fix(Fix {
                applicability,
                edits: vec![edit],
            });
        }
    }
}

impl Rule for UnchainedRuns {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn configure(&mut self, options: &toml::Table) -> Result<(), OptionError> {
        for (key, value) in options {
            let error = |message: String| OptionError {
                key: Some(key.clone()),
                message,
            };
            match key.as_str() {
                "min-runs" => {
                    let n = value
                        .as_integer()
                        .ok_or_else(|| error(format!("expected an integer, found {value}")))?;
                    self.min_runs =
                        usize::try_from(n).ok().filter(|&n| n >= 2).ok_or_else(|| {
                            error(format!("expected an integer of at least 2, found {n}"))
                        })?;
                }
                _ => {
                    return Err(error(format!(
                        "unknown option `{key}` of rule LY001 (unchained-runs); expected one of: min-runs"
                    )));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let shipped = shipped_stages(ctx.file);
        for seq in sequences(ctx.file) {
            if seq.onbuild {
                continue;
            }
            let shipped = seq
                .instructions
                .first()
                .and_then(|i| i.stage)
                .is_none_or(|s| shipped.get(s).copied().unwrap_or(true));
            let mut rows: Vec<Vec<Run<'_>>> = Vec::new();
            let mut previous_was_run = false;
            let mut copied: Vec<String> = Vec::new();
            let mut workdir: Option<String> = None;
            for ins in &seq.instructions {
                match ins.kind {
                    InstructionKind::Workdir => {
                        if let Some(w) = ins.words().first() {
                            workdir = join_dir(workdir.as_deref(), &w.value);
                        }
                    }
                    InstructionKind::Copy | InstructionKind::Add => {
                        if let Some(dest) = copy_sources(ins).1 {
                            copied
                                .extend(join_dir(workdir.as_deref(), &dest).map(|d| normalize(&d)));
                        }
                    }
                    _ => {}
                }
                let Some(script) = posix_script(ctx.file, ins) else {
                    // Exec-form RUNs keep a row going for the cleanup cases, without calls.
                    let exec = ins.kind == InstructionKind::Run
                        && matches!(ins.args, Arguments::Exec(_))
                        && crate::rules::common::posix_shell(ctx.file, ins);
                    if exec {
                        Self::push(&mut rows, previous_was_run, ins, &[], &copied);
                    }
                    previous_was_run = exec;
                    continue;
                };
                Self::push(
                    &mut rows,
                    previous_was_run,
                    ins,
                    calls_with_inline(script),
                    &copied,
                );
                previous_was_run = true;
            }
            for row in rows.iter().filter(|r| r.len() > 1) {
                self.check_row(ctx, row, shipped);
            }
        }
    }
}

impl UnchainedRuns {
    /// Add a RUN to the current row when it directly follows one with the same flags,
    /// else start a new row.
    fn push<'a>(
        rows: &mut Vec<Vec<Run<'a>>>,
        continues: bool,
        ins: &'a Instruction,
        calls: &'a [Call<'a>],
        copied: &[String],
    ) {
        let redirects = calls.iter().map(|c| redirects_of(ins, c)).collect();
        let run = Run {
            ins,
            calls,
            redirects,
            copied: copied.to_vec(),
        };
        match rows.last_mut() {
            Some(row)
                if continues
                    && row
                        .last()
                        .is_some_and(|r| flags_key(r.ins) == flags_key(ins)) =>
            {
                row.push(run);
            }
            _ => rows.push(vec![run]),
        }
    }
}

/// The redirection targets of a call's command, normalised.
fn redirects_of(ins: &Instruction, call: &Call<'_>) -> Vec<String> {
    let Some(script) = ins.script() else {
        return vec![];
    };
    script
        .commands
        .iter()
        .filter(|c| c.range == call.range)
        .flat_map(|c| c.redirects.iter().map(|w| normalize(&w.value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::UnchainedRuns;
    use crate::rules::test_support::{diagnostics, findings, fixed, fixed_and_clean, lines};
    use crate::rules::{Context, Rule};

    #[test]
    fn flags_cleanups_of_an_earlier_run() {
        let text = "FROM debian\nRUN apt-get update && apt-get install -y gcc\nRUN rm -rf /var/lib/apt/lists/*\n";
        let f = findings("LY001", text);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (3, "rm -rf /var/lib/apt/lists/*")
        );
        assert_eq!(
            f[0].2,
            "`rm -rf /var/lib/apt/lists/*` removes what the RUN on line 2 wrote, in a layer of \
             its own: the bytes stay in that layer, so the image is no smaller"
        );
        assert_eq!(
            fixed_and_clean("LY001", text),
            "FROM debian\nRUN apt-get update && apt-get install -y gcc && \\\n    rm -rf /var/lib/apt/lists/*\n"
        );
    }

    #[test]
    fn cleanups_of_every_kind() {
        let text = "FROM debian\n\
                    RUN curl -fsSLo /tmp/app.tgz https://e.com/app.tgz && tar xzf /tmp/app.tgz -C /opt\n\
                    RUN rm /tmp/app.tgz\n\
                    FROM debian\n\
                    RUN wget https://e.com/x.tar.gz && tar xf x.tar.gz\n\
                    RUN rm -f x.tar.gz\n\
                    FROM debian\n\
                    RUN apt-get install -y build-essential && make\n\
                    RUN apt-get purge -y --auto-remove build-essential\n\
                    FROM python\n\
                    RUN pip install -r requirements.txt\n\
                    RUN pip cache purge\n\
                    FROM fedora\n\
                    RUN dnf install -y gcc\n\
                    RUN dnf clean all\n\
                    FROM node\n\
                    RUN git clone https://e.com/r.git /src/r && cd /src/r && make > /src/r/build.log\n\
                    RUN rm -rf /src/r/build.log\n";
        assert_eq!(lines("LY001", text), [3, 6, 9, 12, 15, 18]);
    }

    #[test]
    fn unrelated_or_own_cleanups_are_clean() {
        let text = "FROM debian\n\
                    RUN apt-get install -y curl\n\
                    RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n\
                    RUN rm -rf /etc/nginx/conf.d/default.conf\n\
                    ENV B=2\n\
                    RUN mkdir -p /usr/local/bin/x\n\
                    RUN rm /usr/local/bin/y\n\
                    FROM debian\n\
                    RUN apt-get update && apt-get install -y curl\n\
                    ENV A=1\n\
                    RUN rm -rf /var/lib/apt/lists/*\n\
                    FROM debian\n\
                    RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y x\n\
                    RUN apt-get clean\n";
        assert_eq!(lines("LY001", text), [] as [u32; 0]);
    }

    #[test]
    fn only_visible_writes_count() {
        // The script came from a COPY: its bytes are in the COPY's layer, not a RUN's.
        let copied = "FROM debian\nCOPY install.sh /tmp/install.sh\nRUN sh /tmp/install.sh\n\
                      RUN rm -rf /tmp/install.sh\n";
        assert_eq!(lines("LY001", copied), [] as [u32; 0]);
        let into_workdir = "FROM debian\nWORKDIR /src\nCOPY . .\nRUN make\nRUN rm -rf /src/build\n";
        assert_eq!(lines("LY001", into_workdir), [] as [u32; 0]);
        // Reading a path, `cd` into it or removing it is not writing it.
        let reads = "FROM debian\nRUN cpanm X && rm -rf ~/.cpanm\nRUN cpanm Y && rm -rf ~/.cpanm\n\
                     RUN cd /u01 && java -jar /u01/x.jar\nRUN rm -rf /u01/patches\n\
                     ENV A=1\nRUN cp -f rootCA.pem ca.pem\nRUN rm -f rootCA.pem\n";
        assert_eq!(lines("LY001", reads), [] as [u32; 0]);
        // Outputs of downloads, moves and extractions are writes.
        let writes = "FROM debian\nRUN mv /var/log /var/log-removed\nRUN rm -rf /var/log-removed\n\
                      FROM debian\nRUN curl -fsSLO https://e.com/a/x.tgz && tar -C /opt -xzf x.tgz\n\
                      RUN rm x.tgz /opt/x/docs\n\
                      FROM debian\nRUN wget -qO /tmp/k.asc https://e.com/k\nRUN rm /tmp/k.asc\n";
        assert_eq!(lines("LY001", writes), [3, 6, 9]);
    }

    #[test]
    fn builders_only_copied_from_are_not_about_size() {
        let text = "FROM alpine AS gen\nRUN wget https://e.com/x.tgz\nRUN rm x.tgz\n\
                    RUN mkdir /a\nRUN mkdir /b\nRUN mkdir /c\nRUN apt-get update\nRUN apt-get install -y x\n\
                    FROM scratch\nCOPY --from=gen /a /a\n";
        // Only the apt split, which is about stale lists, not size.
        assert_eq!(lines("LY001", text), [8]);
    }

    #[test]
    fn flags_apt_update_split_from_install() {
        let text = "FROM debian\nRUN apt-get update\n# tools\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n";
        let f = findings("LY001", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0, f[0].1.as_str()), (4, "apt-get install -y curl"));
        assert_eq!(
            fixed_and_clean("LY001", text),
            "FROM debian\nRUN apt-get update && \\\n# tools\n    apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        );
    }

    #[test]
    fn rows_of_small_runs() {
        let text = "FROM alpine\nRUN mkdir -p /app\nRUN chown app /app\nRUN ln -s /app /srv\nRUN apk add curl\n\
                    RUN mkdir /a\nRUN mkdir /b\n";
        let f = findings("LY001", text);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (2, "RUN"));
        assert_eq!(
            f[0].2,
            "3 RUNs in a row (lines 2-4) make 3 layers for a few small commands"
        );
        assert_eq!(
            fixed_and_clean("LY001", text),
            "FROM alpine\nRUN mkdir -p /app && \\\n    chown app /app && \\\n    ln -s /app /srv\nRUN apk add curl\n\
             RUN mkdir /a\nRUN mkdir /b\n"
        );
        // Heavy RUNs in a row are a choice, exec form and heredocs are not small.
        let heavy = "FROM alpine\nRUN apk add curl\nRUN pip install x\nRUN npm i -g y\n\
                     RUN [\"mkdir\", \"/a\"]\nRUN mkdir /b\nRUN <<EOF\nmkdir /c\nEOF\nRUN mkdir /d\n";
        assert_eq!(lines("LY001", heavy), [] as [u32; 0]);
    }

    #[test]
    fn the_row_length_is_an_option() {
        let text = "FROM alpine\nRUN mkdir /a\nRUN mkdir /b\n";
        assert_eq!(lines("LY001", text), [] as [u32; 0]);
        let df = crate::syntax::parse(text);
        let mut ctx = Context::new(&df, text);
        let mut rule = UnchainedRuns { min_runs: 2 };
        rule.finish(&mut ctx);
        assert_eq!(ctx.into_diagnostics().len(), 1);
    }

    #[test]
    fn min_runs_is_configured_from_a_table() {
        let configure = |text: &str| {
            let table: toml::Table = text.parse().unwrap();
            let mut rule = UnchainedRuns::default();
            rule.configure(&table).map(|()| rule.min_runs)
        };
        assert_eq!(configure("min-runs = 4"), Ok(4));
        assert_eq!(configure(""), Ok(super::DEFAULT_MIN_RUNS));
        let err = configure("min-runs = 1").unwrap_err();
        assert_eq!(err.key.as_deref(), Some("min-runs"));
        assert_eq!(err.message, "expected an integer of at least 2, found 1");
        assert!(configure("min-runs = \"4\"").is_err());
        assert!(configure("min-runs = -3").is_err());
        let err = configure("max-runs = 4").unwrap_err();
        assert_eq!(err.key.as_deref(), Some("max-runs"));
    }

    #[test]
    fn different_flags_and_instructions_break_rows() {
        let text = "FROM alpine\nRUN mkdir /a\nRUN --network=none mkdir /b\nRUN mkdir /c\n\
                    WORKDIR /x\nRUN mkdir /d\nUSER app\nRUN mkdir /e\nONBUILD RUN mkdir /f\nRUN mkdir /g\n";
        assert_eq!(lines("LY001", text), [] as [u32; 0]);
        let onbuild =
            "FROM alpine\nONBUILD RUN mkdir /a\nONBUILD RUN mkdir /b\nONBUILD RUN mkdir /c\n";
        assert_eq!(lines("LY001", onbuild), [] as [u32; 0]);
    }

    #[test]
    fn merging_keeps_the_meaning_of_tricky_shells() {
        let text = "FROM alpine\n\
                    RUN set -eux; cd /tmp; wget https://e.com/a.tgz\n\
                    RUN test -f /etc/x || echo missing > /tmp/a.tgz.log; \\\n    # keep going\n    echo ok\n\
                    RUN (cd /tmp && rm a.tgz) &\n";
        let out = fixed("LY001", text);
        assert_eq!(
            out,
            "FROM alpine\n\
             RUN ( set -eux; cd /tmp; wget https://e.com/a.tgz ) && \\\n    \
             ( test -f /etc/x || echo missing > /tmp/a.tgz.log; \\\n    # keep going\n    echo ok ) && \\\n    \
             ( (cd /tmp && rm a.tgz) & )\n"
        );
        let after = crate::syntax::parse(&out);
        assert!(
            after
                .instructions
                .iter()
                .filter_map(|i| i.script())
                .all(|s| !s.has_error)
        );
        // A trailing shell comment or a heredoc leaves no fix.
        let comment = "FROM alpine\nRUN wget -O /tmp/a https://e.com/a # fetch\nRUN rm /tmp/a\n";
        assert_eq!(lines("LY001", comment), [3]);
        assert!(diagnostics("LY001", comment)[0].fix.is_none());
        let heredoc =
            "FROM alpine\nRUN <<EOF\nwget -O /tmp/a https://e.com/a\nEOF\nRUN rm /tmp/a\n";
        assert_eq!(lines("LY001", heredoc), [5]);
        assert!(diagnostics("LY001", heredoc)[0].fix.is_none());
    }

    #[test]
    fn sh_c_and_windows() {
        let text = "FROM debian\nRUN sh -c 'apt-get update && apt-get install -y x'\nRUN sh -c 'apt-get clean'\n";
        assert_eq!(lines("LY001", text), [3]);
        let win = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN mkdir a\nRUN mkdir b\nRUN mkdir c\n";
        assert_eq!(lines("LY001", win), [] as [u32; 0]);
    }
}
