//! What the language server knows about base images, and the second pass that asks the
//! registries.
//!
//! Features read [`ImageStore::get`], which never waits on the network: it answers from
//! memory, else from the on-disk registry cache (read once, offline), else from the
//! embedded catalogue. [`ImageStore::wanted`] lists the images a document uses that have
//! not been looked up live yet; the server fetches those in the background and, when one
//! lands, refreshes inlay hints and diagnostics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::registry::config::RegistryConfig;
use crate::registry::fetch::Registry;
use crate::registry::{ImageInfo, Source, catalog};

/// One image (as written after ARG expansion) on one platform.
pub type ImageKey = (String, String);

/// Where a lookup stands.
#[derive(Debug, Clone)]
pub enum ImageState {
    /// Known from the cache or catalogue; a live lookup may still improve it.
    Provisional(Option<Arc<ImageInfo>>),
    /// A live lookup is under way.
    Fetching(Option<Arc<ImageInfo>>),
    /// Looked up live (or the live lookup failed: the best fallback is kept, with why).
    Settled {
        info: Option<Arc<ImageInfo>>,
        error: Option<String>,
    },
}

impl ImageState {
    fn info(&self) -> Option<&Arc<ImageInfo>> {
        match self {
            Self::Provisional(info) | Self::Fetching(info) | Self::Settled { info, .. } => {
                info.as_ref()
            }
        }
    }
}

/// Image facts shared by every document of a session.
#[derive(Debug)]
pub struct ImageStore {
    entries: Mutex<HashMap<ImageKey, ImageState>>,
    /// The registry client; `None` when offline or when it could not be built.
    registry: Option<Arc<Registry>>,
    /// The same client's configuration forced offline, for reading the disk cache.
    offline_registry: Option<Arc<Registry>>,
    offline: bool,
}

impl ImageStore {
    /// A store that never touches the network nor the disk cache: catalogue only.
    pub fn offline() -> Self {
        Self {
            entries: Mutex::default(),
            registry: None,
            offline_registry: None,
            offline: true,
        }
    }

    /// A store backed by a registry client with `config` (offline when `config.offline`).
    pub fn new(config: &RegistryConfig) -> Self {
        let offline_config = RegistryConfig {
            offline: true,
            ..config.clone()
        };
        let offline_registry = Registry::new(offline_config).ok().map(Arc::new);
        let registry = if config.offline {
            None
        } else {
            Registry::new(config.clone()).ok().map(Arc::new)
        };
        Self {
            entries: Mutex::default(),
            registry,
            offline_registry,
            offline: config.offline,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ImageKey, ImageState>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The best facts known now about `image` on `platform`, without touching the
    /// network. The first call for an image reads the disk cache and the catalogue.
    pub fn get(&self, image: &str, platform: &str) -> Option<Arc<ImageInfo>> {
        let key = (image.to_owned(), platform.to_owned());
        if let Some(state) = self.lock().get(&key) {
            return state.info().cloned();
        }
        let info = self.local_lookup(image, platform).map(Arc::new);
        let state = if self.offline {
            ImageState::Settled {
                info: info.clone(),
                error: Some("offline".to_owned()),
            }
        } else {
            ImageState::Provisional(info.clone())
        };
        self.lock().entry(key).or_insert(state).info().cloned()
    }

    /// The state of an image's lookup, if it was asked for.
    pub fn state(&self, image: &str, platform: &str) -> Option<ImageState> {
        self.lock()
            .get(&(image.to_owned(), platform.to_owned()))
            .cloned()
    }

    fn local_lookup(&self, image: &str, platform: &str) -> Option<ImageInfo> {
        if let Some(registry) = &self.offline_registry
            && let Some(Ok(info)) = block_on_current(registry.lookup(image, Some(platform)))
        {
            return Some(info);
        }
        catalog::lookup(image, Some(platform)).ok()
    }

    /// Of `images`, those that still want a live lookup; they are marked as being fetched
    /// (so one lookup per image runs at a time).
    pub fn claim_live(&self, images: &[ImageKey]) -> Vec<ImageKey> {
        if self.registry.is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for key in images {
            let _ = self.get(&key.0, &key.1);
            let mut entries = self.lock();
            if let Some(state @ ImageState::Provisional(_)) = entries.get_mut(key) {
                let info = state.info().cloned();
                *state = ImageState::Fetching(info);
                out.push(key.clone());
            }
        }
        out
    }

    /// Look `key` up on its registry (the disk cache answers while its tag TTL holds) and
    /// record the answer. True when what features show changed.
    pub async fn fetch_live(&self, key: &ImageKey) -> bool {
        let Some(registry) = self.registry.clone() else {
            return false;
        };
        let result = registry.lookup(&key.0, Some(&key.1)).await;
        let mut entries = self.lock();
        let previous = entries.get(key).and_then(|s| s.info().cloned());
        let (info, error) = match result {
            Ok(info) => (Some(Arc::new(info)), None),
            Err(err) => (previous.clone(), Some(err.to_string())),
        };
        let changed = match (&previous, &info) {
            (Some(a), Some(b)) => !same_facts(a, b),
            (None, None) => false,
            _ => true,
        };
        entries.insert(key.clone(), ImageState::Settled { info, error });
        changed
    }
}

/// Whether two answers show the same thing (the source label aside from live/cache).
fn same_facts(a: &ImageInfo, b: &ImageInfo) -> bool {
    let kind = |s: &Source| matches!(s, Source::Catalog { .. });
    a.manifest_digest == b.manifest_digest
        && a.layers == b.layers
        && a.history == b.history
        && kind(&a.source) == kind(&b.source)
}

/// Drive a future that completes without waiting on I/O readiness (an offline cache
/// lookup reads files synchronously) on this thread; `None` if it would wait.
fn block_on_current<F: std::future::Future>(future: F) -> Option<F::Output> {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut future = std::pin::pin!(future);
    for _ in 0..64 {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_store_answers_from_the_catalogue() {
        let store = ImageStore::offline();
        let info = store.get("python:3.12-slim", "linux/amd64");
        assert!(info.is_some_and(|i| i.compressed_total() > 10_000_000));
        assert!(
            store
                .get("example.invalid/nothing:1", "linux/amd64")
                .is_none()
        );
        assert!(
            store
                .claim_live(&[("python:3.12-slim".into(), "linux/amd64".into())])
                .is_empty()
        );
    }
}
