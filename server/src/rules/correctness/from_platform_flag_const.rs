//! CO017 `from-platform-flag-const`: `FROM --platform` with a constant value.

use crate::declare_rule;
use crate::model::{Instruction, InstructionKind};
use crate::rules::correctness::util::stage_of;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for `FROM --platform` with a fixed platform.

## What it does
Flags `FROM --platform=linux/amd64` and other values without variables. A stage whose
name mentions the platform's OS or architecture (`AS build-amd64`) is left alone: it is
one of several per-platform stages, chosen on purpose.

Differences from hadolint DL3029: hadolint 2.15 reports every `--platform` except
`$BUILDPLATFORM` and `$TARGETPLATFORM`, also a value built from a variable
(`--platform=linux/${ARCH}`, chosen by the build) and the per-platform stages that dlint
leaves alone:

```dockerfile
# hadolint DL3029 on both; dlint: fine, one stage per platform, picked by the build
FROM --platform=linux/amd64 rocm/dev-almalinux-8:6.4-complete AS base-amd64
FROM --platform=linux/arm64 almalinux:8 AS base-arm64
FROM base-${TARGETARCH}
```

## Why is this bad?
A fixed platform pins the image to one architecture whatever the build asks for:
`docker build --platform linux/arm64` still produces amd64 binaries, which then run
under emulation or not at all.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.22 AS build
```

Use instead:
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Multi-platform builds](https://docs.docker.com/build/building/multi-platform/)
- [BuildKit check: FromPlatformFlagConstDisallowed](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
";

declare_rule! {
    /// `FROM --platform` with a constant value.
    pub struct FromPlatformFlagConst;
    code: "CO017",
    name: "from-platform-flag-const",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3029; buildkit: FromPlatformFlagConstDisallowed"),
    docs: DOCS,
}

impl Rule for FromPlatformFlagConst {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let Some(value) = ins.flag("platform").and_then(|f| f.value.as_ref()) else {
            return;
        };
        if value.value.is_empty() || value.value.contains('$') {
            return;
        }
        let name = stage_of(ins, ctx)
            .and_then(|s| s.name.as_ref())
            .map(|n| n.value.to_ascii_lowercase())
            .unwrap_or_default();
        let mentioned = value
            .value
            .to_ascii_lowercase()
            .split('/')
            .any(|part| !part.is_empty() && name.contains(part));
        if mentioned {
            return;
        }
        ctx.report(
            &Self::META,
            value.range,
            format!(
                "`--platform={}` pins this stage to one platform whatever the build targets",
                value.value
            ),
        )
        .with_help(
            "Use `--platform=$BUILDPLATFORM` for a stage that runs build tools, or drop the flag",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    #[test]
    fn flags_constants() {
        let f = findings("CO017", "FROM --platform=linux/amd64 golang AS build\n");
        assert_eq!(f[0].1, "linux/amd64");
    }

    #[test]
    fn variables_and_named_stages_are_clean() {
        let text = "FROM --platform=$BUILDPLATFORM a\nFROM --platform=linux/arm64 b AS build-arm64\nFROM c\n";
        assert_eq!(lines("CO017", text), [] as [u32; 0]);
    }
}
