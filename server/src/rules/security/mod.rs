//! Category `security`: secrets, privileges and untrusted or moving sources.

mod unpinned_base_image;

pub use unpinned_base_image::UnpinnedBaseImage;

use super::RuleEntry;

/// The security rules, sorted by code.
pub static RULES: &[RuleEntry] = &[RuleEntry {
    meta: &UnpinnedBaseImage::META,
    new: || Box::new(UnpinnedBaseImage),
}];
