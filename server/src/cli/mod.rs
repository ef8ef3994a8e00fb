//! The command line: arguments (clap derive), subcommand dispatch and exit statuses.
//!
//! `main.rs` only parses [`Cli`], calls [`run`] and turns the [`ExitStatus`] into a process
//! exit code. Findings go to stdout; errors go to stderr as `dlint: error: ...`.

mod check;
mod image;
mod layers;
mod migrate;
mod parse;
mod read;
mod rules;
mod walk;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::render::{Colors, OutputFormat, Style};

/// A linter for Dockerfiles that understands image layers.
#[derive(Debug, Parser)]
#[command(name = "dlint", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (files, directories, or `-` for standard input).
    Check(CheckArgs),
    /// Show the layer cake: every stage's layers, their sizes and cache inputs.
    Layers(LayersArgs),
    /// Print what the parser sees in a Dockerfile.
    Parse(ParseArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show the documentation of a rule.
    Explain(ExplainArgs),
    /// Show a base image's layers, sizes and variants, or analyse a saved image.
    Image(ImageArgs),
    /// Run the language server on standard input/output (for editors).
    Lsp,
    /// Turn a hadolint configuration (`.hadolint.yaml`) into a `.dlint.toml`.
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input [default: .]
    ///
    /// Directories are searched for `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
    /// `Containerfile`, `Containerfile.*` and `*.Containerfile` (any case), honouring
    /// `.gitignore` and `.ignore` and skipping hidden entries. Files named here are checked
    /// whatever their name.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output (atomically: a temporary file
    /// in the same directory, then renamed over FILE).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Show how many findings each rule has (count, code, name, fixable) instead of the
    /// findings, most first. Only with `--format full|concise`: the other formats always
    /// list every finding.
    #[arg(long, conflicts_with = "diff")]
    pub statistics: bool,

    /// Apply safe fixes to the files (atomically), then report the findings that remain.
    /// For standard input the fixed text goes to stdout and the report to stderr.
    #[arg(long)]
    pub fix: bool,

    /// With `--fix` or `--diff`, also apply unsafe fixes (they may change the image);
    /// without, count unsafe fixes as fixable in `--statistics`.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print what `--fix` would change as a unified diff and write nothing; exit status 1
    /// when something would change.
    #[arg(long)]
    pub diff: bool,

    /// Exit with status 1 when a finding has at least this severity.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = Severity::Warning)]
    pub fail_level: Severity,

    /// Exit with status 0 even when there are findings or `--diff` changes (status 2 for
    /// errors stays).
    #[arg(long)]
    pub no_fail: bool,

    /// When to colour the output; `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The file name to show for standard input (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Refuse files larger than this (e.g. `16MiB`, `512K`, `2048`).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = read::parse_size)]
    pub max_file_size: u64,

    /// Print the files that would be checked, then exit.
    #[arg(long)]
    pub show_files: bool,

    /// Use this configuration file instead of the nearest `.dlint.toml` of each file.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Only these rules: codes, names, categories or `ALL`, comma-separated; replaces the
    /// configuration's selection.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Also these rules (codes, names, categories or `ALL`), comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Not these rules (codes, names, categories or `ALL`), comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Also check RUN bodies with ShellCheck (the `shellcheck` program, e.g. `apt-get
    /// install shellcheck`), whatever `[shellcheck] enabled` says.
    #[arg(long, overrides_with = "no_shellcheck")]
    pub shellcheck: bool,

    /// Do not run ShellCheck, whatever `[shellcheck] enabled` says.
    #[arg(long, overrides_with = "shellcheck")]
    pub no_shellcheck: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The Dockerfile to parse; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ViewFormat::Text)]
    pub format: ViewFormat,

    /// Refuse files larger than this (e.g. `16MiB`, `512K`, `2048`).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = read::parse_size)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct LayersArgs {
    /// The Dockerfile.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Build this stage (and what it needs) instead of the last one.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// `NAME=VALUE` (or `NAME` to take it from the environment), like `docker build`.
    #[arg(long = "build-arg", value_name = "NAME[=VALUE]")]
    pub build_args: Vec<String>,

    /// The build context directory [default: the Dockerfile's directory].
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// Do not read a build context (COPY sizes become unknown).
    #[arg(long, conflicts_with = "context")]
    pub no_context: bool,

    /// Show which layers a change to this build-context file would rebuild.
    #[arg(long, value_name = "FILE")]
    pub changed: Vec<String>,

    /// Target platform for the automatic platform ARGs [default: linux/amd64].
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ViewFormat::Text)]
    pub format: ViewFormat,

    /// Refuse files larger than this (e.g. `16MiB`, `512K`, `2048`).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = read::parse_size)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ViewFormat::Text)]
    pub format: ViewFormat,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// An image reference (`python:3.12-slim`, `gcr.io/distroless/static`).
    #[arg(
        value_name = "REF",
        conflicts_with_all = ["archive", "oci_layout", "dockerfile"]
    )]
    pub reference: Option<String>,

    /// The platform to show [default: linux/amd64; for a saved image: its only one].
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Analyse a `docker save` tarball: per-layer files, wasted bytes, efficiency.
    #[arg(long, value_name = "FILE", conflicts_with = "oci_layout")]
    pub archive: Option<PathBuf>,

    /// Analyse an OCI image layout directory (`oci-layout`, `index.json`, `blobs/`).
    #[arg(long, value_name = "DIR")]
    pub oci_layout: Option<PathBuf>,

    /// With --archive/--oci-layout: map layers to this Dockerfile's instructions. Alone:
    /// what its final image weighs on each variant of its base.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<PathBuf>,

    /// Never contact a registry: answer from the on-disk cache, then the catalogue.
    #[arg(long)]
    pub offline: bool,

    /// A Docker Hub mirror (`https://mirror.example`), tried before Docker Hub; repeatable.
    #[arg(long = "registry-mirror", value_name = "URL")]
    pub registry_mirrors: Vec<String>,

    /// A registry (`host[:port]`) that may be reached over plain HTTP; repeatable. Loopback
    /// registries always may; every other registry needs TLS.
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure_registries: Vec<String>,

    /// Look up REF (or every image of the offline catalogue) live, store the answers in
    /// the cache, and report what changed since the catalogue's snapshot.
    #[arg(long, conflicts_with_all = ["offline", "archive", "oci_layout", "dockerfile"])]
    pub refresh: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ViewFormat::Text)]
    pub format: ViewFormat,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The hadolint configuration file (what `hadolint --config` takes) [default:
    /// ./.hadolint.yaml, else ./.hadolint.yml]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Write `.dlint.toml` in the current directory (atomically) instead of printing it.
    #[arg(long)]
    pub write: bool,

    /// With `--write`, replace an existing `.dlint.toml`.
    #[arg(long, requires = "write")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`SY001`) or name (`unknown-instruction`), any case.
    #[arg(value_name = "CODE|NAME")]
    pub rule: String,
}

/// `--format` of `parse` and `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewFormat {
    Text,
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset or empty.
    Auto,
    Always,
    Never,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the fail level.
    Success,
    /// Findings at or above the fail level.
    Failure,
    /// A usage error, or an input that could not be read.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::SUCCESS,
            ExitStatus::Failure => Self::from(1),
            ExitStatus::Error => Self::from(2),
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: &Cli) -> Result<ExitStatus> {
    match &cli.command {
        Command::Check(args) => check::check(args),
        Command::Layers(args) => layers::layers(args),
        Command::Parse(args) => parse::parse(args),
        Command::Rules(args) => rules::rules(args),
        Command::Explain(args) => rules::explain(args),
        Command::Image(args) => image::image(args),
        Command::Lsp => crate::lsp::run(),
        Command::Migrate(args) => migrate::migrate(args),
    }
}

/// Whether to colour a stream; `is_terminal` is that stream's.
pub(crate) fn should_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// One error line on stderr: `dlint: error: {message}`.
pub(crate) fn report_error(colors: Colors, message: &str) {
    eprintln!(
        "dlint: {} {message}",
        colors.paint(Style::Severity(Severity::Error), "error:")
    );
}
