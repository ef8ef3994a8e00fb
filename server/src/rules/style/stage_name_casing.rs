//! ST003 `stage-name-casing`: a stage name with upper-case letters.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for stage names with upper-case letters.

## What it does
Flags the name of a stage (`FROM image AS Name`) that holds an upper-case letter. The fix
writes the name in lower case at its definition and at every later reference to it: `FROM
Name`, `COPY --from=Name` and `RUN --mount=from=Name`.

## Why is this bad?
The builder lower-cases stage names: `--target Build` and `--target build` are the same
stage, and so are `COPY --from=Build` and `COPY --from=build`. A name written with capitals
suggests a distinction that does not exist, and reads like an image reference (which must be
lower case) in `FROM` and `--from`.

## Example
```dockerfile
FROM golang:1.23 AS Build
FROM alpine:3.20
COPY --from=Build /app /app
```

Use instead:
```dockerfile
FROM golang:1.23 AS build
FROM alpine:3.20
COPY --from=build /app /app
```

## References
- [Docker build checks: StageNameCasing](https://docs.docker.com/reference/build-checks/stage-name-casing/)
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
";

declare_rule! {
    /// A stage name with upper-case letters.
    pub struct StageNameCasing;
    code: "ST003",
    name: "stage-name-casing",
    category: Style,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("buildkit: StageNameCasing"),
    docs: DOCS,
}

impl Rule for StageNameCasing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::From {
            return;
        }
        let Some(stage) = ins.stage.and_then(|s| ctx.file.stages.get(s)) else {
            return;
        };
        let Some(name) = &stage.name else {
            return;
        };
        if !name.value.chars().any(|c| c.is_ascii_uppercase()) || name.value.contains('$') {
            return;
        }
        let lower = name.value.to_ascii_lowercase();
        let mut edits = vec![Edit {
            range: name.range,
            content: lower.clone(),
        }];
        // References may only follow the definition; an earlier `FROM Name` is an image.
        let later = ctx.file.instructions[stage.from + 1..]
            .iter()
            .flat_map(|i| std::iter::once(i).chain(i.onbuild.as_deref()));
        for other in later {
            let renamed =
                references(other, &name.value, ctx).filter(|r| r.slice(ctx.source) != lower);
            edits.extend(renamed.map(|range| Edit {
                range,
                content: lower.clone(),
            }));
        }
        ctx.report(
            &Self::META,
            name.range,
            format!("Stage name `{}` has upper-case letters", name.value),
        )
        .with_help(format!("Rename the stage `{lower}`"))
        .set_fix(Fix {
            applicability: Applicability::Safe,
            edits,
        });
    }
}

/// The ranges in `ins` that name stage `name` (case-insensitively), each written exactly
/// as its value (an escaped or quoted reference is left alone).
fn references<'a>(
    ins: &'a Instruction,
    name: &'a str,
    ctx: &'a Context<'_>,
) -> impl Iterator<Item = TextRange> + 'a {
    let mut out = Vec::new();
    match ins.kind {
        InstructionKind::From => {
            if let Some(base) = ins.words().first()
                && base.value.eq_ignore_ascii_case(name)
            {
                out.push(base.range);
            }
        }
        InstructionKind::Copy | InstructionKind::Add => {
            if let Some(value) = ins.flag("from").and_then(|f| f.value.as_ref())
                && value.value.eq_ignore_ascii_case(name)
            {
                out.push(value.range);
            }
        }
        InstructionKind::Run => {
            for flag in ins.flags.iter().filter(|f| f.name.value == "mount") {
                let Some(value) = &flag.value else { continue };
                let mut offset = 0;
                for part in value.value.split(',') {
                    if let Some(stage) = part.strip_prefix("from=")
                        && stage.eq_ignore_ascii_case(name)
                    {
                        let start = offset + "from=".len();
                        out.push(TextRange::new(
                            value.range.start + start,
                            value.range.start + start + stage.len(),
                        ));
                    }
                    offset += part.len() + 1;
                }
            }
        }
        _ => {}
    }
    out.into_iter()
        .filter(move |r| r.slice(ctx.source).eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    const CODE: &str = "ST003";

    #[test]
    fn upper_case_names_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a AS Build\n"),
            [(
                1,
                "Build".to_owned(),
                "Stage name `Build` has upper-case letters".to_owned()
            )]
        );
        assert_eq!(
            lines(CODE, "FROM a AS build\nFROM b AS b-2_x.y\nFROM c\n"),
            [] as [u32; 0]
        );
    }

    #[test]
    fn the_fix_renames_every_later_reference() {
        assert_eq!(
            fixed_and_clean(
                CODE,
                "FROM Build\nFROM a AS Build\nFROM BUILD AS next\nCOPY --from=build /a /a\n\
                 RUN --mount=type=cache,from=Build,target=/c true\nONBUILD COPY --from=Build /x /x\n"
            ),
            "FROM Build\nFROM a AS build\nFROM build AS next\nCOPY --from=build /a /a\n\
             RUN --mount=type=cache,from=build,target=/c true\nONBUILD COPY --from=build /x /x\n"
        );
    }
}
