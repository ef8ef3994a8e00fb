//! SE001 `unpinned-base-image`: a base image named by tag only, when its digest is known.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::Instruction;
use crate::registry::{Source, catalog};
use crate::rules::base_image::{base_image, split_reference};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for base images named by tag only, where a digest would pin them.

## What it does
Flags a `FROM` whose image has a tag but no `@sha256:` digest, when dlint knows a digest for
that tag (from its offline catalogue), and offers to pin it: `python:3.12-slim` becomes
`python:3.12-slim@sha256:…`, keeping the tag for people to read.

## Why is this bad?
A tag is a pointer its owner can move: the bytes under `python:3.12-slim` change with every
rebuild upstream, and a compromised or mistaken push reaches every build. A digest names
exactly one image, so builds are reproducible and supply-chain checks have something fixed
to verify.

Pinning has a cost: the image no longer picks up upstream security fixes by itself. Pair it
with a bot that bumps digests (Renovate, Dependabot). That is why this rule is informational.

## Example
```dockerfile
FROM python:3.12-slim
```

Use instead:
```dockerfile
FROM python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36
```

## Fix safety
Unsafe: the digest comes from the catalogue's dated snapshot (shown in the message), which may
be older than the tag today; `dlint image REF` shows the current one when online.

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
";

declare_rule! {
    /// A base image named by tag only, when its digest is known.
    pub struct UnpinnedBaseImage;
    code: "SE001",
    name: "unpinned-base-image",
    category: Security,
    severity: Info,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

impl Rule for UnpinnedBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(base) = base_image(ins, ctx) else {
            return;
        };
        let (_, tag, digest) = split_reference(&base.reference);
        if digest.is_some() || tag.is_none_or(|t| t.eq_ignore_ascii_case("latest")) {
            return;
        }
        let platform = ctx
            .file
            .stages
            .get(base.stage)
            .and_then(|s| s.platform.as_ref())
            .map(|p| p.value.as_str())
            .filter(|p| !p.contains('$'));
        let Ok(info) = catalog::lookup(&base.reference, platform) else {
            return;
        };
        // The index digest pins every platform; a single-platform image pins its manifest.
        let Some(pin) = info
            .index_digest
            .clone()
            .or_else(|| info.manifest_digest.clone())
        else {
            return;
        };
        let when = match &info.source {
            Source::Catalog { as_of, .. } => format!("as of {}", as_of.get(..10).unwrap_or(as_of)),
            other => other.label(),
        };
        let d = ctx.report(
            &Self::META,
            base.range,
            format!(
                "`{}` is a tag, which can move; its digest was `{pin}` ({when})",
                base.reference
            ),
        );
        d.help =
            Some("Pin the digest and let a bot bump it, e.g. `@sha256:…` after the tag".to_owned());
        if base.literal {
            d.fix = Some(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    range: TextRange::empty(base.range.end),
                    content: format!("@{pin}"),
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    fn findings(text: &str) -> Vec<(u32, Option<String>)> {
        let df = crate::syntax::parse(text);
        let entry = crate::rules::find("SE001").expect("SE001");
        crate::rules::run(&df, text, &[entry])
            .iter()
            .map(|d| {
                let fixed = d.fix.as_ref().map(|f| {
                    let mut out = text.to_owned();
                    for e in f.edits.iter().rev() {
                        out.replace_range(e.range.start..e.range.end, &e.content);
                    }
                    out
                });
                (df.line_index.line_col(d.range.start, text).line, fixed)
            })
            .collect()
    }

    #[test]
    fn pins_known_tags_with_the_catalogue_digest() {
        let f = findings("FROM python:3.12-slim AS app\n");
        assert_eq!(f.len(), 1);
        let fixed = f[0].1.as_deref().expect("fix");
        assert_eq!(
            fixed,
            "FROM python:3.12-slim@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36 AS app\n"
        );
        // Fixed text is pinned: nothing more to report.
        assert!(findings(fixed).is_empty());
    }

    #[test]
    fn unknown_latest_and_templated_references() {
        assert!(findings("FROM example.com/unknown:1\n").is_empty());
        assert!(
            findings("FROM python:latest\n").is_empty(),
            "latest-tag covers it"
        );
        let f = findings("ARG PY=3.12\nFROM python:${PY}-slim\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, None, "no fix on a templated reference");
    }
}
