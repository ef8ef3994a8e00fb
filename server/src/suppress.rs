//! Inline suppressions: `# dlint ignore=` pragmas, hadolint's and BuildKit's.
//!
//! - `# dlint ignore=CODE[,CODE...] [-- reason]` on the comment lines directly above an
//!   instruction suppresses the findings of those rules (codes, names, categories or
//!   `all`) whose range starts within that instruction; inside an instruction's line
//!   continuation it applies to that instruction.
//! - `# dlint global ignore=...` anywhere suppresses them in the whole file.
//! - `# hadolint ignore=DL3008,...` and `# hadolint global ignore=...` suppress the rules
//!   whose `upstream` names those hadolint codes.
//! - BuildKit's `# check=skip=StageNameCasing,...` parser directive (or `skip=all`), only
//!   at the top of the file as BuildKit reads it, suppresses the rules whose `upstream`
//!   names those checks, in the whole file.
//! - ShellCheck codes (`SC2086`) name ShellCheck's findings ([`crate::shellcheck`]), in
//!   dlint's comments and in hadolint's (which passes them to ShellCheck);
//!   `# dlint ignore=shellcheck` names every ShellCheck code.
//!
//! Which codes suppressed nothing, or name no rule, is kept ([`Suppressions::unused`]) so
//! that a caller can report them.

use crate::config::Selector;
use crate::diagnostic::{Diagnostic, Edit};
use crate::model::Dockerfile;
use crate::rules::{RuleMeta, registry};
use crate::text::TextRange;

/// Which syntax a suppression was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// `# dlint ignore=...`
    Dlint,
    /// `# hadolint ignore=...`
    Hadolint,
    /// `# check=skip=...`
    Buildkit,
}

impl SuppressionKind {
    /// The tool name used in `RuleMeta::upstream` (`hadolint: DL3008`).
    const fn upstream_tool(self) -> Option<&'static str> {
        match self {
            Self::Dlint => None,
            Self::Hadolint => Some("hadolint"),
            Self::Buildkit => Some("buildkit"),
        }
    }
}

/// Where a suppression applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The instruction at this index of [`Dockerfile::instructions`].
    Instruction(usize),
    /// The whole file.
    File,
    /// Nowhere: a non-global comment not directly above an instruction.
    Detached,
}

/// One code of a suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedCode {
    /// As written.
    pub text: String,
    pub range: TextRange,
    /// `all`.
    pub all: bool,
    /// The dlint rules (or ShellCheck codes) it names; empty when it names none.
    pub rules: Vec<&'static str>,
    /// `shellcheck`: every ShellCheck code.
    pub shellcheck: bool,
    /// Whether it suppressed a finding.
    pub used: bool,
}

impl SuppressedCode {
    fn covers(&self, code: &str) -> bool {
        self.all
            || self.rules.contains(&code)
            || self.shellcheck && crate::shellcheck::is_code(code)
    }

    /// Whether it names a rule (or is `all`).
    pub fn is_known(&self) -> bool {
        self.all || self.shellcheck || !self.rules.is_empty()
    }

    /// Whether it names ShellCheck findings only, which exist only when ShellCheck ran.
    pub fn is_shellcheck(&self) -> bool {
        self.shellcheck
            || !self.rules.is_empty() && self.rules.iter().all(|r| crate::shellcheck::is_code(r))
    }
}

/// One suppression comment or directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub scope: Scope,
    /// The comment line from `#`, or the directive.
    pub range: TextRange,
    pub codes: Vec<SuppressedCode>,
    /// The text after `--`.
    pub reason: Option<String>,
}

/// A code that suppressed nothing or names no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedSuppression {
    pub kind: SuppressionKind,
    /// The code as written.
    pub code: String,
    pub range: TextRange,
    /// False when it names no rule (for hadolint and BuildKit: no rule dlint maps there).
    pub known: bool,
    /// The whole comment or directive.
    pub comment: TextRange,
}

/// The suppressions of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    items: Vec<Suppression>,
    /// The range of each instruction, by index.
    instructions: Vec<TextRange>,
}

/// A parsed `# <tool> [global] ignore=a,b [-- reason]` comment; offsets relative to the
/// text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pragma {
    kind: SuppressionKind,
    global: bool,
    /// `(code, start, end)`.
    codes: Vec<(String, usize, usize)>,
    /// Where the code list ends (to append `,CODE`).
    codes_end: usize,
    reason: Option<String>,
}

/// Skips spaces and tabs from `at`.
fn skip_space(s: &str, at: usize) -> usize {
    at + (s[at..].len() - s[at..].trim_start_matches([' ', '\t']).len())
}

/// The word (letters only) at `at`, lower-cased, and where it ends.
fn word(s: &str, at: usize) -> (String, usize) {
    let len = s[at..].bytes().take_while(u8::is_ascii_alphabetic).count();
    (s[at..at + len].to_ascii_lowercase(), at + len)
}

/// Parse a comment line (leading blanks allowed) as a suppression pragma.
fn parse_pragma(line: &str) -> Option<Pragma> {
    let mut at = skip_space(line, 0);
    at += line[at..].strip_prefix('#').map(|_| 1)?;
    at = skip_space(line, at);
    let (tool, end) = word(line, at);
    let kind = match tool.as_str() {
        "dlint" => SuppressionKind::Dlint,
        "hadolint" => SuppressionKind::Hadolint,
        _ => return None,
    };
    at = skip_space(line, end);
    if at == end {
        return None;
    }
    let (mut verb, mut end) = word(line, at);
    let global = verb == "global";
    if global {
        at = skip_space(line, end);
        if at == end {
            return None;
        }
        (verb, end) = word(line, at);
    }
    if verb != "ignore" {
        return None;
    }
    at = skip_space(line, end);
    at += line[at..].strip_prefix('=').map(|_| 1)?;
    at = skip_space(line, at);
    let mut codes = Vec::new();
    let mut codes_end = at;
    loop {
        let len = line[at..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .count();
        // `--` starts the reason, not a code.
        if len == 0 || line[at..].starts_with("--") {
            break;
        }
        codes.push((line[at..at + len].to_owned(), at, at + len));
        codes_end = at + len;
        let next = skip_space(line, codes_end);
        match line[next..].strip_prefix(',') {
            Some(_) => at = skip_space(line, next + 1),
            None => break,
        }
    }
    if codes.is_empty() {
        return None;
    }
    let rest = line[codes_end..].trim();
    let reason = rest.strip_prefix("--").unwrap_or(rest).trim();
    Some(Pragma {
        kind,
        global,
        codes,
        codes_end,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    })
}

/// The `(tool, code)` pairs of a rule's `upstream`: `hadolint: DL3006, DL3007`, several
/// tools separated by `;`.
fn upstream_codes(meta: &RuleMeta) -> impl Iterator<Item = (&'static str, &'static str)> {
    meta.upstream
        .into_iter()
        .flat_map(|u| u.split(';'))
        .filter_map(|part| part.split_once(':'))
        .flat_map(|(tool, codes)| {
            codes
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(move |code| (tool.trim(), code))
        })
}

/// What a code of a suppression names.
#[derive(Debug, Default, PartialEq, Eq)]
struct Resolved {
    /// `all`.
    all: bool,
    /// `shellcheck` (dlint comments only).
    shellcheck: bool,
    /// Rule codes, or a ShellCheck code.
    rules: Vec<&'static str>,
}

/// What a code of `kind` names.
fn resolve(kind: SuppressionKind, code: &str) -> Resolved {
    if code.eq_ignore_ascii_case("all") {
        return Resolved {
            all: true,
            ..Resolved::default()
        };
    }
    if kind != SuppressionKind::Buildkit
        && let Some(sc) = crate::shellcheck::parse_code(code)
    {
        return Resolved {
            rules: vec![sc],
            ..Resolved::default()
        };
    }
    if kind == SuppressionKind::Dlint && code.eq_ignore_ascii_case(crate::shellcheck::NAME) {
        return Resolved {
            shellcheck: true,
            ..Resolved::default()
        };
    }
    let rules = match kind.upstream_tool() {
        None => match Selector::parse(code) {
            Some(Selector::All) => {
                return Resolved {
                    all: true,
                    ..Resolved::default()
                };
            }
            Some(Selector::Category(category)) => registry()
                .iter()
                .filter(|e| e.meta.category == category)
                .map(|e| e.meta.code)
                .collect(),
            Some(Selector::Rule(rule)) => vec![rule],
            None => Vec::new(),
        },
        Some(tool) => registry()
            .iter()
            .filter(|e| {
                upstream_codes(e.meta)
                    .any(|(t, c)| t.eq_ignore_ascii_case(tool) && c.eq_ignore_ascii_case(code))
            })
            .map(|e| e.meta.code)
            .collect(),
    };
    Resolved {
        rules,
        ..Resolved::default()
    }
}

fn suppressed_code(kind: SuppressionKind, text: &str, range: TextRange) -> SuppressedCode {
    let Resolved {
        all,
        shellcheck,
        rules,
    } = resolve(kind, text);
    SuppressedCode {
        text: text.to_owned(),
        range,
        all,
        rules,
        shellcheck,
        used: false,
    }
}

impl Suppressions {
    /// Every suppression of a parsed file.
    pub fn parse(file: &Dockerfile, source: &str) -> Self {
        let index = &file.line_index;
        let instructions: Vec<TextRange> = file.instructions.iter().map(|i| i.range).collect();
        // The 0-based first line of each instruction, to attach comments above them.
        let first_lines: Vec<usize> = instructions
            .iter()
            .map(|r| index.line_of(r.start))
            .collect();
        let comment_lines: std::collections::BTreeSet<usize> = file
            .comments
            .iter()
            .filter(|c| !c.inside_instruction)
            .map(|c| index.line_of(c.range.start))
            .collect();
        let mut items = Vec::new();
        for comment in &file.comments {
            let text = comment.range.slice(source);
            let Some(pragma) = parse_pragma(text) else {
                continue;
            };
            let scope = if pragma.global {
                Scope::File
            } else if comment.inside_instruction {
                instructions
                    .iter()
                    .position(|r| r.start <= comment.range.start && comment.range.start < r.end)
                    .map_or(Scope::Detached, Scope::Instruction)
            } else {
                // The first instruction below, if only comment lines separate them.
                let line = index.line_of(comment.range.start);
                let next = first_lines.iter().position(|&l| l > line);
                match next {
                    Some(i) if (line + 1..first_lines[i]).all(|l| comment_lines.contains(&l)) => {
                        Scope::Instruction(i)
                    }
                    _ => Scope::Detached,
                }
            };
            let base = comment.range.start;
            let codes = pragma
                .codes
                .iter()
                .map(|(code, start, end)| {
                    suppressed_code(pragma.kind, code, TextRange::new(base + start, base + end))
                })
                .collect();
            items.push(Suppression {
                kind: pragma.kind,
                scope,
                range: comment.range,
                codes,
                reason: pragma.reason,
            });
        }
        if let Some(check) = file.directive("check") {
            items.extend(check_skip(check));
        }
        items.sort_by_key(|s| s.range.start);
        Self {
            items,
            instructions,
        }
    }

    pub fn items(&self) -> &[Suppression] {
        &self.items
    }

    /// Whether a finding is suppressed; marks the codes that suppress it as used.
    pub fn suppresses(&mut self, diagnostic: &Diagnostic) -> bool {
        let at = diagnostic.range.start;
        let mut hit = false;
        for item in &mut self.items {
            let applies = match item.scope {
                Scope::File => true,
                Scope::Instruction(i) => self
                    .instructions
                    .get(i)
                    .is_some_and(|r| r.start <= at && at <= r.end),
                Scope::Detached => false,
            };
            if !applies {
                continue;
            }
            for code in &mut item.codes {
                if code.covers(diagnostic.code) {
                    code.used = true;
                    hit = true;
                }
            }
        }
        hit
    }

    /// The findings that are not suppressed.
    pub fn apply(&mut self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|d| !self.suppresses(d))
            .collect()
    }

    /// The codes that suppressed nothing so far or name no rule, in file order.
    pub fn unused(&self) -> Vec<UnusedSuppression> {
        self.items
            .iter()
            .flat_map(|item| {
                item.codes
                    .iter()
                    .filter(|c| !c.used)
                    .map(|c| UnusedSuppression {
                        kind: item.kind,
                        code: c.text.clone(),
                        range: c.range,
                        known: c.is_known(),
                        comment: item.range,
                    })
            })
            .collect()
    }
}

/// The `skip=` part of a `# check=` directive: `skip=A,B;error=true`, or `skip=all`.
fn check_skip(directive: &crate::model::Directive) -> Option<Suppression> {
    let value = &directive.value.value;
    let base = directive.value.range.start;
    let mut offset = 0;
    let mut codes = Vec::new();
    for part in value.split(';') {
        let part_start = offset;
        offset += part.len() + 1;
        let Some((key, list)) = part.split_once('=') else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("skip") {
            continue;
        }
        let mut at = part_start + key.len() + 1;
        for name in list.split(',') {
            let lead = name.len() - name.trim_start().len();
            let trimmed = name.trim();
            if !trimmed.is_empty() {
                let start = base + at + lead;
                codes.push(suppressed_code(
                    SuppressionKind::Buildkit,
                    trimmed,
                    TextRange::new(start, start + trimmed.len()),
                ));
            }
            at += name.len() + 1;
        }
    }
    if codes.is_empty() {
        return None;
    }
    Some(Suppression {
        kind: SuppressionKind::Buildkit,
        scope: Scope::File,
        range: directive.range,
        codes,
        reason: None,
    })
}

/// The edit that removes code `i` of a `# dlint ignore=` comment when the codes marked in
/// `removed` all go (MA021's fix): the code and the comma that separates it from a code
/// that stays; when no code stays, the whole comment line with its reason.
pub fn removal_edit(
    file: &Dockerfile,
    source: &str,
    item: &Suppression,
    removed: &[bool],
    i: usize,
) -> Edit {
    let codes = &item.codes;
    let gone = |j: usize| removed.get(j).copied().unwrap_or(false);
    let range = if (0..codes.len()).all(gone) {
        let index = &file.line_index;
        let line = index.line_of(item.range.start);
        let mut start = index.line_range(line, source).start;
        if line == 0 {
            start += file.bom;
        }
        let end = if line + 1 < index.line_count() {
            index.line_range(line + 1, source).start
        } else {
            source.len()
        };
        TextRange::new(start, end)
    } else if (0..i).any(|j| !gone(j)) {
        // `A,B` → `A`: from the end of the code before.
        TextRange::new(codes[i - 1].range.end, codes[i].range.end)
    } else {
        // `A,B` → `B`: up to the start of the code after (one stays after it).
        let next = codes
            .get(i + 1)
            .map_or(codes[i].range.end, |c| c.range.start);
        TextRange::new(codes[i].range.start, next)
    };
    Edit {
        range,
        content: String::new(),
    }
}

/// The edit behind "ignore this rule for this instruction": adds `,CODE` to a
/// `# dlint ignore=` comment on the line directly above instruction `instruction_index`,
/// or inserts `# dlint ignore=CODE` above it with its indentation. An empty edit when the
/// comment already names the code or there is no such instruction.
pub fn ignore_comment_edit(
    file: &Dockerfile,
    source: &str,
    instruction_index: usize,
    code: &str,
) -> Edit {
    let Some(ins) = file.instructions.get(instruction_index) else {
        return Edit {
            range: TextRange::empty(source.len()),
            content: String::new(),
        };
    };
    let index = &file.line_index;
    let line = index.line_of(ins.range.start);
    let mut line_start = index.line_range(line, source).start;
    if line == 0 {
        line_start += file.bom;
    }
    let indent: String = source
        .get(line_start..ins.range.start)
        .unwrap_or_default()
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .collect();
    if line > 0 {
        let above = index.line_range(line - 1, source);
        if let Some(pragma) = parse_pragma(above.slice(source))
            && pragma.kind == SuppressionKind::Dlint
            && !pragma.global
        {
            let at = above.start + pragma.codes_end;
            let wanted = resolve(SuppressionKind::Dlint, code).rules;
            let present = pragma.codes.iter().any(|(c, _, _)| {
                c.eq_ignore_ascii_case(code) || {
                    let named = resolve(SuppressionKind::Dlint, c);
                    named.all
                        || named.shellcheck && crate::shellcheck::is_code(code)
                        || (!wanted.is_empty() && wanted.iter().all(|w| named.rules.contains(w)))
                }
            });
            return Edit {
                range: TextRange::empty(at),
                content: if present {
                    String::new()
                } else {
                    format!(",{code}")
                },
            };
        }
    }
    let line_end = index.line_range(line, source).end;
    let eol = if source[line_end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    Edit {
        range: TextRange::empty(line_start),
        content: format!("{indent}# dlint ignore={code}{eol}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn pragma(line: &str) -> Option<(SuppressionKind, bool, Vec<String>, Option<String>)> {
        parse_pragma(line).map(|p| {
            (
                p.kind,
                p.global,
                p.codes.into_iter().map(|c| c.0).collect(),
                p.reason,
            )
        })
    }

    #[test]
    fn pragmas_are_recognised_leniently_but_not_loosely() {
        use SuppressionKind::{Dlint, Hadolint};
        let codes = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            pragma("# dlint ignore=SZ001,LY001 -- cleanup is intended"),
            Some((
                Dlint,
                false,
                codes(&["SZ001", "LY001"]),
                Some("cleanup is intended".to_owned())
            ))
        );
        assert_eq!(
            pragma("  #dlint global  ignore = latest-tag, SE001"),
            Some((Dlint, true, codes(&["latest-tag", "SE001"]), None))
        );
        assert_eq!(
            pragma("# hadolint ignore=DL3008"),
            Some((Hadolint, false, codes(&["DL3008"]), None))
        );
        assert_eq!(
            pragma("# DLINT IGNORE=all"),
            Some((Dlint, false, codes(&["all"]), None))
        );
        for not in [
            "# dlint",
            "# dlint ignore",
            "# dlint ignore=",
            "# dlintignore=SZ001",
            "# dlint globalignore=SZ001",
            "# dlint skip=SZ001",
            "# eslint ignore=SZ001",
            "# dlint ignore= -- reason only",
            "dlint ignore=SZ001",
        ] {
            assert_eq!(pragma(not), None, "{not}");
        }
    }

    fn suppressions(text: &str) -> Vec<(SuppressionKind, Scope, Vec<String>)> {
        Suppressions::parse(&parse(text), text)
            .items()
            .iter()
            .map(|s| {
                (
                    s.kind,
                    s.scope,
                    s.codes
                        .iter()
                        .map(|c| c.range.slice(text).to_owned())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn comments_attach_to_the_instruction_directly_below() {
        let text = "FROM debian\n# dlint ignore=SZ001\n# a note\nRUN apt-get update\n\
                    # dlint ignore=LY001\n\nRUN true\n  # dlint global ignore=CA004\n";
        assert_eq!(
            suppressions(text),
            [
                (
                    SuppressionKind::Dlint,
                    Scope::Instruction(1),
                    vec!["SZ001".to_owned()]
                ),
                (
                    SuppressionKind::Dlint,
                    Scope::Detached,
                    vec!["LY001".to_owned()]
                ),
                (
                    SuppressionKind::Dlint,
                    Scope::File,
                    vec!["CA004".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn check_directive_skips_by_buildkit_name() {
        let text = "# check=skip=NoEmptyContinuation, Other;error=true\nFROM alpine\n";
        let parsed = Suppressions::parse(&parse(text), text);
        let item = &parsed.items()[0];
        assert_eq!(item.kind, SuppressionKind::Buildkit);
        assert_eq!(item.scope, Scope::File);
        let codes: Vec<_> = item
            .codes
            .iter()
            .map(|c| (c.range.slice(text), c.rules.clone()))
            .collect();
        assert_eq!(
            codes,
            [("NoEmptyContinuation", vec!["SY011"]), ("Other", vec![])]
        );
        // Below an instruction it is only a comment.
        let late = "FROM alpine\n# check=skip=all\n";
        assert_eq!(suppressions(late), []);
    }

    #[test]
    fn upstream_lists_map_each_code() {
        let rules = resolve(SuppressionKind::Hadolint, "DL3007").rules;
        assert_eq!(rules, ["MA001"]);
        let rules = resolve(SuppressionKind::Hadolint, "dl3036").rules;
        assert_eq!(rules, ["SZ006"]);
        let rules = resolve(SuppressionKind::Dlint, "size").rules;
        assert!(rules.contains(&"SZ001") && !rules.contains(&"LY001"));
        let rules = resolve(SuppressionKind::Dlint, "DL3007").rules;
        assert!(rules.is_empty());
        // ShellCheck codes, in dlint's and hadolint's comments; `shellcheck` names them all.
        assert_eq!(resolve(SuppressionKind::Dlint, "sc2086").rules, ["SC2086"]);
        assert_eq!(
            resolve(SuppressionKind::Hadolint, "SC2046").rules,
            ["SC2046"]
        );
        assert!(
            resolve(SuppressionKind::Buildkit, "SC2046")
                .rules
                .is_empty()
        );
        assert!(resolve(SuppressionKind::Dlint, "shellcheck").shellcheck);
        assert!(resolve(SuppressionKind::Dlint, "SC20").rules.is_empty());
    }

    fn lint(text: &str) -> (Vec<&'static str>, Vec<String>) {
        let file = parse(text);
        let linted = crate::lint::lint_detailed(&file, text, None, &crate::config::RuleSet::all());
        (
            linted.diagnostics.iter().map(|d| d.code).collect(),
            linted
                .suppressions
                .unused()
                .iter()
                .map(|u| format!("{}{}", u.code, if u.known { "" } else { "?" }))
                .collect(),
        )
    }

    #[test]
    fn findings_are_suppressed_and_unused_codes_are_kept() {
        let text = "FROM debian:12\n\
                    # dlint ignore=SZ001,apt-install-recommends,SY999 -- lists are needed\n\
                    RUN apt-get update && apt-get install -y curl\n";
        let (codes, unused) = lint(text);
        assert!(
            !codes.contains(&"SZ001") && !codes.contains(&"SZ002"),
            "{codes:?}"
        );
        assert_eq!(unused, ["SY999?"]);

        // DL9999 stands for a hadolint check no dlint rule maps to.
        let hadolint = "FROM debian:12\n# hadolint ignore=DL3009,DL3015,DL9999\n\
                        RUN apt-get update && apt-get install -y curl\n";
        let (codes, unused) = lint(hadolint);
        assert!(
            !codes.contains(&"SZ001") && !codes.contains(&"SZ002"),
            "{codes:?}"
        );
        assert_eq!(unused, ["DL9999?"]);

        let global = "FROM debian:latest\nRUN true\n# dlint global ignore=latest-tag,LY001\n";
        let (codes, unused) = lint(global);
        assert!(!codes.contains(&"MA001"), "{codes:?}");
        assert_eq!(unused, ["LY001"]);

        // Another instruction's suppression does not reach this one.
        let other = "FROM debian:12\n# dlint ignore=all\nRUN true\n\
                     RUN apt-get update && apt-get install -y curl\n";
        let (codes, unused) = lint(other);
        assert!(codes.contains(&"SZ001"), "{codes:?}");
        assert_eq!(unused, ["all"]);
    }

    fn edited(text: &str, index: usize, code: &str) -> String {
        let file = parse(text);
        let edit = ignore_comment_edit(&file, text, index, code);
        let mut out = text.to_owned();
        out.replace_range(edit.range.start..edit.range.end, &edit.content);
        out
    }

    #[test]
    fn ignore_comment_edit_inserts_or_extends() {
        assert_eq!(
            edited("FROM a\n  RUN x\n", 1, "SZ001"),
            "FROM a\n  # dlint ignore=SZ001\n  RUN x\n"
        );
        assert_eq!(
            edited("FROM a\r\nRUN x\r\n", 1, "SZ001"),
            "FROM a\r\n# dlint ignore=SZ001\r\nRUN x\r\n"
        );
        assert_eq!(
            edited("\u{feff}FROM a\n", 0, "MA001"),
            "\u{feff}# dlint ignore=MA001\nFROM a\n"
        );
        assert_eq!(
            edited("FROM a\n# dlint ignore=SZ001 -- why\nRUN x\n", 1, "SZ002"),
            "FROM a\n# dlint ignore=SZ001,SZ002 -- why\nRUN x\n"
        );
        let same = "FROM a\n# dlint ignore=apt-lists-not-removed\nRUN x\n";
        assert_eq!(edited(same, 1, "SZ001"), same);
        // A global comment above is left alone.
        assert_eq!(
            edited("FROM a\n# dlint global ignore=SZ001\nRUN x\n", 1, "SZ002"),
            "FROM a\n# dlint global ignore=SZ001\n# dlint ignore=SZ002\nRUN x\n"
        );
        assert_eq!(edited("FROM a\n", 7, "SZ002"), "FROM a\n");
    }
}
