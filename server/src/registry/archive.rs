//! Saved-image analysis: a `docker save` tarball (legacy `<id>/layer.tar` layout, or the
//! OCI layout Docker 25+ writes inside it) or an OCI image layout directory.
//!
//! For each layer: files added, changed and deleted (whiteouts `.wh.<name>`, opaque
//! directories `.wh..wh..opq`), bytes, and the bytes a later layer hides (overwritten or
//! deleted files still shipped); for the image: an efficiency score like dive's
//! (1 − hidden/total) and the largest files. Every blob is verified while it streams: the
//! sha256 of its bytes must equal the digest it is stored under, and the sha256 of the
//! uncompressed tar must equal the config's `diff_id`. Layers are never held in memory:
//! tar entries stream and only their headers are read.
//!
//! Invariants: paths taken from an archive's JSON never leave the layout (no absolute
//! paths, no `..` escaping, digests are 64 hex digits), and a mismatch is an error, not a
//! warning — a corrupted image is not analysed.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use thiserror::Error;

use super::HistoryEntry;
use super::catalog::normalize_platform;
use super::variants::final_chain;
use crate::layers::Analysis;
use crate::layers::analysis::instruction_text;
use crate::model::{Dockerfile, InstructionKind};

/// JSON files (manifests, configs, indexes) larger than this are refused.
const MAX_JSON_BYTES: u64 = 64 * 1024 * 1024;

/// How many largest / most wasteful files a report lists.
const TOP_FILES: usize = 10;

/// Why a saved image could not be analysed.
#[derive(Debug, Error)]
pub enum ArchiveError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{0}")]
    NotAnImage(String),
    #[error("{what}: invalid JSON: {source}")]
    Json {
        what: String,
        source: serde_json::Error,
    },
    #[error("{what}: `{path}` is not in the image")]
    Missing { what: String, path: String },
    #[error(
        "{what}: sha256 digest mismatch: expected {expected}, the bytes hash to {actual} \
         (the archive is corrupted or was modified)"
    )]
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    #[error("{what}: size mismatch: the descriptor says {expected} bytes, the blob has {actual}")]
    SizeMismatch {
        what: String,
        expected: u64,
        actual: u64,
    },
    #[error(
        "{what} is {compression}-compressed{media}; dlint reads gzip and uncompressed layers only"
    )]
    UnsupportedCompression {
        what: String,
        compression: String,
        media: String,
    },
    #[error("{what}: not a valid tar stream: {message}")]
    BadLayer { what: String, message: String },
    #[error("{0}")]
    Unsafe(String),
    #[error("no image for platform {wanted} in the layout (it has: {available})")]
    NoSuchPlatform { wanted: String, available: String },
}

/// Which layout an image was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArchiveFormat {
    /// `docker save` with `<id>/layer.tar` and `<id>.json` (Docker before 25).
    DockerSaveLegacy,
    /// `docker save` of Docker 25+: `manifest.json` pointing into `blobs/sha256/`.
    DockerSaveOci,
    /// An OCI image layout (`oci-layout`, `index.json`, `blobs/`), directory or tar.
    OciLayout,
}

impl ArchiveFormat {
    pub fn describe(self) -> &'static str {
        match self {
            Self::DockerSaveLegacy => "docker save (legacy layout)",
            Self::DockerSaveOci => "docker save (OCI blobs layout)",
            Self::OciLayout => "OCI image layout",
        }
    }
}

/// How a layer blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Gzip,
}

/// The Dockerfile instruction a layer was matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappedInstruction {
    /// 1-based line of the instruction.
    pub line: u32,
    pub text: String,
    /// Whether the history entry names the same instruction (`None`: no history).
    pub history_agrees: Option<bool>,
}

/// One layer of the saved image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerReport {
    /// 1-based, bottom first.
    pub index: usize,
    /// sha256 of the blob as stored (compressed, when compressed).
    pub digest: String,
    /// sha256 of the uncompressed tar.
    pub diff_id: String,
    pub media_type: Option<String>,
    pub compression: Compression,
    /// Size of the blob as stored.
    pub blob_bytes: u64,
    /// Sum of the sizes of the files in the layer.
    pub file_bytes: u64,
    pub added: usize,
    /// Files that replace a file of a lower layer.
    pub changed: usize,
    /// Files of lower layers this layer deletes (whiteouts and opaque directories).
    pub deleted: usize,
    pub whiteouts: usize,
    pub opaque_dirs: usize,
    /// Bytes of this layer's files that later layers overwrite or delete.
    pub hidden_bytes: u64,
    /// The config history entry that made the layer.
    pub created_by: Option<String>,
    /// With `--dockerfile`: the instruction that made it.
    pub instruction: Option<MappedInstruction>,
}

/// A file of the final image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSize {
    pub path: String,
    pub bytes: u64,
    /// 1-based layer that put it there.
    pub layer: usize,
}

/// How a shipped file became invisible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Hidden {
    Overwritten,
    Deleted,
}

/// A file version that is shipped but not visible in the final image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WastedFile {
    pub path: String,
    pub bytes: u64,
    /// The layer that shipped it.
    pub layer: usize,
    /// The layer that hid it.
    pub hidden_by: usize,
    pub how: Hidden,
}

/// How the layers line up with a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DockerfileMapping {
    pub path: String,
    /// Layers the Dockerfile's final image makes itself.
    pub own_layers: usize,
    /// Layers before them (the base image).
    pub base_layers: usize,
    pub notes: Vec<String>,
}

/// The analysis of a saved image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArchiveReport {
    pub path: String,
    pub format: ArchiveFormat,
    /// `RepoTags[0]` or the OCI `org.opencontainers.image.ref.name` annotation.
    pub reference: Option<String>,
    pub manifest_digest: Option<String>,
    pub config_digest: Option<String>,
    pub platform: Option<String>,
    pub created: Option<String>,
    pub history: Vec<HistoryEntry>,
    pub layers: Vec<LayerReport>,
    /// Sum of the blob sizes (what a pull downloads).
    pub blob_bytes: u64,
    /// Sum of the file sizes over all layers.
    pub total_bytes: u64,
    /// Bytes of the files visible in the final image.
    pub final_bytes: u64,
    /// Bytes shipped but hidden by later layers.
    pub wasted_bytes: u64,
    /// `1 − wasted/total` (1 when there are no bytes).
    pub efficiency: f64,
    pub largest_files: Vec<FileSize>,
    pub wasted_files: Vec<WastedFile>,
    /// What was checked: layer blobs against their digests, tars against `diff_id`s.
    pub verified: Verified,
    pub notes: Vec<String>,
    pub dockerfile: Option<DockerfileMapping>,
}

/// How many digests were checked (a mismatch is an error, so all that were checked match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Blobs (layers, config, manifests) whose sha256 matched the digest they are stored under.
    pub blobs: usize,
    /// Layers whose uncompressed sha256 matched the config's `diff_id`.
    pub diff_ids: usize,
}

// ---------------------------------------------------------------------------------------
// Storage: a directory, or an uncompressed tar indexed once and read by seeking.

trait Store {
    /// Stream a member. Paths are relative, `/`-separated.
    fn open(&self, path: &str) -> Result<Box<dyn Read + '_>, ArchiveError>;
    fn exists(&self, path: &str) -> bool;
    fn describe(&self, path: &str) -> String;
}

struct DirStore {
    root: PathBuf,
}

impl Store for DirStore {
    fn open(&self, path: &str) -> Result<Box<dyn Read + '_>, ArchiveError> {
        let full = self.root.join(path);
        File::open(&full)
            .map(|f| Box::new(BufReader::new(f)) as Box<dyn Read>)
            .map_err(|source| io_error(&full, source))
    }

    fn exists(&self, path: &str) -> bool {
        self.root.join(path).is_file()
    }

    fn describe(&self, path: &str) -> String {
        self.root.join(path).display().to_string()
    }
}

struct TarStore {
    file: PathBuf,
    /// Regular members: offset of the data and its size.
    members: HashMap<String, (u64, u64)>,
    /// Symbolic links (Docker 25+ links `<id>/layer.tar` into `blobs/`), resolved.
    links: HashMap<String, String>,
}

impl TarStore {
    fn index(file: &Path) -> Result<Self, ArchiveError> {
        let mut f = File::open(file).map_err(|e| io_error(file, e))?;
        let mut magic = [0u8; 6];
        let n = read_up_to(&mut f, &mut magic).map_err(|e| io_error(file, e))?;
        if let Some(kind) = sniff(&magic[..n]) {
            return Err(ArchiveError::NotAnImage(format!(
                "{}: the archive itself is {kind}-compressed; decompress it first \
                 (`docker save` writes a plain tar)",
                file.display()
            )));
        }
        f.seek(SeekFrom::Start(0)).map_err(|e| io_error(file, e))?;
        let mut archive = tar::Archive::new(BufReader::new(f));
        let mut members = HashMap::new();
        let mut links = HashMap::new();
        let bad = |e: io::Error| ArchiveError::NotAnImage(format!("{}: {e}", file.display()));
        for entry in archive.entries_with_seek().map_err(bad)? {
            let entry = entry.map_err(bad)?;
            let name = normalize_member(&String::from_utf8_lossy(&entry.path_bytes()));
            let kind = entry.header().entry_type();
            if kind.is_file() {
                members.insert(name, (entry.raw_file_position(), entry.size()));
            } else if (kind.is_symlink() || kind.is_hard_link())
                && let Some(target) = entry.link_name_bytes()
            {
                let target = String::from_utf8_lossy(&target).into_owned();
                let resolved = if kind.is_symlink() {
                    resolve_relative(&name, &target)
                } else {
                    Some(normalize_member(&target))
                };
                if let Some(r) = resolved {
                    links.insert(name, r);
                }
            }
        }
        Ok(Self {
            file: file.to_path_buf(),
            members,
            links,
        })
    }

    fn member(&self, path: &str) -> Option<(u64, u64)> {
        let mut name = normalize_member(path);
        // Links to links: a short chain at most; refuse cycles.
        for _ in 0..8 {
            if let Some(m) = self.members.get(&name) {
                return Some(*m);
            }
            name = self.links.get(&name)?.clone();
        }
        None
    }
}

impl Store for TarStore {
    fn open(&self, path: &str) -> Result<Box<dyn Read + '_>, ArchiveError> {
        let (offset, size) = self.member(path).ok_or_else(|| ArchiveError::Missing {
            what: self.file.display().to_string(),
            path: path.to_owned(),
        })?;
        let mut f = File::open(&self.file).map_err(|e| io_error(&self.file, e))?;
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| io_error(&self.file, e))?;
        Ok(Box::new(BufReader::new(f).take(size)))
    }

    fn exists(&self, path: &str) -> bool {
        self.member(path).is_some()
    }

    fn describe(&self, path: &str) -> String {
        format!("{}:{path}", self.file.display())
    }
}

fn io_error(path: &Path, source: io::Error) -> ArchiveError {
    ArchiveError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// `./a//b/` → `a/b`.
fn normalize_member(name: &str) -> String {
    name.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// A symlink target relative to the link's directory; `None` when it leaves the archive.
fn resolve_relative(link: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = link.split('/').collect();
        p.pop();
        p
    };
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A path from the archive's own JSON, checked to stay inside the layout.
fn safe_path(path: &str) -> Result<String, ArchiveError> {
    let normal = normalize_member(path);
    if path.starts_with('/') || normal.split('/').any(|p| p == "..") || normal.is_empty() {
        return Err(ArchiveError::Unsafe(format!(
            "refusing path `{path}` from the image's JSON: it leaves the layout"
        )));
    }
    Ok(normal)
}

/// `sha256:<hex>` → `blobs/sha256/<hex>`, checking the hex.
fn blob_path(digest: &str) -> Result<String, ArchiveError> {
    match digest.split_once(':') {
        Some(("sha256", hex)) if is_hex64(hex) => Ok(format!("blobs/sha256/{hex}")),
        _ => Err(ArchiveError::Unsafe(format!(
            "`{digest}` is not a sha256 digest (only sha256 is supported)"
        ))),
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The digest a `blobs/sha256/<hex>` path (or a legacy `<hex>.json`) names.
fn digest_from_path(path: &str) -> Option<String> {
    let last = path.rsplit('/').next()?;
    let hex = last.strip_suffix(".json").unwrap_or(last);
    is_hex64(hex).then(|| format!("sha256:{hex}"))
}

// ---------------------------------------------------------------------------------------
// Hashing while reading.

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    fn finish(self) -> (String, u64) {
        (hex_digest(self.hasher), self.bytes)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

fn hex_digest(hasher: Sha256) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in hasher.finalize() {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Read a JSON blob whole (bounded), verifying its digest and size when known.
fn read_json_blob(
    store: &dyn Store,
    path: &str,
    what: &str,
    digest: Option<&str>,
    size: Option<u64>,
) -> Result<Vec<u8>, ArchiveError> {
    let reader = store.open(path)?;
    let mut hashing = HashingReader::new(reader.take(MAX_JSON_BYTES + 1));
    let mut bytes = Vec::new();
    hashing
        .read_to_end(&mut bytes)
        .map_err(|source| ArchiveError::Io {
            path: store.describe(path),
            source,
        })?;
    if bytes.len() as u64 > MAX_JSON_BYTES {
        return Err(ArchiveError::NotAnImage(format!(
            "{what} ({}) is larger than {MAX_JSON_BYTES} bytes",
            store.describe(path)
        )));
    }
    let (actual, n) = hashing.finish();
    if let Some(expected) = digest
        && expected != actual
    {
        return Err(ArchiveError::DigestMismatch {
            what: what.to_owned(),
            expected: expected.to_owned(),
            actual,
        });
    }
    if let Some(expected) = size
        && expected != n
    {
        return Err(ArchiveError::SizeMismatch {
            what: what.to_owned(),
            expected,
            actual: n,
        });
    }
    Ok(bytes)
}

fn parse_json<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: &str) -> Result<T, ArchiveError> {
    serde_json::from_slice(bytes).map_err(|source| ArchiveError::Json {
        what: what.to_owned(),
        source,
    })
}

// ---------------------------------------------------------------------------------------
// The JSON documents.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveManifest {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ImageConfig {
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    history: Vec<ConfigHistory>,
    #[serde(default)]
    rootfs: Option<RootFs>,
}

#[derive(Debug, Deserialize)]
struct ConfigHistory {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    empty_layer: bool,
}

#[derive(Debug, Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    media_type: Option<String>,
    digest: String,
    size: u64,
    #[serde(default)]
    platform: Option<DescriptorPlatform>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

impl Descriptor {
    fn platform_string(&self) -> Option<String> {
        let p = self.platform.as_ref()?;
        Some(match &p.variant {
            Some(v) => format!("{}/{}/{v}", p.os, p.architecture),
            None => format!("{}/{}", p.os, p.architecture),
        })
    }

    fn is_attestation(&self) -> bool {
        self.annotations
            .as_ref()
            .and_then(|a| a.get("vnd.docker.reference.type"))
            .is_some_and(|t| t == "attestation-manifest")
            || self
                .platform
                .as_ref()
                .is_some_and(|p| p.os == "unknown" && p.architecture == "unknown")
    }

    fn is_index(&self) -> bool {
        self.media_type.as_deref().is_some_and(|m| {
            m == "application/vnd.oci.image.index.v1+json"
                || m == "application/vnd.docker.distribution.manifest.list.v2+json"
        })
    }
}

#[derive(Debug, Deserialize)]
struct DescriptorPlatform {
    architecture: String,
    os: String,
    #[serde(default)]
    variant: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OciIndex {
    #[serde(default)]
    manifests: Vec<Descriptor>,
}

#[derive(Debug, Deserialize)]
struct OciManifest {
    config: Descriptor,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

/// One layer to read: where, and what it must hash to.
struct LayerSource {
    path: String,
    /// Digest of the stored blob, when the layout names it.
    digest: Option<String>,
    size: Option<u64>,
    media_type: Option<String>,
}

/// The image found in a layout, before its layers are read.
struct Located {
    format: ArchiveFormat,
    reference: Option<String>,
    manifest_digest: Option<String>,
    config_digest: Option<String>,
    config: ImageConfig,
    layers: Vec<LayerSource>,
}

fn locate(store: &dyn Store, platform: Option<&str>) -> Result<Located, ArchiveError> {
    if store.exists("manifest.json") {
        locate_docker_save(store)
    } else if store.exists("index.json") {
        locate_oci(store, platform)
    } else {
        Err(ArchiveError::NotAnImage(format!(
            "{}: neither `manifest.json` (docker save) nor `index.json` (OCI layout) found",
            store.describe("")
        )))
    }
}

fn locate_docker_save(store: &dyn Store) -> Result<Located, ArchiveError> {
    let raw = read_json_blob(store, "manifest.json", "manifest.json", None, None)?;
    let manifests: Vec<SaveManifest> = parse_json(&raw, "manifest.json")?;
    let Some(first) = manifests.into_iter().next() else {
        return Err(ArchiveError::NotAnImage(
            "manifest.json lists no image".to_owned(),
        ));
    };
    let config_path = safe_path(&first.config)?;
    let config_digest = digest_from_path(&config_path);
    let raw = read_json_blob(
        store,
        &config_path,
        "image config",
        config_digest.as_deref(),
        None,
    )?;
    let config: ImageConfig = parse_json(&raw, "image config")?;
    let mut layers = Vec::new();
    let mut legacy = false;
    for l in &first.layers {
        let path = safe_path(l)?;
        let digest = if path.starts_with("blobs/") {
            digest_from_path(&path)
        } else {
            // `<id>/layer.tar`: the id is not the content digest; the diff_id checks it.
            legacy = true;
            None
        };
        layers.push(LayerSource {
            path,
            digest,
            size: None,
            media_type: None,
        });
    }
    Ok(Located {
        format: if legacy {
            ArchiveFormat::DockerSaveLegacy
        } else {
            ArchiveFormat::DockerSaveOci
        },
        reference: first.repo_tags.and_then(|t| t.into_iter().next()),
        manifest_digest: None,
        config_digest,
        config,
        layers,
    })
}

fn locate_oci(store: &dyn Store, platform: Option<&str>) -> Result<Located, ArchiveError> {
    let raw = read_json_blob(store, "index.json", "index.json", None, None)?;
    let mut index: OciIndex = parse_json(&raw, "index.json")?;
    let mut reference = None;
    // Nested indexes (a multi-platform image) are followed a few levels at most.
    for _ in 0..4 {
        let chosen = choose_manifest(&index.manifests, platform)?;
        let desc = &index.manifests[chosen];
        if reference.is_none() {
            reference = desc
                .annotations
                .as_ref()
                .and_then(|a| a.get("org.opencontainers.image.ref.name"))
                .cloned();
        }
        let path = blob_path(&desc.digest)?;
        let what = format!("manifest {}", desc.digest);
        let raw = read_json_blob(store, &path, &what, Some(&desc.digest), Some(desc.size))?;
        if desc.is_index() {
            index = parse_json(&raw, &what)?;
            continue;
        }
        let manifest: OciManifest = parse_json(&raw, &what)?;
        let config_path = blob_path(&manifest.config.digest)?;
        let raw = read_json_blob(
            store,
            &config_path,
            "image config",
            Some(&manifest.config.digest),
            Some(manifest.config.size),
        )?;
        let config: ImageConfig = parse_json(&raw, "image config")?;
        let layers = manifest
            .layers
            .iter()
            .map(|l| {
                Ok(LayerSource {
                    path: blob_path(&l.digest)?,
                    digest: Some(l.digest.clone()),
                    size: Some(l.size),
                    media_type: l.media_type.clone(),
                })
            })
            .collect::<Result<Vec<_>, ArchiveError>>()?;
        return Ok(Located {
            format: ArchiveFormat::OciLayout,
            reference,
            manifest_digest: Some(desc.digest.clone()),
            config_digest: Some(manifest.config.digest.clone()),
            config,
            layers,
        });
    }
    Err(ArchiveError::NotAnImage(
        "index.json: indexes nested too deep".to_owned(),
    ))
}

/// The manifest of an index to read: the only image, else the one for `platform`
/// (default linux/amd64). Attestation manifests are never images.
fn choose_manifest(
    manifests: &[Descriptor],
    platform: Option<&str>,
) -> Result<usize, ArchiveError> {
    let images: Vec<usize> = (0..manifests.len())
        .filter(|&i| !manifests[i].is_attestation())
        .collect();
    if platform.is_none() && images.len() == 1 {
        return Ok(images[0]);
    }
    let wanted = normalize_platform(platform.unwrap_or(super::catalog::DEFAULT_PLATFORM));
    if let Some(&i) = images.iter().find(|&&i| {
        manifests[i]
            .platform_string()
            .is_some_and(|p| normalize_platform(&p) == wanted)
    }) {
        return Ok(i);
    }
    // A single image without a recorded platform is taken as it is.
    if images.len() == 1 && manifests[images[0]].platform.is_none() {
        return Ok(images[0]);
    }
    let available: Vec<String> = images
        .iter()
        .map(|&i| {
            manifests[i]
                .platform_string()
                .unwrap_or_else(|| "unrecorded".to_owned())
        })
        .collect();
    Err(ArchiveError::NoSuchPlatform {
        wanted,
        available: if available.is_empty() {
            "no image manifest".to_owned()
        } else {
            available.join(", ")
        },
    })
}

// ---------------------------------------------------------------------------------------
// The filesystem model across layers.

#[derive(Debug, Clone, Copy)]
struct FileState {
    bytes: u64,
    /// 0-based layer.
    layer: usize,
}

#[derive(Default)]
struct FsModel {
    files: BTreeMap<String, FileState>,
    wasted: Vec<WastedFile>,
}

impl FsModel {
    /// Hide `state` (shipped at `path`) because of layer `by`.
    fn hide(
        &mut self,
        layers: &mut [LayerReport],
        path: String,
        state: FileState,
        by: usize,
        how: Hidden,
    ) {
        if let Some(l) = layers.get_mut(state.layer) {
            l.hidden_bytes += state.bytes;
        }
        self.wasted.push(WastedFile {
            path,
            bytes: state.bytes,
            layer: state.layer + 1,
            hidden_by: by + 1,
            how,
        });
    }

    /// Remove `path` and everything under it that lower layers (below `layer`) put there.
    fn remove_tree(
        &mut self,
        path: &str,
        layer: usize,
        include_self: bool,
    ) -> Vec<(String, FileState)> {
        // An opaque root (`.wh..wh..opq` at the top) hides everything below.
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        let start = if include_self { path } else { prefix.as_str() };
        let victims: Vec<String> = self
            .files
            .range::<str, _>((std::ops::Bound::Included(start), std::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(path))
            .filter(|(k, s)| {
                s.layer < layer && ((include_self && k.as_str() == path) || k.starts_with(&prefix))
            })
            .map(|(k, _)| k.clone())
            .collect();
        victims
            .into_iter()
            .filter_map(|k| self.files.remove(&k).map(|s| (k, s)))
            .collect()
    }
}

/// Read one layer's entries into the model.
fn apply_layer(
    store: &dyn Store,
    source: &LayerSource,
    index: usize,
    expected_diff_id: Option<&str>,
    model: &mut FsModel,
    layers: &mut Vec<LayerReport>,
) -> Result<(), ArchiveError> {
    let what = format!("layer {} ({})", index + 1, source.path);
    let mut report = LayerReport {
        index: index + 1,
        digest: String::new(),
        diff_id: String::new(),
        media_type: source.media_type.clone(),
        compression: Compression::None,
        blob_bytes: 0,
        file_bytes: 0,
        added: 0,
        changed: 0,
        deleted: 0,
        whiteouts: 0,
        opaque_dirs: 0,
        hidden_bytes: 0,
        created_by: None,
        instruction: None,
    };
    layers.push(report.clone());
    let mut compressed = HashingReader::new(store.open(&source.path)?);
    let entries = read_layer(
        &mut compressed,
        &what,
        source,
        index,
        &mut report,
        model,
        layers,
    );
    if entries.is_err() {
        // Hash the rest: a corrupted blob is reported as corrupted, not as a bad tar.
        let _ = io::copy(&mut compressed, &mut io::sink());
    }
    let (digest, blob_bytes) = compressed.finish();
    if let Some(expected) = &source.digest
        && *expected != digest
    {
        return Err(ArchiveError::DigestMismatch {
            what,
            expected: expected.clone(),
            actual: digest,
        });
    }
    if let Some(expected) = source.size
        && expected != blob_bytes
    {
        return Err(ArchiveError::SizeMismatch {
            what,
            expected,
            actual: blob_bytes,
        });
    }
    let diff_id = entries?;
    if let Some(expected) = expected_diff_id
        && expected != diff_id
    {
        return Err(ArchiveError::DigestMismatch {
            what: format!("{what}: uncompressed content (diff_id)"),
            expected: expected.to_owned(),
            actual: diff_id,
        });
    }
    let hidden = layers[index].hidden_bytes;
    report.digest = digest;
    report.diff_id = diff_id;
    report.blob_bytes = blob_bytes;
    report.hidden_bytes = hidden;
    layers[index] = report;
    Ok(())
}

/// Stream one layer's tar entries into the model; returns the `diff_id` (sha256 of the
/// uncompressed tar). Reads `compressed` to its end on success.
fn read_layer(
    compressed: &mut dyn Read,
    what: &str,
    source: &LayerSource,
    index: usize,
    report: &mut LayerReport,
    model: &mut FsModel,
    layers: &mut [LayerReport],
) -> Result<String, ArchiveError> {
    let bad = |e: io::Error| ArchiveError::BadLayer {
        what: what.to_owned(),
        message: e.to_string(),
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, compressed);
    let head = buffered.fill_buf().map_err(bad)?;
    let sniffed = sniff(head);
    let decompressed: Box<dyn Read + '_> = match sniffed {
        None => Box::new(&mut buffered),
        Some("gzip") => {
            report.compression = Compression::Gzip;
            Box::new(MultiGzDecoder::new(&mut buffered))
        }
        Some(other) => {
            return Err(ArchiveError::UnsupportedCompression {
                what: what.to_owned(),
                compression: other.to_owned(),
                media: source
                    .media_type
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default(),
            });
        }
    };
    let mut uncompressed = HashingReader::new(decompressed);
    {
        let mut archive = tar::Archive::new(&mut uncompressed);
        let mut opaque: Vec<String> = Vec::new();
        for entry in archive.entries().map_err(bad)? {
            let entry = entry.map_err(bad)?;
            let path = normalize_member(&String::from_utf8_lossy(&entry.path_bytes()));
            let kind = entry.header().entry_type();
            let size = if kind.is_file() || kind == tar::EntryType::Continuous {
                entry.size()
            } else {
                0
            };
            let (dir, name) = match path.rsplit_once('/') {
                Some((d, n)) => (d, n),
                None => ("", path.as_str()),
            };
            if name == ".wh..wh..opq" {
                report.opaque_dirs += 1;
                // Applied after the layer: this layer's own files in it stay.
                opaque.push(dir.to_owned());
                continue;
            }
            if let Some(target) = name.strip_prefix(".wh.") {
                report.whiteouts += 1;
                let target = if dir.is_empty() {
                    target.to_owned()
                } else {
                    format!("{dir}/{target}")
                };
                for (p, s) in model.remove_tree(&target, index, true) {
                    report.deleted += 1;
                    model.hide(layers, p, s, index, Hidden::Deleted);
                }
                continue;
            }
            if kind.is_dir() || path.is_empty() {
                // A directory replacing a file of a lower layer hides that file.
                if let Some(old) = model.files.get(&path).copied()
                    && old.layer < index
                {
                    model.files.remove(&path);
                    report.changed += 1;
                    model.hide(layers, path, old, index, Hidden::Overwritten);
                }
                continue;
            }
            report.file_bytes += size;
            let new = FileState {
                bytes: size,
                layer: index,
            };
            match model.files.insert(path.clone(), new) {
                Some(old) => {
                    if old.layer < index {
                        report.changed += 1;
                    }
                    model.hide(layers, path, old, index, Hidden::Overwritten);
                }
                None => report.added += 1,
            }
        }
        for dir in opaque {
            for (p, s) in model.remove_tree(&dir, index, false) {
                report.deleted += 1;
                model.hide(layers, p, s, index, Hidden::Deleted);
            }
        }
    }
    // The tar ends at its end-of-archive blocks; the diff_id covers every byte.
    io::copy(&mut uncompressed, &mut io::sink()).map_err(bad)?;
    let (diff_id, _) = uncompressed.finish();
    io::copy(&mut buffered, &mut io::sink()).map_err(bad)?;
    Ok(diff_id)
}

/// The compression a blob's first bytes announce; `None` for anything else (a tar).
fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some("gzip")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else if head.starts_with(b"BZh") {
        Some("bzip2")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Some("xz")
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// Entry points.

/// Analyse a `docker save` tarball (or an OCI layout packed in a tar).
pub fn analyze_archive(path: &Path, platform: Option<&str>) -> Result<ArchiveReport, ArchiveError> {
    let store = TarStore::index(path)?;
    analyze_store(&store, &path.display().to_string(), platform)
}

/// Analyse an OCI image layout directory (or an extracted `docker save`).
pub fn analyze_oci_layout(
    dir: &Path,
    platform: Option<&str>,
) -> Result<ArchiveReport, ArchiveError> {
    if !dir.is_dir() {
        return Err(ArchiveError::NotAnImage(format!(
            "{}: not a directory",
            dir.display()
        )));
    }
    let store = DirStore {
        root: dir.to_path_buf(),
    };
    analyze_store(&store, &dir.display().to_string(), platform)
}

fn analyze_store(
    store: &dyn Store,
    name: &str,
    platform: Option<&str>,
) -> Result<ArchiveReport, ArchiveError> {
    let located = locate(store, platform)?;
    let mut notes = Vec::new();
    let diff_ids: Vec<String> = located
        .config
        .rootfs
        .as_ref()
        .map(|r| r.diff_ids.clone())
        .unwrap_or_default();
    if !diff_ids.is_empty() && diff_ids.len() != located.layers.len() {
        return Err(ArchiveError::NotAnImage(format!(
            "the config lists {} diff_ids for {} layers",
            diff_ids.len(),
            located.layers.len()
        )));
    }
    if diff_ids.is_empty() {
        notes.push("the config has no rootfs.diff_ids: uncompressed content not verified".into());
    }
    let mut model = FsModel::default();
    let mut layers = Vec::with_capacity(located.layers.len());
    for (i, source) in located.layers.iter().enumerate() {
        apply_layer(
            store,
            source,
            i,
            diff_ids.get(i).map(String::as_str),
            &mut model,
            &mut layers,
        )?;
    }

    let history: Vec<HistoryEntry> = located
        .config
        .history
        .iter()
        .map(|h| HistoryEntry {
            created_by: h.created_by.clone().unwrap_or_default(),
            empty_layer: h.empty_layer,
            created: h.created.clone(),
        })
        .collect();
    let made_layers: Vec<&HistoryEntry> = history.iter().filter(|h| !h.empty_layer).collect();
    if made_layers.len() == layers.len() {
        for (layer, h) in layers.iter_mut().zip(made_layers) {
            layer.created_by = Some(h.created_by.clone()).filter(|c| !c.is_empty());
        }
    } else if !history.is_empty() {
        notes.push(format!(
            "the config history has {} layer-making entries for {} layers: layers are not \
             matched to history",
            made_layers.len(),
            layers.len()
        ));
    }

    let total_bytes: u64 = layers.iter().map(|l| l.file_bytes).sum();
    let wasted_bytes: u64 = model.wasted.iter().map(|w| w.bytes).sum();
    let final_bytes: u64 = model.files.values().map(|f| f.bytes).sum();
    let efficiency = if total_bytes == 0 {
        1.0
    } else {
        1.0 - wasted_bytes as f64 / total_bytes as f64
    };
    let mut largest: Vec<FileSize> = model
        .files
        .iter()
        .map(|(p, s)| FileSize {
            path: p.clone(),
            bytes: s.bytes,
            layer: s.layer + 1,
        })
        .collect();
    largest.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    largest.truncate(TOP_FILES);
    let mut wasted = model.wasted;
    wasted.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.layer.cmp(&b.layer))
    });
    wasted.truncate(TOP_FILES);
    let config = &located.config;
    let platform = config
        .os
        .as_ref()
        .zip(config.architecture.as_ref())
        .map(|(os, arch)| match &config.variant {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        });
    let verified = Verified {
        blobs: located.layers.iter().filter(|l| l.digest.is_some()).count()
            + usize::from(located.config_digest.is_some())
            + usize::from(located.manifest_digest.is_some()),
        diff_ids: diff_ids.len(),
    };
    Ok(ArchiveReport {
        path: name.to_owned(),
        format: located.format,
        reference: located.reference,
        manifest_digest: located.manifest_digest,
        config_digest: located.config_digest,
        platform,
        created: config.created.clone(),
        history,
        blob_bytes: layers.iter().map(|l| l.blob_bytes).sum(),
        layers,
        total_bytes,
        final_bytes,
        wasted_bytes,
        efficiency,
        largest_files: largest,
        wasted_files: wasted,
        verified,
        notes,
        dockerfile: None,
    })
}

// ---------------------------------------------------------------------------------------
// Layers ↔ Dockerfile.

/// The instruction keyword a history `created_by` names: `RUN`, `COPY`, `ADD`, `WORKDIR`…
/// (BuildKit writes `RUN /bin/sh -c …`, `COPY x /y # buildkit`; the classic builder
/// `/bin/sh -c #(nop) COPY file:… in /y` and `/bin/sh -c <command>` for RUN).
fn history_keyword(created_by: &str) -> Option<String> {
    let text = created_by.trim();
    let text = match text.strip_prefix("/bin/sh -c ") {
        Some(rest) => match rest.trim_start().strip_prefix("#(nop)") {
            Some(nop) => nop.trim_start(),
            None => return Some("RUN".to_owned()),
        },
        None => text,
    };
    let kind = InstructionKind::from_keyword(text.split_whitespace().next()?);
    (kind != InstructionKind::Unknown).then(|| kind.as_str().to_owned())
}

/// Match the saved image's layers to the Dockerfile's: non-empty history entries are the
/// layers (done by the analysis), and the last layers are the final stage's filesystem
/// steps, in order; the ones before them are the base image's.
pub fn map_dockerfile(
    report: &mut ArchiveReport,
    path: &str,
    df: &Dockerfile,
    analysis: &Analysis,
) {
    let mut notes = Vec::new();
    let Some(chain) = final_chain(analysis) else {
        notes.push("the Dockerfile has no stage to build".to_owned());
        report.dockerfile = Some(DockerfileMapping {
            path: path.to_owned(),
            own_layers: 0,
            base_layers: report.layers.len(),
            notes,
        });
        return;
    };
    let own = chain.steps.len();
    let total = report.layers.len();
    if own > total {
        notes.push(format!(
            "the Dockerfile makes {own} layers but the image has {total}: it was not built \
             from this Dockerfile as written; only the last {total} are matched"
        ));
    }
    let base_layers = total.saturating_sub(own);
    let skip = own.saturating_sub(total);
    let mut disagreements = 0;
    for (j, (_, step)) in chain.steps.iter().enumerate().skip(skip) {
        let layer_index = base_layers + j - skip;
        let Some(ins) = df.instructions.get(step.instruction) else {
            continue;
        };
        let layer = &mut report.layers[layer_index];
        let history_agrees = layer
            .created_by
            .as_deref()
            .and_then(history_keyword)
            .map(|k| k == ins.kind.as_str());
        if history_agrees == Some(false) {
            disagreements += 1;
            notes.push(format!(
                "layer {}: the history says `{}`, line {} is `{}`",
                layer.index,
                shorten(layer.created_by.as_deref().unwrap_or(""), 50),
                ins.start_line,
                shorten(&instruction_text(ins), 50)
            ));
        }
        layer.instruction = Some(MappedInstruction {
            line: ins.start_line,
            text: instruction_text(ins),
            history_agrees,
        });
    }
    if disagreements > 0 {
        notes.push(format!(
            "{disagreements} layer(s) disagree with the Dockerfile: the image may come from \
             another revision of it"
        ));
    }
    if let crate::layers::Base::Image(base) = chain.base
        && let Ok(info) = super::catalog::lookup(base, report.platform.as_deref())
        && own <= total
        && info.layers.len() != base_layers
    {
        notes.push(format!(
            "the base {base} has {} layers in the catalogue (as of {}), the image has {base_layers} \
             before the Dockerfile's: the base was another build",
            info.layers.len(),
            match &info.source {
                super::Source::Catalog { as_of, .. } => as_of.get(..10).unwrap_or(as_of),
                _ => "?",
            }
        ));
    }
    report.dockerfile = Some(DockerfileMapping {
        path: path.to_owned(),
        own_layers: own,
        base_layers,
        notes,
    });
}

fn shorten(s: &str, max: usize) -> String {
    crate::layers::report::shorten(s, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        assert_eq!(normalize_member("./a//b/"), "a/b");
        assert_eq!(
            resolve_relative("abc/layer.tar", "../blobs/sha256/ff"),
            Some("blobs/sha256/ff".to_owned())
        );
        assert_eq!(resolve_relative("layer.tar", "../../x"), None);
        assert!(safe_path("../etc/passwd").is_err());
        assert!(safe_path("/etc/passwd").is_err());
        assert_eq!(safe_path("./blobs/sha256/ab").unwrap(), "blobs/sha256/ab");
        assert!(blob_path("sha256:../../x").is_err());
        assert!(blob_path("sha512:00").is_err());
    }

    #[test]
    fn history_keywords() {
        let k = |s| history_keyword(s);
        assert_eq!(
            k("RUN /bin/sh -c apt-get update # buildkit").as_deref(),
            Some("RUN")
        );
        assert_eq!(k("COPY app.py /app/ # buildkit").as_deref(), Some("COPY"));
        assert_eq!(
            k("/bin/sh -c #(nop) ADD file:abc in / ").as_deref(),
            Some("ADD")
        );
        assert_eq!(k("/bin/sh -c #(nop)  CMD [\"sh\"]").as_deref(), Some("CMD"));
        assert_eq!(k("/bin/sh -c apk add curl").as_deref(), Some("RUN"));
        assert_eq!(k("WORKDIR /app").as_deref(), Some("WORKDIR"));
        assert_eq!(k("# debian.sh --arch amd64"), None);
        assert_eq!(k(""), None);
    }

    #[test]
    fn compression_sniffing() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8]), Some("gzip"));
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd]), Some("zstd"));
        assert_eq!(sniff(b"etc/\0\0"), None);
    }
}
