//! `dlint parse`: print the parsed model of one Dockerfile, as text or JSON.
//!
//! The JSON is a small, stable view of [`crate::model::Dockerfile`] (not its serde form),
//! shaped like `BuildKit`'s parse result so the corpus fidelity tool can compare the two.
//! Do not rename its fields:
//!
//! ```json
//! {
//!   "directives": [{ "name": "syntax", "value": "docker/dockerfile:1", "line": 1 }],
//!   "escape": "\\",
//!   "instructions": [
//!     {
//!       "keyword": "RUN",            // as written
//!       "kind": "RUN",               // upper case; "UNKNOWN" for other words
//!       "start_line": 2,
//!       "end_line": 5,
//!       "flags": [{ "name": "mount", "value": "type=cache,target=/x" }],  // value null: bare flag
//!       "json": false,               // exec (JSON array) form
//!       "args": ["apt-get update"],  // exec form: the items; shell form: [text]; none: []
//!       "heredocs": [{ "name": "EOF", "content": "a\n", "fd": 0, "chomp": false, "expand": true }],
//!       "onbuild": null              // ONBUILD: the wrapped instruction, same shape
//!     }
//!   ],
//!   "errors": [{ "kind": "invalid-json", "message": "...", "line": 3, "column": 5 }]
//! }
//! ```

use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::cli::read;
use crate::cli::walk::STDIN_NAME;
use crate::cli::{ExitStatus, ParseArgs, ViewFormat, report_error};
use crate::model::{Arguments, Dockerfile, Instruction};
use crate::render::Colors;

/// The stable JSON view of a parsed file.
#[derive(Debug, Serialize)]
pub(crate) struct ParseView {
    pub directives: Vec<DirectiveView>,
    pub escape: String,
    pub instructions: Vec<InstructionView>,
    pub errors: Vec<ErrorView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DirectiveView {
    pub name: String,
    pub value: String,
    pub line: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct InstructionView {
    pub keyword: String,
    pub kind: &'static str,
    pub start_line: u32,
    pub end_line: u32,
    pub flags: Vec<FlagView>,
    pub json: bool,
    pub args: Vec<String>,
    pub heredocs: Vec<HeredocView>,
    pub onbuild: Option<Box<InstructionView>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FlagView {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct HeredocView {
    pub name: String,
    pub content: String,
    pub fd: u32,
    pub chomp: bool,
    pub expand: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct ErrorView {
    pub kind: crate::model::SyntaxErrorKind,
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl ParseView {
    pub(crate) fn new(file: &Dockerfile, source: &str) -> Self {
        let line = |offset: usize| file.line_index.line_col(offset, source).line;
        Self {
            directives: file
                .directives
                .iter()
                .map(|d| DirectiveView {
                    name: d.name.clone(),
                    value: d.value.value.clone(),
                    line: line(d.range.start),
                })
                .collect(),
            escape: file.escape.to_string(),
            instructions: file.instructions.iter().map(InstructionView::new).collect(),
            errors: file
                .errors
                .iter()
                .map(|e| {
                    let at = file.line_index.line_col(e.range.start, source);
                    ErrorView {
                        kind: e.kind,
                        message: e.message.clone(),
                        line: at.line,
                        column: at.column,
                    }
                })
                .collect(),
        }
    }
}

impl InstructionView {
    fn new(ins: &Instruction) -> Self {
        let (json, args) = match &ins.args {
            Arguments::None => (false, vec![]),
            Arguments::Exec(items) => (true, items.iter().map(|i| i.value.clone()).collect()),
            Arguments::Shell(shell) => (false, vec![shell.text.clone()]),
        };
        Self {
            keyword: ins.keyword.value.clone(),
            kind: ins.kind.as_str(),
            start_line: ins.start_line,
            end_line: ins.end_line,
            flags: ins
                .flags
                .iter()
                .map(|f| FlagView {
                    name: f.name.value.clone(),
                    value: f.value_str().map(str::to_owned),
                })
                .collect(),
            json,
            args,
            heredocs: ins
                .heredocs
                .iter()
                .map(|h| HeredocView {
                    name: h.name.clone(),
                    content: h.content.clone(),
                    fd: h.fd,
                    chomp: h.chomp,
                    expand: h.expand,
                })
                .collect(),
            onbuild: ins
                .onbuild
                .as_deref()
                .map(|inner| Box::new(Self::new(inner))),
        }
    }
}

pub(crate) fn parse(args: &ParseArgs) -> Result<ExitStatus> {
    let (name, text) = if args.path.as_os_str() == "-" {
        (STDIN_NAME.to_owned(), read::read_stdin(args.max_file_size))
    } else {
        (
            args.path.display().to_string(),
            read::read_path(&args.path, args.max_file_size),
        )
    };
    let source = match text {
        Ok(source) => source,
        Err(err) => {
            report_error(Colors::default(), &format!("{name}: {err}"));
            return Ok(ExitStatus::Error);
        }
    };
    let view = ParseView::new(&crate::syntax::parse(&source), &source);
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ViewFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &view)?;
            writeln!(out)?;
        }
        ViewFormat::Text => write_text(&mut out, &view, Path::new(&name))?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// The human-readable form: one block per instruction, details indented.
fn write_text(out: &mut impl Write, view: &ParseView, path: &Path) -> io::Result<()> {
    writeln!(out, "# {}", path.display())?;
    for d in &view.directives {
        writeln!(out, "directive {}={} (line {})", d.name, d.value, d.line)?;
    }
    writeln!(out, "escape {}", view.escape)?;
    for ins in &view.instructions {
        write_instruction(out, ins, 0)?;
    }
    for e in &view.errors {
        writeln!(
            out,
            "error {}:{} {}: {}",
            e.line,
            e.column,
            kebab(&e.kind),
            e.message
        )?;
    }
    Ok(())
}

fn write_instruction(out: &mut impl Write, ins: &InstructionView, depth: usize) -> io::Result<()> {
    let indent = "    ".repeat(depth);
    let lines = if ins.start_line == ins.end_line {
        format!("line {}", ins.start_line)
    } else {
        format!("lines {}-{}", ins.start_line, ins.end_line)
    };
    writeln!(out, "{indent}{} ({}) {lines}", ins.keyword, ins.kind)?;
    for flag in &ins.flags {
        match &flag.value {
            Some(value) => writeln!(out, "{indent}  flag --{}={value}", flag.name)?,
            None => writeln!(out, "{indent}  flag --{}", flag.name)?,
        }
    }
    if ins.json {
        writeln!(
            out,
            "{indent}  exec {}",
            serde_json::to_string(&ins.args).unwrap_or_default()
        )?;
    } else if let Some(text) = ins.args.first() {
        writeln!(out, "{indent}  shell {}", text.replace('\n', "\n        "))?;
    }
    for h in &ins.heredocs {
        writeln!(
            out,
            "{indent}  heredoc {} (fd {}, chomp {}, expand {})",
            h.name, h.fd, h.chomp, h.expand
        )?;
        for line in h.content.lines() {
            writeln!(out, "{indent}    | {line}")?;
        }
    }
    if let Some(inner) = &ins.onbuild {
        write_instruction(out, inner, depth + 1)?;
    }
    Ok(())
}

/// A serde value's string form (`invalid-json`).
fn kebab(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn view_of_an_empty_file_has_every_top_level_field() {
        let source = "";
        let view = ParseView::new(&crate::syntax::parse(source), source);
        let value = serde_json::to_value(&view).unwrap();
        for key in ["directives", "escape", "instructions", "errors"] {
            assert!(value.get(key).is_some(), "{key}");
        }
        assert_eq!(value["escape"], "\\");
    }
}
