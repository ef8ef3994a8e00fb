//! Category `style`: consistency — casing, formatting.

use super::RuleEntry;

/// The style rules, sorted by code.
pub static RULES: &[RuleEntry] = &[];
