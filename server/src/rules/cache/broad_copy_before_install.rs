//! CA001 `broad-copy-before-install`: a COPY of the whole project before the RUN that
//! installs its dependencies.

use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::layers::analysis::copy_sources;
use crate::model::{Instruction, InstructionKind};
use crate::rules::common::{
    self, Call, base_name, calls_with_inline, join_dir, line_start, posix_script, sequences,
    whole_lines,
};
use crate::rules::{Context, Rule, RuleMeta};
use crate::shell::Word;
use crate::text::TextRange;

const DOCS: &str = r#"Checks for a COPY of the whole project placed before the RUN that installs its dependencies.

## What it does
Flags a RUN that installs a project's dependencies (`pip install -r`, `poetry install`,
`uv sync`, `npm ci`, `yarn install`, `pnpm install`, `go mod download`, `go build`,
`bundle install`, `composer install`, `cargo build`, `mvn package`, `gradle build`,
`dotnet restore`, `mix deps.get`, ...) when an earlier COPY or ADD of the same stage
copies a broad source: `.`, `*`, or a directory (`src/`, `app`). It is not flagged when
an install of the same ecosystem already ran before that COPY, which is the layout this
rule asks for.

A source counts as a directory when it ends in `/` or its last part has no extension
(`app`, `src`); well-known files without one (`Makefile`, `Gemfile`, `LICENSE`) and
dependency manifests (`requirements/`, `.yarn/`) are not broad.

## Why is this bad?
A COPY layer is rebuilt whenever any copied file changes, and so is every layer after
it. With the whole project copied first, editing one source file re-runs the dependency
install, often the slowest step of the build, although the dependencies did not change.

Copy the dependency manifests alone first (`requirements.txt`, `package.json` and its
lock file, `go.mod` and `go.sum`, ...), install, then copy the rest: the install layer is
then reused until the manifests change.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci
CMD ["node", "server.js"]
```

Use instead:
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
CMD ["node", "server.js"]
```

## Fix safety
The fix inserts, before the broad COPY, a COPY of the manifests the ecosystem usually
has, into the same destination, then either moves the install RUN up (when it needs
nothing but the manifests) or adds a RUN that installs the dependencies alone
(`go mod download`, `poetry install --no-root`). It is display-only: the manifest names
are a guess (a monorepo keeps them elsewhere, a `postinstall` script may need sources).
No fix is offered when a `WORKDIR`, `ENV`, `USER` or RUN between the COPY and the install
would change how the install runs, nor for Cargo and Gradle, which need more than the
manifests to resolve dependencies.

## References
- [Docker: optimize cache usage, order your layers](https://docs.docker.com/build/cache/optimize/#order-your-layers)
- [Docker: build cache invalidation](https://docs.docker.com/build/cache/invalidation/)
"#;

declare_rule! {
    /// A COPY of the whole project before the RUN that installs its dependencies.
    pub struct BroadCopyBeforeInstall;
    code: "CA001",
    name: "broad-copy-before-install",
    category: Cache,
    severity: Warning,
    fix: Sometimes,
    since: "0.1.0",
    upstream: None,
    docs: DOCS,
}

/// A dependency ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eco {
    Python,
    Conda,
    Node,
    Go,
    Ruby,
    Php,
    Rust,
    Maven,
    Gradle,
    Dotnet,
    Elixir,
}

impl Eco {
    /// What to do instead, imperative.
    fn help(self) -> &'static str {
        match self {
            Self::Python => {
                "Copy only the requirement files (`requirements*.txt`, or `pyproject.toml` with \
                 its lock file) first, install, then copy the rest"
            }
            Self::Conda => {
                "Copy only the environment file first, create the environment, then copy the rest"
            }
            Self::Node => {
                "Copy only `package.json` and the lock file first, install, then copy the rest"
            }
            Self::Go => {
                "Copy only `go.mod` and `go.sum` first and run `go mod download`, then copy the rest"
            }
            Self::Ruby => {
                "Copy only `Gemfile` and `Gemfile.lock` first, run `bundle install`, then copy the rest"
            }
            Self::Php => {
                "Copy only `composer.json` and `composer.lock` first, run `composer install \
                 --no-scripts --no-autoloader`, then copy the rest"
            }
            Self::Rust => {
                "Build the dependencies from `Cargo.toml` and `Cargo.lock` alone first (with \
                 cargo-chef, or a placeholder `src/main.rs`), then copy the sources"
            }
            Self::Maven => {
                "Copy only `pom.xml` first and run `mvn dependency:go-offline`, then copy the sources"
            }
            Self::Gradle => {
                "Copy only the build scripts (`build.gradle*`, `settings.gradle*`, `gradle/`) \
                 first and resolve the dependencies, then copy the sources"
            }
            Self::Dotnet => {
                "Copy only the project files (`*.csproj`) first and run `dotnet restore`, then \
                 copy the rest"
            }
            Self::Elixir => {
                "Copy only `mix.exs` and `mix.lock` first and run `mix deps.get`, then copy the rest"
            }
        }
    }
}

/// A call that installs the dependencies of the project.
#[derive(Debug)]
struct Install {
    eco: Eco,
    /// What to copy first, relative to the broad COPY's source; a trailing `/` marks a
    /// directory. Empty when unknown.
    manifests: Vec<String>,
    /// A command that installs the dependencies from the manifests alone.
    prefetch: Option<String>,
    /// Whether the call itself needs nothing but the manifests.
    pure: bool,
}

/// The manifest files of each ecosystem, matched against a COPY source's last part.
fn manifest_eco(source: &str) -> Option<Eco> {
    let name = base_name(source.trim_end_matches('/'));
    let lower = name.to_ascii_lowercase();
    let eco = match lower.as_str() {
        "pyproject.toml" | "poetry.lock" | "uv.lock" | "pipfile" | "pipfile.lock" | "setup.py"
        | "setup.cfg" | "pdm.lock" => Eco::Python,
        "environment.yml" | "environment.yaml" | "conda-lock.yml" => Eco::Conda,
        "package.json"
        | "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | ".yarnrc"
        | ".yarnrc.yml"
        | ".yarn"
        | "pnpm-lock.yaml"
        | "pnpm-workspace.yaml"
        | ".npmrc"
        | "bun.lockb"
        | "bun.lock"
        | ".pnpmfile.cjs"
        // Read by install scripts: `prisma generate`, `patch-package`.
        | "prisma"
        | "patches" => Eco::Node,
        "go.mod" | "go.sum" | "go.work" | "go.work.sum" => Eco::Go,
        "gemfile" | "gemfile.lock" | ".ruby-version" => Eco::Ruby,
        "composer.json" | "composer.lock" | "auth.json" => Eco::Php,
        "cargo.toml" | "cargo.lock" | "rust-toolchain" | "rust-toolchain.toml" => Eco::Rust,
        "pom.xml" | "mvnw" | ".mvn" => Eco::Maven,
        "build.gradle"
        | "build.gradle.kts"
        | "settings.gradle"
        | "settings.gradle.kts"
        | "gradle.properties"
        | "gradlew"
        | "gradle"
        | "libs.versions.toml" => Eco::Gradle,
        "nuget.config" | "directory.build.props" | "directory.packages.props" | "global.json" => {
            Eco::Dotnet
        }
        "mix.exs" | "mix.lock" => Eco::Elixir,
        _ => {
            let ext = extension(&lower);
            if lower.starts_with("requirements") || lower.starts_with("constraints") {
                Eco::Python
            } else if lower.starts_with("package") && ext == "json" {
                Eco::Node
            } else if ext == "gemspec" {
                Eco::Ruby
            } else if is_dotnet_project(&lower) {
                Eco::Dotnet
            } else {
                return None;
            }
        }
    };
    Some(eco)
}

/// The extension of a file name, without the dot; empty when there is none.
fn extension(name: &str) -> &str {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
}

/// Whether a file is a .NET project or solution.
fn is_dotnet_project(name: &str) -> bool {
    matches!(
        extension(name).to_ascii_lowercase().as_str(),
        "csproj" | "fsproj" | "vbproj" | "sln" | "slnx"
    )
}

/// Files commonly written without an extension.
const EXTENSIONLESS_FILES: &[&str] = &[
    "makefile",
    "gnumakefile",
    "dockerfile",
    "containerfile",
    "license",
    "licence",
    "copying",
    "notice",
    "readme",
    "authors",
    "changelog",
    "contributors",
    "version",
    "procfile",
    "rakefile",
    "jenkinsfile",
    "vagrantfile",
    "brewfile",
    "caddyfile",
    "justfile",
    "taskfile",
    "snakefile",
    "berksfile",
    "podfile",
];

/// Whether a COPY source is broad: the whole context, a glob of everything, or a
/// directory. A source copied into a `bin` directory is a program, not a directory.
fn is_broad(source: &str, dest: &str) -> bool {
    if source.contains('$') || source.contains("://") || manifest_eco(source).is_some() {
        return false;
    }
    let dest_dir = dest.trim_end_matches('/');
    if dest_dir.ends_with("/bin") || dest_dir.ends_with("/sbin") || dest_dir == "bin" {
        return false;
    }
    let trimmed = source.trim_start_matches("./");
    if matches!(trimmed, "" | "." | "*" | "**") || source.ends_with('/') {
        return true;
    }
    if source.ends_with("/*") || source.ends_with("/**") || source.ends_with("/.") {
        return true;
    }
    let name = base_name(source);
    if name.starts_with('.') || name.contains(['*', '?', '[']) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if EXTENSIONLESS_FILES.contains(&lower.as_str())
        || name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c == '-')
    {
        return false;
    }
    !name.contains('.')
}

/// The call as a call of `pip` with the arguments after `pip` (`python -m pip install`
/// → `pip install`, `uv pip install` → `pip install`).
fn as_pip<'c>(call: &'c Call<'_>) -> Option<Call<'c>> {
    common::as_pip(call).or_else(|| {
        let args: &[Word] = &call.args;
        (call.name == "uv" && args.first()?.value == "pip")
            .then(|| call.as_program("pip", &args[1..]))
    })
}

const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--src",
    "--python-version",
    "--platform",
    "--progress-bar",
    "--timeout",
    "--retries",
    "--cache-dir",
    "--log",
    "--proxy",
    "--upgrade-strategy",
    "--only-binary",
    "--no-binary",
    "--implementation",
    "--abi",
    "-C",
    "--config-settings",
    "--python",
];

const NPM_VALUE_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--cwd",
    "-w",
    "--workspace",
    "--registry",
    "--loglevel",
    "--cache",
    "--omit",
    "--include",
    "--network-timeout",
    "--mutex",
    "--modules-folder",
    "--filter",
    "-F",
];

/// Whether a pip operand is the local project (`.`, `./pkg`, `/app`), not a package name
/// or an archive.
fn local_project(operand: &str) -> bool {
    let path = operand.split('[').next().unwrap_or(operand);
    path == "."
        || path == ".."
        || path.starts_with("./")
        || path.starts_with("../")
        || (path.starts_with('/') && !base_name(path).contains(['.', '*']))
}

/// The source text of a call, for a prefetch command.
fn call_text<'a>(ctx: &'a Context<'_>, call: &Call<'_>) -> &'a str {
    call.span().slice(ctx.source)
}

/// The dependency install a call makes, if any.
fn classify(ctx: &Context<'_>, call: &Call<'_>) -> Option<Install> {
    let text = || call_text(ctx, call).to_owned();
    let make = |eco, manifests: &[&str], prefetch: Option<String>, pure| Install {
        eco,
        manifests: manifests.iter().map(|m| (*m).to_owned()).collect(),
        prefetch,
        pure,
    };
    if let Some(pip) = as_pip(call) {
        let operands = pip.operands(PIP_VALUE_OPTIONS);
        let sub = operands.first()?.value.as_str();
        if sub == "sync" {
            // `uv pip sync requirements.txt`
            let files: Vec<String> = operands[1..].iter().map(|w| w.value.clone()).collect();
            return (!files.is_empty()).then(|| Install {
                eco: Eco::Python,
                manifests: files,
                prefetch: Some(text()),
                pure: true,
            });
        }
        if sub != "install" {
            return None;
        }
        let mut files: Vec<String> = pip
            .option_values(&["-r", "--requirement", "-c", "--constraint"])
            .into_iter()
            .map(str::to_owned)
            .collect();
        let project = operands[1..].iter().any(|w| local_project(&w.value))
            || !pip.option_values(&["-e", "--editable"]).is_empty();
        if files.is_empty() && !project {
            return None;
        }
        files.dedup();
        return Some(Install {
            eco: Eco::Python,
            prefetch: (!project).then(text),
            manifests: files,
            pure: !project,
        });
    }
    let sub = call.subcommand_value(NPM_VALUE_OPTIONS);
    let operands = call.operands(NPM_VALUE_OPTIONS);
    let no_packages = operands.len() <= 1;
    let with = |flag: &str| {
        let t = text();
        if call.has_option(&[flag]) {
            t
        } else {
            format!("{t} {flag}")
        }
    };
    match &*call.name {
        "poetry" if sub == Some("install") => Some(make(
            Eco::Python,
            &["pyproject.toml", "poetry.lock"],
            Some(with("--no-root")),
            call.has_option(&["--no-root"]),
        )),
        "uv" if sub == Some("sync") => {
            let pure = call.has_option(&["--no-install-project", "--no-install-workspace"]);
            Some(make(
                Eco::Python,
                &["pyproject.toml", "uv.lock"],
                Some(if pure {
                    text()
                } else {
                    with("--no-install-project")
                }),
                pure,
            ))
        }
        "pipenv" if matches!(sub, Some("install" | "sync")) && no_packages => Some(make(
            Eco::Python,
            &["Pipfile", "Pipfile.lock"],
            Some(text()),
            true,
        )),
        "pdm" if matches!(sub, Some("install" | "sync")) && no_packages => Some(make(
            Eco::Python,
            &["pyproject.toml", "pdm.lock"],
            Some(with("--no-self")),
            call.has_option(&["--no-self"]),
        )),
        "conda" | "mamba" | "micromamba" => {
            let files = call.option_values(&["-f", "--file"]);
            let creates = matches!(sub, Some("env" | "create" | "install" | "update"));
            (creates && !files.is_empty()).then(|| Install {
                eco: Eco::Conda,
                manifests: files.into_iter().map(str::to_owned).collect(),
                prefetch: Some(text()),
                pure: true,
            })
        }
        "npm"
            if (matches!(sub, Some("ci" | "clean-install" | "install-clean"))
                || matches!(sub, Some("install" | "i")) && no_packages)
                && !call.has_option(&["-g", "--global"]) =>
        {
            Some(make(
                Eco::Node,
                &["package.json", "package-lock.json*"],
                Some(text()),
                true,
            ))
        }
        "yarn"
            if (sub.is_none() || sub == Some("install"))
                && !call.has_option(&["--version", "-v"]) =>
        {
            Some(make(
                Eco::Node,
                &["package.json", "yarn.lock"],
                Some(text()),
                true,
            ))
        }
        "pnpm" if matches!(sub, Some("install" | "i")) && no_packages => Some(make(
            Eco::Node,
            &["package.json", "pnpm-lock.yaml"],
            Some(text()),
            true,
        )),
        "pnpm" if sub == Some("fetch") => {
            Some(make(Eco::Node, &["pnpm-lock.yaml"], Some(text()), true))
        }
        "bun" if matches!(sub, Some("install" | "i")) && no_packages => Some(make(
            Eco::Node,
            &["package.json", "bun.lock*"],
            Some(text()),
            true,
        )),
        "go" => classify_go(call, &text),
        "bundle" | "bundler" if sub.is_none() || sub == Some("install") => Some(make(
            Eco::Ruby,
            &["Gemfile", "Gemfile.lock"],
            Some(text()),
            true,
        )),
        "composer" | "composer.phar" if matches!(sub, Some("install" | "update")) => {
            let pure = call.has_option(&["--no-scripts"]);
            let mut prefetch = text();
            for flag in ["--no-scripts", "--no-autoloader"] {
                if !call.has_option(&[flag]) {
                    prefetch = format!("{prefetch} {flag}");
                }
            }
            Some(make(
                Eco::Php,
                &["composer.json", "composer.lock"],
                Some(prefetch),
                pure,
            ))
        }
        "cargo" => {
            let project = matches!(sub, Some("build" | "fetch" | "test" | "vendor"))
                || sub == Some("install") && call.has_option(&["--path"]);
            project.then(|| make(Eco::Rust, &["Cargo.toml", "Cargo.lock"], None, false))
        }
        "mvn" | "mvnw" => classify_maven(call),
        "gradle" | "gradlew" => classify_gradle(call),
        "dotnet" => classify_dotnet(call),
        "mix" => match sub {
            Some("deps.get" | "deps.compile") => Some(make(
                Eco::Elixir,
                &["mix.exs", "mix.lock"],
                Some(text()),
                true,
            )),
            Some("compile" | "release") => Some(make(
                Eco::Elixir,
                &["mix.exs", "mix.lock"],
                Some("mix deps.get".to_owned()),
                false,
            )),
            _ => None,
        },
        _ => None,
    }
}

fn classify_go(call: &Call<'_>, text: &dyn Fn() -> String) -> Option<Install> {
    const GO_VALUE_OPTIONS: &[&str] = &[
        "-o",
        "-tags",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-mod",
        "-p",
        "-pkgdir",
        "-buildmode",
        "-compiler",
        "-installsuffix",
        "-modfile",
        "-overlay",
        "-exec",
        "-run",
        "-timeout",
        "-coverprofile",
        "-covermode",
        "-C",
    ];
    // GOPATH mode has no `go.mod` to copy first.
    if call.env_value("GO111MODULE") == Some("off") {
        return None;
    }
    let operands = call.operands(GO_VALUE_OPTIONS);
    let sub = operands.first()?.value.as_str();
    let manifests = vec!["go.mod".to_owned(), "go.sum".to_owned()];
    match sub {
        "mod" if operands.get(1).is_some_and(|w| w.value == "download") => Some(Install {
            eco: Eco::Go,
            manifests,
            prefetch: Some(text()),
            pure: true,
        }),
        "build" | "install" | "get" | "test" | "vet" | "generate" => {
            // `go install tool@v1` installs a tool, not the project.
            if operands[1..].iter().any(|w| w.value.contains('@')) {
                return None;
            }
            if sub == "get" && !operands[1..].iter().any(|w| w.value.starts_with('.')) {
                return None;
            }
            Some(Install {
                eco: Eco::Go,
                manifests,
                prefetch: Some("go mod download".to_owned()),
                pure: false,
            })
        }
        _ => None,
    }
}

fn classify_maven(call: &Call<'_>) -> Option<Install> {
    const MVN_VALUE_OPTIONS: &[&str] = &[
        "-f",
        "--file",
        "-s",
        "--settings",
        "-gs",
        "--global-settings",
        "-P",
        "--activate-profiles",
        "-pl",
        "--projects",
        "-T",
        "--threads",
        "-t",
        "--toolchains",
        "-l",
        "--log-file",
        "-rf",
        "--resume-from",
        "-D",
        "--define",
    ];
    let goals: Vec<&str> = call
        .operands(MVN_VALUE_OPTIONS)
        .iter()
        .map(|w| w.value.as_str())
        .collect();
    let fetches = |g: &&str| {
        g.starts_with("dependency:")
            || g.ends_with(":go-offline")
            || g.ends_with(":resolve-dependencies")
    };
    let builds = |g: &&str| matches!(*g, "package" | "install" | "verify" | "compile" | "deploy");
    if !goals.iter().any(|g| fetches(g) || builds(g)) {
        return None;
    }
    let pure = goals.iter().all(|g| fetches(g) || *g == "clean");
    let wrapper = call.name == "mvnw";
    let program = call.program.value.as_str();
    let manifests: &[&str] = if wrapper {
        &["pom.xml", "mvnw", ".mvn/"]
    } else {
        &["pom.xml"]
    };
    Some(Install {
        eco: Eco::Maven,
        manifests: manifests.iter().map(|m| (*m).to_owned()).collect(),
        prefetch: Some(format!("{program} dependency:go-offline")),
        pure,
    })
}

fn classify_gradle(call: &Call<'_>) -> Option<Install> {
    let tasks = call.operands(&[
        "-p",
        "--project-dir",
        "-b",
        "--build-file",
        "-x",
        "--exclude-task",
        "-D",
        "-P",
        "-I",
        "--init-script",
    ]);
    let builds = tasks.iter().any(|w| {
        let task = w.value.rsplit(':').next().unwrap_or(&w.value);
        matches!(
            task,
            "build"
                | "assemble"
                | "bootJar"
                | "bootWar"
                | "jar"
                | "war"
                | "shadowJar"
                | "installDist"
                | "distTar"
                | "distZip"
                | "dependencies"
                | "classes"
                | "compileJava"
                | "compileKotlin"
                | "nativeCompile"
        )
    });
    builds.then(|| Install {
        eco: Eco::Gradle,
        manifests: vec![],
        prefetch: None,
        pure: false,
    })
}

fn classify_dotnet(call: &Call<'_>) -> Option<Install> {
    const DOTNET_VALUE_OPTIONS: &[&str] = &[
        "-c",
        "--configuration",
        "-o",
        "--output",
        "-r",
        "--runtime",
        "-f",
        "--framework",
        "-s",
        "--source",
        "-v",
        "--verbosity",
        "-a",
        "--arch",
        "--os",
        "-p",
        "--property",
        "--version-suffix",
        "--packages",
        "--configfile",
    ];
    let operands = call.operands(DOTNET_VALUE_OPTIONS);
    let sub = operands.first()?.value.as_str();
    let project = operands
        .get(1)
        .map(|w| w.value.as_str())
        .filter(|p| is_dotnet_project(p));
    let manifests = vec![project.map_or_else(|| "*.csproj".to_owned(), str::to_owned)];
    let restore = match project {
        Some(p) => format!("dotnet restore {p}"),
        None => "dotnet restore".to_owned(),
    };
    match sub {
        "restore" => Some(Install {
            eco: Eco::Dotnet,
            manifests,
            prefetch: Some(restore),
            pure: true,
        }),
        "build" | "publish" | "test" | "pack" if !call.has_option(&["--no-restore"]) => {
            Some(Install {
                eco: Eco::Dotnet,
                manifests,
                prefetch: Some(restore),
                pure: false,
            })
        }
        _ => None,
    }
}

/// Maven and Gradle resolve dependencies with any task (`./gradlew downloadRepos`,
/// `mvn -B de.qaware...:resolve`): before the broad COPY, any call of theirs counts as the
/// install.
fn build_tool(call: &Call<'_>) -> Option<Eco> {
    match &*call.name {
        "mvn" | "mvnw" => Some(Eco::Maven),
        "gradle" | "gradlew" => Some(Eco::Gradle),
        _ => None,
    }
}

/// Whether a call may read the project's files (anything but package-manager plumbing,
/// installs of named packages, and shell built-ins): a RUN that does is not moved before
/// the COPY. `install` is what [`classify`] made of the call.
fn reads_project(call: &Call<'_>, install: Option<&Install>) -> bool {
    if let Some(install) = install {
        return !install.pure;
    }
    let sub = call.subcommand_value(NPM_VALUE_OPTIONS);
    match &*call.name {
        "set" | "echo" | "printf" | "true" | ":" | "rm" | "mkdir" | "export" | "unset" | "exit"
        | "sleep" | "test" | "[" | "corepack" | "apt-get" | "apt" | "apk" | "yum" | "dnf"
        | "microdnf" => false,
        // Not a project install (see `classify`): a named package, a global tool, settings.
        "npm" | "yarn" | "pnpm" | "bun" | "pip" | "pip3" | "poetry" | "bundle" | "composer"
        | "gem" | "uv" | "pipx" => !matches!(
            sub,
            Some(
                "config" | "cache" | "env" | "store" | "install" | "i" | "add" | "global" | "self"
            )
        ),
        _ => true,
    }
}

/// The broad COPY the installs are checked against.
struct Broad<'a> {
    ins: &'a Instruction,
    source: String,
    dest: String,
    /// Index in the sequence.
    at: usize,
    /// The WORKDIR in force at the COPY.
    workdir: Option<String>,
}

impl BroadCopyBeforeInstall {
    /// The edits that copy the manifests and install before the broad COPY.
    fn fix(
        ctx: &Context<'_>,
        broad: &Broad<'_>,
        between: &[&Instruction],
        run: &Instruction,
        calls: &[(&Call<'_>, Option<Install>)],
        install: &Install,
        manifests_copied: bool,
    ) -> Option<Vec<Edit>> {
        // Anything between the COPY and the RUN that changes how the RUN runs.
        if between.iter().any(|i| {
            !matches!(
                i.kind,
                InstructionKind::Copy
                    | InstructionKind::Add
                    | InstructionKind::Label
                    | InstructionKind::Expose
            )
        }) {
            return None;
        }
        // The install runs where the COPY put the files, not in a `cd` of its own.
        if calls.iter().any(|(c, _)| c.name == "cd" || c.nested) {
            return None;
        }
        let at = line_start(ctx.source, broad.ins.range.start);
        if !ctx.source[at..broad.ins.range.start].trim().is_empty() {
            return None;
        }
        let mut insert = String::new();
        if !manifests_copied {
            if install.manifests.is_empty() {
                return None;
            }
            insert.push_str(&Self::manifest_copies(ctx, broad, &install.manifests)?);
        }
        let mut edits = Vec::new();
        let movable = install.pure && calls.iter().all(|(c, i)| !reads_project(c, i.as_ref()));
        if movable {
            let lines = whole_lines(ctx.source, run)?;
            insert.push_str(lines.slice(ctx.source));
            if !insert.ends_with('\n') {
                insert.push('\n');
            }
            edits.push(Edit {
                range: TextRange::empty(at),
                content: insert,
            });
            edits.push(Edit {
                range: lines,
                content: String::new(),
            });
        } else {
            let prefetch = install.prefetch.as_ref()?;
            let mut line = vec!["RUN"];
            line.extend(
                run.flags
                    .iter()
                    .filter(|f| {
                        f.name.value != "mount"
                            || f.value_str()
                                .is_some_and(|v| v.contains("cache") || v.contains("secret"))
                    })
                    .map(|f| f.range.slice(ctx.source)),
            );
            line.push(prefetch);
            insert.push_str(&line.join(" "));
            insert.push('\n');
            edits.push(Edit {
                range: TextRange::empty(at),
                content: insert,
            });
        }
        Some(edits)
    }

    /// `COPY` lines for `manifests`, one per directory, with the broad COPY's ownership
    /// flags and destination.
    /// `None` when a manifest is not under the COPY's destination.
    fn manifest_copies(
        ctx: &Context<'_>,
        broad: &Broad<'_>,
        manifests: &[String],
    ) -> Option<String> {
        let flags: Vec<&str> = broad
            .ins
            .flags
            .iter()
            .filter(|f| matches!(f.name.value.as_str(), "chown" | "chmod" | "link"))
            .map(|f| f.range.slice(ctx.source))
            .collect();
        // Where the manifests are and where they go: a COPY into the WORKDIR (where the
        // install runs) holds them at the top of its source; a directory copied elsewhere
        // (`COPY src/ src/`) is part of a project whose manifests are at the top of the
        // context, and they go to the WORKDIR.
        let whole = matches!(broad.source.trim_start_matches("./"), "" | "." | "*" | "**");
        let dest_dir = broad.dest.trim_end_matches('/');
        let into_workdir = matches!(dest_dir, "." | "") && !broad.dest.starts_with('/')
            || join_dir(broad.workdir.as_deref(), &broad.dest)
                .is_some_and(|d| broad.workdir.as_deref() == Some(d.as_str()));
        let (prefix, dest) = if into_workdir {
            let prefix = if whole {
                String::new()
            } else {
                let dir = broad.source.trim_start_matches("./");
                format!(
                    "{}/",
                    dir.trim_end_matches("/*")
                        .trim_end_matches("/.")
                        .trim_end_matches('/')
                )
            };
            let dest = if broad.dest.ends_with('/') {
                broad.dest.clone()
            } else {
                format!("{}/", broad.dest)
            };
            (prefix, dest)
        } else if !whole {
            (String::new(), "./".to_owned())
        } else {
            return None;
        };
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for m in manifests {
            let m = m.trim_start_matches("./");
            let m = m.strip_prefix(&dest).unwrap_or(m);
            if m.starts_with('/') || m.starts_with("../") || m.contains('$') {
                return None;
            }
            let (dir, entry) = if m.ends_with('/') {
                (m.to_owned(), m.trim_end_matches('/').to_owned())
            } else {
                match m.rsplit_once('/') {
                    Some((d, _)) => (format!("{d}/"), m.to_owned()),
                    None => (String::new(), m.to_owned()),
                }
            };
            let source = format!("{prefix}{entry}");
            match groups.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, list)) => list.push(source),
                None => groups.push((dir, vec![source])),
            }
        }
        let mut out = String::new();
        for (dir, sources) in groups {
            let mut line = vec!["COPY".to_owned()];
            line.extend(flags.iter().map(|f| (*f).to_owned()));
            line.extend(sources);
            line.push(format!("{dest}{dir}"));
            out.push_str(&line.join(" "));
            out.push('\n');
        }
        Some(out)
    }
}

impl Rule for BroadCopyBeforeInstall {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn finish(&mut self, ctx: &mut Context<'_>) {
        for seq in sequences(ctx.file) {
            let instructions = &seq.instructions;
            let mut broad: Option<Broad<'_>> = None;
            let mut installed_before: Vec<Eco> = Vec::new();
            let mut manifests_before: Vec<Eco> = Vec::new();
            let mut reported: Vec<Eco> = Vec::new();
            let mut workdir: Option<String> = None;
            for (n, &ins) in instructions.iter().enumerate() {
                match ins.kind {
                    InstructionKind::Workdir => {
                        if let Some(w) = ins.words().first() {
                            workdir = join_dir(workdir.as_deref(), &w.value);
                        }
                    }
                    InstructionKind::Copy | InstructionKind::Add
                        if broad.is_none() && ins.flag("from").is_none() =>
                    {
                        let (sources, dest) = copy_sources(ins);
                        let Some(dest) = dest else { continue };
                        if let Some(source) = sources.iter().find(|s| is_broad(s, &dest)) {
                            broad = Some(Broad {
                                ins,
                                source: source.clone(),
                                dest,
                                at: n,
                                workdir: workdir.clone(),
                            });
                        } else {
                            manifests_before.extend(sources.iter().filter_map(|s| manifest_eco(s)));
                        }
                    }
                    InstructionKind::Run => {
                        let Some(script) = posix_script(ctx.file, ins) else {
                            continue;
                        };
                        let calls: Vec<(&Call<'_>, Option<Install>)> = calls_with_inline(script)
                            .iter()
                            .map(|c| {
                                let i = classify(ctx, c);
                                (c, i)
                            })
                            .collect();
                        let Some(b) = &broad else {
                            installed_before.extend(calls.iter().filter_map(|(c, i)| {
                                i.as_ref().map(|i| i.eco).or_else(|| build_tool(c))
                            }));
                            continue;
                        };
                        let Some((call, install)) = calls.iter().find_map(|(c, i)| {
                            i.as_ref()
                                .filter(|i| {
                                    !installed_before.contains(&i.eco) && !reported.contains(&i.eco)
                                })
                                .map(|i| (c, i))
                        }) else {
                            continue;
                        };
                        reported.push(install.eco);
                        let copy = format!("{} {} {}", b.ins.kind.as_str(), b.source, b.dest);
                        let message = format!(
                            "`{}` runs after `{copy}` (line {}): any change to the copied files \
                             re-runs the install",
                            call.display(3),
                            b.ins.start_line
                        );
                        let manifests_copied = manifests_before.contains(&install.eco);
                        let help = if manifests_copied {
                            format!(
                                "Install before `{copy}` on line {}: the manifests are already \
                                 copied before it",
                                b.ins.start_line
                            )
                        } else {
                            install.eco.help().to_owned()
                        };
                        let fix = if seq.onbuild {
                            None
                        } else {
                            Self::fix(
                                ctx,
                                b,
                                &instructions[b.at + 1..n],
                                ins,
                                &calls,
                                install,
                                manifests_copied,
                            )
                        };
                        let diagnostic = ctx
                            .report(&Self::META, call.span(), message)
                            .with_help(help);
                        if let Some(edits) = fix {
                            diagnostic.set_fix(Fix {
                                applicability: Applicability::DisplayOnly,
                                edits,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_broad;
    use crate::rules::test_support::{diagnostics, findings, fixed, fixed_and_clean, lines};

    #[test]
    fn broad_sources() {
        for s in [
            ".", "./", "*", "./*", "src/", "app", "src/*", "./app/.", "lib/**",
        ] {
            assert!(is_broad(s, "/app/"), "{s}");
        }
        for s in [
            "package.json",
            "requirements.txt",
            "requirements/",
            ".yarn/",
            "Makefile",
            "LICENSE",
            "go.sum",
            "*.csproj",
            "main.py",
            ".npmrc",
            "$SRC",
            "https://e.com/x",
            "*.py",
            "Gemfile",
            "VERSION",
            "bin/entrypoint.sh",
        ] {
            assert!(!is_broad(s, "/app/"), "{s}");
        }
        assert!(!is_broad("scripts/gimme", "/usr/local/bin/"));
        assert!(!is_broad("prisma", "."));
    }

    #[test]
    fn flags_installs_after_a_broad_copy() {
        let text = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n";
        let f = findings("CA001", text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, 4);
        assert_eq!(f[0].1, "pip install --no-cache-dir -r requirements.txt");
        assert_eq!(
            f[0].2,
            "`pip install --no-cache-dir -r ...` runs after `COPY . .` (line 3): any change to \
             the copied files re-runs the install"
        );
        assert_eq!(
            fixed_and_clean("CA001", text),
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\n\
             RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
        );
    }

    #[test]
    fn manifests_first_is_clean() {
        let text = "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n\
                    COPY . .\nRUN npm run build && npm install\n\
                    FROM golang:1.23\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n\
                    FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n\
                    COPY src/ src/\nRUN pip install --no-deps -e .\n";
        assert_eq!(lines("CA001", text), [] as [u32; 0]);
    }

    #[test]
    fn tools_and_named_packages_are_not_project_installs() {
        let text = "FROM node:22\nCOPY . .\nRUN npm install -g pnpm && pip install flask==3.0 \
                    && go install golang.org/x/tools/cmd/goimports@latest && yarn build \
                    && cargo install ripgrep && npm run build && make\n\
                    COPY --from=build /src /src\n";
        assert_eq!(lines("CA001", text), [] as [u32; 0]);
    }

    #[test]
    fn one_finding_per_ecosystem_and_stage() {
        let text = "FROM golang:1.23\nCOPY . /src\nWORKDIR /src\nRUN go mod download\nRUN go build ./cmd/app\n\
                    RUN --mount=type=cache,target=/root/.npm cd web && npm ci\n\
                    FROM golang:1.23\nCOPY cmd/ cmd/\nRUN CGO_ENABLED=0 go build ./cmd/x\n";
        let f = findings("CA001", text);
        let at: Vec<(u32, &str)> = f.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            at,
            [
                (4, "go mod download"),
                (6, "npm ci"),
                (9, "go build ./cmd/x")
            ]
        );
        // WORKDIR between the COPY and the install: no fix.
        assert!(diagnostics("CA001", text)[0].fix.is_none());
        // `cd` before the install: no fix.
        assert!(diagnostics("CA001", text)[1].fix.is_none());
    }

    #[test]
    fn fix_adds_a_prefetch_when_the_install_needs_the_sources() {
        let text = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY --chown=app . .\n\
                    RUN --mount=type=cache,target=/go/pkg/mod go build -o /out/app .\n";
        assert_eq!(
            fixed_and_clean("CA001", text),
            "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY --chown=app go.mod go.sum ./\n\
             RUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY --chown=app . .\n\
             RUN --mount=type=cache,target=/go/pkg/mod go build -o /out/app .\n"
        );
        let poetry = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --only main\n";
        assert_eq!(
            fixed_and_clean("CA001", poetry),
            "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\n\
             RUN poetry install --only main --no-root\nCOPY . .\nRUN poetry install --only main\n"
        );
    }

    #[test]
    fn fix_moves_the_install_when_manifests_were_copied() {
        let text = "FROM node:22\nWORKDIR /app\nCOPY package.json yarn.lock ./\nCOPY . .\n\
                    # deps\nRUN yarn install --frozen-lockfile\nRUN yarn build\n";
        let d = diagnostics("CA001", text);
        assert_eq!(
            d[0].help.as_deref(),
            Some("Install before `COPY . .` on line 4: the manifests are already copied before it")
        );
        assert_eq!(
            fixed_and_clean("CA001", text),
            "FROM node:22\nWORKDIR /app\nCOPY package.json yarn.lock ./\n\
             RUN yarn install --frozen-lockfile\nCOPY . .\n# deps\nRUN yarn build\n"
        );
    }

    #[test]
    fn fix_uses_the_copied_directory_and_requirement_paths() {
        let text = "FROM python:3\nWORKDIR /srv\nCOPY app/ /srv/\nRUN pip install -r requirements/prod.txt -c constraints.txt\n";
        assert_eq!(
            fixed("CA001", text),
            "FROM python:3\nWORKDIR /srv\nCOPY app/requirements/prod.txt /srv/requirements/\n\
             COPY app/constraints.txt /srv/\n\
             RUN pip install -r requirements/prod.txt -c constraints.txt\nCOPY app/ /srv/\n"
        );
        // A directory copied below the WORKDIR: the manifests are at the top of the
        // context.
        let sub = "FROM golang:1.23\nWORKDIR /src\nCOPY cmd/ cmd/\nRUN go build ./cmd/app\n";
        assert_eq!(
            fixed_and_clean("CA001", sub),
            "FROM golang:1.23\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n\
             COPY cmd/ cmd/\nRUN go build ./cmd/app\n"
        );
        // The destination is not where the install runs: no fix.
        let elsewhere = "FROM python:3\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n";
        assert_eq!(lines("CA001", elsewhere), [3]);
        assert!(diagnostics("CA001", elsewhere)[0].fix.is_none());
    }

    #[test]
    fn tricky_shells() {
        let text = "FROM ruby:3\nWORKDIR /app\nCOPY . .\nRUN set -eux; \\\n    # gems\n    bundle install || exit 1\n\
                    FROM node:22\nCOPY . .\nRUN sh -c 'npm ci'\n\
                    FROM node:22\nCOPY . .\nRUN <<EOF\nset -e\nnpm ci\nEOF\n\
                    FROM node:22\nCOPY . .\nONBUILD RUN npm ci\n\
                    FROM php:8\nONBUILD COPY . /app\nONBUILD RUN composer install\n";
        assert_eq!(lines("CA001", text), [6, 9, 14, 21]);
        let d = diagnostics("CA001", text);
        // Movable: `set` and `exit` do not read the project.
        assert!(d[0].fix.is_some());
        // Inside `sh -c`, and in ONBUILD triggers: no fix.
        assert!(d[1].fix.is_none());
        assert!(d[3].fix.is_none());
        let heredoc = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN <<EOF\nset -e\nnpm ci\nEOF\n";
        assert_eq!(
            fixed_and_clean("CA001", heredoc),
            "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json* ./\nRUN <<EOF\nset -e\nnpm ci\nEOF\nCOPY . .\n"
        );
    }

    #[test]
    fn installs_before_the_copy_in_any_form() {
        // Any Gradle or Maven task before the broad COPY resolves the dependencies.
        let text = "FROM gradle:8\nCOPY build.gradle settings.gradle gradlew ./\nCOPY gradle gradle\n\
                    RUN ./gradlew downloadRepos\nCOPY . .\nRUN ./gradlew installDist\n\
                    FROM golang:1.23\nCOPY . /go/src/x\nRUN GO111MODULE=off go build -o /x ./cmd\n\
                    FROM alpine\nCOPY scripts/gimme /usr/local/bin/\nRUN go mod download\n";
        assert_eq!(lines("CA001", text), [] as [u32; 0]);
    }

    #[test]
    fn setup_commands_move_with_the_install() {
        let text = "FROM node:24\nWORKDIR /app/ui\nCOPY ui /app/ui\n\
                    RUN npm install -g corepack@0.34.6 && corepack enable && pnpm install --frozen-lockfile\n";
        assert_eq!(
            fixed_and_clean("CA001", text),
            "FROM node:24\nWORKDIR /app/ui\nCOPY ui/package.json ui/pnpm-lock.yaml /app/ui/\n\
             RUN npm install -g corepack@0.34.6 && corepack enable && pnpm install --frozen-lockfile\n\
             COPY ui /app/ui\n"
        );
    }

    #[test]
    fn windows_and_cargo() {
        let text = "FROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022\nCOPY . .\nRUN dotnet restore\n\
                    FROM rust:1\nCOPY . .\nRUN cargo build --release\n";
        assert_eq!(lines("CA001", text), [6]);
        let d = diagnostics("CA001", text);
        assert!(d[0].fix.is_none());
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or_default()
                .contains("cargo-chef")
        );
    }
}
