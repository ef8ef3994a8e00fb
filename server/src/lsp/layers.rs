//! `dlint/layers`: the layer cake of a document for editors to draw (VS Code's webview,
//! Neovim's `:DlintLayers`): every stage with its rows (line range, kind, size estimate,
//! cache inputs), each stage's base image with its layers as far as they are known, the
//! variants of the final stage's base, and the same cake as text.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::TextDocumentIdentifier;

use crate::layers::Base;
use crate::layers::report::{self, Report};
use crate::registry::variants::{self, VariantInfo};

use super::snapshot::Snapshot;

/// Parameters of `dlint/layers`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayersParams {
    pub text_document: TextDocumentIdentifier,
}

/// A base image as far as it is known.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseImage {
    pub stage: usize,
    pub reference: String,
    pub platform: String,
    /// Sum of the compressed layers; `None` when the image is not known.
    pub compressed_bytes: Option<u64>,
    /// `live`, `cached 2026-11-23`, `catalogue, as of 2026-08-05`.
    pub source: Option<String>,
    pub layers: Vec<BaseLayer>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseLayer {
    pub digest: String,
    pub compressed_bytes: u64,
    pub created_by: Option<String>,
}

/// The answer of `dlint/layers`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerCake {
    pub uri: String,
    pub version: i32,
    pub report: Report,
    pub base_images: Vec<BaseImage>,
    /// Variants of the final stage's base image (size, shell, package manager, libc).
    pub variants: Vec<VariantInfo>,
    /// The cake as `dlint layers` prints it.
    pub text: String,
}

/// The layer cake of a snapshot.
pub fn layer_cake(snap: &Snapshot) -> LayerCake {
    let analysis = snap.analysis();
    let name = snap
        .path
        .as_deref()
        .map_or_else(|| snap.uri.as_str().to_owned(), |p| p.display().to_string());
    let report = report::report(&name, &snap.file, analysis);
    let text = report::render_text(&report, analysis);
    let mut base_images = Vec::new();
    for stage in &analysis.stages {
        let Base::Image(reference) = &stage.base else {
            continue;
        };
        let platform = stage
            .platform
            .clone()
            .unwrap_or_else(|| snap.platform().to_owned());
        let info = snap.images.get(reference, &platform);
        base_images.push(BaseImage {
            stage: stage.index,
            reference: reference.clone(),
            compressed_bytes: info.as_ref().map(|i| i.compressed_total()),
            source: info.as_ref().map(|i| i.source.label()),
            layers: info
                .as_ref()
                .map(|i| {
                    i.layers
                        .iter()
                        .map(|l| BaseLayer {
                            digest: l.digest.clone(),
                            compressed_bytes: l.compressed_bytes,
                            created_by: l.created_by.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            platform,
        });
    }
    // The image the final stage starts from, following stage bases.
    let variants = analysis
        .final_stage
        .and_then(|mut s| {
            for _ in 0..analysis.stages.len() {
                match &analysis.stages.get(s)?.base {
                    Base::Stage(parent) => s = *parent,
                    Base::Image(reference) => return Some(reference.clone()),
                    Base::Scratch | Base::Unresolved(_) => return None,
                }
            }
            None
        })
        .map(|reference| variants::variants_for(&reference, snap.platform()))
        .unwrap_or_default();
    LayerCake {
        uri: snap.uri.as_str().to_owned(),
        version: snap.version,
        report,
        base_images,
        variants,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cake_has_stages_bases_and_variants() {
        let snap = Snapshot::for_text(
            "FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y curl\n\
             FROM base\nCOPY . /app\n",
        );
        let cake = layer_cake(&snap);
        assert_eq!(cake.report.stages.len(), 2);
        assert_eq!(cake.base_images.len(), 1);
        assert!(
            cake.base_images[0]
                .compressed_bytes
                .is_some_and(|b| b > 1_000_000)
        );
        assert!(cake.variants.iter().any(|v| v.reference.contains("alpine")));
        assert!(cake.text.contains("Stage 0 `base`"));
        let json = serde_json::to_value(&cake).unwrap();
        assert!(json["report"]["stages"][0]["rows"].is_array());
    }
}
