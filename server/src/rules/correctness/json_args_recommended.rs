//! CO015 `json-args-recommended`: `CMD` or `ENTRYPOINT` in shell form.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for `CMD` and `ENTRYPOINT` in shell form.

## What it does
Flags `CMD` and `ENTRYPOINT` written as a command line (`CMD node server.js`) rather than
a JSON array, unless the command starts with `exec` (the shell then replaces itself with
the program). A malformed JSON array (`CMD ['nginx']`) is left to `invalid-json-arguments`. Instructions in a Windows shell are left alone.

Differences from hadolint DL3025: hadolint also flags `HEALTHCHECK CMD` in shell form
(the health check is not the container's main process: signals do not matter there), a
command that starts with `exec`, and a malformed JSON array, which dlint leaves to
`invalid-json-arguments` (and a valid array with escaped quotes, which hadolint's parser
misreads: `CMD ["a\\\"b"]`):

```dockerfile
FROM nginx:1.27
# hadolint DL3025 here; dlint: fine
HEALTHCHECK CMD curl --fail http://localhost/ || exit 1
```

## Why is this bad?
The shell form runs `/bin/sh -c "node server.js"`: the shell is PID 1 and the program
its child. `docker stop` sends `SIGTERM` to the shell, which does not pass it on, so the
program gets no chance to shut down cleanly and is killed after the timeout. A shell-form
`ENTRYPOINT` also ignores the arguments of `docker run` and of `CMD`.

## Example
```dockerfile
FROM node:20-slim
CMD node server.js
```

Use instead:
```dockerfile
FROM node:20-slim
CMD ["node", "server.js"]
```

## Fix safety
When the command is plain words (no variables, quotes, globs or operators), the fix
writes it as a JSON array. It is unsafe: the program runs without a shell, so it becomes
PID 1 and sees signals, and a shell-form `ENTRYPOINT` that ignored `CMD` now receives it.

## References
- [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
- [BuildKit check: JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
"#;

declare_rule! {
    /// `CMD` or `ENTRYPOINT` in shell form.
    pub struct JsonArgsRecommended;
    code: "CO015",
    name: "json-args-recommended",
    category: Correctness,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL3025; buildkit: JSONArgsRecommended"),
    docs: DOCS,
}

/// Whether a word means the same with and without a shell.
fn plain(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c))
}

impl Rule for JsonArgsRecommended {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if !matches!(ins.kind, InstructionKind::Cmd | InstructionKind::Entrypoint)
            || !ins.posix_shell
            || !ins.heredocs.is_empty()
        {
            return;
        }
        let Arguments::Shell(form) = &ins.args else {
            return;
        };
        let words: Vec<&str> = form.text.split_whitespace().collect();
        // A malformed JSON array is the syntax rules' finding.
        if words.is_empty() || words[0] == "exec" || form.text.starts_with('[') {
            return;
        }
        let kind = ins.kind.as_str();
        let fix = words
            .iter()
            .all(|w| plain(w))
            .then(|| serde_json::to_string(&words).ok())
            .flatten()
            .map(|json| Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    range: form.range,
                    content: json.replace("\",\"", "\", \""),
                }],
            });
        ctx.report(
            &Self::META,
            form.range,
            format!("{kind} in shell form runs under `/bin/sh -c`, which does not pass signals on to the program"),
        )
        .with_help(format!(
            "Write {kind} as a JSON array, e.g. `{kind} [\"{}\", ...]`, or start the command with `exec`",
            words[0]
        ))
        .set_fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, fixed_and_clean, lines};

    #[test]
    fn flags_and_fixes_plain_commands() {
        let text = "FROM a\nCMD node server.js --port=80\nENTRYPOINT /entry.sh\n";
        assert_eq!(
            fixed_and_clean("CO015", text),
            "FROM a\nCMD [\"node\", \"server.js\", \"--port=80\"]\nENTRYPOINT [\"/entry.sh\"]\n"
        );
        let shell = "FROM a\nCMD echo $HOME && run\n";
        assert_eq!(lines("CO015", shell), [2]);
        assert!(diagnostics("CO015", shell)[0].fix.is_none());
    }

    #[test]
    fn exec_form_exec_and_windows_are_clean() {
        let text = "FROM a\nCMD [\"node\", \"x\"]\nCMD exec node x\n\
                    FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ping localhost\n";
        assert_eq!(lines("CO015", text), [] as [u32; 0]);
    }
}
