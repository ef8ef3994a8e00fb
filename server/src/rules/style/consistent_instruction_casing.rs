//! ST001 `consistent-instruction-casing`: instruction keywords in a case other than the
//! file's majority.

use crate::diagnostic::{Applicability, Category, Edit, Fix, Severity};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, FixAvailability, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for instruction keywords whose case differs from the rest of the file.

## What it does
Counts the instruction keywords written all in upper case (`RUN`) and all in lower case
(`run`), `ONBUILD` bodies included, and flags every keyword that is not in the majority
case, mixed case (`Run`) included. On a tie, upper case wins, as it does in BuildKit.

## Why is this bad?
Keywords are case-insensitive to the builder, so mixing `RUN` and `run` means nothing, but it
makes a file harder to scan and grep, and suggests pieces pasted from elsewhere. Upper case
is the convention almost every Dockerfile follows.

## Example
```dockerfile
FROM alpine:3.20
run echo hello
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN echo hello
```

## References
- [Docker build checks: ConsistentInstructionCasing](https://docs.docker.com/reference/build-checks/consistent-instruction-casing/)
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
";

/// Instruction keywords in a case other than the file's majority; keeps the keywords seen.
#[derive(Debug, Default)]
pub struct ConsistentInstructionCasing {
    keywords: Vec<(String, TextRange)>,
}

impl ConsistentInstructionCasing {
    pub const META: RuleMeta = RuleMeta {
        code: "ST001",
        name: "consistent-instruction-casing",
        category: Category::Style,
        severity: Severity::Warning,
        fix: FixAvailability::Always,
        since: "0.1.0",
        upstream: Some("buildkit: ConsistentInstructionCasing"),
        docs: DOCS,
        default: crate::rules::DefaultState::On,
    };
}

impl Rule for ConsistentInstructionCasing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, _ctx: &mut Context<'_>) {
        if ins.kind == InstructionKind::Unknown {
            return;
        }
        self.keywords
            .push((ins.keyword.value.clone(), ins.keyword.range));
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let keywords = &self.keywords;
        let upper = keywords.iter().filter(|(k, _)| is_upper(k)).count();
        let lower = keywords.iter().filter(|(k, _)| is_lower(k)).count();
        let majority_lower = lower > upper;
        let case = if majority_lower {
            "lowercase"
        } else {
            "uppercase"
        };
        for (keyword, range) in keywords {
            let fits = if majority_lower {
                is_lower(keyword)
            } else {
                is_upper(keyword)
            };
            if fits {
                continue;
            }
            let wanted = if majority_lower {
                keyword.to_ascii_lowercase()
            } else {
                keyword.to_ascii_uppercase()
            };
            ctx.report(
                &Self::META,
                *range,
                format!("`{keyword}` does not match the case of the other instructions ({case})"),
            )
            .with_help(format!("Write `{wanted}`"))
            .set_fix(Fix {
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    range: *range,
                    content: wanted,
                }],
            });
        }
    }
}

fn is_upper(word: &str) -> bool {
    !word.chars().any(|c| c.is_ascii_lowercase())
}

fn is_lower(word: &str) -> bool {
    !word.chars().any(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    const CODE: &str = "ST001";

    #[test]
    fn minority_and_mixed_case_are_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nrun x\nRUN y\n"),
            [(
                2,
                "run".to_owned(),
                "`run` does not match the case of the other instructions (uppercase)".to_owned()
            )]
        );
        assert_eq!(lines(CODE, "from a\nrun x\nRUN y\nRun z\n"), [3, 4]);
        // A tie goes to upper case.
        assert_eq!(lines(CODE, "from a\nRUN y\n"), [1]);
        // ONBUILD bodies count.
        assert_eq!(lines(CODE, "FROM a\nONBUILD run x\n"), [2]);
    }

    #[test]
    fn consistent_files_are_clean_and_fixes_follow_the_majority() {
        assert_eq!(lines(CODE, "from a\nrun x\ncopy . .\n"), [] as [u32; 0]);
        assert_eq!(lines(CODE, "FROM a\nRUN x\n"), [] as [u32; 0]);
        assert_eq!(
            fixed_and_clean(CODE, "from a\nrun x\nRUN y\nCopy . .\n"),
            "from a\nrun x\nrun y\ncopy . .\n"
        );
    }
}
