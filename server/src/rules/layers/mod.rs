//! Category `layers`: layers that could be fewer, such as consecutive RUNs that belong
//! together.
//!
//! Every RUN commits a layer. Splitting work over several RUNs is sometimes right (a
//! slow, stable step cached apart from a quick, changing one), but a cleanup in a later
//! RUN cannot shrink the layer that wrote the files, and `apt-get install` split from its
//! `apt-get update` reuses stale lists. These rules find the splits that cost something.

mod unchained_runs;

pub use unchained_runs::{DEFAULT_MIN_RUNS, UnchainedRuns};

use super::RuleEntry;

/// The layers rules, sorted by code.
pub static RULES: &[RuleEntry] = &[RuleEntry {
    meta: &UnchainedRuns::META,
    new: || Box::new(UnchainedRuns::default()),
}];
