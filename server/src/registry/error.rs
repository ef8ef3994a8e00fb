//! The error of every registry lookup, shaped for diagnostics: each variant says what went
//! wrong in words a Dockerfile author can act on. Messages never contain credentials, and
//! URLs in them have their query strings removed (blob storage redirects carry signatures).

use std::time::Duration;

use thiserror::Error;

use super::auth::AuthError;
use super::digest::{DigestError, DigestMismatch};
use super::manifest::{ManifestError, PlatformError};
use super::reference::ReferenceError;

/// Why an image lookup failed.
#[derive(Debug, Error)]
pub enum RegistryError {
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error("offline and not cached: {0}")]
    Offline(String),
    #[error("{url}: timed out")]
    Timeout { url: String },
    #[error("{url}: cannot connect: {message}")]
    Connect { url: String, message: String },
    #[error("{url}: {message}")]
    Network { url: String, message: String },
    #[error("{what} not found on {registry}")]
    NotFound { registry: String, what: String },
    #[error("{registry}: authentication failed{}", detail_suffix(.detail))]
    Unauthorized { registry: String, detail: String },
    #[error("{url}: rate limited (HTTP 429){}", retry_suffix(*.retry_after))]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
    #[error("{url}: HTTP {status}{}", detail_suffix(.message))]
    Status {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url}: {source}")]
    Verification { url: String, source: DigestMismatch },
    #[error("{context}: {source}")]
    BadDigest {
        context: String,
        source: DigestError,
    },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{reference} has no image for {wanted} (available: {})", .available.join(", "))]
    NoMatchingPlatform {
        reference: String,
        wanted: String,
        available: Vec<String>,
    },
    #[error("{url}: response larger than {limit} bytes")]
    BodyTooLarge { url: String, limit: u64 },
    #[error("{url}: refusing plain HTTP to a registry not marked insecure")]
    Insecure { url: String },
    #[error("{url}: too many redirects")]
    TooManyRedirects { url: String },
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

fn retry_suffix(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| format!(", retry after {} s", d.as_secs()))
}

impl RegistryError {
    /// True for failures that a later attempt may not repeat (network, rate limit, 5xx),
    /// as opposed to answers about the image itself (not found, bad reference, bad digest).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. }
            | Self::Connect { .. }
            | Self::Network { .. }
            | Self::RateLimited { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// `url` without its query string or fragment.
pub(crate) fn redact_url(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_owned()
}
