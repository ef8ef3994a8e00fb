//! Category `maintainability`: pinning, deprecated forms, things that rot.

mod latest_tag;

pub use latest_tag::LatestTag;

use super::RuleEntry;

/// The maintainability rules, sorted by code.
pub static RULES: &[RuleEntry] = &[RuleEntry {
    meta: &LatestTag::META,
    new: || Box::new(LatestTag),
}];
