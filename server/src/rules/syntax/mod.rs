//! Category `syntax`: text the builder rejects or reads differently than it looks.

use super::RuleEntry;

pub static RULES: &[RuleEntry] = &[];
