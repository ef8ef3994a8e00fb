//! SZ010 `smaller-base-variant`: the final image is built on a much bigger variant of its
//! base than it needs.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::layers::size::human;
use crate::model::{Instruction, InstructionKind};
use crate::registry::variants;
use crate::rules::base_image::base_image;
use crate::rules::{Context, Rule, RuleMeta};

const DOCS: &str = r#"Checks for a final image built on a much bigger variant of its base than it needs.

## What it does
For the stage that becomes the image, looks its base up in dlint's offline catalogue and
flags it when a variant of the same image and version with the same C library and package
manager (`-slim` for a Debian-based image) is much smaller — at least 20 MB and a quarter of
the download — and the stage compiles nothing (no `gcc`, `make`, `cargo`, `go build`,
`build-essential`, `-dev` packages, …), so it does not need the toolchain the big variant
carries.

## Why is this bad?
Every byte of the base is pulled by every host that runs the image and scanned by every
vulnerability scanner. `python:3.12` is about ten times the download of `python:3.12-slim`,
almost all of it compilers and headers that a running application never uses. Build in a
full image if you must, and copy the result into a slim one.

## Example
```dockerfile
FROM python:3.12
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

Use instead:
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Fix safety
Unsafe: the smaller variant lacks packages (compilers, headers, some libraries) that a `RUN`
may use; build the image and run its tests after switching.

## References
- [Best practices: choose the right base image](https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image)
- [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
"#;

declare_rule! {
    /// The final image is built on a much bigger variant of its base than it needs.
    pub struct SmallerBaseVariant;
    code: "SZ010",
    name: "smaller-base-variant",
    category: Size,
    severity: Info,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Programs and packages that mean a stage compiles something.
fn compiles(program: &str) -> bool {
    matches!(
        program,
        "gcc"
            | "g++"
            | "cc"
            | "c++"
            | "clang"
            | "make"
            | "cmake"
            | "ninja"
            | "cargo"
            | "rustc"
            | "javac"
            | "mvn"
            | "gradle"
            | "node-gyp"
            | "meson"
            | "configure"
            | "./configure"
    )
}

fn toolchain_package(word: &str) -> bool {
    let name = word.split(['=', ':']).next().unwrap_or(word);
    matches!(
        name,
        "build-essential" | "build-base" | "gcc" | "g++" | "make" | "cmake" | "clang"
    ) || name.ends_with("-dev")
        || name.ends_with("-devel")
}

/// Whether any RUN of `stage` (or a stage it is built on in this file) compiles.
fn stage_compiles(ctx: &Context<'_>, stage: usize) -> bool {
    let file = ctx.file;
    let Some(st) = file.stages.get(stage) else {
        return true;
    };
    file.stage_instructions(st).iter().any(|ins| {
        let ins = ins.effective();
        if ins.kind != InstructionKind::Run {
            return false;
        }
        let Some(script) = ins.script() else {
            // Exec form or a non-POSIX shell: cannot tell, so assume it may.
            return true;
        };
        script.commands.iter().any(|c| {
            let Some(p) = c.program() else { return false };
            if compiles(p)
                || p == "go"
                    && c.arg_values()
                        .next()
                        .is_some_and(|a| a == "build" || a == "install")
            {
                return true;
            }
            let installs = matches!(p, "apt-get" | "apt" | "apk" | "dnf" | "yum" | "microdnf");
            installs && c.arg_values().any(toolchain_package)
        })
    })
}

impl Rule for SmallerBaseVariant {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&mut self, ins: &Instruction, ctx: &mut Context<'_>) {
        let Some(base) = base_image(ins, ctx) else {
            return;
        };
        if ctx.analysis().final_stage != Some(base.stage) || stage_compiles(ctx, base.stage) {
            return;
        }
        let all = variants::variants_of(&base.reference);
        let Some(current_variant) = all.iter().find(|v| v.requested) else {
            return;
        };
        let Some(current) = current_variant.compressed_bytes else {
            return;
        };
        // Same C library and package manager: `-slim` for a Debian image, never a jump to
        // musl (wheels, native modules) or to an image without a shell.
        let Some((alternative, smaller)) = all
            .iter()
            .filter(|v| {
                !v.requested
                    && v.libc == current_variant.libc
                    && v.package_manager == current_variant.package_manager
                    && v.shell.is_some()
            })
            .filter_map(|v| v.compressed_bytes.map(|b| (v.reference.clone(), b)))
            .min_by_key(|(_, b)| *b)
        else {
            return;
        };
        let saved = current.saturating_sub(smaller);
        if saved < 20_000_000 || saved * 4 < current {
            return;
        }
        let d = ctx.report(
            &Self::META,
            base.range,
            format!(
                "the final image is built on `{}`; `{alternative}` is {} smaller to download and this stage compiles nothing",
                base.reference,
                human(saved)
            ),
        );
        d.help = Some(format!(
            "Build on `{alternative}` (or build in `{}` and copy the result into `{alternative}`)",
            base.reference
        ));
        if base.literal {
            d.fix = Some(Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    range: base.range,
                    content: alternative,
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    fn messages(text: &str) -> Vec<String> {
        let df = crate::syntax::parse(text);
        let entry = crate::rules::find("SZ010").expect("SZ010");
        crate::rules::run(&df, text, &[entry])
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn big_final_base_without_compiling() {
        let m =
            messages("FROM python:3.12\nCOPY app.py /app/\nRUN pip install --no-cache-dir flask\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("`python:3.12-slim`"), "{m:?}");
    }

    #[test]
    fn compiling_builders_and_small_bases_are_left_alone() {
        assert!(
            messages("FROM python:3.12\nRUN apt-get update && apt-get install -y libpq-dev\n")
                .is_empty()
        );
        assert!(messages("FROM python:3.12\nRUN make\n").is_empty());
        assert!(messages("FROM python:3.12-slim\nCOPY . .\n").is_empty());
        // Only the final stage ships.
        assert!(messages("FROM python:3.12 AS build\nRUN echo\nFROM python:3.12-slim\nCOPY --from=build /a /a\n").is_empty());
    }
}
