//! Optional [ShellCheck](https://www.shellcheck.net) on RUN bodies, when the `shellcheck`
//! program is installed (Debian: `apt-get install shellcheck`) and `[shellcheck] enabled`
//! (or `dlint check --shellcheck`, or the editor setting `dlint.shellcheck.enabled`).
//!
//! - **Scripts** ([`script`]): every shell-form RUN and heredoc RUN in a POSIX shell is one
//!   script in the dialect it runs in (`sh` by default; `SHELL`, `RUN bash <<EOF` or a
//!   heredoc's `#!` line say otherwise), with the ARG and ENV names in scope declared so
//!   that they are not reported as unset (SC2154), and `set -e` when the shell runs with
//!   `-e`.
//! - **Processes** ([`process`]): one `shellcheck --format=json1 --norc --shell=… -` per
//!   RUN, the script on stdin. One process per RUN rather than one per file (which costs
//!   less CPU, about 25 s against 40 s on the 1,783 files of the corpus, but is wrong): a
//!   RUN is a shell of its own (a variable, `exit` or `set -e` in one does not reach the
//!   next), and a syntax error in one RUN would stop ShellCheck from checking the others.
//!   The RUNs of a file run in parallel, at most one process per core at once in the whole
//!   program, each killed after `[shellcheck] timeout` (10 s); results are cached by
//!   script (`docs/shellcheck.md` has the measurements).
//! - **Positions**: ShellCheck's line and column (characters, a tab counting one) are
//!   mapped through the script's [`script::ScriptMap`] to exact Dockerfile byte ranges,
//!   across line continuations, heredocs and CRLF line ends.
//! - **Findings** are [`Diagnostic`]s with ShellCheck's code (`SC2086`), the name
//!   `shellcheck`, category `style` for its style level and `correctness` otherwise,
//!   severity error, warning or info (ShellCheck's `style` is info), and ShellCheck's
//!   fixes as unsafe dlint fixes (quoting changes what the shell does).
//! - **Exclusions**: [`ALWAYS_EXCLUDED`] plus `[shellcheck] exclude`, then
//!   `[shellcheck] severity` (lowest level reported). `# dlint ignore=SC2086` (or
//!   `# hadolint ignore=SC2086`, or `# dlint ignore=shellcheck` for every code) above a
//!   RUN suppresses like any rule; `# shellcheck disable=` inside a heredoc body works as
//!   in any script, and inside a RUN's line continuation (where BuildKit drops comment
//!   lines, so ShellCheck never sees them) it applies to that RUN.

mod process;
mod script;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::config::{ShellcheckLevel, ShellcheckSettings};
use crate::diagnostic::{Applicability, Category, Diagnostic, Edit, Fix, Severity};
use crate::model::Dockerfile;
use crate::text::TextRange;

pub use script::Dialect;

use process::{Comment, RunError};
use script::Script;

/// ShellCheck's findings on one script, or why there are none.
type RunResult = Result<Arc<Vec<Comment>>, RunError>;

/// The name of every ShellCheck finding (its code is the check's: `SC2086`).
pub const NAME: &str = "shellcheck";

/// Codes never reported: they cannot be acted on in a Dockerfile.
///
/// - SC1090, SC1091: ShellCheck cannot follow a `source`d file: it is a file of the
///   image being built, not of the build context.
pub const ALWAYS_EXCLUDED: &[&str] = &["SC1090", "SC1091"];

/// The first and last code of the table: ShellCheck codes are 4 digits.
const FIRST_CODE: u16 = 1000;
const LAST_CODE: u16 = 9999;
const CODE_COUNT: usize = (LAST_CODE - FIRST_CODE + 1) as usize;

/// `SC1000SC1001…SC9999`: every possible code as static text, built at compile time, so
/// that [`Diagnostic::code`] (a `&'static str`) can hold any code ShellCheck prints
/// without a table to keep up to date and without leaking memory.
static CODES: [u8; CODE_COUNT * 6] = {
    let mut out = [0u8; CODE_COUNT * 6];
    let mut i = 0;
    while i < CODE_COUNT {
        let n = FIRST_CODE as usize + i;
        out[i * 6] = b'S';
        out[i * 6 + 1] = b'C';
        out[i * 6 + 2] = b'0' + (n / 1000) as u8;
        out[i * 6 + 3] = b'0' + (n / 100 % 10) as u8;
        out[i * 6 + 4] = b'0' + (n / 10 % 10) as u8;
        out[i * 6 + 5] = b'0' + (n % 10) as u8;
        i += 1;
    }
    out
};

/// The code `SC{n}`; `None` outside ShellCheck's range.
pub fn code(n: u32) -> Option<&'static str> {
    let n = u16::try_from(n).ok()?;
    if !(FIRST_CODE..=LAST_CODE).contains(&n) {
        return None;
    }
    let at = usize::from(n - FIRST_CODE) * 6;
    std::str::from_utf8(&CODES[at..at + 6]).ok()
}

/// `SC2086` (any case) as its static code.
pub fn parse_code(s: &str) -> Option<&'static str> {
    let digits = s.trim().get(2..).filter(|_| {
        s.trim()
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("sc"))
    })?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    code(digits.parse().ok()?)
}

/// Whether `code` is a ShellCheck code (`SC2086`).
pub fn is_code(code: &str) -> bool {
    parse_code(code).is_some_and(|c| c == code)
}

/// The ShellCheck wiki page of a code.
pub fn wiki_url(code: &str) -> String {
    format!("https://www.shellcheck.net/wiki/{code}")
}

/// Why part of a file was not checked. Never a failure of the lint: the rules' findings
/// stand, and ShellCheck's are missing where it could not run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The program was not found: nothing was checked.
    NotFound { program: PathBuf },
    /// A process ran longer than the timeout on the RUN at `line`.
    Timeout { line: u32, timeout: Duration },
    /// Processes failed with `message` on the RUNs at `lines`.
    Failed { lines: Vec<u32>, message: String },
    /// After a timeout, the other RUNs of the file were not checked (a program that hangs
    /// once usually hangs again).
    Skipped { count: usize },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound { program } => write!(
                f,
                "ShellCheck is enabled (`[shellcheck] enabled`, `--shellcheck` or the editor \
                 setting `dlint.shellcheck.enabled`) but `{}` was not found: install it \
                 (`apt-get install shellcheck`) or set `[shellcheck] path`; RUN bodies were \
                 not checked with ShellCheck",
                program.display()
            ),
            Self::Timeout { line, timeout } => write!(
                f,
                "ShellCheck took longer than {} s on the RUN at line {line} and was stopped; \
                 its findings there are missing (`[shellcheck] timeout`)",
                timeout.as_secs_f64()
            ),
            Self::Failed { lines, message } => {
                let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
                write!(
                    f,
                    "ShellCheck failed on the RUN{} at line{} {}: {message}",
                    if lines.len() == 1 { "" } else { "s" },
                    if lines.len() == 1 { "" } else { "s" },
                    lines.join(", ")
                )
            }
            Self::Skipped { count } => write!(
                f,
                "ShellCheck was not run on {count} other RUN{} of this file after it timed out",
                if *count == 1 { "" } else { "s" }
            ),
        }
    }
}

/// What ShellCheck found in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Sorted by position, then code.
    pub diagnostics: Vec<Diagnostic>,
    /// The RUNs it could not check.
    pub problems: Vec<Problem>,
}

impl Outcome {
    /// Whether every RUN was checked (so a `# dlint ignore=SC…` that suppressed nothing
    /// really is unused).
    pub fn complete(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Run ShellCheck on every RUN of `file` (nothing when `settings` do not enable it).
pub fn check(file: &Dockerfile, source: &str, settings: &ShellcheckSettings) -> Outcome {
    if !settings.enabled {
        return Outcome::default();
    }
    let scripts = script::scripts(file, source);
    let (results, stop) = run_all(&scripts, settings);
    let mut outcome = Outcome::default();
    let mut skipped = 0;
    for (script, result) in scripts.iter().zip(results) {
        match result {
            Some(Ok(comments)) => outcome.diagnostics.extend(
                comments
                    .iter()
                    .filter_map(|comment| diagnostic(comment, script, source, settings)),
            ),
            None if stop == Some(RunError::Timeout) => skipped += 1,
            Some(Err(RunError::NotFound)) | None => {
                let problem = Problem::NotFound {
                    program: settings.path.clone(),
                };
                if !outcome.problems.contains(&problem) {
                    outcome.problems.push(problem);
                }
            }
            Some(Err(RunError::Timeout)) => outcome.problems.push(Problem::Timeout {
                line: script.line,
                timeout: settings.timeout,
            }),
            Some(Err(RunError::Failed(message))) => {
                // The same failure on several RUNs is one problem.
                let same = outcome.problems.iter_mut().find_map(|p| match p {
                    Problem::Failed { lines, message: m } if *m == message => Some(lines),
                    _ => None,
                });
                match same {
                    Some(lines) => lines.push(script.line),
                    None => outcome.problems.push(Problem::Failed {
                        lines: vec![script.line],
                        message,
                    }),
                }
            }
        }
    }
    if skipped > 0 {
        outcome.problems.push(Problem::Skipped { count: skipped });
    }
    outcome
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome
        .diagnostics
        .dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
    outcome
}

/// The result of each script, checked by up to one thread per core; `None` for scripts
/// skipped after the program was found missing or timed out (which the second value
/// says).
fn run_all(
    scripts: &[Script],
    settings: &ShellcheckSettings,
) -> (Vec<Option<RunResult>>, Option<RunError>) {
    let slots: Vec<Mutex<Option<RunResult>>> = scripts.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let stop: Mutex<Option<RunError>> = Mutex::new(None);
    let stopped = AtomicBool::new(false);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(script) = scripts.get(i) else {
                break;
            };
            // A missing program is missing for every RUN, and one that hung will likely
            // hang again: do not wait for it once per RUN.
            if stopped.load(Ordering::Relaxed) {
                continue;
            }
            let result = process::check(
                &settings.path,
                script.dialect,
                &script.text,
                settings.timeout,
            );
            if let Err(err @ (RunError::NotFound | RunError::Timeout)) = &result {
                stopped.store(true, Ordering::Relaxed);
                stop.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_or_insert_with(|| err.clone());
            }
            *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
        }
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .clamp(1, 8)
        .min(scripts.len());
    if workers <= 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(work);
            }
        });
    }
    let results = slots
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect();
    (
        results,
        stop.into_inner().unwrap_or_else(PoisonError::into_inner),
    )
}

/// The byte offset in `text` of 1-based `line` and character `column` (clamped to the
/// line).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(nl) => start += nl + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |nl| start + nl);
    text[start..end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(end, |(i, _)| start + i)
}

/// `at`, moved off the middle of a `\r\n` onto the `\r`: a position at the end of a
/// CRLF line (ShellCheck's "unexpected end of file" after a heredoc body).
fn outside_line_break(source: &str, at: usize) -> usize {
    let bytes = source.as_bytes();
    if at > 0 && bytes.get(at - 1) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
        at - 1
    } else {
        at
    }
}

/// ShellCheck's level as a severity (its `style` is info) and category.
fn classify(level: ShellcheckLevel) -> (Severity, Category) {
    match level {
        ShellcheckLevel::Error => (Severity::Error, Category::Correctness),
        ShellcheckLevel::Warning => (Severity::Warning, Category::Correctness),
        ShellcheckLevel::Info => (Severity::Info, Category::Correctness),
        ShellcheckLevel::Style => (Severity::Info, Category::Style),
    }
}

/// A ShellCheck finding as a dlint finding in the Dockerfile; `None` when it is excluded
/// or lies in the script's trailer.
fn diagnostic(
    comment: &Comment,
    script: &Script,
    source: &str,
    settings: &ShellcheckSettings,
) -> Option<Diagnostic> {
    let code = code(comment.code)?;
    let level = ShellcheckLevel::parse(&comment.level).unwrap_or(ShellcheckLevel::Warning);
    if level < settings.severity
        || ALWAYS_EXCLUDED.contains(&code)
        || settings.exclude.contains(&code)
        || script.disabled.iter().any(|d| d == code || d == "ALL")
    {
        return None;
    }
    let text = &script.text;
    let start = offset(text, comment.line, comment.column);
    let end = offset(text, comment.end_line, comment.end_column).max(start);
    // Past the body: the trailer (never the user's text), except the end of a body
    // without a trailer, where "unexpected end of file" points.
    let trailer = script.body_end < text.len();
    if start > script.body_end || (start == script.body_end && trailer) {
        return None;
    }
    let end = end.min(script.body_end);
    let from = outside_line_break(source, script.map.start(start)?);
    let to = if end > start {
        outside_line_break(source, script.map.end(end)?).max(from)
    } else {
        from
    };
    let (severity, category) = classify(level);
    let fix = comment.fix.as_ref().and_then(|fix| {
        let mut edits = Vec::new();
        for r in &fix.replacements {
            let from = offset(text, r.line, r.column);
            let to = offset(text, r.end_line, r.end_column);
            if to < from || to > script.body_end {
                return None;
            }
            let range = if from == to {
                let at = if r.insertion_point == "afterEnd" {
                    script.map.end(from)?
                } else {
                    script.map.start(from)?
                };
                TextRange::empty(at)
            } else {
                let (start, end) = script.map.exact(from, to)?;
                // Only text copied verbatim can be edited in place.
                (source.get(start..end) == text.get(from..to))
                    .then_some(TextRange::new(start, end))?
            };
            edits.push(Edit {
                range,
                content: r.text.clone(),
            });
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let overlapping = edits.windows(2).any(|w| w[1].range.start < w[0].range.end);
        (!edits.is_empty() && !overlapping).then_some(Fix {
            applicability: Applicability::Unsafe,
            edits,
        })
    });
    let help = if fix.is_some() {
        format!("Apply ShellCheck's suggestion; see {}", wiki_url(code))
    } else {
        format!("See {}", wiki_url(code))
    };
    Some(Diagnostic {
        code,
        name: NAME,
        category,
        severity,
        message: comment.message.trim().to_owned(),
        range: TextRange::new(from, to),
        help: Some(help),
        fix,
        related: Vec::new(),
    })
}
