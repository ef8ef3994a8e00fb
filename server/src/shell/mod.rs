//! RUN bodies as shell, parsed with tree-sitter-bash: the simple commands of a script,
//! their words (with exact Dockerfile ranges), environment prefixes, and the operators
//! (`&&`, `||`, `;`, `|`, `&`) that chain them. A plain list of simple commands, the
//! most common RUN body, takes a hand-written fast path ([`simple`]) that gives the same
//! commands as the tree-sitter walk (checked in debug builds and by a randomized test).
//!
//! BuildKit hands a shell-form RUN's logical line (continuations joined) to `/bin/sh -c`;
//! that is the text parsed here. A heredoc RUN runs its body: `RUN <<EOF` (or `RUN bash
//! <<EOF`) is parsed as the body itself, and other heredoc RUNs as the line followed by
//! their bodies, as a shell would read them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use tree_sitter::{Node, Parser, TreeCursor};

pub(crate) mod calls;
mod simple;

use crate::model::{Arguments, Instruction, InstructionKind, SourceMap};
use crate::text::TextRange;

/// How a command is joined to the one after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or a newline
    Seq,
    /// `|` or `|&`
    Pipe,
    /// `&`
    Background,
}

/// A shell word: its text with one level of quotes and escapes removed (expansions kept
/// as written), and its range in the Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub range: TextRange,
}

/// One simple command (`apt-get install -y curl`) or declaration (`export A=1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command name; `None` for a bare assignment (`A=1`).
    pub name: Option<Word>,
    pub args: Vec<Word>,
    /// `VAR=value` prefixes.
    pub env: Vec<Word>,
    /// Redirection targets (`> /dev/null` gives `/dev/null`).
    pub redirects: Vec<Word>,
    pub range: TextRange,
    /// The operator after this command, `None` for the last one.
    pub next: Option<Operator>,
    /// Nesting depth in subshells, command substitutions, functions and compound commands.
    pub depth: u32,
}

impl Command {
    /// The command name without a leading path (`/usr/bin/apt-get` → `apt-get`).
    pub fn program(&self) -> Option<&str> {
        self.name.as_ref().map(|w| calls::base_name(&w.value))
    }

    /// Argument values.
    pub fn arg_values(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|w| w.value.as_str())
    }
}

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellScript {
    /// Simple commands in source order.
    pub commands: Vec<Command>,
    /// The text that was parsed.
    pub text: String,
    /// True when tree-sitter-bash found a syntax error.
    pub has_error: bool,
    /// The program calls of the commands, worked out on first use.
    pub(crate) calls: calls::Cache,
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Scripts already parsed, by their text, with ranges relative to the text. RUN bodies
/// repeat (the same `apt-get update && …` across a repository's Dockerfiles, and every
/// unchanged RUN each time an editor re-lints a file), and tree-sitter-bash is the most
/// expensive step of a lint, so each distinct text is parsed once per process.
struct ScriptCache {
    entries: HashMap<String, Arc<(Vec<Command>, bool)>, rustc_hash::FxBuildHasher>,
    bytes: usize,
}

/// Bound on the cached script text; the cache is emptied when it is exceeded.
const CACHE_BYTES: usize = 16 << 20;

static CACHE: LazyLock<Mutex<ScriptCache>> = LazyLock::new(|| {
    Mutex::new(ScriptCache {
        entries: HashMap::default(),
        bytes: 0,
    })
});

/// Forget every cached script (benchmarks use it to measure a cold process).
pub fn clear_cache() {
    if let Ok(mut cache) = CACHE.lock() {
        cache.entries.clear();
        cache.bytes = 0;
    }
}

/// Parse `text` as a shell script; ranges are mapped to the source with `map`.
pub fn parse(text: &str, map: &SourceMap) -> ShellScript {
    let cached = CACHE.lock().ok().and_then(|c| c.entries.get(text).cloned());
    let parsed = cached.unwrap_or_else(|| {
        let parsed = Arc::new(parse_uncached(text));
        if let Ok(mut cache) = CACHE.lock() {
            if cache.bytes + text.len() > CACHE_BYTES {
                cache.entries.clear();
                cache.bytes = 0;
            }
            cache.bytes += text.len();
            cache.entries.insert(text.to_owned(), Arc::clone(&parsed));
        }
        parsed
    });
    let remap = |w: &Word| Word {
        value: w.value.clone(),
        range: map.range(w.range),
    };
    let commands = parsed
        .0
        .iter()
        .map(|c| Command {
            name: c.name.as_ref().map(remap),
            args: c.args.iter().map(remap).collect(),
            env: c.env.iter().map(remap).collect(),
            redirects: c.redirects.iter().map(remap).collect(),
            range: map.range(c.range),
            next: c.next,
            depth: c.depth,
        })
        .collect();
    ShellScript {
        commands,
        text: text.to_owned(),
        has_error: parsed.1,
        calls: calls::Cache::default(),
    }
}

/// Parse `text`; ranges relative to it. A simple list of commands takes the fast path,
/// checked against tree-sitter in debug builds; anything else goes to tree-sitter.
fn parse_uncached(text: &str) -> (Vec<Command>, bool) {
    if let Some(commands) = simple::parse(text) {
        #[cfg(debug_assertions)]
        {
            let reference = parse_with_tree_sitter(text);
            assert_eq!(
                (&commands, false),
                (&reference.0, reference.1),
                "the fast path and tree-sitter-bash disagree on {text:?}"
            );
        }
        return (commands, false);
    }
    parse_with_tree_sitter(text)
}

/// Parse with tree-sitter-bash; ranges relative to `text`.
fn parse_with_tree_sitter(text: &str) -> (Vec<Command>, bool) {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
            *slot = Some(p);
        }
        slot.as_mut()?.parse(text, None)
    });
    let Some(tree) = tree else {
        return (Vec::new(), true);
    };
    let root = tree.root_node();
    let mut w = Walker {
        text,
        out: Vec::new(),
        grammar: &GRAMMAR,
        levels: 0,
        truncated: false,
    };
    w.walk(&mut root.walk(), 0);
    // A script read in part is reported as one with an error.
    (w.out, root.has_error() || w.truncated)
}

/// What the walker does with a node, by the kind of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Program,
    Command,
    CommandName,
    /// `declaration_command`, `unset_command`
    Declaration,
    VariableAssignment,
    /// `file_redirect`, `heredoc_redirect`, `herestring_redirect`
    Redirect,
    /// A statement with redirections after it (`cmd args > file`).
    RedirectedStatement,
    /// `a && b`, `a | b`: walked as any other node.
    List,
    Comment,
    Operator(Operator),
    /// A construct whose commands nest one level deeper (subshell, `$(…)`, `if`, …).
    Nesting,
    /// `compound_statement`, `do_group`, `subshell`: nesting, and newlines in them are
    /// sequences.
    Group,
    Other,
}

/// The walker's view of tree-sitter-bash: each node kind id classified once (by name, so
/// aliases of a name share its class), and the field ids it asks for.
struct Grammar {
    kinds: Vec<Kind>,
    name_field: Option<std::num::NonZeroU16>,
    destination_field: Option<std::num::NonZeroU16>,
    body_field: Option<std::num::NonZeroU16>,
    redirect_field: Option<std::num::NonZeroU16>,
}

static GRAMMAR: LazyLock<Grammar> = LazyLock::new(|| {
    let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
    let kinds = (0..language.node_kind_count())
        .map(|id| {
            let name = u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .unwrap_or("");
            match name {
                "program" => Kind::Program,
                "command" => Kind::Command,
                "command_name" => Kind::CommandName,
                "declaration_command" | "unset_command" => Kind::Declaration,
                "variable_assignment" => Kind::VariableAssignment,
                "file_redirect" | "heredoc_redirect" | "herestring_redirect" => Kind::Redirect,
                "redirected_statement" => Kind::RedirectedStatement,
                "list" | "pipeline" => Kind::List,
                "comment" => Kind::Comment,
                "&&" => Kind::Operator(Operator::And),
                "||" => Kind::Operator(Operator::Or),
                "|" | "|&" => Kind::Operator(Operator::Pipe),
                "&" => Kind::Operator(Operator::Background),
                ";" | ";;" => Kind::Operator(Operator::Seq),
                "compound_statement" | "do_group" | "subshell" => Kind::Group,
                "command_substitution"
                | "function_definition"
                | "process_substitution"
                | "if_statement"
                | "while_statement"
                | "for_statement"
                | "c_style_for_statement"
                | "case_statement"
                | "elif_clause"
                | "else_clause"
                | "case_item" => Kind::Nesting,
                _ => Kind::Other,
            }
        })
        .collect();
    Grammar {
        kinds,
        name_field: language.field_id_for_name("name"),
        destination_field: language.field_id_for_name("destination"),
        body_field: language.field_id_for_name("body"),
        redirect_field: language.field_id_for_name("redirect"),
    }
});

impl Grammar {
    fn kind(&self, node: Node) -> Kind {
        self.kinds
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(Kind::Other)
    }
}

/// Collects the commands of a tree. Every method takes the cursor on the node it handles
/// and leaves it there.
struct Walker<'a> {
    text: &'a str,
    out: Vec<Command>,
    grammar: &'a Grammar,
    /// How many walks are under way (the depth of the recursion), and whether a part of
    /// the tree was left unread because it nests deeper than [`MAX_LEVELS`].
    levels: u32,
    truncated: bool,
}

/// How deep the walk follows the tree: nesting is a recursion, and a RUN of ten thousand
/// nested `$(…)` must not overflow a thread's stack. Real scripts nest a few levels.
const MAX_LEVELS: u32 = 400;

impl Walker<'_> {
    fn range(n: Node) -> TextRange {
        TextRange::new(n.start_byte(), n.end_byte())
    }

    fn word(&self, n: Node) -> Word {
        Word {
            value: unquote(&self.text[n.byte_range()]),
            range: Self::range(n),
        }
    }

    fn walk(&mut self, cursor: &mut TreeCursor, depth: u32) {
        if self.levels >= MAX_LEVELS {
            self.truncated = true;
            return;
        }
        self.levels += 1;
        self.walk_children(cursor, depth);
        self.levels -= 1;
    }

    fn walk_children(&mut self, cursor: &mut TreeCursor, depth: u32) {
        let node = cursor.node();
        let kind = self.grammar.kind(node);
        let mut previous: Option<Node> = None;
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                match self.grammar.kind(child) {
                    Kind::Command => self.command(cursor, depth),
                    Kind::Declaration => self.declaration(cursor, depth),
                    Kind::VariableAssignment if kind != Kind::Command => {
                        let range = Self::range(child);
                        self.out.push(Command {
                            name: None,
                            args: vec![],
                            env: vec![self.word(child)],
                            redirects: vec![],
                            range,
                            next: None,
                            depth,
                        });
                        // `X=$(a | b)` runs commands too.
                        self.walk(cursor, depth + 1);
                    }
                    Kind::Operator(op) => self.join(previous, op, depth),
                    Kind::RedirectedStatement => {
                        self.walk(cursor, depth);
                        self.attach_redirects(child, depth);
                    }
                    Kind::Nesting | Kind::Group => self.walk(cursor, depth + 1),
                    _ => self.walk(cursor, depth),
                }
                if !child.is_extra() {
                    previous = Some(child);
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        // A newline between statements is a sequence.
        if matches!(kind, Kind::Program | Kind::Group) {
            self.fill_newline_ops();
        }
    }
    /// Record `op` as the operator after the command it follows: the last of the outermost
    /// commands of `left`, the operand before it (`a $(b) && c` joins `a`, not `b`). When
    /// that command sits in a group (`{ a; b; } | c`), the `;` that closed the group gives
    /// way to the operator that joins the group.
    fn join(&mut self, left: Option<Node>, op: Operator, depth: u32) {
        let (start, end) = left.map_or((0, usize::MAX), |n| (n.start_byte(), n.end_byte()));
        // Commands are in source order: those of `left` are at the end. Scanning back stops
        // at the first one at this level, so a long chain costs one step per operator.
        let mut target: Option<usize> = None;
        for i in (0..self.out.len()).rev() {
            let c = &self.out[i];
            if c.range.start < start {
                break;
            }
            if c.range.end > end {
                continue;
            }
            if target.is_none_or(|t| c.depth < self.out[t].depth) {
                target = Some(i);
            }
            if c.depth <= depth {
                break;
            }
        }
        if let Some(last) = target.map(|t| &mut self.out[t])
            && (last.next.is_none() || last.depth > depth)
        {
            last.next = Some(op);
        }
    }

    /// Commands followed by another one on a later line without an operator: `;`.
    fn fill_newline_ops(&mut self) {
        let n = self.out.len();
        for i in 0..n.saturating_sub(1) {
            if self.out[i].next.is_none() {
                self.out[i].next = Some(Operator::Seq);
            }
        }
    }

    fn command(&mut self, cursor: &mut TreeCursor, depth: u32) {
        let node = cursor.node();
        let mut name = None;
        let mut args = Vec::new();
        let mut env = Vec::new();
        let mut redirects = Vec::new();
        let mut name_field = false;
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                match self.grammar.kind(child) {
                    Kind::CommandName => name = Some(self.word(child)),
                    Kind::VariableAssignment => env.push(self.word(child)),
                    Kind::Redirect => self.redirect(child, &mut redirects, &mut args),
                    Kind::Comment => {}
                    _ if child.is_named() => {
                        args.push(self.word(child));
                        // Commands inside `$(...)` arguments count too.
                        if child.child_count() > 0 {
                            self.walk(cursor, depth + 1);
                        }
                    }
                    _ => {}
                }
                // Commands inside a `$(...)` name too (`$(which pip) install x`).
                if !name_field
                    && cursor.field_id().is_some()
                    && cursor.field_id() == self.grammar.name_field
                {
                    name_field = true;
                    if child.child_count() > 0 {
                        self.walk(cursor, depth + 1);
                    }
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        let range = Self::range(node);
        self.insert_in_order(Command {
            name,
            args,
            env,
            redirects,
            range,
            next: None,
            depth,
        });
    }

    fn declaration(&mut self, cursor: &mut TreeCursor, depth: u32) {
        let node = cursor.node();
        let mut name = None;
        let mut args = Vec::new();
        if cursor.goto_first_child() {
            let mut first = true;
            loop {
                let child = cursor.node();
                if std::mem::take(&mut first) {
                    name = Some(self.word(child));
                } else if self.grammar.kind(child) != Kind::Comment {
                    args.push(self.word(child));
                    // `export X=$(a | b)` runs commands too.
                    if child.child_count() > 0 {
                        self.walk(cursor, depth + 1);
                    }
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        let range = Self::range(node);
        self.insert_in_order(Command {
            name,
            args,
            env: vec![],
            redirects: vec![],
            range,
            next: None,
            depth,
        });
    }

    /// The target of a redirection (`> file`: `file`), except a descriptor duplicated
    /// (`2>&1`), into `redirects`; words after the target are arguments of the command, as
    /// the shell reads them (`cmd > file arg`).
    fn redirect(&self, node: Node, redirects: &mut Vec<Word>, args: &mut Vec<Word>) {
        let Some(field) = self.grammar.destination_field else {
            return;
        };
        // One pass: the operator comes before the targets.
        let mut duplicate = false;
        let mut targets = 0;
        let mut cursor = node.walk();
        let mut more = cursor.goto_first_child();
        while more {
            let child = cursor.node();
            if cursor.field_id() == Some(field) {
                match targets {
                    0 if duplicate => {}
                    0 => redirects.push(self.word(child)),
                    _ => args.push(self.word(child)),
                }
                targets += 1;
            } else if matches!(child.kind(), ">&" | "<&" | ">&-" | "<&-") {
                duplicate = true;
            }
            more = cursor.goto_next_sibling();
        }
    }

    /// The redirections after a command (`cmd args > file`) belong to it: tree-sitter-bash
    /// puts them beside the command (or the list it ends), in a `redirected_statement`.
    fn attach_redirects(&mut self, node: Node, depth: u32) {
        let (Some(body), Some(field)) = (
            self.grammar
                .body_field
                .and_then(|f| node.child_by_field_id(f.get())),
            self.grammar.redirect_field,
        ) else {
            return;
        };
        // tree-sitter-bash puts `a && b > f` and `a | b > f` in one redirected statement;
        // the shell redirects the last command, `b`.
        let mut target = body;
        while self.grammar.kind(target) == Kind::List {
            let Some(last) = target.named_child(
                u32::try_from(target.named_child_count().saturating_sub(1)).unwrap_or(0),
            ) else {
                return;
            };
            target = last;
        }
        if self.grammar.kind(target) != Kind::Command {
            return;
        }
        let range = Self::range(target);
        let Some(at) = self
            .out
            .iter()
            .rposition(|c| c.range == range && c.depth == depth)
        else {
            return;
        };
        let mut redirects = Vec::new();
        let mut args = Vec::new();
        let mut cursor = node.walk();
        for redirect in node.children_by_field_id(field, &mut cursor) {
            if self.grammar.kind(redirect) == Kind::Redirect {
                self.redirect(redirect, &mut redirects, &mut args);
            }
        }
        let command = &mut self.out[at];
        command.redirects.extend(redirects);
        command.args.extend(args);
    }

    /// Add `command` after the commands that start before it: the commands nested in its
    /// words were found first.
    fn insert_in_order(&mut self, command: Command) {
        let at = self
            .out
            .iter()
            .rposition(|c| c.range.start < command.range.start)
            .map_or(0, |i| i + 1);
        self.out.insert(at, command);
    }
}

/// Remove one level of shell quoting: `'a b'` → `a b`, `"x$Y"` → `x$Y`, `a\ b` → `a b`.
pub fn unquote(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => out.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                out.push('\\');
                                out.push(n);
                            }
                            None => out.push('\\'),
                        },
                        c => out.push(c),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => out.push(n),
            },
            c => out.push(c),
        }
    }
    out
}

/// Shells whose stdin script a `RUN sh <<EOF` runs.
fn is_shell(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "busybox"
    )
}

/// The script a RUN (or ONBUILD RUN) executes, with its map to the source.
fn run_script(ins: &Instruction) -> Option<(String, SourceMap)> {
    let Arguments::Shell(form) = &ins.args else {
        return None;
    };
    if ins.heredocs.is_empty() {
        return Some((form.text.clone(), form.map.clone()));
    }
    let words: Vec<&str> = form.text.split_whitespace().collect();
    let markers = ins.heredocs.len();
    let only_markers = words.len() == markers;
    let shell_reads_it = words.len() == markers + 1 && is_shell(words[0])
        || words.first().is_some_and(|w| is_shell(w))
            && words
                .iter()
                .skip(1)
                .all(|w| w.starts_with('-') || w.contains("<<"));
    if only_markers || shell_reads_it {
        let h = &ins.heredocs[0];
        let mut map = SourceMap::default();
        map.push(0, h.body.start, h.content.len());
        return Some((h.content.clone(), map));
    }
    let mut text = form.text.clone();
    let mut map = form.map.clone();
    text.push('\n');
    map.push(form.text.len(), form.range.end, 1);
    for h in &ins.heredocs {
        map.push(text.len(), h.body.start, h.content.len());
        text.push_str(&h.content);
        let at = h.terminator.map_or(h.body.end, |t| t.start);
        map.push(text.len(), at, h.name.len());
        text.push_str(&h.name);
        text.push('\n');
    }
    Some((text, map))
}

/// The parsed script of a RUN instruction (not ONBUILD: call it on the inner instruction).
pub(crate) fn script_of(ins: &Instruction) -> Option<ShellScript> {
    if ins.kind != InstructionKind::Run {
        return None;
    }
    run_script(ins).map(|(text, map)| parse(&text, &map))
}

#[cfg(test)]
mod tests;
