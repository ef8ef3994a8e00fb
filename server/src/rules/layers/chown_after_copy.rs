//! LY002 `chown-after-copy`: a `chown`, `chgrp` or `chmod` in a RUN of files that a COPY of
//! the same stage added, which stores them a second time.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{Call, calls, posix_script, whole_lines};
use crate::rules::size::added::{Copied, absolute, copied, workdir_at};
use crate::rules::size::earlier;
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for a RUN that changes the owner or mode of files a COPY just added.

## What it does
Flags `chown`, `chgrp` and `chmod` in a RUN when they change files that an earlier COPY or
ADD of the same stage added: the path is the one the COPY wrote (a copied file, or the
destination directory with `-R`), a directory above it with `-R`, or a path inside a
copied directory when no RUN ran since the COPY (then without a fix). Paths are resolved
against the `WORKDIR`; a relative path in a RUN that runs `cd` is not followed.

Only stages whose layers ship are checked; a builder that is only copied from is not.
`ADD` of a local archive is left alone: what it unpacks is not known.

## Why is this bad?
A layer stores whole files. Changing the owner or the mode of a file is a change like any
other: the RUN's layer holds a new copy of every file it touched, and the COPY's layer
still holds the old one, so the image carries the files twice. `COPY --chown=user:group`
and `COPY --chmod=755` set the owner and mode as the files are written, in one layer.

## Example
```dockerfile
FROM node:22-slim
COPY app /app
RUN chown -R node:node /app
```

Use instead:
```dockerfile
FROM node:22-slim
COPY --chown=node:node app /app
```

## Fix safety
When the `chown` (or an octal `chmod`) is the whole RUN and nothing else ran between the
COPY and it, the fix adds `--chown` (`--chmod`) to the COPY and deletes the RUN. It is
unsafe: `chown -R` also changes what else lies under the path (files of the base image or
of another COPY), `COPY --chown` also owns the directories it creates, and a user named in
`--chown` must exist when the COPY runs.

## References
- [Dockerfile reference: `COPY --chown --chmod`](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
- [Docker: best practices, minimize the number of layers](https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers)
";

declare_rule! {
    /// `chown`/`chmod` in a RUN of files a COPY just added.
    pub struct ChownAfterCopy;
    code: "LY002",
    name: "chown-after-copy",
    category: Layers,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// A `chown`/`chgrp`/`chmod` call: the owner or mode it sets and the paths it changes.
struct Change<'c> {
    /// `chown`, `chgrp` or `chmod`.
    program: &'c str,
    /// The owner (`app:app`), group or mode (`755`); `None` with `--reference`.
    value: Option<&'c str>,
    recursive: bool,
    targets: Vec<&'c str>,
}

fn change<'c>(call: &'c Call<'_>) -> Option<Change<'c>> {
    let program = match &*call.name {
        "chown" => "chown",
        "chgrp" => "chgrp",
        "chmod" => "chmod",
        _ => return None,
    };
    if call.arg_values().any(|a| a.starts_with("--reference")) {
        return None;
    }
    let recursive = call.arg_values().any(|a| {
        a == "--recursive"
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('R'))
                && !(program == "chmod" && symbolic_mode(a))
    });
    let mut operands: Vec<&str> = call
        .operands(&[])
        .into_iter()
        .map(|w| w.value.as_str())
        .collect();
    // `chmod -x file`: the mode looks like an option.
    let dash_mode = (program == "chmod")
        .then(|| call.arg_values().find(|a| symbolic_mode(a)))
        .flatten();
    let value = match dash_mode {
        Some(mode) => mode,
        None => {
            if operands.is_empty() {
                return None;
            }
            operands.remove(0)
        }
    };
    Some(Change {
        program,
        value: Some(value),
        recursive,
        targets: operands,
    })
}

/// `-x`, `-w`, `-rwx`: a symbolic mode that starts with `-`.
fn symbolic_mode(arg: &str) -> bool {
    arg.strip_prefix('-').is_some_and(|m| {
        !m.is_empty() && !m.starts_with('-') && m.chars().all(|c| "rwxXst".contains(c))
    })
}

/// Whether a COPY source looks like one file (`app.jar`), not a directory.
fn looks_like_file(c: &Copied<'_>) -> bool {
    c.file_name()
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
}

/// Whether changing `target` changes files that `c` added: the copied path itself, a
/// directory above it (with `-R`), or, when `inside` (a directory was copied and no RUN
/// ran since), a path inside it.
fn touches(c: &Copied<'_>, target: &str, recursive: bool, inside: bool) -> bool {
    if target == "/" {
        return false;
    }
    let under = |child: &str, parent: &str| {
        child.starts_with(parent) && child[parent.len()..].starts_with('/')
    };
    c.paths.iter().any(|p| {
        (p == target && (recursive || looks_like_file(c)))
            || (recursive && under(p, target))
            || (inside && !looks_like_file(c) && under(target, p))
    })
}

impl Rule for ChownAfterCopy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let file = ctx.file;
        // ONBUILD bodies run in another build: the COPYs of this file are not theirs.
        if !crate::rules::common::is_top_level(file, ins) {
            return;
        }
        let Some(script) = posix_script(file, ins) else {
            return;
        };
        let Some(stage) = ins.stage else { return };
        if !file.stages.get(stage).is_some_and(|s| s.shipped) {
            return;
        }
        // Cheap test first: most RUNs change no owner or mode.
        if !calls(script).iter().any(|c| change(c).is_some()) {
            return;
        }
        let before: Vec<&Instruction> = earlier(file, ins)
            .into_iter()
            .filter(|i| i.stage == Some(stage))
            .collect();
        let copies: Vec<Copied<'_>> = before
            .iter()
            .filter(|i| {
                i.kind == InstructionKind::Copy
                    || !copied(file, i)
                        .iter()
                        .any(|c| crate::rules::size::added::add_extracts(&c.source.value))
            })
            .flat_map(|i| copied(file, i))
            .collect();
        if copies.is_empty() {
            return;
        }
        let calls = calls(script);
        let workdir = workdir_at(file, ins);
        let cd = calls.iter().any(|c| c.name == "cd");
        for call in calls {
            let Some(change) = change(call) else { continue };
            let mut matched: Vec<&Copied<'_>> = Vec::new();
            let mut all_matched = !change.targets.is_empty();
            for target in &change.targets {
                let base = if cd && !target.starts_with('/') {
                    None
                } else {
                    workdir.as_deref()
                };
                let Some(target) = absolute(base, target) else {
                    all_matched = false;
                    continue;
                };
                let hits: Vec<&Copied<'_>> = copies
                    .iter()
                    .filter(|c| {
                        let quiet = !before.iter().any(|i| {
                            i.kind == InstructionKind::Run && i.range.start > c.ins.range.start
                        });
                        if touches(c, &target, change.recursive, false) {
                            return true;
                        }
                        let inside = quiet && touches(c, &target, change.recursive, true);
                        // `--chmod` on the COPY would change every file, not this one.
                        all_matched &= !inside;
                        inside
                    })
                    .collect();
                if hits.is_empty() {
                    all_matched = false;
                }
                for hit in hits {
                    if !matched.iter().any(|m| std::ptr::eq(m.ins, hit.ins)) {
                        matched.push(hit);
                    }
                }
            }
            let Some(last) = matched.iter().max_by_key(|c| c.ins.range.start) else {
                continue;
            };
            let option = match change.program {
                "chmod" => "--chmod",
                _ => "--chown",
            };
            let message = format!(
                "`{}` rewrites files that the {} on line {} added: this layer stores them again",
                call.display(4),
                last.ins.kind.as_str(),
                last.ins.start_line
            );
            let help = match (change.program, change.value) {
                ("chgrp", _) | (_, None) => format!("Set the owner with `{option}` on the COPY"),
                (_, Some(value)) => format!("Use `{option}={value}` on the COPY"),
            };
            let fix = if all_matched {
                build_fix(
                    ctx,
                    ins,
                    script.commands.len(),
                    &change,
                    option,
                    &matched,
                    &before,
                )
            } else {
                None
            };
            let d = ctx.report(&Self::META, call.span(), message);
            d.with_help(help);
            for c in &matched {
                d.with_related(c.ins.range, "the files are added here");
            }
            d.set_fix(fix);
        }
    }
}

/// The unsafe fix: `--chown`/`--chmod` on every COPY involved, and the RUN deleted, when
/// the call is the whole RUN and no RUN ran between the COPYs and it.
fn build_fix(
    ctx: &Context<'_>,
    run: &Instruction,
    commands: usize,
    change: &Change<'_>,
    option: &str,
    matched: &[&Copied<'_>],
    before: &[&Instruction],
) -> Option<Fix> {
    let value = change.value?;
    let literal = match change.program {
        "chown" => !value.contains(['$', '`']) && !value.is_empty(),
        "chmod" => (3..=4).contains(&value.len()) && value.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    if commands != 1 || !run.heredocs.is_empty() || !literal {
        return None;
    }
    let first = matched.iter().map(|c| c.ins.range.start).min()?;
    let runs_between = before
        .iter()
        .any(|i| i.kind == InstructionKind::Run && i.range.start > first);
    let flagged = matched.iter().any(|c| c.ins.flag(&option[2..]).is_some());
    if runs_between || flagged {
        return None;
    }
    let mut edits: Vec<Edit> = matched
        .iter()
        .map(|c| Edit {
            range: TextRange::empty(c.ins.keyword.range.end),
            content: format!(" {option}={value}"),
        })
        .collect();
    edits.dedup_by_key(|e| e.range.start);
    edits.push(Edit {
        range: whole_lines(ctx.source, run)?,
        content: String::new(),
    });
    Some(Fix {
        applicability: Applicability::Unsafe,
        edits,
    })
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::test_support::{diagnostics, findings, fixed_and_clean, lines};

    const CODE: &str = "LY002";

    #[test]
    fn chown_of_copied_files_is_flagged() {
        let text = "FROM a\nCOPY app /app\nRUN chown -R app:app /app\n";
        assert_eq!(
            findings(CODE, text),
            [(
                3,
                "chown -R app:app /app".to_owned(),
                "`chown -R app:app /app` rewrites files that the COPY on line 2 added: this layer stores them again"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(d[0].related.len(), 1);
        assert_eq!(d[0].related[0].range.slice(text), "COPY app /app");
        assert_eq!(
            d[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Unsafe)
        );
        assert_eq!(
            fixed_and_clean(CODE, text),
            "FROM a\nCOPY --chown=app:app app /app\n"
        );
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM a\nCOPY run.sh /usr/local/bin/\nRUN chmod 0755 /usr/local/bin/run.sh\nCMD run.sh\n"
            ),
            "FROM a\nCOPY --chmod=0755 run.sh /usr/local/bin/\nCMD run.sh\n"
        );
    }

    #[test]
    fn shapes() {
        // Relative to WORKDIR, a parent directory with -R, a copied file, another stage's
        // COPY --from.
        assert_eq!(
            lines(CODE, "FROM a\nWORKDIR /srv\nCOPY . .\nRUN chown -R u .\n"),
            [4]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a\nCOPY x /home/u/app/x\nRUN chown -R u /home/u\n"
            ),
            [3]
        );
        assert_eq!(
            lines(CODE, "FROM a\nCOPY entry.sh /\nRUN chmod +x /entry.sh\n"),
            [3]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM a AS b\nRUN x\nFROM c\nCOPY --from=b /out /app\nRUN apt-get update && chown -R u /app\n"
            ),
            [5]
        );
        // A file inside a copied directory, right after the COPY: flagged without a fix.
        let d = diagnostics(
            CODE,
            "FROM a\nCOPY bin/ /opt/bin\nRUN chmod +x /opt/bin/run\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none());
        // Several commands: flagged without a fix.
        let d = diagnostics(
            CODE,
            "FROM a\nCOPY app /app\nRUN useradd u && chown -R u /app\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none());
        // A user created between the COPY and the chown: no fix.
        let d = diagnostics(
            CODE,
            "FROM a\nCOPY app /app\nRUN useradd u\nRUN chown -R u /app\n",
        );
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn other_files_and_stages_are_clean() {
        for text in [
            "FROM a\nCOPY app /app\nRUN chown -R u /data\n",
            "FROM a\nRUN chown -R u /app\nCOPY app /app\n",
            "FROM a\nCOPY . /app\nRUN chown u /app\n",
            "FROM a\nCOPY app /app\nRUN cd /x && chown -R u app\n",
            "FROM a\nCOPY app /app\nRUN chown -R u /\n",
            "FROM a\nCOPY app $DIR\nRUN chown -R u /app\n",
            "FROM a AS build\nCOPY app /app\nRUN chown -R u /app\nFROM b\nCOPY --from=build /app /app\n",
            "FROM a\nCOPY app /app\nFROM b\nRUN chown -R u /app\n",
            "FROM a\nADD app.tar.gz /app\nRUN chown -R u /app\n",
            "FROM a\nCOPY app /app\nRUN chmod --reference=/x -R /app\n",
            "FROM a\nCOPY app/ /app\nRUN make\nRUN chmod +x /app/run\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
