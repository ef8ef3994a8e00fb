//! Manifest, index and config documents, media types, and platform selection.
//!
//! Pure: bytes in, typed documents out. References: opencontainers/image-spec
//! `image-index.md`, `manifest.md`, `config.md`, `media-types.md`; distribution-spec
//! `spec.md` (Content-Type must match a body's `mediaType`).

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use thiserror::Error;

/// Media types of the documents dlint reads.
pub mod media {
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
    pub const DOCKER_SCHEMA1_SIGNED: &str =
        "application/vnd.docker.distribution.manifest.v1+prettyjws";
}

/// The `Accept` header for every manifest request: all four image types, indexes first.
/// distribution 2.8 answers 404 for a stored type that is missing here.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// What a manifest document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    /// OCI image index or Docker manifest list.
    Index,
    /// OCI image manifest or Docker v2 schema 2 manifest.
    Image,
}

/// A manifest document that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ManifestError {
    #[error("Docker schema 1 manifests are not supported (they carry no layer sizes)")]
    Schema1,
    #[error("unsupported manifest media type `{0}`")]
    UnsupportedMediaType(String),
    #[error("Content-Type `{header}` does not match the manifest's mediaType `{body}`")]
    MediaTypeMismatch { header: String, body: String },
    #[error("malformed {what}: {message}")]
    Malformed { what: &'static str, message: String },
}

/// A content descriptor (image-spec `descriptor.md`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    #[serde(default)]
    pub media_type: String,
    pub digest: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub platform: Option<PlatformSpec>,
    #[serde(default)]
    pub annotations: Option<std::collections::HashMap<String, String>>,
}

/// `platform` of an index entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlatformSpec {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub variant: Option<String>,
}

/// An OCI image index or Docker manifest list.
#[derive(Debug, Clone, Deserialize)]
pub struct Index {
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
}

/// An OCI image manifest or Docker v2 schema 2 manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct ImageManifest {
    pub config: Descriptor,
    #[serde(default)]
    pub layers: Vec<Descriptor>,
}

/// The parts of an image config blob dlint reads (image-spec `config.md`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImageConfig {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub history: Vec<ConfigHistory>,
    #[serde(default)]
    pub rootfs: Option<RootFs>,
}

/// One `history[]` entry of a config.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfigHistory {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub empty_layer: bool,
}

/// `rootfs` of a config: digests of the uncompressed layer tars.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RootFs {
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    schema_version: Option<u64>,
    #[serde(default)]
    manifests: Option<serde_json::Value>,
    #[serde(default)]
    layers: Option<serde_json::Value>,
    #[serde(default)]
    fs_layers: Option<serde_json::Value>,
}

/// Decides what a manifest body is from the response `Content-Type` (parameters ignored)
/// and the body's own `mediaType`, which must agree when both are specific. Returns the kind
/// and the effective media type.
pub fn classify(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(ManifestKind, String), ManifestError> {
    let probe: Probe = serde_json::from_slice(body).map_err(|e| ManifestError::Malformed {
        what: "manifest",
        message: e.to_string(),
    })?;
    let header = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "application/json" && c != "text/plain");
    let body_type = probe.media_type.filter(|m| !m.is_empty());
    if let (Some(h), Some(b)) = (&header, &body_type)
        && h != b
    {
        return Err(ManifestError::MediaTypeMismatch {
            header: h.clone(),
            body: b.clone(),
        });
    }
    let media_type = header.or(body_type).unwrap_or_else(|| {
        // No type anywhere: OCI allows omitting `mediaType`; fall back to the shape.
        if probe.manifests.is_some() {
            media::OCI_INDEX.to_owned()
        } else if probe.fs_layers.is_some() || probe.schema_version == Some(1) {
            media::DOCKER_SCHEMA1.to_owned()
        } else if probe.layers.is_some() {
            media::OCI_MANIFEST.to_owned()
        } else {
            String::new()
        }
    });
    let kind = match media_type.as_str() {
        media::OCI_INDEX | media::DOCKER_LIST => ManifestKind::Index,
        media::OCI_MANIFEST | media::DOCKER_MANIFEST => ManifestKind::Image,
        media::DOCKER_SCHEMA1 | media::DOCKER_SCHEMA1_SIGNED => return Err(ManifestError::Schema1),
        other => return Err(ManifestError::UnsupportedMediaType(other.to_owned())),
    };
    Ok((kind, media_type))
}

fn parse_json<'a, T: Deserialize<'a>>(
    what: &'static str,
    body: &'a [u8],
) -> Result<T, ManifestError> {
    serde_json::from_slice(body).map_err(|e| ManifestError::Malformed {
        what,
        message: e.to_string(),
    })
}

impl Index {
    pub fn parse(body: &[u8]) -> Result<Self, ManifestError> {
        parse_json("image index", body)
    }
}

impl ImageManifest {
    pub fn parse(body: &[u8]) -> Result<Self, ManifestError> {
        parse_json("image manifest", body)
    }
}

impl ImageConfig {
    pub fn parse(body: &[u8]) -> Result<Self, ManifestError> {
        parse_json("image config", body)
    }
}

/// A target platform: `os/architecture[/variant]`, normalised like containerd's
/// `platforms.Normalize` (x86_64 → amd64, aarch64 → arm64, arm64 implies v8).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

/// A `--platform` value that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid platform `{0}`: expected os/arch[/variant], e.g. linux/arm64/v8")]
pub struct PlatformError(pub String);

impl Default for Platform {
    /// `linux/amd64`, what Docker builds for when nothing else is said.
    fn default() -> Self {
        Self::new("linux", "amd64", None)
    }
}

impl Platform {
    /// A normalised platform.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Self {
        let os = os.to_ascii_lowercase();
        let arch = architecture.to_ascii_lowercase();
        let variant = variant
            .filter(|v| !v.is_empty())
            .map(str::to_ascii_lowercase);
        let (architecture, variant) = match (arch.as_str(), variant) {
            ("x86_64" | "x86-64", v) => ("amd64".to_owned(), v),
            ("aarch64" | "arm64", None) => ("arm64".to_owned(), Some("v8".to_owned())),
            ("aarch64" | "arm64", Some(v)) => ("arm64".to_owned(), Some(with_v(&v))),
            ("armhf", _) => ("arm".to_owned(), Some("v7".to_owned())),
            ("armel", _) => ("arm".to_owned(), Some("v6".to_owned())),
            ("arm", v) => ("arm".to_owned(), v.map(|v| with_v(&v))),
            ("i386" | "i686", v) => ("386".to_owned(), v),
            (_, v) => (arch.clone(), v),
        };
        Self {
            os,
            architecture,
            variant,
        }
    }

    /// Parses `linux/arm64`, `linux/arm/v7`, `linux/amd64/v3`.
    pub fn parse(s: &str) -> Result<Self, PlatformError> {
        let parts: Vec<&str> = s.trim().split('/').collect();
        let ok = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        };
        match parts.as_slice() {
            [os, arch] if ok(os) && ok(arch) => Ok(Self::new(os, arch, None)),
            [os, arch, variant] if ok(os) && ok(arch) && ok(variant) => {
                Ok(Self::new(os, arch, Some(variant)))
            }
            _ => Err(PlatformError(s.to_owned())),
        }
    }

    fn from_spec(spec: &PlatformSpec) -> Self {
        Self::new(&spec.os, &spec.architecture, spec.variant.as_deref())
    }

    /// True for `unknown/unknown` entries: build attestations, never images.
    fn is_unknown(&self) -> bool {
        self.os == "unknown" || self.architecture == "unknown"
    }
}

/// `7` → `v7`; variants are written with the `v`.
fn with_v(v: &str) -> String {
    if v.bytes().all(|b| b.is_ascii_digit()) {
        format!("v{v}")
    } else {
        v.to_owned()
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = PlatformError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Descriptor {
    /// The entry's platform, unless it is an attestation or has none.
    pub fn image_platform(&self) -> Option<Platform> {
        let attestation = self
            .annotations
            .as_ref()
            .and_then(|a| a.get("vnd.docker.reference.type"))
            .is_some_and(|t| t == "attestation-manifest");
        let p = Platform::from_spec(self.platform.as_ref()?);
        (!attestation && !p.is_unknown()).then_some(p)
    }
}

impl Index {
    /// The platforms of the index's images, in order (attestations left out).
    pub fn platforms(&self) -> Vec<Platform> {
        self.manifests
            .iter()
            .filter_map(Descriptor::image_platform)
            .collect()
    }

    /// The first entry for `wanted` (image-index.md: the first match SHOULD be used).
    /// Exact os/arch/variant first; then an entry whose variant is unstated, or any variant
    /// when `wanted` names none.
    pub fn select(&self, wanted: &Platform) -> Option<&Descriptor> {
        let candidates = || {
            self.manifests.iter().filter_map(|d| {
                let p = d.image_platform()?;
                (p.os == wanted.os && p.architecture == wanted.architecture).then_some((d, p))
            })
        };
        candidates()
            .find(|(_, p)| p.variant == wanted.variant)
            .or_else(|| candidates().find(|(_, p)| p.variant.is_none() || wanted.variant.is_none()))
            .map(|(d, _)| d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(os: &str, arch: &str, variant: Option<&str>, digest: &str) -> String {
        let v = variant
            .map(|v| format!(r#","variant":"{v}""#))
            .unwrap_or_default();
        format!(
            r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{digest}","size":1,
               "platform":{{"os":"{os}","architecture":"{arch}"{v}}}}}"#
        )
    }

    #[test]
    fn platform_parsing_and_normalisation() {
        assert_eq!(
            Platform::parse("linux/arm64").unwrap().to_string(),
            "linux/arm64/v8"
        );
        assert_eq!(
            Platform::parse("linux/aarch64").unwrap().to_string(),
            "linux/arm64/v8"
        );
        assert_eq!(
            Platform::parse("linux/x86_64").unwrap().to_string(),
            "linux/amd64"
        );
        assert_eq!(
            Platform::parse("linux/arm/7").unwrap().to_string(),
            "linux/arm/v7"
        );
        assert_eq!(Platform::parse("Linux/AMD64").unwrap(), Platform::default());
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", "linux/am d64"] {
            assert!(Platform::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn select_skips_attestations_and_matches_variants() {
        let body = format!(
            r#"{{"manifests":[{},{},{},{},{}]}}"#,
            entry("unknown", "unknown", None, "att"),
            entry("linux", "amd64", None, "amd"),
            entry("linux", "arm", Some("v6"), "armv6"),
            entry("linux", "arm64", Some("v8"), "arm64"),
            entry("linux", "arm", Some("v7"), "armv7"),
        );
        let idx = Index::parse(body.as_bytes()).unwrap();
        let pick = |p: &str| {
            idx.select(&Platform::parse(p).unwrap())
                .map(|d| d.digest.clone())
        };
        assert_eq!(pick("linux/amd64").as_deref(), Some("amd"));
        assert_eq!(pick("linux/arm64").as_deref(), Some("arm64"));
        assert_eq!(pick("linux/arm64/v8").as_deref(), Some("arm64"));
        assert_eq!(pick("linux/arm/v7").as_deref(), Some("armv7"));
        assert_eq!(pick("linux/arm").as_deref(), Some("armv6"));
        assert_eq!(pick("linux/s390x"), None);
        assert_eq!(pick("unknown/unknown"), None);
        assert_eq!(idx.platforms().len(), 4);
    }

    #[test]
    fn arm64_entry_without_variant_is_v8() {
        let body = format!(
            r#"{{"manifests":[{}]}}"#,
            entry("linux", "arm64", None, "a")
        );
        let idx = Index::parse(body.as_bytes()).unwrap();
        assert!(
            idx.select(&Platform::parse("linux/arm64/v8").unwrap())
                .is_some()
        );
    }

    #[test]
    fn classify_by_header_and_body() {
        let idx = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
        assert_eq!(
            classify(
                Some("application/vnd.oci.image.index.v1+json; charset=utf-8"),
                idx
            )
            .unwrap()
            .0,
            ManifestKind::Index
        );
        assert!(matches!(
            classify(Some(media::DOCKER_MANIFEST), idx),
            Err(ManifestError::MediaTypeMismatch { .. })
        ));
        assert_eq!(
            classify(None, br#"{"layers":[],"config":{}}"#).unwrap().0,
            ManifestKind::Image
        );
        assert_eq!(
            classify(Some("application/json"), br#"{"manifests":[]}"#)
                .unwrap()
                .0,
            ManifestKind::Index
        );
        assert_eq!(
            classify(
                Some(media::DOCKER_SCHEMA1_SIGNED),
                br#"{"schemaVersion":1}"#
            ),
            Err(ManifestError::Schema1)
        );
        assert!(classify(None, b"not json").is_err());
    }
}
