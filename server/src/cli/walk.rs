//! Turning `PATH...` arguments into the list of inputs to check.
//!
//! A file named on the command line is always checked, whatever its name. A directory is
//! walked with the `ignore` crate as ripgrep does: `.gitignore` (also outside a git
//! repository), `.ignore` and global git excludes are honoured and hidden entries are
//! skipped. Only files with a Dockerfile name are picked ([`is_dockerfile_name`]). The
//! result is sorted by path and free of duplicates so output does not depend on walk or
//! argument order.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use rayon::prelude::*;

use crate::cli::read::io_message;

/// Where an input's text comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Path(PathBuf),
    Stdin,
}

/// One file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    /// The path as shown in output: as given, or as walked without a leading `./`.
    pub display: String,
    pub source: Source,
}

/// An argument that yielded nothing to check, with its full error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError {
    pub message: String,
}

/// Shown for standard input without `--stdin-filename`.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// Expand `paths` (`-` is standard input) into sorted, deduplicated inputs, and the
/// arguments that could not be used, in argument order.
pub(crate) fn collect(
    paths: &[PathBuf],
    stdin_filename: Option<&str>,
) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    // One `stat` per path, in parallel: a CI job may name thousands of files.
    let metadata: Vec<Option<std::io::Result<std::fs::Metadata>>> = paths
        .par_iter()
        .map(|path| (path.as_os_str() != "-").then(|| path.metadata()))
        .collect();
    for (path, metadata) in paths.iter().zip(metadata) {
        let Some(metadata) = metadata else {
            inputs.push(Input {
                display: stdin_filename.unwrap_or(STDIN_NAME).to_owned(),
                source: Source::Stdin,
            });
            continue;
        };
        match metadata {
            Err(err) => errors.push(InputError {
                message: format!("{}: {}", path.display(), io_message(&err)),
            }),
            Ok(meta) if meta.is_dir() => walk(path, &mut inputs, &mut errors),
            Ok(_) => inputs.push(Input {
                display: display(path),
                source: Source::Path(path.clone()),
            }),
        }
    }
    inputs.sort_by(|a, b| {
        Path::new(&a.display)
            .cmp(Path::new(&b.display))
            .then(a.source.cmp(&b.source))
    });
    // `./a/Dockerfile` and `a/Dockerfile` (walked) are the same file: compare as shown.
    inputs.dedup_by(|a, b| {
        a.display == b.display
            && matches!(a.source, Source::Stdin) == matches!(b.source, Source::Stdin)
    });
    (inputs, errors)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<InputError>) {
    let before = inputs.len();
    // `require_git(false)`: a `.gitignore` counts even when the tree is not a git checkout.
    for entry in WalkBuilder::new(dir).require_git(false).build() {
        match entry {
            Ok(entry) => {
                let Some(kind) = entry.file_type() else {
                    continue;
                };
                let is_file = kind.is_file() || (kind.is_symlink() && entry.path().is_file());
                if is_file && entry.file_name().to_str().is_some_and(is_dockerfile_name) {
                    inputs.push(Input {
                        display: display(entry.path()),
                        source: Source::Path(entry.into_path()),
                    });
                }
            }
            Err(err) => errors.push(InputError {
                message: walk_error(&err),
            }),
        }
    }
    if inputs.len() == before {
        errors.push(InputError {
            message: format!("no Dockerfiles found in {}", dir.display()),
        });
    }
}

/// `PATH: problem` for a walk error, whose own message may or may not name the path.
fn walk_error(err: &ignore::Error) -> String {
    fn parts(err: &ignore::Error) -> (Option<&Path>, String) {
        match err {
            ignore::Error::WithPath { path, err } => (Some(path), parts(err).1),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                parts(err)
            }
            ignore::Error::Io(io) => (None, io_message(io)),
            other => (None, other.to_string()),
        }
    }
    match parts(err) {
        (Some(path), problem) => format!("{}: {problem}", display(path)),
        (None, problem) => problem,
    }
}

fn display(path: &Path) -> String {
    let text = path.display().to_string();
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.trim_start_matches('/').to_owned(),
        _ => text,
    }
}

/// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`, `Containerfile.*`,
/// `*.Containerfile`, case-insensitively (`dockerfile`, `app.dockerfile`).
pub(crate) fn is_dockerfile_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // BuildKit's per-Dockerfile ignore file (`Dockerfile.dockerignore`) is not one.
    if name.ends_with(".dockerignore") {
        return false;
    }
    ["dockerfile", "containerfile"].iter().any(|base| {
        name == *base
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('.'))
            || name
                .strip_suffix(base)
                .is_some_and(|stem| stem.len() > 1 && stem.ends_with('.'))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "DOCKERFILE",
            "Dockerfile.dev",
            "Dockerfile.prod.arm64",
            "app.Dockerfile",
            "app.dockerfile",
            "Containerfile",
            "Containerfile.build",
            "base.containerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.",
            ".Dockerfile",
            "Dockerfiles",
            "MyDockerfile",
            "Dockerfile-dev",
            "docker-compose.yml",
            "Makefile",
            "README.md",
            "Dockerfile.dockerignore",
            "app.Dockerfile.dockerignore",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn displayed_paths_lose_a_leading_dot_slash() {
        assert_eq!(display(Path::new("./a/Dockerfile")), "a/Dockerfile");
        assert_eq!(display(Path::new("a/Dockerfile")), "a/Dockerfile");
        assert_eq!(display(Path::new(".")), ".");
        assert_eq!(display(Path::new("./")), "./");
    }
}
