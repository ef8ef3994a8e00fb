//! SY003 `invalid-json-arguments`: exec-form arguments that are not a JSON array of strings.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix, Severity};
use crate::model::{Instruction, InstructionKind, SyntaxErrorKind};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for exec-form arguments that are not a valid JSON array of strings.

## What it does
Flags arguments in brackets (`CMD [...]`, `COPY [...]`, ...) that were meant as the exec form
but are not valid JSON: single quotes, a missing or trailing comma, unquoted words. Also
flags valid JSON arrays holding something other than strings (`CMD ["sleep", 10]`).

Brackets that are plainly shell syntax, such as `RUN [ -f /etc/app.conf ] && ...`, are not
flagged (except after `SHELL`, which has no shell form): a quoted item must follow the `[` right away (`['`, `["`), or the text must end in `]`
and hold a comma outside quotes.

## Why is this bad?
BuildKit tries the JSON form first and, when that fails, silently falls back to the shell
form. `CMD ['nginx', '-g', 'daemon off;']` then runs `/bin/sh -c "['nginx', '-g', 'daemon
off;']"`, which fails when the container starts, and `COPY ['a b', '/dst/']` copies files
named `['a` and `b',`. `SHELL` accepts only the JSON form, so there the build fails. A
valid array with a number or another non-string item is rejected outright.

Findings for invalid JSON are warnings (the build goes on and does the wrong thing), except
for `SHELL`; findings for non-string items are errors.

## Example
```dockerfile
FROM nginx:1.27
CMD ['nginx', '-g', 'daemon off;']
```

Use instead:
```dockerfile
FROM nginx:1.27
CMD ["nginx", "-g", "daemon off;"]
```

## Fix safety
For a plain list of single-quoted items (no quotes or backslashes inside them) the fix turns
the single quotes into double quotes. It is unsafe: the instruction changes from shell form
to exec form, so the command no longer runs through a shell.

## References
- [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
- [Dockerfile reference: exec form](https://docs.docker.com/reference/dockerfile/#exec-form)
"#;

declare_rule! {
    /// Exec-form arguments that are not a JSON array of strings.
    pub struct InvalidJsonArguments;
    code: "SY003",
    name: "invalid-json-arguments",
    category: Syntax,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for InvalidJsonArguments {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let kinds = [SyntaxErrorKind::InvalidJson, SyntaxErrorKind::NonStringJson];
        let name = match ins.kind {
            InstructionKind::Healthcheck => "HEALTHCHECK CMD".to_owned(),
            _ => super::keyword_name(ins),
        };
        for error in super::errors_of(ctx.file, ins, &kinds) {
            let text = error.range.slice(ctx.source);
            if error.kind == SyntaxErrorKind::NonStringJson {
                let diagnostic = ctx.report(
                    &Self::META,
                    error.range,
                    format!("`{name}` JSON array holds an item that is not a string"),
                );
                diagnostic.severity = Severity::Error;
                diagnostic.help = Some(
                    "Quote every item: write `[\"sleep\", \"10\"]`, not `[\"sleep\", 10]`"
                        .to_owned(),
                );
                continue;
            }
            // SHELL has no shell form to fall back to: any bracket text is an error.
            if ins.kind != InstructionKind::Shell && !meant_as_json(text) {
                continue;
            }
            let consequence = match ins.kind {
                InstructionKind::Shell => "which `SHELL` requires",
                InstructionKind::Copy | InstructionKind::Add | InstructionKind::Volume => {
                    "so BuildKit reads the words as paths, brackets and quotes included"
                }
                _ => "so BuildKit runs them as a shell command, brackets and quotes included",
            };
            let help = if single_quote_outside_strings(text) {
                "Use double quotes: JSON strings are written `\"...\"`"
            } else if !text.trim_end().ends_with(']') {
                "Close the array with `]`"
            } else if trailing_comma(text) {
                "Remove the comma before `]`"
            } else {
                "Write a JSON array of double-quoted strings separated by commas, \
                 or drop the brackets to use the shell form"
            };
            let fix = double_quoted(text);
            let diagnostic = ctx.report(
                &Self::META,
                error.range,
                format!("`{name}` arguments are not a valid JSON array, {consequence}"),
            );
            diagnostic.help = Some(help.to_owned());
            if ins.kind == InstructionKind::Shell {
                // BuildKit rejects a SHELL that is not JSON.
                diagnostic.severity = Severity::Error;
            }
            if let Some(content) = fix {
                diagnostic.set_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        range: error.range,
                        content,
                    }],
                });
            }
        }
    }
}

/// Whether bracketed text that is not valid JSON was meant as a JSON array rather than
/// shell (`[ -f x ]` is the `test` command): a quoted item right after `[`, or a closing `]`
/// and a comma outside quotes.
fn meant_as_json(text: &str) -> bool {
    let text = text.trim();
    let Some(inner) = text.strip_prefix('[') else {
        return false;
    };
    if inner.starts_with(['"', '\'']) {
        return true;
    }
    if !inner.ends_with(']') {
        return false;
    }
    let mut quote = None;
    for c in inner.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' => return true,
            _ => {}
        }
    }
    false
}

/// A `'` outside double-quoted JSON strings: single quotes used as string delimiters (the
/// apostrophe in `"you're"` does not count).
fn single_quote_outside_strings(text: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '\'' if !in_string => return true,
            _ => {}
        }
    }
    false
}

/// `[..., ]`: a comma right before the closing bracket.
fn trailing_comma(text: &str) -> bool {
    text.trim()
        .strip_suffix(']')
        .is_some_and(|t| t.trim_end().ends_with(','))
}

/// `['a', "b"]` with every item in single or double quotes, at least one single-quoted, and
/// no quote or backslash inside an item: the text with double quotes only. `None` for
/// anything else (continuation lines included), where a rewrite could change the items.
fn double_quoted(text: &str) -> Option<String> {
    if text.contains(['\n', '\\']) {
        return None;
    }
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim().is_empty() {
        return None;
    }
    let mut single = false;
    for item in inner.split(',') {
        let item = item.trim();
        let body = if let Some(body) = item.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')) {
            single = true;
            body
        } else {
            item.strip_prefix('"').and_then(|i| i.strip_suffix('"'))?
        };
        if body.contains(['\'', '"']) {
            return None;
        }
    }
    single.then(|| text.replace('\'', "\""))
}

#[cfg(test)]
mod tests {
    use super::{double_quoted, meant_as_json, single_quote_outside_strings};
    use crate::diagnostic::Severity;
    use crate::rules::test_support::{coded_findings as findings, diagnostics, fixed, lines};

    #[test]
    fn single_quotes_are_a_warning_with_a_fix() {
        let text = "FROM a\nCMD ['nginx', '-g', 'daemon off;']\n";
        assert_eq!(
            findings("SY003", text),
            [(
                "SY003",
                2,
                "`CMD` arguments are not a valid JSON array, so BuildKit runs them as a shell command, brackets and quotes included"
                    .to_owned()
            )]
        );
        let d = diagnostics("SY003", text);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            fixed("SY003", text),
            "FROM a\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n"
        );
    }

    #[test]
    fn non_string_items_are_errors() {
        let d = diagnostics("SY003", "FROM a\nCMD [\"sleep\", 10]\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(
            d[0].message,
            "`CMD` JSON array holds an item that is not a string"
        );
    }

    #[test]
    fn shell_is_an_error_and_copy_reads_paths() {
        let d = diagnostics(
            "SY003",
            "FROM a\nSHELL ['bash', '-c']\nCOPY ['a', 'b']\nSHELL [ bash ]\n",
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[2].severity, Severity::Error);
        assert_eq!(d[0].severity, Severity::Error);
        assert!(
            d[1].message.contains("reads the words as paths"),
            "{}",
            d[1].message
        );
        assert_eq!(d[1].severity, Severity::Warning);
    }

    #[test]
    fn shell_test_brackets_and_valid_json_are_clean() {
        let text = "FROM a\nRUN [ -f /x ] && echo yes\nRUN [ \"$A\" = \"b\" ] || exit 1\nRUN [[ -d /y ]]\n\
                    CMD [\"a\", \"b\"]\nCMD [ \"a\" ]\nCMD []\nENTRYPOINT echo [a]\n";
        assert_eq!(lines("SY003", text), [] as [u32; 0]);
    }

    #[test]
    fn other_json_mistakes() {
        let d = diagnostics(
            "SY003",
            "FROM a\nCMD [\"a\", \"b\",]\nCMD [a, b]\nRUN [\"a\" \"b\"]\n",
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].help.as_deref(), Some("Remove the comma before `]`"));
        let d = diagnostics("SY003", "FROM a\nCMD [\"echo\", \"you're done\"\n");
        assert_eq!(d[0].help.as_deref(), Some("Close the array with `]`"));
        assert!(d.iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn lowercase_onbuild_healthcheck_and_crlf() {
        let d = diagnostics(
            "SY003",
            "FROM a\r\nonbuild cmd ['x']\r\nHEALTHCHECK CMD ['curl', 'x']\r\n",
        );
        assert_eq!(d.len(), 2);
        assert!(d[0].message.starts_with("`CMD`"));
        assert!(d[1].message.starts_with("`HEALTHCHECK CMD`"));
        assert_eq!(
            fixed("SY003", "FROM a\r\nonbuild cmd ['x']\r\n"),
            "FROM a\r\nonbuild cmd [\"x\"]\r\n"
        );
    }

    #[test]
    fn continuation_lines_are_flagged_without_a_fix() {
        let text = "FROM a\nCMD ['a', \\\n  'b']\n";
        let d = diagnostics("SY003", text);
        assert_eq!(d.len(), 1);
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn helpers() {
        assert!(meant_as_json("['a']"));
        assert!(meant_as_json("[a, b]"));
        assert!(!meant_as_json("[ -f a ]"));
        assert!(meant_as_json("[\"echo\", \"unterminated\""));
        assert!(single_quote_outside_strings("['a']"));
        assert!(single_quote_outside_strings("[\"a\\\"\", 'b']"));
        assert!(!single_quote_outside_strings("[\"it's\", \"x\\\"'\"]"));
        assert!(!meant_as_json("[ -f a ] && echo a,b"));
        assert!(!meant_as_json("[ \"x,y\" ]"));
        assert_eq!(
            double_quoted("['a', \"b\"]").as_deref(),
            Some("[\"a\", \"b\"]")
        );
        assert_eq!(double_quoted("['it''s']"), None);
        assert_eq!(double_quoted("['a\\'b']"), None);
        assert_eq!(double_quoted("[\"a\", \"b\"]"), None);
        assert_eq!(double_quoted("['a,b']"), None);
        assert_eq!(double_quoted("[]"), None);
    }
}
