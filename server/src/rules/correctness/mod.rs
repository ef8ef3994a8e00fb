//! Category `correctness`: instructions that do not do what they seem to.

use super::RuleEntry;

/// The correctness rules, sorted by code.
pub static RULES: &[RuleEntry] = &[];
