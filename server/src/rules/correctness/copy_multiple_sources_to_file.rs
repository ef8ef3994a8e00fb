//! CO012 `copy-multiple-sources-to-file`: `COPY`/`ADD` of several sources to a destination
//! without a trailing `/`.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `COPY` or `ADD` of several sources to a destination that does not end in `/`.

## What it does
Flags a `COPY` or `ADD` with two sources or more (heredocs included) whose destination
does not end in `/`.

## Why is this bad?
BuildKit refuses it: `When using COPY with more than one source file, the destination
must be a directory and end with a /`, even when the directory exists in the image.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt constraints.txt /app
```

Use instead:
```dockerfile
FROM python:3.12-slim
COPY requirements.txt constraints.txt /app/
```

## Fix safety
The fix appends `/` to the destination. It is safe: the instruction cannot build without
it, and with it the files land in that directory, as intended.

## References
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
- [hadolint DL3021](https://github.com/hadolint/hadolint/wiki/DL3021)
";

declare_rule! {
    /// `COPY`/`ADD` of several sources to a destination without a trailing `/`.
    pub struct CopyMultipleSourcesToFile;
    code: "CO012",
    name: "copy-multiple-sources-to-file",
    category: Correctness,
    severity: Error,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3021"),
    docs: DOCS,
}

impl Rule for CopyMultipleSourcesToFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add) {
            return;
        }
        let words = ins.words();
        let [sources @ .., dest] = words else { return };
        if sources.len() < 2 || dest.value.ends_with('/') || dest.value.ends_with('\\') {
            return;
        }
        // A Windows destination may end in `\`; one with a variable at its end may too.
        if dest.value.ends_with('}')
            || dest
                .value
                .rsplit('/')
                .next()
                .is_some_and(|l| l.starts_with('$'))
        {
            return;
        }
        let fix = match &ins.args {
            // The word's last byte is its last character in the source, unless quoted.
            Arguments::Shell(_)
                if !dest.value.is_empty()
                    && ctx.source[dest.range.start..dest.range.end] == dest.value =>
            {
                Some(Edit {
                    range: TextRange::empty(dest.range.end),
                    content: "/".to_owned(),
                })
            }
            _ => None,
        };
        let d = ctx
            .report(
                &Self::META,
                dest.range,
                format!(
                    "{} of {} sources to `{}`: the destination of several sources must end in `/`",
                    ins.kind.as_str(),
                    sources.len(),
                    dest.value
                ),
            )
            .with_help(format!(
                "Write the destination as the directory `{}/`",
                dest.value
            ));
        if let Some(edit) = fix {
            d.set_fix(Fix {
                applicability: Applicability::Safe,
                edits: vec![edit],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fixed_and_clean, lines};

    #[test]
    fn flags_and_fixes() {
        let text = "FROM a\nCOPY a b /app\nADD --chown=1 x y z ./dir\n";
        assert_eq!(lines("CO012", text), [2, 3]);
        assert_eq!(
            fixed_and_clean("CO012", text),
            "FROM a\nCOPY a b /app/\nADD --chown=1 x y z ./dir/\n"
        );
        assert_eq!(
            lines("CO012", "FROM a\nCOPY [\"a\", \"b\", \"/app\"]\n"),
            [2]
        );
    }

    #[test]
    fn single_sources_directories_and_variables_are_clean() {
        let text = "FROM a\nCOPY a /app\nCOPY a b /app/\nCOPY a b $DEST\nCOPY a b ${D}\n";
        assert_eq!(lines("CO012", text), [] as [u32; 0]);
    }
}
