//! Document symbols, folding ranges, go-to-definition, references, rename and links.
//!
//! Stage names and ARG/ENV variables are resolved the way BuildKit scopes them: a stage
//! name refers to an earlier stage (case-insensitively; `--from=0` by index); a variable
//! use refers to the last ARG/ENV of that name earlier in its stage, else to an ENV of the
//! stage it is built `FROM`; a FROM line sees only the global ARGs (before the first
//! FROM), which a stage imports with a bare `ARG NAME`. A global ARG, its bare
//! redeclarations and their uses are one symbol (one build argument); an ENV, or an ARG
//! with its own default, is a symbol of its own.

use std::collections::HashMap;
use std::sync::LazyLock;

use tower_lsp_server::ls_types::{
    DocumentLink, DocumentSymbol, FoldingRange, FoldingRangeKind, Location, Position, Range,
    SymbolKind, TextEdit, Uri, WorkspaceEdit,
};
use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::model::{Arguments, Instruction, InstructionKind};
use crate::registry::catalog;
use crate::text::TextRange;

use super::format::{LineKind, header_lines};
use super::snapshot::Snapshot;

// ---- symbols -----------------------------------------------------------------------------

/// The outline: global ARGs, then each stage with its instructions.
pub fn document_symbols(snap: &Snapshot) -> Vec<DocumentSymbol> {
    let file = &snap.file;
    let mut out = Vec::new();
    for ins in file.global_instructions() {
        if ins.kind != InstructionKind::Arg {
            continue;
        }
        for def in var_defs(snap, ins) {
            let value = ins
                .words()
                .iter()
                .find(|w| w.range.start == def.range.start)
                .and_then(|w| w.value.split_once('=').map(|(_, v)| v.to_owned()));
            out.push(symbol(
                def.name,
                value,
                SymbolKind::VARIABLE,
                snap.range(ins.range),
                snap.range(def.range),
                None,
            ));
        }
    }
    for stage in &file.stages {
        let Some(from) = file.instructions.get(stage.from) else {
            continue;
        };
        let instructions = file.stage_instructions(stage);
        let end = instructions.last().map_or(from.range.end, |i| i.range.end);
        let name = stage
            .name
            .as_ref()
            .map_or_else(|| format!("stage {}", stage.index), |n| n.value.clone());
        let selection = stage.name.as_ref().map_or(from.keyword.range, |n| n.range);
        let children = instructions
            .iter()
            .skip(1)
            .map(|ins| {
                symbol(
                    short_text(ins),
                    None,
                    instruction_symbol_kind(ins.effective().kind),
                    snap.range(ins.range),
                    snap.range(ins.keyword.range),
                    None,
                )
            })
            .collect();
        out.push(symbol(
            name,
            stage.base.as_ref().map(|b| b.value.clone()),
            SymbolKind::CLASS,
            snap.range(TextRange::new(from.range.start, end)),
            snap.range(selection),
            Some(children),
        ));
    }
    out
}

#[expect(deprecated, reason = "`DocumentSymbol::deprecated` must still be set")]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}

fn instruction_symbol_kind(kind: InstructionKind) -> SymbolKind {
    match kind {
        InstructionKind::Arg | InstructionKind::Env => SymbolKind::VARIABLE,
        InstructionKind::Label | InstructionKind::Maintainer => SymbolKind::PROPERTY,
        InstructionKind::Copy | InstructionKind::Add | InstructionKind::Volume => SymbolKind::FILE,
        InstructionKind::Run => SymbolKind::FUNCTION,
        InstructionKind::Cmd | InstructionKind::Entrypoint | InstructionKind::Healthcheck => {
            SymbolKind::METHOD
        }
        InstructionKind::Expose => SymbolKind::NUMBER,
        InstructionKind::Onbuild => SymbolKind::EVENT,
        _ => SymbolKind::KEY,
    }
}

/// `COPY --from=build /app /app`: keyword and arguments on one line, shortened.
fn short_text(ins: &Instruction) -> String {
    const MAX: usize = 60;
    let text = crate::layers::analysis::instruction_text(ins);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > MAX {
        out = out.chars().take(MAX - 1).collect();
        out.push('…');
    }
    if out.is_empty() {
        ins.keyword.value.clone()
    } else {
        out
    }
}

// ---- folding -----------------------------------------------------------------------------

/// `queries/folds.scm`, compiled once, with its capture indices resolved once.
struct FoldQuery {
    query: Query,
    fold: u32,
    comment: u32,
}

static FOLDS: LazyLock<Option<FoldQuery>> = LazyLock::new(|| {
    let source = crate::syntax::tree::QUERIES
        .iter()
        .find(|(name, _)| *name == "folds.scm")?
        .1;
    let query = Query::new(&crate::syntax::tree::language(), source).ok()?;
    Some(FoldQuery {
        fold: query.capture_index_for_name("fold")?,
        comment: query.capture_index_for_name("comment")?,
        query,
    })
});

/// Folds: stages, instructions over several lines, heredoc bodies, runs of comment lines.
pub fn folding_ranges(snap: &Snapshot) -> Vec<FoldingRange> {
    let file = &snap.file;
    let mut spans: Vec<(u32, u32, bool)> = Vec::new();
    let mut comment_lines: Vec<u32> = Vec::new();
    match (snap.tree(), FOLDS.as_ref()) {
        (Some(tree), Some(q)) => {
            let mut cursor = QueryCursor::new();
            let mut captures = cursor.captures(&q.query, tree.root_node(), snap.text.as_bytes());
            while let Some((m, i)) = captures.next() {
                let capture = m.captures[*i];
                let node = capture.node;
                let start = node.start_position().row as u32;
                let end = node.end_position();
                let mut last = end.row as u32;
                if end.column == 0 && last > start {
                    last -= 1;
                }
                if capture.index == q.comment {
                    comment_lines.extend(start..=last);
                } else if capture.index == q.fold {
                    // A heredoc block starts at the end of the line that opens it.
                    spans.push((start, last, false));
                }
            }
        }
        _ => {
            for ins in &file.instructions {
                spans.push((ins.start_line - 1, ins.end_line - 1, false));
                for h in &ins.heredocs {
                    let open = snap.position(h.body.start).line.saturating_sub(1);
                    let close = h.terminator.map_or_else(
                        || snap.position(h.body.end).line,
                        |t| snap.position(t.start).line,
                    );
                    spans.push((open, close, false));
                }
            }
            for c in &file.comments {
                comment_lines.push(snap.position(c.range.start).line);
            }
        }
    }
    for stage in &file.stages {
        let instructions = file.stage_instructions(stage);
        if let (Some(first), Some(last)) = (instructions.first(), instructions.last()) {
            spans.push((first.start_line - 1, last.end_line - 1, false));
        }
    }
    comment_lines.sort_unstable();
    comment_lines.dedup();
    let mut run: Option<(u32, u32)> = None;
    for line in comment_lines.into_iter().map(Some).chain([None]) {
        match (run, line) {
            (Some((a, b)), Some(l)) if l == b + 1 => run = Some((a, l)),
            (prev, next) => {
                if let Some((a, b)) = prev {
                    spans.push((a, b, true));
                }
                run = next.map(|l| (l, l));
            }
        }
    }
    spans.retain(|(a, b, _)| b > a);
    spans.sort_unstable();
    spans.dedup();
    spans
        .into_iter()
        .map(|(start_line, end_line, comment)| FoldingRange {
            start_line,
            start_character: None,
            end_line,
            end_character: None,
            kind: comment.then_some(FoldingRangeKind::Comment),
            collapsed_text: None,
        })
        .collect()
}

// ---- occurrences -------------------------------------------------------------------------

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Symbol {
    /// A stage, by index.
    Stage(usize),
    /// A global ARG (with its bare redeclarations in stages).
    GlobalArg(String),
    /// An ENV, or an ARG with its own default, by the start of its name.
    Var(usize),
    /// A variable with no declaration in the file (`$HOME`, `$TARGETARCH` on FROM).
    Unresolved(String),
}

impl Symbol {
    fn renamable(&self) -> bool {
        !matches!(self, Self::Unresolved(_))
    }

    fn is_stage(&self) -> bool {
        matches!(self, Self::Stage(_))
    }
}

/// One place a stage or variable name is written.
#[derive(Debug, Clone)]
struct Occurrence {
    /// The name (without `$`, `{`).
    range: TextRange,
    symbol: Symbol,
    decl: bool,
    /// Where go-to-definition goes from here.
    target: Option<TextRange>,
    /// `--from=0` refers to a stage but is not renamed with it.
    renamable: bool,
}

/// A variable declaration in an ARG or ENV.
#[derive(Debug, Clone)]
pub(super) struct VarDef {
    pub name: String,
    pub range: TextRange,
    /// ARG without `=default`.
    pub bare: bool,
    pub env: bool,
}

/// The names an ARG or ENV declares.
pub(super) fn var_defs(snap: &Snapshot, ins: &Instruction) -> Vec<VarDef> {
    let env = match ins.kind {
        InstructionKind::Arg => false,
        InstructionKind::Env => true,
        _ => return Vec::new(),
    };
    let words = ins.words();
    let legacy_env = env && words.first().is_some_and(|w| !w.value.contains('='));
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if legacy_env && i > 0 {
            break;
        }
        let (name, bare) = match w.value.split_once('=') {
            Some((name, _)) => (name, false),
            None if env && !legacy_env => continue,
            None => (w.value.as_str(), true),
        };
        let range = TextRange::new(w.range.start, w.range.start + name.len());
        if name.is_empty() || range.slice(&snap.text) != name {
            continue;
        }
        out.push(VarDef {
            name: name.to_owned(),
            range,
            bare,
            env,
        });
    }
    out
}

/// `$NAME` / `${NAME…}` references in `s` (at source offset `base`), with the name's
/// range. With `quotes`, single quotes stop expansion (heredoc bodies have none).
fn scan_uses(
    s: &str,
    base: usize,
    escape: char,
    mut quotes: Option<&mut Quotes>,
    out: &mut Vec<(String, TextRange)>,
) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quotes.as_deref_mut() {
            if q.single {
                if c == b'\'' {
                    q.single = false;
                }
                i += 1;
                continue;
            }
            match c {
                b'\'' if !q.double => q.single = true,
                b'"' => q.double = !q.double,
                _ => {}
            }
        }
        if char::from(c) == escape || c == b'\\' {
            i += 2;
            continue;
        }
        if c == b'$' {
            let mut j = i + 1;
            if bytes.get(j) == Some(&b'{') {
                j += 1;
            }
            let start = j;
            if bytes
                .get(j)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            {
                while bytes
                    .get(j)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    j += 1;
                }
                out.push((
                    s[start..j].to_owned(),
                    TextRange::new(base + start, base + j),
                ));
            }
            i = j;
            continue;
        }
        i += 1;
    }
}

/// Quote state carried across the pieces of a logical line.
#[derive(Debug, Default)]
struct Quotes {
    single: bool,
    double: bool,
}

/// Variable uses of an instruction, in source order.
fn var_uses(snap: &Snapshot, ins: &Instruction) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    let exec_no_shell = matches!(ins.args, Arguments::Exec(_))
        && matches!(
            ins.kind,
            InstructionKind::Run | InstructionKind::Cmd | InstructionKind::Entrypoint
        );
    if matches!(
        ins.kind,
        InstructionKind::Onbuild | InstructionKind::Unknown
    ) {
        return out;
    }
    let text: &str = &snap.text;
    let mut quotes = Quotes::default();
    for line in header_lines(text, ins, snap.file.escape) {
        if !matches!(line.kind, LineKind::First | LineKind::Continuation) {
            continue;
        }
        let mut piece = line.piece;
        if line.kind == LineKind::First {
            piece.start = piece.start.max(ins.keyword.range.end);
        }
        if exec_no_shell {
            // Only the flags of an exec-form RUN expand.
            let flags_end = ins.flags.last().map_or(piece.start, |f| f.range.end);
            piece.end = piece.end.min(flags_end).max(piece.start);
        }
        scan_uses(
            piece.slice(text),
            piece.start,
            snap.file.escape,
            Some(&mut quotes),
            &mut out,
        );
    }
    for h in &ins.heredocs {
        if ins.kind == InstructionKind::Run || h.expand {
            scan_uses(h.body.slice(text), h.body.start, '\\', None, &mut out);
        }
    }
    out
}

/// Every stage and variable name in the file, with what it refers to.
fn occurrences(snap: &Snapshot) -> Vec<Occurrence> {
    let file = &snap.file;
    let text: &str = &snap.text;
    let mut out = Vec::new();

    // Stages.
    let stage_before = |name: &str, before: usize| {
        file.stages[..before.min(file.stages.len())]
            .iter()
            .find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
            })
    };
    let stage_target = |i: usize| {
        file.stages.get(i).map(|s| {
            s.name
                .as_ref()
                .map_or_else(|| file.instructions[s.from].keyword.range, |n| n.range)
        })
    };
    let mut stage_ref = |value: &str, range: TextRange, before: usize, numeric: bool| {
        if range.slice(text) != value {
            return;
        }
        if numeric
            && let Ok(n) = value.parse::<usize>()
            && n < before
        {
            out.push(Occurrence {
                range,
                symbol: Symbol::Stage(n),
                decl: false,
                target: stage_target(n),
                renamable: false,
            });
        } else if let Some(s) = stage_before(value, before) {
            out.push(Occurrence {
                range,
                symbol: Symbol::Stage(s.index),
                decl: false,
                target: stage_target(s.index),
                renamable: true,
            });
        }
    };
    for stage in &file.stages {
        if let Some(base) = &stage.base {
            stage_ref(&base.value, base.range, stage.index, false);
        }
        for ins in file.stage_instructions(stage) {
            if let Some(from) = ins
                .flag("from")
                .filter(|_| ins.kind == InstructionKind::Copy)
                && let Some(v) = &from.value
            {
                stage_ref(&v.value, v.range, stage.index, true);
            }
            if ins.kind != InstructionKind::Run {
                continue;
            }
            for mount in ins.flags.iter().filter(|f| f.name.value == "mount") {
                let Some(v) = &mount.value else { continue };
                if v.range.slice(text) != v.value {
                    continue;
                }
                let mut at = v.range.start;
                for part in v.value.split(',') {
                    if let Some((key, value)) = part.split_once('=')
                        && key.trim().eq_ignore_ascii_case("from")
                    {
                        let start = at + key.len() + 1;
                        stage_ref(
                            value,
                            TextRange::new(start, start + value.len()),
                            stage.index,
                            true,
                        );
                    }
                    at += part.len() + 1;
                }
            }
        }
    }
    for stage in &file.stages {
        if let Some(name) = &stage.name {
            out.push(Occurrence {
                range: name.range,
                symbol: Symbol::Stage(stage.index),
                decl: true,
                target: Some(name.range),
                renamable: true,
            });
        }
    }

    // Variables: declarations per instruction, then uses resolved against them.
    let defs: Vec<Vec<VarDef>> = file
        .instructions
        .iter()
        .map(|ins| var_defs(snap, ins))
        .collect();
    let first_from = file
        .instructions
        .iter()
        .position(|i| i.kind == InstructionKind::From)
        .unwrap_or(file.instructions.len());
    let global_def = |name: &str| {
        defs[..first_from]
            .iter()
            .flatten()
            .rev()
            .find(|d| !d.env && d.name == name)
    };
    let symbol_of = |index: usize, d: &VarDef| -> Symbol {
        if index < first_from || (!d.env && d.bare && global_def(&d.name).is_some()) {
            Symbol::GlobalArg(d.name.clone())
        } else {
            Symbol::Var(d.range.start)
        }
    };
    for (index, ds) in defs.iter().enumerate() {
        for d in ds {
            let symbol = symbol_of(index, d);
            // A bare redeclaration goes to the global it imports.
            let target = match &symbol {
                Symbol::GlobalArg(name) if index >= first_from => global_def(name).map(|g| g.range),
                _ => Some(d.range),
            };
            out.push(Occurrence {
                range: d.range,
                symbol,
                decl: true,
                target,
                renamable: true,
            });
        }
    }
    let analysis = snap.analysis();
    for (index, ins) in file.instructions.iter().enumerate() {
        for (name, range) in var_uses(snap, ins) {
            let found = resolve(
                file,
                &defs,
                analysis,
                first_from,
                index,
                ins,
                &name,
                range.start,
            );
            let (symbol, target) = match found {
                Some((i, d)) => (symbol_of(i, d), Some(d.range)),
                None if ins.kind == InstructionKind::From || index < first_from => {
                    match global_def(&name) {
                        Some(g) => (Symbol::GlobalArg(name.clone()), Some(g.range)),
                        None => (Symbol::Unresolved(name.clone()), None),
                    }
                }
                None => (Symbol::Unresolved(name.clone()), None),
            };
            out.push(Occurrence {
                range,
                symbol,
                decl: false,
                target,
                renamable: true,
            });
        }
    }
    out.sort_by_key(|o| (o.range.start, o.range.end));
    out
}

/// The declaration a use of `name` at `at` in instruction `index` refers to.
#[expect(clippy::too_many_arguments, reason = "one lookup's whole context")]
fn resolve<'d>(
    file: &crate::model::Dockerfile,
    defs: &'d [Vec<VarDef>],
    analysis: &crate::layers::Analysis,
    first_from: usize,
    index: usize,
    ins: &Instruction,
    name: &str,
    at: usize,
) -> Option<(usize, &'d VarDef)> {
    let Some(stage_index) = ins.stage.filter(|_| ins.kind != InstructionKind::From) else {
        // FROM and global ARGs see the global ARGs before them (and earlier names of the
        // same ARG).
        let last = index.min(first_from.checked_sub(1)?);
        return (0..=last).rev().find_map(|i| {
            defs[i]
                .iter()
                .rev()
                .find(|d| !d.env && d.name == name && (i < index || d.range.end <= at))
                .map(|d| (i, d))
        });
    };
    let mut stage = file.stages.get(stage_index)?;
    let mut until = index;
    let mut env_only = false;
    loop {
        let start = stage.instructions.start;
        for i in (start..=until.min(stage.instructions.end.saturating_sub(1))).rev() {
            let same = i == index;
            let found = defs[i].iter().rev().find(|d| {
                d.name == name
                    && (!env_only || d.env)
                    // ENV values see the environment from before the instruction; an ARG's
                    // later names see its earlier ones.
                    && (!same || (!d.env && d.range.end <= at))
            });
            if let Some(d) = found {
                return Some((i, d));
            }
        }
        // Not declared here: the ENV of the stage this one is built from.
        let parent = match analysis.stages.get(stage.index).map(|s| &s.base) {
            Some(crate::layers::Base::Stage(p)) if *p < stage.index => *p,
            _ => return None,
        };
        stage = file.stages.get(parent)?;
        until = stage.instructions.end.saturating_sub(1);
        env_only = true;
    }
}

/// The occurrence under the cursor (its end counts).
fn occurrence_at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    occurrences
        .iter()
        .find(|o| o.range.start <= offset && offset <= o.range.end)
}

/// Where the stage or variable under the cursor is declared.
pub fn definition(snap: &Snapshot, pos: Position) -> Option<Location> {
    let occurrences = occurrences(snap);
    let o = occurrence_at(&occurrences, snap.offset(pos))?;
    o.target.map(|t| snap.location(t))
}

/// Every place the stage or variable under the cursor is written.
pub fn references(snap: &Snapshot, pos: Position, include_declaration: bool) -> Vec<Location> {
    let occurrences = occurrences(snap);
    let Some(o) = occurrence_at(&occurrences, snap.offset(pos)) else {
        return Vec::new();
    };
    occurrences
        .iter()
        .filter(|x| x.symbol == o.symbol && (include_declaration || !x.decl))
        .map(|x| snap.location(x.range))
        .collect()
}

/// The name that a rename at `pos` would change.
pub fn prepare_rename(snap: &Snapshot, pos: Position) -> Option<Range> {
    let occurrences = occurrences(snap);
    let o = occurrence_at(&occurrences, snap.offset(pos))?;
    (o.renamable && o.symbol.renamable()).then(|| snap.range(o.range))
}

fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn valid_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Rename the stage or variable under the cursor everywhere it is written. An invalid
/// new name (or a stage name already taken) is an error with the reason.
pub fn rename(
    snap: &Snapshot,
    pos: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let occurrences = occurrences(snap);
    let Some(o) = occurrence_at(&occurrences, snap.offset(pos)) else {
        return Ok(None);
    };
    if !o.renamable || !o.symbol.renamable() {
        return Ok(None);
    }
    if o.symbol.is_stage() {
        if !valid_stage_name(new_name) {
            return Err(format!(
                "`{new_name}` is not a valid stage name: use a letter, then letters, digits, `-`, `_` or `.`"
            ));
        }
        let Symbol::Stage(index) = o.symbol else {
            return Ok(None);
        };
        if snap.file.stages.iter().any(|s| {
            s.index != index
                && s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(new_name))
        }) {
            return Err(format!("a stage named `{new_name}` already exists"));
        }
    } else if !valid_var_name(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid variable name: use a letter or `_`, then letters, digits or `_`"
        ));
    }
    let edits: Vec<TextEdit> = occurrences
        .iter()
        .filter(|x| x.symbol == o.symbol && x.renamable)
        .map(|x| TextEdit::new(snap.range(x.range), new_name.to_owned()))
        .collect();
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    changes.insert(snap.uri.clone(), edits);
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}

// ---- links -------------------------------------------------------------------------------

/// Links from FROM image references to their registry pages.
pub fn document_links(snap: &Snapshot) -> Vec<DocumentLink> {
    let file = &snap.file;
    let analysis = snap.analysis();
    let mut out = Vec::new();
    for stage in &file.stages {
        let Some(base) = &stage.base else { continue };
        if base.range.slice(&snap.text) != base.value {
            continue;
        }
        let Some(crate::layers::Base::Image(image)) =
            analysis.stages.get(stage.index).map(|s| &s.base)
        else {
            continue;
        };
        let Some((url, name, registry)) = registry_page(image) else {
            continue;
        };
        let Ok(target) = url.parse::<Uri>() else {
            continue;
        };
        out.push(DocumentLink {
            range: snap.range(base.range),
            target: Some(target),
            tooltip: Some(format!("Open {name} on {registry}")),
            data: None,
        });
    }
    out
}

/// The web page of an image's repository: `(url, short name, registry)`.
fn registry_page(image: &str) -> Option<(String, String, &'static str)> {
    let canonical = catalog::canonical(image)?;
    let repository = match canonical.split_once('@') {
        Some((r, _)) => r,
        None => canonical.as_str(),
    };
    let slash = repository.rfind('/').map_or(0, |i| i + 1);
    let repository = match repository[slash..].rfind(':') {
        Some(i) => &repository[..slash + i],
        None => repository,
    };
    let (registry, path) = repository.split_once('/')?;
    let short = catalog::short_reference(repository);
    let page = match registry {
        "docker.io" => match path.strip_prefix("library/") {
            Some(name) => (format!("https://hub.docker.com/_/{name}"), "Docker Hub"),
            None => (format!("https://hub.docker.com/r/{path}"), "Docker Hub"),
        },
        "ghcr.io" => (
            format!("https://ghcr.io/{path}"),
            "GitHub Container Registry",
        ),
        "quay.io" => (format!("https://quay.io/repository/{path}"), "Quay.io"),
        "mcr.microsoft.com" => (
            format!("https://mcr.microsoft.com/artifact/mar/{path}"),
            "Microsoft Artifact Registry",
        ),
        "gcr.io" => {
            let (project, rest) = path.split_once('/')?;
            (
                format!("https://console.cloud.google.com/gcr/images/{project}/global/{rest}"),
                "Google Container Registry",
            )
        }
        "public.ecr.aws" => (
            format!("https://gallery.ecr.aws/{path}"),
            "Amazon ECR Public",
        ),
        _ => return None,
    };
    Some((page.0, short, page.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The position of the `n`th (0-based) occurrence of `needle`, `delta` bytes in.
    fn pos(snap: &Snapshot, needle: &str, n: usize, delta: usize) -> Position {
        let at = snap
            .text
            .match_indices(needle)
            .nth(n)
            .map(|(i, _)| i)
            .expect("needle");
        snap.position(at + delta)
    }

    fn texts(snap: &Snapshot, locations: &[Location]) -> Vec<(u32, String)> {
        locations
            .iter()
            .map(|l| {
                let r = snap.text_range(l.range);
                (l.range.start.line, r.slice(&snap.text).to_owned())
            })
            .collect()
    }

    const STAGES: &str = "FROM golang:1.22 AS Build\nRUN go build\nFROM build AS test\nRUN --mount=type=bind,from=BUILD,target=/x true\nFROM alpine\nCOPY --from=build /app /app\nCOPY --from=0 /x /y\nCOPY --from=later /x /y\nFROM scratch AS later\n";

    #[test]
    fn stage_definition_references_and_rename() {
        let snap = Snapshot::for_text(STAGES);
        let def = definition(&snap, pos(&snap, "build /app", 0, 2)).expect("definition");
        assert_eq!(def.range.start, Position::new(0, 20));
        let def = definition(&snap, pos(&snap, "--from=0", 0, 7)).expect("numeric");
        assert_eq!(def.range.start, Position::new(0, 20));
        let refs = references(&snap, pos(&snap, "Build", 0, 0), true);
        assert_eq!(
            texts(&snap, &refs),
            [
                (0, "Build".into()),
                (2, "build".into()),
                (3, "BUILD".into()),
                (5, "build".into()),
                (6, "0".into())
            ]
        );
        let without = references(&snap, pos(&snap, "Build", 0, 0), false);
        assert_eq!(without.len(), 4);
        // `--from=later` names a stage defined after it: an image, not the stage.
        assert!(definition(&snap, pos(&snap, "later /x", 0, 1)).is_none());
        assert_eq!(
            prepare_rename(&snap, pos(&snap, "BUILD", 0, 1)),
            Some(Range::new(Position::new(3, 27), Position::new(3, 32)))
        );
        assert_eq!(prepare_rename(&snap, pos(&snap, "--from=0", 0, 7)), None);
        let edit = rename(&snap, pos(&snap, "build /app", 0, 0), "builder")
            .expect("valid")
            .expect("edit");
        let edits = &edit.changes.expect("changes")[&snap.uri];
        assert_eq!(edits.len(), 4);
        assert!(rename(&snap, pos(&snap, "Build", 0, 0), "1abc").is_err());
        assert!(rename(&snap, pos(&snap, "Build", 0, 0), "Later").is_err());
    }

    const VARS: &str = "ARG VERSION=3.12\nARG BASE=python\nFROM ${BASE}:${VERSION}-slim AS app\nARG VERSION\nENV APP=/app \\\n    HOME=$APP/home\nRUN echo $VERSION ${APP:-x} '$APP' \\$APP\nRUN <<EOF\necho $HOME\nEOF\nCOPY <<'EOF' /x\n$APP\nEOF\nFROM app\nRUN echo $APP $VERSION\nARG VERSION=1\nRUN echo $VERSION\n";

    #[test]
    fn variable_scopes() {
        let snap = Snapshot::for_text(VARS);
        // FROM sees the global ARG.
        let d = definition(&snap, pos(&snap, "VERSION}", 0, 0)).expect("global");
        assert_eq!(d.range.start, Position::new(0, 4));
        // A use after the bare redeclaration goes to the redeclaration…
        let d = definition(&snap, pos(&snap, "$VERSION ", 0, 1)).expect("in stage");
        assert_eq!(d.range.start, Position::new(3, 4));
        // …which goes to the global.
        let d = definition(&snap, Position::new(3, 5)).expect("redeclaration");
        assert_eq!(d.range.start, Position::new(0, 4));
        // ENV of the parent stage.
        let d = definition(&snap, pos(&snap, "$APP $VERSION", 0, 1)).expect("inherited env");
        assert_eq!(d.range.start, Position::new(4, 4));
        // ARG is not inherited; the later ARG with a default is its own symbol.
        assert!(definition(&snap, pos(&snap, "$VERSION\nARG", 0, 1)).is_none());
        let d = definition(&snap, pos(&snap, "$VERSION\n", 1, 1)).expect("local arg");
        assert_eq!(d.range.start, Position::new(15, 4));
        // Heredoc of a RUN expands; a quoted COPY heredoc does not.
        let d = definition(&snap, pos(&snap, "$HOME", 0, 1)).expect("heredoc use");
        assert_eq!(d.range.start, Position::new(5, 4));
        let refs = references(&snap, Position::new(4, 5), true);
        assert_eq!(
            texts(&snap, &refs),
            [(4, "APP".into()), (6, "APP".into()), (14, "APP".into())]
        );
        let refs = references(&snap, Position::new(0, 5), true);
        assert_eq!(
            refs.iter().map(|l| l.range.start.line).collect::<Vec<_>>(),
            [0, 2, 3, 6]
        );
        let edit = rename(&snap, Position::new(0, 5), "PY_VERSION")
            .expect("valid")
            .expect("edit");
        assert_eq!(edit.changes.expect("changes")[&snap.uri].len(), 4);
        assert!(rename(&snap, Position::new(0, 5), "1X").is_err());
        assert!(rename(&snap, Position::new(0, 5), "A-B").is_err());
        assert!(prepare_rename(&snap, pos(&snap, "$HOME", 0, 2)).is_some());
    }

    #[test]
    fn unresolved_variables_cannot_be_renamed() {
        let snap = Snapshot::for_text("FROM --platform=$BUILDPLATFORM a\nRUN echo $PATH\n");
        let p = pos(&snap, "PATH", 0, 1);
        assert!(definition(&snap, p).is_none());
        assert!(prepare_rename(&snap, p).is_none());
        assert_eq!(rename(&snap, p, "X"), Ok(None));
        assert_eq!(references(&snap, p, true).len(), 1);
    }

    #[test]
    fn symbols_outline_stages() {
        let snap = Snapshot::for_text(
            "ARG V=1\nFROM python:3.12 AS build\nRUN pip install \\\n    x\nFROM build\nCOPY --from=build /a /b\n",
        );
        let symbols = document_symbols(&snap);
        let summary: Vec<_> = symbols
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.detail.clone(),
                    s.range.start.line,
                    s.range.end.line,
                    s.children
                        .iter()
                        .flatten()
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        insta::assert_debug_snapshot!(summary, @r#"
        [
            (
                "V",
                Some(
                    "1",
                ),
                0,
                0,
                [],
            ),
            (
                "build",
                Some(
                    "python:3.12",
                ),
                1,
                3,
                [
                    "RUN pip install x",
                ],
            ),
            (
                "stage 1",
                Some(
                    "build",
                ),
                4,
                5,
                [
                    "COPY --from=build /a /b",
                ],
            ),
        ]
        "#);
    }

    #[test]
    fn folds() {
        let text =
            "# a\n# b\nFROM a AS x\nRUN a \\\n  b\nCOPY <<EOF /x\none\ntwo\nEOF\n\nFROM b\nRUN y\n";
        let snap = Snapshot::for_text(text);
        let folds: Vec<_> = folding_ranges(&snap)
            .iter()
            .map(|f| (f.start_line, f.end_line, f.kind.is_some()))
            .collect();
        assert_eq!(
            folds,
            [
                (0, 1, true),
                (2, 8, false),
                (3, 4, false),
                (5, 8, false),
                (10, 11, false)
            ]
        );
        // The same without a tree, from the model.
        let mut no_tree = Snapshot::for_text(text);
        no_tree.set_tree(None);
        let model: Vec<_> = folding_ranges(&no_tree)
            .iter()
            .map(|f| (f.start_line, f.end_line, f.kind.is_some()))
            .collect();
        assert_eq!(model, folds);
        let text = "FROM a\nCOPY <<A <<B /x/\n1\nA\n2\n3\nB\n";
        for tree in [true, false] {
            let mut snap = Snapshot::for_text(text);
            if !tree {
                snap.set_tree(None);
            }
            let folds: Vec<_> = folding_ranges(&snap)
                .iter()
                .map(|f| (f.start_line, f.end_line))
                .collect();
            assert_eq!(folds, [(0, 6), (1, 3), (1, 6), (3, 6)], "tree: {tree}");
        }
    }

    #[test]
    fn links_to_registries() {
        let snap = Snapshot::for_text(
            "ARG V=3.12\nFROM python:${V}-slim AS a\nFROM ghcr.io/org/app:1\nFROM quay.io/x/y@sha256:abc\nFROM mcr.microsoft.com/dotnet/sdk:8.0\nFROM gcr.io/distroless/static\nFROM bitnami/redis\nFROM a\nFROM scratch\nFROM example.com:5000/x\nFROM ${NOPE}\n",
        );
        let links: Vec<_> = document_links(&snap)
            .iter()
            .map(|l| {
                (
                    l.range.start.line,
                    l.target.as_ref().map(|t| t.as_str().to_owned()),
                    l.tooltip.clone(),
                )
            })
            .collect();
        insta::assert_debug_snapshot!(links);
    }

    const TRICKY: &[&str] = &[
        STAGES,
        VARS,
        "ARG é=1\nFROM a AS ü\r\nRUN echo ${é} $ü 😀 ${X:-${Y}} $\r\nCOPY --from=ü <<EOF /x\r\n${",
        "# escape=`\nFROM a AS b\nRUN --mount=from=b,target=/x echo `$A $\nENV A=1 `\n  B=$A\n",
        "FROM a AS b\nONBUILD COPY --from=b . .\nRUN --mount=from= x\nCOPY --from= x\nFROM\nARG\nENV\n",
    ];

    #[test]
    fn no_panic_anywhere() {
        for text in TRICKY {
            let snap = Snapshot::for_text(text);
            let _ = document_symbols(&snap);
            let _ = folding_ranges(&snap);
            let _ = document_links(&snap);
            let lines = text.split('\n').count() as u32;
            for line in 0..=lines {
                for character in 0..=40 {
                    let p = Position::new(line, character);
                    let _ = definition(&snap, p);
                    let _ = references(&snap, p, true);
                    let _ = prepare_rename(&snap, p);
                    let _ = rename(&snap, p, "x_1");
                }
            }
        }
    }

    #[test]
    fn utf16_ranges() {
        let snap = Snapshot::for_text("FROM a AS b\nARG Ü=1 X=2\nRUN echo 😀 $X é\n");
        let refs = references(&snap, Position::new(2, 13), true);
        // `😀` is two UTF-16 units; `Ü` is one.
        assert_eq!(
            refs.iter().map(|l| l.range).collect::<Vec<_>>(),
            [
                Range::new(Position::new(1, 8), Position::new(1, 9)),
                Range::new(Position::new(2, 13), Position::new(2, 14))
            ]
        );
    }
}
