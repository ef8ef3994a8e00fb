//! The schema of `.dlint.toml` (and of the same settings as JSON): walks a [`Node`] tree,
//! collects every problem with the span of its key or value, and builds [`Settings`].
//!
//! TOML keys are kebab-case; JSON settings also accept camelCase (`extendSelect`,
//! `inlayHints`, `noLayer`) and treat `null` as an absent key.

use std::collections::BTreeMap;

use globset::{GlobBuilder, GlobSetBuilder};

use super::error::{ConfigProblem, Origin};
use super::node::{Entry, Node, Span, Value};
use super::{
    InlayHintOverlay, LabelSchema, Override, RuleSettings, RuleSeverity, Selector, Settings,
    ShellcheckLevel, ShellcheckOverlay,
};
use crate::diagnostic::Category;
use crate::text::LineIndex;

const TOP_KEYS: &[&str] = &[
    "rules",
    "overrides",
    "build",
    "registry",
    "labels",
    "editor",
    "shellcheck",
];
const RULE_KEYS: &[&str] = &["select", "extend-select", "ignore", "severity", "options"];
const OVERRIDE_KEYS: &[&str] = &[
    "files",
    "select",
    "extend-select",
    "ignore",
    "severity",
    "options",
];
const BUILD_KEYS: &[&str] = &["platform", "target", "build-args"];
const REGISTRY_KEYS: &[&str] = &["offline", "mirrors", "insecure", "trusted"];
const LABEL_KEYS: &[&str] = &["required"];
const EDITOR_KEYS: &[&str] = &["inlay-hints"];
const INLAY_KEYS: &[&str] = &["layers", "no-layer", "base", "total"];
const SHELLCHECK_KEYS: &[&str] = &["enabled", "path", "exclude", "severity", "timeout"];
/// The longest `[shellcheck] timeout`, in seconds.
const MAX_SHELLCHECK_TIMEOUT: f64 = 600.0;

/// Validates one configuration tree, remembering every problem.
pub(crate) struct Walker<'a> {
    origin: Origin,
    source: &'a str,
    index: Option<LineIndex>,
    json: bool,
    pub problems: Vec<ConfigProblem>,
}

/// `camelCase` as `kebab-case`; kebab-case stays as it is.
pub(crate) fn kebab(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A string for a message: `` `text` ``, shortened if long.
fn quote(s: &str) -> String {
    let mut short: String = s.chars().take(60).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    format!("`{short}`")
}

/// What was found instead, for "expected X, found Y".
fn found(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => quote(s),
        other => other.kind().to_owned(),
    }
}

impl<'a> Walker<'a> {
    /// A walker for a TOML file (`source` is its text, for line:col).
    pub fn toml(origin: Origin, source: &'a str) -> Self {
        Self {
            origin,
            source,
            index: Some(LineIndex::new(source)),
            json: false,
            problems: Vec::new(),
        }
    }

    /// A walker for JSON settings (`origin` is [`Origin::Settings`] or the command line).
    pub fn json(origin: Origin) -> Self {
        Self {
            origin,
            source: "",
            index: None,
            json: true,
            problems: Vec::new(),
        }
    }

    pub fn problem(&mut self, span: &Span, message: String) {
        let position = match (&self.index, span) {
            (Some(index), Some(span)) => Some(index.line_col(span.start, self.source)),
            _ => None,
        };
        self.problems.push(ConfigProblem {
            origin: self.origin.clone(),
            span: span.clone(),
            position,
            message,
        });
    }

    /// A problem with a value: `path: message`.
    fn bad(&mut self, node: &Node, path: &str, message: impl std::fmt::Display) {
        let message = if path.is_empty() {
            message.to_string()
        } else {
            format!("{path}: {message}")
        };
        self.problem(&node.span, message);
    }

    fn expected(&mut self, node: &Node, path: &str, what: &str) {
        let message = format!("expected {what}, found {}", found(node));
        self.bad(node, path, message);
    }

    /// The entries of a table whose keys are among `allowed` (as canonical kebab-case
    /// keys), reporting the others. `section` names the table in messages (`[rules]`).
    fn table<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        section: &str,
        allowed: &[&'static str],
    ) -> Vec<(&'static str, &'n Entry)> {
        let Value::Table(entries) = &node.value else {
            self.expected(node, path, "a table");
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries {
            if matches!(entry.node.value, Value::Null) {
                continue;
            }
            let name = if self.json {
                kebab(&entry.key)
            } else {
                entry.key.clone()
            };
            if let Some(key) = allowed.iter().find(|k| **k == name) {
                out.push((*key, entry));
                continue;
            }
            let expected = allowed.join(", ");
            let message = if self.json {
                format!(
                    "{}: unknown key; expected one of: {expected}",
                    join(path, &entry.key)
                )
            } else if section.is_empty() {
                format!(
                    "unknown key {}; expected one of: {expected}",
                    quote(&entry.key)
                )
            } else {
                format!(
                    "unknown key {} in {section}; expected one of: {expected}",
                    quote(&entry.key)
                )
            };
            self.problem(&entry.key_span, message);
        }
        out
    }

    /// The entries of a table with free keys (rule names, label names).
    fn map<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Entry] {
        if let Value::Table(entries) = &node.value {
            entries
        } else {
            self.expected(node, path, "a table");
            &[]
        }
    }

    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        if let Value::Str(s) = &node.value {
            Some(s.clone())
        } else {
            self.expected(node, path, "a string");
            None
        }
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        if let Value::Bool(b) = node.value {
            Some(b)
        } else {
            self.expected(node, path, "a boolean (true or false)");
            None
        }
    }

    /// An array of strings, each with its node; `None` (reported) if it is not one.
    fn strings<'n>(&mut self, node: &'n Node, path: &str) -> Option<Vec<(String, &'n Node)>> {
        let Value::Array(items) = &node.value else {
            self.expected(node, path, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match &item.value {
                Value::Str(s) => out.push((s.clone(), item)),
                _ => {
                    self.expected(item, path, "a string");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// An array of strings, each checked by `valid` (which says what is wrong).
    fn checked_strings(
        &mut self,
        node: &Node,
        path: &str,
        valid: impl Fn(&str) -> Result<(), String>,
    ) -> Option<Vec<String>> {
        let items = self.strings(node, path)?;
        let mut ok = true;
        for (s, item) in &items {
            if let Err(message) = valid(s) {
                self.bad(item, path, message);
                ok = false;
            }
        }
        ok.then(|| items.into_iter().map(|(s, _)| s).collect())
    }

    /// The whole document.
    pub fn settings(&mut self, root: &Node) -> Settings {
        let mut settings = Settings::default();
        for (key, entry) in self.table(root, "", "", TOP_KEYS) {
            let node = &entry.node;
            let path = entry.key.as_str();
            match key {
                "rules" => {
                    let entries = self.table(node, path, "[rules]", RULE_KEYS);
                    settings.rules = self.rule_settings(&entries, path);
                }
                "overrides" => settings.overrides = self.overrides(node, path),
                "build" => self.build(node, path, &mut settings),
                "registry" => self.registry(node, path, &mut settings),
                "labels" => {
                    for (_, entry) in self.table(node, path, "[labels]", LABEL_KEYS) {
                        let path = join(path, &entry.key);
                        settings.required_labels = self.required_labels(&entry.node, &path);
                    }
                }
                "editor" => {
                    for (_, entry) in self.table(node, path, "[editor]", EDITOR_KEYS) {
                        let path = join(path, &entry.key);
                        settings.inlay_hints = self.inlay_hints(&entry.node, &path);
                    }
                }
                "shellcheck" => settings.shellcheck = self.shellcheck(node, path),
                _ => {}
            }
        }
        settings
    }

    /// `select`, `extend-select`, `ignore`, `severity`, `options` of `[rules]` or of an
    /// override.
    fn rule_settings(&mut self, entries: &[(&'static str, &Entry)], path: &str) -> RuleSettings {
        let mut rules = RuleSettings::default();
        for (key, entry) in entries {
            let node = &entry.node;
            let path = join(path, &entry.key);
            match *key {
                "select" => rules.select = self.selectors(node, &path),
                "extend-select" => rules.extend_select = self.selectors(node, &path),
                "ignore" => rules.ignore = self.selectors(node, &path),
                "severity" => rules.severity = self.severities(node, &path),
                "options" => rules.options = self.options(node, &path),
                _ => {}
            }
        }
        rules
    }

    pub fn selectors(&mut self, node: &Node, path: &str) -> Option<Vec<Selector>> {
        let items = self.strings(node, path)?;
        let mut out = Vec::new();
        for (s, item) in items {
            match Selector::parse(&s) {
                Some(selector) => out.push(selector),
                None => self.bad(item, path, unknown_selector(&s)),
            }
        }
        Some(out)
    }

    /// A rule named by a table key; reports an unknown one and a rule given twice.
    fn rule_key(
        &mut self,
        entry: &Entry,
        path: &str,
        seen: &mut BTreeMap<&'static str, String>,
    ) -> Option<&'static str> {
        let Some(rule) = crate::rules::find(&entry.key) else {
            let message = format!(
                "{path}: unknown rule {}; expected a rule code (SY001) or name \
                 (unknown-instruction)",
                quote(&entry.key)
            );
            self.problem(&entry.key_span, message);
            return None;
        };
        let code = rule.meta.code;
        if let Some(first) = seen.insert(code, entry.key.clone()) {
            let message = format!(
                "{path}: {} and {} are the same rule",
                quote(&first),
                quote(&entry.key)
            );
            self.problem(&entry.key_span, message);
            return None;
        }
        Some(code)
    }

    fn severities(&mut self, node: &Node, path: &str) -> BTreeMap<&'static str, RuleSeverity> {
        let mut out = BTreeMap::new();
        let mut seen = BTreeMap::new();
        for entry in self.map(node, path) {
            if matches!(entry.node.value, Value::Null) {
                continue;
            }
            let Some(code) = self.rule_key(entry, path, &mut seen) else {
                continue;
            };
            let key_path = join(path, &entry.key);
            let Value::Str(s) = &entry.node.value else {
                self.expected(&entry.node, &key_path, "one of error, warning, info, off");
                continue;
            };
            match RuleSeverity::parse(s) {
                Some(severity) => {
                    out.insert(code, severity);
                }
                None => self.expected(&entry.node, &key_path, "one of error, warning, info, off"),
            }
        }
        out
    }

    /// `[rules.options.<rule>]` tables, each checked by the rule itself.
    fn options(&mut self, node: &Node, path: &str) -> BTreeMap<&'static str, toml::Table> {
        let mut out = BTreeMap::new();
        let mut seen = BTreeMap::new();
        for entry in self.map(node, path) {
            if matches!(entry.node.value, Value::Null) {
                continue;
            }
            let Some(code) = self.rule_key(entry, path, &mut seen) else {
                continue;
            };
            let key_path = join(path, &entry.key);
            let Value::Table(items) = &entry.node.value else {
                self.expected(&entry.node, &key_path, "a table of options");
                continue;
            };
            let mut table = toml::Table::new();
            for item in items {
                let name = if self.json {
                    kebab(&item.key)
                } else {
                    item.key.clone()
                };
                if let Some(value) = item.node.to_toml() {
                    table.insert(name, value);
                }
            }
            let Some(rule) = crate::rules::find(code) else {
                continue;
            };
            let mut state = (rule.new)();
            match state.configure(&table) {
                Ok(()) => {
                    out.insert(code, table);
                }
                Err(err) => {
                    let item = err.key.as_ref().and_then(|key| {
                        items.iter().find(|i| {
                            if self.json {
                                kebab(&i.key) == *key
                            } else {
                                i.key == *key
                            }
                        })
                    });
                    match item {
                        Some(item) => {
                            // "expected ..." blames the value; anything else the key.
                            let at = if err.message.starts_with("expected") {
                                &item.node.span
                            } else {
                                &item.key_span
                            };
                            let message =
                                format!("{}: {}", join(&key_path, &item.key), err.message);
                            self.problem(at, message);
                        }
                        None => {
                            let message = format!("{key_path}: {}", err.message);
                            self.problem(&entry.node.span, message);
                        }
                    }
                }
            }
        }
        out
    }

    fn overrides(&mut self, node: &Node, path: &str) -> Option<Vec<Override>> {
        let Value::Array(items) = &node.value else {
            self.expected(node, path, "an array of tables ([[overrides]])");
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{path}[{i}]");
            let entries = self.table(item, &path, "[[overrides]]", OVERRIDE_KEYS);
            if !matches!(item.value, Value::Table(_)) {
                continue;
            }
            let mut files = None;
            let mut rule_entries = Vec::new();
            for (key, entry) in entries {
                if key == "files" {
                    files = Some(entry);
                } else {
                    rule_entries.push((key, entry));
                }
            }
            let rules = self.rule_settings(&rule_entries, &path);
            let Some(files) = files else {
                self.bad(item, &path, "missing key `files` (the paths it applies to)");
                continue;
            };
            let files_path = join(&path, &files.key);
            if let Some(patterns) = self.strings(&files.node, &files_path) {
                if patterns.is_empty() {
                    self.bad(&files.node, &files_path, "expected at least one glob");
                    continue;
                }
                let mut builder = GlobSetBuilder::new();
                let mut ok = true;
                for (pattern, pattern_node) in &patterns {
                    match globs(pattern) {
                        Ok(list) => {
                            for glob in list {
                                builder.add(glob);
                            }
                        }
                        Err(message) => {
                            self.bad(pattern_node, &files_path, message);
                            ok = false;
                        }
                    }
                }
                match builder.build() {
                    Ok(matcher) if ok => out.push(Override { matcher, rules }),
                    Ok(_) => {}
                    Err(err) => self.bad(&files.node, &files_path, err),
                }
            }
        }
        Some(out)
    }

    fn build(&mut self, node: &Node, path: &str, settings: &mut Settings) {
        for (key, entry) in self.table(node, path, "[build]", BUILD_KEYS) {
            let path = join(path, &entry.key);
            let node = &entry.node;
            match key {
                "platform" => {
                    if let Some(platform) = self.string(node, &path) {
                        match crate::registry::manifest::Platform::parse(&platform) {
                            Ok(_) => settings.platform = Some(platform),
                            Err(err) => self.bad(node, &path, err),
                        }
                    }
                }
                "target" => {
                    if let Some(target) = self.string(node, &path) {
                        if target.trim().is_empty() {
                            self.bad(node, &path, "expected a stage name, found an empty string");
                        } else {
                            settings.target = Some(target);
                        }
                    }
                }
                "build-args" => {
                    for arg in self.map(node, &path) {
                        if matches!(arg.node.value, Value::Null) {
                            continue;
                        }
                        let arg_path = join(&path, &arg.key);
                        if arg.key.is_empty() || arg.key.contains(['=', ' ']) {
                            let message =
                                format!("{path}: invalid build argument name {}", quote(&arg.key));
                            self.problem(&arg.key_span, message);
                        } else if let Some(value) = self.string(&arg.node, &arg_path) {
                            settings.build_args.insert(arg.key.clone(), value);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn registry(&mut self, node: &Node, path: &str, settings: &mut Settings) {
        for (key, entry) in self.table(node, path, "[registry]", REGISTRY_KEYS) {
            let path = join(path, &entry.key);
            let node = &entry.node;
            match key {
                "offline" => settings.offline = self.boolean(node, &path),
                "mirrors" => settings.mirrors = self.checked_strings(node, &path, valid_mirror),
                "insecure" => settings.insecure = self.checked_strings(node, &path, valid_host),
                "trusted" => settings.trusted = self.checked_strings(node, &path, valid_prefix),
                _ => {}
            }
        }
    }

    fn required_labels(&mut self, node: &Node, path: &str) -> BTreeMap<String, LabelSchema> {
        let mut out = BTreeMap::new();
        for entry in self.map(node, path) {
            if matches!(entry.node.value, Value::Null) {
                continue;
            }
            let key_path = join(path, &entry.key);
            if entry.key.trim().is_empty() {
                let message = format!("{path}: a label name cannot be empty");
                self.problem(&entry.key_span, message);
                continue;
            }
            let expected = format!("one of {}", LabelSchema::NAMES.join(", "));
            match &entry.node.value {
                Value::Str(s) => match LabelSchema::parse(s) {
                    Some(schema) => {
                        out.insert(entry.key.clone(), schema);
                    }
                    None => self.expected(&entry.node, &key_path, &expected),
                },
                _ => self.expected(&entry.node, &key_path, &expected),
            }
        }
        out
    }

    fn inlay_hints(&mut self, node: &Node, path: &str) -> InlayHintOverlay {
        let mut out = InlayHintOverlay::default();
        for (key, entry) in self.table(node, path, "[editor.inlay-hints]", INLAY_KEYS) {
            let value = self.boolean(&entry.node, &join(path, &entry.key));
            match key {
                "layers" => out.layers = value,
                "no-layer" => out.no_layer = value,
                "base" => out.base = value,
                "total" => out.total = value,
                _ => {}
            }
        }
        out
    }
}

impl Walker<'_> {
    /// `[shellcheck]`: `enabled`, `path`, `exclude`, `severity`, `timeout`.
    fn shellcheck(&mut self, node: &Node, path: &str) -> ShellcheckOverlay {
        let mut out = ShellcheckOverlay::default();
        for (key, entry) in self.table(node, path, "[shellcheck]", SHELLCHECK_KEYS) {
            let path = join(path, &entry.key);
            let node = &entry.node;
            match key {
                "enabled" => out.enabled = self.boolean(node, &path),
                "path" => {
                    if let Some(program) = self.string(node, &path) {
                        if program.trim().is_empty() {
                            self.bad(
                                node,
                                &path,
                                "expected a program name or path, found an empty string",
                            );
                        } else {
                            out.path = Some(program.into());
                        }
                    }
                }
                "exclude" => {
                    let Some(items) = self.strings(node, &path) else {
                        continue;
                    };
                    let mut codes = Vec::new();
                    for (code, item) in items {
                        match crate::shellcheck::parse_code(&code) {
                            Some(code) => codes.push(code),
                            None => self.bad(
                                item,
                                &path,
                                format!(
                                    "expected a ShellCheck code such as SC2086, found {}",
                                    quote(&code)
                                ),
                            ),
                        }
                    }
                    out.exclude = Some(codes);
                }
                "severity" => {
                    let expected = format!("one of {}", ShellcheckLevel::NAMES.join(", "));
                    match &node.value {
                        Value::Str(s) => match ShellcheckLevel::parse(&s.to_ascii_lowercase()) {
                            Some(level) => out.severity = Some(level),
                            None => self.expected(node, &path, &expected),
                        },
                        _ => self.expected(node, &path, &expected),
                    }
                }
                "timeout" => {
                    let seconds = match node.value {
                        Value::Int(i) => Some(i as f64),
                        Value::Float(f) => Some(f),
                        _ => None,
                    };
                    match seconds {
                        Some(s) if s > 0.0 && s <= MAX_SHELLCHECK_TIMEOUT => {
                            out.timeout = Some(std::time::Duration::from_secs_f64(s));
                        }
                        _ => self.expected(
                            node,
                            &path,
                            "a number of seconds greater than 0 and at most 600",
                        ),
                    }
                }
                _ => {}
            }
        }
        out
    }
}

pub(crate) fn unknown_selector(s: &str) -> String {
    if crate::shellcheck::parse_code(s).is_some() {
        return format!(
            "{} is a ShellCheck code, not a rule: ShellCheck's findings are configured in \
             [shellcheck] (`exclude = [\"{}\"]`)",
            quote(s),
            s.trim().to_ascii_uppercase()
        );
    }
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    format!(
        "unknown rule or category {}; expected a rule code (SY001), a rule name \
         (unknown-instruction), a category ({}) or ALL",
        quote(s),
        categories.join(", ")
    )
}

/// The globs of one `files` pattern, gitignore-like: a pattern without `/` matches a file
/// name at any depth, one with `/` is relative to the configuration's directory (a leading
/// `/` is allowed), and a pattern that names a directory matches everything under it.
fn globs(pattern: &str) -> Result<Vec<globset::Glob>, String> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err("a glob cannot be empty".to_owned());
    }
    let anchored = trimmed.trim_start_matches("./");
    let base = if let Some(rest) = anchored.strip_prefix('/') {
        rest.to_owned()
    } else if anchored.trim_end_matches('/').contains('/') {
        anchored.to_owned()
    } else {
        format!("**/{anchored}")
    };
    let base = base.trim_end_matches('/');
    let build = |p: &str| {
        GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|err| format!("invalid glob {}: {}", quote(pattern), err.kind()))
    };
    Ok(vec![build(base)?, build(&format!("{base}/**"))?])
}

fn valid_mirror(s: &str) -> Result<(), String> {
    match url::Url::parse(s) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Ok(()),
        _ => Err(format!(
            "invalid mirror {}: expected an http(s) URL such as https://mirror.gcr.io",
            quote(s)
        )),
    }
}

fn valid_host(s: &str) -> Result<(), String> {
    let host = s.split(':').next().unwrap_or_default();
    let port_ok = s
        .split_once(':')
        .is_none_or(|(_, port)| port.parse::<u16>().is_ok());
    if host.is_empty() || s.contains("://") || s.contains(['/', ' ']) || !port_ok {
        Err(format!(
            "invalid registry {}: expected host[:port] such as localhost:5000",
            quote(s)
        ))
    } else {
        Ok(())
    }
}

fn valid_prefix(s: &str) -> Result<(), String> {
    if s.is_empty() || s.contains("://") || s.contains(char::is_whitespace) || s.starts_with('/') {
        Err(format!(
            "invalid registry {}: expected a registry or repository prefix such as \
             docker.io or ghcr.io/acme",
            quote(s)
        ))
    } else {
        Ok(())
    }
}
