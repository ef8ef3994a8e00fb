//! `.dlint.toml`: discovery, parsing with line:col errors, editor settings layered on top,
//! and the resolution of rule selection for one file into a [`RuleSet`].
//!
//! Precedence: the file, then the command line (`--select`, `--ignore`, ...), then the
//! editor's settings ([`Config::merge_json`]). Selection works like ruff's: `select`
//! (default: every rule), then `extend-select` adds, then `ignore` removes; an override
//! whose `files` match replaces the selection with its own `select` and adds its
//! `extend-select` and `ignore`; a severity of `off` disables a rule.

mod error;
mod node;
mod rule_set;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use globset::GlobSet;

pub use error::{ConfigError, ConfigProblem, Origin};
pub use rule_set::{EnabledRule, RuleSet};

use crate::diagnostic::{Category, Severity};
use schema::Walker;

/// The file names looked for, in order, in each directory.
pub const FILE_NAMES: [&str; 2] = [".dlint.toml", "dlint.toml"];

/// A rule's severity in the configuration: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSeverity {
    Error,
    Warning,
    Info,
    Off,
}

impl RuleSeverity {
    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Self::Error),
            "warning" => Some(Self::Warning),
            "info" => Some(Self::Info),
            "off" => Some(Self::Off),
            _ => None,
        }
    }

    /// The severity findings get; `None` for `off`.
    pub const fn severity(self) -> Option<Severity> {
        match self {
            Self::Error => Some(Severity::Error),
            Self::Warning => Some(Severity::Warning),
            Self::Info => Some(Severity::Info),
            Self::Off => None,
        }
    }
}

/// What `select`/`ignore` name: every rule, a category, or one rule (by code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    All,
    Category(Category),
    Rule(&'static str),
}

impl Selector {
    /// `ALL`, a category name, or a rule code or name, any case.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Some(Self::All);
        }
        if let Some(category) = Category::ALL
            .iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
        {
            return Some(Self::Category(*category));
        }
        crate::rules::find(s).map(|e| Self::Rule(e.meta.code))
    }

    fn matches(self, meta: &crate::rules::RuleMeta) -> bool {
        match self {
            Self::All => true,
            Self::Category(c) => meta.category == c,
            Self::Rule(code) => meta.code == code,
        }
    }
}

/// The value schema of a required label (`[labels] required = { name = "url" }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSchema {
    Text,
    Url,
    Email,
    Semver,
    Rfc3339,
    Hash,
    Spdx,
    GitHash,
}

impl LabelSchema {
    pub const NAMES: [&'static str; 8] = [
        "text", "url", "email", "semver", "rfc3339", "hash", "spdx", "git-hash",
    ];

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "text" => Self::Text,
            "url" => Self::Url,
            "email" => Self::Email,
            "semver" => Self::Semver,
            "rfc3339" => Self::Rfc3339,
            "hash" => Self::Hash,
            "spdx" => Self::Spdx,
            "git-hash" => Self::GitHash,
            _ => return None,
        })
    }

    pub const fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Which inlay hints the language server shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InlayHintSettings {
    /// The layer an instruction makes and its size.
    pub layers: bool,
    /// A hint on instructions that make no layer.
    pub no_layer: bool,
    /// The base image's size on `FROM`.
    pub base: bool,
    /// The running total of the stage.
    pub total: bool,
}

impl Default for InlayHintSettings {
    fn default() -> Self {
        Self {
            layers: true,
            no_layer: false,
            base: true,
            total: true,
        }
    }
}

/// `[editor.inlay-hints]` as given: only the keys present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct InlayHintOverlay {
    pub layers: Option<bool>,
    pub no_layer: Option<bool>,
    pub base: Option<bool>,
    pub total: Option<bool>,
}

/// The lowest ShellCheck level reported (`[shellcheck] severity`), as ShellCheck orders
/// them: `style < info < warning < error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ShellcheckLevel {
    #[default]
    Style,
    Info,
    Warning,
    Error,
}

impl ShellcheckLevel {
    pub const NAMES: [&'static str; 4] = ["style", "info", "warning", "error"];

    /// A level as ShellCheck's `json1` output and `--severity` spell it.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "style" => Self::Style,
            "info" => Self::Info,
            "warning" => Self::Warning,
            "error" => Self::Error,
            _ => return None,
        })
    }

    pub const fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// `[shellcheck]` with defaults filled in: ShellCheck on RUN bodies (see
/// [`crate::shellcheck`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShellcheckSettings {
    /// Off unless enabled (`enabled = true`, `--shellcheck`, or the editor's setting).
    pub enabled: bool,
    /// The program: a name looked up in `PATH`, or a path (relative paths in a
    /// configuration file are relative to its directory).
    pub path: PathBuf,
    /// Codes never reported, besides the built-in [`crate::shellcheck::ALWAYS_EXCLUDED`].
    pub exclude: Vec<&'static str>,
    /// The lowest level reported.
    pub severity: ShellcheckLevel,
    /// How long one ShellCheck process may run before it is killed.
    pub timeout: Duration,
}

impl ShellcheckSettings {
    /// The default `timeout`.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
}

impl Default for ShellcheckSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            path: PathBuf::from("shellcheck"),
            exclude: Vec::new(),
            severity: ShellcheckLevel::Style,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

/// `[shellcheck]` as given: only the keys present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ShellcheckOverlay {
    pub enabled: Option<bool>,
    pub path: Option<PathBuf>,
    pub exclude: Option<Vec<&'static str>>,
    pub severity: Option<ShellcheckLevel>,
    pub timeout: Option<Duration>,
}

impl ShellcheckOverlay {
    fn overlay(&mut self, other: Self) {
        if other.enabled.is_some() {
            self.enabled = other.enabled;
        }
        if other.path.is_some() {
            self.path = other.path;
        }
        if other.exclude.is_some() {
            self.exclude = other.exclude;
        }
        if other.severity.is_some() {
            self.severity = other.severity;
        }
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
    }
}

/// Rule selection of `[rules]`, of an override, or of the command line. `None` lists
/// were not given.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleSettings {
    pub select: Option<Vec<Selector>>,
    pub extend_select: Option<Vec<Selector>>,
    pub ignore: Option<Vec<Selector>>,
    pub severity: BTreeMap<&'static str, RuleSeverity>,
    pub options: BTreeMap<&'static str, toml::Table>,
}

impl RuleSettings {
    fn overlay(&mut self, other: Self) {
        if other.select.is_some() {
            self.select = other.select;
        }
        if other.extend_select.is_some() {
            self.extend_select = other.extend_select;
        }
        if other.ignore.is_some() {
            self.ignore = other.ignore;
        }
        self.severity.extend(other.severity);
        merge_options(&mut self.options, other.options);
    }

    /// Apply to the set of enabled codes; `base` starts from every rule when there is no
    /// `select`.
    fn apply(&self, enabled: &mut BTreeSet<&'static str>, base: bool) {
        let registry = crate::rules::registry();
        // Selecting leaves out rules that are off by default unless named (rule_set.rs).
        let expand = |selectors: &[Selector],
                      pick: fn(Selector, &crate::rules::RuleMeta) -> bool| {
            registry
                .iter()
                .filter(|e| selectors.iter().any(|s| pick(*s, e.meta)))
                .map(|e| e.meta.code)
                .collect::<Vec<&'static str>>()
        };
        match &self.select {
            Some(select) => *enabled = expand(select, Selector::selects).into_iter().collect(),
            None if base => {
                *enabled = expand(&[Selector::All], Selector::selects)
                    .into_iter()
                    .collect();
            }
            None => {}
        }
        if let Some(extend) = &self.extend_select {
            enabled.extend(expand(extend, Selector::selects));
        }
        if let Some(ignore) = &self.ignore {
            for code in expand(ignore, Selector::matches) {
                enabled.remove(code);
            }
        }
    }
}

fn merge_options(
    into: &mut BTreeMap<&'static str, toml::Table>,
    from: BTreeMap<&'static str, toml::Table>,
) {
    for (code, table) in from {
        into.entry(code).or_default().extend(table);
    }
}

/// One `[[overrides]]` entry.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    pub matcher: GlobSet,
    pub rules: RuleSettings,
}

/// Everything a configuration says, keys absent where not given.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub rules: RuleSettings,
    pub overrides: Option<Vec<Override>>,
    pub platform: Option<String>,
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    pub offline: Option<bool>,
    pub mirrors: Option<Vec<String>>,
    pub insecure: Option<Vec<String>>,
    pub trusted: Option<Vec<String>>,
    pub required_labels: BTreeMap<String, LabelSchema>,
    pub inlay_hints: InlayHintOverlay,
    pub shellcheck: ShellcheckOverlay,
}

impl Settings {
    /// `other` on top of `self`: keys present in `other` win; tables of free keys
    /// (severities, options, build arguments, labels) merge key by key.
    fn overlay(&mut self, other: Self) {
        self.rules.overlay(other.rules);
        if other.overrides.is_some() {
            self.overrides = other.overrides;
        }
        if other.platform.is_some() {
            self.platform = other.platform;
        }
        if other.target.is_some() {
            self.target = other.target;
        }
        self.build_args.extend(other.build_args);
        if other.offline.is_some() {
            self.offline = other.offline;
        }
        if other.mirrors.is_some() {
            self.mirrors = other.mirrors;
        }
        if other.insecure.is_some() {
            self.insecure = other.insecure;
        }
        if other.trusted.is_some() {
            self.trusted = other.trusted;
        }
        self.required_labels.extend(other.required_labels);
        let (mine, theirs) = (&mut self.inlay_hints, other.inlay_hints);
        mine.layers = theirs.layers.or(mine.layers);
        mine.no_layer = theirs.no_layer.or(mine.no_layer);
        mine.base = theirs.base.or(mine.base);
        mine.total = theirs.total.or(mine.total);
        self.shellcheck.overlay(other.shellcheck);
    }
}

/// A loaded configuration: a `.dlint.toml` (or none), command-line options and editor
/// settings, layered.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was loaded from.
    source: Option<PathBuf>,
    /// The directory `files` globs of overrides are relative to.
    root: Option<PathBuf>,
    settings: Settings,
    /// `--select`/`--extend-select`/`--ignore`, applied after the overrides.
    cli: RuleSettings,
    /// [`Config::for_file`] when no override applies to any file.
    same_for_all: std::sync::OnceLock<RuleSet>,
}

impl Config {
    /// The nearest `.dlint.toml` (or `dlint.toml`) in `start_dir` or a directory above it.
    pub fn discover(start_dir: &Path) -> Option<PathBuf> {
        let dir = normalize(start_dir);
        dir.ancestors().find_map(|d| {
            FILE_NAMES
                .iter()
                .map(|name| d.join(name))
                .find(|p| p.is_file())
        })
    }

    /// Read and parse the configuration file at `path` (shown as given in errors).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            let message = match err.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                std::io::ErrorKind::InvalidData => "not valid UTF-8".to_owned(),
                _ => err.to_string(),
            };
            ConfigError::single(Origin::File(path.to_path_buf()), message)
        })?;
        Self::parse(&text, path)
    }

    /// Parse the text of a configuration file; `origin` is its path, for messages and as
    /// the base of override globs.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let file = Origin::File(origin.to_path_buf());
        let mut walker = Walker::toml(file, text);
        let mut settings = match toml::de::DeTable::parse(text) {
            Ok(table) => walker.settings(&node::from_toml_table(&table)),
            Err(err) => {
                let message = err
                    .message()
                    .trim()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ");
                walker.problem(&err.span(), format!("invalid TOML: {message}"));
                Settings::default()
            }
        };
        finish(walker)?;
        // `path = "tools/shellcheck"` names a file next to the configuration; a bare name
        // is looked up in `PATH` when run.
        if let Some(program) = &mut settings.shellcheck.path
            && program.is_relative()
            && program.components().count() > 1
            && let Some(dir) = normalize(origin).parent()
        {
            *program = normalize(&dir.join(&*program));
        }
        Ok(Self {
            source: Some(origin.to_path_buf()),
            root: normalize(origin).parent().map(Path::to_path_buf),
            settings,
            cli: RuleSettings::default(),
            same_for_all: std::sync::OnceLock::new(),
        })
    }

    /// Overlay editor settings: the same schema as a JSON object (camelCase keys accepted,
    /// `null` meaning absent). Keys present replace the configuration's; tables of rules,
    /// build arguments and labels merge key by key. Nothing changes on error.
    pub fn merge_json(&mut self, value: &serde_json::Value) -> Result<(), ConfigError> {
        self.same_for_all = std::sync::OnceLock::new();
        let mut walker = Walker::json(Origin::Settings);
        let settings = walker.settings(&node::from_json(value));
        finish(walker)?;
        self.settings.overlay(settings);
        Ok(())
    }

    /// Apply `--select` (replaces), `--extend-select` and `--ignore` (add); each value is
    /// a rule code, a rule name, a category or `ALL`. They win over every override.
    pub fn apply_cli(
        &mut self,
        select: Option<&[String]>,
        extend_select: &[String],
        ignore: &[String],
    ) -> Result<(), ConfigError> {
        self.same_for_all = std::sync::OnceLock::new();
        let mut problems = Vec::new();
        let mut parse = |flag: &str, values: &[String]| -> Vec<Selector> {
            values
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .filter_map(|v| {
                    let parsed = Selector::parse(v);
                    if parsed.is_none() {
                        problems.push(ConfigProblem {
                            origin: Origin::CommandLine,
                            span: None,
                            position: None,
                            message: format!("{flag}: {}", schema::unknown_selector(v)),
                        });
                    }
                    parsed
                })
                .collect()
        };
        let select = select.map(|s| parse("--select", s));
        let extend = parse("--extend-select", extend_select);
        let ignore = parse("--ignore", ignore);
        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        if select.is_some() {
            self.cli.select = select;
        }
        self.cli
            .extend_select
            .get_or_insert_with(Vec::new)
            .extend(extend);
        self.cli.ignore.get_or_insert_with(Vec::new).extend(ignore);
        Ok(())
    }

    /// `--shellcheck` / `--no-shellcheck`: turn ShellCheck on or off whatever the
    /// configuration says.
    pub fn set_shellcheck_enabled(&mut self, enabled: bool) {
        self.same_for_all = std::sync::OnceLock::new();
        self.settings.shellcheck.enabled = Some(enabled);
    }

    /// The directory override globs are relative to (the configuration file's).
    pub fn set_root(&mut self, dir: &Path) {
        self.same_for_all = std::sync::OnceLock::new();
        self.root = Some(normalize(dir));
    }

    /// The file this configuration was loaded from.
    pub fn source_path(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// The rules that apply to the file at `path` (or to a file without a path), with
    /// their severities and options.
    pub fn for_file(&self, path: Option<&Path>) -> RuleSet {
        if self.settings.overrides.as_ref().is_none_or(Vec::is_empty) {
            // The same for every file: made once.
            return self
                .same_for_all
                .get_or_init(|| self.make_for_file(None))
                .clone();
        }
        self.make_for_file(path)
    }

    fn make_for_file(&self, path: Option<&Path>) -> RuleSet {
        let mut enabled = BTreeSet::new();
        let rules = &self.settings.rules;
        rules.apply(&mut enabled, true);
        let mut severity = rules.severity.clone();
        let mut options = rules.options.clone();
        if let (Some(path), Some(overrides)) = (path, &self.settings.overrides) {
            let relative = self.relative(path);
            for over in overrides {
                if relative
                    .as_deref()
                    .is_some_and(|p| over.matcher.is_match(p))
                {
                    over.rules.apply(&mut enabled, false);
                    severity.extend(over.rules.severity.iter().map(|(k, v)| (*k, *v)));
                    merge_options(&mut options, over.rules.options.clone());
                }
            }
        }
        self.cli.apply(&mut enabled, false);
        self.table_options(&mut options);
        RuleSet::new(
            crate::rules::registry()
                .iter()
                .filter(|e| enabled.contains(e.meta.code))
                .filter_map(|entry| {
                    let configured = severity.get(entry.meta.code).copied();
                    let severity = match configured {
                        Some(s) => Some(s.severity()?),
                        None => None,
                    };
                    Some(EnabledRule {
                        entry,
                        severity,
                        options: options.remove(entry.meta.code),
                    })
                })
                .collect(),
        )
    }

    /// `[registry] trusted` and `[labels] required` as the options of the rules that use
    /// them, unless `[rules.options.…]` gives those options itself.
    fn table_options(&self, options: &mut BTreeMap<&'static str, toml::Table>) {
        let mut give = |code: &'static str, key: &str, value: toml::Value| {
            let table = options.entry(code).or_default();
            if !table.contains_key(key) {
                table.insert(key.to_owned(), value);
            }
        };
        let trusted = self.trusted_registries();
        if !trusted.is_empty() {
            let list = trusted
                .iter()
                .map(|r| toml::Value::String(r.clone()))
                .collect();
            give("SE005", "registries", toml::Value::Array(list));
        }
        let required = self.required_labels();
        if !required.is_empty() {
            let table: toml::Table = required
                .iter()
                .map(|(name, schema)| {
                    (
                        name.clone(),
                        toml::Value::String(schema.as_str().to_owned()),
                    )
                })
                .collect();
            give("MA010", "labels", toml::Value::Table(table.clone()));
            give("MA011", "labels", toml::Value::Table(table));
        }
        if let Some(platform) = self.build_platform() {
            give(
                "CO022",
                "platform",
                toml::Value::String(platform.to_owned()),
            );
        }
    }

    /// `path` relative to the root, for override globs; `None` if it is outside.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        match &self.root {
            Some(root) => normalize(path)
                .strip_prefix(root)
                .ok()
                .map(Path::to_path_buf),
            None => Some(path.to_path_buf()),
        }
    }

    /// `[build] platform`: the target platform of the layer analysis.
    pub fn build_platform(&self) -> Option<&str> {
        self.settings.platform.as_deref()
    }

    /// `[build] target`: the stage to build.
    pub fn target(&self) -> Option<&str> {
        self.settings.target.as_deref()
    }

    /// `[build] build-args`.
    pub fn build_args(&self) -> &BTreeMap<String, String> {
        &self.settings.build_args
    }

    /// `[registry] offline` (default false).
    pub fn registry_offline(&self) -> bool {
        self.settings.offline.unwrap_or(false)
    }

    /// `[registry] mirrors`: Docker Hub mirrors.
    pub fn registry_mirrors(&self) -> &[String] {
        self.settings.mirrors.as_deref().unwrap_or_default()
    }

    /// `[registry] insecure`: registries reachable over plain HTTP.
    pub fn insecure_registries(&self) -> &[String] {
        self.settings.insecure.as_deref().unwrap_or_default()
    }

    /// `[registry] trusted`: trusted registries and repository prefixes.
    pub fn trusted_registries(&self) -> &[String] {
        self.settings.trusted.as_deref().unwrap_or_default()
    }

    /// `[labels] required`: label name to value schema.
    pub fn required_labels(&self) -> &BTreeMap<String, LabelSchema> {
        &self.settings.required_labels
    }

    /// `[editor] inlay-hints`, defaults filled in.
    pub fn inlay_hints(&self) -> InlayHintSettings {
        let given = self.settings.inlay_hints;
        let default = InlayHintSettings::default();
        InlayHintSettings {
            layers: given.layers.unwrap_or(default.layers),
            no_layer: given.no_layer.unwrap_or(default.no_layer),
            base: given.base.unwrap_or(default.base),
            total: given.total.unwrap_or(default.total),
        }
    }

    /// `[shellcheck]`, defaults filled in.
    pub fn shellcheck(&self) -> ShellcheckSettings {
        let given = &self.settings.shellcheck;
        let default = ShellcheckSettings::default();
        ShellcheckSettings {
            enabled: given.enabled.unwrap_or(default.enabled),
            path: given.path.clone().unwrap_or(default.path),
            exclude: given.exclude.clone().unwrap_or(default.exclude),
            severity: given.severity.unwrap_or(default.severity),
            timeout: given.timeout.unwrap_or(default.timeout),
        }
    }
}

/// The walker's problems as an error, in file order.
fn finish(walker: Walker<'_>) -> Result<(), ConfigError> {
    let mut problems = walker.problems;
    if problems.is_empty() {
        return Ok(());
    }
    // File order; settings without positions by key path.
    problems.sort_by(|a, b| {
        let key = |p: &ConfigProblem| (p.span.as_ref().map(|s| s.start), p.message.clone());
        key(a).cmp(&key(b))
    });
    Err(ConfigError { problems })
}

/// `path` made absolute against the current directory, `.` and `..` resolved lexically
/// (symbolic links are left alone, so paths compare as the user wrote them).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
