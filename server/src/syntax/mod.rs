//! Parsing: Dockerfile text to the typed model.
//!
//! The instruction structure follows BuildKit exactly (see [`scan`]); the concrete syntax
//! tree from tree-sitter (see [`tree`]) serves the editor and is checked against it.

mod instruction;
mod scan;
pub mod tree;
mod words;

use crate::model::{
    Arguments, Dockerfile, Heredoc, Instruction, InstructionKind, Spanned, Stage, SyntaxError,
    SyntaxErrorKind,
};
use crate::text::{LineIndex, TextRange};

/// Parse a Dockerfile into the typed model. Never fails: problems are recorded in
/// [`Dockerfile::errors`] and the model holds everything that could be read.
pub fn parse(text: &str) -> Dockerfile {
    let lines = scan::split_lines(text);
    let mut scan = scan::scan(text, &lines);
    let mut errors = std::mem::take(&mut scan.errors);
    let mut instructions = Vec::with_capacity(scan.instructions.len());
    let mut builder = instruction::Builder {
        escape: scan.escape,
        errors: &mut errors,
    };
    for raw in &scan.instructions {
        let mut heredocs = Vec::with_capacity(raw.heredocs.len());
        for (marker, body) in &raw.heredocs {
            let marker_range = raw.map.range(marker.range);
            if body.terminator.is_none() {
                builder.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::UnterminatedHeredoc,
                    range: marker_range,
                    message: format!(
                        "heredoc `{}` is never terminated: no line `{}` follows",
                        marker.name, marker.name
                    ),
                });
            }
            heredocs.push(Heredoc {
                name: marker.name.clone(),
                marker: marker_range,
                fd: marker.fd,
                chomp: marker.chomp,
                expand: marker.expand,
                body: body.body,
                content: body.content.clone(),
                terminator: body.terminator,
            });
        }
        let end = heredocs
            .last()
            .map(|h| h.terminator.map_or(h.body.end, |t| t.end));
        let mut ins = builder.instruction(&raw.line, &raw.map, 0, raw.line.len(), heredocs);
        if let Some(end) = end {
            ins.range.end = ins.range.end.max(end);
        }
        set_lines(
            &mut ins,
            raw.first_line as u32 + 1,
            raw.last_line as u32 + 1,
        );
        instructions.push(ins);
    }
    let _ = builder;
    if instructions.is_empty() {
        errors.push(SyntaxError {
            kind: SyntaxErrorKind::NoInstructions,
            range: TextRange::empty(scan.bom),
            message: "the file has no instructions".into(),
        });
    }
    let stages = stages(&mut instructions);
    Dockerfile {
        directives: scan.directives,
        escape: scan.escape,
        comments: scan.comments,
        instructions,
        stages,
        errors,
        empty_continuation_lines: scan.empty_continuation_lines,
        line_index: LineIndex::new(text),
        bom: scan.bom,
    }
}

fn set_lines(ins: &mut Instruction, start: u32, end: u32) {
    ins.start_line = start;
    ins.end_line = end;
    if let Some(inner) = ins.onbuild.as_deref_mut() {
        set_lines(inner, start, end);
    }
}

/// Group instructions into stages and record each instruction's stage.
fn stages(instructions: &mut [Instruction]) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    for (i, ins) in instructions.iter_mut().enumerate() {
        if ins.kind == InstructionKind::From {
            if let Some(last) = stages.last_mut() {
                last.instructions.end = i;
            }
            let words = ins.words();
            let base = words.first().cloned();
            let name = (words.len() >= 3 && words[1].value.eq_ignore_ascii_case("as"))
                .then(|| words[2].clone());
            let platform = ins.flag("platform").and_then(|f| f.value.clone());
            stages.push(Stage {
                index: stages.len(),
                from: i,
                instructions: i..i + 1,
                base,
                name,
                platform,
            });
        }
        if let Some(last) = stages.last_mut() {
            last.instructions.end = i + 1;
            ins.stage = Some(last.index);
        }
    }
    stages
}

/// The argument words of a FROM, for callers outside the model.
pub fn from_image(ins: &Instruction) -> Option<&Spanned<String>> {
    match &ins.args {
        Arguments::Shell(s) if ins.kind == InstructionKind::From => s.words.first(),
        _ => None,
    }
}
#[cfg(test)]
mod tests;
