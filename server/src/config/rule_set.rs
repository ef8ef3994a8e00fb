//! The rules that apply to one file, resolved from a [`super::Config`].

use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleEntry};

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
    rules: Vec<EnabledRule>,
}

impl Default for RuleSet {
    /// Every rule with its default severity and options.
    fn default() -> Self {
        Self::all()
    }
}

impl RuleSet {
    pub(crate) fn new(rules: Vec<EnabledRule>) -> Self {
        Self { rules }
    }

    /// Every rule, defaults only.
    pub fn all() -> Self {
        Self::new(
            crate::rules::registry()
                .iter()
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
        self.rules.iter().find(|r| r.entry.meta.code == code)
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    /// Fresh, configured states of every enabled rule.
    pub fn instantiate(&self) -> Vec<Box<dyn Rule>> {
        self.rules.iter().map(EnabledRule::instantiate).collect()
    }
}
