//! Hover: base images on FROM, instruction keywords and flags, variables, stage names, what
//! a layer's cache depends on.
//!
//! What is under the cursor is decided in this order: the keyword, a flag (a stage named
//! in `--from=` or `--mount=…,from=`, a variable in its value, else the flag's docs), the
//! base image or stage name of a FROM, a `$VAR`/`${VAR}` reference, and finally the
//! instruction as a whole (its layer, size, cache key, what a change rebuilds). Every
//! answer is markdown with the range of what it describes; positions outside the text,
//! on comments, or between instructions get no hover.

#[path = "docs.rs"]
pub mod docs;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::Snapshot;
use super::images::ImageState;
use super::inlay::{
    ChainTotal, chain_total, compressed_bytes, confidence_word, range_text, size_words,
    stage_platform,
};
use crate::layers::analysis::instruction_text;
use crate::layers::report::shorten;
use crate::layers::size::human;
use crate::layers::vars;
use crate::layers::{Base, CacheInput, LayerKind, SizeEstimate};
use crate::model::{Flag, Instruction, InstructionKind, Stage};
use crate::registry::show::{image_markdown, variants_markdown};
use crate::registry::variants::variants_for;
use crate::text::TextRange;

/// The hover at `pos`, if there is something to say.
pub fn hover(snap: &Snapshot, pos: Position) -> Option<Hover> {
    let offset = offset_in_text(snap, pos)?;
    let (idx, ins) = snap.instruction_at(offset)?;
    if snap.file.comments.iter().any(|c| c.range.contains(offset)) {
        return None;
    }
    let (markdown, range) = describe(snap, idx, ins, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(snap.range(range)),
    })
}

/// The byte offset of `pos`, or `None` when it lies past the end of its line or of the
/// text (the client asked about nothing).
fn offset_in_text(snap: &Snapshot, pos: Position) -> Option<usize> {
    let line = pos.line as usize;
    if line >= snap.index.line_count() {
        return None;
    }
    let line_end = snap.index.line_range(line, &snap.text).end;
    if pos.character > snap.position(line_end).character {
        return None;
    }
    Some(snap.offset(pos))
}

/// `range` contains `offset` (half-open, as the character under the cursor).
const fn on(range: TextRange, offset: usize) -> bool {
    range.start <= offset && offset < range.end
}

fn describe(
    snap: &Snapshot,
    idx: usize,
    ins: &Instruction,
    offset: usize,
) -> Option<(String, TextRange)> {
    if on(ins.keyword.range, offset) {
        return Some((keyword_markdown(ins), ins.keyword.range));
    }
    let eff = ins.effective();
    if !std::ptr::eq(eff, ins) && on(eff.keyword.range, offset) {
        return Some((keyword_markdown(eff), eff.keyword.range));
    }
    if let Some(flag) = eff.flags.iter().find(|f| on(f.range, offset)) {
        return Some(flag_hover(snap, idx, eff, flag, offset));
    }
    if ins.kind == InstructionKind::From
        && let Some(stage) = snap.file.stages.iter().find(|s| s.from == idx)
    {
        if let Some(base) = stage.base.as_ref().filter(|b| on(b.range, offset)) {
            return Some((from_markdown(snap, stage), base.range));
        }
        if let Some(name) = stage.name.as_ref().filter(|n| on(n.range, offset)) {
            return Some((stage_markdown(snap, stage.index), name.range));
        }
    }
    if let Some((name, range)) = variable_at(snap, offset) {
        return Some((variable_markdown(snap, idx, &name), range));
    }
    if ins.kind == InstructionKind::From
        && let Some(stage) = snap.file.stages.iter().find(|s| s.from == idx)
    {
        return Some((stage_markdown(snap, stage.index), ins.range));
    }
    Some((step_markdown(snap, idx, ins)?, ins.range))
}

// ---- keywords and flags ------------------------------------------------------------

fn keyword_markdown(ins: &Instruction) -> String {
    docs::instruction_doc(ins.kind).map_or_else(
        || {
            format!(
                "`{}` is not a Dockerfile instruction: BuildKit stops at it.",
                ins.keyword.value
            )
        },
        str::to_owned,
    )
}

fn flag_hover(
    snap: &Snapshot,
    idx: usize,
    ins: &Instruction,
    flag: &Flag,
    offset: usize,
) -> (String, TextRange) {
    if let Some(value) = flag.value.as_ref().filter(|v| on(v.range, offset)) {
        if let Some((name, range)) = variable_at(snap, offset) {
            return (variable_markdown(snap, idx, &name), range);
        }
        let kind = ins.kind;
        if flag.name.value == "from" && matches!(kind, InstructionKind::Copy | InstructionKind::Add)
        {
            let expanded = expand_at(snap, idx, &value.value);
            if let Some(stage) = stage_by_reference(snap, &expanded) {
                return (stage_markdown(snap, stage), value.range);
            }
            if !expanded.is_empty() {
                let platform = ins
                    .stage
                    .map_or_else(|| snap.platform().to_owned(), |s| stage_platform(snap, s));
                let mut out = format!(
                    "Files copied out of the image `{expanded}`: only what is copied lands in this layer.\n\n---\n\n"
                );
                out.push_str(&image_section(snap, &expanded, &platform, false));
                return (out, value.range);
            }
        }
        if flag.name.value == "mount"
            && kind == InstructionKind::Run
            && let Some((key, val, range)) = mount_key_at(&value.value, value.range, offset)
            && key == "from"
        {
            let expanded = expand_at(snap, idx, &val);
            if let Some(stage) = stage_by_reference(snap, &expanded) {
                return (stage_markdown(snap, stage), range);
            }
        }
    }
    let name = &flag.name.value;
    let doc = docs::flag_doc(ins.kind, name).map_or_else(
        || {
            let known: Vec<String> = docs::flags_of(ins.kind)
                .map(|f| format!("`--{}`", f.name))
                .collect();
            if known.is_empty() {
                format!(
                    "`--{name}` is not a flag of {}: it takes none.",
                    ins.kind.as_str()
                )
            } else {
                format!(
                    "`--{name}` is not a flag of {}. It takes {}.",
                    ins.kind.as_str(),
                    known.join(", ")
                )
            }
        },
        str::to_owned,
    );
    (doc, flag.range)
}

/// The `key=value` item of a `--mount` value under `offset`, with the value's range.
fn mount_key_at(
    value: &str,
    range: TextRange,
    offset: usize,
) -> Option<(String, String, TextRange)> {
    // Offsets map one to one only when the value was written on one line.
    if range.len() != value.len() {
        return None;
    }
    let rel = offset.checked_sub(range.start)?;
    let mut start = 0;
    for part in value.split(',') {
        let end = start + part.len();
        if (start..=end).contains(&rel) {
            let (key, val) = part.split_once('=')?;
            let key = key.trim().to_ascii_lowercase();
            let val_start = range.start + start + key.len() + 1;
            return Some((
                key,
                val.trim_matches('"').to_owned(),
                TextRange::new(val_start.min(range.end), (range.start + end).min(range.end)),
            ));
        }
        start = end + 1;
    }
    None
}

/// The stage a `--from` or `from=` names (by name or index, earlier or not).
fn stage_by_reference(snap: &Snapshot, reference: &str) -> Option<usize> {
    if let Some(stage) = snap.stage_named(reference) {
        return Some(stage.index);
    }
    reference
        .parse::<usize>()
        .ok()
        .filter(|i| *i < snap.file.stages.len())
}

// ---- FROM: base images -------------------------------------------------------------

fn from_markdown(snap: &Snapshot, stage: &Stage) -> String {
    let analysis = snap.analysis();
    let written = stage.base.as_ref().map_or("", |b| b.value.as_str());
    let Some(info) = analysis.stages.get(stage.index) else {
        return String::new();
    };
    match &info.base {
        Base::Image(image) => {
            let mut out = String::new();
            if written != image {
                let _ = writeln!(out, "`{written}` → `{image}`\n");
                out.push_str(&global_args_used(snap, written));
            }
            let platform = stage_platform(snap, stage.index);
            out.push_str(&image_section(snap, image, &platform, true));
            out
        }
        Base::Scratch => "**scratch**: the empty image. No layers, no shell, no libc, no \
             certificates: only COPY and ADD can put files in, and RUN cannot run. Made for \
             static binaries; the image is exactly the layers this stage adds."
            .to_owned(),
        Base::Stage(i) => {
            let mut out = String::new();
            if written != stage_label(snap, *i) {
                let _ = writeln!(out, "`{written}` → stage `{}`\n", stage_label(snap, *i));
            }
            out.push_str(&stage_markdown(snap, *i));
            out
        }
        Base::Unresolved(value) => {
            let mut out = format!("`{written}` cannot be resolved");
            if !value.is_empty() && value != written {
                let _ = write!(out, " (it expands to `{value}`)");
            }
            out.push_str(".\n\n");
            out.push_str(&global_args_used(snap, written));
            out.push_str(
                "\nFROM sees only global ARGs (before the first FROM) and `--build-arg`s: \
                 give the ARG a default (`ARG NAME=value`) or pass `--build-arg NAME=…`.",
            );
            out
        }
    }
}

/// One line per global ARG a FROM word uses: `- `PY` = `3.12` (ARG, line 1)`.
fn global_args_used(snap: &Snapshot, word: &str) -> String {
    let analysis = snap.analysis();
    let auto = platform_args(snap.platform());
    let used = vars::expand(word, snap.file.escape, &|_| None).used;
    let mut out = String::new();
    for name in used {
        let line = global_arg_line(snap, &name);
        match (analysis.global_args.get(&name), line) {
            (Some(Some(v)), Some(l)) => {
                let _ = writeln!(out, "- `{name}` = {} (ARG, line {l})", code(v));
            }
            (Some(None), Some(l)) => {
                let _ = writeln!(out, "- `{name}` has no value (ARG, line {l})");
            }
            _ => match auto.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => {
                    let _ = writeln!(out, "- `{name}` = {} (automatic platform ARG)", code(v));
                }
                None => {
                    let _ = writeln!(out, "- `{name}` is not a global ARG");
                }
            },
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn global_arg_line(snap: &Snapshot, name: &str) -> Option<u32> {
    snap.file
        .global_instructions()
        .iter()
        .filter(|i| i.kind == InstructionKind::Arg)
        .rev()
        .find(|i| arg_decls(i).iter().any(|(n, _)| n == name))
        .map(|i| i.start_line)
}

/// What is known about `image` on `platform`: its layer table and source, the state of
/// the registry lookup, and (when `variants`) the variant trade-offs.
fn image_section(snap: &Snapshot, image: &str, platform: &str, variants: bool) -> String {
    let mut out = String::new();
    match snap.images.get(image, platform) {
        Some(info) => {
            out.push_str(&image_markdown(&info));
            if compressed_bytes(&info).is_none() {
                out.push_str("\nThe compressed size is not known offline.\n");
            }
            match snap.images.state(image, platform) {
                Some(ImageState::Fetching(_)) => {
                    out.push_str("\n_A live registry lookup is under way._\n");
                }
                Some(ImageState::Settled {
                    error: Some(err), ..
                }) if err != "offline" => {
                    let _ = writeln!(out, "\n_The live registry lookup failed: {err}._");
                }
                _ => {}
            }
        }
        None => {
            let _ = writeln!(out, "**{image}** · {platform}\n");
            out.push_str("Not known offline yet: not in the registry cache nor the catalogue.");
            match snap.images.state(image, platform) {
                Some(ImageState::Fetching(_)) => {
                    out.push_str(" A registry lookup is under way; hover again in a moment.");
                }
                Some(ImageState::Provisional(_)) => {
                    out.push_str(" A registry lookup starts when the file is next checked.");
                }
                Some(ImageState::Settled {
                    error: Some(err), ..
                }) if err == "offline" => {
                    out.push_str(" The server is offline: no registry lookup is made.");
                }
                Some(ImageState::Settled {
                    error: Some(err), ..
                }) => {
                    let _ = write!(out, " The registry lookup failed: {err}.");
                }
                Some(ImageState::Settled { error: None, .. }) | None => {}
            }
            out.push('\n');
        }
    }
    if variants {
        let list = variants_for(image, platform);
        if !list.is_empty() {
            out.push_str("\n**Variants**\n\n");
            out.push_str(&variants_markdown(&list));
        }
    }
    out
}

// ---- stages ------------------------------------------------------------------------

fn stage_label(snap: &Snapshot, stage: usize) -> String {
    snap.analysis()
        .stages
        .get(stage)
        .and_then(|s| s.name.clone())
        .unwrap_or_else(|| stage.to_string())
}

fn line_of_instruction(snap: &Snapshot, idx: usize) -> u32 {
    snap.file.instructions.get(idx).map_or(0, |i| i.start_line)
}

/// `COPY --from=build /src/app /app` on one line, shortened.
fn short_instruction(snap: &Snapshot, idx: usize) -> String {
    snap.file
        .instructions
        .get(idx)
        .map(|i| code(&shorten(&instruction_text(i), 70)))
        .unwrap_or_default()
}

fn total_words(t: &ChainTotal) -> String {
    let layers = if t.layer_count == 0 {
        "no layers of its own".to_owned()
    } else {
        let mut s = format!(
            "{} layer{} ≈ {} uncompressed",
            t.layer_count,
            if t.layer_count == 1 { "" } else { "s" },
            range_text(t.layers.low, t.layers.high)
        );
        if t.unknown > 0 {
            let _ = write!(s, " (+ {} of unknown size)", t.unknown);
        }
        s
    };
    let base = match (&t.root, t.base_bytes) {
        (Base::Scratch, _) => "`scratch` (empty)".to_owned(),
        (Base::Image(image), Some(b)) => format!("`{image}` {} compressed", human(b)),
        (Base::Image(image), None) => format!("`{image}` (size not known offline)"),
        (_, _) => "an unresolved base".to_owned(),
    };
    let total = match t.base_bytes {
        Some(b) => format!(
            "≈ {}{}",
            range_text(b + t.layers.low, b + t.layers.high),
            if t.unknown > 0 { " + ?" } else { "" }
        ),
        None => "unknown".to_owned(),
    };
    format!("{total}: {base} + {layers}")
}

fn stage_markdown(snap: &Snapshot, stage: usize) -> String {
    let analysis = snap.analysis();
    let Some(info) = analysis.stages.get(stage) else {
        return String::new();
    };
    let from = snap.file.stages.get(stage).map_or(0, |s| s.from);
    let mut out = format!(
        "**Stage `{}`** · stage {stage}, line {}\n\n",
        stage_label(snap, stage),
        line_of_instruction(snap, from)
    );
    match &info.base {
        Base::Stage(b) => {
            let _ = writeln!(out, "Built on stage `{}`.\n", stage_label(snap, *b));
        }
        Base::Image(image) => {
            let _ = writeln!(out, "Based on `{image}`.\n");
        }
        Base::Scratch => out.push_str("Based on `scratch`.\n\n"),
        Base::Unresolved(w) => {
            let _ = writeln!(out, "Base `{w}` cannot be resolved.\n");
        }
    }
    let own: Vec<&SizeEstimate> = info
        .steps
        .iter()
        .filter(|s| s.kind == LayerKind::Filesystem)
        .map(|s| &s.size)
        .collect();
    let known = own
        .iter()
        .filter(|s| !s.is_unknown())
        .fold(SizeEstimate::zero(""), |acc, s| acc.plus(s));
    let unknown = own.iter().filter(|s| s.is_unknown()).count();
    let _ = write!(
        out,
        "**Own layers**: {}, ≈ {} uncompressed",
        own.len(),
        range_text(known.low, known.high)
    );
    if unknown > 0 {
        let _ = write!(out, " (+ {unknown} of unknown size)");
    }
    out.push_str("\n\n");
    if let Some(total) = chain_total(snap, stage) {
        let _ = writeln!(out, "**Estimated size**: {}\n", total_words(&total));
    }

    let mut users = Vec::new();
    for other in &analysis.stages {
        if other.base == Base::Stage(stage) {
            let from = snap.file.stages.get(other.index).map_or(0, |s| s.from);
            users.push(format!(
                "- stage `{}` is built `FROM` it (line {})",
                stage_label(snap, other.index),
                line_of_instruction(snap, from)
            ));
        }
        for step in &other.steps {
            if step
                .cache
                .iter()
                .any(|c| matches!(c, CacheInput::Stage { stage: s, .. } if *s == stage))
            {
                users.push(format!(
                    "- line {}: {} (stage `{}`)",
                    line_of_instruction(snap, step.instruction),
                    short_instruction(snap, step.instruction),
                    stage_label(snap, other.index)
                ));
            }
        }
    }
    if users.is_empty() {
        out.push_str("**Used by**: no other stage.\n\n");
    } else {
        out.push_str("**Used by**:\n");
        for u in users {
            out.push_str(&u);
            out.push('\n');
        }
        out.push('\n');
    }
    let final_stage = analysis.final_stage;
    let verdict = if final_stage == Some(stage) {
        "this is the final stage: its layers are the image that ships."
    } else if info.reaches_final && on_final_chain(snap, stage) {
        "yes: the final image is built on its layers."
    } else if info.reaches_final {
        "only what is copied out of it; its own layers do not ship."
    } else {
        "no: the final image does not need it, so BuildKit skips it (unless built with `--target`)."
    };
    let _ = writeln!(out, "**Reaches the final image**: {verdict}");
    out
}

/// Whether the final stage is built (transitively) `FROM` `stage`.
fn on_final_chain(snap: &Snapshot, stage: usize) -> bool {
    let analysis = snap.analysis();
    let mut current = analysis.final_stage;
    while let Some(i) = current {
        if i == stage {
            return true;
        }
        current = match analysis.stages.get(i).map(|s| &s.base) {
            Some(Base::Stage(b)) if *b < i => Some(*b),
            _ => None,
        };
    }
    false
}

// ---- variables -----------------------------------------------------------------------

/// The `$NAME` or `${NAME…}` reference under `offset`, with its range.
fn variable_at(snap: &Snapshot, offset: usize) -> Option<(String, TextRange)> {
    let line = snap.index.line_of(offset);
    let range = snap.index.line_range(line, &snap.text);
    let text = range.slice(&snap.text);
    let rel = offset.checked_sub(range.start)?;
    let escape = snap.file.escape;
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if i > rel {
            return None;
        }
        if c == escape {
            chars.next();
            continue;
        }
        if c != '$' {
            continue;
        }
        let rest = &text.as_bytes()[i + 1..];
        let (name_start, braced) = match rest.first() {
            Some(b'{') => (i + 2, true),
            Some(b) if is_name(*b) && !b.is_ascii_digit() => (i + 1, false),
            _ => continue,
        };
        let name_len = text.as_bytes()[name_start..]
            .iter()
            .take_while(|b| is_name(**b))
            .count();
        if name_len == 0 {
            continue;
        }
        let end = if braced {
            text[name_start..]
                .find('}')
                .map_or(text.len(), |j| name_start + j + 1)
        } else {
            name_start + name_len
        };
        if (i..end).contains(&rel) {
            let name = text[name_start..name_start + name_len].to_owned();
            return Some((name, TextRange::new(range.start + i, range.start + end)));
        }
    }
    None
}

/// Where a variable in scope got its value.
#[derive(Debug, Clone)]
enum Origin {
    /// A global ARG (before the first FROM), by instruction index.
    Global(usize),
    /// An ARG in the stage; `global` when its value is the global ARG's.
    Arg { ins: usize, global: bool },
    /// An ENV (of this stage, or of a stage this one is built FROM).
    Env(usize),
}

#[derive(Debug, Clone)]
struct Var {
    value: Option<String>,
    origin: Origin,
    /// Set by a `--build-arg` override of the settings.
    overridden: bool,
}

/// Variables in scope at an instruction: `(env, args)`; ENV wins over ARG.
#[derive(Debug, Default)]
struct Scope {
    env: BTreeMap<String, Var>,
    args: BTreeMap<String, Var>,
    /// Global scope (before the first FROM, or a FROM line): automatic ARGs are visible.
    global: bool,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Var> {
        self.env.get(name).or_else(|| self.args.get(name))
    }

    fn value(&self, name: &str) -> Option<String> {
        self.get(name).and_then(|v| v.value.clone())
    }
}

/// The automatic platform ARGs for `platform` (BuildKit's `TARGET*`/`BUILD*`).
fn platform_args(platform: &str) -> Vec<(String, String)> {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or("linux");
    let arch = parts.next().unwrap_or("amd64");
    let variant = parts.next().unwrap_or("");
    let mut out = Vec::with_capacity(8);
    for prefix in ["TARGET", "BUILD"] {
        out.push((format!("{prefix}PLATFORM"), platform.to_owned()));
        out.push((format!("{prefix}OS"), os.to_owned()));
        out.push((format!("{prefix}ARCH"), arch.to_owned()));
        out.push((format!("{prefix}VARIANT"), variant.to_owned()));
    }
    out
}

/// `ARG a=1 b` → `[(a, Some(1)), (b, None)]`.
fn arg_decls(ins: &Instruction) -> Vec<(String, Option<String>)> {
    ins.words()
        .iter()
        .map(|w| match w.value.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (w.value.clone(), None),
        })
        .collect()
}

/// `ENV a=1 b="2 3"` or the legacy `ENV a 1 2`.
fn env_pairs(ins: &Instruction) -> Vec<(String, String)> {
    let words = ins.words();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if first.value.contains('=') {
        return words
            .iter()
            .filter_map(|w| {
                w.value
                    .split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
            })
            .collect();
    }
    let text = match &ins.args {
        crate::model::Arguments::Shell(s) => s.text.as_str(),
        _ => "",
    };
    let rest = text.get(first.value.len()..).unwrap_or("").trim_start();
    vec![(first.value.clone(), rest.to_owned())]
}

/// The scope an instruction sees (before its own declarations take effect).
fn scope_at(snap: &Snapshot, idx: usize) -> Scope {
    let ins = snap.file.instructions.get(idx);
    match ins.and_then(|i| i.stage) {
        Some(stage) if ins.is_some_and(|i| i.kind != InstructionKind::From) => {
            stage_scope(snap, stage, idx, 0)
        }
        _ => global_scope(snap, idx),
    }
}

fn global_scope(snap: &Snapshot, upto: usize) -> Scope {
    let analysis = snap.analysis();
    let mut scope = Scope {
        global: true,
        ..Scope::default()
    };
    for (i, ins) in snap.file.global_instructions().iter().enumerate() {
        if i >= upto {
            break;
        }
        if ins.kind != InstructionKind::Arg {
            continue;
        }
        for (name, _) in arg_decls(ins) {
            let value = analysis.global_args.get(&name).cloned().flatten();
            let overridden = snap.settings.build_args.iter().any(|(k, _)| *k == name);
            scope.args.insert(
                name,
                Var {
                    value,
                    origin: Origin::Global(i),
                    overridden,
                },
            );
        }
    }
    scope
}

/// The scope inside `stage` just before instruction `upto`.
fn stage_scope(snap: &Snapshot, stage: usize, upto: usize, depth: usize) -> Scope {
    let analysis = snap.analysis();
    let escape = snap.file.escape;
    let mut scope = Scope::default();
    let Some(st) = snap.file.stages.get(stage) else {
        return scope;
    };
    if depth < 64
        && let Some(Base::Stage(b)) = analysis.stages.get(stage).map(|s| &s.base)
        && *b < stage
        && let Some(base) = snap.file.stages.get(*b)
    {
        scope.env = stage_scope(snap, *b, base.instructions.end, depth + 1).env;
    }
    let auto = platform_args(snap.platform());
    for idx in st.instructions.clone().skip(1) {
        if idx >= upto {
            break;
        }
        let Some(ins) = snap.file.instructions.get(idx) else {
            break;
        };
        match ins.kind {
            InstructionKind::Arg => {
                for (name, default) in arg_decls(ins) {
                    let overridden = snap
                        .settings
                        .build_args
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.clone());
                    let mut global = false;
                    let value = overridden
                        .clone()
                        .or_else(|| {
                            default.map(|d| vars::expand(&d, escape, &|n| scope.value(n)).value)
                        })
                        .or_else(|| {
                            let g = analysis.global_args.get(&name).cloned().flatten();
                            global = g.is_some();
                            g
                        })
                        .or_else(|| {
                            auto.iter()
                                .find(|(n, _)| *n == name)
                                .map(|(_, v)| v.clone())
                        });
                    scope.args.insert(
                        name,
                        Var {
                            value,
                            origin: Origin::Arg { ins: idx, global },
                            overridden: overridden.is_some(),
                        },
                    );
                }
            }
            InstructionKind::Env => {
                for (name, value) in env_pairs(ins) {
                    let value = vars::expand(&value, escape, &|n| scope.value(n)).value;
                    scope.env.insert(
                        name,
                        Var {
                            value: Some(value),
                            origin: Origin::Env(idx),
                            overridden: false,
                        },
                    );
                }
            }
            _ => {}
        }
    }
    scope
}

/// A word expanded with the scope of instruction `idx`.
fn expand_at(snap: &Snapshot, idx: usize, word: &str) -> String {
    let scope = scope_at(snap, idx);
    let auto = platform_args(snap.platform());
    vars::expand(word, snap.file.escape, &|n| {
        scope.value(n).or_else(|| {
            scope
                .global
                .then(|| auto.iter().find(|(a, _)| a == n).map(|(_, v)| v.clone()))
                .flatten()
        })
    })
    .value
}

fn variable_markdown(snap: &Snapshot, idx: usize, name: &str) -> String {
    let scope = scope_at(snap, idx);
    let auto = platform_args(snap.platform());
    let automatic = auto
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str());
    let in_run = snap
        .file
        .instructions
        .get(idx)
        .is_some_and(|i| i.effective().kind == InstructionKind::Run);
    let mut out = format!("**`${name}`**\n\n");
    match scope.get(name) {
        Some(var) => {
            match &var.value {
                Some(v) if v.is_empty() => out.push_str("Value here: empty\n\n"),
                Some(v) => {
                    let _ = writeln!(out, "Value here: {}\n", code(&shorten(v, 200)));
                }
                None => {
                    let _ = writeln!(
                        out,
                        "No value here: declared without a default; pass `--build-arg {name}=…`.\n"
                    );
                }
            }
            let (what, at) = match var.origin {
                Origin::Global(i) => ("global ARG", i),
                Origin::Arg { ins, .. } => ("ARG", ins),
                Origin::Env(i) => ("ENV", i),
            };
            let _ = write!(
                out,
                "Defined by {what} on line {}: {}",
                line_of_instruction(snap, at),
                short_instruction(snap, at)
            );
            let here = snap.file.instructions.get(idx).and_then(|i| i.stage);
            let there = snap.file.instructions.get(at).and_then(|i| i.stage);
            if matches!(var.origin, Origin::Env(_))
                && here != there
                && let Some(s) = there
            {
                let _ = write!(out, " (inherited from stage `{}`)", stage_label(snap, s));
            }
            out.push('\n');
            if var.overridden {
                out.push_str("\nSet by a `--build-arg` in the settings.\n");
            }
            if let Origin::Arg { global: true, .. } = var.origin {
                out.push_str(
                    "\nThe value is the global ARG's default (a bare `ARG` in a stage takes it).\n",
                );
            }
            if matches!(var.origin, Origin::Env(_)) && scope.args.contains_key(name) {
                out.push_str("\nAn ARG of the same name is shadowed: ENV wins.\n");
            }
        }
        None if automatic.is_some() && scope.global => {
            let _ = writeln!(
                out,
                "Value here: {}\n\nAutomatic platform ARG (from the target platform `{}`).",
                code(automatic.unwrap_or_default()),
                snap.platform()
            );
        }
        None if automatic.is_some() => {
            let _ = writeln!(
                out,
                "Automatic platform ARG, but not declared in this stage, so it is empty here. \
                 Add `ARG {name}` to the stage to get {}.",
                code(automatic.unwrap_or_default())
            );
        }
        None => {
            out.push_str(
                "Not defined in this Dockerfile: it comes from the base image's environment \
                 or is unset.\n",
            );
        }
    }
    if in_run {
        out.push_str("\n_In a RUN the shell expands it when the command runs._");
        if scope
            .get(name)
            .is_some_and(|v| !matches!(v.origin, Origin::Env(_)))
        {
            out.push_str(" _Every ARG in scope is part of the RUN's cache key: a new value rebuilds this layer._");
        }
        out.push('\n');
    }
    out
}

// ---- the instruction as a whole ------------------------------------------------------

fn step_markdown(snap: &Snapshot, idx: usize, ins: &Instruction) -> Option<String> {
    let analysis = snap.analysis();
    let Some(stage_idx) = ins.stage else {
        // Before the first FROM only ARG means something.
        if ins.kind != InstructionKind::Arg {
            return Some(format!(
                "**{}** before the first FROM: only ARG may come here.",
                ins.kind.as_str()
            ));
        }
        let mut out = String::from(
            "**Global ARG** · no layer\n\nVisible in FROM lines; a stage sees it only after \
             declaring it again (`ARG NAME`).\n\n",
        );
        for (name, _) in arg_decls(ins) {
            match analysis.global_args.get(&name) {
                Some(Some(v)) => {
                    let _ = writeln!(out, "- `{name}` = {}", code(&shorten(v, 120)));
                }
                _ => {
                    let _ = writeln!(out, "- `{name}` has no value");
                }
            }
        }
        return Some(out);
    };
    let stage = analysis.stages.get(stage_idx)?;
    let (pos, step) = stage
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.instruction == idx)?;
    let kind = ins.kind;
    let what = match (step.kind, kind) {
        (LayerKind::Filesystem, _) => "filesystem layer",
        (_, InstructionKind::Arg) => {
            "no filesystem layer (build argument; not kept in the image config)"
        }
        (LayerKind::Metadata, _) => "no filesystem layer (image config only)",
        (LayerKind::None, InstructionKind::Workdir) => {
            "no new layer (the directory already exists)"
        }
        (LayerKind::None, InstructionKind::Unknown) => "not an instruction: the build fails here",
        (LayerKind::None, _) => "no layer",
    };
    let mut out = format!(
        "**{}** · {what} · line {} · stage `{}`\n\n",
        match (&ins.onbuild, kind) {
            (Some(inner), _) => format!("ONBUILD {}", inner.kind.as_str()),
            (None, InstructionKind::Unknown) => ins.keyword.value.clone(),
            (None, _) => kind.as_str().to_owned(),
        },
        ins.start_line,
        stage_label(snap, stage_idx)
    );
    if step.kind == LayerKind::Filesystem {
        let _ = writeln!(out, "**Size**: {}", size_words(&step.size));
        if !step.size.basis.is_empty() {
            let _ = writeln!(out, "· basis: {}", step.size.basis);
        }
        let _ = writeln!(
            out,
            "· confidence: {}\n",
            confidence_word(step.size.confidence)
        );
    }
    if !step.cache.is_empty() {
        out.push_str("**Cache key** depends on:\n");
        for input in &step.cache {
            let _ = writeln!(out, "- {}", cache_input(input));
        }
        out.push_str("- every earlier step of the stage (the layers below)\n\n");
    }
    out.push_str(&rebuilds(snap, stage_idx, pos));
    Some(out)
}

fn cache_input(input: &CacheInput) -> String {
    match input {
        CacheInput::Instruction { text } => {
            format!("the instruction text {}", code(&shorten(text, 100)))
        }
        CacheInput::BuildArg { name, value } => match value {
            Some(v) => format!("build arg `{name}` = {}", code(&shorten(v, 60))),
            None => format!("build arg `{name}` (unset)"),
        },
        CacheInput::ContextFiles {
            source,
            files,
            bytes,
        } => format!(
            "{} from the build context: {files} file{}, {}",
            code(source),
            if *files == 1 { "" } else { "s" },
            human(*bytes)
        ),
        CacheInput::ContextSource { source } => {
            format!(
                "{} from the build context (contents not read)",
                code(source)
            )
        }
        CacheInput::RemoteUrl { url } => format!("remote {} (checked at every build)", code(url)),
        CacheInput::Stage { name, .. } => format!("the output of stage `{name}`"),
        CacheInput::Image { reference } => format!("files of image {}", code(reference)),
    }
}

/// "A change here rebuilds …": the later layers of this stage and of the stages that
/// depend on it (built FROM it, copying from it, mounting it).
fn rebuilds(snap: &Snapshot, stage: usize, step: usize) -> String {
    let analysis = snap.analysis();
    let mut first: BTreeMap<usize, usize> = BTreeMap::new();
    first.insert(stage, step);
    loop {
        let mut changed = false;
        for st in &analysis.stages {
            for (i, s) in st.steps.iter().enumerate() {
                let hit = (i == 0 && matches!(st.base, Base::Stage(b) if first.contains_key(&b)))
                    || s.cache.iter().any(
                        |c| matches!(c, CacheInput::Stage { stage, .. } if first.contains_key(stage)),
                    );
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
    let mut lines = Vec::new();
    for (&s, &from) in &first {
        let Some(st) = analysis.stages.get(s) else {
            continue;
        };
        let layers: Vec<(usize, usize)> = st
            .steps
            .iter()
            .filter(|x| x.kind == LayerKind::Filesystem)
            .enumerate()
            .map(|(n, x)| (n + 1, x.instruction))
            .filter(|(_, ins)| {
                st.steps
                    .iter()
                    .position(|x| x.instruction == *ins)
                    .is_some_and(|p| p >= from)
            })
            .collect();
        let who = if s == stage {
            "this stage".to_owned()
        } else {
            format!("stage `{}`", stage_label(snap, s))
        };
        let text = match (layers.first(), layers.last()) {
            (Some(a), Some(b)) if a.0 == b.0 => format!(
                "{who}: layer {} (line {})",
                a.0,
                line_of_instruction(snap, a.1)
            ),
            (Some(a), Some(b)) => format!(
                "{who}: layers {}–{} (lines {}–{})",
                a.0,
                b.0,
                line_of_instruction(snap, a.1),
                line_of_instruction(snap, b.1)
            ),
            _ => format!("{who}: no layer, only the image config"),
        };
        lines.push(text);
    }
    let mut out = String::from("**A change here rebuilds**:\n");
    for l in lines {
        let _ = writeln!(out, "- {l}");
    }
    out
}

/// `text` in a code span that survives backticks in it.
fn code(text: &str) -> String {
    if text.is_empty() {
        return "`` ``".to_owned();
    }
    let ticks = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(ticks + 1);
    if ticks > 0 || text.starts_with(' ') || text.ends_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::sync::Arc;

    use super::*;
    use crate::lsp::settings::Settings;

    fn markdown(h: &Hover) -> &str {
        match &h.contents {
            HoverContents::Markup(m) => &m.value,
            _ => "",
        }
    }

    /// The hover at the `nth` occurrence of `needle` (plus `delta` bytes) in `snap`.
    fn at(snap: &Snapshot, needle: &str, nth: usize, delta: usize) -> Option<Hover> {
        let offset = snap.text.match_indices(needle).nth(nth).map_or_else(
            || panic!("{needle:?} #{nth} not in the text"),
            |(i, _)| i + delta,
        );
        hover(snap, snap.position(offset))
    }

    /// `range l:c-l:c` and the markdown, for snapshots.
    fn show(h: Option<Hover>) -> String {
        let Some(h) = h else {
            return "(no hover)".to_owned();
        };
        let mut out = String::new();
        if let Some(r) = h.range {
            let _ = writeln!(
                out,
                "range {}:{}-{}:{}\n",
                r.start.line, r.start.character, r.end.line, r.end.character
            );
        }
        out.push_str(markdown(&h));
        out
    }

    fn text_at(text: &str, needle: &str, nth: usize, delta: usize) -> String {
        let snap = Snapshot::for_text(text);
        at(&snap, needle, nth, delta).map_or_else(String::new, |h| markdown(&h).to_owned())
    }

    const MULTI: &str = "\
ARG PY=3.12
FROM python:${PY}-slim AS build
ENV APP=/src
WORKDIR $APP
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

FROM build AS test
RUN echo $APP $HOME $TARGETARCH

FROM scratch AS final
ARG TARGETARCH
COPY --from=build /src/app /app
RUN --mount=type=bind,from=build,target=/b cp /b/x /x
CMD [\"/app\"]
";

    // ---- case 1: FROM images ----

    #[test]
    fn from_image_shows_layers_variants_and_source() {
        let snap = Snapshot::for_text("FROM python:3.12-slim\nRUN echo hi\n");
        insta::assert_snapshot!(show(at(&snap, "python", 0, 3)));
    }

    #[test]
    fn from_with_an_arg_is_resolved() {
        let snap = Snapshot::for_text(MULTI);
        let md = show(at(&snap, "python", 0, 0));
        assert!(
            md.contains("`python:${PY}-slim` → `python:3.12-slim`"),
            "{md}"
        );
        assert!(md.contains("- `PY` = `3.12` (ARG, line 1)"), "{md}");
        assert!(md.contains("43.2 MB compressed download"), "{md}");
        assert!(md.contains("_Source: catalogue, as of"), "{md}");
        assert!(md.contains("**Variants**"), "{md}");
        insta::assert_snapshot!(md);
    }

    #[test]
    fn from_a_build_arg_override() {
        let mut snap = Snapshot::for_text("ARG PY=3.12\nFROM python:${PY}-alpine\n");
        snap.settings = Arc::new(Settings {
            build_args: vec![("PY".into(), "3.13".into())],
            read_context: false,
            ..Settings::default()
        });
        let md = show(at(&snap, "python", 0, 0));
        assert!(md.contains("`python:3.13-alpine`"), "{md}");
    }

    #[test]
    fn from_scratch_unknown_unresolved_and_stage() {
        let text = "FROM scratch AS a\nFROM example.invalid/nothing:1 AS b\nFROM $NOPE\nFROM a\n";
        let md = text_at(text, "scratch", 0, 1);
        assert!(md.starts_with("**scratch**: the empty image"), "{md}");
        let md = text_at(text, "example", 0, 1);
        assert!(md.contains("Not known offline yet"), "{md}");
        assert!(md.contains("offline: no registry lookup"), "{md}");
        let md = text_at(text, "$NOPE", 0, 1);
        assert!(md.contains("cannot be resolved"), "{md}");
        assert!(md.contains("`NOPE` is not a global ARG"), "{md}");
        let md = text_at(text, "FROM a", 0, 5);
        assert!(md.starts_with("**Stage `a`**"), "{md}");
    }

    #[tokio::test]
    async fn unknown_image_says_where_the_lookup_stands() {
        use crate::lsp::images::ImageStore;
        use crate::registry::config::RegistryConfig;
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        // A loopback registry that refuses connections: no traffic leaves the machine.
        let config = RegistryConfig {
            cache_dir: Some(dir.path().join("cache")),
            docker_config: Some(dir.path().join("docker.json")),
            credential_helper_dir: Some(dir.path().to_owned()),
            max_retries: 0,
            connect_timeout: std::time::Duration::from_secs(2),
            request_timeout: std::time::Duration::from_secs(5),
            ..RegistryConfig::default()
        };
        let text = |snap: &Snapshot| {
            at(snap, "nothing", 0, 0).map_or_else(String::new, |h| markdown(&h).to_owned())
        };
        let store = Arc::new(ImageStore::new(&config));
        let image = "127.0.0.1:1/nothing:1";
        let mut snap = Snapshot::for_text(&format!("FROM {image}\n"));
        snap.images = Arc::clone(&store);
        let md = text(&snap);
        assert!(md.contains("Not known offline yet"), "{md}");
        assert!(md.contains("starts when the file is next checked"), "{md}");
        let key = (image.to_owned(), "linux/amd64".to_owned());
        assert_eq!(store.claim_live(std::slice::from_ref(&key)).len(), 1);
        let md = text(&snap);
        assert!(md.contains("A registry lookup is under way"), "{md}");
        store.fetch_live(&key).await;
        let md = text(&snap);
        assert!(md.contains("The registry lookup failed: "), "{md}");
    }

    // ---- case 2: keywords and flags ----

    #[test]
    fn every_keyword_has_docs() {
        let text = "ARG A=1\nFROM alpine:3.20\nRUN x\nCMD x\nLABEL a=b\nMAINTAINER m\nEXPOSE 1\nENV a=b\nADD a b\nCOPY a b\nENTRYPOINT x\nVOLUME /v\nUSER u\nWORKDIR /w\nONBUILD RUN x\nSTOPSIGNAL 9\nHEALTHCHECK CMD x\nSHELL [\"sh\"]\n";
        let snap = Snapshot::for_text(text);
        for ins in &snap.file.instructions {
            let h = hover(&snap, snap.position(ins.keyword.range.start + 1))
                .unwrap_or_else(|| panic!("no hover on {}", ins.keyword.value));
            assert!(
                markdown(&h).starts_with(&format!("**{}**", ins.kind.as_str())),
                "{}",
                markdown(&h)
            );
            assert_eq!(h.range, Some(snap.range(ins.keyword.range)));
        }
        // The instruction ONBUILD wraps.
        let md = text_at(text, "ONBUILD RUN", 0, 9);
        assert!(md.starts_with("**RUN**"), "{md}");
        let md = text_at("FROBNICATE x\n", "FROB", 0, 0);
        assert!(md.contains("not a Dockerfile instruction"), "{md}");
    }

    #[test]
    fn mount_flag_lists_types_and_keys() {
        let snap = Snapshot::for_text(MULTI);
        insta::assert_snapshot!(show(at(&snap, "--mount", 0, 3)));
    }

    #[test]
    fn flags_and_unknown_flags() {
        let text = "FROM --platform=linux/arm64 alpine:3.20\nCOPY --chown=1:1 --link a b\nHEALTHCHECK --interval=5s CMD x\nRUN --frobnicate=1 x\nCMD --x y\n";
        assert!(text_at(text, "platform", 0, 0).starts_with("**--platform**"));
        assert!(text_at(text, "linux/arm64", 0, 0).starts_with("**--platform**"));
        assert!(text_at(text, "--chown", 0, 0).starts_with("**--chown**"));
        assert!(text_at(text, "--link", 0, 2).starts_with("**--link**"));
        assert!(text_at(text, "interval", 0, 0).starts_with("**--interval**"));
        let md = text_at(text, "frobnicate", 0, 0);
        assert!(
            md.contains("is not a flag of RUN. It takes `--mount`, `--network`"),
            "{md}"
        );
    }

    // ---- case 3: variables ----

    #[test]
    fn variables_in_run_bodies_and_arguments() {
        let snap = Snapshot::for_text(MULTI);
        let md = show(at(&snap, "$APP", 1, 2));
        assert!(md.contains("Value here: `/src`"), "{md}");
        assert!(md.contains("Defined by ENV on line 3"), "{md}");
        assert!(md.contains("inherited from stage `build`"), "{md}");
        insta::assert_snapshot!("variable_inherited_env", md);
        let md = show(at(&snap, "$HOME", 0, 1));
        assert!(md.contains("Not defined in this Dockerfile"), "{md}");
        let md = show(at(&snap, "$TARGETARCH", 0, 1));
        assert!(md.contains("not declared in this stage"), "{md}");
        assert!(md.contains("Add `ARG TARGETARCH`"), "{md}");
        let md = show(at(&snap, "${PY}", 0, 3));
        // In FROM, the image hover wins; the expansion is listed there.
        assert!(md.contains("- `PY` = `3.12`"), "{md}");
        let md = show(at(&snap, "WORKDIR $APP", 0, 9));
        assert!(md.contains("range 3:8-3:12"), "{md}");
        assert!(md.contains("Value here: `/src`"), "{md}");
    }

    #[test]
    fn variables_args_env_and_automatic() {
        let text = "ARG V=1\nFROM alpine:3.20\nARG V\nARG W=${V}.0\nENV W=env-$W\nRUN echo ${W} ${V:-x} $V \\$V\nLABEL t=$TARGETOS\n";
        let md = text_at(text, "${W}", 0, 2);
        assert!(md.contains("Value here: `env-1.0`"), "{md}");
        assert!(md.contains("Defined by ENV on line 5"), "{md}");
        assert!(md.contains("An ARG of the same name is shadowed"), "{md}");
        let md = text_at(text, "${V:-x}", 0, 3);
        assert!(md.contains("Value here: `1`"), "{md}");
        assert!(md.contains("global ARG's default"), "{md}");
        // `\$V` is escaped: no variable.
        let md = text_at(text, "\\$V", 0, 2);
        assert!(md.starts_with("**RUN** ·"), "{md}");
        let md = text_at(text, "$TARGETOS", 0, 1);
        assert!(md.contains("not declared in this stage"), "{md}");
        let md = text_at(
            "FROM --platform=$BUILDPLATFORM alpine:3.20\n",
            "$BUILD",
            0,
            1,
        );
        assert!(md.contains("Value here: `linux/amd64`"), "{md}");
        assert!(md.contains("Automatic platform ARG"), "{md}");
    }

    #[test]
    fn variables_in_heredoc_bodies() {
        let text = "FROM alpine:3.20\nENV GREETING=hi\nRUN <<EOF\necho $GREETING\nEOF\n";
        let md = text_at(text, "$GREETING", 0, 3);
        assert!(md.contains("Value here: `hi`"), "{md}");
    }

    // ---- case 4: stages ----

    #[test]
    fn stage_names_everywhere() {
        let snap = Snapshot::for_text(MULTI);
        let name = show(at(&snap, "AS build", 0, 4));
        insta::assert_snapshot!("stage_build", name);
        let body = |s: &str| {
            s.split_once("\n\n")
                .map(|(_, b)| b.to_owned())
                .unwrap_or_default()
        };
        for (needle, nth, delta) in [
            ("FROM build", 0, 6),
            ("--from=build", 0, 8),
            ("from=build", 1, 6),
        ] {
            let other = show(at(&snap, needle, nth, delta));
            assert_eq!(body(&other), body(&name), "{needle}");
        }
        let md = show(at(&snap, "AS test", 0, 4));
        assert!(md.contains("BuildKit skips it"), "{md}");
        let md = show(at(&snap, "AS final", 0, 4));
        assert!(md.contains("this is the final stage"), "{md}");
    }

    #[test]
    fn copy_from_an_image() {
        let md = text_at(
            "FROM alpine:3.20\nCOPY --from=busybox:latest /bin/busybox /bin/\n",
            "busybox:latest",
            0,
            1,
        );
        assert!(
            md.contains("Files copied out of the image `busybox:latest`"),
            "{md}"
        );
        assert!(md.contains("docker.io/library/busybox:latest"), "{md}");
    }

    // ---- case 5: instructions ----

    #[test]
    fn run_layer_size_cache_and_rebuilds() {
        let snap = Snapshot::for_text(MULTI);
        insta::assert_snapshot!("run_step", show(at(&snap, "apt-get update", 0, 2)));
    }

    #[test]
    fn metadata_and_workdir_steps() {
        let snap = Snapshot::for_text(MULTI);
        let md = show(at(&snap, "ENV APP", 0, 5));
        assert!(
            md.contains("no filesystem layer (image config only)"),
            "{md}"
        );
        assert!(md.contains("this stage: layers 1–4"), "{md}");
        assert!(md.contains("stage `test`"), "{md}");
        assert!(md.contains("stage `final`"), "{md}");
        let md = show(at(&snap, "COPY . .", 0, 5));
        assert!(md.contains("**COPY** · filesystem layer"), "{md}");
        assert!(
            md.contains("`.` from the build context (contents not read)"),
            "{md}"
        );
        let md = show(at(&snap, "CMD", 0, 5));
        assert!(
            md.contains("this stage: no layer, only the image config"),
            "{md}"
        );
        let md = text_at("FROM alpine:3.20\nWORKDIR /a\nWORKDIR /a\n", "/a", 1, 0);
        assert!(
            md.contains("no new layer (the directory already exists)"),
            "{md}"
        );
        let md = text_at("FROM alpine:3.20\nONBUILD COPY . /app\n", "/app", 0, 1);
        assert!(
            md.starts_with("**ONBUILD COPY** · no filesystem layer (image config only)"),
            "{md}"
        );
        let md = text_at("ARG A=1 B\nFROM alpine:3.20\n", "B", 0, 0);
        assert!(md.starts_with("**Global ARG**"), "{md}");
        assert!(
            md.contains("- `A` = `1`") && md.contains("- `B` has no value"),
            "{md}"
        );
    }

    // ---- positions ----

    #[test]
    fn crlf_and_non_ascii_positions() {
        let text = "FROM alpine:3.20\r\nENV NAME=\"Zoë 😀\"\r\nRUN echo \"😀 $NAME\"\r\n";
        let snap = Snapshot::for_text(text);
        // UTF-16: `RUN echo "😀 ` is 13 units (the emoji is 2).
        let h = hover(&snap, Position::new(2, 14)).map(|h| (markdown(&h).to_owned(), h.range));
        let (md, range) = h.unwrap_or_default();
        assert!(md.contains("Value here: `Zoë 😀`"), "{md}");
        let range = range.unwrap_or_default();
        assert_eq!(
            (range.start, range.end),
            (Position::new(2, 13), Position::new(2, 18))
        );
        // Past the end of a CRLF line (the `\r` is not a column).
        assert!(hover(&snap, Position::new(0, 16)).is_some());
        assert!(hover(&snap, Position::new(0, 17)).is_none());
    }

    #[test]
    fn positions_past_the_end_and_empty_documents() {
        let snap = Snapshot::for_text("FROM alpine:3.20\nRUN x");
        assert!(hover(&snap, Position::new(1, 5)).is_some());
        assert!(hover(&snap, Position::new(1, 6)).is_none());
        assert!(hover(&snap, Position::new(2, 0)).is_none());
        assert!(hover(&snap, Position::new(u32::MAX, u32::MAX)).is_none());
        let empty = Snapshot::for_text("");
        assert!(hover(&empty, Position::new(0, 0)).is_none());
        assert!(hover(&empty, Position::new(3, 1)).is_none());
    }

    #[test]
    fn comments_and_blank_lines_have_no_hover() {
        let text = "# a comment\nFROM alpine:3.20\n\nRUN a \\\n  # inside\n  b\n";
        let snap = Snapshot::for_text(text);
        assert!(hover(&snap, Position::new(0, 3)).is_none());
        assert!(hover(&snap, Position::new(2, 0)).is_none());
        assert!(hover(&snap, Position::new(4, 4)).is_none());
        assert!(hover(&snap, Position::new(5, 2)).is_some());
    }

    #[test]
    fn syntax_errors() {
        let text = "RUN before from\nFROM\nCOPY\nENV =\nRUN [\"unterminated\nFROM alpine:3.20 AS\nCOPY --from= a b\nRUN --mount=from=,type= x\nRUN <<EOF\nno terminator";
        let snap = Snapshot::for_text(text);
        for_every_position(&snap);
        let md = text_at(text, "RUN before", 0, 0);
        assert!(md.starts_with("**RUN**"), "{md}");
    }

    /// Hover at every position of every line (and one past each line end).
    fn for_every_position(snap: &Snapshot) {
        for line in 0..=snap.index.line_count() as u32 {
            let range = snap.index.line_range(line as usize, &snap.text);
            let width = snap.position(range.end).character;
            for character in 0..=width + 1 {
                let _ = hover(snap, Position::new(line, character));
            }
        }
    }

    #[test]
    fn never_panics_on_tricky_documents() {
        let long = format!("RUN echo {}$X{}\n", "a".repeat(3000), "é".repeat(500));
        let docs = [
            "",
            "\n\n\n",
            "FROM",
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine:3.20\nRUN echo `\n  $HOME `\n  done\nCOPY <<A <<B /x/\na $A\nA\nb\nB\n",
            "FROM alpine:3.20 AS a\nRUN <<EOF bash -e\n  set -x\n  echo ${X:-$Y} ${}\n$\n${\nEOF\n\nRUN \\\n\n  # c\n  echo \\\n\n",
            "FROM a\r\nRUN x \\\r\n  y\r\n\r\nENV A=1 \\\r\n    B=\"2 3\"\r\nONBUILD COPY --from=a --chown=1 x y\r\n",
            "FROM --platform=$BUILDPLATFORM a AS b\nCOPY --from=b --from=c x y\nRUN --mount=type=bind,from=b,target=/x --mount=from=0 --network=none x\nHEALTHCHECK --interval=1s --retries=3 CMD x\nHEALTHCHECK NONE\n",
            "ARG\nARG =\nENV\nLABEL\nFROM ${A:-${B:-c}}:${\nWORKDIR\nUSER\nEXPOSE\n",
            "\u{feff}FROM é:ü AS ö\nCOPY --from=ö 😀 /😀\nRUN echo 😀$😀 ${😀} $A😀\n",
            long.as_str(),
        ];
        for text in docs {
            let snap = Snapshot::for_text(text);
            for_every_position(&snap);
        }
    }

    #[test]
    fn huge_line_does_not_panic() {
        let text = format!("FROM alpine:3.20\nRUN echo {}\n", "x $A ".repeat(14_000));
        let snap = Snapshot::for_text(&text);
        let width = snap.position(text.len() - 1).character;
        for character in (0..width + 2).step_by(997) {
            let _ = hover(&snap, Position::new(1, character));
        }
        assert!(hover(&snap, Position::new(1, 12)).is_some());
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code(""), "`` ``");
    }
}
