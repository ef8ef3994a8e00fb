//! `dlint migrate`: turn a hadolint configuration (`.hadolint.yaml`) into a `.dlint.toml`.
//!
//! hadolint codes become dlint rule codes through each rule's `RuleMeta::upstream`
//! (`hadolint: DL3006, DL3007; buildkit: ...`). What has no dlint counterpart, and the
//! settings that are command-line flags in dlint (`failure-threshold`, `no-fail`, `format`,
//! `no-color`), become comments, so nothing in the old file is dropped silently. The output
//! is checked with [`Config::parse`] before it is printed or written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result, anyhow, bail};
use serde_yaml_ng::Value;

use crate::cli::{ExitStatus, MigrateArgs};
use crate::config::Config;
use crate::rules::registry;

/// The hadolint configuration file names looked for in the current directory.
const HADOLINT_FILES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// The file `--write` creates, in the current directory.
const OUTPUT: &str = ".dlint.toml";

pub(crate) fn migrate(args: &MigrateArgs) -> Result<ExitStatus> {
    let source = match &args.path {
        Some(path) => path.clone(),
        None => HADOLINT_FILES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .ok_or_else(|| {
                anyhow!(
                    "no .hadolint.yaml or .hadolint.yml in the current directory; name the \
                     hadolint configuration file: `dlint migrate PATH`"
                )
            })?,
    };
    let text =
        fs::read_to_string(&source).with_context(|| format!("cannot read {}", source.display()))?;
    let toml = convert(&text, &source)?;
    // The output must be a configuration dlint accepts; a failure here is a dlint bug.
    Config::parse(&toml, Path::new(OUTPUT))
        .map_err(|err| anyhow!("the generated configuration does not load: {err}"))?;
    if !args.write {
        let mut out = io::stdout().lock();
        out.write_all(toml.as_bytes())?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let target = Path::new(OUTPUT);
    write_new(target, toml.as_bytes(), args.force).map_err(|err| {
        if err.kind() == io::ErrorKind::AlreadyExists {
            anyhow!("{OUTPUT} already exists; pass --force to replace it")
        } else {
            anyhow!("cannot write {OUTPUT}: {err}")
        }
    })?;
    eprintln!("dlint: wrote {OUTPUT} from {}", source.display());
    Ok(ExitStatus::Success)
}

/// Distinguishes the temporary files of one process.
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Write `contents` to `path` atomically: a temporary file in the same directory, synced,
/// then renamed over `path` (`force`) or hard-linked to it, which fails with
/// `AlreadyExists` instead of replacing a file that appeared meanwhile.
fn write_new(path: &Path, contents: &[u8], force: bool) -> io::Result<()> {
    if !force && path.exists() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".dlint.toml.migrate-{}-{n}.tmp",
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => break (tmp, file),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {}
            Err(err) => return Err(err),
        }
    };
    let written = (|| {
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        if force {
            fs::rename(&tmp, path)
        } else {
            fs::hard_link(&tmp, path)?;
            fs::remove_file(&tmp)
        }
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// The dlint rules whose `upstream` names each hadolint code.
fn hadolint_map() -> BTreeMap<String, Vec<&'static str>> {
    let mut map: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for entry in registry() {
        let Some(upstream) = entry.meta.upstream else {
            continue;
        };
        for part in upstream.split(';') {
            let Some((tool, codes)) = part.split_once(':') else {
                continue;
            };
            if !tool.trim().eq_ignore_ascii_case("hadolint") {
                continue;
            }
            for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                map.entry(code.to_ascii_uppercase())
                    .or_default()
                    .push(entry.meta.code);
            }
        }
    }
    map
}

/// The hadolint codes of one dlint rule.
fn codes_of(map: &BTreeMap<String, Vec<&'static str>>, rule: &str) -> Vec<String> {
    map.iter()
        .filter(|(_, rules)| rules.contains(&rule))
        .map(|(code, _)| code.clone())
        .collect()
}

fn rule_name(code: &str) -> &'static str {
    registry()
        .iter()
        .find(|e| e.meta.code == code)
        .map_or("", |e| e.meta.name)
}

/// A TOML string (quoted and escaped), usable as a value or a key.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(quote).collect();
    format!("[{}]", items.join(", "))
}

/// The 1-based line of the first `key:` in `text` (also `"key":`, `- key:`), for messages
/// about values that parsed but do not fit the schema.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches(['"', '\'', '-', ' ']);
            l.strip_prefix(key)
                .map(|rest| rest.trim_start_matches(['"', '\'']).trim_start())
                .is_some_and(|rest| rest.starts_with(':'))
        })
        .map_or(1, |i| i + 1)
}

/// hadolint's keys in one spelling: lower case without `-` and `_` (`trustedRegistries`,
/// `trusted-registries`, `failure-threshold`, ...).
fn canonical(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What the hadolint file says, read into plain values.
#[derive(Default)]
struct Hadolint {
    ignored: Vec<String>,
    /// Level (`error`, `warning`, `info`, `style`) -> codes, in the file's order.
    overrides: Vec<(String, Vec<String>)>,
    trusted: Vec<String>,
    labels: Vec<(String, String)>,
    strict_labels: Option<bool>,
    failure_threshold: Option<String>,
    no_fail: Option<bool>,
    format: Option<String>,
    no_color: Option<bool>,
    disable_ignore_pragma: Option<bool>,
    /// Keys dlint has no use for, with their line.
    unknown: Vec<(String, usize)>,
}

/// Convert the text of a hadolint configuration (named `origin` in errors) into the text
/// of a `.dlint.toml`.
pub fn convert(text: &str, origin: &Path) -> Result<String> {
    let file = origin.display();
    let value: Value = serde_yaml_ng::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = err.to_string();
        let message = message
            .split_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        anyhow!("{file}:{line}:{column}: invalid YAML: {message}")
    })?;
    let config = read(&value, text, origin)?;
    Ok(render(&config, origin))
}

fn read(value: &Value, text: &str, origin: &Path) -> Result<Hadolint> {
    let file = origin.display();
    let mut config = Hadolint::default();
    let map = match value {
        Value::Null => return Ok(config),
        Value::Mapping(map) => map,
        _ => bail!("{file}:1: expected a mapping of hadolint settings (`ignored: [...]`, ...)"),
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            bail!("{file}:1: expected string keys, found {}", describe(key));
        };
        let line = line_of(text, key);
        let wrong = |expected: &str| {
            anyhow!(
                "{file}:{line}: `{key}`: expected {expected}, found {}",
                describe(value)
            )
        };
        match canonical(key).as_str() {
            "ignored" => config.ignored = strings(value).ok_or_else(|| wrong("a list of codes"))?,
            "override" => {
                let Some(levels) = value.as_mapping() else {
                    if value.is_null() {
                        continue;
                    }
                    return Err(wrong("a mapping of level to codes"));
                };
                for (level, codes) in levels {
                    let level = level
                        .as_str()
                        .map(str::to_ascii_lowercase)
                        .filter(|l| ["error", "warning", "info", "style"].contains(&l.as_str()))
                        .ok_or_else(|| {
                            anyhow!(
                                "{file}:{}: `override`: unknown level {}; expected one of: \
                                 error, warning, info, style",
                                level.as_str().map_or(line, |l| line_of(text, l)),
                                describe(level)
                            )
                        })?;
                    let codes = strings(codes).ok_or_else(|| {
                        anyhow!(
                            "{file}:{}: `override.{level}`: expected a list of codes, found {}",
                            line_of(text, &level),
                            describe(codes)
                        )
                    })?;
                    config.overrides.push((level, codes));
                }
            }
            "trustedregistries" => {
                config.trusted = strings(value).ok_or_else(|| wrong("a list of registries"))?;
            }
            "labelschema" => {
                let Some(labels) = value.as_mapping() else {
                    if value.is_null() {
                        continue;
                    }
                    return Err(wrong("a mapping of label name to type"));
                };
                for (name, kind) in labels {
                    let (Some(name), Some(kind)) = (scalar(name), kind.as_str()) else {
                        return Err(wrong("a mapping of label name to type"));
                    };
                    config.labels.push((name, kind.to_owned()));
                }
            }
            "strictlabels" => {
                config.strict_labels = Some(value.as_bool().ok_or_else(|| wrong("true or false"))?);
            }
            "failurethreshold" => {
                config.failure_threshold = Some(
                    value
                        .as_str()
                        .ok_or_else(|| wrong("a severity"))?
                        .to_ascii_lowercase(),
                );
            }
            "nofail" => {
                config.no_fail = Some(value.as_bool().ok_or_else(|| wrong("true or false"))?);
            }
            "format" => {
                config.format = Some(value.as_str().ok_or_else(|| wrong("a format"))?.to_owned());
            }
            "nocolor" => {
                config.no_color = Some(value.as_bool().ok_or_else(|| wrong("true or false"))?);
            }
            "disableignorepragma" => {
                config.disable_ignore_pragma =
                    Some(value.as_bool().ok_or_else(|| wrong("true or false"))?);
            }
            _ => config.unknown.push((key.to_owned(), line)),
        }
    }
    Ok(config)
}

/// A list of scalars as strings; a single scalar counts as a list of one, `null` as empty.
fn strings(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Sequence(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|s| vec![s]),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Sequence(items) => items.iter().find(|i| scalar(i).is_none()).map_or_else(
            || "a list".to_owned(),
            |i| format!("a list holding {}", describe(i)),
        ),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}

/// hadolint's label types -> dlint's schemas (`hash` is hadolint's Git commit hash).
fn label_schema(kind: &str) -> Option<&'static str> {
    Some(match kind.to_ascii_lowercase().as_str() {
        "text" => "text",
        "url" => "url",
        "email" => "email",
        "semver" => "semver",
        "rfc3339" => "rfc3339",
        "hash" => "git-hash",
        "spdx" => "spdx",
        _ => return None,
    })
}

/// hadolint's `--format` -> dlint's `--format`.
fn output_format(format: &str) -> Option<&'static str> {
    Some(match format.to_ascii_lowercase().as_str() {
        "tty" => "full",
        "json" => "json",
        "checkstyle" => "checkstyle",
        "sarif" => "sarif",
        "gnu" => "concise",
        "codeclimate" | "gitlab_codeclimate" => "gitlab",
        _ => return None,
    })
}

/// Severity order for conflicting overrides: the strongest wins.
fn rank(severity: &str) -> u8 {
    match severity {
        "error" => 3,
        "warning" => 2,
        _ => 1,
    }
}

fn render(config: &Hadolint, origin: &Path) -> String {
    let map = hadolint_map();
    let mut out = String::new();
    let name = origin.file_name().map_or_else(
        || origin.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let _ = writeln!(
        out,
        "# Migrated from {name} by `dlint migrate`: hadolint codes became dlint rules through\n\
         # the `upstream` column of `dlint rules`."
    );
    let mut missing: BTreeSet<String> = BTreeSet::new();

    // [rules] ignore: every dlint rule that stands for an ignored code.
    let ignored: BTreeSet<String> = config
        .ignored
        .iter()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut ignore: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for code in &ignored {
        match map.get(code) {
            Some(rules) => {
                for rule in rules {
                    ignore.entry(*rule).or_default().push(code.clone());
                }
            }
            None => {
                missing.insert(code.clone());
            }
        }
    }
    // [rules.severity]: the strongest level any of a rule's codes asks for.
    let mut severity: BTreeMap<&'static str, (String, Vec<String>)> = BTreeMap::new();
    let mut conflicts: Vec<String> = Vec::new();
    for (level, codes) in &config.overrides {
        let level = if level == "style" {
            "info"
        } else {
            level.as_str()
        };
        for code in codes {
            let code = code.to_ascii_uppercase();
            let Some(rules) = map.get(&code) else {
                missing.insert(code);
                continue;
            };
            for rule in rules {
                if ignore.contains_key(rule) {
                    continue;
                }
                match severity.get_mut(rule) {
                    Some((old, from)) => {
                        if old != level {
                            conflicts.push(format!(
                                "# {rule} ({}): {} asked for `{old}`, {code} for `{level}`; the \
                                 stronger one is kept",
                                rule_name(rule),
                                from.join(", ")
                            ));
                            if rank(level) > rank(old) {
                                level.clone_into(old);
                            }
                        }
                        from.push(code.clone());
                    }
                    None => {
                        severity.insert(*rule, (level.to_owned(), vec![code.clone()]));
                    }
                }
            }
        }
    }

    if !ignore.is_empty() || !missing.is_empty() {
        out.push_str("\n[rules]\n");
        if !ignore.is_empty() {
            out.push_str("ignore = [\n");
            for (rule, codes) in &ignore {
                let _ = writeln!(
                    out,
                    "    {}, # {}: {}",
                    quote(rule),
                    rule_name(rule),
                    codes.join(", ")
                );
            }
            out.push_str("]\n");
            for (rule, codes) in &ignore {
                let others: Vec<String> = codes_of(&map, rule)
                    .into_iter()
                    .filter(|c| !codes.contains(c))
                    .collect();
                if !others.is_empty() {
                    let _ = writeln!(
                        out,
                        "# {rule} ({}) also checks what {} does, which was not ignored",
                        rule_name(rule),
                        others.join(", ")
                    );
                }
            }
        }
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "# no dlint rule yet for: {} (nothing to ignore or re-level)",
                list.join(", ")
            );
        }
    }
    if !severity.is_empty() {
        out.push_str("\n[rules.severity]\n");
        for (rule, (level, codes)) in &severity {
            let _ = writeln!(
                out,
                "{rule} = {} # {}: {}",
                quote(level),
                rule_name(rule),
                codes.join(", ")
            );
        }
        for line in &conflicts {
            let _ = writeln!(out, "{line}");
        }
    }
    if config.strict_labels == Some(true) {
        out.push_str("\n[rules.options.missing-label]\nstrict-labels = true\n");
    }
    if !config.trusted.is_empty() {
        let _ = writeln!(
            out,
            "\n[registry]\ntrusted = {}",
            quoted_list(config.trusted.iter().map(String::as_str))
        );
    }
    let mut unknown_types = Vec::new();
    let labels: Vec<String> = config
        .labels
        .iter()
        .filter_map(|(name, kind)| match label_schema(kind) {
            Some(schema) => Some(format!("{} = {}", quote(name), quote(schema))),
            None => {
                unknown_types.push(format!("{name} ({kind})"));
                None
            }
        })
        .collect();
    if !labels.is_empty() || !unknown_types.is_empty() {
        out.push('\n');
        if !labels.is_empty() {
            out.push_str("[labels.required]\n");
            for label in &labels {
                let _ = writeln!(out, "{label}");
            }
        }
        if !unknown_types.is_empty() {
            let _ = writeln!(
                out,
                "# label types dlint does not know, left out: {}",
                unknown_types.join(", ")
            );
        }
    }

    // Settings that are command-line flags in dlint.
    let mut flags = Vec::new();
    if let Some(threshold) = &config.failure_threshold {
        let flag = match threshold.as_str() {
            "error" => Some("--fail-level error".to_owned()),
            "warning" => Some("--fail-level warning".to_owned()),
            "info" | "style" => Some("--fail-level info".to_owned()),
            "none" | "ignore" => Some("--no-fail".to_owned()),
            _ => None,
        };
        flags.push(match flag {
            Some(flag) => format!("failure-threshold: {threshold} -> `dlint check {flag}`"),
            None => format!("failure-threshold: {threshold} -> no dlint equivalent"),
        });
    }
    if config.no_fail == Some(true) {
        flags.push("no-fail: true -> `dlint check --no-fail`".to_owned());
    }
    if let Some(format) = &config.format {
        flags.push(match output_format(format) {
            Some(ours) => format!("format: {format} -> `dlint check --format {ours}`"),
            None => format!(
                "format: {format} -> no such dlint format (full, concise, json, sarif, github, \
                 checkstyle, gitlab)"
            ),
        });
    }
    if config.no_color == Some(true) {
        flags.push("no-color: true -> `dlint check --color never` (or NO_COLOR=1)".to_owned());
    }
    if config.disable_ignore_pragma == Some(true) {
        flags.push(
            "disable-ignore-pragma: true -> no dlint equivalent; `# hadolint ignore=` comments \
             stay honoured"
                .to_owned(),
        );
    }
    for (key, line) in &config.unknown {
        flags.push(format!(
            "{key} (line {line}): not a setting dlint knows, left out"
        ));
    }
    if !flags.is_empty() {
        out.push_str("\n# Command-line settings in dlint, not configuration:\n");
        for flag in &flags {
            let _ = writeln!(out, "# {flag}");
        }
    }
    out
}
