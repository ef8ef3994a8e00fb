//! Category `correctness`: instructions that do not do what they seem to.

mod copy_from_self;
mod copy_from_unknown_stage;
mod copy_ignored_file;
mod copy_multiple_sources_to_file;
mod copy_relative_destination;
mod duplicate_stage_name;
mod env_self_reference;
mod expose_invalid;
mod expose_protocol_casing;
mod from_platform_flag_const;
mod invalid_base_image_platform;
mod invalid_default_arg_in_from;
mod json_args_recommended;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthcheck;
mod pipefail_missing;
mod redundant_target_platform;
mod reserved_stage_name;
mod single;
mod undefined_arg_in_from;
mod undefined_var;
pub(crate) mod util;
mod workdir_relative_path;

pub use copy_from_self::CopyFromSelf;
pub use copy_from_unknown_stage::CopyFromUnknownStage;
pub use copy_ignored_file::CopyIgnoredFile;
pub use copy_multiple_sources_to_file::CopyMultipleSourcesToFile;
pub use copy_relative_destination::CopyRelativeDestination;
pub use duplicate_stage_name::DuplicateStageName;
pub use env_self_reference::EnvSelfReference;
pub use expose_invalid::ExposeInvalid;
pub use expose_protocol_casing::ExposeProtocolCasing;
pub use from_platform_flag_const::FromPlatformFlagConst;
pub use invalid_base_image_platform::InvalidBaseImagePlatform;
pub use invalid_default_arg_in_from::InvalidDefaultArgInFrom;
pub use json_args_recommended::JsonArgsRecommended;
pub use multiple_cmd::MultipleCmd;
pub use multiple_entrypoint::MultipleEntrypoint;
pub use multiple_healthcheck::MultipleHealthcheck;
pub use pipefail_missing::PipefailMissing;
pub use redundant_target_platform::RedundantTargetPlatform;
pub use reserved_stage_name::ReservedStageName;
pub use undefined_arg_in_from::UndefinedArgInFrom;
pub use undefined_var::UndefinedVar;
pub use workdir_relative_path::WorkdirRelativePath;

use super::RuleEntry;

/// The correctness rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &DuplicateStageName::META,
        new: || Box::new(DuplicateStageName),
    },
    RuleEntry {
        meta: &ReservedStageName::META,
        new: || Box::new(ReservedStageName),
    },
    RuleEntry {
        meta: &CopyFromSelf::META,
        new: || Box::new(CopyFromSelf),
    },
    RuleEntry {
        meta: &CopyFromUnknownStage::META,
        new: || Box::new(CopyFromUnknownStage),
    },
    RuleEntry {
        meta: &UndefinedArgInFrom::META,
        new: || Box::new(UndefinedArgInFrom),
    },
    RuleEntry {
        meta: &InvalidDefaultArgInFrom::META,
        new: || Box::new(InvalidDefaultArgInFrom),
    },
    RuleEntry {
        meta: &UndefinedVar::META,
        new: || Box::new(UndefinedVar),
    },
    RuleEntry {
        meta: &WorkdirRelativePath::META,
        new: || Box::new(WorkdirRelativePath),
    },
    RuleEntry {
        meta: &MultipleCmd::META,
        new: || Box::new(MultipleCmd),
    },
    RuleEntry {
        meta: &MultipleEntrypoint::META,
        new: || Box::new(MultipleEntrypoint),
    },
    RuleEntry {
        meta: &MultipleHealthcheck::META,
        new: || Box::new(MultipleHealthcheck),
    },
    RuleEntry {
        meta: &CopyMultipleSourcesToFile::META,
        new: || Box::new(CopyMultipleSourcesToFile),
    },
    RuleEntry {
        meta: &ExposeInvalid::META,
        new: || Box::new(ExposeInvalid),
    },
    RuleEntry {
        meta: &ExposeProtocolCasing::META,
        new: || Box::new(ExposeProtocolCasing),
    },
    RuleEntry {
        meta: &JsonArgsRecommended::META,
        new: || Box::new(JsonArgsRecommended),
    },
    RuleEntry {
        meta: &RedundantTargetPlatform::META,
        new: || Box::new(RedundantTargetPlatform),
    },
    RuleEntry {
        meta: &FromPlatformFlagConst::META,
        new: || Box::new(FromPlatformFlagConst),
    },
    RuleEntry {
        meta: &EnvSelfReference::META,
        new: || Box::new(EnvSelfReference),
    },
    RuleEntry {
        meta: &CopyRelativeDestination::META,
        new: || Box::new(CopyRelativeDestination::default()),
    },
    RuleEntry {
        meta: &PipefailMissing::META,
        new: || Box::new(PipefailMissing::default()),
    },
    RuleEntry {
        meta: &CopyIgnoredFile::META,
        new: || Box::new(CopyIgnoredFile),
    },
    RuleEntry {
        meta: &InvalidBaseImagePlatform::META,
        new: || Box::new(InvalidBaseImagePlatform::default()),
    },
];
