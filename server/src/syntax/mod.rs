//! Parsing: Dockerfile text to the typed model.
//!
//! The instruction structure follows BuildKit exactly (see [`scan`]); the concrete syntax
//! tree from tree-sitter (see [`tree`]) serves the editor and is checked against it.

mod instruction;
mod scan;
pub mod tree;
mod words;

use crate::model::{
    Arguments, Dockerfile, Heredoc, Instruction, InstructionKind, Stage, SyntaxError,
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

/// Whether a `SHELL` instruction selects a POSIX shell (`None` when it is not exec form).
fn shell_is_posix(ins: &Instruction) -> Option<bool> {
    let Arguments::Exec(items) = &ins.args else {
        return None;
    };
    let first = items.first()?.value.to_ascii_lowercase();
    let program = first.rsplit(['/', '\\']).next().unwrap_or(&first);
    Some(
        !(program.starts_with("powershell")
            || program.starts_with("pwsh")
            || program.starts_with("cmd")),
    )
}

/// A Windows base image runs RUN with `cmd /S /C`.
fn windows_base(image: &str) -> bool {
    let image = image.to_ascii_lowercase();
    [
        "windows",
        "nanoserver",
        "servercore",
        "microsoft/iis",
        "dotnet/framework",
    ]
    .iter()
    .any(|w| image.contains(w))
}

/// `text` with `$NAME`/`${NAME}` replaced by the defaults of global ARGs (`ARG
/// node=node:12-windowsservercore` / `FROM $node`); unknown names stay.
fn expand_defaults(text: &str, defaults: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        let value = (!name.is_empty())
            .then(|| defaults.iter().rev().find(|(n, _)| n == name))
            .flatten();
        match value {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Group instructions into stages and record each instruction's stage and shell.
fn stages(instructions: &mut [Instruction]) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    // The shell in force at the end of each stage, for stages built from it.
    let mut stage_posix: Vec<bool> = Vec::new();
    let mut posix = true;
    // Defaults of the ARGs before the first FROM, for bases named through them.
    let mut defaults: Vec<(String, String)> = Vec::new();
    for (i, ins) in instructions.iter_mut().enumerate() {
        if stages.is_empty() && ins.kind == InstructionKind::Arg {
            for word in ins.words() {
                if let Some((name, value)) = word.value.split_once('=') {
                    let value = value.trim_matches(|c| c == '"' || c == '\'');
                    defaults.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        if ins.kind == InstructionKind::From {
            if !stages.is_empty() {
                stage_posix.push(posix);
            }
            let base = ins
                .words()
                .first()
                .map(|w| w.value.clone())
                .unwrap_or_default();
            posix = stages
                .iter()
                .position(|s: &Stage| {
                    s.name
                        .as_ref()
                        .is_some_and(|n| n.value.eq_ignore_ascii_case(&base))
                })
                .map_or_else(
                    || !windows_base(&expand_defaults(&base, &defaults)),
                    |s| stage_posix[s],
                );
        } else if ins.effective().kind == InstructionKind::Shell
            && ins.onbuild.is_none()
            && let Some(p) = shell_is_posix(ins)
        {
            posix = p;
        }
        ins.posix_shell = posix;
        if let Some(inner) = ins.onbuild.as_deref_mut() {
            inner.posix_shell = posix;
        }
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
                shipped: false,
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
    mark_shipped(&mut stages, instructions);
    stages
}

/// Set [`Stage::shipped`].
fn mark_shipped(stages: &mut [Stage], instructions: &[Instruction]) {
    let n = stages.len();
    let index_of = |stages: &[Stage], name: &str| {
        stages
            .iter()
            .position(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|x| x.value.eq_ignore_ascii_case(name))
            })
            .or_else(|| name.parse::<usize>().ok().filter(|&i| i < n))
    };
    let parents: Vec<Option<usize>> = (0..n)
        .map(|i| {
            stages[i]
                .base
                .as_ref()
                .and_then(|b| index_of(stages, &b.value))
                .filter(|&p| p < i)
        })
        .collect();
    let mut used = vec![false; n];
    for (i, stage) in stages.iter().enumerate() {
        if let Some(p) = parents[i] {
            used[p] = true;
        }
        for ins in &instructions[stage.instructions.clone()] {
            let ins = ins.effective();
            let from = ins.flag("from").and_then(|f| f.value_str()).into_iter();
            let mounts = ins
                .flags
                .iter()
                .filter(|f| f.name.value == "mount")
                .filter_map(|f| f.value_str())
                .flat_map(|v| v.split(','))
                .filter_map(|kv| kv.strip_prefix("from="));
            for name in from.chain(mounts) {
                if let Some(j) = index_of(stages, name) {
                    used[j] = true;
                }
            }
        }
    }
    for (i, &is_used) in used.iter().enumerate() {
        if i + 1 == n || !is_used {
            let mut at = Some(i);
            // Bounded: parents have smaller indices.
            while let Some(s) = at {
                stages[s].shipped = true;
                at = parents[s];
            }
        }
    }
}
#[cfg(test)]
mod tests;
