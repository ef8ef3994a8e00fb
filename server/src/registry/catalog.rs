//! The embedded offline catalogue of base images: layer lists, compressed sizes and digests
//! copied from dated public sources (`server/data/catalog.json`, built from
//! docker-library/repo-info pages and distroless manifests).
//!
//! Every entry carries its `as_of` date and its source, and lookups hand both on in
//! [`Source::Catalog`], so a figure is never shown without saying how old it is and where
//! it comes from. The data is parsed once; bad data never panics: the catalogue is then
//! empty and [`load_error`] says why (logged once to stderr).
//!
//! References are normalised with a deliberately small normaliser ([`canonical`]):
//! `python:3.12-slim` → `docker.io/library/python:3.12-slim`. The registry module's full
//! reference parser may replace it; lookups also accept an already canonical string.

use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{ImageInfo, LayerInfo, Source};

/// The catalogue as shipped.
const RAW: &str = include_str!("../../data/catalog.json");

/// The platform a lookup uses when none is given (what `docker pull` picks on most hosts).
pub const DEFAULT_PLATFORM: &str = "linux/amd64";

static CATALOG: LazyLock<Loaded> = LazyLock::new(|| load(RAW));

/// What kind of image a tag is, as far as size and tooling go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantKind {
    /// A full distribution image (Debian/Ubuntu based official images).
    Standard,
    /// Debian's `-slim` images: the same distribution with fewer packages.
    Slim,
    /// Alpine Linux based: musl libc and `apk`.
    Alpine,
    /// Google's distroless images: no shell, no package manager.
    Distroless,
    /// Chainguard images (Wolfi based).
    Chainguard,
    /// The empty image.
    Scratch,
}

impl VariantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Slim => "slim",
            Self::Alpine => "alpine",
            Self::Distroless => "distroless",
            Self::Chainguard => "chainguard",
            Self::Scratch => "scratch",
        }
    }
}

impl fmt::Display for VariantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The whole catalogue (`catalog.json`, schema 1).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Catalog {
    pub schema_version: u32,
    #[serde(default)]
    pub generated_at: Option<String>,
    #[serde(default)]
    pub images: Vec<CatalogImage>,
    /// Rounded or third-party statements; never used as numbers.
    #[serde(default)]
    pub approximate_statements: Vec<ApproximateStatement>,
    #[serde(default)]
    pub well_known_blobs: Vec<WellKnownBlob>,
}

/// One tag of one repository.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogImage {
    /// `python`, `gcr.io/distroless/python3`.
    pub image: String,
    pub registry: String,
    pub repository: String,
    pub tag: String,
    /// Canonical: `docker.io/library/python:3.12-slim`.
    pub reference: String,
    pub variant_kind: VariantKind,
    #[serde(default)]
    pub index: Option<IndexInfo>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Newest date over the platforms: the snapshot's age.
    pub as_of: String,
    pub source: CatalogSource,
    #[serde(default)]
    pub platforms: Vec<CatalogPlatform>,
}

/// The index (manifest list) a tag pointed to.
#[derive(Debug, Clone, Deserialize)]
pub struct IndexInfo {
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub platforms: Vec<String>,
}

/// Where an entry was copied from.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CatalogSource {
    pub kind: String,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl CatalogSource {
    /// `docker-library/repo-info@2986dca3…:repos/python/remote/3.12-slim.md`, else the URL.
    pub fn describe(&self) -> String {
        match (&self.repo, &self.commit, &self.path) {
            (Some(repo), Some(commit), Some(path)) => format!("{repo}@{commit}:{path}"),
            (Some(repo), Some(commit), None) => format!("{repo}@{commit}"),
            _ => self
                .url
                .clone()
                .or_else(|| self.repo.clone())
                .unwrap_or_else(|| self.kind.clone()),
        }
    }
}

/// One platform manifest of a tag (or an attestation manifest, which is not an image).
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogPlatform {
    /// `linux/arm64/v8`; `None` when the source did not record it.
    #[serde(default)]
    pub platform: Option<String>,
    /// `image` or `attestation-manifest`.
    pub kind: String,
    #[serde(default)]
    pub manifest_digest: Option<String>,
    #[serde(default)]
    pub config_digest: Option<String>,
    /// Compressed (download) size: the sum of the layer blobs; `None` when unknown.
    #[serde(default)]
    pub compressed_bytes: Option<u64>,
    #[serde(default)]
    pub compressed_bytes_source: Option<String>,
    #[serde(default)]
    pub layer_count: Option<u32>,
    #[serde(default)]
    pub built: Option<String>,
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub layers: Vec<CatalogLayer>,
}

impl CatalogPlatform {
    pub fn is_image(&self) -> bool {
        self.kind == "image"
    }
}

/// One layer blob.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogLayer {
    pub digest: String,
    pub compressed_bytes: u64,
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub media_type: Option<String>,
    /// Display text of the history entry; long `RUN` lines are abridged.
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_by_abridged: Option<bool>,
}

/// A rounded or third-party statement (`exact: false`), or an exact policy fact.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ApproximateStatement {
    pub subject: String,
    pub statement: String,
    pub exact: bool,
    #[serde(default)]
    pub as_of: Option<String>,
    pub source: CatalogSource,
    #[serde(default)]
    pub note: Option<String>,
}

/// A blob whose meaning is known (the empty tar buildkit emits for `WORKDIR`).
#[derive(Debug, Clone, Deserialize)]
pub struct WellKnownBlob {
    pub digest: String,
    pub bytes: u64,
    pub meaning: String,
}

/// The parsed catalogue, or why it could not be parsed.
struct Loaded {
    catalog: Catalog,
    error: Option<String>,
}

fn load(raw: &str) -> Loaded {
    match serde_json::from_str::<Catalog>(raw) {
        Ok(catalog) if catalog.schema_version == 1 => Loaded {
            catalog,
            error: None,
        },
        Ok(catalog) => empty_because(format!(
            "unsupported catalogue schema_version {}",
            catalog.schema_version
        )),
        Err(err) => empty_because(format!("the embedded catalogue does not parse: {err}")),
    }
}

fn empty_because(reason: String) -> Loaded {
    // Logged once (the catalogue loads once); stderr, since stdout may be the LSP channel.
    eprintln!("dlint: warning: base-image catalogue unavailable: {reason}");
    Loaded {
        catalog: Catalog::default(),
        error: Some(reason),
    }
}

/// The embedded catalogue (empty when it could not be read, see [`load_error`]).
pub fn catalog() -> &'static Catalog {
    &CATALOG.catalog
}

/// Why the embedded catalogue is empty, if it is.
pub fn load_error() -> Option<&'static str> {
    CATALOG.error.as_deref()
}

/// Normalise an image reference the way Docker does, in its simplest form:
/// `python` → `docker.io/library/python:latest`, `user/app:1` → `docker.io/user/app:1`,
/// `gcr.io/distroless/static` → `gcr.io/distroless/static:latest`. A digest is kept
/// (`name[:tag]@sha256:…`); the tag defaults to `latest` only when there is no digest.
/// Returns `None` for text that is not a plausible reference (empty, spaces, unexpanded
/// variables).
pub fn canonical(reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.is_empty()
        || reference.contains(char::is_whitespace)
        || reference.contains('$')
        || reference.starts_with(['/', ':', '@'])
    {
        return None;
    }
    let (name_tag, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    // The tag is after the last `:` that follows the last `/` (a registry port is not a tag).
    let slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_tag[slash..].rfind(':') {
        Some(i) => (&name_tag[..slash + i], Some(&name_tag[slash + i + 1..])),
        None => (name_tag, None),
    };
    if name.is_empty() || tag.is_some_and(str::is_empty) {
        return None;
    }
    let first = name.split('/').next().unwrap_or(name);
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut out = if has_registry {
        let (registry, rest) = name.split_once('/').unwrap_or((name, ""));
        let registry = match registry {
            "index.docker.io" | "registry-1.docker.io" => "docker.io",
            r => r,
        };
        if registry == "docker.io" && !rest.contains('/') {
            format!("docker.io/library/{rest}")
        } else {
            format!("{registry}/{rest}")
        }
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    // Repository names are lowercase; a mixed-case one would be refused by the registry.
    out.make_ascii_lowercase();
    match (tag, digest) {
        (Some(t), _) => {
            out.push(':');
            out.push_str(t);
        }
        (None, None) => out.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(d);
    }
    Some(out)
}

/// Split a canonical reference into `(repository with registry, tag, digest)`.
pub(crate) fn split_canonical(canonical: &str) -> (&str, Option<&str>, Option<&str>) {
    let (name_tag, digest) = match canonical.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (canonical, None),
    };
    let slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    match name_tag[slash..].rfind(':') {
        Some(i) => (
            &name_tag[..slash + i],
            Some(&name_tag[slash + i + 1..]),
            digest,
        ),
        None => (name_tag, None, digest),
    }
}

/// The short, familiar spelling: `docker.io/library/python:3.12` → `python:3.12`,
/// `docker.io/user/app:1` → `user/app:1`; other registries unchanged.
pub fn short_reference(canonical: &str) -> String {
    canonical
        .strip_prefix("docker.io/library/")
        .or_else(|| canonical.strip_prefix("docker.io/"))
        .unwrap_or(canonical)
        .to_owned()
}

/// A platform in a comparable form: lowercase, `aarch64` → `arm64`, `x86_64` → `amd64`,
/// and the default variants filled in (`arm64` → `arm64/v8`, `arm` → `arm/v7`), as
/// containerd normalises them.
pub fn normalize_platform(platform: &str) -> String {
    let lower = platform.trim().to_ascii_lowercase();
    let mut parts = lower.split('/');
    let os = parts.next().unwrap_or("linux");
    let arch = parts.next().unwrap_or("amd64");
    let variant = parts.next();
    let (arch, default_variant) = match arch {
        "x86_64" | "x86-64" => ("amd64", None),
        "aarch64" | "arm64" => ("arm64", Some("v8")),
        "arm" | "armhf" => ("arm", Some("v7")),
        "armel" => ("arm", Some("v6")),
        "i386" => ("386", None),
        a => (a, None),
    };
    match variant.or(default_variant) {
        Some(v) => format!("{os}/{arch}/{v}"),
        None => format!("{os}/{arch}"),
    }
}

/// Why a catalogue lookup found nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogMiss {
    /// The text is not an image reference.
    InvalidReference(String),
    /// No entry for this reference (or the pinned digest is not the catalogued build).
    NotInCatalogue { reference: String },
    /// The reference is catalogued, but not for this platform.
    NoSuchPlatform {
        reference: String,
        platform: String,
        available: Vec<String>,
    },
}

impl fmt::Display for CatalogMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidReference(r) => write!(f, "`{r}` is not an image reference"),
            Self::NotInCatalogue { reference } => {
                write!(f, "{reference} is not in the offline catalogue")
            }
            Self::NoSuchPlatform {
                reference,
                platform,
                available,
            } => write!(
                f,
                "{reference} is in the offline catalogue, but not for {platform} (catalogued: {})",
                if available.is_empty() {
                    "no platform".to_owned()
                } else {
                    available.join(", ")
                }
            ),
        }
    }
}

impl std::error::Error for CatalogMiss {}

/// The catalogue entry of a reference (canonical or not). A reference pinned by digest
/// matches only the entry whose index or a platform manifest has that digest: a tag's
/// catalogued build is not the image a different digest names.
pub fn find(reference: &str) -> Option<&'static CatalogImage> {
    let canonical = canonical(reference)?;
    find_canonical(catalog(), &canonical)
}

fn find_canonical<'c>(catalog: &'c Catalog, canonical: &str) -> Option<&'c CatalogImage> {
    let (repository, tag, digest) = split_canonical(canonical);
    let tag_matches = |img: &CatalogImage| tag.is_none_or(|t| img.tag == t);
    let same_repo = |img: &CatalogImage| {
        img.reference.starts_with(repository) && split_canonical(&img.reference).0 == repository
    };
    match digest {
        None => catalog.images.iter().find(|img| img.reference == canonical),
        Some(d) => catalog.images.iter().find(|img| {
            same_repo(img)
                && tag_matches(img)
                && (img.index.as_ref().and_then(|i| i.digest.as_deref()) == Some(d)
                    || img
                        .platforms
                        .iter()
                        .any(|p| p.manifest_digest.as_deref() == Some(d)))
        }),
    }
}

impl CatalogImage {
    /// The image (not attestation) manifests, in catalogue order.
    pub fn image_platforms(&self) -> impl Iterator<Item = &CatalogPlatform> {
        self.platforms.iter().filter(|p| p.is_image())
    }

    /// The entry for `platform` (`linux/arm64` finds `linux/arm64/v8`). An entry whose
    /// source did not record its platform is returned when it is the only image manifest:
    /// the caller shows its platform as unrecorded.
    pub fn platform(&self, platform: &str) -> Option<&CatalogPlatform> {
        let want = normalize_platform(platform);
        let mut images = self.image_platforms();
        if let Some(p) = self
            .image_platforms()
            .find(|p| p.platform.as_deref().map(normalize_platform) == Some(want.clone()))
        {
            return Some(p);
        }
        match (images.next(), images.next()) {
            (Some(only), None) if only.platform.is_none() => Some(only),
            _ => None,
        }
    }

    /// The platforms that are catalogued, as written in the data.
    pub fn platform_names(&self) -> Vec<String> {
        self.image_platforms()
            .map(|p| {
                p.platform
                    .clone()
                    .unwrap_or_else(|| "unrecorded".to_owned())
            })
            .collect()
    }

    /// The platforms a reference to this entry can be pulled for (`os/arch[/variant]`, as
    /// written in the data), or `None` when the source did not record them: unknown is not
    /// "none". `digest` is the reference's pin, if any: a platform manifest's digest names
    /// that one platform. Otherwise the tag's index lists them, whereas the per-platform
    /// manifests are often catalogued for a few platforms only; an `os.version` suffix
    /// (`windows/amd64 10.0.20348.5622`) is dropped. An entry without an index is its one
    /// manifest.
    pub fn published_platforms(&self, digest: Option<&str>) -> Option<Vec<&str>> {
        if let Some(d) = digest
            && let Some(pinned) = self
                .image_platforms()
                .find(|p| p.manifest_digest.as_deref() == Some(d))
        {
            return pinned.platform.as_deref().map(|p| vec![p]);
        }
        let Some(index) = &self.index else {
            let mut images = self.image_platforms();
            return match (images.next(), images.next()) {
                (Some(only), None) => only.platform.as_deref().map(|p| vec![p]),
                _ => None,
            };
        };
        let mut out: Vec<&str> = Vec::new();
        for p in index
            .platforms
            .iter()
            .filter_map(|p| p.split_whitespace().next())
        {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The compressed (download) size for a platform, when the source states it.
    pub fn compressed_bytes(&self, platform: &str) -> Option<u64> {
        self.platform(platform).and_then(|p| p.compressed_bytes)
    }

    /// The facts of one platform, as every image source reports them.
    pub fn image_info(&self, platform: &CatalogPlatform) -> ImageInfo {
        let (_, tag, _) = split_canonical(&self.reference);
        let reference = match tag {
            Some(_) => self.reference.clone(),
            None => format!("{}:{}", self.reference, self.tag),
        };
        ImageInfo {
            reference,
            manifest_digest: platform.manifest_digest.clone(),
            index_digest: self.index.as_ref().and_then(|i| i.digest.clone()),
            platform: platform
                .platform
                .clone()
                .unwrap_or_else(|| "unrecorded".to_owned()),
            layers: platform
                .layers
                .iter()
                .map(|l| LayerInfo {
                    digest: l.digest.clone(),
                    compressed_bytes: l.compressed_bytes,
                    created_by: l.created_by.clone(),
                })
                .collect(),
            // The catalogue keeps layer instructions, not the config's full history.
            history: Vec::new(),
            created: platform.built.clone(),
            source: Source::Catalog {
                as_of: platform.as_of.clone().unwrap_or_else(|| self.as_of.clone()),
                source: self.source.describe(),
            },
        }
    }
}

/// Catalogue facts of `reference` for `platform` (default `linux/amd64`).
pub fn lookup(reference: &str, platform: Option<&str>) -> Result<ImageInfo, CatalogMiss> {
    lookup_in(catalog(), reference, platform)
}

fn lookup_in(
    catalog: &Catalog,
    reference: &str,
    platform: Option<&str>,
) -> Result<ImageInfo, CatalogMiss> {
    let canonical =
        canonical(reference).ok_or_else(|| CatalogMiss::InvalidReference(reference.to_owned()))?;
    let image = find_canonical(catalog, &canonical).ok_or(CatalogMiss::NotInCatalogue {
        reference: canonical.clone(),
    })?;
    let platform = platform.unwrap_or(DEFAULT_PLATFORM);
    let entry = image
        .platform(platform)
        .ok_or_else(|| CatalogMiss::NoSuchPlatform {
            reference: canonical.clone(),
            platform: platform.to_owned(),
            available: image.platform_names(),
        })?;
    Ok(image.image_info(entry))
}

/// The catalogue entry and platform an [`ImageInfo`] from the catalogue was made from,
/// for what `ImageInfo` cannot hold (a stated total without a layer list, notes).
pub fn entry_of(info: &ImageInfo) -> Option<(&'static CatalogImage, &'static CatalogPlatform)> {
    if !matches!(info.source, Source::Catalog { .. }) {
        return None;
    }
    let image = find(&info.reference)?;
    let platform = image.image_platforms().find(|p| {
        (p.manifest_digest.is_some() && p.manifest_digest == info.manifest_digest)
            || p.platform.as_deref().unwrap_or("unrecorded") == info.platform
    })?;
    Some((image, platform))
}

/// The variant kind of a catalogued reference.
pub fn variant_kind(reference: &str) -> Option<VariantKind> {
    find(reference).map(|i| i.variant_kind)
}

/// Meaning of a well-known blob (`4f4fb700…` is buildkit's empty layer).
pub fn well_known_blob(digest: &str) -> Option<&'static WellKnownBlob> {
    catalog()
        .well_known_blobs
        .iter()
        .find(|b| b.digest == digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        let c = |s| canonical(s).unwrap_or_default();
        assert_eq!(c("python:3.12-slim"), "docker.io/library/python:3.12-slim");
        assert_eq!(c("python"), "docker.io/library/python:latest");
        assert_eq!(c("Python:3.12"), "docker.io/library/python:3.12");
        assert_eq!(c("user/app:1"), "docker.io/user/app:1");
        assert_eq!(c("docker.io/python:3"), "docker.io/library/python:3");
        assert_eq!(
            c("index.docker.io/library/python"),
            "docker.io/library/python:latest"
        );
        assert_eq!(
            c("gcr.io/distroless/static"),
            "gcr.io/distroless/static:latest"
        );
        assert_eq!(c("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(c("localhost:5000/app:2"), "localhost:5000/app:2");
        assert_eq!(
            c("python@sha256:abc"),
            "docker.io/library/python@sha256:abc"
        );
        assert_eq!(
            c("python:3.12@sha256:abc"),
            "docker.io/library/python:3.12@sha256:abc"
        );
        for bad in ["", "  ", "$BASE", "python:", "a b", "/x"] {
            assert_eq!(canonical(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn platform_normalisation() {
        assert_eq!(normalize_platform("linux/arm64"), "linux/arm64/v8");
        assert_eq!(normalize_platform("linux/arm64/v8"), "linux/arm64/v8");
        assert_eq!(normalize_platform("linux/aarch64"), "linux/arm64/v8");
        assert_eq!(normalize_platform("linux/x86_64"), "linux/amd64");
        assert_eq!(normalize_platform("linux/arm"), "linux/arm/v7");
        assert_eq!(normalize_platform("linux/arm/v6"), "linux/arm/v6");
        assert_eq!(normalize_platform("Linux/AMD64"), "linux/amd64");
    }

    #[test]
    fn catalogue_parses() {
        assert_eq!(load_error(), None);
        assert!(catalog().images.len() >= 40);
    }

    #[test]
    fn bad_data_gives_an_empty_catalogue() {
        let loaded = load("{ not json");
        assert!(loaded.catalog.images.is_empty());
        assert!(loaded.error.is_some_and(|e| e.contains("does not parse")));
        let loaded = load(r#"{"schema_version": 7, "images": []}"#);
        assert!(loaded.error.is_some_and(|e| e.contains("schema_version 7")));
        assert!(matches!(
            lookup_in(&Catalog::default(), "python:3.12", None),
            Err(CatalogMiss::NotInCatalogue { .. })
        ));
    }

    #[test]
    fn python_slim_amd64() {
        let info = lookup("python:3.12-slim", None).unwrap();
        assert_eq!(info.reference, "docker.io/library/python:3.12-slim");
        assert_eq!(info.platform, "linux/amd64");
        assert_eq!(info.layers.len(), 4);
        assert_eq!(info.compressed_total(), 43_188_023);
        let Source::Catalog { as_of, source } = &info.source else {
            panic!("not a catalogue source: {:?}", info.source);
        };
        assert_eq!(as_of, "2026-08-05T01:12:42Z");
        assert!(source.starts_with("docker-library/repo-info@2986dca3"));
        assert!(source.ends_with(":repos/python/remote/3.12-slim.md"));
    }

    #[test]
    fn platform_spellings() {
        let a = lookup("python:3.12-slim", Some("linux/arm64")).unwrap();
        let b = lookup("python:3.12-slim", Some("linux/arm64/v8")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.platform, "linux/arm64/v8");
        assert_eq!(a.compressed_total(), 43_464_443);
        let miss = lookup("nginx:alpine", Some("linux/arm64")).unwrap_err();
        assert!(matches!(miss, CatalogMiss::NoSuchPlatform { .. }), "{miss}");
    }

    #[test]
    fn digest_pins() {
        let digest = "sha256:d657ab0ade19f404a6ccc883ab399540de667aff751748ce23c07330c5a89e64";
        let info = lookup(&format!("python:3.12-slim@{digest}"), None).unwrap();
        assert_eq!(info.manifest_digest.as_deref(), Some(digest));
        let info = lookup(&format!("python@{digest}"), None).unwrap();
        assert_eq!(info.reference, "docker.io/library/python:3.12-slim");
        let other = format!("python:3.12-slim@sha256:{}", "0".repeat(64));
        assert!(matches!(
            lookup(&other, None),
            Err(CatalogMiss::NotInCatalogue { .. })
        ));
    }

    #[test]
    fn unrecorded_platform_is_returned_alone() {
        let info = lookup("gcr.io/distroless/java17", None).unwrap();
        assert_eq!(info.platform, "unrecorded");
        assert_eq!(info.compressed_total(), 85_969_120);
    }

    #[test]
    fn published_platforms_come_from_the_index() {
        // The index lists more platforms than the manifests catalogued.
        let nginx = find("nginx:alpine").unwrap();
        assert_eq!(nginx.platform_names(), ["linux/amd64"]);
        let published = nginx.published_platforms(None).unwrap();
        assert!(published.contains(&"linux/arm64/v8"), "{published:?}");
        // Windows entries lose their os.version, and duplicates go.
        let python = find("python:3.13").unwrap();
        let published = python.published_platforms(None).unwrap();
        assert_eq!(
            published.iter().filter(|p| **p == "windows/amd64").count(),
            1
        );
        // A pin to a platform manifest is that platform alone.
        let slim = find("python:3.12-slim").unwrap();
        let amd64 = slim.platform("linux/amd64").unwrap();
        let digest = amd64.manifest_digest.as_deref();
        assert_eq!(slim.published_platforms(digest).unwrap(), ["linux/amd64"]);
        // Unrecorded is unknown.
        let java = find("gcr.io/distroless/java17").unwrap();
        assert_eq!(java.published_platforms(None), None);
    }

    #[test]
    fn attestations_are_not_images() {
        let img = find("alpine:3.21").unwrap();
        assert!(
            img.platform_names()
                .iter()
                .all(|p| !p.contains("attestation"))
        );
    }

    #[test]
    fn kinds() {
        assert_eq!(
            variant_kind("python:3.12-alpine"),
            Some(VariantKind::Alpine)
        );
        assert_eq!(
            variant_kind("gcr.io/distroless/static"),
            Some(VariantKind::Distroless)
        );
        assert_eq!(variant_kind("python:2.7"), None);
    }
}
