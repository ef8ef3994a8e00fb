//! RUN bodies as shell: commands, their words, and how they are chained.

use crate::text::TextRange;

/// A parsed shell script (stub; filled by the parser work).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellScript {
    pub commands: Vec<TextRange>,
}
