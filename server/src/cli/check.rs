//! `dlint check`: read, parse and lint every input in parallel, then print the findings
//! in a deterministic order and decide the exit status.
//!
//! One input's failure never stops the others: it becomes a single
//! `dlint: error: PATH: problem` line on stderr and exit status 2.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};

use anyhow::Result;
use rayon::prelude::*;

use crate::cli::read;
use crate::cli::walk::{self, Input, Source};
use crate::cli::{CheckArgs, ExitStatus, report_error, should_color};
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

    let limit = args.max_file_size;
    let results: Vec<Result<Checked, String>> = inputs
        .par_iter()
        .map(|input| check_one(input, limit))
        .collect();

    let mut files = Vec::with_capacity(results.len());
    for (input, result) in inputs.iter().zip(&results) {
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

/// Read, parse and lint one input. A panic in the parser or a rule is a dlint bug: it
/// becomes this file's error instead of taking the other files down with it.
fn check_one(input: &Input, limit: u64) -> Result<Checked, String> {
    let source = match &input.source {
        Source::Path(path) => read::read_path(path, limit),
        Source::Stdin => read::read_stdin(limit),
    }
    .map_err(|err| err.to_string())?;
    let lint = panic::catch_unwind(AssertUnwindSafe(|| {
        let model = crate::syntax::parse(&source);
        let facts = match &input.source {
            Source::Path(path) => crate::rules::FileFacts::for_path(path),
            Source::Stdin => crate::rules::FileFacts::default(),
        };
        let all: Vec<&crate::rules::RuleEntry> = crate::rules::registry().iter().collect();
        let mut diagnostics = crate::rules::run_with_facts(&model, &source, &all, &facts);
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
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
