//! dlint: a linter and language server for Dockerfiles that understands image layers.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod layers;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod registry;
pub mod render;
pub mod rules;
pub mod shell;
pub mod shellcheck;
pub mod suppress;
pub mod syntax;
pub mod text;
