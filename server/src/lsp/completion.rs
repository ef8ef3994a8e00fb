//! Completion: instruction keywords, flags and `--mount` keys, stage names, variables in
//! scope, and base images with their tags.
//!
//! The context is read from the text before the cursor and the parsed instruction around
//! it: at the start of a line (or after `ONBUILD`) come keywords; in the flag area of an
//! instruction, its flags (and their values); after `$`/`${`, the variables in scope
//! there; in a FROM's image position, images from the catalogue (and, after `name:`, their
//! tags from the catalogue and the disk cache). Comments, heredoc bodies and the name after
//! `AS` get nothing. Every item replaces exactly the partial word under the cursor.

use std::collections::BTreeMap;
use std::path::Path;

use tower_lsp_server::ls_types::{
    Command, CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionItemTag,
    CompletionResponse, CompletionTextEdit, Documentation, InsertTextFormat, MarkupContent,
    MarkupKind, Position, TextEdit,
};

use crate::model::{Instruction, InstructionKind, known_flags};
use crate::registry::catalog;
use crate::text::TextRange;

use super::format::line_start;
use super::hover::docs;
use super::snapshot::Snapshot;

/// Characters after which clients should ask for completions.
pub fn trigger_characters() -> Vec<String> {
    ["-", "=", "$", "{", ":", " ", ","]
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Completions at `pos`, or `None` where nothing fits (comments, heredoc bodies, …).
pub fn completion(snap: &Snapshot, pos: Position) -> Option<CompletionResponse> {
    let items = items(snap, pos)?;
    (!items.is_empty()).then_some(CompletionResponse::Array(items))
}

fn items(snap: &Snapshot, pos: Position) -> Option<Vec<CompletionItem>> {
    let text: &str = &snap.text;
    let off = snap.offset(pos);
    let file = &snap.file;
    let inside = |r: TextRange| r.start <= off && off <= r.end;
    if file.comments.iter().any(|c| inside(c.range))
        || file.directives.iter().any(|d| inside(d.range))
    {
        return None;
    }
    let in_heredoc = file.instructions.iter().any(|ins| {
        ins.effective().heredocs.iter().any(|h| {
            let end = h.terminator.map_or(h.body.end, |t| t.end);
            h.body.start <= off && off <= end && h.body.start <= end
        })
    });
    if in_heredoc {
        return None;
    }
    let start_of_line = line_start(text, off);
    let before = &text[start_of_line..off];
    let mut cx = Context {
        snap,
        items: Vec::new(),
    };

    if let Some(name_start) = variable_start(before, file.escape) {
        let name_start = start_of_line + name_start;
        let (index, ins) = snap.instruction_at(off)?;
        let range = TextRange::new(name_start, word_end(text, off, is_name_char));
        cx.variables(index, ins, range);
        return Some(cx.items);
    }

    let Some((index, ins)) = snap.instruction_at(off) else {
        // Between instructions: only at the start of a line.
        if before.trim().is_empty() {
            let end = word_end(text, off, |c| c.is_ascii_alphabetic());
            cx.instructions(TextRange::new(off, end), false);
            return Some(cx.items);
        }
        return None;
    };
    if inside(ins.keyword.range) {
        cx.instructions(ins.keyword.range, false);
        return Some(cx.items);
    }
    let eff = match &ins.onbuild {
        Some(inner) if inside(inner.keyword.range) => {
            cx.instructions(inner.keyword.range, true);
            return Some(cx.items);
        }
        Some(inner) if off > inner.keyword.range.end => inner.as_ref(),
        _ if ins.kind == InstructionKind::Onbuild => {
            if text[ins.keyword.range.end..off].trim().is_empty() {
                cx.instructions(TextRange::empty(off), true);
                return Some(cx.items);
            }
            return None;
        }
        _ => ins,
    };

    let word_start = start_of_line
        + before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
    let end = word_end(text, off, |c| !c.is_whitespace());
    let word = &text[word_start..off];
    let args_before = eff
        .words()
        .iter()
        .filter(|w| w.range.end <= word_start)
        .count();
    let flag_area = args_before == 0 && eff.kind != InstructionKind::Unknown;

    if flag_area && let Some(flag) = word.strip_prefix("--") {
        match flag.split_once('=') {
            Some((name, _)) => {
                let value_start = word_start + 2 + name.len() + 1;
                cx.flag_value(index, eff, name, value_start, off, end);
            }
            None => cx.flags(eff, off, TextRange::new(word_start, end)),
        }
        return Some(cx.items);
    }
    if eff.kind == InstructionKind::From {
        match args_before {
            0 => {
                if word.is_empty() {
                    cx.flags(eff, off, TextRange::new(word_start, end));
                }
                cx.images(index, word_start, off, end);
            }
            1 => {
                cx.push(
                    "AS",
                    CompletionItemKind::KEYWORD,
                    TextRange::new(word_start, end),
                    "AS ${1:name}",
                    true,
                );
            }
            // A new stage's name: anything goes.
            _ => return None,
        }
        return Some(cx.items);
    }
    if flag_area && word.is_empty() && !known_flags(eff.kind).is_empty() {
        cx.flags(eff, off, TextRange::new(word_start, end));
        return Some(cx.items);
    }
    None
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The end of the word at `off` (characters matching `f` after the cursor).
fn word_end(text: &str, off: usize, f: impl Fn(char) -> bool) -> usize {
    text[off..]
        .char_indices()
        .find(|(_, c)| !f(*c))
        .map_or(text.len(), |(i, _)| off + i)
}

/// If `before` ends in an unescaped `$NAME` or `${NAME` (the name possibly empty), where
/// the name starts.
fn variable_start(before: &str, escape: char) -> Option<usize> {
    let name_len = before
        .chars()
        .rev()
        .take_while(|c| is_name_char(*c))
        .count();
    let name_start = before.len() - name_len;
    let head = &before[..name_start];
    let head = head.strip_suffix('{').unwrap_or(head);
    let head = head.strip_suffix('$')?;
    if head.ends_with(escape) || head.ends_with('\\') {
        return None;
    }
    // `$1`: positional parameters are not variables of the Dockerfile.
    if before[name_start..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(name_start)
}

struct Context<'s> {
    snap: &'s Snapshot,
    items: Vec<CompletionItem>,
}

/// The instruction keywords in the order they are most often wanted, with a snippet.
const INSTRUCTIONS: &[(&str, InstructionKind, &str)] = &[
    (
        "FROM",
        InstructionKind::From,
        "FROM ${1:image} AS ${2:name}",
    ),
    ("RUN", InstructionKind::Run, "RUN ${0}"),
    (
        "RUN --mount=type=cache",
        InstructionKind::Run,
        "RUN --mount=type=cache,target=${1:/root/.cache} ${0}",
    ),
    ("COPY", InstructionKind::Copy, "COPY ${1:src} ${2:dest}"),
    (
        "COPY --from",
        InstructionKind::Copy,
        "COPY --from=${1:stage} ${2:src} ${3:dest}",
    ),
    ("ARG", InstructionKind::Arg, "ARG ${1:NAME}=${2:value}"),
    ("ENV", InstructionKind::Env, "ENV ${1:NAME}=${2:value}"),
    ("WORKDIR", InstructionKind::Workdir, "WORKDIR ${1:/app}"),
    (
        "CMD",
        InstructionKind::Cmd,
        "CMD [\"${1:executable}\"${2:, \"arg\"}]",
    ),
    (
        "ENTRYPOINT",
        InstructionKind::Entrypoint,
        "ENTRYPOINT [\"${1:executable}\"${2:, \"arg\"}]",
    ),
    ("EXPOSE", InstructionKind::Expose, "EXPOSE ${1:8080}"),
    ("USER", InstructionKind::User, "USER ${1:user}"),
    (
        "LABEL",
        InstructionKind::Label,
        "LABEL ${1:key}=\"${2:value}\"",
    ),
    ("ADD", InstructionKind::Add, "ADD ${1:src} ${2:dest}"),
    (
        "HEALTHCHECK",
        InstructionKind::Healthcheck,
        "HEALTHCHECK --interval=${1:30s} CMD ${2:command}",
    ),
    (
        "SHELL",
        InstructionKind::Shell,
        "SHELL [\"${1:/bin/bash}\", \"-c\"]",
    ),
    ("VOLUME", InstructionKind::Volume, "VOLUME ${1:/data}"),
    (
        "STOPSIGNAL",
        InstructionKind::Stopsignal,
        "STOPSIGNAL ${1:SIGTERM}",
    ),
    ("ONBUILD", InstructionKind::Onbuild, "ONBUILD ${0}"),
    (
        "MAINTAINER",
        InstructionKind::Maintainer,
        "MAINTAINER ${1:name}",
    ),
];

/// Values offered for simple flags.
fn flag_values(kind: InstructionKind, flag: &str) -> &'static [&'static str] {
    match (kind, flag) {
        (InstructionKind::Run, "network") => &["default", "none", "host"],
        (InstructionKind::Run, "security") => &["sandbox", "insecure"],
        (_, "platform") => &[
            "$BUILDPLATFORM",
            "$TARGETPLATFORM",
            "linux/amd64",
            "linux/arm64",
            "linux/arm/v7",
            "windows/amd64",
        ],
        (_, "chmod") => &["755", "644", "700", "600"],
        (_, "chown") => &["root:root", "1000:1000", "nobody:nogroup"],
        (_, "interval" | "timeout" | "start-period" | "start-interval") => {
            &["5s", "10s", "30s", "1m"]
        }
        (_, "retries") => &["3", "5"],
        _ => &[],
    }
}

/// Values of `--mount` keys.
fn mount_values(key: &str) -> &'static [&'static str] {
    match key {
        "type" => &["bind", "cache", "tmpfs", "secret", "ssh"],
        "sharing" => &["shared", "private", "locked"],
        "required" | "readonly" | "ro" | "rw" | "readwrite" => &["true", "false"],
        "mode" => &["0755", "0700", "0644", "0600"],
        "uid" | "gid" => &["0", "1000"],
        "target" | "dst" | "destination" => &[
            "/root/.cache",
            "/var/cache/apt",
            "/var/lib/apt",
            "/root/.npm",
            "/go/pkg/mod",
            "/root/.cargo/registry",
        ],
        _ => &[],
    }
}

fn markdown(doc: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: doc.to_owned(),
    })
}

fn retrigger() -> Command {
    Command::new(
        "Suggest".to_owned(),
        "editor.action.triggerSuggest".to_owned(),
        None,
    )
}

impl Context<'_> {
    /// Add an item replacing `range` by `new_text`.
    fn push(
        &mut self,
        label: &str,
        kind: CompletionItemKind,
        range: TextRange,
        new_text: &str,
        snippet: bool,
    ) -> &mut CompletionItem {
        let n = self.items.len();
        self.items.push(CompletionItem {
            label: label.to_owned(),
            kind: Some(kind),
            sort_text: Some(format!("{n:04}")),
            filter_text: Some(label.to_owned()),
            insert_text_format: Some(if snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                self.snap.range(range),
                new_text.to_owned(),
            ))),
            ..CompletionItem::default()
        });
        &mut self.items[n]
    }

    fn instructions(&mut self, range: TextRange, after_onbuild: bool) {
        for (label, kind, snippet) in INSTRUCTIONS {
            if after_onbuild
                && matches!(
                    kind,
                    InstructionKind::Onbuild | InstructionKind::From | InstructionKind::Maintainer
                )
            {
                continue;
            }
            let item = self.push(label, CompletionItemKind::KEYWORD, range, snippet, true);
            item.filter_text = Some(kind.as_str().to_owned());
            item.documentation = docs::instruction_doc(*kind).map(markdown);
            if *kind == InstructionKind::Maintainer {
                item.tags = Some(vec![CompletionItemTag::DEPRECATED]);
            }
        }
    }

    /// The flags of `ins` not given yet (`--mount` and `--exclude` may repeat).
    fn flags(&mut self, ins: &Instruction, off: usize, range: TextRange) {
        let given = |name: &str| {
            ins.flags
                .iter()
                .any(|f| f.name.value == name && !(f.range.start <= off && off <= f.range.end))
        };
        for spec in known_flags(ins.kind) {
            let doc = docs::flag_doc(ins.kind, spec.name).map(markdown);
            if spec.name == "mount" {
                for t in docs::MOUNT_TYPES {
                    let snippet = match t.name {
                        "cache" => "--mount=type=cache,target=${1:/root/.cache}",
                        "bind" => "--mount=type=bind,source=${1:.},target=${2:/src}",
                        "secret" => "--mount=type=secret,id=${1:name}",
                        "ssh" => "--mount=type=ssh",
                        "tmpfs" => "--mount=type=tmpfs,target=${1:/tmp}",
                        _ => continue,
                    };
                    let label = format!("--mount=type={}", t.name);
                    let item =
                        self.push(&label, CompletionItemKind::PROPERTY, range, snippet, true);
                    item.documentation = Some(markdown(t.doc));
                }
                continue;
            }
            if given(spec.name) && spec.name != "exclude" {
                continue;
            }
            let label = format!("--{}", spec.name);
            let (text, snippet) = match spec.name {
                "from" => ("--from=".to_owned(), false),
                "chown" => ("--chown=${1:user}:${2:group}".to_owned(), true),
                "chmod" => ("--chmod=${1:755}".to_owned(), true),
                _ if spec.needs_value => (format!("--{}=", spec.name), false),
                _ => (label.clone(), false),
            };
            let values = spec.needs_value && !snippet;
            let item = self.push(&label, CompletionItemKind::PROPERTY, range, &text, snippet);
            item.documentation = doc;
            if values {
                item.command = Some(retrigger());
            }
        }
    }

    /// Values of `--name=` (the value starts at `value_start`; the cursor is at `off`).
    fn flag_value(
        &mut self,
        index: usize,
        ins: &Instruction,
        name: &str,
        value_start: usize,
        off: usize,
        end: usize,
    ) {
        let text: &str = &self.snap.text;
        let range = TextRange::new(value_start, end);
        match name {
            "from" if ins.kind == InstructionKind::Copy => {
                self.stages(index, range);
                self.image_names(range);
            }
            "mount" if ins.kind == InstructionKind::Run => {
                let spec = &text[value_start..off];
                let seg_start = value_start + spec.rfind(',').map_or(0, |i| i + 1);
                let seg_end = text[off..end].find(',').map_or(end, |i| off + i);
                let segment = &text[seg_start..off];
                // The type this mount has (bind unless said otherwise).
                let whole = &text[value_start..end];
                let mtype = whole
                    .split(',')
                    .find_map(|p| p.strip_prefix("type="))
                    .unwrap_or("bind");
                match segment.split_once('=') {
                    Some((key, _)) => {
                        let range = TextRange::new(seg_start + key.len() + 1, seg_end);
                        if key == "from" {
                            self.stages(index, range);
                            return;
                        }
                        for v in mount_values(key) {
                            self.push(v, CompletionItemKind::VALUE, range, v, false);
                        }
                    }
                    None => {
                        let key_end = text[seg_start..seg_end]
                            .find('=')
                            .map_or(seg_end, |i| seg_start + i);
                        let range = TextRange::new(seg_start, key_end);
                        let keys = docs::MOUNT_TYPES
                            .iter()
                            .find(|t| t.name == mtype)
                            .map_or(&[][..], |t| t.keys);
                        for key in std::iter::once(&("type", "the kind of mount")).chain(keys) {
                            if key.0 == "type" && whole.contains("type=") {
                                continue;
                            }
                            let bare = matches!(key.0, "rw" | "readonly" | "ro" | "required");
                            let new_text = if bare {
                                key.0.to_owned()
                            } else {
                                format!("{}=", key.0)
                            };
                            let item = self.push(
                                key.0,
                                CompletionItemKind::FIELD,
                                range,
                                &new_text,
                                false,
                            );
                            item.detail = Some(key.1.to_owned());
                            if !bare {
                                item.command = Some(retrigger());
                            }
                        }
                    }
                }
            }
            _ => {
                for v in flag_values(ins.kind, name) {
                    self.push(v, CompletionItemKind::VALUE, range, v, false);
                }
            }
        }
    }

    /// Stages defined before the instruction at `index`.
    fn stages(&mut self, index: usize, range: TextRange) {
        let snap = self.snap;
        let current = snap
            .file
            .instructions
            .get(index)
            .and_then(|i| i.stage)
            .unwrap_or(0);
        for stage in &snap.file.stages[..current.min(snap.file.stages.len())] {
            if let Some(name) = &stage.name {
                let item = self.push(
                    &name.value,
                    CompletionItemKind::MODULE,
                    range,
                    &name.value,
                    false,
                );
                item.detail = Some(format!(
                    "stage {}{}",
                    stage.index,
                    stage
                        .base
                        .as_ref()
                        .map(|b| format!(" FROM {}", b.value))
                        .unwrap_or_default()
                ));
            }
        }
    }

    /// Image names of the catalogue, each once.
    fn image_names(&mut self, range: TextRange) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for img in &catalog::catalog().images {
            let short = catalog::short_reference(&format!("{}/{}", img.registry, img.repository));
            *seen.entry(short).or_default() += 1;
        }
        // Official images first, then by name.
        let mut names: Vec<(String, usize)> = seen.into_iter().collect();
        names.sort_by_key(|(n, _)| (n.contains('/'), n.clone()));
        for (name, tags) in names {
            let item = self.push(&name, CompletionItemKind::MODULE, range, &name, false);
            item.detail = Some(format!(
                "{tags} tag{} catalogued",
                if tags == 1 { "" } else { "s" }
            ));
            item.command = Some(retrigger());
        }
    }

    /// A FROM's image word `[word_start, end)` with the cursor at `off`.
    fn images(&mut self, index: usize, word_start: usize, off: usize, end: usize) {
        let text: &str = &self.snap.text;
        let typed = &text[word_start..off];
        if typed.contains('@') || typed.contains('$') {
            return;
        }
        let slash = typed.rfind('/').map_or(0, |i| i + 1);
        if let Some(colon) = typed[slash..].find(':') {
            let name = &typed[..slash + colon];
            let tag_start = word_start + slash + colon + 1;
            let tag_end = text[tag_start..end]
                .find('@')
                .map_or(end, |i| tag_start + i);
            self.tags(name, TextRange::new(tag_start, tag_end));
            return;
        }
        let range = TextRange::new(word_start, end);
        self.stages(index, range);
        let item = self.push(
            "scratch",
            CompletionItemKind::KEYWORD,
            range,
            "scratch",
            false,
        );
        item.detail = Some("an empty image".to_owned());
        self.image_names(range);
    }

    /// Tags of image `name`: the catalogue's, then those in the disk cache.
    fn tags(&mut self, name: &str, range: TextRange) {
        let snap = self.snap;
        let Some(canonical) = catalog::canonical(name) else {
            return;
        };
        let (repo, _, _) = split(&canonical);
        let platform = snap.platform();
        let mut listed: Vec<String> = Vec::new();
        for img in &catalog::catalog().images {
            if format!("{}/{}", img.registry, img.repository) != repo || listed.contains(&img.tag) {
                continue;
            }
            let size = img.compressed_bytes(platform);
            let tag = img.tag.clone();
            let item = self.push(&tag, CompletionItemKind::CONSTANT, range, &tag, false);
            item.detail =
                size.map(|b| format!("{} compressed ({platform})", crate::layers::size::human(b)));
            item.label_details = Some(CompletionItemLabelDetails {
                detail: None,
                description: Some(format!(
                    "{} as of {}",
                    img.variant_kind.as_str(),
                    date(&img.as_of)
                )),
            });
            listed.push(tag);
        }
        for tag in cache_root()
            .map(|root| cached_tags(&root, repo))
            .unwrap_or_default()
        {
            if listed.contains(&tag) {
                continue;
            }
            let info = snap.images.get(&format!("{name}:{tag}"), platform);
            let item = self.push(&tag, CompletionItemKind::CONSTANT, range, &tag, false);
            item.detail = info.map(|i| {
                format!(
                    "{} compressed ({platform})",
                    crate::layers::size::human(i.compressed_total())
                )
            });
            item.label_details = Some(CompletionItemLabelDetails {
                detail: None,
                description: Some("cached".to_owned()),
            });
            listed.push(tag);
        }
    }

    /// Variables in scope at instruction `index`.
    fn variables(&mut self, index: usize, ins: &Instruction, range: TextRange) {
        let snap = self.snap;
        let file = &snap.file;
        // name -> (value, where from)
        let mut vars: BTreeMap<String, (Option<String>, &'static str)> = BTreeMap::new();
        let first_from = file
            .instructions
            .iter()
            .position(|i| i.kind == InstructionKind::From)
            .unwrap_or(file.instructions.len());
        let auto = platform_args(snap.platform());
        let global = |vars: &mut BTreeMap<String, (Option<String>, &'static str)>, upto: usize| {
            for ins in &file.instructions[..upto.min(first_from)] {
                for (name, value) in declared(snap, ins) {
                    vars.insert(name, (value, "global ARG"));
                }
            }
        };
        match ins.stage.filter(|_| ins.kind != InstructionKind::From) {
            None => {
                for (name, value) in &auto {
                    vars.insert(name.clone(), (Some(value.clone()), "automatic ARG"));
                }
                global(&mut vars, index);
            }
            Some(stage_index) => {
                let analysis = snap.analysis();
                if let Some(crate::layers::Base::Stage(parent)) =
                    analysis.stages.get(stage_index).map(|s| &s.base)
                    && let Some(parent) = analysis.stages.get(*parent)
                {
                    for (name, value) in &parent.env {
                        vars.insert(name.clone(), (Some(value.clone()), "inherited ENV"));
                    }
                }
                let globals = &analysis.global_args;
                let Some(stage) = file.stages.get(stage_index) else {
                    return;
                };
                for ins in &file.instructions[stage.instructions.start..index] {
                    let env = ins.kind == InstructionKind::Env;
                    for (name, value) in declared(snap, ins) {
                        let value = value.or_else(|| {
                            globals.get(&name).cloned().flatten().or_else(|| {
                                auto.iter()
                                    .find(|(n, _)| *n == name)
                                    .map(|(_, v)| v.clone())
                            })
                        });
                        vars.insert(name, (value, if env { "ENV" } else { "ARG" }));
                    }
                }
            }
        }
        for (name, (value, origin)) in vars {
            let item = self.push(&name, CompletionItemKind::VARIABLE, range, &name, false);
            item.detail = Some(value.map_or_else(|| "(no value)".to_owned(), |v| format!("= {v}")));
            item.label_details = Some(CompletionItemLabelDetails {
                detail: None,
                description: Some(origin.to_owned()),
            });
        }
    }
}

/// The names an ARG or ENV declares, with their values as written.
fn declared(snap: &Snapshot, ins: &Instruction) -> Vec<(String, Option<String>)> {
    let words = ins.words();
    super::navigation::var_defs(snap, ins)
        .into_iter()
        .map(|d| {
            let value = if d.bare {
                None
            } else if d.env && words.first().is_some_and(|w| !w.value.contains('=')) {
                Some(
                    words[1..]
                        .iter()
                        .map(|w| w.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            } else {
                words
                    .iter()
                    .find(|w| w.range.start == d.range.start)
                    .and_then(|w| w.value.split_once('=').map(|(_, v)| v.to_owned()))
            };
            (d.name, value)
        })
        .collect()
}

/// BuildKit's automatic platform ARGs for `platform`.
fn platform_args(platform: &str) -> Vec<(String, String)> {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or("linux");
    let arch = parts.next().unwrap_or("amd64");
    let variant = parts.next().unwrap_or("");
    let mut out = Vec::new();
    for prefix in ["TARGET", "BUILD"] {
        out.push((format!("{prefix}PLATFORM"), platform.to_owned()));
        out.push((format!("{prefix}OS"), os.to_owned()));
        out.push((format!("{prefix}ARCH"), arch.to_owned()));
        out.push((format!("{prefix}VARIANT"), variant.to_owned()));
    }
    out
}

/// `registry/repository` of a canonical reference.
fn split(canonical: &str) -> (&str, Option<&str>, Option<&str>) {
    let (name_tag, digest) = match canonical.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (canonical, None),
    };
    let slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    match name_tag[slash..].rfind(':') {
        Some(i) => (
            &name_tag[..slash + i],
            Some(&name_tag[slash + i + 1..]),
            digest,
        ),
        None => (name_tag, None, digest),
    }
}

fn date(as_of: &str) -> &str {
    as_of.get(..10).unwrap_or(as_of)
}

/// The registry cache root; never in unit tests, which must not read the user's cache.
fn cache_root() -> Option<std::path::PathBuf> {
    if cfg!(test) {
        return None;
    }
    crate::registry::config::default_cache_dir()
}

/// Tags of `repo` (`registry/repository`) remembered in the disk cache at `root`.
fn cached_tags(root: &Path, repo: &str) -> Vec<String> {
    /// Enough for any real cache; bounds the work on a huge one.
    const MAX_FILES: usize = 10_000;
    let Ok(dir) = std::fs::read_dir(root.join("oci").join("tags")) else {
        return Vec::new();
    };
    let prefix = format!("{repo}:");
    let mut tags: Vec<String> = dir
        .filter_map(Result::ok)
        .take(MAX_FILES)
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            let entry: crate::registry::cache::TagEntry = serde_json::from_slice(&bytes).ok()?;
            entry.reference.strip_prefix(&prefix).map(str::to_owned)
        })
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completions at the `|` in `text`: labels, and the text each edit replaces.
    fn at(text: &str) -> Option<(Vec<String>, Vec<String>)> {
        let off = text.find('|').expect("cursor");
        let text = text.replacen('|', "", 1);
        let snap = Snapshot::for_text(&text);
        let response = completion(&snap, snap.position(off))?;
        let CompletionResponse::Array(items) = response else {
            panic!("array")
        };
        let labels = items.iter().map(|i| i.label.clone()).collect();
        let replaced = items
            .iter()
            .map(|i| match &i.text_edit {
                Some(CompletionTextEdit::Edit(e)) => {
                    snap.text_range(e.range).slice(&snap.text).to_owned()
                }
                _ => panic!("edit"),
            })
            .collect();
        Some((labels, replaced))
    }

    fn labels(text: &str) -> Vec<String> {
        at(text).map(|(l, _)| l).unwrap_or_default()
    }

    #[test]
    fn instructions_at_line_start_and_after_onbuild() {
        let (labels, replaced) = at("FROM a\nRU|\n").expect("items");
        assert_eq!(labels[0], "FROM");
        assert!(labels.contains(&"RUN --mount=type=cache".to_owned()));
        assert!(replaced.iter().all(|r| r == "RU"));
        let (labels, replaced) = at("FROM a\n|").expect("items");
        assert!(labels.contains(&"COPY".to_owned()));
        assert!(replaced.iter().all(String::is_empty));
        let onbuild = labels_of("FROM a\nONBUILD |\n");
        assert!(onbuild.contains(&"RUN".to_owned()));
        assert!(!onbuild.contains(&"FROM".to_owned()) && !onbuild.contains(&"ONBUILD".to_owned()));
        let (_, replaced) = at("FROM a\nONBUILD co|py . .\n").expect("items");
        assert!(replaced.iter().all(|r| r == "copy"));
    }

    fn labels_of(text: &str) -> Vec<String> {
        labels(text)
    }

    #[test]
    fn snippets_are_marked() {
        let text = "FROM a\n";
        let snap = Snapshot::for_text(text);
        let Some(CompletionResponse::Array(items)) = completion(&snap, Position::new(1, 0)) else {
            panic!("items")
        };
        let from = items.iter().find(|i| i.label == "FROM").expect("FROM");
        assert_eq!(from.insert_text_format, Some(InsertTextFormat::SNIPPET));
        let Some(CompletionTextEdit::Edit(edit)) = &from.text_edit else {
            panic!("edit")
        };
        assert_eq!(edit.new_text, "FROM ${1:image} AS ${2:name}");
    }

    #[test]
    fn flags_and_mount_keys() {
        let run = labels("FROM a\nRUN --|\n");
        assert!(run.contains(&"--mount=type=cache".to_owned()));
        assert!(run.contains(&"--network".to_owned()));
        assert!(!run.contains(&"--from".to_owned()));
        let (copy, replaced) = at("FROM a\nCOPY --li| . .\n").expect("items");
        assert!(copy.contains(&"--link".to_owned()) && copy.contains(&"--chmod".to_owned()));
        assert!(replaced.iter().all(|r| r == "--li"));
        // Flags already given are not offered again.
        assert!(!labels("FROM a\nCOPY --link --| . .\n").contains(&"--link".to_owned()));
        // After the first argument there are no flags.
        assert!(at("FROM a\nCOPY . --|\n").is_none());
        let keys = labels("FROM a\nRUN --mount=type=cache,| true\n");
        assert!(keys.contains(&"sharing".to_owned()) && keys.contains(&"target".to_owned()));
        assert!(!keys.contains(&"type".to_owned()));
        let keys = labels("FROM a\nRUN --mount=| true\n");
        assert!(keys.contains(&"type".to_owned()) && keys.contains(&"source".to_owned()));
        let (types, replaced) = at("FROM a\nRUN --mount=type=ca|,target=/x true\n").expect("items");
        assert_eq!(types, ["bind", "cache", "tmpfs", "secret", "ssh"]);
        assert!(replaced.iter().all(|r| r == "ca"));
        let (sharing, replaced) =
            at("FROM a\nRUN --mount=type=cache,sharing=|,target=/x true\n").expect("items");
        assert_eq!(sharing, ["shared", "private", "locked"]);
        assert!(replaced.iter().all(String::is_empty));
        assert_eq!(
            labels("FROM a\nRUN --network=|\n"),
            ["default", "none", "host"]
        );
        // Empty word in the flag area of RUN: flags.
        assert!(labels("FROM a\nRUN |\n").contains(&"--mount=type=secret".to_owned()));
    }

    #[test]
    fn stages_after_from_flags() {
        let text = "FROM a AS build\nFROM b AS test\nCOPY --from=|\nFROM c AS late\n";
        let stages = labels(text);
        // Not the stage the COPY is in, nor later ones.
        assert_eq!(stages[0], "build");
        assert!(!stages.contains(&"test".to_owned()));
        assert!(!stages.contains(&"late".to_owned()));
        assert!(stages.contains(&"python".to_owned()), "images too for COPY");
        let mount = labels("FROM a AS build\nFROM b\nRUN --mount=type=bind,from=b|,target=/x\n");
        assert_eq!(mount, ["build"]);
        let (_, replaced) =
            at("FROM a AS build\nFROM b\nRUN --mount=type=bind,from=b|u,target=/x\n")
                .expect("items");
        assert_eq!(replaced, ["bu"]);
    }

    #[test]
    fn variables_in_scope() {
        let text = "ARG VERSION=3.12\nFROM python:${|\n";
        let vars = labels(text);
        assert!(vars.contains(&"VERSION".to_owned()) && vars.contains(&"TARGETARCH".to_owned()));
        let text = "ARG VERSION=3.12\nFROM a AS base\nENV HOME=/h\nFROM base\nARG VERSION\nENV X=1\nRUN echo $V|\nENV LATER=1\n";
        let (vars, replaced) = at(text).expect("items");
        assert_eq!(vars, ["HOME", "VERSION", "X"]);
        assert!(replaced.iter().all(|r| r == "V"));
        // The value is the detail; a redeclared global shows the global's value.
        let snap = Snapshot::for_text(&text.replacen('|', "", 1));
        let pos = Position::new(6, 11);
        let Some(CompletionResponse::Array(items)) = completion(&snap, pos) else {
            panic!("items")
        };
        let version = items
            .iter()
            .find(|i| i.label == "VERSION")
            .expect("VERSION");
        assert_eq!(version.detail.as_deref(), Some("= 3.12"));
        // Escaped `$` is not a variable.
        assert!(
            at("FROM a\nENV X=1\nRUN echo \\$|\n")
                .is_none_or(|(l, _)| !l.contains(&"X".to_owned()))
        );
    }

    #[test]
    fn images_and_tags() {
        let (images, replaced) = at("FROM py|\n").expect("items");
        assert!(images.contains(&"python".to_owned()));
        assert!(images.contains(&"gcr.io/distroless/static".to_owned()));
        assert!(images.contains(&"scratch".to_owned()));
        assert!(replaced.iter().all(|r| r == "py"));
        let text = "FROM python:3.1|2-slim AS x\n";
        let (tags, replaced) = at(text).expect("tags");
        assert!(tags.contains(&"3.12-slim".to_owned()));
        assert!(replaced.iter().all(|r| r == "3.12-slim"));
        let snap = Snapshot::for_text("FROM python:\n");
        let Some(CompletionResponse::Array(items)) = completion(&snap, Position::new(0, 12)) else {
            panic!("items")
        };
        let slim = items
            .iter()
            .find(|i| i.label == "3.12-slim")
            .expect("3.12-slim");
        assert!(
            slim.detail
                .as_deref()
                .is_some_and(|d| d.contains("MB compressed")),
            "{slim:?}"
        );
        // Stages defined before, as bases.
        assert!(labels("FROM a AS builder\nFROM b|\n").contains(&"builder".to_owned()));
        assert_eq!(labels("FROM python:3.12 |\n"), ["AS"]);
        assert!(at("FROM python:3.12 AS |\n").is_none());
        assert!(at("FROM python:3.12 AS bu|\n").is_none());
    }

    #[test]
    fn nothing_in_comments_heredocs_and_shell_words() {
        assert!(at("# co|mment\nFROM a\n").is_none());
        assert!(at("# syntax=docker/dockerfile:1|\nFROM a\n").is_none());
        assert!(at("FROM a\nRUN <<EOF\nec|ho $\nEOF\n").is_none());
        assert!(at("FROM a\nRUN <<EOF\necho $|\nEOF\n").is_none());
        assert!(at("FROM a\nRUN x \\\n  # in|side\n  y\n").is_none());
        assert!(at("FROM a\nRUN apt-get ins|\n").is_none());
    }

    #[test]
    fn cached_tags_are_read_from_the_cache_layout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tags = dir.path().join("oci").join("tags");
        std::fs::create_dir_all(&tags).expect("mkdir");
        for (file, reference) in [
            ("a.json", "docker.io/library/python:3.13-slim"),
            ("b.json", "docker.io/library/node:22"),
            ("c.json", "docker.io/library/python:3.9"),
        ] {
            let entry = crate::registry::cache::TagEntry {
                reference: reference.to_owned(),
                digest: format!("sha256:{}", "0".repeat(64)),
                media_type: "application/vnd.oci.image.index.v1+json".to_owned(),
                fetched_at: 0,
            };
            std::fs::write(tags.join(file), serde_json::to_vec(&entry).expect("json"))
                .expect("write");
        }
        std::fs::write(tags.join("junk.json"), b"{").expect("write");
        assert_eq!(
            cached_tags(dir.path(), "docker.io/library/python"),
            ["3.13-slim", "3.9"]
        );
    }

    #[test]
    fn utf16_and_crlf_ranges() {
        let text = "FROM a AS é😀\r\nENV ÀB=1\r\nRUN echo 😀 ${";
        let snap = Snapshot::for_text(text);
        // `RUN echo 😀 ${` is 14 UTF-16 units long.
        let Some(CompletionResponse::Array(items)) = completion(&snap, Position::new(2, 14)) else {
            panic!("items")
        };
        let Some(CompletionTextEdit::Edit(edit)) = &items[0].text_edit else {
            panic!("edit")
        };
        assert_eq!(edit.range.start, Position::new(2, 14));
        let (_, replaced) = at("FROM a\r\nRU|N x\r\n").expect("items");
        assert!(replaced.iter().all(|r| r == "RUN"));
    }

    #[test]
    fn no_panic_at_any_position() {
        let texts = [
            "ARG A=1\nFROM python:3.12 AS é😀\r\nONBUILD RUN --mount=type=cache,from=é😀,target=/x echo ${A:-$B} \\\n  # c\n  more\nCOPY --from=0 <<EOF /x\n${A}\nEOF\nFROM --platform=$BUILDPLATFORM python:\n",
            "# escape=`\nFROM a\nRUN echo `$A $\nONBUILD\nONBUILD \nRUN --\nRUN --=\nRUN --mount=,,=\nFROM \nFROM :\nFROM a@\nCOPY --from=",
            "",
            "\u{feff}FROM a\n$\n${\n--\n",
        ];
        for text in texts {
            let snap = Snapshot::for_text(text);
            let lines = text.split('\n').count() as u32;
            for line in 0..=lines {
                for character in 0..=70 {
                    let _ = completion(&snap, Position::new(line, character));
                }
            }
        }
    }
}
