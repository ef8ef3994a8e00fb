//! Image lookups: a reference and a platform in, an [`ImageInfo`] out — from the on-disk
//! cache when it can answer, else from the registry (index → platform manifest → config).
//!
//! Invariants:
//! - Every body fetched by digest hashes to that digest before it is parsed or cached; a
//!   manifest fetched by tag must match `Docker-Content-Digest` when the registry sends it,
//!   and is recorded under the sha256 of its exact bytes.
//! - Offline mode never touches the network: cached answers (even past their TTL) or
//!   [`RegistryError::Offline`].
//! - A warm lookup (tag answer younger than the TTL, documents cached) sends no request.
//! - Past the TTL, a `HEAD` checks whether the tag moved (not counted as a pull by Docker
//!   Hub); when the registry cannot be reached, the stale answer is used, labelled cached.
//!
//! Entry points: [`Registry::image_info`] (async, for the language server) and
//! [`BlockingRegistry`] / [`fetch_image_blocking`] (for the CLI).

use std::time::SystemTime;

use reqwest::Method;
use serde::Deserialize;

use super::cache::{Cache, rfc3339};
use super::client::{Client, Response, StatsSnapshot};
use super::config::RegistryConfig;
use super::digest::{Digest, DigestError};
use super::error::RegistryError;
use super::manifest::{
    ImageConfig, ImageManifest, Index, MANIFEST_ACCEPT, ManifestKind, Platform, classify,
};
use super::reference::{DEFAULT_TAG, Reference};
use super::{HistoryEntry, ImageInfo, LayerInfo, Source};

/// Nested indexes followed before giving up (real images have none).
const MAX_INDEX_DEPTH: usize = 2;

/// Where one document of a lookup came from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    Network,
    Cache(SystemTime),
}

/// A verified manifest or blob.
#[derive(Debug)]
struct Doc {
    bytes: Vec<u8>,
    digest: Digest,
    /// Media type from the response or the tag cache; `None` for cached-by-digest bytes.
    media_type: Option<String>,
    origin: Origin,
}

/// Looks images up on registries, through the on-disk cache. One per process is enough:
/// it holds the connection pool, tokens and request counters.
#[derive(Debug)]
pub struct Registry {
    client: Client,
    cache: Option<Cache>,
}

impl Registry {
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let cache = config.cache_dir.clone().map(Cache::new);
        Ok(Self {
            client: Client::new(config)?,
            cache,
        })
    }

    pub fn config(&self) -> &RegistryConfig {
        &self.client.config
    }

    /// HTTP requests sent so far by this registry client.
    pub fn stats(&self) -> StatsSnapshot {
        self.client.stats.snapshot()
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// Parses `image` (after ARG expansion; not `scratch`, not a stage name) and `platform`
    /// (`None` = linux/amd64), then looks the image up.
    pub async fn lookup(
        &self,
        image: &str,
        platform: Option<&str>,
    ) -> Result<ImageInfo, RegistryError> {
        let reference = Reference::parse(image)?;
        let platform = platform
            .map(Platform::parse)
            .transpose()?
            .unwrap_or_default();
        self.image_info(&reference, &platform).await
    }

    /// Facts about the `platform` image of `reference`: layers with compressed sizes,
    /// history, creation time. A single-platform image is returned whatever `platform` is,
    /// labelled with its own platform.
    pub async fn image_info(
        &self,
        reference: &Reference,
        platform: &Platform,
    ) -> Result<ImageInfo, RegistryError> {
        let top = self.top_manifest(reference).await?;
        let mut origins = vec![top.origin];
        let (kind, _) = classify(top.media_type.as_deref(), &top.bytes)?;
        let (index_digest, manifest_doc, selected) = match kind {
            ManifestKind::Image => (None, top, None),
            ManifestKind::Index => {
                let index_digest = top.digest.clone();
                let mut doc = top;
                let mut depth = 0;
                loop {
                    let index = Index::parse(&doc.bytes)?;
                    let entry = index.select(platform).ok_or_else(|| {
                        RegistryError::NoMatchingPlatform {
                            reference: reference.to_string(),
                            wanted: platform.to_string(),
                            available: index.platforms().iter().map(ToString::to_string).collect(),
                        }
                    })?;
                    let digest = parse_digest(&entry.digest, "index entry")?;
                    let selected = entry.image_platform();
                    let child = self.manifest_by_digest(reference, &digest).await?;
                    origins.push(child.origin);
                    match classify(child.media_type.as_deref(), &child.bytes)?.0 {
                        ManifestKind::Image => break (Some(index_digest), child, selected),
                        ManifestKind::Index if depth < MAX_INDEX_DEPTH => {
                            depth += 1;
                            doc = child;
                        }
                        ManifestKind::Index => {
                            return Err(RegistryError::NoMatchingPlatform {
                                reference: reference.to_string(),
                                wanted: platform.to_string(),
                                available: Vec::new(),
                            });
                        }
                    }
                }
            }
        };
        let manifest = ImageManifest::parse(&manifest_doc.bytes)?;
        let config_digest = parse_digest(&manifest.config.digest, "config descriptor")?;
        let config_doc = self.blob_doc(reference, &config_digest).await?;
        origins.push(config_doc.origin);
        let config = ImageConfig::parse(&config_doc.bytes)?;

        let platform = selected.unwrap_or_else(|| {
            Platform::new(&config.os, &config.architecture, config.variant.as_deref())
        });
        let source = source_of(&origins);
        Ok(assemble(
            reference,
            index_digest,
            &manifest_doc.digest,
            &manifest,
            config,
            &platform,
            source,
        ))
    }

    /// A verified blob (e.g. a config) of `reference`'s repository, by digest.
    pub async fn blob(
        &self,
        reference: &Reference,
        digest: &Digest,
    ) -> Result<Vec<u8>, RegistryError> {
        Ok(self.blob_doc(reference, digest).await?.bytes)
    }

    /// The digest `reference` resolves to (the index or manifest its tag points to), using
    /// the cache like [`Registry::image_info`].
    pub async fn resolve_digest(&self, reference: &Reference) -> Result<Digest, RegistryError> {
        Ok(self.top_manifest(reference).await?.digest)
    }

    /// The document the reference names: by digest when pinned, else by tag.
    async fn top_manifest(&self, reference: &Reference) -> Result<Doc, RegistryError> {
        if let Some(digest) = reference.digest() {
            return self.manifest_by_digest(reference, digest).await;
        }
        let tag = reference.tag().unwrap_or(DEFAULT_TAG);
        let now = SystemTime::now();
        let cached = self.cache.as_ref().and_then(|c| {
            let entry = c.get_tag(reference.registry(), reference.repository(), tag)?;
            let digest = Digest::parse(&entry.digest).ok()?;
            let blob = c.get_blob(&digest)?;
            let doc = Doc {
                bytes: blob.bytes,
                digest,
                media_type: Some(entry.media_type.clone()),
                origin: Origin::Cache(entry.fetched_at_time()),
            };
            Some((entry.age(now), doc))
        });
        let Some((age, stale)) = cached else {
            self.ensure_online(reference)?;
            return self.manifest_by_tag(reference, tag).await;
        };
        if self.config().offline || age < self.config().tag_ttl {
            return Ok(stale);
        }
        // Past the TTL: ask whether the tag moved; if the registry is unreachable, the
        // stale answer beats none.
        let checked = match self.head_tag(reference, tag).await {
            Ok(Some(current)) if current == stale.digest => {
                if let Some(c) = &self.cache {
                    let media_type = stale.media_type.as_deref().unwrap_or_default();
                    let _ = c.put_tag(
                        reference.registry(),
                        reference.repository(),
                        tag,
                        &current,
                        media_type,
                        now,
                    );
                }
                return Ok(Doc {
                    origin: Origin::Network,
                    ..stale
                });
            }
            Ok(_) => self.manifest_by_tag(reference, tag).await,
            Err(e) => Err(e),
        };
        match checked {
            Err(e) if e.is_transient() => Ok(stale),
            other => other,
        }
    }

    fn ensure_online(&self, reference: &Reference) -> Result<(), RegistryError> {
        if self.config().offline {
            Err(RegistryError::Offline(reference.to_string()))
        } else {
            Ok(())
        }
    }

    /// `HEAD …/manifests/<tag>` → the `Docker-Content-Digest`, if the registry sends one.
    async fn head_tag(
        &self,
        reference: &Reference,
        tag: &str,
    ) -> Result<Option<Digest>, RegistryError> {
        let path = format!("v2/{}/manifests/{tag}", reference.repository());
        let what = format!("manifest {}:{tag}", reference.repository());
        let resp = self
            .request(reference, &path, Method::HEAD, Some(MANIFEST_ACCEPT), &what)
            .await?;
        Ok(resp
            .header("docker-content-digest")
            .and_then(|h| Digest::parse(h.trim()).ok()))
    }

    async fn manifest_by_tag(
        &self,
        reference: &Reference,
        tag: &str,
    ) -> Result<Doc, RegistryError> {
        let path = format!("v2/{}/manifests/{tag}", reference.repository());
        let what = format!("manifest {}:{tag}", reference.repository());
        let resp = self
            .request(reference, &path, Method::GET, Some(MANIFEST_ACCEPT), &what)
            .await?;
        if let Some(claimed) = resp.header("docker-content-digest") {
            match Digest::parse(claimed.trim()) {
                Ok(claimed) => {
                    claimed
                        .verify(&resp.body)
                        .map_err(|source| RegistryError::Verification {
                            url: resp.url.clone(),
                            source,
                        })?;
                }
                // Another algorithm: not checkable here; the sha256 of the bytes is recorded.
                Err(DigestError::UnsupportedAlgorithm(_)) => {}
                Err(source) => {
                    return Err(RegistryError::BadDigest {
                        context: format!("{}: Docker-Content-Digest", resp.url),
                        source,
                    });
                }
            }
        }
        let digest = Digest::of(&resp.body);
        let (_, media_type) = classify(resp.header("content-type"), &resp.body)?;
        if let Some(c) = &self.cache {
            // Best effort: a read-only cache directory must not fail the lookup.
            let _ = c.put_blob(&digest, &resp.body);
            let _ = c.put_tag(
                reference.registry(),
                reference.repository(),
                tag,
                &digest,
                &media_type,
                SystemTime::now(),
            );
        }
        Ok(Doc {
            bytes: resp.body,
            digest,
            media_type: Some(media_type),
            origin: Origin::Network,
        })
    }

    async fn manifest_by_digest(
        &self,
        reference: &Reference,
        digest: &Digest,
    ) -> Result<Doc, RegistryError> {
        self.by_digest(reference, digest, "manifests", Some(MANIFEST_ACCEPT))
            .await
    }

    async fn blob_doc(&self, reference: &Reference, digest: &Digest) -> Result<Doc, RegistryError> {
        self.by_digest(reference, digest, "blobs", None).await
    }

    /// A content-addressed document: cache first (verified on read), else fetched, verified
    /// and cached.
    async fn by_digest(
        &self,
        reference: &Reference,
        digest: &Digest,
        kind: &str,
        accept: Option<&str>,
    ) -> Result<Doc, RegistryError> {
        if let Some(blob) = self.cache.as_ref().and_then(|c| c.get_blob(digest)) {
            return Ok(Doc {
                bytes: blob.bytes,
                digest: digest.clone(),
                media_type: None,
                origin: Origin::Cache(blob.stored_at),
            });
        }
        if self.config().offline {
            return Err(RegistryError::Offline(format!(
                "{}@{digest}",
                reference.name()
            )));
        }
        let path = format!("v2/{}/{kind}/{digest}", reference.repository());
        let what = format!(
            "{} {}@{digest}",
            &kind[..kind.len() - 1],
            reference.repository()
        );
        let resp = self
            .request(reference, &path, Method::GET, accept, &what)
            .await?;
        digest
            .verify(&resp.body)
            .map_err(|source| RegistryError::Verification {
                url: resp.url.clone(),
                source,
            })?;
        let media_type = resp.header("content-type").map(str::to_owned);
        if accept.is_some() {
            classify(media_type.as_deref(), &resp.body)?;
        }
        if let Some(c) = &self.cache {
            let _ = c.put_blob(digest, &resp.body);
        }
        Ok(Doc {
            bytes: resp.body,
            digest: digest.clone(),
            media_type,
            origin: Origin::Network,
        })
    }

    /// Sends to the mirrors, then the registry; a mirror's 404, 5xx or network failure
    /// moves on to the next endpoint, its 401 does not. Non-2xx answers become errors.
    async fn request(
        &self,
        reference: &Reference,
        path: &str,
        method: Method,
        accept: Option<&str>,
        what: &str,
    ) -> Result<Response, RegistryError> {
        let mut last = None;
        for endpoint in self.client.endpoints(reference.registry()) {
            let endpoint = match endpoint {
                Ok(e) => e,
                Err(e) => {
                    last = Some(e);
                    continue;
                }
            };
            let result = self
                .client
                .registry_request(
                    &endpoint,
                    reference.repository(),
                    path,
                    method.clone(),
                    accept,
                )
                .await
                .and_then(|r| check_status(r, &endpoint.host, what));
            match result {
                Err(e) if endpoint.is_mirror && falls_back(&e) => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| RegistryError::Setup("no registry endpoint".to_owned())))
    }
}

fn falls_back(e: &RegistryError) -> bool {
    e.is_transient()
        || matches!(
            e,
            RegistryError::NotFound { .. } | RegistryError::Insecure { .. }
        )
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// The registry's own explanation (distribution-spec *Error Codes*), shortened.
fn error_message(body: &[u8]) -> String {
    let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) else {
        return String::new();
    };
    let mut msg = parsed
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.code, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    if msg.len() > 200 {
        let mut end = 200;
        while !msg.is_char_boundary(end) {
            end -= 1;
        }
        msg.truncate(end);
        msg.push('…');
    }
    msg
}

fn check_status(resp: Response, registry: &str, what: &str) -> Result<Response, RegistryError> {
    let status = resp.status.as_u16();
    match status {
        200..=299 => Ok(resp),
        404 => Err(RegistryError::NotFound {
            registry: registry.to_owned(),
            what: what.to_owned(),
        }),
        401 | 403 => Err(RegistryError::Unauthorized {
            registry: registry.to_owned(),
            detail: error_message(&resp.body),
        }),
        429 => Err(RegistryError::RateLimited {
            retry_after: resp.retry_after(),
            url: resp.url,
        }),
        _ => Err(RegistryError::Status {
            message: error_message(&resp.body),
            url: resp.url,
            status,
        }),
    }
}

fn parse_digest(s: &str, context: &str) -> Result<Digest, RegistryError> {
    Digest::parse(s).map_err(|source| RegistryError::BadDigest {
        context: context.to_owned(),
        source,
    })
}

/// Live when anything came from the network in this lookup; else cached, dated by when the
/// tag (or top document) was fetched.
fn source_of(origins: &[Origin]) -> Source {
    if origins.iter().any(|o| matches!(o, Origin::Network)) {
        return Source::Live {
            fetched_at: rfc3339(SystemTime::now()),
        };
    }
    let at = match origins.first() {
        Some(Origin::Cache(t)) => *t,
        _ => SystemTime::now(),
    };
    Source::Cache {
        fetched_at: rfc3339(at),
    }
}

/// Builds the [`ImageInfo`]: non-empty history entries map 1:1, in order, onto layers;
/// when the counts disagree, layers carry no `created_by` rather than a guess.
fn assemble(
    reference: &Reference,
    index_digest: Option<Digest>,
    manifest_digest: &Digest,
    manifest: &ImageManifest,
    config: ImageConfig,
    platform: &Platform,
    source: Source,
) -> ImageInfo {
    let built: Vec<Option<String>> = config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .map(|h| h.created_by.clone())
        .collect();
    let aligned = !config.history.is_empty() && built.len() == manifest.layers.len();
    let layers = manifest
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| LayerInfo {
            digest: l.digest.clone(),
            compressed_bytes: l.size,
            created_by: if aligned { built[i].clone() } else { None },
        })
        .collect();
    let history = config
        .history
        .into_iter()
        .map(|h| HistoryEntry {
            created_by: h.created_by.unwrap_or_default(),
            empty_layer: h.empty_layer,
            created: h.created,
        })
        .collect();
    ImageInfo {
        reference: reference.to_string(),
        manifest_digest: Some(manifest_digest.to_string()),
        index_digest: index_digest.map(|d| d.to_string()),
        platform: platform.to_string(),
        layers,
        history,
        created: config.created,
        source,
    }
}

/// A [`Registry`] with its own single-threaded runtime, for synchronous callers (the CLI).
/// Do not use from inside an async runtime.
#[derive(Debug)]
pub struct BlockingRegistry {
    runtime: tokio::runtime::Runtime,
    registry: Registry,
}

impl BlockingRegistry {
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RegistryError::Setup(e.to_string()))?;
        let registry = {
            let _guard = runtime.enter();
            Registry::new(config)?
        };
        Ok(Self { runtime, registry })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// See [`Registry::image_info`].
    pub fn image_info(
        &self,
        reference: &Reference,
        platform: &Platform,
    ) -> Result<ImageInfo, RegistryError> {
        self.runtime
            .block_on(self.registry.image_info(reference, platform))
    }

    /// See [`Registry::lookup`].
    pub fn lookup(&self, image: &str, platform: Option<&str>) -> Result<ImageInfo, RegistryError> {
        self.runtime.block_on(self.registry.lookup(image, platform))
    }
}

/// One-shot synchronous lookup of `image` for `platform` (`None` = linux/amd64).
pub fn fetch_image_blocking(
    config: RegistryConfig,
    image: &str,
    platform: Option<&str>,
) -> Result<ImageInfo, RegistryError> {
    BlockingRegistry::new(config)?.lookup(image, platform)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn lookups_are_send_for_multi_threaded_runtimes() {
        let registry = Registry::new(RegistryConfig {
            cache_dir: None,
            offline: true,
            ..RegistryConfig::default()
        })
        .unwrap();
        let reference = Reference::parse("python").unwrap();
        let platform = Platform::default();
        assert_send(&registry.image_info(&reference, &platform));
        assert_send(&registry.lookup("python", None));
        assert_send(&registry.blob(&reference, &Digest::of(b"")));
    }
}
