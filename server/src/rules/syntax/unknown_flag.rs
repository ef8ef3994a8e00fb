//! SY006 `unknown-flag`: a `--flag` the instruction does not accept.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind, known_flags};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for flags that the instruction does not accept.

## What it does
Flags a `--name` or `--name=value` before an instruction's arguments when that instruction
has no such flag: a misspelling (`COPY --form=build`), a flag of another instruction
(`COPY --mount=...`), or any flag on an instruction that takes none (`ENV --x=1 A=b`).
Flag names are case-sensitive.

Differences from hadolint DL1000: hadolint reports these as a parse error of the whole
file, at the first problem, and checks nothing else in it; see `unknown-instruction`
(SY001) for how the two compare.

## Why is this bad?
BuildKit reads every leading word that starts with `--` as a flag and fails with
`unknown flag` when the instruction does not declare it.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM alpine:3.20
COPY --form=build /out/app /usr/local/bin/app
```

Use instead:
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
```

## Fix safety
When the name is one edit (two for longer names) from a flag of the instruction, the fix
renames it. It is unsafe: the flag then takes effect, which changes what the build does.

## References
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
- [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
- [Dockerfile reference: RUN](https://docs.docker.com/reference/dockerfile/#run)
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
";

declare_rule! {
    /// A `--flag` the instruction does not accept.
    pub struct UnknownFlag;
    code: "SY006",
    name: "unknown-flag",
    category: Syntax,
    severity: Error,
    fix: Sometimes,
    since: "0.1.0",
    upstream: Some("hadolint: DL1000"),
    docs: DOCS,
}

impl Rule for UnknownFlag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind == InstructionKind::Unknown {
            return;
        }
        let specs = known_flags(ins.kind);
        let keyword = ins.kind.as_str();
        for flag in &ins.flags {
            let name = flag.name.value.as_str();
            if specs.iter().any(|s| s.name == name) {
                continue;
            }
            let suggestion = super::closest(name, specs.iter().map(|s| s.name));
            let help = match suggestion {
                Some(s) => format!("Replace `--{name}` with `--{s}`"),
                None if specs.is_empty() => {
                    format!("Remove `--{name}`: `{keyword}` takes no flags")
                }
                None => {
                    let list: Vec<String> =
                        specs.iter().map(|s| format!("`--{}`", s.name)).collect();
                    format!("Remove `--{name}`; `{keyword}` accepts {}", list.join(", "))
                }
            };
            let diagnostic = ctx.report(
                &Self::META,
                flag.range,
                format!("unknown flag `--{name}` for `{keyword}`"),
            );
            diagnostic.help = Some(help);
            if let Some(s) = suggestion {
                diagnostic.set_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        range: flag.name.range,
                        content: s.to_owned(),
                    }],
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, diagnostics, fixed, lines};

    #[test]
    fn flags_unknown_names_with_suggestions() {
        let text = "FROM a\nCOPY --form=build a b\n";
        assert_eq!(
            findings("SY006", text),
            [("SY006", 2, "unknown flag `--form` for `COPY`".to_owned())]
        );
        assert_eq!(
            diagnostics("SY006", text)[0].help.as_deref(),
            Some("Replace `--form` with `--from`")
        );
        assert_eq!(fixed("SY006", text), "FROM a\nCOPY --from=build a b\n");
        assert_eq!(
            fixed("SY006", "FROM --platfrom=x a\n"),
            "FROM --platform=x a\n"
        );
    }

    #[test]
    fn flags_of_other_instructions_and_instructions_without_flags() {
        let d = diagnostics(
            "SY006",
            "FROM a\nCOPY --mount=type=cache a b\nENV --x=1 A=b\n",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "Remove `--mount`; `COPY` accepts `--from`, `--chown`, `--chmod`, `--link`, `--parents`, `--exclude`"
            )
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some("Remove `--x`: `ENV` takes no flags")
        );
    }

    #[test]
    fn known_flags_are_clean() {
        let text = "FROM --platform=$BUILDPLATFORM a AS b\nCOPY --from=b --chown=1:1 --chmod=644 --link a b\n\
                    ADD --checksum=sha256:x --keep-git-dir https://x/y.git /y\n\
                    RUN --mount=type=secret,id=x --network=none --security=insecure x\n\
                    HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 CMD x\n\
                    RUN echo --not-a-flag\n";
        assert_eq!(lines("SY006", text), [] as [u32; 0]);
    }

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!(
            fixed("SY006", "FROM a\nCOPY --FROM=b x y\n"),
            "FROM a\nCOPY --from=b x y\n"
        );
    }

    #[test]
    fn onbuild_lowercase_continuation_and_crlf() {
        let text = "FROM a\r\nonbuild --x copy \\\r\n  --form=b x y\r\nWRONG --foo\r\n";
        let d = diagnostics("SY006", text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].message, "unknown flag `--x` for `ONBUILD`");
        assert_eq!(d[1].message, "unknown flag `--form` for `COPY`");
        assert_eq!(d[1].range.slice(text), "--form=b");
    }
}
