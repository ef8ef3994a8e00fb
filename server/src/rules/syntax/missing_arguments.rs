//! SY007 `missing-arguments`: an instruction with too few (or the wrong number of)
//! arguments, as the builder checks them before the first step runs.

use crate::declare_rule;
use crate::model::{Arguments, Instruction, InstructionKind, Spanned, SyntaxErrorKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for instructions with missing arguments or the wrong number of them.

## What it does
Repeats the argument checks BuildKit makes before building:

- `FROM` takes an image, optionally followed by `AS name`: one or three words.
- `COPY` and `ADD` take at least one source and a destination (`COPY <<EOF /dst` counts the
  heredoc as the source); the destination cannot be a heredoc.
- `RUN` needs a command (or a heredoc).
- `WORKDIR`, `USER`, `STOPSIGNAL` and `MAINTAINER` need a value; `EXPOSE`, `VOLUME`, `ARG`,
  `ENV` and `LABEL` at least one.
- `ENV` and `LABEL` in the `name value` form need a value after the name.
- `ONBUILD` needs an instruction, which cannot be `ONBUILD`, `FROM` or `MAINTAINER`.
- `HEALTHCHECK` takes `CMD` followed by a command, or `NONE` alone.
- `SHELL` takes a JSON array with at least one item.

Differences from hadolint DL1000 and DL3043: hadolint reports most of these as a parse
error of the whole file (DL1000), at the first problem, and checks nothing else in it (see
`unknown-instruction`, SY001, for how the two compare); `ONBUILD` before `ONBUILD`, `FROM`
or `MAINTAINER` is its DL3043.

## Why is this bad?
BuildKit's line parser accepts these lines, and the build then fails with errors such as
`FROM requires either one or three arguments` or `COPY requires at least two arguments`
before any step runs. A `RUN` without a command runs nothing. Often the cause is a line
break: the arguments went to a line of their own after a forgotten `\`.

## Example
```dockerfile
FROM python:3.12-slim builder
WORKDIR
COPY requirements.txt
HEALTHCHECK curl -f http://localhost/
```

Use instead:
```dockerfile
FROM python:3.12-slim AS builder
WORKDIR /app
COPY requirements.txt .
HEALTHCHECK CMD curl -f http://localhost/
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
- [Dockerfile reference: ONBUILD](https://docs.docker.com/reference/dockerfile/#onbuild)
- [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
- [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
- [hadolint DL3043](https://github.com/hadolint/hadolint/wiki/DL3043)
";

declare_rule! {
    /// An instruction with too few, or the wrong number of, arguments.
    pub struct MissingArguments;
    code: "SY007",
    name: "missing-arguments",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL1000, DL3043"),
    docs: DOCS,
}

/// One finding: where, what is wrong, what to do.
struct Finding {
    range: TextRange,
    message: String,
    help: String,
}

impl Finding {
    fn new(range: TextRange, message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            range,
            message: message.into(),
            help: help.into(),
        }
    }
}

impl Rule for MissingArguments {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let mut findings = Vec::new();
        arity(ins, ctx, &mut findings);
        for error in super::errors_of(ctx.file, ins, &[SyntaxErrorKind::MissingArguments]) {
            let name = ins.words().first().map_or("", |w| w.value.as_str());
            findings.push(Finding::new(
                error.range,
                format!("`{} {name}` has no value", ins.kind.as_str()),
                format!("Write `{name}=<value>` (`{name}=\"\"` for an empty value)"),
            ));
        }
        for f in findings {
            ctx.report(&Self::META, f.range, f.message).help = Some(f.help);
        }
    }
}

/// A `<<EOF`-style heredoc marker word (`ParseHeredoc`'s `^(\d*)<<(-?)([^<]*)$`).
fn is_heredoc_word(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.strip_prefix("<<")
        .map(|r| r.strip_prefix('-').unwrap_or(r))
        .is_some_and(|r| !r.is_empty() && !r.contains('<'))
}

fn arity(ins: &Instruction, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let kw = ins.kind.as_str();
    let words = ins.words();
    let keyword = ins.keyword.range;
    let args = super::arguments_range(ins);
    let no_args = |what: &str| {
        Finding::new(
            keyword,
            format!("`{kw}` has no arguments"),
            format!("Add {what} after `{kw}`, on the same line or after a `\\` line continuation"),
        )
    };
    match ins.kind {
        InstructionKind::From => from(ins, words, out),
        InstructionKind::Copy | InstructionKind::Add => {
            if words.len() < 2 {
                let range = if words.is_empty() { keyword } else { args };
                out.push(Finding::new(
                    range,
                    format!("`{kw}` needs a source and a destination"),
                    format!("Add the destination: `{kw} <source>... <destination>`"),
                ));
            } else if let Some(dest) = words.last().filter(|w| is_heredoc_word(&w.value)) {
                out.push(Finding::new(
                    dest.range,
                    format!("the destination of `{kw}` is a heredoc"),
                    format!("Put the heredoc first and the destination last: `{kw} <<EOF /path`"),
                ));
            }
        }
        InstructionKind::Run => {
            let empty = match &ins.args {
                Arguments::None => true,
                Arguments::Exec(items) => items.is_empty(),
                Arguments::Shell(_) => false,
            };
            if empty && ins.heredocs.is_empty() {
                let f = no_args("a command");
                out.push(Finding {
                    message: "`RUN` has no command".to_owned(),
                    ..f
                });
            }
        }
        InstructionKind::Workdir => push_if(out, words.is_empty(), || no_args("a directory")),
        InstructionKind::User => push_if(out, words.is_empty(), || no_args("a user name or UID")),
        InstructionKind::Stopsignal => push_if(out, words.is_empty(), || {
            no_args("a signal name such as `SIGTERM`")
        }),
        InstructionKind::Maintainer => push_if(out, words.is_empty(), || no_args("a name")),
        InstructionKind::Expose => push_if(out, words.is_empty(), || no_args("a port")),
        InstructionKind::Volume => push_if(out, words.is_empty(), || no_args("a path")),
        InstructionKind::Arg => push_if(out, words.is_empty(), || no_args("a name")),
        InstructionKind::Env | InstructionKind::Label => {
            push_if(out, words.is_empty(), || no_args("`name=value`"));
        }
        InstructionKind::Onbuild => onbuild(ins, out),
        InstructionKind::Healthcheck => healthcheck(ins, words, out, no_args),
        InstructionKind::Shell => match &ins.args {
            Arguments::None => out.push(no_args("a JSON array such as `[\"/bin/bash\", \"-c\"]`")),
            Arguments::Exec(items) if items.is_empty() => out.push(Finding::new(
                args.cover(keyword),
                "`SHELL` has an empty array",
                "Name the shell: `SHELL [\"/bin/bash\", \"-c\"]`",
            )),
            Arguments::Shell(s) => {
                // Invalid JSON in brackets is SY003's (reported as an error for SHELL).
                let json_error = super::errors_of(
                    ctx.file,
                    ins,
                    &[SyntaxErrorKind::InvalidJson, SyntaxErrorKind::NonStringJson],
                )
                .next()
                .is_some();
                if !json_error {
                    out.push(Finding::new(
                        s.range,
                        "`SHELL` arguments are not a JSON array",
                        format!(
                            "Write them as a JSON array: `SHELL [{}]`",
                            json_items(&s.text)
                        ),
                    ));
                }
            }
            Arguments::Exec(_) => {}
        },
        InstructionKind::Cmd | InstructionKind::Entrypoint | InstructionKind::Unknown => {}
    }
}

fn push_if(out: &mut Vec<Finding>, condition: bool, finding: impl FnOnce() -> Finding) {
    if condition {
        out.push(finding());
    }
}

/// `"a", "b"` from shell words `a b` (for the SHELL help).
fn json_items(text: &str) -> String {
    let items: Vec<String> = text
        .split_whitespace()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    items.join(", ")
}

/// `parseBuildStageName`: one word, or three with `AS` in the middle.
fn from(ins: &Instruction, words: &[Spanned<String>], out: &mut Vec<Finding>) {
    let args = super::arguments_range(ins);
    let is_as = |w: &Spanned<String>| w.value.eq_ignore_ascii_case("as");
    match words {
        [] => out.push(Finding::new(
            ins.keyword.range,
            "`FROM` has no image",
            "Name the base image: `FROM <image>[:tag] [AS <name>]`",
        )),
        [_] => {}
        [_, a, _] if is_as(a) => {}
        [_, second, _] => out.push(Finding::new(
            second.range,
            format!("`FROM` expects `AS` before the stage name, found `{}`", second.value),
            "Write `FROM <image> AS <name>`",
        )),
        [_, a] if is_as(a) => out.push(Finding::new(
            a.range,
            "`FROM ... AS` has no stage name",
            "Name the stage after `AS`, or remove `AS`",
        )),
        _ => out.push(Finding::new(
            args,
            format!("`FROM` takes one or three words, found {}", words.len()),
            "Write `FROM <image>` or `FROM <image> AS <name>`; put other images in their own `FROM`",
        )),
    }
}

/// `parseOnBuild`: an instruction follows, and not ONBUILD, FROM or MAINTAINER.
fn onbuild(ins: &Instruction, out: &mut Vec<Finding>) {
    let Some(inner) = ins.onbuild.as_deref() else {
        out.push(Finding::new(
            ins.keyword.range,
            "`ONBUILD` has no instruction",
            "Add the instruction to run when another image is built `FROM` this one, e.g. `ONBUILD COPY . /app`",
        ));
        return;
    };
    match inner.kind {
        InstructionKind::Onbuild => out.push(Finding::new(
            inner.keyword.range,
            "`ONBUILD ONBUILD` is not allowed",
            "Remove one `ONBUILD`",
        )),
        InstructionKind::From | InstructionKind::Maintainer => out.push(Finding::new(
            inner.keyword.range,
            format!("`{}` is not allowed after `ONBUILD`", inner.kind.as_str()),
            "Remove the instruction, or move it out of `ONBUILD`",
        )),
        _ => {}
    }
}

/// `parseHealthcheck`: `NONE` alone, or `CMD` and a command.
fn healthcheck(
    ins: &Instruction,
    words: &[Spanned<String>],
    out: &mut Vec<Finding>,
    no_args: impl FnOnce(&str) -> Finding,
) {
    let Some(typ) = words.first() else {
        out.push(no_args("`CMD <command>` or `NONE`"));
        return;
    };
    match typ.value.to_ascii_uppercase().as_str() {
        "NONE" if words.len() > 1 => out.push(Finding::new(
            super::arguments_range(ins),
            "`HEALTHCHECK NONE` takes no arguments",
            "Remove the arguments after `NONE`, or use `HEALTHCHECK CMD <command>`",
        )),
        "CMD" if words.len() < 2 => out.push(Finding::new(
            typ.range,
            "`HEALTHCHECK CMD` has no command",
            "Add the command to run after `CMD`",
        )),
        "NONE" | "CMD" => {}
        _ => out.push(Finding::new(
            typ.range,
            format!(
                "`HEALTHCHECK` type must be `CMD` or `NONE`, found `{}`",
                typ.value
            ),
            format!("Write `HEALTHCHECK CMD {}`", shell_text(ins)),
        )),
    }
}

/// The instruction's argument text as the builder sees it (continuations joined).
fn shell_text(ins: &Instruction) -> &str {
    match &ins.args {
        Arguments::Shell(s) => &s.text,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::is_heredoc_word;
    use crate::rules::test_support::{coded_findings as findings, diagnostics, lines};

    fn messages(text: &str) -> Vec<String> {
        findings("SY007", text).into_iter().map(|f| f.2).collect()
    }

    #[test]
    fn from_arity() {
        assert_eq!(
            messages("FROM\nFROM a b\nFROM a AS\nFROM a b c\nFROM a AS b c\n"),
            [
                "`FROM` has no image",
                "`FROM` takes one or three words, found 2",
                "`FROM ... AS` has no stage name",
                "`FROM` expects `AS` before the stage name, found `b`",
                "`FROM` takes one or three words, found 4",
            ]
        );
        assert_eq!(
            lines("SY007", "FROM a\nfrom b as c\nFROM --platform=x d AS e\n"),
            [] as [u32; 0]
        );
    }

    #[test]
    fn copy_and_add() {
        assert_eq!(
            messages("FROM a\nCOPY\nCOPY x\nADD [\"x\"]\nCOPY x <<EOF\nhi\nEOF\n"),
            [
                "`COPY` needs a source and a destination",
                "`COPY` needs a source and a destination",
                "`ADD` needs a source and a destination",
                "the destination of `COPY` is a heredoc",
            ]
        );
        let text = "FROM a\nCOPY <<EOF /dst\nhi\nEOF\nCOPY a b c/\nADD [\"a\", \"b\"]\nCOPY --from=x a \\\n  b\n";
        assert_eq!(lines("SY007", text), [] as [u32; 0]);
        // A lone heredoc has no destination.
        assert_eq!(lines("SY007", "FROM a\nCOPY <<EOF\nhi\nEOF\n"), [2]);
    }

    #[test]
    fn run_needs_a_command() {
        assert_eq!(
            messages("FROM a\nRUN\nRUN --mount=type=cache,target=/c\nRUN []\n").len(),
            3
        );
        assert_eq!(
            lines("SY007", "FROM a\nRUN <<EOF\necho\nEOF\nRUN x\n"),
            [] as [u32; 0]
        );
    }

    #[test]
    fn single_and_list_arguments() {
        let text = "FROM a\nWORKDIR\nUSER\nSTOPSIGNAL\nMAINTAINER\nEXPOSE\nVOLUME\nVOLUME []\nARG\nENV\nLABEL\n";
        assert_eq!(lines("SY007", text), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        let d = diagnostics("SY007", "FROM a\nworkdir\n");
        assert_eq!(d[0].message, "`WORKDIR` has no arguments");
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Add a directory after `WORKDIR`, on the same line or after a `\\` line continuation"
            )
        );
        let text = "FROM a\nWORKDIR /a b\nUSER x\nSTOPSIGNAL 9\nEXPOSE 80\nVOLUME /v\nARG A\nENV A=1\nLABEL a=b\nCMD\nENTRYPOINT\n";
        assert_eq!(lines("SY007", text), [] as [u32; 0]);
    }

    #[test]
    fn env_and_label_name_without_value() {
        assert_eq!(
            findings("SY007", "FROM a\nENV ONLY\nLABEL x\nENV A b\n"),
            [
                ("SY007", 2, "`ENV ONLY` has no value".to_owned()),
                ("SY007", 3, "`LABEL x` has no value".to_owned()),
            ]
        );
    }

    #[test]
    fn onbuild_rules() {
        assert_eq!(
            messages(
                "FROM a\nONBUILD\nONBUILD ONBUILD RUN x\nonbuild from b\nONBUILD MAINTAINER me\n"
            ),
            [
                "`ONBUILD` has no instruction",
                "`ONBUILD ONBUILD` is not allowed",
                "`FROM` is not allowed after `ONBUILD`",
                "`MAINTAINER` is not allowed after `ONBUILD`",
            ]
        );
        // The wrapped instruction is checked like any other.
        assert_eq!(
            messages("FROM a\nONBUILD COPY x\n"),
            ["`COPY` needs a source and a destination"]
        );
        assert_eq!(
            lines("SY007", "FROM a\nONBUILD RUN x\nONBUILD COPY a b\n"),
            [] as [u32; 0]
        );
    }

    #[test]
    fn healthcheck_forms() {
        let d = diagnostics(
            "SY007",
            "FROM a\nHEALTHCHECK\nHEALTHCHECK NONE x\nHEALTHCHECK CMD\nHEALTHCHECK CMD []\nHEALTHCHECK curl -f x\n",
        );
        let messages: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`HEALTHCHECK` has no arguments",
                "`HEALTHCHECK NONE` takes no arguments",
                "`HEALTHCHECK CMD` has no command",
                "`HEALTHCHECK CMD` has no command",
                "`HEALTHCHECK` type must be `CMD` or `NONE`, found `curl`",
            ]
        );
        assert_eq!(
            d[4].help.as_deref(),
            Some("Write `HEALTHCHECK CMD curl -f x`")
        );
        let text = "FROM a\nHEALTHCHECK NONE\nhealthcheck cmd curl x\nHEALTHCHECK --interval=5s CMD [\"true\"]\n";
        assert_eq!(lines("SY007", text), [] as [u32; 0]);
    }

    #[test]
    fn shell_needs_json() {
        let d = diagnostics(
            "SY007",
            "FROM a\nSHELL\nSHELL []\nSHELL /bin/bash -c\nSHELL ['bash']\n",
        );
        let messages: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`SHELL` has no arguments",
                "`SHELL` has an empty array",
                "`SHELL` arguments are not a JSON array",
            ]
        );
        assert_eq!(
            d[2].help.as_deref(),
            Some("Write them as a JSON array: `SHELL [\"/bin/bash\", \"-c\"]`")
        );
        assert_eq!(
            lines("SY007", "FROM a\nSHELL [\"bash\", \"-c\"]\n"),
            [] as [u32; 0]
        );
    }

    #[test]
    fn crlf_and_continuations() {
        let text = "FROM a \\\r\n  b\r\nWORKDIR \\\r\n\r\n";
        assert_eq!(lines("SY007", text), [1, 3]);
    }

    #[test]
    fn heredoc_words() {
        assert!(is_heredoc_word("<<EOF"));
        assert!(is_heredoc_word("3<<-'X'"));
        assert!(!is_heredoc_word("<<"));
        assert!(!is_heredoc_word("a<<EOF"));
    }
}
