//! Size estimates: honest ranges with a confidence, never an invented number.

use std::fmt;

use serde::Serialize;

/// How much an estimate can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Nothing is known (a `curl | sh`, a package manager without data).
    Unknown,
    /// Derived from package metadata (Debian's Installed-Size) or similar.
    Estimated,
    /// Measured from the files themselves (COPY from the build context).
    Exact,
}

/// A size in bytes as a range `[low, high]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SizeEstimate {
    pub low: u64,
    pub high: u64,
    pub confidence: Confidence,
    /// What the figure is based on, for people ("3 files from the build context",
    /// "curl + 12 dependencies, Debian bookworm index of 2026-11-20").
    pub basis: String,
}

impl SizeEstimate {
    pub fn zero(basis: impl Into<String>) -> Self {
        Self {
            low: 0,
            high: 0,
            confidence: Confidence::Exact,
            basis: basis.into(),
        }
    }

    pub fn exact(bytes: u64, basis: impl Into<String>) -> Self {
        Self {
            low: bytes,
            high: bytes,
            confidence: Confidence::Exact,
            basis: basis.into(),
        }
    }

    pub fn unknown(basis: impl Into<String>) -> Self {
        Self {
            low: 0,
            high: 0,
            confidence: Confidence::Unknown,
            basis: basis.into(),
        }
    }

    pub fn is_unknown(&self) -> bool {
        self.confidence == Confidence::Unknown
    }

    /// Sum of two estimates: ranges add, confidence is the weaker one.
    #[must_use]
    pub fn plus(&self, other: &Self) -> Self {
        Self {
            low: self.low + other.low,
            high: self.high + other.high,
            confidence: self.confidence.min(other.confidence),
            basis: String::new(),
        }
    }
}

/// Human size: `0 B`, `912 B`, `12.4 kB`, `3.1 MB`, `1.02 GB` (decimal units, as registries
/// and `docker images` print them).
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if v >= 100.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else if v >= 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.2} {}", UNITS[unit])
    }
}

impl fmt::Display for SizeEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.confidence {
            Confidence::Unknown => f.write_str("unknown"),
            Confidence::Exact if self.low == self.high => f.write_str(&human(self.low)),
            _ if self.low == self.high => write!(f, "~{}", human(self.low)),
            _ => write!(f, "{}–{}", human(self.low), human(self.high)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(999), "999 B");
        assert_eq!(human(12_400), "12.4 kB");
        assert_eq!(human(3_140_000), "3.14 MB");
        assert_eq!(human(148_000_000), "148 MB");
    }

    #[test]
    fn display_ranges() {
        let e = SizeEstimate {
            low: 10_000_000,
            high: 25_000_000,
            confidence: Confidence::Estimated,
            basis: String::new(),
        };
        assert_eq!(e.to_string(), "10.0 MB–25.0 MB");
        assert_eq!(SizeEstimate::unknown("x").to_string(), "unknown");
        assert_eq!(SizeEstimate::exact(1500, "x").to_string(), "1.50 kB");
    }
}
