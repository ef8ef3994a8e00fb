//! CA005 `copy-all-without-dockerignore`: `COPY . .` from a build context that has no
//! `.dockerignore`.

use crate::declare_rule;
use crate::layers::analysis::copy_sources;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::dockerignore_exists;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r"Checks for a COPY of the whole build context when the context has no `.dockerignore`.

## What it does
Flags `COPY` and `ADD` of the whole context (a source of `.`, `./` or `*`) when the build
context has neither a `.dockerignore` nor a `<Dockerfile>.dockerignore` next to the
Dockerfile. `COPY --from` is not flagged: it reads another stage or image.

The rule needs to know the build context: it stays silent when dlint checks text
without a path (standard input, an unsaved editor buffer).

## Why is this bad?
Without an ignore file, everything in the directory is sent to the builder and copied:
the `.git` directory, `node_modules` and build output of the host, editor files, local
`.env` files with secrets. They make the image bigger, may leak credentials, and any
change to any of them (a new commit, a log line) invalidates this layer and every layer
after it.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY . .
```

Use instead:
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY src/ ./src/
```

Or add a `.dockerignore` next to the Dockerfile:

```text
.git
node_modules
*.log
.env
```

## References
- [Docker: `.dockerignore` files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
";

declare_rule! {
    /// `COPY . .` from a build context that has no `.dockerignore`.
    pub struct CopyAllWithoutDockerignore;
    code: "CA005",
    name: "copy-all-without-dockerignore",
    category: Cache,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Whether a COPY source names the whole context.
fn is_whole_context(source: &str) -> bool {
    matches!(source, "." | "./" | "*" | "./*" | "/" | "/.")
}

impl Rule for CopyAllWithoutDockerignore {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        if !matches!(ins.kind, InstructionKind::Copy | InstructionKind::Add)
            || ins.flag("from").is_some()
            || dockerignore_exists(ctx) != Some(false)
        {
            return;
        }
        let (sources, _) = copy_sources(ins);
        let Some(source) = sources.iter().find(|s| is_whole_context(s)) else {
            return;
        };
        let Some(word) = ins.words().iter().find(|w| &w.value == source) else {
            return;
        };
        let keyword = ins.kind.as_str();
        ctx.report(
            &Self::META,
            word.range,
            format!(
                "`{keyword} {source}` copies the whole build context, and there is no \
                 `.dockerignore`: `.git`, local build output and secrets end up in the layer"
            ),
        )
        .with_help(
            "Add a `.dockerignore` that leaves out `.git`, dependencies and build output, or \
             copy only what the image needs",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::FileFacts;
    use crate::rules::test_support::findings_with_facts;

    const TEXT: &str = "FROM a\nCOPY . .\nADD ./ /app/\nCOPY --from=b . .\nCOPY src/ x\n\
                        ONBUILD COPY * /app/\n";

    fn facts(has_dockerignore: Option<bool>) -> FileFacts {
        FileFacts {
            has_dockerignore,
            ..FileFacts::default()
        }
    }

    #[test]
    fn flags_whole_context_copies_without_dockerignore() {
        let f = findings_with_facts("CA005", TEXT, &facts(Some(false)));
        let at: Vec<(u32, &str)> = f.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(at, [(2, "."), (3, "./"), (6, "*")]);
        assert_eq!(
            f[0].2,
            "`COPY .` copies the whole build context, and there is no `.dockerignore`: `.git`, \
             local build output and secrets end up in the layer"
        );
    }

    #[test]
    fn silent_with_a_dockerignore_or_when_unknown() {
        assert_eq!(findings_with_facts("CA005", TEXT, &facts(Some(true))), []);
        assert_eq!(findings_with_facts("CA005", TEXT, &facts(None)), []);
    }
}
