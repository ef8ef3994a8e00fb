//! Category `maintainability`: pinning, deprecated forms, things that rot.

mod add_local_file;
mod apt_in_run;
mod cd_in_run;
mod inline_ignore_pragma;
mod install_without_yes;
mod invalid_label_value;
pub(crate) mod key_value;
mod label_key_format;
mod labels;
mod latest_tag;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod missing_healthcheck;
mod missing_label;
mod pinning;
mod pointless_command;
mod shell_symlink;
mod system_upgrade;
mod unpinned_apk_package;
mod unpinned_apt_package;
mod unpinned_gem;
mod unpinned_go_install;
mod unpinned_npm_package;
mod unpinned_pip_package;
mod unpinned_rpm_package;
mod unused_suppression;
mod useradd_high_uid;
mod wget_and_curl;
mod wget_progress_bar;

pub use add_local_file::AddLocalFile;
pub use apt_in_run::AptInRun;
pub use cd_in_run::CdInRun;
pub use inline_ignore_pragma::InlineIgnorePragma;
pub use install_without_yes::InstallWithoutYes;
pub use invalid_label_value::InvalidLabelValue;
pub use label_key_format::LabelKeyFormat;
pub use latest_tag::LatestTag;
pub use legacy_key_value_format::LegacyKeyValueFormat;
pub use maintainer_deprecated::MaintainerDeprecated;
pub use missing_healthcheck::MissingHealthcheck;
pub use missing_label::MissingLabel;
pub use pointless_command::PointlessCommand;
pub use shell_symlink::ShellSymlink;
pub use system_upgrade::SystemUpgrade;
pub use unpinned_apk_package::UnpinnedApkPackage;
pub use unpinned_apt_package::UnpinnedAptPackage;
pub use unpinned_gem::UnpinnedGem;
pub use unpinned_go_install::UnpinnedGoInstall;
pub use unpinned_npm_package::UnpinnedNpmPackage;
pub use unpinned_pip_package::UnpinnedPipPackage;
pub use unpinned_rpm_package::UnpinnedRpmPackage;
pub use unused_suppression::UnusedSuppression;
pub use useradd_high_uid::UseraddHighUid;
pub use wget_and_curl::WgetAndCurl;
pub use wget_progress_bar::WgetProgressBar;

use super::RuleEntry;

/// The maintainability rules, sorted by code.
pub static RULES: &[RuleEntry] = &[
    RuleEntry {
        meta: &LatestTag::META,
        new: || Box::new(LatestTag),
    },
    RuleEntry {
        meta: &MaintainerDeprecated::META,
        new: || Box::new(MaintainerDeprecated),
    },
    RuleEntry {
        meta: &LegacyKeyValueFormat::META,
        new: || Box::new(LegacyKeyValueFormat),
    },
    RuleEntry {
        meta: &AddLocalFile::META,
        new: || Box::new(AddLocalFile),
    },
    RuleEntry {
        meta: &AptInRun::META,
        new: || Box::new(AptInRun),
    },
    RuleEntry {
        meta: &InstallWithoutYes::META,
        new: || Box::new(InstallWithoutYes),
    },
    RuleEntry {
        meta: &WgetProgressBar::META,
        new: || Box::new(WgetProgressBar),
    },
    RuleEntry {
        meta: &WgetAndCurl::META,
        new: || Box::new(WgetAndCurl::default()),
    },
    RuleEntry {
        meta: &UseraddHighUid::META,
        new: || Box::new(UseraddHighUid),
    },
    RuleEntry {
        meta: &MissingLabel::META,
        new: || Box::new(MissingLabel::default()),
    },
    RuleEntry {
        meta: &InvalidLabelValue::META,
        new: || Box::new(InvalidLabelValue::default()),
    },
    RuleEntry {
        meta: &LabelKeyFormat::META,
        new: || Box::new(LabelKeyFormat),
    },
    RuleEntry {
        meta: &UnpinnedAptPackage::META,
        new: || Box::new(UnpinnedAptPackage),
    },
    RuleEntry {
        meta: &UnpinnedPipPackage::META,
        new: || Box::new(UnpinnedPipPackage),
    },
    RuleEntry {
        meta: &UnpinnedNpmPackage::META,
        new: || Box::new(UnpinnedNpmPackage),
    },
    RuleEntry {
        meta: &UnpinnedApkPackage::META,
        new: || Box::new(UnpinnedApkPackage),
    },
    RuleEntry {
        meta: &UnpinnedGem::META,
        new: || Box::new(UnpinnedGem),
    },
    RuleEntry {
        meta: &UnpinnedRpmPackage::META,
        new: || Box::new(UnpinnedRpmPackage),
    },
    RuleEntry {
        meta: &UnpinnedGoInstall::META,
        new: || Box::new(UnpinnedGoInstall),
    },
    RuleEntry {
        meta: &SystemUpgrade::META,
        new: || Box::new(SystemUpgrade),
    },
    RuleEntry {
        meta: &UnusedSuppression::META,
        new: || Box::new(UnusedSuppression),
    },
    RuleEntry {
        meta: &CdInRun::META,
        new: || Box::new(CdInRun),
    },
    RuleEntry {
        meta: &ShellSymlink::META,
        new: || Box::new(ShellSymlink),
    },
    RuleEntry {
        meta: &PointlessCommand::META,
        new: || Box::new(PointlessCommand),
    },
    RuleEntry {
        meta: &MissingHealthcheck::META,
        new: || Box::new(MissingHealthcheck),
    },
    RuleEntry {
        meta: &InlineIgnorePragma::META,
        new: || Box::new(InlineIgnorePragma),
    },
];
