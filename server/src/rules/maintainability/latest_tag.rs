//! MA001 `latest-tag`: a base image without a tag, or with `latest`.

use crate::declare_rule;
use crate::model::Instruction;
use crate::rules::base_image::{base_image, split_reference};
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for base images without a tag or with the `latest` tag.

## What it does
Flags a `FROM` whose image has no tag (`FROM python`) or the tag `latest`, and no digest.
The reference is judged after `ARG` defaults are substituted, so `FROM python:${PY}` with
`ARG PY=3.12` is fine and `ARG PY=latest` is not.

Differences from hadolint DL3006 and DL3007: hadolint does not substitute `ARG` defaults,
so it misses `ARG BASE=python` + `FROM ${BASE}`, which dlint reports; and it takes a
reference that builds a stage name from a variable (`FROM base-${TARGETARCH}`, one of the
stages `base-amd64` and `base-arm64`), or names a stage by its index (`FROM 0`, as Buildah
allows), for an untagged image, which dlint knows is a stage:

```dockerfile
ARG BASE=quay.io/jupyter/base-notebook
# dlint only: the default pulls `latest`
FROM ${BASE}
FROM alpine:3.20 AS base-amd64
FROM alpine:3.20 AS base-arm64
# hadolint DL3006 here; dlint: fine, a stage
FROM base-${TARGETARCH}
```

## Why is this bad?
`latest` moves: the same Dockerfile builds a different image next month, a new major
version can break the build or the application, and the build cache of every layer is lost
whenever the tag moves. A version tag says what was tested.

hadolint reports DL3006 on `FROM ${IMAGE}` without looking at the `ARG` default; dlint
resolves it first and only reports what the builder would really pull.

## Example
```dockerfile
FROM python
RUN pip install --no-cache-dir flask
```

Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
";

declare_rule! {
    /// A base image without a tag, or with `latest`.
    pub struct LatestTag;
    code: "MA001",
    name: "latest-tag",
    category: Maintainability,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3006, DL3007"),
    docs: DOCS,
}

impl Rule for LatestTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(base) = base_image(ins, ctx) else {
            return;
        };
        let (name, tag, digest) = split_reference(&base.reference);
        if digest.is_some() {
            return;
        }
        let message = match tag {
            None => format!(
                "`{}` has no tag, so the builder pulls the moving `latest`",
                base.reference
            ),
            Some(t) if t.eq_ignore_ascii_case("latest") => {
                format!("`{}` uses the moving `latest` tag", base.reference)
            }
            Some(_) => return,
        };
        ctx.report(&Self::META, base.range, message).help = Some(format!(
            "Name the version you tested, e.g. `{name}:<version>` (`dlint image {name}` lists what is known)"
        ));
    }
}

#[cfg(test)]
mod tests {
    fn lines(text: &str) -> Vec<u32> {
        let df = crate::syntax::parse(text);
        let entry = crate::rules::find("MA001").expect("MA001");
        crate::rules::run(&df, text, &[entry])
            .iter()
            .map(|d| df.line_index.line_col(d.range.start, text).line)
            .collect()
    }

    #[test]
    fn untagged_and_latest() {
        assert_eq!(lines("FROM python\n"), [1]);
        assert_eq!(
            lines("FROM python:latest AS a\nFROM a\n"),
            [1],
            "stage names are not images"
        );
        assert_eq!(lines("FROM localhost:5000/app\n"), [1]);
    }

    #[test]
    fn tags_digests_scratch_and_args() {
        assert_eq!(
            lines("FROM python:3.12\nFROM scratch\nFROM alpine@sha256:abcd\n"),
            [] as [u32; 0]
        );
        assert_eq!(lines("ARG PY=3.12\nFROM python:${PY}\n"), [] as [u32; 0]);
        assert_eq!(lines("ARG PY=latest\nFROM python:${PY}\n"), [2]);
        assert_eq!(lines("ARG IMAGE=python\nFROM $IMAGE\n"), [2]);
        assert_eq!(
            lines("ARG IMAGE\nFROM $IMAGE\n"),
            [] as [u32; 0],
            "unresolved: not judged"
        );
    }
}
