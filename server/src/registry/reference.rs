//! Image references (`[host[:port]/]path[:tag][@sha256:…]`), parsed and normalised the way
//! Docker does it (distribution/reference `normalize.go`, `regexp.go`).
//!
//! Pure: no I/O. Callers expand `ARG`s first and handle `FROM scratch` and stage names
//! themselves ([`is_scratch`]); anything that is not a valid reference is a typed
//! [`ReferenceError`] that the caller turns into a diagnostic — it never becomes a request.

use std::fmt;

use thiserror::Error;

use super::digest::{Digest, DigestError};

/// The registry Docker Hub images live on, as written in canonical references.
pub const DOCKER_HUB: &str = "docker.io";
/// The legacy spelling of Docker Hub that normalises to [`DOCKER_HUB`].
const LEGACY_DOCKER_HUB: &str = "index.docker.io";
/// Namespace of Docker Official Images on Docker Hub.
const OFFICIAL_PREFIX: &str = "library/";
/// Tag used when a reference names neither a tag nor a digest.
pub const DEFAULT_TAG: &str = "latest";
/// distribution/reference `NameTotalLengthMax`.
const NAME_MAX: usize = 255;
/// Longest tag the distribution spec allows (1 + 127 characters).
const TAG_MAX: usize = 128;

/// `FROM scratch`: the empty base image, which is not fetched from anywhere.
pub fn is_scratch(image: &str) -> bool {
    image.trim() == "scratch"
}

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

/// Why a string is not a valid image reference.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReferenceError {
    #[error("empty image reference")]
    Empty,
    #[error("image reference `{0}` contains an unexpanded variable")]
    UnexpandedVariable(String),
    #[error("image reference `{0}` contains whitespace")]
    Whitespace(String),
    #[error("invalid repository name `{0}`: a 64-character hex string is an image ID, not a name")]
    ImageId(String),
    #[error("repository name `{0}` must be lowercase")]
    Uppercase(String),
    #[error("invalid registry host `{0}`")]
    InvalidRegistry(String),
    #[error("invalid repository path component `{component}` in `{reference}`")]
    InvalidPath {
        reference: String,
        component: String,
    },
    #[error("invalid tag `{0}`: use letters, digits, `_`, `.` and `-`, at most 128 characters")]
    InvalidTag(String),
    #[error("invalid digest in `{reference}`: {source}")]
    InvalidDigest {
        reference: String,
        source: DigestError,
    },
    #[error("repository name `{0}` is longer than 255 characters")]
    NameTooLong(String),
}

impl Reference {
    /// Parses and normalises a reference: `python` → `docker.io/library/python:latest`.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let s = input;
        if s.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if s.contains('$') {
            return Err(ReferenceError::UnexpandedVariable(s.to_owned()));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(ReferenceError::Whitespace(s.to_owned()));
        }
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ReferenceError::ImageId(s.to_owned()));
        }

        let (rest, digest) = match s.split_once('@') {
            Some((name, d)) => {
                let digest = Digest::parse(d).map_err(|source| ReferenceError::InvalidDigest {
                    reference: s.to_owned(),
                    source,
                })?;
                (name, Some(digest))
            }
            None => (s, None),
        };
        // The tag follows the last `:` after the last `/` (a registry port has a `/` after it).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&rest[..at], Some(&rest[at + 1..]))
            }
            None => (rest, None),
        };
        if let Some(tag) = tag
            && !valid_tag(tag)
        {
            return Err(ReferenceError::InvalidTag(tag.to_owned()));
        }

        let (registry, path) = split_registry(name);
        if path.to_ascii_lowercase() != path {
            return Err(ReferenceError::Uppercase(path.to_owned()));
        }
        if !valid_registry(registry) {
            return Err(ReferenceError::InvalidRegistry(registry.to_owned()));
        }
        if let Some(bad) = path.split('/').find(|c| !valid_path_component(c)) {
            return Err(ReferenceError::InvalidPath {
                reference: s.to_owned(),
                component: bad.to_owned(),
            });
        }

        let registry = if registry == LEGACY_DOCKER_HUB {
            DOCKER_HUB
        } else {
            registry
        };
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("{OFFICIAL_PREFIX}{path}")
        } else {
            path.to_owned()
        };
        if registry.len() + 1 + repository.len() > NAME_MAX {
            return Err(ReferenceError::NameTooLong(format!(
                "{registry}/{repository}"
            )));
        }
        let tag = match (tag, &digest) {
            (Some(t), _) => Some(t.to_owned()),
            (None, None) => Some(DEFAULT_TAG.to_owned()),
            (None, Some(_)) => None,
        };
        Ok(Self {
            registry: registry.to_owned(),
            repository,
            tag,
            digest,
        })
    }

    /// Registry host as written in canonical references (`docker.io`, `localhost:5000`).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Repository path on the registry (`library/python`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if any (`latest` when neither tag nor digest was given).
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The pinned digest, if any. When both are given, the digest is what is fetched.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// A copy pinned to `digest`, keeping the tag for display.
    #[must_use]
    pub fn with_digest(&self, digest: Digest) -> Self {
        Self {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// `registry/repository` without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The short name people write: `python`, `bitnami/redis`, `ghcr.io/org/app`.
    pub fn familiar_name(&self) -> &str {
        if self.registry == DOCKER_HUB {
            self.repository
                .strip_prefix(OFFICIAL_PREFIX)
                .unwrap_or(&self.repository)
        } else {
            &self.repository
        }
    }

    /// True for Docker Hub (`docker.io`), the only registry mirrors apply to.
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }
}

impl fmt::Display for Reference {
    /// The canonical form: `docker.io/library/python:3.12-slim[@sha256:…]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// distribution/reference `splitDockerDomain`: the first component is a registry host iff
/// it is `localhost`, contains `.` or `:`, or has an uppercase letter.
fn split_registry(name: &str) -> (&str, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first == "localhost"
                || first.contains(['.', ':'])
                || first.to_ascii_lowercase() != first =>
        {
            (first, rest)
        }
        _ => (DOCKER_HUB, name),
    }
}

/// `domain-component ("." domain-component)* (":" port)?`, or a bracketed IPv6 address.
fn valid_registry(host: &str) -> bool {
    let (host, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        match after {
            "" => return true,
            p => match p.strip_prefix(':') {
                Some(port) => ("ipv6", Some(port)),
                None => return false,
            },
        }
    } else {
        match host.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host, None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            !c.is_empty()
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !c.starts_with('-')
                && !c.ends_with('-')
        })
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    let mut i = 0;
    let mut need_alnum = true;
    while i < b.len() {
        if alnum(b[i]) {
            need_alnum = false;
            i += 1;
            continue;
        }
        if need_alnum {
            return false;
        }
        // A separator: `.`, `_`, `__` or a run of `-`.
        match b[i] {
            b'.' => i += 1,
            b'_' => i += if b.get(i + 1) == Some(&b'_') { 2 } else { 1 },
            b'-' => {
                while b.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
        need_alnum = true;
    }
    !need_alnum
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut bytes = tag.bytes();
    tag.len() <= TAG_MAX
        && bytes.next().is_some_and(word)
        && bytes.all(|b| word(b) || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Reference::parse(s).unwrap().to_string()
    }

    #[test]
    fn docker_normalisation_table() {
        let hex = "a".repeat(64);
        let cases = [
            ("python:3.12-slim", "docker.io/library/python:3.12-slim"),
            ("python", "docker.io/library/python:latest"),
            ("bitnami/redis", "docker.io/bitnami/redis:latest"),
            ("docker.io/python", "docker.io/library/python:latest"),
            (
                "index.docker.io/library/alpine:3",
                "docker.io/library/alpine:3",
            ),
            ("index.docker.io/alpine", "docker.io/library/alpine:latest"),
            (
                "gcr.io/distroless/static-debian12",
                "gcr.io/distroless/static-debian12:latest",
            ),
            (
                "cgr.dev/chainguard/python:latest",
                "cgr.dev/chainguard/python:latest",
            ),
            ("localhost/app", "localhost/app:latest"),
            ("localhost:5000/app", "localhost:5000/app:latest"),
            (
                "127.0.0.1:5000/test/demo:multi",
                "127.0.0.1:5000/test/demo:multi",
            ),
            ("[::1]:5000/app:v1", "[::1]:5000/app:v1"),
            ("Registry/app", "Registry/app:latest"),
            (
                "my-registry.example.com:443/a/b/c:1",
                "my-registry.example.com:443/a/b/c:1",
            ),
            (
                "a__b/c-d.e/f---g:T_1.x-y",
                "docker.io/a__b/c-d.e/f---g:T_1.x-y",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
        }
        let pinned = Reference::parse(&format!("python@sha256:{hex}")).unwrap();
        assert_eq!(
            pinned.to_string(),
            format!("docker.io/library/python@sha256:{hex}")
        );
        assert_eq!(pinned.tag(), None);
        let both = Reference::parse(&format!("python:3.12@sha256:{hex}")).unwrap();
        assert_eq!(both.tag(), Some("3.12"));
        assert_eq!(both.digest().unwrap().hex(), hex);
        assert_eq!(both.familiar_name(), "python");
        assert_eq!(
            Reference::parse("localhost:5000/app")
                .unwrap()
                .familiar_name(),
            "app"
        );
    }

    #[test]
    fn invalid_references_are_errors() {
        let hex = "a".repeat(64);
        let bad = [
            ("", "empty"),
            ("python:$VERSION", "variable"),
            ("${IMAGE}", "variable"),
            ("Python", "lowercase"),
            ("docker.io/Library/python", "lowercase"),
            ("python:", "tag"),
            ("python:-x", "tag"),
            ("python:a/b", "path"),
            ("python@sha256:abc", "digest"),
            ("python@md5:abc", "digest"),
            ("foo//bar", "path"),
            ("-foo", "path"),
            ("foo_", "path"),
            ("foo.-bar", "path"),
            ("host:port/app", "registry"),
            ("-bad.host/app", "registry"),
            ("a b", "whitespace"),
            (hex.as_str(), "image ID"),
        ];
        for (input, why) in bad {
            assert!(Reference::parse(input).is_err(), "{input} ({why})");
        }
        let long_tag = format!("python:{}", "t".repeat(129));
        assert!(matches!(
            Reference::parse(&long_tag),
            Err(ReferenceError::InvalidTag(_))
        ));
        let long_name = "a/".repeat(130) + "a";
        assert!(matches!(
            Reference::parse(&long_name),
            Err(ReferenceError::NameTooLong(_))
        ));
    }

    #[test]
    fn scratch_is_not_an_image() {
        assert!(is_scratch("scratch"));
        assert!(!is_scratch("scratchy"));
    }
}
