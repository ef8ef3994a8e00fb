//! Content digests (`sha256:<64 hex>`): parsing, hashing and verification.
//!
//! A digest is the sha256 of the *exact* bytes a registry sent; JSON is never re-serialised
//! before hashing (image-spec `descriptor.md`). Only sha256 is supported: it is what every
//! registry and image in the wild uses, and a reference naming another algorithm is rejected
//! when it is parsed rather than fetched unverified.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};
use thiserror::Error;

/// A validated `sha256:<64 lowercase hex>` digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    hex: String,
}

/// Why a string is not a usable digest.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DigestError {
    #[error("digest `{0}` has no `algorithm:` prefix")]
    MissingAlgorithm(String),
    #[error("digest algorithm `{0}` is not supported (only sha256)")]
    UnsupportedAlgorithm(String),
    #[error("digest `{0}` is not 64 lowercase hex characters")]
    BadHex(String),
}

/// Bytes that did not hash to the digest they were fetched or stored under.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("digest mismatch: expected {expected}, got {actual}")]
pub struct DigestMismatch {
    pub expected: Digest,
    pub actual: Digest,
}

impl Digest {
    /// Parses `sha256:<hex>`.
    pub fn parse(s: &str) -> Result<Self, DigestError> {
        let Some((algorithm, hex)) = s.split_once(':') else {
            return Err(DigestError::MissingAlgorithm(s.to_owned()));
        };
        if algorithm != "sha256" {
            return Err(DigestError::UnsupportedAlgorithm(algorithm.to_owned()));
        }
        Self::from_hex(hex).ok_or_else(|| DigestError::BadHex(s.to_owned()))
    }

    /// Builds a digest from its 64 lowercase hex characters.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let valid = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| Self {
            hex: hex.to_owned(),
        })
    }

    /// The sha256 digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let sum = Sha256::digest(bytes);
        let mut hex = String::with_capacity(64);
        for b in sum {
            use fmt::Write as _;
            // Writing to a String cannot fail.
            let _ = write!(hex, "{b:02x}");
        }
        Self { hex }
    }

    /// Checks that `bytes` hash to this digest.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), DigestMismatch> {
        let actual = Self::of(bytes);
        if actual == *self {
            Ok(())
        } else {
            Err(DigestMismatch {
                expected: self.clone(),
                actual,
            })
        }
    }

    /// The hex part, without the algorithm.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The algorithm name (always `sha256`).
    pub fn algorithm(&self) -> &'static str {
        "sha256"
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex)
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_json_object_digest() {
        // image-spec manifest.md: the empty descriptor `{}`.
        let d = Digest::of(b"{}");
        assert_eq!(
            d.to_string(),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert!(d.verify(b"{}").is_ok());
        assert!(d.verify(b"{ }").is_err());
    }

    #[test]
    fn parse_rejects_bad_digests() {
        assert!(matches!(
            Digest::parse("abc"),
            Err(DigestError::MissingAlgorithm(_))
        ));
        assert!(matches!(
            Digest::parse("sha512:abc"),
            Err(DigestError::UnsupportedAlgorithm(_))
        ));
        assert!(matches!(
            Digest::parse("sha256:ABC"),
            Err(DigestError::BadHex(_))
        ));
        let upper = format!("sha256:{}", "A".repeat(64));
        assert!(Digest::parse(&upper).is_err());
        let ok = format!("sha256:{}", "a".repeat(64));
        assert_eq!(Digest::parse(&ok).unwrap().to_string(), ok);
    }
}
