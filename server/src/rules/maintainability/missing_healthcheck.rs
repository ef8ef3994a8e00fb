//! MA025 `missing-healthcheck`: the final image has no `HEALTHCHECK` (off by default).

use crate::declare_rule;
use crate::layers::Base;
use crate::model::InstructionKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for a final image without a `HEALTHCHECK`.

## What it does
Flags the `FROM` of the final stage (the `--target`, else the last stage) when neither it
nor the stages of this file it is built `FROM` has a `HEALTHCHECK`. `HEALTHCHECK NONE`
counts: it is a decision not to have one. An `ONBUILD HEALTHCHECK` is a trigger for later
builds and does not count.

Differences from hadolint's DL3057: it reports every stage without a `HEALTHCHECK`, builder
stages included; dlint reports only the image that is built, since only it runs as a
container.

The rule is off by default (as hadolint's DL3057 is): many images have no service to check,
and an orchestrator often probes the container itself (Kubernetes ignores `HEALTHCHECK` and
uses its own probes). Enable it by name: `extend-select = ["missing-healthcheck"]`.

The base image may define a health check, which the final image inherits; dlint works
offline and cannot know it. When the base image's check is the one you want, suppress the
finding (`# dlint ignore=missing-healthcheck -- the base image checks`) rather than adding
`HEALTHCHECK NONE`, which would turn the inherited check off.

## Why is this bad?
Without a health check, Docker and Swarm only know whether the main process is running,
not whether it still answers: a server that hangs keeps its container `Up`, is never
restarted, and keeps receiving traffic. A `HEALTHCHECK` makes `docker ps` show `healthy` or
`unhealthy`, and lets `docker compose` wait for a service (`depends_on: condition:
service_healthy`) and Swarm replace a failing task.

## Example
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

Use instead:
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```

## References
- [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
- [Compose: `depends_on` with `service_healthy`](https://docs.docker.com/compose/how-tos/startup-order/)
- [hadolint DL3057](https://github.com/hadolint/hadolint/wiki/DL3057)
"#;

declare_rule! {
    /// The final image has no `HEALTHCHECK`.
    pub struct MissingHealthcheck;
    code: "MA025",
    name: "missing-healthcheck",
    category: Maintainability,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3057"),
    docs: DOCS,
    default: Off,
}

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let Some(last) = ctx.analysis().final_stage else {
            return;
        };
        let mut stage = last;
        let mut chain = 0;
        // Bounded: a stage can only be built on an earlier one.
        loop {
            let Some(s) = file.stages.get(stage) else {
                return;
            };
            // `ONBUILD HEALTHCHECK` is an instruction of kind `Onbuild`: not counted.
            if file
                .stage_instructions(s)
                .iter()
                .any(|i| i.kind == InstructionKind::Healthcheck)
            {
                return;
            }
            match ctx.analysis().stages.get(stage).map(|s| &s.base) {
                Some(&Base::Stage(base)) if base < stage => {
                    stage = base;
                    chain += 1;
                }
                _ => break,
            }
        }
        let Some(final_stage) = file.stages.get(last) else {
            return;
        };
        let Some(from) = file.instructions.get(final_stage.from) else {
            return;
        };
        let range = from.words().first().map_or(from.keyword.range, |w| w.range);
        let message = if chain == 0 {
            "The final image has no `HEALTHCHECK`: nothing tells Docker whether the container \
             still works"
                .to_owned()
        } else {
            format!(
                "The final image has no `HEALTHCHECK`, nor do the {chain} stage(s) it is built \
                 from: nothing tells Docker whether the container still works"
            )
        };
        ctx.report(&Self::META, range, message).with_help(
            "Add `HEALTHCHECK CMD <a command that fails when the service does not answer>`, \
             or `HEALTHCHECK NONE` to say that the image has none",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "MA025";

    #[test]
    fn a_final_image_without_healthcheck_is_flagged() {
        assert_eq!(
            findings(
                CODE,
                "FROM a AS build\nRUN make\nFROM nginx:1.27\nCOPY x /x\n"
            ),
            [(
                3,
                "nginx:1.27".to_owned(),
                "The final image has no `HEALTHCHECK`: nothing tells Docker whether the \
                 container still works"
                    .to_owned()
            )]
        );
        // The builder's check is not the final image's; ONBUILD does not count.
        assert_eq!(
            lines(
                CODE,
                "FROM a AS build\nHEALTHCHECK CMD true\nFROM b\nONBUILD HEALTHCHECK CMD true\n"
            ),
            [3]
        );
        assert_eq!(
            findings(CODE, "FROM a AS base\nFROM base AS app\nFROM app\n")[0].2,
            "The final image has no `HEALTHCHECK`, nor do the 2 stage(s) it is built from: \
             nothing tells Docker whether the container still works"
        );
    }

    #[test]
    fn a_healthcheck_in_the_chain_or_none_is_clean() {
        for text in [
            "FROM a\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
            "FROM a\nHEALTHCHECK NONE\n",
            "FROM a AS base\nhealthcheck --interval=5s CMD true\nFROM base AS app\nFROM app\nRUN x\n",
            "ARG X=1\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
