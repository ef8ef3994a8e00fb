//! Category `cache`: instruction order that makes a small change rebuild expensive layers.
//!
//! BuildKit reuses a layer while its instruction and its inputs stay the same and every
//! layer before it was reused. A COPY whose files changed, an `ARG` with a new value, a
//! remote file that changed, all rebuild their layer and every layer after it. These
//! rules find expensive steps placed after such a volatile one, and cached steps that go
//! stale.
//!
//! Rules see no build context: whether a `.dockerignore` exists is one of the
//! [`super::FileFacts`] the caller gathers.

mod add_remote_url;
mod apt_update_alone;
mod broad_copy_before_install;
mod copy_all_without_dockerignore;
mod volatile_arg_early;

pub use add_remote_url::AddRemoteUrl;
pub use apt_update_alone::AptUpdateAlone;
pub use broad_copy_before_install::BroadCopyBeforeInstall;
pub use copy_all_without_dockerignore::CopyAllWithoutDockerignore;
pub use volatile_arg_early::VolatileArgEarly;

use super::RuleEntry;

/// The cache rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &BroadCopyBeforeInstall::META,
        new: || Box::new(BroadCopyBeforeInstall),
    },
    RuleEntry {
        meta: &VolatileArgEarly::META,
        new: || Box::new(VolatileArgEarly),
    },
    RuleEntry {
        meta: &AddRemoteUrl::META,
        new: || Box::new(AddRemoteUrl),
    },
    RuleEntry {
        meta: &AptUpdateAlone::META,
        new: || Box::new(AptUpdateAlone),
    },
    RuleEntry {
        meta: &CopyAllWithoutDockerignore::META,
        new: || Box::new(CopyAllWithoutDockerignore),
    },
];
