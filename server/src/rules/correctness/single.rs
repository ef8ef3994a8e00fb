//! What `multiple-cmd`, `multiple-entrypoint` and `multiple-healthcheck` share: an
//! instruction that only the last of its kind in a stage takes effect.

use crate::model::InstructionKind;
use crate::rules::{Context, RuleMeta};

/// Report every instruction of `kind` that a later one of the same stage overrides: the
/// finding is on the later one, related to the one it overrides.
pub(crate) fn report_overridden(meta: &RuleMeta, kind: InstructionKind, ctx: &mut Context<'_>) {
    let file = ctx.file;
    for stage in &file.stages {
        let mut earlier: Option<&crate::model::Instruction> = None;
        for ins in file.stage_instructions(stage) {
            if ins.kind != kind {
                continue;
            }
            if let Some(prev) = earlier {
                let word = kind.as_str();
                ctx.report(
                    meta,
                    ins.keyword.range,
                    format!(
                        "this {word} overrides the {word} on line {}, which has no effect",
                        prev.start_line
                    ),
                )
                .with_help(format!(
                    "Remove the {word} on line {}; only the last {word} of a stage counts",
                    prev.start_line
                ))
                .with_related(prev.range, format!("this {word} is overridden"));
            }
            earlier = Some(ins);
        }
    }
}
