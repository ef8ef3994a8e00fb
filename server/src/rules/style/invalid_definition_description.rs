//! ST004 `invalid-definition-description`: a comment right above `ARG name` or
//! `FROM … AS name` that does not start with the name (off by default).

use std::collections::HashSet;

use crate::declare_rule;
use crate::model::{Comment, Instruction, InstructionKind, Spanned};
use crate::rules::{Context, Rule, RuleMeta};
use crate::suppress::{SuppressionKind, Suppressions};

const DOCS: &str = r#"Checks for a comment right above `ARG` or a named `FROM` that is not a description of it.

## What it does
BuildKit reads the comment directly above `ARG NAME` or `FROM image AS NAME` as the
description of the build argument or stage (`docker buildx build --call=outline` and
`--call=targets` print it), when it starts with the name: `# VERSION The release to
build`. This rule flags such a comment, the line right above the instruction with no blank
line between, whose first word is not the name (for `ARG A B`, any of the names).

As in BuildKit, only the last line of the comment block counts, and an empty comment line
(`#`) ends a block. dlint differs on purpose in two ways: a suppression comment
(`# dlint ignore=…`, `# hadolint ignore=…`) right above the instruction is not taken for a
description (the comment above it is checked instead), and a stage name matches in any case
(`# Build …` for `AS build`), since stage names are case-insensitive.

The rule is off by default, as the check is experimental and off in BuildKit: most
Dockerfiles have ordinary comments right above their `FROM` and `ARG` lines (`# Build
stage`), and a description only matters to projects that publish their build arguments and
targets through `--call=outline`. Enable it by name:
`extend-select = ["invalid-definition-description"]`.

## Why is this bad?
In a project that documents its build through `--call=outline` and `--call=targets`, a
comment that is meant as a description but does not start with the name is silently left
out of the outline, and a comment that is not meant as one sits where a description
belongs. Starting the comment with the name, or separating it from the instruction with an
empty line, says which it is.

## Example
```dockerfile
# The Go toolchain to build with
ARG GO_VERSION=1.23
# Compile the server
FROM golang:${GO_VERSION} AS build
```

Use instead:
```dockerfile
# GO_VERSION The Go toolchain to build with
ARG GO_VERSION=1.23
# build Compiles the server
FROM golang:${GO_VERSION} AS build
```

## References
- [Docker build checks: InvalidDefinitionDescription](https://docs.docker.com/reference/build-checks/invalid-definition-description/)
- [Docker: build targets and outlines (`--call`)](https://docs.docker.com/reference/cli/docker/buildx/build/#call)
"#;

declare_rule! {
    /// A comment right above `ARG name` or `FROM … AS name` that does not start with the
    /// name.
    pub struct InvalidDefinitionDescription;
    code: "ST004",
    name: "invalid-definition-description",
    category: Style,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("buildkit: InvalidDefinitionDescription"),
    docs: DOCS,
    default: Off,
}

/// The starts of the suppression comments (`# dlint ignore=…`, `# hadolint ignore=…`) of
/// the file, parsed only when a comment may be one.
fn pragma_starts(ctx: &Context<'_>) -> HashSet<usize> {
    let maybe = ctx.file.comments.iter().any(|c| {
        let text = c.text.to_ascii_lowercase();
        text.contains("ignore") && (text.contains("dlint") || text.contains("hadolint"))
    });
    if !maybe {
        return HashSet::new();
    }
    Suppressions::parse(ctx.file, ctx.source)
        .items()
        .iter()
        .filter(|s| s.kind != SuppressionKind::Buildkit)
        .map(|s| s.range.start)
        .collect()
}

/// The names an instruction defines, if it is a top-level `ARG` or a named `FROM`.
fn defined_names<'a>(ins: &'a Instruction, ctx: &Context<'a>) -> Vec<&'a Spanned<String>> {
    match ins.kind {
        InstructionKind::Arg => ins.words().iter().collect(),
        InstructionKind::From => ins
            .stage
            .and_then(|s| ctx.file.stages.get(s))
            .and_then(|s| s.name.as_ref())
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

impl Rule for InvalidDefinitionDescription {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let index = &file.line_index;
        // Comments between instructions, in source order, with their 0-based lines.
        let comments: Vec<(usize, &Comment)> = file
            .comments
            .iter()
            .filter(|c| !c.inside_instruction)
            .map(|c| (index.line_of(c.range.start), c))
            .collect();
        if comments.is_empty() {
            return;
        }
        let pragmas = pragma_starts(ctx);
        for ins in &file.instructions {
            let words = defined_names(ins, ctx);
            if words.is_empty() {
                continue;
            }
            // The comment block right above: comments on the lines just before, nearest
            // first (binary search: the comments are in source order).
            let mut line = index.line_of(ins.range.start);
            let mut at = comments.partition_point(|(_, c)| c.range.start < ins.range.start);
            let mut description = None;
            while at > 0 && line > 0 && comments[at - 1].0 == line - 1 {
                let comment = comments[at - 1].1;
                // An empty comment line ends the block (BuildKit drops what is above it).
                if comment.text.is_empty() {
                    break;
                }
                if !pragmas.contains(&comment.range.start) {
                    description = Some(comment);
                    break;
                }
                at -= 1;
                line -= 1;
            }
            let Some(description) = description else {
                continue;
            };
            let first = description.text.split(' ').next().unwrap_or_default();
            let is_from = ins.kind == InstructionKind::From;
            let names: Vec<&str> = words
                .iter()
                .map(|w| w.value.split('=').next().unwrap_or_default())
                .collect();
            let matches = names
                .iter()
                .any(|name| *name == first || (is_from && name.eq_ignore_ascii_case(first)));
            if matches || names.iter().any(|n| n.is_empty()) {
                continue;
            }
            let example = if names.len() == 1 {
                names[0].to_owned()
            } else {
                "<name>".to_owned()
            };
            let what = if is_from {
                format!("stage `{example}`")
            } else {
                format!("`ARG {}`", names.join(" "))
            };
            let Some(first_word) = words.first() else {
                continue;
            };
            let range = if is_from {
                first_word.range
            } else {
                first_word.range.cover(words[words.len() - 1].range)
            };
            ctx.report(
                &Self::META,
                range,
                format!(
                    "The comment right above {what} is read as its description, but does not \
                     start with `{example}`"
                ),
            )
            .with_help(format!(
                "Start the comment with the name (`# {example} <description>`), or put an \
                 empty line between it and the instruction"
            ))
            .with_related(
                description.range,
                "the comment BuildKit reads as the description",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "ST004";

    #[test]
    fn comments_right_above_that_miss_the_name_are_flagged() {
        assert_eq!(
            findings(CODE, "# The version\nARG VERSION=1\n"),
            [(
                2,
                "VERSION=1".to_owned(),
                "The comment right above `ARG VERSION` is read as its description, but does \
                 not start with `VERSION`"
                    .to_owned()
            )]
        );
        assert_eq!(
            findings(CODE, "FROM a\n# compile\nFROM b AS build\n")[0].2,
            "The comment right above stage `build` is read as its description, but does not \
             start with `build`"
        );
        // Only the last line of the block counts; a pragma is looked past.
        let text = "# VERSION is the version\n# of the app\nARG VERSION\n\
                    # just a note\n# hadolint ignore=DL3006\nFROM a AS base\n\
                    # build them\nARG A B\n  # indented\nARG C\n";
        assert_eq!(lines(CODE, text), [3, 6, 8, 10]);
        assert!(findings(CODE, "# x\nARG A B\n")[0].2.contains("`<name>`"));
    }

    #[test]
    fn descriptions_and_separated_comments_are_clean() {
        for text in [
            "# VERSION The release\nARG VERSION=1\n",
            "# VERSION\nARG VERSION\n",
            "# B the second\nARG A B\n",
            "# just a note\n\nARG VERSION\n",
            "# just a note\n#\nARG VERSION\n",
            "# build compiles\nFROM a AS build\n",
            "# Build compiles\nFROM a AS build\n",
            "# a note\nFROM a\n",
            "# syntax=docker/dockerfile:1\nARG X\n",
            "FROM a\nRUN x\n# a note\nRUN y\n",
            "# VERSION the version\n# dlint ignore=ST004\nARG VERSION\n",
            "ONBUILD ARG X\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
