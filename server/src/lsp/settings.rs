//! What the language server's features are configured with: the `.dlint.toml` found from
//! a document's directory upward, overlaid with the editor's settings
//! (`initializationOptions`, `workspace/didChangeConfiguration`). A bad configuration
//! never stops the server: the document gets the defaults (plus whatever valid layer
//! remains) and the problem is reported once.

use std::path::Path;

use crate::config::{Config, RuleSet};
pub use crate::config::{InlayHintSettings, ShellcheckSettings};

/// Settings of one document.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The merged configuration (file, then editor settings).
    pub config: Config,
    /// The rules that apply to this document.
    pub rules: RuleSet,
    /// Build arguments for the analysis.
    pub build_args: Vec<(String, String)>,
    /// The stage to build (the last when `None`).
    pub target: Option<String>,
    /// Target platform (`linux/amd64` when `None`).
    pub platform: Option<String>,
    /// Whether to read the build context on disk for COPY sizes.
    pub read_context: bool,
    pub inlay_hints: InlayHintSettings,
    /// ShellCheck on RUN bodies (`{"shellcheck": {"enabled": true}}`): a second pass after
    /// the local findings are published.
    pub shellcheck: ShellcheckSettings,
    /// Base URL of the rule documentation; a rule's page is `{docs_url}/{CODE}.md`.
    pub docs_url: String,
}

/// Where rule documentation is published.
pub const DEFAULT_DOCS_URL: &str = "https://github.com/dlint-dev/dlint/blob/main/docs/rules";

impl Default for Settings {
    fn default() -> Self {
        Self::from_config(Config::default(), None)
    }
}

impl Settings {
    /// Settings of a document at `path` from an already merged configuration.
    pub fn from_config(config: Config, path: Option<&Path>) -> Self {
        Self {
            rules: config.for_file(path),
            build_args: config
                .build_args()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            target: config.target().map(str::to_owned),
            platform: config.build_platform().map(str::to_owned),
            read_context: true,
            inlay_hints: config.inlay_hints(),
            shellcheck: config.shellcheck(),
            docs_url: DEFAULT_DOCS_URL.to_owned(),
            config,
        }
    }

    /// Resolve the settings of a document at `path` (`None`: untitled): the nearest
    /// configuration file, then `client` settings on top. Problems are returned as
    /// messages for people; the settings are still usable (a broken file is skipped, a
    /// broken editor setting is left out).
    pub fn resolve(path: Option<&Path>, client: Option<&serde_json::Value>) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let file = path.and_then(Path::parent).and_then(Config::discover);
        let mut config = match file.as_deref().map(Config::load) {
            Some(Ok(config)) => config,
            Some(Err(err)) => {
                problems.push(format!("{err} (using the default configuration)"));
                Config::default()
            }
            None => Config::default(),
        };
        if let Some(client) = client.filter(|v| !v.is_null())
            && let Err(err) = config.merge_json(client)
        {
            problems.push(format!("{err} (editor settings ignored)"));
        }
        (Self::from_config(config, path), problems)
    }

    /// Whether registry lookups must stay offline (configuration or `DLINT_OFFLINE`).
    pub fn offline(&self) -> bool {
        self.config.registry_offline() || env_offline()
    }
}

/// `DLINT_OFFLINE` set to anything but empty or `0`.
pub fn env_offline() -> bool {
    std::env::var_os("DLINT_OFFLINE").is_some_and(|v| !v.is_empty() && v != "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_falls_back_to_defaults_with_one_message() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".dlint.toml"), "[rules]\nselct = []\n").unwrap();
        let doc = dir.path().join("Dockerfile");
        let (settings, problems) = Settings::resolve(Some(&doc), None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("selct"), "{problems:?}");
        assert!(settings.rules.is_enabled("SZ003"));
    }

    #[test]
    fn editor_settings_override_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".dlint.toml"),
            "[rules]\nignore = [\"SZ003\"]\n",
        )
        .unwrap();
        let doc = dir.path().join("Dockerfile");
        let (settings, problems) = Settings::resolve(Some(&doc), None);
        assert!(problems.is_empty());
        assert!(!settings.rules.is_enabled("SZ003"));
        let client = serde_json::json!({"rules": {"ignore": []}, "editor": {"inlayHints": {"noLayer": true}}});
        let (settings, problems) = Settings::resolve(Some(&doc), Some(&client));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(settings.rules.is_enabled("SZ003"));
        assert!(settings.inlay_hints.no_layer);
        assert!(!settings.shellcheck.enabled);
        let client = serde_json::json!({"shellcheck": {"enabled": true, "exclude": ["sc2086"]}});
        let (settings, problems) = Settings::resolve(Some(&doc), Some(&client));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(settings.shellcheck.enabled);
        assert_eq!(settings.shellcheck.exclude, ["SC2086"]);
        let bad = serde_json::json!({"rules": {"severity": {"SZ003": "loud"}}});
        let (settings, problems) = Settings::resolve(Some(&doc), Some(&bad));
        assert_eq!(problems.len(), 1);
        assert!(!settings.rules.is_enabled("SZ003"));
    }
}
