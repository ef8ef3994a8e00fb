//! `dlint check`: read, parse and lint every input in parallel, then print the findings
//! in a deterministic order and decide the exit status.
//!
//! One input's failure never stops the others: it becomes a single
//! `dlint: error: PATH: problem` line on stderr and exit status 2. So does a bad
//! configuration file: each of its problems is one `dlint: error: FILE:LINE:COL: ...`
//! line, and the files under it are not checked.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::cli::read;
use crate::cli::walk::{self, Input, Source};
use crate::cli::{CheckArgs, ExitStatus, report_error, should_color};
use crate::config::{Config, ConfigError, RuleSet, normalize};
use crate::diagnostic::Diagnostic;
use crate::render::{self, Colors, FileDiagnostics, OutputFormat, Summary};
use crate::text::LineIndex;

/// A file that was read and linted.
struct Checked {
    source: String,
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
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
    let (inputs, input_errors) = walk::collect(&paths, args.stdin_filename.as_deref());
    for err in &input_errors {
        report_error(err_colors, &err.message);
    }
    let mut failed = !input_errors.is_empty();

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.show_files {
        for input in &inputs {
            writeln!(out, "{}", input.display)?;
        }
        out.flush()?;
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
    let rule_sets: Vec<Option<RuleSet>> = inputs.iter().map(|i| configs.rules_for(i)).collect();
    failed |= configs.failed;

    let limit = args.max_file_size;
    let results: Vec<Option<Result<Checked, String>>> = inputs
        .par_iter()
        .zip(&rule_sets)
        .map(|(input, rules)| rules.as_ref().map(|rules| check_one(input, limit, rules)))
        .collect();

    let mut files = Vec::with_capacity(results.len());
    for (input, result) in inputs.iter().zip(&results) {
        let Some(result) = result else {
            continue;
        };
        match result {
            Ok(checked) => files.push(FileDiagnostics {
                path: &input.display,
                source: &checked.source,
                index: &checked.index,
                diagnostics: &checked.diagnostics,
            }),
            Err(err) => {
                failed = true;
                report_error(err_colors, &format!("{}: {err}", input.display));
            }
        }
    }

    let colors = Colors::new(should_color(args.color, io::stdout().is_terminal()));
    let mut summary = Summary::default();
    for file in &files {
        summary.add_file(file.diagnostics);
    }
    match args.format {
        OutputFormat::Json => render::json::render(&mut out, &files)?,
        OutputFormat::Full | OutputFormat::Concise => {
            for file in &files {
                if args.format == OutputFormat::Full {
                    render::full::render(&mut out, file, colors)?;
                } else {
                    render::concise::render(&mut out, file, colors)?;
                }
            }
            render::summary(&mut out, &summary, colors)?;
        }
    }
    out.flush()?;

    let at_fail_level = files
        .iter()
        .flat_map(|f| f.diagnostics)
        .any(|d| d.severity >= args.fail_level);
    Ok(if failed {
        ExitStatus::Error
    } else if at_fail_level && !args.no_fail {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
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

    /// The rules for one input; `None` when its configuration is bad.
    fn rules_for(&mut self, input: &Input) -> Option<RuleSet> {
        let path: Option<&Path> = match &input.source {
            Source::Path(path) => Some(path),
            Source::Stdin => self.args.stdin_filename.as_deref().map(Path::new),
        };
        if let Some(config) = &self.fixed {
            return Some(config.for_file(path));
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
            return Some(self.defaults.for_file(path));
        };
        if !self.loaded.contains_key(&file) {
            let config = Config::load(&shown(&file));
            let config = self.finish(config);
            self.loaded.insert(file.clone(), config);
        }
        self.loaded[&file].as_ref().map(|c| c.for_file(path))
    }
}

/// A path as shown in messages: relative to the current directory when under it.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(normalize(&cwd)).ok())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

/// Read, parse and lint one input. A panic in the parser or a rule is a dlint bug: it
/// becomes this file's error instead of taking the other files down with it.
fn check_one(input: &Input, limit: u64, rules: &RuleSet) -> Result<Checked, String> {
    let source = match &input.source {
        Source::Path(path) => read::read_path(path, limit),
        Source::Stdin => read::read_stdin(limit),
    }
    .map_err(|err| err.to_string())?;
    let lint = panic::catch_unwind(AssertUnwindSafe(|| {
        let model = crate::syntax::parse(&source);
        let path = match &input.source {
            Source::Path(path) => Some(path.as_path()),
            Source::Stdin => None,
        };
        let diagnostics = crate::lint::lint(&model, &source, path, rules);
        (model.line_index, diagnostics)
    }));
    match lint {
        Ok((index, diagnostics)) => Ok(Checked {
            source,
            index,
            diagnostics,
        }),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("unknown cause");
            Err(format!(
                "internal error, file not checked (a dlint bug, please report it): {reason}"
            ))
        }
    }
}
