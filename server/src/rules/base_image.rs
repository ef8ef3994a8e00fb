//! What the base-image rules share: the image a stage is built on, after ARG expansion,
//! with the source range of its reference in the `FROM` line.

use crate::layers::Base;
use crate::model::{Instruction, InstructionKind};
use crate::rules::Context;
use crate::text::TextRange;

/// The image of a `FROM`, as the builder resolves it.
pub(crate) struct BaseImage {
    /// The reference after ARG expansion, e.g. `python:3.12-slim`.
    pub reference: String,
    /// The reference word in the `FROM` line.
    pub range: TextRange,
    /// True when the word has no variables, so a fix may rewrite it.
    pub literal: bool,
    pub stage: usize,
}

/// The base image of a `FROM` (not `scratch`, a stage, or an unresolved reference).
pub(crate) fn base_image(ins: &Instruction, ctx: &Context<'_>) -> Option<BaseImage> {
    if ins.kind != InstructionKind::From {
        return None;
    }
    let stage = ins.stage?;
    let word = ctx.file.stages.get(stage)?.base.as_ref()?;
    let Base::Image(reference) = &ctx.analysis().stages.get(stage)?.base else {
        return None;
    };
    Some(BaseImage {
        reference: reference.clone(),
        range: word.range,
        literal: !word.value.contains('$'),
        stage,
    })
}

/// Split a reference into (name, tag, digest): `python:3.12@sha256:…` →
/// (`python`, `Some("3.12")`, `Some("sha256:…")`).
pub(crate) fn split_reference(reference: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(&rest[last_slash + i + 1..]),
            digest,
        ),
        None => (rest, None, digest),
    }
}

#[cfg(test)]
mod tests {
    use super::split_reference;

    #[test]
    fn splits_references() {
        assert_eq!(split_reference("python"), ("python", None, None));
        assert_eq!(
            split_reference("localhost:5000/app:1"),
            ("localhost:5000/app", Some("1"), None)
        );
        assert_eq!(
            split_reference("python:3.12@sha256:ab"),
            ("python", Some("3.12"), Some("sha256:ab"))
        );
        assert_eq!(
            split_reference("host:5000/a/b"),
            ("host:5000/a/b", None, None)
        );
    }
}
