//! SZ013 `build-tools-in-final-image`: compilers and headers installed in the image that
//! ships, used to build something and never removed.

use crate::declare_rule;
use crate::layers::apt::estimate_install;
use crate::layers::size::human;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{APT_VALUE_OPTIONS, Call, apt_subcommand, as_pip, calls, is_apt};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;

use super::{checked_script, debian_data_applies, later, lineage};

const DOCS: &str = r"Checks for compilers and development packages left in the final image.

## What it does
In the stage that becomes the image and the stages it is built `FROM`, flags an
`apt-get install`, `apk add`, `dnf`/`yum`/`microdnf install` of build tools (`gcc`, `g++`,
`clang`, `make`, `cmake`, `build-essential`, `build-base`, `-dev` and `-devel` packages)
when a RUN of these stages then builds something (`make`, `gcc`, `./configure`,
`pip install`, `npm install`, `gem install`, `cargo build`, `go build`, ...) and the same
RUN does not remove the tools again (`apt-get purge`, `apk del` of the packages or of
their `--virtual` group, `dnf remove`). An image that installs a toolchain and builds
nothing with it (a CI or development image) is not flagged, nor is a last stage named for
tests or development (`test`, `dev`, `ci`, `build`, `debug`, ...). The estimated size is shown
for Debian packages.

## Why is this bad?
Compilers, headers and static libraries are needed to build, not to run: in the image
they add tens to hundreds of megabytes that every host pulls and every scanner reports.
A multi-stage build compiles in one stage and copies only the result into a clean one;
removing the tools in a later RUN does not help, since their layer keeps them.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir psycopg2
```

Use instead:
```dockerfile
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    && rm -rf /var/lib/apt/lists/*
RUN pip wheel --no-cache-dir --wheel-dir /wheels psycopg2

FROM python:3.12-slim
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels psycopg2
```

## References
- [Docker: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [Docker: best practices, don't install unnecessary packages](https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages)
";

declare_rule! {
    /// Compilers and development packages left in the final image.
    pub struct BuildToolsInFinalImage;
    code: "SZ013",
    name: "build-tools-in-final-image",
    category: Size,
    severity: Info,
    fix: None,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// Options of `apk` that take a separate value.
const APK_VALUE_OPTIONS: &[&str] = &[
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "-t",
    "--virtual",
];

/// Options of `dnf`/`yum` that take a separate value.
const DNF_VALUE_OPTIONS: &[&str] = &["-x", "--exclude", "--setopt", "--releasever", "-c"];

/// Whether a package (as written, `gcc=4:12.2`, `gcc-12`) is a build tool.
fn toolchain_package(word: &str) -> bool {
    let name = word.split(['=', ':']).next().unwrap_or(word);
    let name = name
        .split('>')
        .next()
        .unwrap_or(name)
        .split('<')
        .next()
        .unwrap_or(name);
    matches!(
        name,
        "build-essential"
            | "build-base"
            | "gcc"
            | "g++"
            | "gcc-c++"
            | "clang"
            | "make"
            | "cmake"
            | "autoconf"
            | "automake"
            | "libtool"
    ) || (name.starts_with("gcc-") || name.starts_with("g++-") || name.starts_with("clang-"))
        && name[name.find('-').unwrap_or(0) + 1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        || (name.ends_with("-dev") || name.ends_with("-devel")) && !name.starts_with('-')
}

/// An install of packages: the manager, the package words, and what removes them.
struct Install<'c> {
    manager: &'static str,
    packages: Vec<&'c Word>,
    /// `apk add --virtual name`: `apk del name` removes them all.
    group: Option<&'c str>,
    no_recommends: bool,
}

fn install<'c>(call: &'c Call<'_>) -> Option<Install<'c>> {
    if is_apt(&call.name) {
        if apt_subcommand(call) != Some("install") {
            return None;
        }
        let packages = call
            .operands(APT_VALUE_OPTIONS)
            .into_iter()
            .skip(1)
            .collect();
        return Some(Install {
            manager: "apt",
            packages,
            group: None,
            no_recommends: call
                .arg_values()
                .any(|a| a == "--no-install-recommends" || a.contains("Install-Recommends=false")),
        });
    }
    match &*call.name {
        "apk" => {
            call.subcommand_in(APK_VALUE_OPTIONS, &["add"])?;
            Some(Install {
                manager: "apk",
                packages: call
                    .operands(APK_VALUE_OPTIONS)
                    .into_iter()
                    .skip(1)
                    .collect(),
                group: call.option_values(&["-t", "--virtual"]).first().copied(),
                no_recommends: true,
            })
        }
        "dnf" | "yum" | "microdnf" | "tdnf" => {
            call.subcommand_in(DNF_VALUE_OPTIONS, &["install"])?;
            Some(Install {
                manager: "dnf",
                packages: call
                    .operands(DNF_VALUE_OPTIONS)
                    .into_iter()
                    .skip(1)
                    .collect(),
                group: None,
                no_recommends: true,
            })
        }
        _ => None,
    }
}

/// Whether `call` removes `package` (or its `group`), or removes packages named by a
/// variable (`apt-get purge -y $buildDeps`), or auto-removes after `apt-mark auto`.
fn removes_package(
    call: &Call<'_>,
    manager: &str,
    package: &str,
    group: Option<&str>,
    marked_auto: bool,
) -> bool {
    let names = |opts: &[&str]| -> Vec<String> {
        call.operands(opts)
            .into_iter()
            .skip(1)
            .map(|w| w.value.clone())
            .collect()
    };
    let named = |names: &[String]| {
        names
            .iter()
            .any(|n| n == package || n.contains('$') || group.is_some_and(|g| n == g))
    };
    match manager {
        "apt" if is_apt(&call.name) => match apt_subcommand(call) {
            Some("purge" | "remove") => {
                named(&names(APT_VALUE_OPTIONS))
                    || marked_auto && call.has_option(&["--auto-remove", "--autoremove"])
            }
            Some("autoremove") => marked_auto,
            _ => false,
        },
        "apk" if call.name == "apk" => call
            .subcommand_in(APK_VALUE_OPTIONS, &["del"])
            .is_some_and(|_| named(&names(APK_VALUE_OPTIONS))),
        "dnf" if matches!(&*call.name, "dnf" | "yum" | "microdnf" | "tdnf") => {
            let sub = call.subcommand_value(DNF_VALUE_OPTIONS);
            matches!(sub, Some("remove" | "erase" | "autoremove"))
                && named(&names(DNF_VALUE_OPTIONS))
                || sub == Some("history")
        }
        _ => false,
    }
}

/// Whether a call builds something, for which the tools are needed.
fn builds(call: &Call<'_>) -> bool {
    let sub = call.subcommand_value(&[]);
    match &*call.name {
        "make"
        | "cmake"
        | "gcc"
        | "g++"
        | "cc"
        | "c++"
        | "clang"
        | "ninja"
        | "meson"
        | "node-gyp"
        | "pecl"
        | "docker-php-ext-install"
        | "cpanm"
        | "phpize"
        | "Rscript" => true,
        name if name.ends_with("configure") => true,
        "npm" | "pnpm" => matches!(sub, Some("install" | "i" | "ci" | "rebuild")),
        "yarn" => matches!(sub, None | Some("install")),
        "gem" => sub == Some("install"),
        "bundle" | "bundler" => matches!(sub, None | Some("install")),
        "cargo" => matches!(sub, Some("build" | "install")),
        "go" => matches!(sub, Some("build" | "install")),
        "python" | "python3" => {
            as_pip(call).is_some_and(|p| p.subcommand_value(&[]) == Some("install"))
                || call.arg_values().any(|a| a == "setup.py")
        }
        _ => as_pip(call).is_some_and(|p| p.subcommand_value(&[]) == Some("install")),
    }
}

/// The first call after the install (in its RUN, then in the later RUNs of the stages)
/// that builds something.
fn build_after<'f>(
    runs: &[&'f Instruction],
    at: usize,
    index: usize,
) -> Option<(&'f Instruction, crate::text::TextRange)> {
    runs[at..].iter().enumerate().find_map(|(n, run)| {
        let script = run.script()?;
        calls(script)
            .iter()
            .find(|c| (n > 0 || c.index > index) && builds(c))
            .map(|c| (*run, c.span()))
    })
}

impl Rule for BuildToolsInFinalImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        let file = ctx.file;
        let Some(target) = ctx.analysis().final_stage else {
            return;
        };
        // A last stage named for tests or development is not an image that ships.
        let purpose = file
            .stages
            .get(target)
            .and_then(|s| s.name.as_ref())
            .map(|n| n.value.to_ascii_lowercase())
            .unwrap_or_default();
        if purpose.split(['-', '_', '.']).any(|w| {
            matches!(
                w,
                "test"
                    | "tests"
                    | "testing"
                    | "dev"
                    | "devel"
                    | "development"
                    | "ci"
                    | "build"
                    | "builder"
                    | "debug"
                    | "lint"
            )
        }) {
            return;
        }
        let mut stages = lineage(file, target);
        stages.reverse();
        let runs: Vec<&Instruction> = stages
            .iter()
            .filter_map(|s| file.stages.get(*s))
            .flat_map(|s| file.stage_instructions(s))
            .filter(|i| i.kind == InstructionKind::Run && checked_script(i, file).is_some())
            .collect();
        for (at, run) in runs.iter().enumerate() {
            let Some(script) = run.script() else { continue };
            let calls = calls(script);
            let marked_auto = calls
                .iter()
                .any(|c| c.name == "apt-mark" && c.subcommand_value(&[]) == Some("auto"));
            for call in calls {
                let Some(install) = install(call) else {
                    continue;
                };
                let kept: Vec<&Word> = install
                    .packages
                    .iter()
                    .copied()
                    .filter(|w| toolchain_package(&w.value))
                    .filter(|w| {
                        !later(calls, call.index, |c| {
                            removes_package(
                                c,
                                install.manager,
                                &w.value,
                                install.group,
                                marked_auto,
                            )
                        })
                    })
                    .collect();
                let Some(first) = kept.first() else { continue };
                let Some((built_in, built)) = build_after(&runs, at, call.index) else {
                    continue;
                };
                let names: Vec<&str> = kept.iter().map(|w| w.value.as_str()).collect();
                let size = (install.manager == "apt" && debian_data_applies(file, run))
                    .then(|| estimate_install(&names, install.no_recommends))
                    .filter(|e| !e.size.is_unknown() && e.unknown.is_empty())
                    .map(|e| format!(" (about {})", human(e.size.high)))
                    .unwrap_or_default();
                let shown: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let message = format!(
                    "{}{size} {} installed in the final image and not removed in this RUN",
                    shown.join(", "),
                    if kept.len() == 1 { "is" } else { "are" }
                );
                let range = first
                    .range
                    .cover(kept.last().map_or(first.range, |w| w.range));
                let related = if std::ptr::eq(built_in, *run) {
                    "used to build here".to_owned()
                } else {
                    format!("used to build on line {}", built_in.start_line)
                };
                ctx.report(&Self::META, range, message)
                    .with_help(
                        "Build in a separate stage and copy only the result into the final one",
                    )
                    .with_related(built, related);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics, findings, lines};

    const CODE: &str = "SZ013";

    #[test]
    fn toolchain_used_and_kept_is_flagged() {
        let text =
            "FROM alpine\nRUN apk add --no-cache gcc musl-dev\nCOPY . /src\nRUN make -C /src\n";
        assert_eq!(
            findings(CODE, text),
            [(
                2,
                "gcc musl-dev".to_owned(),
                "`gcc`, `musl-dev` are installed in the final image and not removed in this RUN"
                    .to_owned()
            )]
        );
        let d = diagnostics(CODE, text);
        assert_eq!(d[0].related[0].range.slice(text), "make -C /src");
        assert_eq!(d[0].related[0].message, "used to build on line 4");
    }

    #[test]
    fn shapes() {
        assert_eq!(
            lines(
                CODE,
                "FROM debian AS base\nRUN apt-get install -y build-essential python3-dev\nFROM base\nRUN pip install numpy\n"
            ),
            [2]
        );
        assert_eq!(
            lines(
                CODE,
                "FROM fedora\nRUN dnf install -y gcc-c++ && ./configure && make\n"
            ),
            [2]
        );
        // Removed in a later RUN: the layer keeps them.
        assert_eq!(
            lines(
                CODE,
                "FROM debian\nRUN apt-get install -y gcc && gcc x.c\nRUN apt-get purge -y gcc\n"
            ),
            [2]
        );
    }

    #[test]
    fn removed_unused_or_built_elsewhere_is_clean() {
        for text in [
            "FROM alpine\nRUN apk add --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n",
            "FROM debian\nRUN apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc\n",
            "FROM debian\nRUN apt-get install -y $buildDeps gcc && make && apt-get purge -y $buildDeps\n",
            "FROM debian\nRUN apt-mark auto '.*'; apt-get install -y gcc && make; apt-mark auto '.*' && apt-get purge -y --auto-remove\n",
            "FROM debian\nRUN apt-get install -y build-essential cmake git\n",
            "FROM debian AS build\nRUN apt-get install -y gcc && make\nFROM debian\nCOPY --from=build /out /out\n",
            "FROM debian\nRUN apt-get install -y curl libpq5 && pip install x\n",
            "FROM debian\nRUN make\nRUN apt-get install -y gcc\n",
            "FROM debian AS unit-test\nRUN apt-get install -y gcc && make\n",
        ] {
            assert_eq!(lines(CODE, text), [] as [u32; 0], "{text}");
        }
    }
}
