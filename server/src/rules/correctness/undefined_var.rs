//! CO007 `undefined-var`: a variable that is not defined where an instruction expands it.

use std::collections::HashSet;

use crate::declare_rule;
use crate::layers::Base;
use crate::model::{Arguments, Instruction, InstructionKind};
use crate::rules::correctness::util::{
    PLATFORM_ARGS, near_miss, rooted_in_scratch, stage_of, sub_range, var_refs,
};
use crate::rules::{Context, Rule, RuleMeta};
use crate::text::TextRange;

const DOCS: &str = r"Checks for variables that are not defined where an instruction expands them.

## What it does
Looks at the variables the builder expands itself: in `COPY`, `ADD`, `ENV`, `ARG`
defaults, `LABEL`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL` and their flags
(`--chown`, `--from`, ...). A variable is defined by an `ARG` or `ENV` earlier in the
stage, or by an `ENV` of the stage it is built `FROM`. Flags:
- a global `ARG` (before the first `FROM`) used in a stage that does not declare it again
  with `ARG NAME`: inside a stage it is empty;
- a name one or two edits from a defined one (`$APP_DRI` for `$APP_DIR`), with the name
  meant;
- any other undefined name, but only in a stage whose whole ancestry is in this file and
  starts `FROM scratch`, where every variable is known.

`RUN`, `CMD` and `ENTRYPOINT` are left alone: their variables are expanded by the shell
when the container runs, where the base image's environment applies. BuildKit's check
reports any name the Dockerfile does not define, which flags `$PATH` and the variables
base images set (`$JAVA_HOME`, `$PYTHON_VERSION`); dlint reports only what it can prove.

## Why is this bad?
An undefined variable expands to the empty string without an error: `COPY app-$VERSION.jar
/app/` looks for `app-.jar`, `WORKDIR $APP_DRI` changes to `/`.

## Example
```dockerfile
ARG VERSION=1.4.2
FROM eclipse-temurin:21-jre
COPY target/app-${VERSION}.jar /app/app.jar
```

Use instead:
```dockerfile
ARG VERSION=1.4.2
FROM eclipse-temurin:21-jre
ARG VERSION
COPY target/app-${VERSION}.jar /app/app.jar
```

## References
- [Dockerfile reference: variable substitution](https://docs.docker.com/reference/dockerfile/#environment-replacement)
- [Dockerfile reference: ARG scope](https://docs.docker.com/reference/dockerfile/#scope)
- [BuildKit check: UndefinedVar](https://docs.docker.com/reference/build-checks/undefined-var/)
";

declare_rule! {
    /// A variable that is not defined where an instruction expands it.
    pub struct UndefinedVar;
    code: "CO007",
    name: "undefined-var",
    category: Correctness,
    severity: Warning,
    fix: None,
    since: "0.1.0",
    upstream: Some("buildkit: UndefinedVar"),
    docs: DOCS,
}

/// Variables that base images commonly set: never guessed to be typos.
const COMMON_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "HOSTNAME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TERM",
    "USER",
    "PWD",
    "SHELL",
    "TZ",
    "JAVA_HOME",
    "GOPATH",
    "GOROOT",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "NODE_ENV",
    "PYTHONPATH",
    "LD_LIBRARY_PATH",
];

/// What is known in the current stage.
#[derive(Debug, Default)]
struct Scope {
    stage: Option<usize>,
    defined: HashSet<String>,
    /// Every variable the stage can see is defined in this file.
    complete: bool,
}

/// Where variables of `ins` are expanded by the builder: `(text, where the text starts in
/// the source, exact)`, one per flag value and per argument text.
fn expanded_texts(ins: &Instruction) -> Vec<(&str, Vec<(TextRange, TextRange)>)> {
    let mut out = Vec::new();
    for f in &ins.flags {
        if let Some(v) = &f.value {
            let refs = var_refs(&v.value, '\\')
                .into_iter()
                .map(|r| (r.range, sub_range(v, r.range)))
                .collect();
            out.push((v.value.as_str(), refs));
        }
    }
    match &ins.args {
        Arguments::Shell(s) => {
            let refs = var_refs(&s.text, '\\')
                .into_iter()
                .map(|r| (r.range, s.map.range(r.range)))
                .collect();
            out.push((s.text.as_str(), refs));
        }
        Arguments::Exec(items) => {
            for v in items {
                let refs = var_refs(&v.value, '\\')
                    .into_iter()
                    .map(|r| (r.range, sub_range(v, r.range)))
                    .collect();
                out.push((v.value.as_str(), refs));
            }
        }
        Arguments::None => {}
    }
    out
}

/// Names an `ARG` or `ENV` defines.
fn defined_names(ins: &Instruction) -> Vec<String> {
    let words = ins.words();
    match ins.kind {
        InstructionKind::Arg => words
            .iter()
            .map(|w| {
                w.value
                    .split_once('=')
                    .map_or(&*w.value, |(k, _)| k)
                    .to_owned()
            })
            .collect(),
        InstructionKind::Env => match words.first() {
            Some(first) if !first.value.contains('=') => vec![first.value.clone()],
            _ => words
                .iter()
                .filter_map(|w| w.value.split_once('=').map(|(k, _)| k.to_owned()))
                .collect(),
        },
        _ => vec![],
    }
}

impl Rule for UndefinedVar {
    fn meta(&self) -> &'static RuleMeta {
        &UndefinedVar::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let mut scope = Scope::default();
        for ins in &file.instructions {
            check(ins, &mut scope, ctx);
        }
    }
}

fn check(ins: &Instruction, scope: &mut Scope, ctx: &mut Context<'_>) {
    let Some(stage) = stage_of(ins, ctx) else {
        return;
    };
    if scope.stage != Some(stage.index) {
        let analysis = ctx.analysis();
        let info = &analysis.stages[stage.index];
        scope.stage = Some(stage.index);
        scope.defined = match info.base {
            Base::Stage(i) => analysis.stages[i].env.keys().cloned().collect(),
            _ => HashSet::new(),
        };
        scope.complete = rooted_in_scratch(ctx, stage.index);
    }
    let expands = matches!(
        ins.kind,
        InstructionKind::Add
            | InstructionKind::Copy
            | InstructionKind::Arg
            | InstructionKind::Env
            | InstructionKind::Expose
            | InstructionKind::Label
            | InstructionKind::Stopsignal
            | InstructionKind::User
            | InstructionKind::Volume
            | InstructionKind::Workdir
    );
    let names = defined_names(ins);
    if expands {
        // Names set by this same ENV are left to `env-self-reference`.
        let same_env: &[String] = if ins.kind == InstructionKind::Env {
            &names
        } else {
            &[]
        };
        let mut findings = Vec::new();
        for (text, refs) in expanded_texts(ins) {
            for (at, range) in refs {
                let name = &text[at.start..at.end];
                // The reference's own name is at its start (`$NAME`, `${NAME…}`): read it
                // there, not by scanning the whole reference (nested defaults are long).
                let name = leading_name(name).map_or_else(
                    || {
                        var_refs(name, '\\')
                            .into_iter()
                            .next()
                            .map_or_else(String::new, |r| r.name)
                    },
                    str::to_owned,
                );
                if name.is_empty() || scope.defined.contains(&name) || same_env.contains(&name) {
                    continue;
                }
                findings.push((name, range));
            }
        }
        let globals: Vec<String> = if findings.is_empty() {
            Vec::new()
        } else {
            ctx.analysis().global_args.keys().cloned().collect()
        };
        for (name, range) in findings {
            if globals.contains(&name) {
                ctx.report(
                        &UndefinedVar::META,
                        range,
                        format!(
                            "`{name}` is a global `ARG`, which is not visible inside a stage: it expands to an empty string here"
                        ),
                    )
                    .with_help(format!("Declare `ARG {name}` in this stage to use its value"));
                continue;
            }
            let suggestion = near_miss(&name, scope.defined.iter().map(String::as_str))
                .map(str::to_owned)
                .filter(|_| !COMMON_ENV.contains(&name.as_str()));
            if let Some(s) = suggestion {
                ctx.report(
                    &UndefinedVar::META,
                    range,
                    format!("`{name}` is not defined, so it expands to an empty string"),
                )
                .with_help(format!("Did you mean `{s}`?"));
            } else if scope.complete {
                let help = if PLATFORM_ARGS.contains(&name.as_str()) {
                    format!(
                        "Declare `ARG {name}` in this stage: BuildKit sets it, but a stage sees it only when declared"
                    )
                } else {
                    format!("Define `{name}` with `ARG` or `ENV` before this instruction")
                };
                ctx.report(
                    &UndefinedVar::META,
                    range,
                    format!("`{name}` is not defined, so it expands to an empty string"),
                )
                .with_help(help);
            }
        }
    }
    scope.defined.extend(names);
}

/// The name of a reference that `text` starts with (`$NAME`, `${NAME…}`).
fn leading_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let rest = rest.strip_prefix('{').unwrap_or(rest);
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let name = &rest[..len];
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    #[test]
    fn flags_global_args_not_redeclared() {
        let text = "ARG V=1\nFROM img\nCOPY app-${V}.jar /app/\n";
        let f = findings("CO007", text);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].0, f[0].1.as_str()), (3, "${V}"));
        assert_eq!(
            lines(
                "CO007",
                "ARG V=1\nFROM img\nARG V\nCOPY app-${V}.jar /app/\n"
            ),
            [] as [u32; 0]
        );
    }

    #[test]
    fn flags_typos_on_any_base() {
        let text =
            "FROM img\nENV APP_DIR=/app\nWORKDIR $APP_DRI\nCOPY --chown=$APP_USER x $APP_DIR/\n";
        let d = diagnostics("CO007", text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].help.as_deref(), Some("Did you mean `APP_DIR`?"));
    }

    #[test]
    fn flags_anything_undefined_on_scratch() {
        let text = "FROM scratch AS a\nENV A=1\nFROM a\nCOPY $A $B /x/\nLABEL arch=$TARGETARCH\n";
        let f = findings("CO007", text);
        assert_eq!(
            f.iter().map(|x| (x.0, x.1.as_str())).collect::<Vec<_>>(),
            [(4, "$B"), (5, "$TARGETARCH")]
        );
    }

    #[test]
    fn runtime_and_unknown_bases_are_clean() {
        let text = "FROM img\nENV PATH=$PATH:/x A=1 B=$A\nRUN echo $UNDEFINED\nCMD echo $X\n\
                    COPY $SOMETHING /x/\nONBUILD COPY $LATER /y/\nCOPY \\$NOT_A_VAR /z/\n";
        assert_eq!(lines("CO007", text), [] as [u32; 0]);
    }
}
