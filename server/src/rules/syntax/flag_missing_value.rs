//! SY005 `flag-missing-value`: an instruction flag written without the value it needs.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind, known_flags};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for instruction flags without a value.

## What it does
Flags a flag that takes a value but has none (`COPY --from /src /dst`) or an empty one
(`COPY --from= /src /dst`), and an on/off flag such as `--link` followed by `=` and nothing.

Differences from hadolint DL1000: hadolint reports these as a parse error of the whole
file, at the first problem, and checks nothing else in it; see `unknown-instruction`
(SY001) for how the two compare.

## Why is this bad?
BuildKit fails with `missing a value on flag` for `--from` alone and for `--link=`. An empty
value after `=` is accepted but means the flag is not set: `COPY --from= /src /dst` copies
from the build context, not from a stage, and `--chmod=` keeps the source's permissions.
Either way the instruction does not do what it says.

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from /out/app /usr/local/bin/app
```

Use instead:
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
```

## References
- [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
- [Dockerfile reference: RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)
";

declare_rule! {
    /// An instruction flag written without the value it needs.
    pub struct FlagMissingValue;
    code: "SY005",
    name: "flag-missing-value",
    category: Syntax,
    severity: Error,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL1000"),
    docs: DOCS,
}

impl Rule for FlagMissingValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind == InstructionKind::Unknown {
            return;
        }
        let specs = known_flags(ins.kind);
        for flag in &ins.flags {
            let name = flag.name.value.as_str();
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                continue; // SY006's
            };
            let (message, help) = match (spec.needs_value, flag.value_str()) {
                (true, None) => (
                    format!("`--{name}` needs a value"),
                    format!("Write `--{name}=<value>`, or remove the flag"),
                ),
                (true, Some("")) => (
                    format!("`--{name}=` has an empty value, so the flag is not set"),
                    format!("Write `--{name}=<value>`, or remove the flag"),
                ),
                (false, Some("")) => (
                    format!("`--{name}=` has no value"),
                    format!("Write `--{name}` or `--{name}=true`"),
                ),
                _ => continue,
            };
            ctx.report(&Self::META, flag.range, message).help = Some(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{coded_findings as findings, diagnostics, lines};

    #[test]
    fn flags_missing_and_empty_values() {
        assert_eq!(
            findings(
                "SY005",
                "FROM a\nCOPY --from /a /b\nCOPY --chmod= a b\nCOPY --link= a b\n"
            ),
            [
                ("SY005", 2, "`--from` needs a value".to_owned()),
                (
                    "SY005",
                    3,
                    "`--chmod=` has an empty value, so the flag is not set".to_owned()
                ),
                ("SY005", 4, "`--link=` has no value".to_owned()),
            ]
        );
    }

    #[test]
    fn values_and_bare_switches_are_clean() {
        let text = "FROM --platform=linux/amd64 a\nCOPY --link --from=b --chmod=755 a b\n\
                    ADD --keep-git-dir=true https://x/y.git /src\nRUN --mount=type=cache,target=/c x\n\
                    HEALTHCHECK --interval=5s CMD true\n";
        assert_eq!(lines("SY005", text), [] as [u32; 0]);
    }

    #[test]
    fn unknown_flags_and_instructions_are_left_alone() {
        assert_eq!(
            lines("SY005", "FROM a\nCOPY --form a b\nWRONG --from x\n"),
            [] as [u32; 0]
        );
    }

    #[test]
    fn lowercase_onbuild_continuation_and_crlf() {
        let text = "FROM a\r\nonbuild copy --from /a /b\r\nRUN \\\r\n  --mount= x\r\n";
        let d = diagnostics("SY005", text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].range.slice(text), "--from");
        assert_eq!(d[1].range.slice(text), "--mount=");
    }
}
