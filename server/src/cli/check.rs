//! `dlint check`: read, parse and lint every input in parallel, then print the findings
//! in a deterministic order and decide the exit status. With `--fix` the fixes are applied
//! first (each file written atomically) and the findings that remain are reported; with
//! `--diff` the changes are printed as a unified diff instead and nothing is written.
//!
//! One input's failure never stops the others: it becomes a single
//! `dlint: error: PATH: problem` line on stderr and exit status 2. So does a bad
//! configuration file: each of its problems is one `dlint: error: FILE:LINE:COL: ...`
//! line, and the files under it are not checked.

use std::fs::{self, File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::cli::read;
use crate::cli::walk::{self, Input, Source};
use crate::cli::{CheckArgs, ExitStatus, report_error, should_color};
use crate::config::{Config, ConfigError, RuleSet, ShellcheckSettings, normalize};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::render::{self, Colors, FileDiagnostics, OutputFormat, Style, Summary};
use crate::text::LineIndex;

/// A file that was read and linted (and, with `--fix`/`--diff`, fixed).
struct Checked {
    /// The text the findings are about: the fixed text when fixes were applied.
    source: String,
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
    /// The text as read, when fixes changed it.
    original: Option<String>,
    /// How many fixes were applied.
    fixed: usize,
    /// Rules whose fix was dropped because the result would not parse as well.
    dropped: Vec<&'static str>,
    /// What kept ShellCheck from checking RUN bodies.
    shellcheck: Vec<crate::shellcheck::Problem>,
}

/// What `dlint check` does with fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Report only.
    Check,
    /// Apply fixes at least as safe as this and write them.
    Fix(Applicability),
    /// Apply fixes at least as safe as this in memory and show the diff.
    Diff(Applicability),
}

pub(crate) fn check(args: &CheckArgs) -> Result<ExitStatus> {
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        // `--stdin-filename` alone means "lint standard input under that name", as in ruff.
        paths.push(if args.stdin_filename.is_some() {
            "-".into()
        } else {
            ".".into()
        });
    }
    let err_colors = Colors::new(should_color(args.color, io::stderr().is_terminal()));
    if args.statistics && !args.format.is_human() {
        report_error(
            err_colors,
            "`--statistics` works with `--format full` or `--format concise` only",
        );
        return Ok(ExitStatus::Error);
    }
    let min = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mode = if args.diff {
        Mode::Diff(min)
    } else if args.fix {
        Mode::Fix(min)
    } else {
        Mode::Check
    };

    let (inputs, input_errors) = walk::collect(&paths, args.stdin_filename.as_deref());
    for err in &input_errors {
        report_error(err_colors, &err.message);
    }
    let mut failed = !input_errors.is_empty();

    if args.show_files {
        let mut out = Vec::new();
        for input in &inputs {
            writeln!(out, "{}", input.display)?;
        }
        if !emit(args, &out, err_colors) {
            failed = true;
        }
        return Ok(if failed {
            ExitStatus::Error
        } else {
            ExitStatus::Success
        });
    }

    // Configurations are resolved in input order, so that their errors come out in a
    // stable order, once per configuration file.
    let Some(mut configs) = Configs::new(args, err_colors) else {
        return Ok(ExitStatus::Error);
    };
    let rule_sets: Vec<Option<(RuleSet, ShellcheckSettings)>> =
        inputs.iter().map(|i| configs.rules_for(i)).collect();
    failed |= configs.failed;

    let limit = args.max_file_size;
    let results: Vec<Option<Result<Checked, String>>> = inputs
        .par_iter()
        .zip(&rule_sets)
        .map(|(input, rules)| {
            rules
                .as_ref()
                .map(|(rules, shellcheck)| check_one(input, limit, rules, shellcheck, mode))
        })
        .collect();

    let mut files = Vec::with_capacity(results.len());
    let mut checked_inputs = Vec::with_capacity(results.len());
    let mut fixed_stdin: Option<&str> = None;
    let mut shellcheck_missing = false;
    for (input, result) in inputs.iter().zip(&results) {
        let Some(result) = result else {
            continue;
        };
        match result {
            Ok(checked) => {
                let mut dropped = checked.dropped.clone();
                dropped.sort_unstable();
                dropped.dedup();
                for code in dropped {
                    report_warning(
                        err_colors,
                        &format!(
                            "{}: a fix of {code} was not applied: the file would not parse as before",
                            input.display
                        ),
                    );
                }
                // Never a failure: the rules' findings stand. A missing program is said
                // once for the whole run.
                for problem in &checked.shellcheck {
                    if let crate::shellcheck::Problem::NotFound { .. } = problem {
                        if !std::mem::replace(&mut shellcheck_missing, true) {
                            report_warning(err_colors, &problem.to_string());
                        }
                    } else {
                        report_warning(err_colors, &format!("{}: {problem}", input.display));
                    }
                }
                if mode != Mode::Check && matches!(input.source, Source::Stdin) {
                    fixed_stdin = Some(&checked.source);
                }
                files.push(FileDiagnostics {
                    path: &input.display,
                    source: &checked.source,
                    index: &checked.index,
                    diagnostics: &checked.diagnostics,
                });
                checked_inputs.push(checked);
            }
            Err(err) => {
                failed = true;
                report_error(err_colors, &format!("{}: {err}", input.display));
            }
        }
    }
    let applied: usize = checked_inputs.iter().map(|c| c.fixed).sum();
    let remaining: usize = files.iter().map(|f| f.diagnostics.len()).sum();

    if let Mode::Diff(_) = mode {
        let colors = Colors::new(report_color(args));
        let mut out = Vec::new();
        let mut changed = false;
        for (file, checked) in files.iter().zip(&checked_inputs) {
            if let Some(original) = &checked.original {
                changed = true;
                render::diff::render(&mut out, file.path, original, file.source, colors)?;
            }
        }
        if !emit(args, &out, err_colors) {
            failed = true;
        }
        if applied > 0 {
            eprintln!("Would fix {}", problems(applied));
        }
        return Ok(if failed {
            ExitStatus::Error
        } else if changed && !args.no_fail {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        });
    }

    // With `--fix` on standard input, stdout carries the fixed text: the report moves to
    // stderr (unless it goes to `--output`).
    let report_to_stderr = mode != Mode::Check && fixed_stdin.is_some();
    if let Some(text) = fixed_stdin {
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
    }
    let colors = Colors::new(if report_to_stderr && args.output.is_none() {
        should_color(args.color, io::stderr().is_terminal())
    } else {
        report_color(args)
    });
    let mut summary = Summary::default();
    for file in &files {
        summary.add_file(file.diagnostics);
    }
    let fixed_line = format!("Fixed {} ({remaining} remaining)", problems(applied));
    // To stdout the report is streamed (a large one is never held whole); to `--output`
    // (written atomically) or stderr it is built first.
    let mut out = if report_to_stderr || args.output.is_some() {
        Report::Buffer(Vec::new())
    } else {
        Report::Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout().lock()))
    };
    let rendered = (|| -> io::Result<()> {
        match args.format {
            OutputFormat::Full | OutputFormat::Concise => {
                if args.statistics {
                    let counts = render::statistics::collect(&files, args.unsafe_fixes);
                    render::statistics::render(&mut out, &counts, colors)?;
                } else {
                    for file in &files {
                        if args.format == OutputFormat::Full {
                            render::full::render(&mut out, file, colors)?;
                        } else {
                            render::concise::render(&mut out, file, colors)?;
                        }
                    }
                }
                render::summary(&mut out, &summary, colors)?;
                if let Mode::Fix(_) = mode {
                    writeln!(out, "{}", colors.paint(Style::Bold, &fixed_line))?;
                }
            }
            OutputFormat::Json => render::json::render(&mut out, &files)?,
            OutputFormat::Sarif => render::sarif::render(&mut out, &files)?,
            OutputFormat::Github => render::github::render(&mut out, &files)?,
            OutputFormat::Checkstyle => render::checkstyle::render(&mut out, &files)?,
            OutputFormat::Gitlab => render::gitlab::render(&mut out, &files)?,
        }
        out.flush()
    })();
    let written = match (out, rendered) {
        (Report::Buffer(report), Ok(())) => {
            if report_to_stderr && args.output.is_none() {
                io::stderr().lock().write_all(&report).is_ok()
            } else {
                emit(args, &report, err_colors)
            }
        }
        (Report::Stdout(_), Ok(())) => true,
        // The reader went away (`dlint check | head`): `main` ends quietly.
        (Report::Stdout(_), Err(err)) if err.kind() == io::ErrorKind::BrokenPipe => {
            return Err(err.into());
        }
        (Report::Stdout(_), Err(err)) => {
            report_error(
                err_colors,
                &format!("cannot write to standard output: {err}"),
            );
            false
        }
        // Rendering into memory fails only when a renderer does.
        (Report::Buffer(_), Err(err)) => return Err(err.into()),
    };
    if !written {
        failed = true;
    }
    if matches!(mode, Mode::Fix(_)) && !args.format.is_human() {
        eprintln!("{fixed_line}");
    }

    let at_fail_level = files
        .iter()
        .flat_map(|f| f.diagnostics)
        .any(|d| d.severity >= args.fail_level);
    // The process ends with this command: the findings, sources and models of thousands
    // of files are left to it to free, not dropped one allocation at a time (from the
    // thread that did not make them).
    drop(files);
    std::mem::forget(results);
    Ok(if failed {
        ExitStatus::Error
    } else if at_fail_level && !args.no_fail {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Where the report is written while it is rendered.
enum Report<'a> {
    /// Built whole, then written to `--output` or stderr.
    Buffer(Vec<u8>),
    /// Streamed to standard output.
    Stdout(io::BufWriter<io::StdoutLock<'a>>),
}

impl Write for Report<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Report::Buffer(v) => v.write(buf),
            Report::Stdout(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Report::Buffer(v) => v.write_all(buf),
            Report::Stdout(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Report::Buffer(_) => Ok(()),
            Report::Stdout(w) => w.flush(),
        }
    }
}

/// `N problem(s)`.
fn problems(n: usize) -> String {
    format!("{n} {}", if n == 1 { "problem" } else { "problems" })
}

/// Whether the report (to `--output` or stdout) is coloured.
fn report_color(args: &CheckArgs) -> bool {
    match &args.output {
        // A file is no terminal: colour only when asked for.
        Some(_) => should_color(args.color, false),
        None => should_color(args.color, io::stdout().is_terminal()),
    }
}

/// Write the report to `--output` (atomically) or stdout; `false` after reporting why it
/// could not be written.
fn emit(args: &CheckArgs, report: &[u8], err_colors: Colors) -> bool {
    let result = match &args.output {
        Some(path) => write_atomic(path, report)
            .map_err(|err| format!("{}: cannot write the report: {err}", path.display())),
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(report)
                .and_then(|()| stdout.flush())
                .map_err(|err| format!("cannot write to standard output: {err}"))
        }
    };
    match result {
        Ok(()) => true,
        Err(message) => {
            report_error(err_colors, &message);
            false
        }
    }
}

/// One warning line on stderr: `dlint: warning: {message}`.
fn report_warning(colors: Colors, message: &str) {
    eprintln!(
        "dlint: {} {message}",
        colors.paint(Style::Severity(Severity::Warning), "warning:")
    );
}

/// The configuration of each input: `--config`, else the nearest `.dlint.toml` of its
/// directory (unless `--isolated`), with `--select`/`--extend-select`/`--ignore` on top.
struct Configs<'a> {
    args: &'a CheckArgs,
    colors: Colors,
    /// No configuration file, command-line selection applied.
    defaults: Config,
    /// `--config`, or the defaults under `--isolated`.
    fixed: Option<Config>,
    /// The configuration file found from each directory.
    discovered: HashMap<PathBuf, Option<PathBuf>>,
    /// Each configuration file, `None` when it is bad (reported once).
    loaded: HashMap<PathBuf, Option<Config>>,
    /// Whether a configuration was bad.
    failed: bool,
}

impl<'a> Configs<'a> {
    /// `None` (after reporting why) when the command-line selection or `--config` is bad.
    fn new(args: &'a CheckArgs, colors: Colors) -> Option<Self> {
        let mut configs = Self {
            args,
            colors,
            defaults: Config::default(),
            fixed: None,
            discovered: HashMap::new(),
            loaded: HashMap::new(),
            failed: false,
        };
        // The command-line selection is checked here, once, before any file.
        configs.defaults = configs.finish(Ok(Config::default()))?;
        if let Some(path) = &args.config {
            configs.fixed = Some(configs.finish(Config::load(path))?);
        } else if args.isolated {
            configs.fixed = Some(configs.defaults.clone());
        }
        Some(configs)
    }

    /// Apply the command-line selection; report the problems of a bad configuration.
    fn finish(&mut self, config: Result<Config, ConfigError>) -> Option<Config> {
        let args = self.args;
        let config = config.and_then(|mut config| {
            config.apply_cli(args.select.as_deref(), &args.extend_select, &args.ignore)?;
            if args.shellcheck || args.no_shellcheck {
                config.set_shellcheck_enabled(args.shellcheck);
            }
            Ok(config)
        });
        match config {
            Ok(config) => Some(config),
            Err(err) => {
                for problem in &err.problems {
                    report_error(self.colors, &problem.to_string());
                }
                self.failed = true;
                None
            }
        }
    }

    /// The rules and ShellCheck settings for one input; `None` when its configuration is
    /// bad.
    fn rules_for(&mut self, input: &Input) -> Option<(RuleSet, ShellcheckSettings)> {
        let path: Option<&Path> = match &input.source {
            Source::Path(path) => Some(path),
            Source::Stdin => self.args.stdin_filename.as_deref().map(Path::new),
        };
        if let Some(config) = &self.fixed {
            return Some((config.for_file(path), config.shellcheck()));
        }
        let dir = path
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let found = self
            .discovered
            .entry(dir)
            .or_insert_with_key(|dir| Config::discover(dir))
            .clone();
        let Some(file) = found else {
            return Some((self.defaults.for_file(path), self.defaults.shellcheck()));
        };
        if !self.loaded.contains_key(&file) {
            let config = Config::load(&shown(&file));
            let config = self.finish(config);
            self.loaded.insert(file.clone(), config);
        }
        self.loaded[&file]
            .as_ref()
            .map(|c| (c.for_file(path), c.shellcheck()))
    }
}

/// A path as shown in messages: relative to the current directory when under it.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(normalize(&cwd)).ok())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

/// Read, parse and lint one input; with `--fix`/`--diff` fix it first (and with `--fix`
/// write a file that changed). A panic in the parser or a rule is a dlint bug: it becomes
/// this file's error instead of taking the other files down with it.
fn check_one(
    input: &Input,
    limit: u64,
    rules: &RuleSet,
    shellcheck: &ShellcheckSettings,
    mode: Mode,
) -> Result<Checked, String> {
    let source = match &input.source {
        Source::Path(path) => read::read_path(path, limit),
        Source::Stdin => read::read_stdin(limit),
    }
    .map_err(|err| err.to_string())?;
    let path = match &input.source {
        Source::Path(path) => Some(path.as_path()),
        Source::Stdin => None,
    };
    // The same pipeline as a plain check, so that fixes see the file's configuration.
    let lint_text = |text: &str| {
        let model = crate::syntax::parse(text);
        crate::lint::lint_with_shellcheck_settings(&model, text, path, rules, shellcheck).0
    };
    let lint = panic::catch_unwind(AssertUnwindSafe(|| {
        let (text, fixed, dropped) = match mode {
            Mode::Check => (None, 0, Vec::new()),
            Mode::Fix(min) | Mode::Diff(min) => {
                let fixed = crate::fix::fix_all(&source, min, &lint_text);
                let changed = (fixed.text != source).then_some(fixed.text);
                (changed, fixed.applied.len(), fixed.dropped)
            }
        };
        let model = crate::syntax::parse(text.as_deref().unwrap_or(&source));
        let (diagnostics, problems) = crate::lint::lint_with_shellcheck_settings(
            &model,
            text.as_deref().unwrap_or(&source),
            path,
            rules,
            shellcheck,
        );
        (
            model.line_index,
            diagnostics,
            text,
            fixed,
            dropped,
            problems,
        )
    }));
    let (index, diagnostics, text, fixed, dropped, problems) = match lint {
        Ok(linted) => linted,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("unknown cause");
            return Err(format!(
                "internal error, file not checked (a dlint bug, please report it): {reason}"
            ));
        }
    };
    if let (Mode::Fix(_), Some(text), Some(path)) = (mode, &text, path) {
        write_atomic(path, text.as_bytes())
            .map_err(|err| format!("cannot write the fixed file: {err}"))?;
    }
    let (source, original) = match text {
        Some(text) => (text, Some(source)),
        None => (source, None),
    };
    Ok(Checked {
        source,
        index,
        diagnostics,
        original,
        fixed,
        dropped,
        shellcheck: problems,
    })
}

/// Distinguishes the temporary files of one process.
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Replace the file at `path` (following symlinks) with `contents` so that readers see the
/// old or the new file, never a part: write a temporary file in the same directory, flush
/// it to disk, give it the old file's permissions (and owner, where allowed), then rename
/// it over the old one.
fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let old = fs::metadata(&target).ok();
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.dlint-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => break (tmp, file),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {}
            Err(err) => return Err(err),
        }
    };
    let written = (|| {
        file.write_all(contents)?;
        if let Some(old) = &old {
            file.set_permissions(old.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt as _;
                // Only root may give a file away; keeping our own ownership is fine.
                let _ = std::os::unix::fs::fchown(&file, Some(old.uid()), Some(old.gid()));
            }
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &target)
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&tmp);
        return Err(err);
    }
    // Make the rename itself durable; not every platform can sync a directory.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Edit, Fix};
    use crate::text::TextRange;

    #[test]
    fn a_fix_that_breaks_the_file_is_dropped() {
        // A rule whose "fix" leaves an unterminated heredoc: the text stays as it was and
        // the fix is reported as dropped, then not tried again.
        let lint = |text: &str| -> Vec<Diagnostic> {
            let Some(at) = text.find("RUN x") else {
                return Vec::new();
            };
            vec![Diagnostic {
                code: "ZZ001",
                name: "breaks-the-file",
                category: Category::Style,
                severity: Severity::Warning,
                message: "x".into(),
                range: TextRange::new(at, at + 5),
                help: None,
                fix: Some(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        range: TextRange::new(at, at + 5),
                        content: "RUN <<EOF".into(),
                    }],
                }),
                related: Vec::new(),
            }]
        };
        let source = "FROM a\nRUN x\n";
        let fixed = crate::fix::fix_all(source, Applicability::Safe, &lint);
        assert_eq!(fixed.text, source);
        assert!(fixed.applied.is_empty());
        assert_eq!(fixed.dropped, ["ZZ001"]);
    }

    #[test]
    fn atomic_writes_keep_permissions_and_follow_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Dockerfile");
        fs::write(&file, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&file, fs::Permissions::from_mode(0o751)).unwrap();
            std::os::unix::fs::symlink(&file, dir.path().join("link")).unwrap();
            write_atomic(&dir.path().join("link"), b"new").unwrap();
            assert!(
                fs::symlink_metadata(dir.path().join("link"))
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            let mode = fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o751);
            assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        }
        write_atomic(&file, b"newer").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "newer");
        // A new file can be written too, and no temporary file is left.
        write_atomic(&dir.path().join("report.json"), b"[]").unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), if cfg!(unix) { 3 } else { 2 }, "{names:?}");
        assert!(
            names.iter().all(|n| !std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("tmp"))),
            "{names:?}"
        );
    }
}
