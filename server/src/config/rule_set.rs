//! The rules that apply to one file, resolved from a [`super::Config`], and which rules a
//! selector turns on.
//!
//! A rule that is off by default ([`crate::rules::DefaultState::Off`]) is left out of the
//! defaults and of what `ALL` or its category selects: like ruff's nursery rules and
//! hadolint's disabled-by-default checks, it runs only when `select` or `extend-select`
//! (in `.dlint.toml`, an override, `--select`, `--extend-select` or editor settings) names
//! it by code or name. `ignore` removes it whatever the selector.

use super::Selector;
use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleEntry, RuleMeta};

impl Selector {
    /// Whether selecting with this selector (`select`, `extend-select`) turns `meta` on:
    /// any rule it matches that is on by default, and a rule that is off by default only
    /// when named by its code or name.
    pub(super) fn selects(self, meta: &RuleMeta) -> bool {
        match self {
            Self::Rule(_) => self.matches(meta),
            Self::All | Self::Category(_) => meta.enabled_by_default() && self.matches(meta),
        }
    }
}

/// One enabled rule: its entry, the severity the configuration gives it, and its options.
#[derive(Debug, Clone)]
pub struct EnabledRule {
    pub entry: &'static RuleEntry,
    /// The configured severity; `None` keeps the rule's own.
    pub severity: Option<Severity>,
    /// `[rules.options.<rule>]`, already validated.
    pub options: Option<toml::Table>,
}

impl EnabledRule {
    /// The severity its findings get.
    pub fn effective_severity(&self) -> Severity {
        self.severity.unwrap_or(self.entry.meta.severity)
    }

    /// A fresh, configured state of the rule.
    pub fn instantiate(&self) -> Box<dyn Rule> {
        let mut rule = (self.entry.new)();
        if let Some(options) = &self.options {
            // Options were validated when the configuration was loaded.
            let _ = rule.configure(options);
        }
        rule
    }
}

/// The enabled rules, sorted by code.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Shared: a set is handed to every file a configuration applies to.
    rules: std::sync::Arc<[EnabledRule]>,
    /// Whether some rule has a severity of its own.
    severities: bool,
}

impl Default for RuleSet {
    /// Every rule that is on by default, with its default severity and options.
    fn default() -> Self {
        Self::all()
    }
}

impl RuleSet {
    pub(crate) fn new(mut rules: Vec<EnabledRule>) -> Self {
        rules.sort_by_key(|r| r.entry.meta.code);
        Self {
            severities: rules.iter().any(|r| r.severity.is_some()),
            rules: rules.into(),
        }
    }

    /// Every rule that is on by default (what `ALL` selects), defaults only.
    pub fn all() -> Self {
        Self::new(
            crate::rules::registry()
                .iter()
                .filter(|entry| Selector::All.selects(entry.meta))
                .map(|entry| EnabledRule {
                    entry,
                    severity: None,
                    options: None,
                })
                .collect(),
        )
    }

    pub fn rules(&self) -> &[EnabledRule] {
        &self.rules
    }

    /// The enabled rule with this code.
    pub fn get(&self, code: &str) -> Option<&EnabledRule> {
        self.rules
            .binary_search_by(|r| r.entry.meta.code.cmp(code))
            .ok()
            .map(|i| &self.rules[i])
    }

    /// Whether some enabled rule is configured with a severity of its own.
    pub fn overrides_severity(&self) -> bool {
        self.severities
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    /// Fresh, configured states of every enabled rule.
    pub fn instantiate(&self) -> Vec<Box<dyn Rule>> {
        self.rules.iter().map(EnabledRule::instantiate).collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    /// The rules that are off by default, by code.
    fn off_by_default() -> Vec<&'static str> {
        crate::rules::registry()
            .iter()
            .filter(|e| !e.meta.enabled_by_default())
            .map(|e| e.meta.code)
            .collect()
    }

    /// One rule that is off by default, and its category.
    fn opt_in() -> &'static RuleMeta {
        crate::rules::registry()
            .iter()
            .map(|e| e.meta)
            .find(|m| !m.enabled_by_default())
            .expect("a rule that is off by default")
    }

    fn enabled(config: &Config) -> Vec<&'static str> {
        config
            .for_file(Some(Path::new("/x/Dockerfile")))
            .rules()
            .iter()
            .map(|r| r.entry.meta.code)
            .collect()
    }

    fn parse(text: &str) -> Config {
        Config::parse(text, Path::new("/x/.dlint.toml")).unwrap()
    }

    #[test]
    fn defaults_and_all_leave_opt_in_rules_out() {
        let off = off_by_default();
        assert!(!off.is_empty());
        let all = RuleSet::all();
        let default = RuleSet::default();
        let from_config = Config::default().for_file(None);
        for set in [&all, &default, &from_config] {
            assert_eq!(
                set.rules().len(),
                crate::rules::registry().len() - off.len()
            );
            for code in &off {
                assert!(!set.is_enabled(code), "{code}");
            }
        }
        let category = opt_in().category.as_str();
        for select in ["ALL", "all", category] {
            let config = parse(&format!("[rules]\nselect = [\"{select}\"]\n"));
            let on = enabled(&config);
            assert!(!on.contains(&opt_in().code), "{select}: {on:?}");
            let config = parse(&format!("[rules]\nextend-select = [\"{select}\"]\n"));
            assert!(!enabled(&config).contains(&opt_in().code), "{select}");
        }
    }

    #[test]
    fn a_rule_named_by_code_or_name_is_enabled() {
        let meta = opt_in();
        for named in [meta.code, meta.name, &meta.code.to_ascii_lowercase()] {
            let config = parse(&format!("[rules]\nextend-select = [\"{named}\"]\n"));
            let on = enabled(&config);
            assert!(on.contains(&meta.code), "{named}");
            // Added to the defaults, not instead of them.
            assert_eq!(on.len(), RuleSet::all().rules().len() + 1, "{named}");
            let config = parse(&format!("[rules]\nselect = [\"{named}\"]\n"));
            assert_eq!(enabled(&config), [meta.code], "{named}");
        }
        // Named next to `ALL`, it is on; `ignore` removes it however it was selected.
        let config = parse(&format!("[rules]\nselect = [\"ALL\", \"{}\"]\n", meta.code));
        assert!(enabled(&config).contains(&meta.code));
        let config = parse(&format!(
            "[rules]\nextend-select = [\"{}\"]\nignore = [\"ALL\"]\n",
            meta.code
        ));
        assert_eq!(enabled(&config), [] as [&str; 0]);
        // A severity alone does not enable it.
        let config = parse(&format!("[rules.severity]\n{} = \"error\"\n", meta.code));
        assert!(!enabled(&config).contains(&meta.code));
    }

    #[test]
    fn overrides_and_the_command_line_select_it_by_name_too() {
        let meta = opt_in();
        let config = parse(&format!(
            "[[overrides]]\nfiles = [\"Dockerfile\"]\nextend-select = [\"{}\"]\n",
            meta.name
        ));
        assert!(enabled(&config).contains(&meta.code));
        let mut config = Config::default();
        config
            .apply_cli(Some(&["ALL".to_owned()]), &[], &[])
            .unwrap();
        assert!(!enabled(&config).contains(&meta.code));
        config
            .apply_cli(None, &[meta.code.to_owned()], &[])
            .unwrap();
        let on = enabled(&config);
        assert!(on.contains(&meta.code));
        assert_eq!(on.len(), RuleSet::all().rules().len() + 1);
        let mut config = Config::default();
        config
            .apply_cli(Some(&[meta.name.to_owned()]), &[], &[])
            .unwrap();
        assert_eq!(enabled(&config), [meta.code]);
        // Editor settings select the same way.
        let mut config = Config::default();
        config
            .merge_json(&serde_json::json!({ "rules": { "extendSelect": [meta.code] } }))
            .unwrap();
        assert!(enabled(&config).contains(&meta.code));
    }
}
