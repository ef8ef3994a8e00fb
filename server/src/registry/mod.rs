//! Base images: references, a registry client, a content-addressed cache, the embedded
//! offline catalogue, variant trade-offs, and saved-image analysis.
//!
//! Every source of image facts produces the same [`ImageInfo`], tagged with where it came
//! from ([`Source`]) so that users always see whether a figure is live, cached, or a dated
//! catalogue entry.

pub mod auth;
pub mod cache;
pub mod client;
pub mod config;
pub mod digest;
pub mod error;
pub mod fetch;
pub mod manifest;
pub mod reference;

pub mod archive;
pub mod catalog;
pub mod show;
pub mod variants;

use serde::Serialize;

/// Where facts about an image came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// Fetched from the registry just now.
    Live { fetched_at: String },
    /// Read from the on-disk cache, fetched earlier.
    Cache { fetched_at: String },
    /// The embedded catalogue: a dated snapshot with its public source.
    Catalog { as_of: String, source: String },
}

impl Source {
    /// Short label for people: `live`, `cached 2026-11-23`, `catalogue, as of 2026-08-05`.
    pub fn label(&self) -> String {
        match self {
            Self::Live { .. } => "live".to_owned(),
            Self::Cache { fetched_at } => {
                format!("cached {}", fetched_at.get(..10).unwrap_or(fetched_at))
            }
            Self::Catalog { as_of, .. } => {
                format!("catalogue, as of {}", as_of.get(..10).unwrap_or(as_of))
            }
        }
    }
}

/// One filesystem layer of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerInfo {
    pub digest: String,
    /// Size of the compressed blob, as the manifest states it.
    pub compressed_bytes: u64,
    /// The history entry that made this layer, when history and layers line up.
    pub created_by: Option<String>,
}

/// One history entry of the image config (`empty_layer` entries included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub created_by: String,
    pub empty_layer: bool,
    pub created: Option<String>,
}

/// What is known about one platform image of a reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// Canonical reference, e.g. `docker.io/library/python:3.12-slim`.
    pub reference: String,
    /// Digest of the platform manifest, when known.
    pub manifest_digest: Option<String>,
    /// Digest of the index the tag points to, when there is one.
    pub index_digest: Option<String>,
    /// `os/arch[/variant]`.
    pub platform: String,
    pub layers: Vec<LayerInfo>,
    /// Config history, when the config blob was read.
    pub history: Vec<HistoryEntry>,
    /// Image creation time from the config.
    pub created: Option<String>,
    pub source: Source,
}

impl ImageInfo {
    /// Sum of the compressed layer sizes.
    pub fn compressed_total(&self) -> u64 {
        self.layers.iter().map(|l| l.compressed_bytes).sum()
    }
}
