//! The rule framework: metadata, the [`Rule`] trait, the registry and selection.
//!
//! Rules are folds over the typed model (as in hadolint): [`Rule::check`] sees each
//! instruction in order, [`Rule::finish`] reports whole-file facts. A rule keeps its
//! state in its own struct and does no I/O.

pub(crate) mod base_image;
pub mod cache;
pub(crate) mod common;
pub mod correctness;
pub mod layers;
pub mod maintainability;
pub mod security;
pub mod size;
pub mod style;
pub mod syntax;
#[cfg(test)]
pub(crate) mod test_support;

use crate::diagnostic::{Category, Diagnostic, Fix, Severity};
use crate::model::{Dockerfile, Instruction};
use crate::text::TextRange;

/// Whether a rule can offer a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    None,
}

/// Whether a rule runs when the configuration does not name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultState {
    /// Selected by `ALL`, by its category, and when nothing is selected.
    On,
    /// Opt-in (hadolint's DL1001 and DL3057, BuildKit's experimental checks): runs only
    /// when selected by its code or name, never through `ALL` or its category.
    Off,
}

/// Static facts about a rule.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable code, e.g. `SY001`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `unknown-instruction`.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// dlint version that introduced it.
    pub since: &'static str,
    /// The matching check of another tool, e.g. `hadolint: DL3008`, `buildkit: UndefinedVar`.
    pub upstream: Option<&'static str>,
    /// Markdown documentation: first line is one sentence, then `## What it does`,
    /// `## Why is this bad?`, `## Example`, ...
    pub docs: &'static str,
    /// Whether it runs without being selected by name; `On` unless `declare_rule!` says
    /// `default: Off`.
    pub default: DefaultState,
}

impl RuleMeta {
    /// Whether the rule runs when the configuration does not name it.
    pub const fn enabled_by_default(&self) -> bool {
        matches!(self.default, DefaultState::On)
    }

    /// The first sentence of the docs.
    pub fn summary(&self) -> &'static str {
        self.docs
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
    }
}

/// What a rule sees besides the instruction.
pub struct Context<'a> {
    pub file: &'a Dockerfile,
    pub source: &'a str,
    /// Facts about the file's surroundings, gathered by the caller (rules do no I/O).
    pub facts: &'a FileFacts,
    analysis: std::sync::OnceLock<crate::layers::Analysis>,
    /// An analysis the caller already has (the language server's, with the configured
    /// platform, target and build context).
    shared: Option<&'a crate::layers::Analysis>,
    /// Facts about the file that several rules derive the same way, made once per file.
    memo: std::cell::RefCell<Vec<(std::any::TypeId, std::rc::Rc<dyn std::any::Any>)>>,
    out: Vec<Diagnostic>,
}

/// What the caller knows about a Dockerfile's surroundings; `None` means unknown, and a
/// rule that needs the fact stays silent.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// Whether the build context has a `.dockerignore` (or `<Dockerfile>.dockerignore`).
    pub has_dockerignore: Option<bool>,
    /// The ignore file BuildKit would use (`<Dockerfile>.dockerignore` next to the
    /// Dockerfile, else `.dockerignore` at the context root), parsed; `None` when there is
    /// none or the context is unknown (see `has_dockerignore`).
    pub dockerignore: Option<std::sync::Arc<crate::layers::dockerignore::DockerIgnore>>,
}

impl PartialEq for FileFacts {
    fn eq(&self, other: &Self) -> bool {
        let patterns = |f: &Self| -> Option<Vec<(String, bool)>> {
            f.dockerignore.as_ref().map(|ig| {
                ig.patterns()
                    .map(|(text, exception)| (text.to_owned(), exception))
                    .collect()
            })
        };
        self.has_dockerignore == other.has_dockerignore && patterns(self) == patterns(other)
    }
}

impl Eq for FileFacts {}

impl FileFacts {
    /// Facts for a Dockerfile at `path` whose build context is its directory.
    pub fn for_path(path: &std::path::Path) -> Self {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let mut specific = path.file_name().unwrap_or_default().to_os_string();
        specific.push(".dockerignore");
        // BuildKit prefers the Dockerfile's own ignore file over the context's.
        let file = [path.with_file_name(specific), dir.join(".dockerignore")]
            .into_iter()
            .find_map(|p| {
                std::fs::metadata(&p)
                    .ok()
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| (p, m))
            });
        Self {
            has_dockerignore: Some(file.is_some()),
            dockerignore: file.and_then(|(p, m)| parsed_ignore(p, &m)),
        }
    }

    /// Facts saying that the build context has this `.dockerignore` (for tests and
    /// callers that read the file themselves).
    pub fn with_dockerignore(text: &str) -> Self {
        Self {
            has_dockerignore: Some(true),
            dockerignore: Some(std::sync::Arc::new(
                crate::layers::dockerignore::DockerIgnore::parse(text),
            )),
        }
    }
}

/// The parsed ignore file at `path`, reused while its size and modification time stay
/// the same: the language server lints at every pause in typing, and compiling the
/// patterns each time would be wasted.
fn parsed_ignore(
    path: std::path::PathBuf,
    meta: &std::fs::Metadata,
) -> Option<std::sync::Arc<crate::layers::dockerignore::DockerIgnore>> {
    type Cache = std::collections::HashMap<
        std::path::PathBuf,
        (
            Option<std::time::SystemTime>,
            u64,
            std::sync::Arc<crate::layers::dockerignore::DockerIgnore>,
        ),
    >;
    static CACHE: std::sync::LazyLock<std::sync::Mutex<Cache>> =
        std::sync::LazyLock::new(Default::default);
    let stamp = (meta.modified().ok(), meta.len());
    let lock = || {
        CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some((modified, len, parsed)) = lock().get(&path)
        && (*modified, *len) == stamp
        && stamp.0.is_some()
    {
        return Some(std::sync::Arc::clone(parsed));
    }
    let bytes = std::fs::read(&path).ok()?;
    let parsed = std::sync::Arc::new(crate::layers::dockerignore::DockerIgnore::parse(
        &String::from_utf8_lossy(&bytes),
    ));
    lock().insert(path, (stamp.0, stamp.1, std::sync::Arc::clone(&parsed)));
    Some(parsed)
}

static NO_FACTS: FileFacts = FileFacts {
    has_dockerignore: None,
    dockerignore: None,
};

impl<'a> Context<'a> {
    pub fn new(file: &'a Dockerfile, source: &'a str) -> Self {
        Self::with_facts(file, source, &NO_FACTS)
    }

    pub fn with_facts(file: &'a Dockerfile, source: &'a str, facts: &'a FileFacts) -> Self {
        Self {
            file,
            source,
            facts,
            analysis: std::sync::OnceLock::new(),
            shared: None,
            memo: std::cell::RefCell::default(),
            out: Vec::new(),
        }
    }

    /// The fact of type `T` about this file, made by `make` the first time a rule asks
    /// (rules sharing a helper share its work: one pass over the file, not one per rule).
    pub fn memo<T: 'static>(&self, make: impl FnOnce() -> T) -> std::rc::Rc<T> {
        let id = std::any::TypeId::of::<T>();
        let found = self
            .memo
            .borrow()
            .iter()
            .find(|(of, _)| *of == id)
            .and_then(|(_, m)| std::rc::Rc::clone(m).downcast::<T>().ok());
        found.unwrap_or_else(|| {
            let made = std::rc::Rc::new(make());
            self.memo.borrow_mut().push((
                id,
                std::rc::Rc::clone(&made) as std::rc::Rc<dyn std::any::Any>,
            ));
            made
        })
    }

    /// The layer analysis of the file (stages, reachability, per-step layers), computed on
    /// first use with default options: the last stage is the target, no build context.
    pub fn analysis(&self) -> &crate::layers::Analysis {
        if let Some(shared) = self.shared {
            return shared;
        }
        self.analysis
            .get_or_init(|| crate::layers::analyze(self.file, &crate::layers::Options::default()))
    }

    /// Report a finding of `meta` at `range`.
    pub fn report(
        &mut self,
        meta: &RuleMeta,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            code: meta.code,
            name: meta.name,
            category: meta.category,
            severity: meta.severity,
            message: message.into(),
            range,
            help: None,
            fix: None,
            related: Vec::new(),
        });
        self.out.last_mut().expect("just pushed")
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.out
    }
}

impl Diagnostic {
    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Point at another place that explains the finding.
    pub fn with_related(&mut self, range: TextRange, message: impl Into<String>) -> &mut Self {
        self.related.push(crate::diagnostic::Related {
            range,
            message: message.into(),
        });
        self
    }

    /// Attach `fix`; `None` (a fix that could not be built) leaves the finding without one.
    pub fn set_fix(&mut self, fix: impl Into<Option<Fix>>) -> &mut Self {
        self.fix = fix.into();
        self
    }
}

/// A lint rule. One value is created per file checked, so state may live in `self`.
pub trait Rule: Send {
    fn meta(&self) -> &'static RuleMeta;

    /// Called for every instruction in order (ONBUILD bodies are visited unwrapped too).
    fn check(&mut self, _ins: &Instruction, _ctx: &mut Context<'_>) {}

    /// Called once after the last instruction.
    fn finish(&mut self, _ctx: &mut Context<'_>) {}

    /// Apply the rule's options (`[rules.options.<rule>]` of `.dlint.toml`, keys in
    /// kebab-case). Called before the first instruction, and when a configuration is
    /// loaded, so that a bad option is reported with its line. A rule without options
    /// refuses any key.
    fn configure(&mut self, options: &toml::Table) -> Result<(), OptionError> {
        let meta = self.meta();
        match options.keys().next() {
            None => Ok(()),
            Some(key) => Err(OptionError {
                key: Some(key.clone()),
                message: format!("rule {} ({}) takes no options", meta.code, meta.name),
            }),
        }
    }
}

/// A rule option that cannot be applied: the offending key, if one is to blame, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub key: Option<String>,
    pub message: String,
}

/// Declares a unit-struct rule with its metadata. The doc text lives in a `&str` so that
/// `dlint explain` can print it and tests can run its examples. An optional trailing
/// `default: Off` makes the rule opt-in ([`DefaultState`]).
#[macro_export]
macro_rules! declare_rule {
    (@default) => {
        $crate::rules::DefaultState::On
    };
    (@default $state:ident) => {
        $crate::rules::DefaultState::$state
    };
    (
        $(#[$attr:meta])*
        pub struct $name:ident;
        code: $code:literal,
        name: $kebab:literal,
        category: $cat:ident,
        severity: $sev:ident,
        fix: $fix:ident,
        since: $since:literal,
        upstream: $upstream:expr,
        docs: $docs:expr
        $(, default: $state:ident)? $(,)?
    ) => {
        $(#[$attr])*
        #[derive(Debug, Default)]
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $kebab,
                category: $crate::diagnostic::Category::$cat,
                severity: $crate::diagnostic::Severity::$sev,
                fix: $crate::rules::FixAvailability::$fix,
                since: $since,
                upstream: $upstream,
                docs: $docs,
                default: $crate::declare_rule!(@default $($state)?),
            };
        }
    };
}

/// One entry of the registry: metadata and a constructor for a fresh rule state.
pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    pub new: fn() -> Box<dyn Rule>,
}

impl std::fmt::Debug for RuleEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleEntry")
            .field("code", &self.meta.code)
            .finish_non_exhaustive()
    }
}

/// Every rule dlint knows, sorted by code.
pub fn registry() -> &'static [RuleEntry] {
    /// Each category's `RULES`; a new category adds its slice here.
    static ALL: std::sync::LazyLock<Vec<RuleEntry>> = std::sync::LazyLock::new(|| {
        let categories: [&[RuleEntry]; 8] = [
            cache::RULES,
            correctness::RULES,
            layers::RULES,
            maintainability::RULES,
            security::RULES,
            syntax::RULES,
            size::RULES,
            style::RULES,
        ];
        let mut all: Vec<RuleEntry> = categories
            .iter()
            .flat_map(|rules| rules.iter())
            .map(|e| RuleEntry {
                meta: e.meta,
                new: e.new,
            })
            .collect();
        all.sort_by_key(|e| e.meta.code);
        all
    });
    &ALL
}

/// Look a rule up by code (`SY001`) or name (`unknown-instruction`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static RuleEntry> {
    registry().iter().find(|e| {
        e.meta.code.eq_ignore_ascii_case(code_or_name)
            || e.meta.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Run `rules` over a parsed file; findings sorted by position then code.
pub fn run(file: &Dockerfile, source: &str, entries: &[&RuleEntry]) -> Vec<Diagnostic> {
    run_with_facts(file, source, entries, &NO_FACTS)
}

/// Run `rules` with what the caller knows about the file's surroundings.
pub fn run_with_facts(
    file: &Dockerfile,
    source: &str,
    entries: &[&RuleEntry],
    facts: &FileFacts,
) -> Vec<Diagnostic> {
    let rules: Vec<Box<dyn Rule>> = entries.iter().map(|e| (e.new)()).collect();
    run_rules(file, source, rules, facts)
}

/// Run rule states built (and configured) by the caller; findings sorted by position
/// then code.
pub fn run_rules(
    file: &Dockerfile,
    source: &str,
    rules: Vec<Box<dyn Rule>>,
    facts: &FileFacts,
) -> Vec<Diagnostic> {
    run_rules_with(file, source, rules, facts, None)
}

/// [`run_rules`] with an analysis of `file` the caller already made, which the rules then
/// use instead of making their own.
pub fn run_rules_with(
    file: &Dockerfile,
    source: &str,
    mut rules: Vec<Box<dyn Rule>>,
    facts: &FileFacts,
    analysis: Option<&crate::layers::Analysis>,
) -> Vec<Diagnostic> {
    let mut ctx = Context::with_facts(file, source, facts);
    ctx.shared = analysis;
    for ins in &file.instructions {
        for rule in &mut rules {
            rule.check(ins, &mut ctx);
            if let Some(inner) = ins.onbuild.as_deref() {
                rule.check(inner, &mut ctx);
            }
        }
    }
    for rule in &mut rules {
        rule.finish(&mut ctx);
    }
    let mut out = ctx.into_diagnostics();
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Run every rule that is enabled by default (what `dlint check` runs without a
/// configuration).
pub fn run_all(file: &Dockerfile, source: &str) -> Vec<Diagnostic> {
    run_defaults_and(file, source, &[])
}

/// Run every rule that is enabled by default, and the rules of `also` (codes), which may
/// be off by default.
pub fn run_defaults_and(file: &Dockerfile, source: &str, also: &[&str]) -> Vec<Diagnostic> {
    let entries: Vec<&RuleEntry> = registry()
        .iter()
        .filter(|e| e.meta.enabled_by_default() || also.contains(&e.meta.code))
        .collect();
    run(file, source, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::findings_with_facts;

    #[test]
    fn registry_is_sorted_unique_and_documented() {
        let reg = registry();
        for pair in reg.windows(2) {
            assert!(
                pair[0].meta.code < pair[1].meta.code,
                "{} !< {}",
                pair[0].meta.code,
                pair[1].meta.code
            );
        }
        let mut names: Vec<_> = reg.iter().map(|e| e.meta.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), reg.len(), "duplicate rule name");
        for e in reg {
            let m = e.meta;
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.name
            );
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(m.docs.contains(heading), "{} docs lack {heading}", m.code);
            }
            assert!(
                !m.summary().starts_with('#'),
                "{} docs must start with a sentence",
                m.code
            );
            let _ = Fix {
                applicability: crate::diagnostic::Applicability::Safe,
                edits: vec![],
            };
        }
    }

    /// The first fenced block of `lang` at or after `from` in `docs`, and where it ends.
    fn fenced_block<'d>(docs: &'d str, from: usize, lang: &str) -> Option<(&'d str, usize)> {
        let fence = format!("```{lang}\n");
        let start = docs[from..].find(&fence)? + from + fence.len();
        let len = docs[start..].find("```")?;
        Some((&docs[start..start + len], start + len + 3))
    }

    /// The first ```dockerfile block at or after `from` in `docs`, and where it ends.
    fn dockerfile_block(docs: &str, from: usize) -> Option<(&str, usize)> {
        fenced_block(docs, from, "dockerfile")
    }

    /// Every rule's examples run, whether or not the rule is enabled by default: the test
    /// runs each rule of the registry directly, not through a [`crate::config::RuleSet`].
    #[test]
    fn doc_examples_fire_and_fixed_examples_do_not() {
        assert!(
            registry().iter().any(|e| !e.meta.enabled_by_default()),
            "off-by-default rules are in the registry and covered here"
        );
        for entry in registry() {
            let meta = entry.meta;
            let docs = meta.docs;
            // A rule whose trigger cannot be shown literally (a 64 KiB line) marks its
            // example as illustrative; its unit tests cover the real case.
            if docs.contains("<!-- example: illustrative -->") {
                continue;
            }
            let example = docs
                .find("## Example")
                .unwrap_or_else(|| panic!("{} has no example", meta.code));
            let (bad, end) = dockerfile_block(docs, example)
                .unwrap_or_else(|| panic!("{} example block", meta.code));
            let instead = docs[end..]
                .find("Use instead:")
                .unwrap_or_else(|| panic!("{} has no `Use instead:`", meta.code))
                + end;
            let (good, _) = dockerfile_block(docs, instead)
                .unwrap_or_else(|| panic!("{} `Use instead` block", meta.code));
            // The build context of both examples: the ```dockerignore block of the example,
            // if it shows one; else a context without `.dockerignore` (CA005 reads that).
            let facts = match fenced_block(&docs[..instead], example, "dockerignore") {
                Some((ignore, _)) => FileFacts::with_dockerignore(ignore),
                None => FileFacts {
                    has_dockerignore: Some(false),
                    ..FileFacts::default()
                },
            };
            assert!(
                !findings_with_facts(meta.code, bad, &facts).is_empty(),
                "{}: the example does not trigger the rule:\n{bad}",
                meta.code
            );
            assert_eq!(
                findings_with_facts(meta.code, good, &facts),
                [],
                "{}: the fixed example triggers the rule",
                meta.code
            );
        }
    }

    #[test]
    fn facts_read_the_ignore_file_buildkit_uses() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dockerfile = dir.path().join("app.Dockerfile");
        let facts = FileFacts::for_path(&dockerfile);
        assert_eq!(facts.has_dockerignore, Some(false));
        assert!(facts.dockerignore.is_none());
        std::fs::write(dir.path().join(".dockerignore"), "build\n").expect("write");
        let facts = FileFacts::for_path(&dockerfile);
        assert_eq!(facts, FileFacts::with_dockerignore("build\n"));
        // The Dockerfile's own ignore file wins, and a changed file is read again.
        let specific = dir.path().join("app.Dockerfile.dockerignore");
        std::fs::write(&specific, "*.md\n").expect("write");
        assert_eq!(
            FileFacts::for_path(&dockerfile),
            FileFacts::with_dockerignore("*.md\n")
        );
        std::fs::write(&specific, "*.md\n!README.md\n").expect("write");
        assert_eq!(
            FileFacts::for_path(&dockerfile),
            FileFacts::with_dockerignore("*.md\n!README.md\n")
        );
    }

    #[test]
    fn docs_follow_the_house_layout() {
        for entry in registry() {
            let meta = entry.meta;
            let docs = meta.docs;
            let first = docs.lines().next().unwrap_or_default();
            assert!(
                first.ends_with('.') && !first.starts_with('#'),
                "{}: first line {first:?}",
                meta.code
            );
            let headings: Vec<&str> = docs.lines().filter(|l| l.starts_with("## ")).collect();
            let mut expected = vec!["## What it does", "## Why is this bad?", "## Example"];
            for optional in ["## Fix safety", "## Options"] {
                if headings.contains(&optional) {
                    expected.push(optional);
                }
            }
            expected.push("## References");
            assert_eq!(headings, expected, "{}", meta.code);
            let references = docs.find("## References").map_or("", |i| &docs[i..]);
            assert!(
                references.contains("](https://"),
                "{}: no reference",
                meta.code
            );
            // A size rule may cite only the package manager's own documentation.
            assert!(
                meta.category == Category::Size || docs.contains("https://docs.docker.com/"),
                "{}: no Docker documentation link",
                meta.code
            );
        }
    }

    #[test]
    fn categories_hold_their_own_rules_sorted() {
        let categories: [(&[RuleEntry], Category, &str); 8] = [
            (cache::RULES, Category::Cache, "CA"),
            (correctness::RULES, Category::Correctness, "CO"),
            (layers::RULES, Category::Layers, "LY"),
            (maintainability::RULES, Category::Maintainability, "MA"),
            (security::RULES, Category::Security, "SE"),
            (syntax::RULES, Category::Syntax, "SY"),
            (size::RULES, Category::Size, "SZ"),
            (style::RULES, Category::Style, "ST"),
        ];
        for (rules, category, prefix) in categories {
            for entry in rules {
                assert_eq!(entry.meta.category, category, "{}", entry.meta.code);
                assert!(entry.meta.code.starts_with(prefix), "{}", entry.meta.code);
            }
            for pair in rules.windows(2) {
                assert!(pair[0].meta.code < pair[1].meta.code);
            }
        }
        let counted: usize = categories.iter().map(|(rules, _, _)| rules.len()).sum();
        assert_eq!(counted, registry().len());
    }
}
