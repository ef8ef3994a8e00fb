//! The analysis: for every stage its base and the stages it uses; for every instruction
//! the kind of layer it makes, what its cache key depends on, and an estimate of its
//! size; which stages reach the final image; and what a change to a file rebuilds.
//!
//! Semantics follow BuildKit: `FROM` expands only global `ARG`s (those before the first
//! `FROM`) and build arguments; inside a stage an `ARG` must be declared to be visible
//! (a bare `ARG NAME` takes the global default); `ENV` wins over `ARG` and is inherited
//! by stages built `FROM` this one; every `ARG` declared before a `RUN` is part of its
//! environment, so a new value rebuilds it even when the command does not use it.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::apt;
use super::context::BuildContext;
use super::size::{Confidence, SizeEstimate};
use super::vars::{self, Expanded};
use crate::model::{Arguments, Dockerfile, Instruction, InstructionKind};
use crate::shell::Command;

/// What an instruction does to the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// A filesystem layer (RUN, COPY, ADD, a WORKDIR that creates its directory).
    Filesystem,
    /// Only the image configuration changes (ENV, LABEL, CMD, USER, ...).
    Metadata,
    /// Nothing of its own (FROM, a WORKDIR to an existing directory, unknown words).
    None,
}

/// One thing a layer's cache key depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CacheInput {
    /// The instruction text after variable expansion.
    Instruction { text: String },
    /// A build argument in scope (`value` is `None` when unset).
    BuildArg { name: String, value: Option<String> },
    /// Files of the build context a COPY/ADD source (or a bind mount) reads.
    ContextFiles {
        source: String,
        files: usize,
        bytes: u64,
    },
    /// A COPY/ADD source that the context does not contain (or no context was given).
    ContextSource { source: String },
    /// A remote source, checked again at every build.
    RemoteUrl { url: String },
    /// The output of another stage (`COPY --from`, `RUN --mount=from=`).
    Stage { stage: usize, name: String },
    /// Files of another image (`COPY --from=image`).
    Image { reference: String },
}

/// The base of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Base {
    /// An image reference, after expansion.
    Image(String),
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// The reference could not be resolved (an ARG without a value).
    Unresolved(String),
}

/// What one instruction contributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Index into [`Dockerfile::instructions`].
    pub instruction: usize,
    pub kind: LayerKind,
    pub size: SizeEstimate,
    /// Only for layer-making and metadata steps; the parent chain is implied.
    pub cache: Vec<CacheInput>,
}

/// One stage of the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageInfo {
    pub index: usize,
    pub name: Option<String>,
    pub base: Base,
    pub platform: Option<String>,
    pub steps: Vec<Step>,
    /// Stages this one reads (base stage, `COPY --from`, mounts).
    pub uses: Vec<usize>,
    /// Whether this stage ends up in (or feeds) the final image.
    pub reaches_final: bool,
    /// Environment at the end of the stage (inherited by stages built from it).
    pub env: BTreeMap<String, String>,
}

/// The whole analysis of one Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    pub stages: Vec<StageInfo>,
    /// The stage that is built (the `--target`, else the last).
    pub final_stage: Option<usize>,
    /// `ARG`s before the first `FROM` with their values.
    pub global_args: BTreeMap<String, Option<String>>,
    /// Problems met (unknown target, ...).
    pub notes: Vec<String>,
}

/// Inputs of the analysis besides the Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// `--build-arg NAME=VALUE` overrides.
    pub build_args: &'a [(String, String)],
    /// The stage to build; the last one when `None`.
    pub target: Option<&'a str>,
    /// Target platform, `linux/amd64` when `None`.
    pub platform: Option<&'a str>,
    pub context: Option<&'a BuildContext>,
}

/// Automatic platform ARGs for a platform like `linux/arm64/v8`.
fn platform_args(platform: &str) -> Vec<(String, String)> {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or("linux").to_owned();
    let arch = parts.next().unwrap_or("amd64").to_owned();
    let variant = parts.next().unwrap_or("").to_owned();
    let mut out = Vec::new();
    for prefix in ["TARGET", "BUILD"] {
        out.push((format!("{prefix}PLATFORM"), platform.to_owned()));
        out.push((format!("{prefix}OS"), os.clone()));
        out.push((format!("{prefix}ARCH"), arch.clone()));
        out.push((format!("{prefix}VARIANT"), variant.clone()));
    }
    out
}

/// Run the analysis.
pub fn analyze(df: &Dockerfile, opts: &Options<'_>) -> Analysis {
    let platform = opts.platform.unwrap_or("linux/amd64");
    let auto: BTreeMap<String, String> = platform_args(platform).into_iter().collect();
    let overrides: BTreeMap<&str, &str> = opts
        .build_args
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let escape = df.escape;

    // Global ARGs.
    let mut global: BTreeMap<String, Option<String>> = BTreeMap::new();
    for ins in df.global_instructions() {
        if ins.kind != InstructionKind::Arg {
            continue;
        }
        for (name, default) in arg_decls(ins) {
            let value = overrides
                .get(name.as_str())
                .map(|v| (*v).to_owned())
                .or_else(|| {
                    default.map(|d| {
                        vars::expand(&d, escape, &|n| lookup_global(&global, &auto, n)).value
                    })
                });
            global.insert(name, value);
        }
    }

    let mut notes = Vec::new();
    let mut stages: Vec<StageInfo> = Vec::new();
    let stage_index = |stages: &[StageInfo], name: &str| -> Option<usize> {
        stages
            .iter()
            .find(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map(|s| s.index)
            .or_else(|| name.parse::<usize>().ok().filter(|i| *i < stages.len()))
    };

    for st in &df.stages {
        let expand_global =
            |w: &str| vars::expand(w, escape, &|n| lookup_global(&global, &auto, n));
        let base_word = st.base.as_ref().map(|b| expand_global(&b.value));
        let base = match &base_word {
            None => Base::Unresolved(String::new()),
            Some(e) if e.value.eq_ignore_ascii_case("scratch") => Base::Scratch,
            Some(e) => match stage_index(&stages, &e.value) {
                Some(i) => Base::Stage(i),
                None if !e.unset.is_empty() || e.value.is_empty() || e.value.contains('$') => {
                    Base::Unresolved(e.value.clone())
                }
                None => Base::Image(e.value.clone()),
            },
        };
        let platform = st.platform.as_ref().map(|p| expand_global(&p.value).value);
        let mut env: BTreeMap<String, String> = match base {
            Base::Stage(i) => stages[i].env.clone(),
            _ => BTreeMap::new(),
        };
        let mut args: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut uses: Vec<usize> = match base {
            Base::Stage(i) => vec![i],
            _ => vec![],
        };
        let mut steps = vec![Step {
            instruction: st.from,
            kind: LayerKind::None,
            size: SizeEstimate::zero("base image"),
            cache: vec![CacheInput::Instruction {
                text: format!("FROM {}", base_word.map(|e| e.value).unwrap_or_default()),
            }],
        }];
        let mut workdirs: HashSet<String> = HashSet::new();
        let mut workdir = String::from("/");
        for idx in st.instructions.clone().skip(1) {
            let ins = &df.instructions[idx];
            let expand = |w: &str| expand_in(w, escape, &env, &args);
            let arg_inputs = |used: &[String]| -> Vec<CacheInput> {
                used.iter()
                    .filter(|n| args.contains_key(n.as_str()) && !env.contains_key(n.as_str()))
                    .map(|n| CacheInput::BuildArg {
                        name: n.clone(),
                        value: args.get(n.as_str()).cloned().flatten(),
                    })
                    .collect()
            };
            let eff = ins.effective();
            let (kind, size, cache) = match ins.kind {
                InstructionKind::Run => {
                    let mut cache = vec![CacheInput::Instruction {
                        text: instruction_text(ins),
                    }];
                    cache.extend(args.iter().map(|(n, v)| CacheInput::BuildArg {
                        name: n.clone(),
                        value: v.clone(),
                    }));
                    for m in ins.flags.iter().filter(|f| f.name.value == "mount") {
                        let spec = expand(m.value_str().unwrap_or("")).value;
                        let kv = mount_options(&spec);
                        let get =
                            |k: &str| kv.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
                        let mtype = get("type").unwrap_or("bind");
                        if mtype != "bind" {
                            continue;
                        }
                        let source = get("source").or_else(|| get("src")).unwrap_or(".");
                        if let Some(from) = get("from") {
                            match stage_index(&stages, from) {
                                Some(i) => {
                                    uses.push(i);
                                    cache.push(CacheInput::Stage {
                                        stage: i,
                                        name: stage_label(&stages[i]),
                                    });
                                }
                                None => cache.push(CacheInput::Image {
                                    reference: from.to_owned(),
                                }),
                            }
                        } else {
                            cache.push(context_input(opts.context, source));
                        }
                    }
                    let size = run_size(ins);
                    (LayerKind::Filesystem, size, cache)
                }
                InstructionKind::Copy | InstructionKind::Add => {
                    let text = instruction_text(ins);
                    let e = expand(&text);
                    let mut cache = vec![CacheInput::Instruction {
                        text: e.value.clone(),
                    }];
                    cache.extend(arg_inputs(&e.used));
                    let from = ins
                        .flag("from")
                        .and_then(|f| f.value_str())
                        .map(|v| expand(v).value);
                    let (sources, _dest) = copy_sources(ins);
                    let mut selected: HashSet<&str> = HashSet::new();
                    let mut bytes = 0u64;
                    let mut unknown_basis: Option<String> = None;
                    if let Some(from) = &from {
                        if let Some(i) = stage_index(&stages, from) {
                            uses.push(i);
                            cache.push(CacheInput::Stage {
                                stage: i,
                                name: stage_label(&stages[i]),
                            });
                            unknown_basis = Some(format!(
                                "files copied from stage {}",
                                stage_label(&stages[i])
                            ));
                        } else {
                            cache.push(CacheInput::Image {
                                reference: from.clone(),
                            });
                            unknown_basis = Some(format!("files copied from image {from}"));
                        }
                    }
                    for h in &eff.heredocs {
                        bytes += h.content.len() as u64;
                    }
                    if from.is_none() {
                        for src in &sources {
                            let src = expand(src).value;
                            if is_remote(&src) {
                                cache.push(CacheInput::RemoteUrl { url: src.clone() });
                                unknown_basis =
                                    Some(format!("downloaded from {src} at build time"));
                                continue;
                            }
                            if let Some(ctx) = opts.context {
                                {
                                    let files = ctx.select(&src);
                                    let mut n = 0;
                                    let mut b = 0;
                                    for f in files {
                                        n += 1;
                                        b += f.size;
                                        if selected.insert(f.path.as_str()) {
                                            bytes += f.size;
                                        }
                                    }
                                    if n == 0 {
                                        cache.push(CacheInput::ContextSource {
                                            source: src.clone(),
                                        });
                                    } else {
                                        cache.push(CacheInput::ContextFiles {
                                            source: src.clone(),
                                            files: n,
                                            bytes: b,
                                        });
                                    }
                                    if ins.kind == InstructionKind::Add && is_archive(&src) && n > 0
                                    {
                                        unknown_basis = Some(format!("{src} is extracted by ADD"));
                                    }
                                }
                            } else {
                                cache.push(CacheInput::ContextSource {
                                    source: src.clone(),
                                });
                                unknown_basis = Some("no build context given".into());
                            }
                        }
                    }
                    let size = if let Some(basis) = unknown_basis {
                        SizeEstimate {
                            low: bytes,
                            high: bytes,
                            confidence: Confidence::Unknown,
                            basis,
                        }
                    } else {
                        let n = selected.len() + eff.heredocs.len();
                        SizeEstimate::exact(
                            bytes,
                            format!(
                                "{n} file{} from the build context",
                                if n == 1 { "" } else { "s" }
                            ),
                        )
                    };
                    (LayerKind::Filesystem, size, cache)
                }
                InstructionKind::Workdir => {
                    let e = expand(eff.words().first().map_or("", |w| w.value.as_str()));
                    let path = if e.value.starts_with('/') {
                        e.value.clone()
                    } else {
                        format!("{}/{}", workdir.trim_end_matches('/'), e.value)
                    };
                    workdir.clone_from(&path);
                    let mut cache = vec![CacheInput::Instruction {
                        text: format!("WORKDIR {path}"),
                    }];
                    cache.extend(arg_inputs(&e.used));
                    if workdirs.insert(path) {
                        (
                            LayerKind::Filesystem,
                            SizeEstimate::exact(0, "creates the directory"),
                            cache,
                        )
                    } else {
                        (
                            LayerKind::None,
                            SizeEstimate::zero("directory exists"),
                            cache,
                        )
                    }
                }
                InstructionKind::Arg => {
                    for (name, default) in arg_decls(ins) {
                        let value = overrides
                            .get(name.as_str())
                            .map(|v| (*v).to_owned())
                            .or_else(|| default.map(|d| expand_in(&d, escape, &env, &args).value))
                            .or_else(|| global.get(&name).cloned().flatten())
                            .or_else(|| auto.get(&name).cloned());
                        args.insert(name, value);
                    }
                    (LayerKind::Metadata, SizeEstimate::zero("metadata"), vec![])
                }
                InstructionKind::Env => {
                    let mut used = Vec::new();
                    for (name, value) in env_pairs(ins) {
                        let e = expand_in(&value, escape, &env, &args);
                        used.extend(e.used);
                        env.insert(name, e.value);
                    }
                    let cache = vec![CacheInput::Instruction {
                        text: instruction_text(ins),
                    }];
                    (LayerKind::Metadata, SizeEstimate::zero("metadata"), cache)
                }
                InstructionKind::Unknown => (
                    LayerKind::None,
                    SizeEstimate::zero("not an instruction"),
                    vec![],
                ),
                _ => {
                    let e = expand(&instruction_text(ins));
                    let mut cache = vec![CacheInput::Instruction { text: e.value }];
                    cache.extend(arg_inputs(&e.used));
                    (LayerKind::Metadata, SizeEstimate::zero("metadata"), cache)
                }
            };
            steps.push(Step {
                instruction: idx,
                kind,
                size,
                cache,
            });
        }
        uses.sort_unstable();
        uses.dedup();
        stages.push(StageInfo {
            index: st.index,
            name: st.name.as_ref().map(|n| n.value.clone()),
            base,
            platform,
            steps,
            uses,
            reaches_final: false,
            env,
        });
    }

    let final_stage = match opts.target {
        Some(t) => {
            let found = stage_index(&stages, t);
            if found.is_none() {
                notes.push(format!("target stage `{t}` is not defined"));
            }
            found
        }
        None => stages.len().checked_sub(1),
    };
    if let Some(f) = final_stage {
        let mut todo = vec![f];
        while let Some(i) = todo.pop() {
            if stages[i].reaches_final {
                continue;
            }
            stages[i].reaches_final = true;
            todo.extend(stages[i].uses.iter().copied());
        }
    }
    Analysis {
        stages,
        final_stage,
        global_args: global,
        notes,
    }
}

/// Expand in a stage: `ENV` wins over `ARG`.
fn expand_in(
    word: &str,
    escape: char,
    env: &BTreeMap<String, String>,
    args: &BTreeMap<String, Option<String>>,
) -> Expanded {
    vars::expand(word, escape, &|n: &str| {
        env.get(n)
            .cloned()
            .or_else(|| args.get(n).cloned().flatten())
    })
}

fn lookup_global(
    global: &BTreeMap<String, Option<String>>,
    auto: &BTreeMap<String, String>,
    name: &str,
) -> Option<String> {
    match global.get(name) {
        Some(v) => v.clone(),
        None => auto.get(name).cloned(),
    }
}

fn stage_label(s: &StageInfo) -> String {
    s.name.clone().unwrap_or_else(|| s.index.to_string())
}

/// The instruction as written, on one line (continuations joined), keyword upper-cased.
pub fn instruction_text(ins: &Instruction) -> String {
    let mut out = ins.kind.as_str().to_owned();
    if ins.kind == InstructionKind::Unknown {
        out.clone_from(&ins.keyword.value);
    }
    for f in &ins.flags {
        out.push_str(" --");
        out.push_str(&f.name.value);
        if let Some(v) = &f.value {
            out.push('=');
            out.push_str(&v.value);
        }
    }
    match &ins.args {
        Arguments::Exec(items) => {
            out.push(' ');
            out.push_str(
                &serde_json::to_string(&items.iter().map(|i| &i.value).collect::<Vec<_>>())
                    .unwrap_or_default(),
            );
        }
        Arguments::Shell(s) => {
            out.push(' ');
            out.push_str(&s.text);
        }
        Arguments::None => {}
    }
    out
}

/// `ARG a=1 b` → `[(a, Some(1)), (b, None)]` (quotes removed from defaults later).
fn arg_decls(ins: &Instruction) -> Vec<(String, Option<String>)> {
    ins.words()
        .iter()
        .map(|w| match w.value.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (w.value.clone(), None),
        })
        .collect()
}

/// `ENV a=1 b="2 3"` or legacy `ENV a 1 2`.
fn env_pairs(ins: &Instruction) -> Vec<(String, String)> {
    let words = ins.words();
    let Some(first) = words.first() else {
        return vec![];
    };
    if first.value.contains('=') {
        words
            .iter()
            .filter_map(|w| {
                w.value
                    .split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
            })
            .collect()
    } else {
        let text = match &ins.args {
            Arguments::Shell(s) => s.text.as_str(),
            _ => "",
        };
        let rest = text[first.value.len().min(text.len())..].trim_start();
        vec![(first.value.clone(), rest.to_owned())]
    }
}

/// COPY/ADD sources and destination (exec or shell form; heredoc markers skipped).
pub fn copy_sources(ins: &Instruction) -> (Vec<String>, Option<String>) {
    let eff = ins.effective();
    let mut words: Vec<String> = eff
        .words()
        .iter()
        .map(|w| w.value.clone())
        .filter(|w| {
            !eff.heredocs
                .iter()
                .any(|h| w.starts_with("<<") && w.contains(&h.name))
        })
        .collect();
    let dest = words.pop();
    (words, dest)
}

fn is_remote(src: &str) -> bool {
    src.starts_with("http://")
        || src.starts_with("https://")
        || src.starts_with("git@")
        || std::path::Path::new(src)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("git"))
}

fn is_archive(src: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|e| src.ends_with(e))
}

fn context_input(ctx: Option<&BuildContext>, source: &str) -> CacheInput {
    match ctx {
        Some(c) => {
            let files = c.select(source);
            CacheInput::ContextFiles {
                source: source.to_owned(),
                files: files.len(),
                bytes: files.iter().map(|f| f.size).sum(),
            }
        }
        None => CacheInput::ContextSource {
            source: source.to_owned(),
        },
    }
}

/// `type=cache,target=/x,sharing=locked` → key/value pairs (a bare key gets `true`).
pub fn mount_options(spec: &str) -> Vec<(String, String)> {
    spec.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_owned(),
            ),
            None => (p.trim().to_ascii_lowercase(), "true".to_owned()),
        })
        .map(|(k, v)| match k.as_str() {
            "dst" | "destination" => ("target".to_owned(), v),
            "src" => ("source".to_owned(), v),
            _ => (k, v),
        })
        .collect()
}

/// Commands that add (next to) nothing to a layer.
fn is_small(program: &str) -> bool {
    matches!(
        program,
        "set"
            | "echo"
            | "printf"
            | "mkdir"
            | "ln"
            | "cd"
            | "true"
            | "false"
            | ":"
            | "export"
            | "test"
            | "["
            | "rm"
            | "touch"
            | "useradd"
            | "adduser"
            | "groupadd"
            | "addgroup"
            | "usermod"
            | "id"
            | "whoami"
            | "ls"
            | "cat"
            | "env"
            | "exit"
            | "sleep"
            | "uname"
            | "command"
            | "which"
            | "hash"
            | "umask"
            | "ldconfig"
            | "update-ca-certificates"
            | "locale-gen"
            | "sed"
            | "grep"
            | "mv"
            | "cp"
            | "chmod"
            | "chown"
            | "apt-mark"
            | "dpkg-reconfigure"
            | "rmdir"
            | "unset"
            | "readlink"
            | "dirname"
            | "basename"
            | "xargs"
    )
}

/// Packages an `apt-get install` names, and whether recommends are off.
pub fn apt_install(cmd: &Command) -> Option<(Vec<String>, bool)> {
    let prog = cmd.program()?;
    if !matches!(prog, "apt-get" | "apt" | "aptitude") {
        return None;
    }
    let args: Vec<&str> = cmd.arg_values().collect();
    let pos = args.iter().position(|a| *a == "install")?;
    let mut no_rec = false;
    let mut pkgs = Vec::new();
    let mut skip_next = false;
    for (i, a) in args.iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if a.starts_with('-') {
            if *a == "--no-install-recommends"
                || a.contains("Install-Recommends=false")
                || a.contains("Install-Recommends=0")
            {
                no_rec = true;
            }
            if *a == "-o" {
                if args.get(i + 1).is_some_and(|n| {
                    n.contains("Install-Recommends=false") || n.contains("Install-Recommends=0")
                }) {
                    no_rec = true;
                }
                skip_next = true;
            }
            continue;
        }
        if i > pos {
            pkgs.push((*a).to_owned());
        }
    }
    Some((pkgs, no_rec))
}

/// Estimate a RUN layer from the commands it runs.
fn run_size(ins: &Instruction) -> SizeEstimate {
    let Some(script) = ins.effective().script() else {
        return SizeEstimate::unknown("exec-form RUN");
    };
    let mut total = SizeEstimate::zero("");
    let mut parts: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut lists_left = false;
    let mut lists_removed = false;
    for cmd in &script.commands {
        let Some(prog) = cmd.program() else { continue };
        if let Some((pkgs, no_rec)) = apt_install(cmd) {
            let refs: Vec<&str> = pkgs.iter().map(String::as_str).collect();
            let est = apt::estimate_install(&refs, no_rec);
            if est.size.is_unknown() {
                unknown.push(format!("apt-get install {}", pkgs.join(" ")));
            } else {
                total = total.plus(&est.size);
                parts.push(est.size.basis.clone());
            }
            continue;
        }
        let args: Vec<&str> = cmd.arg_values().collect();
        if matches!(prog, "apt-get" | "apt") && args.contains(&"update") {
            lists_left = true;
            continue;
        }
        if matches!(prog, "apt-get" | "apt")
            && args.iter().any(|a| {
                matches!(
                    *a,
                    "clean" | "autoclean" | "autoremove" | "purge" | "remove"
                )
            })
        {
            continue;
        }
        if prog == "rm" && args.iter().any(|a| a.starts_with("/var/lib/apt/lists")) {
            lists_removed = true;
        }
        if is_small(prog) {
            continue;
        }
        unknown.push(prog.to_owned());
    }
    if lists_left && !lists_removed {
        if let Some(b) = apt::lists_size() {
            total = total.plus(&SizeEstimate {
                low: b,
                high: b,
                confidence: Confidence::Estimated,
                basis: String::new(),
            });
            parts.push(format!("apt lists {}", super::size::human(b)));
        } else {
            unknown.push("apt lists".into());
        }
    }
    unknown.dedup();
    if unknown.is_empty() {
        SizeEstimate {
            low: total.low,
            high: total.high,
            confidence: Confidence::Estimated,
            basis: if parts.is_empty() {
                "commands that write little".into()
            } else {
                parts.join("; ")
            },
        }
    } else {
        let mut basis = format!("unknown: {}", unknown.join(", "));
        if !parts.is_empty() {
            basis = format!("{}; {basis}", parts.join("; "));
        }
        SizeEstimate {
            low: total.low,
            high: total.high,
            confidence: Confidence::Unknown,
            basis,
        }
    }
}

/// Which layers a change to the context file `path` rebuilds: `(stage, first step index)`
/// for every affected stage; every later step of that stage rebuilds too.
pub fn rebuilt_by_file(analysis: &Analysis, ctx: &BuildContext, path: &str) -> Vec<(usize, usize)> {
    let mut first: BTreeMap<usize, usize> = BTreeMap::new();
    for st in &analysis.stages {
        for (i, step) in st.steps.iter().enumerate() {
            let reads = step.cache.iter().any(|c| match c {
                CacheInput::ContextFiles { source, .. } => {
                    ctx.select(source).iter().any(|f| f.path == path)
                }
                _ => false,
            });
            if reads {
                first.entry(st.index).or_insert(i);
                break;
            }
        }
    }
    // Propagate to stages that use a rebuilt stage.
    loop {
        let mut changed = false;
        for st in &analysis.stages {
            for (i, step) in st.steps.iter().enumerate() {
                let hit = i == 0 && matches!(st.base, Base::Stage(b) if first.contains_key(&b))
                    || step.cache.iter().any(|c| matches!(c, CacheInput::Stage { stage, .. } if first.contains_key(stage)));
                if hit {
                    match first.get(&st.index) {
                        Some(&e) if e <= i => {}
                        _ => {
                            first.insert(st.index, i);
                            changed = true;
                        }
                    }
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    first.into_iter().collect()
}

#[cfg(test)]
mod tests;
