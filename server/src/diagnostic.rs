//! Findings: one [`Diagnostic`] type for every rule and every output format.
//!
//! Ranges are byte ranges into the checked source; line/column are computed only when a
//! finding is rendered.

use std::fmt;

use serde::Serialize;

use crate::text::TextRange;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fixed set of rule categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Instruction order that busts the build cache.
    Cache,
    /// Layer count: unchained RUNs and friends.
    Layers,
    /// Image size: leftover caches, bloat.
    Size,
    Security,
    Correctness,
    Maintainability,
    Style,
    /// The Dockerfile cannot be read the way the author meant.
    Syntax,
}

impl Category {
    pub const ALL: [Self; 8] = [
        Self::Cache,
        Self::Layers,
        Self::Size,
        Self::Security,
        Self::Correctness,
        Self::Maintainability,
        Self::Style,
        Self::Syntax,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cache => "cache",
            Self::Layers => "layers",
            Self::Size => "size",
            Self::Security => "security",
            Self::Correctness => "correctness",
            Self::Maintainability => "maintainability",
            Self::Style => "style",
            Self::Syntax => "syntax",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Cache => "instruction order that makes a small change rebuild expensive layers",
            Self::Layers => "layers that could be fewer: unchained RUNs and split steps",
            Self::Size => "bytes the image carries for nothing: package caches, leftovers",
            Self::Security => "secrets, privileges and untrusted sources",
            Self::Correctness => "instructions that do not do what they seem to",
            Self::Maintainability => "pinning, deprecated forms, things that rot",
            Self::Style => "consistency: casing, formatting",
            Self::Syntax => "text the builder rejects or reads differently than it looks",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether applying a fix keeps the image the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Suggested only; needs a human to decide.
    DisplayOnly,
    /// May change the image (e.g. adds `--no-install-recommends`).
    Unsafe,
    /// Keeps the meaning (e.g. keyword case).
    Safe,
}

impl Applicability {
    /// As reports spell it: `safe`, `unsafe` or `display-only`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DisplayOnly => "display-only",
            Self::Unsafe => "unsafe",
            Self::Safe => "safe",
        }
    }
}

/// Replace `range` of the source with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// Non-overlapping edits, sorted by start.
    pub edits: Vec<Edit>,
}

/// One finding of one rule in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    /// What to do about it, imperative ("Add `--no-cache`").
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// Other places that explain the finding (the earlier RUN a cleanup should join).
    pub related: Vec<Related>,
}

/// A place related to a finding, with what it has to do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

impl Diagnostic {
    /// Sort key for deterministic output: position, then code.
    pub fn sort_key(&self) -> (usize, usize, &'static str) {
        (self.range.start, self.range.end, self.code)
    }
}
