//! RUN bodies as shell: commands, their words, and how they are chained.

use crate::model::Instruction;
use crate::text::TextRange;

/// A parsed shell script (filled next).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellScript {
    pub commands: Vec<TextRange>,
}

/// Parse shell-form RUN bodies (filled next).
pub(crate) fn attach_scripts(_text: &str, _instructions: &mut [Instruction]) {}
