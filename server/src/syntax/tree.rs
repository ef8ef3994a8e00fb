//! The concrete syntax tree from tree-sitter (grammar: `tree-sitter-containerfile`).
//!
//! The typed model comes from the BuildKit-faithful scanner; this tree serves editor
//! features (incremental re-parse, queries for highlighting and folding) and is checked
//! against the model: [`crosscheck`] reports every instruction where the grammar's idea of
//! its extent differs from BuildKit's, so a mis-parse is detected and the model wins.

use std::cell::RefCell;
use std::sync::LazyLock;

use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator, Tree};

use crate::model::Dockerfile;

/// The Dockerfile grammar the server links.
pub fn language() -> Language {
    tree_sitter_containerfile::LANGUAGE.into()
}

/// The query files the server loads, by name, for tests that compile them all.
pub const QUERIES: &[(&str, &str)] = &[
    (
        "instructions.scm",
        include_str!("../../../queries/instructions.scm"),
    ),
    ("folds.scm", include_str!("../../../queries/folds.scm")),
    (
        "highlights.scm",
        include_str!("../../../queries/highlights.scm"),
    ),
    (
        "injections.scm",
        include_str!("../../../queries/injections.scm"),
    ),
    ("locals.scm", include_str!("../../../queries/locals.scm")),
];

/// `queries/instructions.scm`, compiled once, with its capture indices resolved once.
struct InstructionQuery {
    query: Query,
    instruction: u32,
    error: u32,
}

static INSTRUCTIONS: LazyLock<Option<InstructionQuery>> = LazyLock::new(|| {
    let query = Query::new(&language(), QUERIES[0].1).ok()?;
    Some(InstructionQuery {
        instruction: query.capture_index_for_name("instruction")?,
        error: query.capture_index_for_name("error")?,
        query,
    })
});

/// Top-level instruction and ERROR nodes of a tree, in source order.
fn top_level_nodes<'t>(tree: &'t Tree, text: &str) -> Vec<Node<'t>> {
    let Some(q) = INSTRUCTIONS.as_ref() else {
        return Vec::new();
    };
    let mut cursor = QueryCursor::new();
    let mut nodes = Vec::new();
    let mut captures = cursor.captures(&q.query, tree.root_node(), text.as_bytes());
    while let Some((m, i)) = captures.next() {
        let capture = m.captures[*i];
        if capture.index == q.instruction || capture.index == q.error {
            nodes.push(capture.node);
        }
    }
    nodes.sort_by_key(Node::start_byte);
    nodes.dedup_by_key(|n| n.start_byte());
    nodes
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse `text` into a tree-sitter tree, re-using `old` (already edited with
/// [`Tree::edit`]) for an incremental re-parse.
pub fn parse_tree(text: &str, old: Option<&Tree>) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&language()).ok()?;
            *slot = Some(p);
        }
        slot.as_mut()?.parse(text, old)
    })
}

/// Where the grammar and the model disagree about one instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// 1-based line of the model instruction (or of the stray tree node).
    pub line: u32,
    pub detail: String,
}

/// The result of comparing the tree with the model.
#[derive(Debug, Clone, Default)]
pub struct Agreement {
    pub instructions: usize,
    pub agreeing: usize,
    pub mismatches: Vec<Mismatch>,
}

/// Compare the instruction nodes of `tree` with the model's instructions: same start,
/// same last line, same kind, no error node inside.
pub fn crosscheck(df: &Dockerfile, tree: &Tree, text: &str) -> Agreement {
    let nodes = top_level_nodes(tree, text);
    let mut out = Agreement {
        instructions: df.instructions.len(),
        ..Agreement::default()
    };
    for ins in &df.instructions {
        let start = ins.keyword.range.start;
        let node = nodes
            .iter()
            .find(|n| n.start_byte() <= start && start < n.end_byte().max(n.start_byte() + 1));
        let detail = match node {
            None => Some("no tree node".to_owned()),
            Some(n) if n.start_byte() != start => {
                Some(format!("node `{}` starts elsewhere", n.kind()))
            }
            Some(n) if n.is_error() || n.has_error() => {
                Some(format!("error inside `{}`", n.kind()))
            }
            Some(n) => {
                let last_row = if n.end_position().column == 0
                    && n.end_position().row > n.start_position().row
                {
                    n.end_position().row
                } else {
                    n.end_position().row + 1
                };
                let want = format!("{}_instruction", ins.kind.as_str().to_ascii_lowercase());
                if last_row as u32 != ins.end_line {
                    Some(format!(
                        "node `{}` ends on line {last_row}, BuildKit on {}",
                        n.kind(),
                        ins.end_line
                    ))
                } else if n.kind() != want && ins.kind != crate::model::InstructionKind::Unknown {
                    Some(format!("node `{}` for {}", n.kind(), ins.kind.as_str()))
                } else {
                    None
                }
            }
        };
        match detail {
            Some(detail) => out.mismatches.push(Mismatch {
                line: ins.start_line,
                detail,
            }),
            None => out.agreeing += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Agreement {
        let tree = parse_tree(text, None).expect("tree");
        crosscheck(&crate::syntax::parse(text), &tree, text)
    }

    #[test]
    fn agrees_on_continuations_heredocs_and_escape() {
        let a = check("FROM a AS b\nRUN echo \\\n  # c\n  hi\nCOPY <<EOF /x\nhello\nEOF\nRUN x\n");
        assert_eq!((a.instructions, a.agreeing), (4, 4), "{a:?}");
        let a = check("# escape=`\nFROM a\nRUN dir `\n  c:\\\n");
        assert_eq!((a.instructions, a.agreeing), (2, 2), "{a:?}");
    }

    #[test]
    fn detects_what_the_grammar_cannot_read() {
        let a = check("from a\nWRONG x\n");
        assert_eq!(a.agreeing, 1);
        assert_eq!(a.mismatches[0].line, 2);
    }

    #[test]
    fn incremental_reparse_matches_fresh_parse() {
        let old_text = "FROM a\nRUN echo hi\n";
        let new_text = "FROM a\nRUN echo hello\n";
        let mut tree = parse_tree(old_text, None).expect("tree");
        let start = old_text.find("hi").expect("hi");
        tree.edit(&tree_sitter::InputEdit {
            start_byte: start,
            old_end_byte: start + 2,
            new_end_byte: start + 5,
            start_position: tree_sitter::Point::new(1, 9),
            old_end_position: tree_sitter::Point::new(1, 11),
            new_end_position: tree_sitter::Point::new(1, 14),
        });
        let reparsed = parse_tree(new_text, Some(&tree)).expect("tree");
        let fresh = parse_tree(new_text, None).expect("tree");
        assert_eq!(reparsed.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert_eq!(reparsed.root_node().end_byte(), new_text.len());
    }
}
