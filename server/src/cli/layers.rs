//! `dlint layers`: the layer cake of a Dockerfile — per stage, every instruction with the
//! layer it makes, its size estimate, the running total and what its cache depends on.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::read;
use crate::cli::{ExitStatus, LayersArgs, ViewFormat, report_error};
use crate::layers::context::BuildContext;
use crate::layers::{Options, analyze, report};
use crate::render::Colors;

pub(crate) fn layers(args: &LayersArgs) -> Result<ExitStatus> {
    let colors = Colors::default();
    let name = args.path.display().to_string();
    let source = match read::read_path(&args.path, args.max_file_size) {
        Ok(s) => s,
        Err(err) => {
            report_error(colors, &format!("{name}: {err}"));
            return Ok(ExitStatus::Error);
        }
    };
    let mut build_args = Vec::new();
    for a in &args.build_args {
        match a.split_once('=') {
            Some((k, v)) => build_args.push((k.to_owned(), v.to_owned())),
            // Like `docker build --build-arg NAME`: the value comes from the environment.
            None => {
                let Ok(v) = std::env::var(a) else {
                    report_error(
                        colors,
                        &format!("--build-arg {a}: no `=` and no such environment variable"),
                    );
                    return Ok(ExitStatus::Error);
                };
                build_args.push((a.clone(), v));
            }
        }
    }
    let context_dir: Option<PathBuf> = if args.no_context {
        None
    } else {
        Some(args.context.clone().unwrap_or_else(|| {
            args.path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        }))
    };
    let context = match &context_dir {
        Some(dir) => match BuildContext::load(dir, Some(&args.path)) {
            Ok(c) => Some(c),
            Err(err) => {
                report_error(
                    colors,
                    &format!(
                        "{}: cannot read the build context: {}",
                        dir.display(),
                        read::io_message(&err)
                    ),
                );
                return Ok(ExitStatus::Error);
            }
        },
        None => None,
    };
    let df = crate::syntax::parse(&source);
    let opts = Options {
        build_args: &build_args,
        target: args.target.as_deref(),
        platform: args.platform.as_deref(),
        context: context.as_ref(),
    };
    let analysis = analyze(&df, &opts);
    let rep = report::report(&name, &df, &analysis);
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ViewFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rep)?;
            writeln!(out)?;
        }
        ViewFormat::Text => out.write_all(report::render_text(&rep, &analysis).as_bytes())?,
    }
    if !args.changed.is_empty() {
        let Some(ctx) = &context else {
            report_error(
                colors,
                "--changed needs a build context (drop --no-context)",
            );
            return Ok(ExitStatus::Error);
        };
        for file in &args.changed {
            let rel = file.trim_start_matches("./");
            writeln!(out)?;
            if !ctx.files.iter().any(|f| f.path == rel) {
                let why = if ctx.ignore.excludes(rel) {
                    "excluded by .dockerignore"
                } else {
                    "not in the build context"
                };
                writeln!(out, "A change to {rel} rebuilds nothing: it is {why}.")?;
                continue;
            }
            let hits = crate::layers::analysis::rebuilt_by_file(&analysis, ctx, rel);
            if hits.is_empty() {
                writeln!(
                    out,
                    "A change to {rel} rebuilds nothing: no instruction reads it."
                )?;
                continue;
            }
            writeln!(out, "A change to {rel} rebuilds:")?;
            for (stage, first) in hits {
                let st = &analysis.stages[stage];
                let steps = &st.steps[first..];
                let layers = steps
                    .iter()
                    .filter(|s| s.kind == crate::layers::LayerKind::Filesystem)
                    .count();
                let first_line = df.instructions[steps[0].instruction].start_line;
                let last_line = df.instructions[steps[steps.len() - 1].instruction].end_line;
                let name = st
                    .name
                    .as_deref()
                    .map_or_else(|| stage.to_string(), |n| format!("`{n}`"));
                writeln!(
                    out,
                    "  stage {name}: steps {first}–{} (lines {first_line}–{last_line}), {layers} layer{}",
                    st.steps.len() - 1,
                    if layers == 1 { "" } else { "s" }
                )?;
            }
        }
    }
    out.flush()?;
    if let Some(t) = &args.target
        && analysis.final_stage.is_none()
    {
        report_error(colors, &format!("{name}: no stage named `{t}`"));
        return Ok(ExitStatus::Error);
    }
    Ok(ExitStatus::Success)
}
