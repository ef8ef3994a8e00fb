//! `--format sarif`: one SARIF 2.1.0 log (GitHub code scanning, VS Code's SARIF viewer).
//!
//! - One run whose `tool.driver` lists the rules that have findings, sorted by code, with
//!   their name, summary (`shortDescription`), what it does (`fullDescription`), the whole
//!   documentation page (`help`, Markdown),
//!   `helpUri` (the rule's page under `docs/rules/`), default level and, in `properties`,
//!   category, tags and the matching upstream check.
//! - Results in report order: `ruleId`, `ruleIndex`, `level` (`error`, `warning`, `note`
//!   for info), the message, one location, `relatedLocations` for related places, `fixes`
//!   (every edit as a replacement of a `deletedRegion` by `insertedContent`), and a
//!   `fingerprints` entry `dlint/v1` that does not change when lines move.
//! - Regions are 1-based with an exclusive end column, counted in UTF-16 code units (the
//!   SARIF default, stated as `columnKind: utf16CodeUnits`, and what GitHub assumes).
//! - Relative paths are percent-encoded URIs relative to `%SRCROOT%` (the directory dlint
//!   ran in); absolute paths become `file://` URIs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::render::{FileDiagnostics, normalized_path};
use crate::rules::{self, FixAvailability, RuleMeta};
use crate::text::TextRange;

/// The schema `$schema` names: the OASIS SARIF 2.1.0 (errata 01) schema.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the tool is described.
const INFORMATION_URI: &str = "https://github.com/dlint-dev/dlint";

/// The base of every rule's documentation page (as the language server links them).
const DOCS_BASE: &str = crate::lsp::settings::DEFAULT_DOCS_URL;

/// The base URI id relative paths are resolved against.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Markdown<'a>>,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    category: &'static str,
    tags: Vec<&'static str>,
    fix: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    upstream: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[expect(
    clippy::struct_field_names,
    reason = "SARIF names the field `physicalLocation`"
)]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: Applicability,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

/// Write the findings of all `files` as one SARIF log, followed by a newline.
pub fn render(out: &mut impl Write, files: &[FileDiagnostics<'_>]) -> io::Result<()> {
    // The rules that have findings, by code; a code the registry does not know (a
    // ShellCheck code) is described from its first finding.
    let mut metas: BTreeMap<&str, Result<&'static RuleMeta, &Diagnostic>> = BTreeMap::new();
    for d in files.iter().flat_map(|f| f.diagnostics) {
        metas
            .entry(d.code)
            .or_insert_with(|| rules::find(d.code).map(|entry| entry.meta).ok_or(d));
    }
    let index: BTreeMap<&str, usize> = metas.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules = metas.values().map(|meta| rule(*meta)).collect();

    let mut results = Vec::new();
    for file in files {
        let artifact = artifact_location(file.path);
        let fingerprints = file.fingerprints();
        for (d, fingerprint) in file.diagnostics.iter().zip(fingerprints) {
            results.push(result(file, &artifact, d, index[d.code], fingerprint));
        }
    }

    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "dlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn rule<'a>(meta: Result<&'static RuleMeta, &'a Diagnostic>) -> Rule<'a> {
    match meta {
        Ok(meta) => Rule {
            id: meta.code,
            name: meta.name,
            short_description: Text {
                text: meta.summary(),
            },
            full_description: Some(Text {
                text: what_it_does(meta.docs).unwrap_or(meta.summary()),
            }),
            help: Some(Markdown {
                text: meta.docs.trim(),
                markdown: meta.docs.trim(),
            }),
            help_uri: format!("{DOCS_BASE}/{}.md", meta.code),
            default_configuration: Configuration {
                level: level(meta.severity),
            },
            properties: RuleProperties {
                category: meta.category.as_str(),
                tags: vec![meta.category.as_str()],
                fix: match meta.fix {
                    FixAvailability::Always => "always",
                    FixAvailability::Sometimes => "sometimes",
                    FixAvailability::None => "none",
                },
                upstream: meta.upstream,
            },
        },
        // A ShellCheck code (`crate::shellcheck`): described by its first message, and
        // documented on ShellCheck's wiki.
        Err(d) if crate::shellcheck::is_code(d.code) => Rule {
            id: d.code,
            name: d.name,
            short_description: Text { text: &d.message },
            full_description: None,
            help: None,
            help_uri: crate::shellcheck::wiki_url(d.code),
            default_configuration: Configuration {
                level: level(d.severity),
            },
            properties: RuleProperties {
                category: d.category.as_str(),
                tags: vec![d.category.as_str(), crate::shellcheck::NAME],
                fix: if d.fix.is_some() { "sometimes" } else { "none" },
                upstream: Some(crate::shellcheck::NAME),
            },
        },
        Err(d) => Rule {
            id: d.code,
            name: d.name,
            short_description: Text { text: d.name },
            full_description: None,
            help: None,
            help_uri: format!("{DOCS_BASE}/{}.md", d.code),
            default_configuration: Configuration {
                level: level(d.severity),
            },
            properties: RuleProperties {
                category: d.category.as_str(),
                tags: vec![d.category.as_str()],
                fix: if d.fix.is_some() { "sometimes" } else { "none" },
                upstream: None,
            },
        },
    }
}

fn result<'a>(
    file: &FileDiagnostics<'a>,
    artifact: &ArtifactLocation,
    d: &'a Diagnostic,
    rule_index: usize,
    fingerprint: String,
) -> SarifResult<'a> {
    let physical = |range: TextRange| PhysicalLocation {
        artifact_location: artifact.clone(),
        region: region(file, range),
    };
    let fixes = d
        .fix
        .as_ref()
        .filter(|fix| !fix.edits.is_empty())
        .map(|fix| SarifFix {
            description: Text {
                text: d.help.as_deref().unwrap_or(d.message.as_str()),
            },
            artifact_changes: [ArtifactChange {
                artifact_location: artifact.clone(),
                replacements: fix
                    .edits
                    .iter()
                    .map(|edit| Replacement {
                        deleted_region: region(file, edit.range),
                        inserted_content: Text {
                            text: &edit.content,
                        },
                    })
                    .collect(),
            }],
            properties: FixProperties {
                applicability: fix.applicability,
            },
        });
    SarifResult {
        rule_id: d.code,
        rule_index,
        level: level(d.severity),
        message: Text { text: &d.message },
        locations: [Location {
            id: None,
            physical_location: physical(d.range),
            message: None,
        }],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, related)| Location {
                id: Some(i),
                physical_location: physical(related.range),
                message: Some(Text {
                    text: &related.message,
                }),
            })
            .collect(),
        fixes: fixes.into_iter().collect(),
        fingerprints: BTreeMap::from([("dlint/v1", fingerprint)]),
    }
}

/// The body of the `## What it does` section of a rule's docs.
fn what_it_does(docs: &str) -> Option<&str> {
    let (_, rest) = docs.split_once("## What it does\n")?;
    let body = rest.find("\n## ").map_or(rest, |end| &rest[..end]);
    Some(body.trim()).filter(|b| !b.is_empty())
}

const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(file: &FileDiagnostics<'_>, range: TextRange) -> Region {
    let start = file.position_utf16(range.start);
    let end = file.position_utf16(range.end);
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The artifact location of a shown path: relative to `%SRCROOT%`, or a `file:` URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    let path = normalized_path(path);
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_uri_path(&path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_uri_path(&path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encode everything in a path but unreserved characters and `/`, so that any file
/// name (spaces, `<stdin>`, non-ASCII, a colon that would read as a scheme) is a valid
/// relative URI reference.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::render::test_support::{diag, replace};
    use crate::text::LineIndex;

    fn sarif(path: &str, source: &str, diagnostics: &[Diagnostic]) -> serde_json::Value {
        let index = LineIndex::new(source);
        let file = FileDiagnostics {
            path,
            source,
            index: &index,
            diagnostics,
        };
        let mut out = Vec::new();
        render(&mut out, &[file]).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // `𝄞` is two UTF-16 code units, `é` one.
        let src = "LABEL é𝄞=1 WRONG\n";
        let log = sarif("Dockerfile", src, &[diag(src, "WRONG", Severity::Error)]);
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            region,
            &serde_json::json!({"startLine": 1, "startColumn": 13, "endLine": 1, "endColumn": 18})
        );
        assert_eq!(log["runs"][0]["columnKind"], "utf16CodeUnits");
    }

    #[test]
    fn rules_are_listed_once_and_indexed() {
        let src = "WRONG\nBAD\n";
        let log = sarif(
            "./a b/Dockerfile",
            src,
            &[
                diag(src, "WRONG", Severity::Warning),
                diag(src, "BAD", Severity::Info),
            ],
        );
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 1);
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "SY001");
        assert_eq!(run["results"][1]["ruleIndex"], 0);
        assert_eq!(run["results"][1]["level"], "note");
        let artifact = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "a%20b/Dockerfile");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    }

    #[test]
    fn shellcheck_codes_are_rules_linking_to_the_wiki() {
        let src = "FROM a\nRUN echo $x\n";
        let mut d = diag(src, "$x", Severity::Info);
        d.code = "SC2086";
        d.name = crate::shellcheck::NAME;
        d.message = "Double quote to prevent globbing and word splitting.".to_owned();
        let log = sarif("Dockerfile", src, &[d]);
        let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], "SC2086");
        assert_eq!(rule["name"], "shellcheck");
        assert_eq!(
            rule["shortDescription"]["text"],
            "Double quote to prevent globbing and word splitting."
        );
        assert_eq!(rule["helpUri"], "https://www.shellcheck.net/wiki/SC2086");
        assert_eq!(rule["properties"]["upstream"], "shellcheck");
        assert_eq!(log["runs"][0]["results"][0]["ruleId"], "SC2086");
    }

    #[test]
    fn fixes_replace_deleted_regions() {
        let src = "FROM a\nrun x\n";
        let mut d = diag(src, "run", Severity::Warning);
        d.fix = Some(replace(src, "run", "RUN"));
        let log = sarif("/abs/Dockerfile", src, &[d]);
        let fix = &log["runs"][0]["results"][0]["fixes"][0];
        assert_eq!(
            fix["artifactChanges"][0]["artifactLocation"]["uri"],
            "file:///abs/Dockerfile"
        );
        assert_eq!(
            fix["artifactChanges"][0]["replacements"][0],
            serde_json::json!({
                "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 4},
                "insertedContent": {"text": "RUN"}
            })
        );
    }
}
