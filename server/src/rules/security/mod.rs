//! Category `security`: secrets, privileges and untrusted or moving sources.

mod non_numeric_user;
mod remote_script_piped_to_shell;
mod root_user_last;
mod secrets_in_arg_or_env;
mod sudo_in_run;
mod unpinned_base_image;
mod untrusted_registry;

pub use non_numeric_user::NonNumericUser;
pub use remote_script_piped_to_shell::RemoteScriptPipedToShell;
pub use root_user_last::RootUserLast;
pub use secrets_in_arg_or_env::SecretsInArgOrEnv;
pub use sudo_in_run::SudoInRun;
pub use unpinned_base_image::UnpinnedBaseImage;
pub use untrusted_registry::UntrustedRegistry;

use super::RuleEntry;

/// The security rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &UnpinnedBaseImage::META,
        new: || Box::new(UnpinnedBaseImage),
    },
    RuleEntry {
        meta: &SudoInRun::META,
        new: || Box::new(SudoInRun),
    },
    RuleEntry {
        meta: &RootUserLast::META,
        new: || Box::new(RootUserLast),
    },
    RuleEntry {
        meta: &SecretsInArgOrEnv::META,
        new: || Box::new(SecretsInArgOrEnv),
    },
    RuleEntry {
        meta: &UntrustedRegistry::META,
        new: || Box::new(UntrustedRegistry::default()),
    },
    RuleEntry {
        meta: &RemoteScriptPipedToShell::META,
        new: || Box::new(RemoteScriptPipedToShell),
    },
    RuleEntry {
        meta: &NonNumericUser::META,
        new: || Box::new(NonNumericUser),
    },
];
