//! Configuration errors: every problem names its key and where it is, as
//! `FILE:LINE:COL: message` for a file, `settings: message` for editor settings and
//! `--select: message` for the command line.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use crate::text::LineCol;

/// Where a configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A `.dlint.toml`, by the path it is shown as.
    File(PathBuf),
    /// JSON settings from an editor.
    Settings,
    /// Options on the command line.
    CommandLine,
}

/// One problem in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub origin: Origin,
    /// The byte range of the offending key or value in the file, when known.
    pub span: Option<Range<usize>>,
    /// The 1-based line and column (in characters) of `span`'s start.
    pub position: Option<LineCol>,
    /// What is wrong, naming the key (`rules.severity.SZ002: expected ...`).
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.origin, self.position) {
            (Origin::File(path), Some(at)) => write!(
                f,
                "{}:{}:{}: {}",
                path.display(),
                at.line,
                at.column,
                self.message
            ),
            (Origin::File(path), None) => write!(f, "{}: {}", path.display(), self.message),
            (Origin::Settings, _) => write!(f, "settings: {}", self.message),
            (Origin::CommandLine, _) => f.write_str(&self.message),
        }
    }
}

/// A configuration that cannot be used: one or more problems, in the order they appear.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<ConfigProblem>,
}

impl fmt::Display for ConfigError {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl ConfigError {
    pub(crate) fn single(origin: Origin, message: String) -> Self {
        Self {
            problems: vec![ConfigProblem {
                origin,
                span: None,
                position: None,
                message,
            }],
        }
    }
}
