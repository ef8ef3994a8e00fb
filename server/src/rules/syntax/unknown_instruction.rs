//! SY001 `unknown-instruction`: a line starts with a word that is not a Dockerfile
//! instruction.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for instructions whose keyword is not a Dockerfile instruction.

## What it does
Flags an instruction that starts with a word other than the Dockerfile instructions
(`FROM`, `RUN`, `COPY`, ...), in any letter case, including the instruction after `ONBUILD`.

Differences from hadolint DL1000: hadolint reports a file it cannot parse once, at the
first problem, and checks nothing else in it. dlint parses what BuildKit parses and reports
each problem with its own rule: an unknown instruction (`unknown-instruction`), a flag
without its value (`flag-missing-value`), an unknown flag (`unknown-flag`), an instruction
without the arguments it needs (`missing-arguments`). Many of hadolint's DL1000 are files
BuildKit builds and dlint therefore accepts: an instruction right after a `RUN` heredoc, a
bind mount without `target` (`RUN --mount=from=binaries ...`), `RUN --mount=ro`, an `ENV`
value with escaped quotes:

```dockerfile
# syntax=docker/dockerfile:1
FROM alpine:3.20
# hadolint DL1000 on the COPY ("unexpected 'C'"); BuildKit and dlint: valid
RUN <<EOT
  apk add --no-cache curl
EOT
COPY app.sh /usr/local/bin/
```

## Why is this bad?
BuildKit's line parser accepts any word at the start of a line, so the mistake goes
unnoticed until the build starts and fails with `unknown instruction`. The usual causes are a
misspelt keyword and a line meant to continue the previous instruction whose line lacks the
trailing `\`: the next line then becomes an instruction of its own, named after its first
word.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
    rm -rf /var/lib/apt/lists/*
COPPY app /app
```

Use instead:
```dockerfile
FROM debian:12
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl && \
    rm -rf /var/lib/apt/lists/*
COPY app /app
```

## Fix safety
When the word is one edit (two for longer words) from an instruction, the fix replaces it
with that instruction. It is unsafe: if the line was meant to continue the previous
instruction, the right fix is a `\` at the end of the line before, not a new instruction.

## References
- [Dockerfile reference: overview of instructions](https://docs.docker.com/reference/dockerfile/#overview)
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
- [hadolint DL1000](https://github.com/hadolint/hadolint/wiki/DL1000)
"#;

declare_rule! {
    /// A line starts with a word that is not a Dockerfile instruction.
    pub struct UnknownInstruction;
    code: "SY001",
    name: "unknown-instruction",
    category: Syntax,
    severity: Error,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL1000"),
    docs: DOCS,
}

impl Rule for UnknownInstruction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Unknown {
            return;
        }
        let word = ins.keyword.value.as_str();
        let suggestion = super::closest_keyword(word);
        let file = ctx.file;
        let escape = super::escape_name(file);
        // The replacement keeps a lower-case keyword lower-case.
        let replacement = suggestion.map(|s| {
            if word.chars().any(|c| c.is_ascii_uppercase()) {
                s.to_owned()
            } else {
                s.to_ascii_lowercase()
            }
        });
        let mut help = Vec::new();
        if let Some(r) = &replacement {
            help.push(format!("Replace `{word}` with `{r}`."));
        }
        let position = file
            .instructions
            .iter()
            .position(|i| i.keyword.range == ins.keyword.range);
        let previous = position
            .and_then(|p| p.checked_sub(1))
            .map(|p| &file.instructions[p]);
        match (position, previous) {
            // Inside ONBUILD: the word follows `ONBUILD` on the same line.
            (None, _) if suggestion.is_none() => {
                help.push(
                    "Write an instruction such as `RUN` or `COPY` after `ONBUILD`.".to_owned(),
                );
            }
            (Some(_), Some(prev)) if prev.end_line + 1 == ins.start_line => help.push(format!(
                "If this line continues the {} on the line before, end line {} with {escape}.",
                instruction_name(prev),
                prev.end_line
            )),
            // Comment and blank lines may sit inside a continuation, so the instruction
            // continued may end further up; with a likely misspelling, that is unlikely.
            (Some(_), Some(prev)) if suggestion.is_none() => help.push(format!(
                "If this line continues the {} that ends on line {}, end line {} with {escape}.",
                instruction_name(prev),
                prev.end_line,
                prev.end_line
            )),
            (Some(_), None) if suggestion.is_none() => {
                help.push(
                    "Start the line with an instruction such as `FROM`, `RUN` or `COPY`."
                        .to_owned(),
                );
            }
            _ => {}
        }
        let diagnostic = ctx.report(
            &Self::META,
            ins.keyword.range,
            format!("unknown instruction `{word}`"),
        );
        diagnostic.help = Some(help.join(" "));
        if let Some(content) = replacement {
            diagnostic.set_fix(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    range: ins.keyword.range,
                    content,
                }],
            });
        }
    }
}

/// "`RUN` instruction", or just "instruction" for an unknown word.
fn instruction_name(ins: &Instruction) -> String {
    match ins.kind {
        InstructionKind::Unknown => "instruction".to_owned(),
        kind => format!("`{}` instruction", kind.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, diagnostics, fixed, lines};

    fn help(text: &str) -> String {
        // The last finding's: earlier lines may hold unknown words too.
        diagnostics("SY001", text)
            .last()
            .and_then(|d| d.help.clone())
            .unwrap_or_default()
    }

    #[test]
    fn flags_unknown_words_in_any_case() {
        assert_eq!(
            findings("SY001", "FROM a\nCOPPY a b\nwrong x\n"),
            [
                ("SY001", 2, "unknown instruction `COPPY`".to_owned()),
                ("SY001", 3, "unknown instruction `wrong`".to_owned()),
            ]
        );
    }

    #[test]
    fn known_keywords_in_any_case_are_clean() {
        let text = "from a\nRun echo\ncopy a b\nOnBuild run x\nhealthcheck NONE\n";
        assert_eq!(lines("SY001", text), [] as [u32; 0]);
    }

    #[test]
    fn suggests_the_closest_keyword_keeping_lower_case() {
        assert!(
            help("FROM a\nENTRYPONT [\"x\"]\n")
                .starts_with("Replace `ENTRYPONT` with `ENTRYPOINT`.")
        );
        assert!(
            help("FROM a\nentrypont [\"x\"]\n")
                .starts_with("Replace `entrypont` with `entrypoint`.")
        );
        assert_eq!(fixed("SY001", "FROM a\nform b\n"), "FROM a\nfrom b\n");
        assert_eq!(fixed("SY001", "FROM a\nCPOY a b\n"), "FROM a\nCOPY a b\n");
        let d = diagnostics("SY001", "FROM a\nRUN x\nmkdir /y\n");
        assert!(d[0].fix.is_none(), "no keyword close to `mkdir`");
    }

    #[test]
    fn notes_a_missing_continuation_on_the_line_before() {
        let text = "FROM a\nRUN apt-get update && \\\n    apt-get install -y x\n    rm -rf /var/lib/apt/lists/*\n";
        assert_eq!(lines("SY001", text), [4]);
        assert_eq!(
            help(text),
            "If this line continues the `RUN` instruction on the line before, end line 3 with `\\`."
        );
        // A comment line in between: still possible, but not "the line before".
        let text = "FROM a\nRUN make\n# build\n  install x\n";
        assert_eq!(
            help(text),
            "If this line continues the `RUN` instruction that ends on line 2, end line 2 with `\\`."
        );
        // The previous "instruction" is an unknown word itself.
        assert_eq!(
            help("FROM a\nRUN x\nbad\n\nworse\n"),
            "If this line continues the instruction that ends on line 3, end line 3 with `\\`."
        );
        // A likely misspelling away from the previous instruction: no continuation note.
        assert_eq!(
            help("FROM a\n\nCOPPY a b\n"),
            "Replace `COPPY` with `COPY`."
        );
        // The escape directive changes the character.
        let text = "# escape=`\nFROM a\nRUN dir\n  copyy x\n";
        assert!(
            help(text).ends_with("end line 3 with a backtick."),
            "{}",
            help(text)
        );
    }

    #[test]
    fn first_instruction_has_no_continuation_note() {
        assert_eq!(
            help("BUILD x\nFROM a\n"),
            "Start the line with an instruction such as `FROM`, `RUN` or `COPY`."
        );
    }

    #[test]
    fn onbuild_wrapped_word_is_flagged_once() {
        let text = "FROM a\nONBUILD WRONG x\nONBUILD RUNN y\n";
        assert_eq!(lines("SY001", text), [2, 3]);
        assert_eq!(
            help("FROM a\nONBUILD WRONG x\n"),
            "Write an instruction such as `RUN` or `COPY` after `ONBUILD`."
        );
        assert_eq!(
            fixed("SY001", "FROM a\nONBUILD RUNN y\n"),
            "FROM a\nONBUILD RUN y\n"
        );
    }

    #[test]
    fn crlf_and_continuations_keep_the_keyword_range() {
        let text = "FROM a\r\nRUN a \\\r\n  b\r\nEXPOSEE 80\r\n";
        let d = diagnostics("SY001", text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].range.slice(text), "EXPOSEE");
        assert_eq!(
            fixed("SY001", text),
            "FROM a\r\nRUN a \\\r\n  b\r\nEXPOSE 80\r\n"
        );
    }
}
