//! The tree-sitter concrete syntax tree (placeholder; filled next).
