//! Category `layers`: layers that could be fewer, such as consecutive RUNs that belong
//! together.
//!
//! Every RUN commits a layer. Splitting work over several RUNs is sometimes right (a
//! slow, stable step cached apart from a quick, changing one), but a cleanup in a later
//! RUN cannot shrink the layer that wrote the files, and `apt-get install` split from its
//! `apt-get update` reuses stale lists. These rules find the splits that cost something.

mod chown_after_copy;
mod unchained_runs;
mod unreachable_stage;

pub use chown_after_copy::ChownAfterCopy;
pub use unchained_runs::{DEFAULT_MIN_RUNS, UnchainedRuns};
pub use unreachable_stage::UnreachableStage;

use super::RuleEntry;

/// The layers rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &UnchainedRuns::META,
        new: || Box::new(UnchainedRuns::default()),
    },
    RuleEntry {
        meta: &ChownAfterCopy::META,
        new: || Box::new(ChownAfterCopy),
    },
    RuleEntry {
        meta: &UnreachableStage::META,
        new: || Box::new(UnreachableStage),
    },
];
