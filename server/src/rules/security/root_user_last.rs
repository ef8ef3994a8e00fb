//! SE003 `root-user-last`: the image's last `USER` is root.

use crate::declare_rule;
use crate::layers::Base;
use crate::model::InstructionKind;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for a final image whose last `USER` switches to root.

## What it does
Flags the last `USER` instruction of the final stage (or, when that stage has none, of the
stages it is built `FROM`) when it names root: `root`, `0`, or either with a group
(`root:root`, `0:0`). A final image with no `USER` at all is not flagged: whether it runs as
root then depends on its base image, which dlint does not know.

Differences from hadolint DL3002: hadolint checks the last `USER` of every stage, builder
stages included, and compares the text exactly (`USER root ` with a trailing blank passes).
dlint checks the image that is built, whose user is what runs; a builder stage only copied
from never runs as a container:

```dockerfile
FROM eclipse-temurin:21-jre-alpine AS build-jsa
# hadolint DL3002 here; dlint: fine, this stage only makes a file for the next one
USER root
RUN java -XX:ArchiveClassesAtExit=/app.jsa -version
FROM eclipse-temurin:21-jre-alpine
COPY --from=build-jsa /app.jsa /app.jsa
USER 1000
```

## Why is this bad?
The container's main process runs as the image's last user. Running as root means that a
compromise of the application is a compromise of everything the container can reach, and one
step from the host if the container escapes or is given extra privileges. Switching to root
for installation steps is fine; switching back to an unprivileged user before the end is
the point.

## Example
```dockerfile
FROM debian:12
RUN useradd --create-home app
USER root
CMD ["/bin/app"]
```

Use instead:
```dockerfile
FROM debian:12
RUN useradd --create-home app
USER app
CMD ["/bin/app"]
```

## References
- [Best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
- [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
- [hadolint DL3002](https://github.com/hadolint/hadolint/wiki/DL3002)
"#;

declare_rule! {
    /// The image's last `USER` is root.
    pub struct RootUserLast;
    code: "SE003",
    name: "root-user-last",
    category: Security,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("hadolint: DL3002"),
    docs: DOCS,
}

impl Rule for RootUserLast {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let Some(mut stage) = file.stages.len().checked_sub(1) else {
            return;
        };
        // Bounded: a stage can only be built on an earlier one.
        let user = loop {
            let found = file
                .stage_instructions(&file.stages[stage])
                .iter()
                .rev()
                .find(|i| i.kind == InstructionKind::User);
            if let Some(found) = found {
                break found;
            }
            match ctx.analysis().stages.get(stage).map(|s| &s.base) {
                Some(&Base::Stage(base)) if base < stage => stage = base,
                _ => return,
            }
        };
        let Some(word) = user.words().first() else {
            return;
        };
        let name = word.value.split(':').next().unwrap_or_default();
        if name != "root" && name != "0" {
            return;
        }
        ctx.report(
            &Self::META,
            word.range,
            format!(
                "The image runs as `{}`: its last `USER` is root",
                word.value
            ),
        )
        .with_help("End the final stage with `USER` of an unprivileged user");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{findings, lines};

    const CODE: &str = "SE003";

    #[test]
    fn last_root_user_of_the_final_image_is_flagged() {
        assert_eq!(
            findings(CODE, "FROM a\nUSER app\nUSER root\n"),
            [(
                3,
                "root".to_owned(),
                "The image runs as `root`: its last `USER` is root".to_owned()
            )]
        );
        assert_eq!(lines(CODE, "FROM a\nUSER 0:0\n"), [2]);
        // Inherited from the stage the final one is built on.
        assert_eq!(
            lines(CODE, "FROM a AS base\nUSER root\nFROM base\nRUN x\n"),
            [2]
        );
    }

    #[test]
    fn unprivileged_or_unknown_users_are_clean() {
        for text in [
            "FROM a\nUSER root\nRUN x\nUSER app\n",
            "FROM a\nRUN x\n",
            "FROM a AS build\nUSER root\nFROM b\nCOPY --from=build /x /x\n",
            "FROM a\nUSER ${RUNTIME_USER}\n",
            "FROM a\nUSER rootless\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
