//! dlint: a linter and language server for Dockerfiles that understands image layers.

pub mod diagnostic;
pub mod model;
pub mod rules;
pub mod shell;
pub mod syntax;
pub mod text;
