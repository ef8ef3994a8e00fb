//! CO006 `invalid-default-arg-in-from`: a `FROM` whose reference is invalid with the `ARG`
//! defaults.

use crate::declare_rule;
use crate::layers::vars;
use crate::model::{Instruction, InstructionKind};
use crate::rules::correctness::util::{PLATFORM_ARGS, stage_of};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for a `FROM` image that is empty or invalid when the `ARG` defaults are used.

## What it does
Expands the variables of a `FROM` image with the defaults of the global `ARG`s (an `ARG`
without a default is empty; an undeclared variable is left to `undefined-arg-in-from`) and flags the result when it is not a
valid image reference: `ARG TAG` then `FROM alpine:${TAG}` gives `alpine:`, and
`ARG IMAGE` then `FROM ${IMAGE}` gives nothing.

## Why is this bad?
The file builds only when every such argument is passed with `--build-arg`; a plain
`docker build .` fails with `invalid reference format`, and so do tools that read the
file without build arguments (dependency bots, scanners, IDEs). A default documents what
the file was tested with.

## Example
```dockerfile
ARG TAG
FROM alpine:${TAG}
```

Use instead:
```dockerfile
ARG TAG=3.20
FROM alpine:${TAG}
```

## References
- [Dockerfile reference: understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
- [BuildKit check: InvalidDefaultArgInFrom](https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/)
";

declare_rule! {
    /// A `FROM` whose reference is invalid with the `ARG` defaults.
    pub struct InvalidDefaultArgInFrom;
    code: "CO006",
    name: "invalid-default-arg-in-from",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("buildkit: InvalidDefaultArgInFrom"),
    docs: DOCS,
}

/// Why `reference` is not a valid image reference, if it is not.
pub(crate) fn invalid_reference(reference: &str) -> Option<&'static str> {
    if reference.is_empty() {
        return Some("it is empty");
    }
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    if let Some(d) = digest {
        let ok = d.split_once(':').is_some_and(|(algo, hex)| {
            !algo.is_empty()
                && algo.starts_with(|c: char| c.is_ascii_alphabetic())
                && algo
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
        if !ok {
            return Some("its digest is malformed");
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return Some(if tag.is_empty() {
                "its tag is empty"
            } else {
                "its tag is malformed"
            });
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let host = parts.remove(0);
        let (h, port) = host.split_once(':').unwrap_or((host, ""));
        let host_ok = !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && port.chars().all(|c| c.is_ascii_digit())
            && (!host.contains(':') || !port.is_empty());
        if !host_ok {
            return Some("its registry host is malformed");
        }
    }
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            && c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
            && !c.contains("..")
            && !c.contains("___")
    };
    if parts.is_empty() || !parts.iter().all(|p| component_ok(p)) {
        return Some(if name.is_empty() {
            "its name is empty"
        } else if name.chars().any(|c| c.is_ascii_uppercase()) {
            "its name has upper-case letters"
        } else {
            "its name is malformed"
        });
    }
    None
}

impl Rule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let Some(stage) = stage_of(ins, ctx) else {
            return;
        };
        let Some(word) = &stage.base else { return };
        if !word.value.contains('$') {
            return;
        }
        let analysis = ctx.analysis();
        let globals = &analysis.global_args;
        let expanded = vars::expand(&word.value, ctx.file.escape, &|n| {
            globals.get(n).cloned().flatten()
        });
        // An undeclared variable is `undefined-arg-in-from`'s finding.
        let undeclared = expanded
            .used
            .iter()
            .any(|n| !globals.contains_key(n) && !PLATFORM_ARGS.contains(&n.as_str()));
        if undeclared {
            return;
        }
        let value = expanded.value;
        // An earlier stage or `scratch` is not an image reference.
        let names_stage = ctx.file.stages[..stage.index].iter().any(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(&value))
        });
        if names_stage || value.eq_ignore_ascii_case("scratch") {
            return;
        }
        let Some(reason) = invalid_reference(&value) else {
            return;
        };
        let unset: Vec<String> = expanded.unset.iter().map(|n| format!("`{n}`")).collect();
        let help = if unset.is_empty() {
            "Give the global `ARG`s defaults that make a valid image reference".to_owned()
        } else {
            format!(
                "Give {} a default in its `ARG` before the first `FROM`",
                unset.join(", ")
            )
        };
        ctx.report(
            &Self::META,
            word.range,
            format!(
                "with the `ARG` defaults this `FROM` is `{value}`, which is not a valid image reference: {reason}"
            ),
        )
        .with_help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::invalid_reference;
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn validates_references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "localhost:5000/a/b:c",
            "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a__b/c-d.e",
        ] {
            assert_eq!(invalid_reference(ok), None, "{ok}");
        }
        for bad in [
            "",
            "alpine:",
            "Alpine",
            "a/:1",
            ":1",
            "a@sha256:xyz",
            "a:-x",
        ] {
            assert!(invalid_reference(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn flags_empty_defaults() {
        let f = findings("CO006", "ARG TAG\nFROM alpine:${TAG}\n");
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].2,
            "with the `ARG` defaults this `FROM` is `alpine:`, which is not a valid image reference: its tag is empty"
        );
        assert_eq!(lines("CO006", "ARG IMAGE\nFROM $IMAGE\n"), [2]);
    }

    #[test]
    fn valid_defaults_stages_and_literals_are_clean() {
        let text = "ARG TAG=3.20\nARG B=base\nARG IMG\nARG S\nFROM alpine:${TAG} AS base\n\
                    FROM ${B}\nFROM ${IMG:-debian}:${TAG}\nFROM ${S:-scratch}\nFROM ${UNDECLARED}\n";
        assert_eq!(lines("CO006", text), [] as [u32; 0]);
    }
}
