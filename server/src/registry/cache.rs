//! On-disk cache of registry answers, shared by every dlint process of the user.
//!
//! Layout under the cache root (`$DLINT_CACHE_DIR`, `$XDG_CACHE_HOME/dlint`, `~/.cache/dlint`):
//!
//! ```text
//! oci/blobs/sha256/<hex>     manifests, indexes and config blobs, content-addressed
//! oci/tags/<hex>.json        tag -> digest answers, keyed by sha256("registry/repo:tag")
//! ```
//!
//! Invariants: a blob is stored only after its bytes hash to its name, and is hashed again on
//! every read — a corrupt or truncated file is deleted and reported as a miss, so the caller
//! refetches it. Every file is written to a unique temporary name in the same directory and
//! renamed into place, so readers in other processes see either nothing or a whole file, and
//! concurrent writers of the same content simply replace each other. No locks are needed.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::digest::Digest;

/// A cache write that failed. Reads never fail: an unreadable entry is a miss.
#[derive(Debug, Error)]
pub enum CacheError {
    #[error("cache I/O on {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing to cache bytes that do not match {0}")]
    Unverified(Digest),
}

/// A blob read back from the cache, already verified.
#[derive(Debug, Clone)]
pub struct CachedBlob {
    pub bytes: Vec<u8>,
    /// When the file was written (its mtime).
    pub stored_at: SystemTime,
}

/// A remembered tag resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagEntry {
    /// `registry/repository:tag`, to detect a (theoretical) key collision.
    pub reference: String,
    pub digest: String,
    /// Media type of the manifest or index the tag points to.
    pub media_type: String,
    /// Seconds since the Unix epoch when the registry gave this answer.
    pub fetched_at: u64,
}

impl TagEntry {
    pub fn fetched_at_time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.fetched_at)
    }

    /// How old the answer is; zero if the clock went backwards.
    pub fn age(&self, now: SystemTime) -> Duration {
        now.duration_since(self.fetched_at_time())
            .unwrap_or_default()
    }
}

/// The on-disk cache. Cheap to create; directories are made on first write.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    corrupt_dropped: AtomicU64,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// A cache rooted at `root` (the dlint cache directory).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            corrupt_dropped: AtomicU64::new(0),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob with `digest` is (or would be) stored.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root
            .join("oci")
            .join("blobs")
            .join(digest.algorithm())
            .join(digest.hex())
    }

    /// Where the answer for `registry/repository:tag` is (or would be) stored.
    pub fn tag_path(&self, registry: &str, repository: &str, tag: &str) -> PathBuf {
        let key = Digest::of(tag_key(registry, repository, tag).as_bytes());
        self.root
            .join("oci")
            .join("tags")
            .join(format!("{}.json", key.hex()))
    }

    /// How many corrupt entries reads have found and deleted.
    pub fn corrupt_dropped(&self) -> u64 {
        self.corrupt_dropped.load(Ordering::Relaxed)
    }

    /// Reads and verifies a blob. Missing, unreadable, corrupt or truncated → `None`; a
    /// corrupt file is deleted so that the next write replaces it.
    pub fn get_blob(&self, digest: &Digest) -> Option<CachedBlob> {
        let path = self.blob_path(digest);
        let bytes = fs::read(&path).ok()?;
        if digest.verify(&bytes).is_err() {
            self.drop_corrupt(&path);
            return None;
        }
        let stored_at = fs::metadata(&path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| SystemTime::now());
        Some(CachedBlob { bytes, stored_at })
    }

    /// Stores a blob under its digest, after checking that the bytes match it.
    pub fn put_blob(&self, digest: &Digest, bytes: &[u8]) -> Result<(), CacheError> {
        if digest.verify(bytes).is_err() {
            return Err(CacheError::Unverified(digest.clone()));
        }
        write_atomic(&self.blob_path(digest), bytes)
    }

    /// Reads a tag answer; a malformed or mismatched entry is deleted and is a miss.
    pub fn get_tag(&self, registry: &str, repository: &str, tag: &str) -> Option<TagEntry> {
        let path = self.tag_path(registry, repository, tag);
        let bytes = fs::read(&path).ok()?;
        let entry = serde_json::from_slice::<TagEntry>(&bytes).ok().filter(|e| {
            e.reference == tag_key(registry, repository, tag) && Digest::parse(&e.digest).is_ok()
        });
        if entry.is_none() {
            self.drop_corrupt(&path);
        }
        entry
    }

    /// Remembers that `registry/repository:tag` pointed at `digest` at `fetched_at`.
    pub fn put_tag(
        &self,
        registry: &str,
        repository: &str,
        tag: &str,
        digest: &Digest,
        media_type: &str,
        fetched_at: SystemTime,
    ) -> Result<(), CacheError> {
        let entry = TagEntry {
            reference: tag_key(registry, repository, tag),
            digest: digest.to_string(),
            media_type: media_type.to_owned(),
            fetched_at: fetched_at
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs(),
        };
        let path = self.tag_path(registry, repository, tag);
        let json = serde_json::to_vec(&entry).map_err(|e| CacheError::Io {
            path: path.clone(),
            source: io::Error::other(e),
        })?;
        write_atomic(&path, &json)
    }

    fn drop_corrupt(&self, path: &Path) {
        self.corrupt_dropped.fetch_add(1, Ordering::Relaxed);
        // Another process may have replaced or removed it already: nothing to do then.
        let _ = fs::remove_file(path);
    }
}

fn tag_key(registry: &str, repository: &str, tag: &str) -> String {
    format!("{registry}/{repository}:{tag}")
}

/// Writes `bytes` to a unique temporary file next to `path`, then renames it over `path`.
/// Rename within one directory is atomic on POSIX and replaces an existing file on Windows.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    let io_err = |source| CacheError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .ok_or_else(|| io_err(io::Error::other("cache path has no parent directory")))?;
    fs::create_dir_all(dir).map_err(io_err)?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.tmp.{}.{}.{nanos}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    Ok(())
}

/// RFC 3339 UTC timestamp with second precision: `2026-11-23T10:04:05Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_428_245);
        assert_eq!(rfc3339(t), "2026-11-23T10:04:05Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn blobs_round_trip_and_corruption_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let d = Digest::of(b"hello");
        assert!(cache.get_blob(&d).is_none());
        assert!(cache.put_blob(&d, b"other").is_err());
        assert!(!cache.blob_path(&d).exists());
        cache.put_blob(&d, b"hello").unwrap();
        assert_eq!(cache.get_blob(&d).unwrap().bytes, b"hello");
        fs::write(cache.blob_path(&d), b"hell").unwrap();
        assert!(cache.get_blob(&d).is_none());
        assert!(!cache.blob_path(&d).exists());
        assert_eq!(cache.corrupt_dropped(), 1);
    }

    #[test]
    fn tags_round_trip_and_garbage_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let d = Digest::of(b"m");
        let t = UNIX_EPOCH + Duration::from_secs(1000);
        cache.put_tag("r", "a/b", "1", &d, "mt", t).unwrap();
        let e = cache.get_tag("r", "a/b", "1").unwrap();
        assert_eq!(e.digest, d.to_string());
        assert_eq!(e.fetched_at_time(), t);
        assert!(cache.get_tag("r", "a/b", "2").is_none());
        fs::write(cache.tag_path("r", "a/b", "1"), b"{\"refer").unwrap();
        assert!(cache.get_tag("r", "a/b", "1").is_none());
        assert_eq!(cache.corrupt_dropped(), 1);
    }
}
