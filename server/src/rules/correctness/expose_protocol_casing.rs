//! CO014 `expose-protocol-casing`: an `EXPOSE` protocol not in lower case.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Instruction, InstructionKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for `EXPOSE` protocols written in upper or mixed case.

## What it does
Flags `EXPOSE 80/TCP` and `EXPOSE 53/Udp`: a protocol of `EXPOSE` not written in lower
case.

## Why is this bad?
The image configuration records the port as written, `80/TCP`, while Docker and
orchestrators look for `80/tcp`: tools that compare exposed ports see two different ports,
and BuildKit warns about it.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80/TCP
```

Use instead:
```dockerfile
FROM nginx:1.27
EXPOSE 80/tcp
```

## References
- [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
- [BuildKit check: ExposeProtoCasing](https://docs.docker.com/reference/build-checks/expose-proto-casing/)
";

declare_rule! {
    /// An `EXPOSE` protocol not in lower case.
    pub struct ExposeProtocolCasing;
    code: "CO014",
    name: "expose-protocol-casing",
    category: Correctness,
    severity: Warning,
    fix: Always,
    since: "0.1.0",
    upstream: Some("buildkit: ExposeProtoCasing"),
    docs: DOCS,
}

impl Rule for ExposeProtocolCasing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if ins.kind != InstructionKind::Expose {
            return;
        }
        for word in ins.words() {
            let Some((_, proto)) = word.value.split_once('/') else {
                continue;
            };
            let lower = proto.to_ascii_lowercase();
            if proto == lower || proto.contains('$') {
                continue;
            }
            // The protocol is the tail of the word; exact only when written in one piece.
            let exact =
                ctx.source.get(word.range.start..word.range.end) == Some(word.value.as_str());
            let range = if exact {
                TextRange::new(word.range.end - proto.len(), word.range.end)
            } else {
                word.range
            };
            let d = ctx
                .report(
                    &Self::META,
                    range,
                    format!("protocol `{proto}` is not in lower case"),
                )
                .with_help(format!("Write `{lower}`"));
            if exact {
                d.set_fix(Fix {
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        range,
                        content: lower,
                    }],
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, fixed_and_clean, lines};

    #[test]
    fn flags_and_fixes() {
        let text = "FROM a\nEXPOSE 80/TCP 53/udp 5353/Udp\n";
        assert_eq!(findings("CO014", text)[0].1, "TCP");
        assert_eq!(
            fixed_and_clean("CO014", text),
            "FROM a\nEXPOSE 80/tcp 53/udp 5353/udp\n"
        );
        assert_eq!(
            lines("CO014", "FROM a\nEXPOSE 80 80/tcp ${P}/${PROTO}\n"),
            [] as [u32; 0]
        );
    }
}
