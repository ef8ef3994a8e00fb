//! Rendering image facts for people: plain text for `dlint image`, markdown for the
//! language server's hover. Pure functions over [`ImageInfo`], variant lists, Dockerfile
//! weights and archive reports; no colour, no I/O.
//!
//! Every size says what it is (compressed download size, or an uncompressed estimate) and
//! every figure from the catalogue carries its `as_of` date and source.

use std::fmt::Write as _;

use super::archive::{ArchiveReport, Hidden};
use super::catalog::{self, short_reference};
use super::variants::{DockerfileWeight, Libc, PackageManager, VariantInfo};
use super::{ImageInfo, Source};
use crate::layers::report::shorten;
use crate::layers::size::human;

/// `43188023` → `43,188,023`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `sha256:26c307b5e35a…` → `26c307b5e35a`.
fn short_digest(digest: &str) -> &str {
    let hex = digest.split_once(':').map_or(digest, |(_, h)| h);
    hex.get(..12).unwrap_or(hex)
}

/// A source string `repo@<40 hex>:path` with the commit cut to 8 digits.
fn short_source(source: &str) -> String {
    let Some((repo, rest)) = source.split_once('@') else {
        return source.to_owned();
    };
    let (commit, path) = rest.split_once(':').unwrap_or((rest, ""));
    let commit = commit.get(..8).unwrap_or(commit);
    if path.is_empty() {
        format!("{repo}@{commit}")
    } else {
        format!("{repo}@{commit}, {path}")
    }
}

/// Where the facts come from: `live`, `cached 2026-11-23`, or
/// `catalogue, as of 2026-08-05 (docker-library/repo-info@2986dca3, repos/…)`.
pub fn source_line(info: &ImageInfo) -> String {
    match &info.source {
        Source::Catalog { source, .. } => {
            format!("{} ({})", info.source.label(), short_source(source))
        }
        other => other.label(),
    }
}

/// The instruction of a history entry, without the classic builder's shell prefix.
pub fn display_created_by(created_by: &str) -> String {
    let t = created_by.trim();
    let t = t
        .strip_prefix("/bin/sh -c #(nop)")
        .map(str::trim_start)
        .or_else(|| t.strip_prefix("/bin/sh -c ").map(str::trim_start))
        .unwrap_or(t);
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is known of an image's size: the layers' total and count, else the catalogue's
/// stated total without a layer list, else nothing.
enum SizeFacts {
    Layers { total: u64, count: usize },
    StatedTotal(u64),
    Unknown,
}

fn size_facts(info: &ImageInfo) -> SizeFacts {
    let count = info.layers.len();
    if count > 0 {
        return SizeFacts::Layers {
            total: info.compressed_total(),
            count,
        };
    }
    match catalog::entry_of(info).and_then(|(_, p)| p.compressed_bytes) {
        Some(total) => SizeFacts::StatedTotal(total),
        None => SizeFacts::Unknown,
    }
}

/// The size line: from the layers, else the catalogue's stated total, else unknown.
fn size_summary(info: &ImageInfo) -> String {
    match size_facts(info) {
        SizeFacts::Layers { total, count } => format!(
            "{} compressed ({} B), {count} layer{}",
            human(total),
            grouped(total),
            if count == 1 { "" } else { "s" }
        ),
        SizeFacts::StatedTotal(total) => format!(
            "{} compressed ({} B); the layer list is not in the catalogue's source",
            human(total),
            grouped(total)
        ),
        SizeFacts::Unknown => "unknown (the catalogue's source lists manifests only)".to_owned(),
    }
}

/// The size line for hover: `43.2 MB compressed download (43,188,023 B) · 4 layers`.
fn size_markdown(info: &ImageInfo) -> String {
    match size_facts(info) {
        SizeFacts::Layers { total, count } => format!(
            "{} compressed download ({} B) · {count} layer{}",
            human(total),
            grouped(total),
            if count == 1 { "" } else { "s" }
        ),
        SizeFacts::StatedTotal(total) => format!(
            "{} compressed download ({} B) · layer list not in the catalogue's source",
            human(total),
            grouped(total)
        ),
        SizeFacts::Unknown => {
            "Size unknown: the catalogue's source lists manifests only".to_owned()
        }
    }
}

fn empty_layer_note(digest: &str) -> Option<&'static str> {
    catalog::well_known_blob(digest)
        .filter(|b| b.bytes <= 32)
        .map(|_| "(empty layer)")
}

/// Plain-text view of one image: reference, platform, digests, compressed total, layer
/// table and where the facts come from.
pub fn image_text(info: &ImageInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", info.reference);
    let platform = if info.platform == "unrecorded" {
        "not recorded in the source"
    } else {
        info.platform.as_str()
    };
    let _ = writeln!(out, "  platform  {platform}");
    if let Some(d) = &info.manifest_digest {
        let _ = writeln!(out, "  manifest  {d}");
    }
    if let Some(d) = &info.index_digest {
        let _ = writeln!(out, "  index     {d}");
    }
    if let Some(c) = &info.created {
        let _ = writeln!(out, "  built     {c}");
    }
    let _ = writeln!(out, "  size      {}", size_summary(info));
    let _ = writeln!(out, "  source    {}", source_line(info));
    if let Some(kind) = catalog::entry_of(info).map(|(e, _)| e.variant_kind) {
        let _ = writeln!(out, "  variant   {kind}");
    }
    if !info.layers.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "   #  compressed  digest        created by");
        for (i, l) in info.layers.iter().enumerate() {
            let created = l
                .created_by
                .as_deref()
                .map(|c| shorten(&display_created_by(c), 72))
                .unwrap_or_default();
            let note = empty_layer_note(&l.digest).unwrap_or("");
            let row = format!(
                "  {:>2}  {:>10}  {}  {created} {note}",
                i + 1,
                human(l.compressed_bytes),
                short_digest(&l.digest),
            );
            let _ = writeln!(out, "{}", row.trim_end());
        }
    }
    out
}

/// Escape text for a markdown table cell inside a code span.
fn md_code(text: &str) -> String {
    let clean = text.replace('`', "'").replace('|', "\\|");
    format!("`{clean}`")
}

/// Markdown view of one image, for hover.
pub fn image_markdown(info: &ImageInfo) -> String {
    let mut out = String::new();
    let platform = if info.platform == "unrecorded" {
        "platform not recorded"
    } else {
        info.platform.as_str()
    };
    let _ = writeln!(out, "**{}** · {platform}", info.reference);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", size_markdown(info));
    if let Some(d) = &info.manifest_digest {
        let _ = writeln!(out);
        let _ = writeln!(out, "Manifest `{d}`");
    }
    if !info.layers.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "| # | compressed | created by |");
        let _ = writeln!(out, "|--:|--:|---|");
        for (i, l) in info.layers.iter().enumerate() {
            let created = l
                .created_by
                .as_deref()
                .map(|c| md_code(&shorten(&display_created_by(c), 60)))
                .or_else(|| empty_layer_note(&l.digest).map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {created} |",
                i + 1,
                human(l.compressed_bytes)
            );
        }
    }
    let _ = writeln!(out);
    let source = match (&info.source, catalog::entry_of(info)) {
        (Source::Catalog { source, .. }, Some((entry, _))) => match &entry.source.url {
            Some(url) => format!(
                "{} ([{}]({url}))",
                info.source.label(),
                short_source(source)
            ),
            None => source_line(info),
        },
        _ => source_line(info),
    };
    let _ = writeln!(out, "_Source: {source}_");
    out
}

fn size_cell(v: &VariantInfo) -> String {
    v.compressed_bytes
        .map_or_else(|| "unknown".to_owned(), human)
}

fn pm(p: PackageManager) -> &'static str {
    match p {
        PackageManager::Apt => "apt",
        PackageManager::Apk => "apk",
        PackageManager::None => "none",
        PackageManager::Unknown => "?",
    }
}

fn libc(l: Libc) -> &'static str {
    match l {
        Libc::Glibc => "glibc",
        Libc::Musl => "musl",
        Libc::None => "none",
        Libc::Unknown => "?",
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    }
}

/// The size fact of a variant in words: exact bytes with date, or why it is unknown.
fn size_fact(v: &VariantInfo) -> String {
    match (v.compressed_bytes, &v.size_note) {
        (Some(b), _) => format!(
            "{} B compressed, catalogue as of {}",
            grouped(b),
            v.as_of.as_deref().map_or("?", |d| d.get(..10).unwrap_or(d))
        ),
        (None, Some(note)) => format!("size {note}"),
        (None, None) => "size unknown".to_owned(),
    }
}

/// Plain-text table of variants, then each one's size fact and caveats.
pub fn variants_text(variants: &[VariantInfo]) -> String {
    let mut out = String::new();
    let Some(first) = variants.first() else {
        return out;
    };
    let _ = writeln!(
        out,
        "Variants ({}; compressed download size from the offline catalogue):",
        first.platform
    );
    let width = variants
        .iter()
        .map(|v| v.reference.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let _ = writeln!(
        out,
        "    {:<width$}  {:<10}  {:>8}  {:<16}  {:<4}  {:<5}  compilers",
        "variant", "kind", "size", "shell", "pkgs", "libc"
    );
    for v in variants {
        let _ = writeln!(
            out,
            "  {} {:<width$}  {:<10}  {:>8}  {:<16}  {:<4}  {:<5}  {}",
            if v.requested { '>' } else { ' ' },
            v.reference,
            v.kind.as_str(),
            size_cell(v),
            v.shell.as_deref().unwrap_or("none"),
            pm(v.package_manager),
            libc(v.libc),
            yes_no(v.compilers),
        );
    }
    for v in variants {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}: {}", v.reference, size_fact(v));
        for c in &v.caveats {
            let mark = if c.approximate { "[approximate] " } else { "" };
            let _ = writeln!(out, "    - {mark}{}", c.text);
            if let Some(s) = &c.source {
                let _ = writeln!(out, "      source: {s}");
            }
        }
    }
    out
}

/// Markdown table of variants, for hover.
pub fn variants_markdown(variants: &[VariantInfo]) -> String {
    let mut out = String::new();
    let Some(first) = variants.first() else {
        return out;
    };
    let _ = writeln!(
        out,
        "| variant | size ({}, compressed) | shell | packages | libc | compilers |",
        first.platform
    );
    let _ = writeln!(out, "|---|--:|---|---|---|---|");
    for v in variants {
        let name = if v.requested {
            format!("**{}**", v.reference)
        } else {
            format!("`{}`", v.reference)
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            size_cell(v),
            v.shell.as_deref().unwrap_or("none"),
            pm(v.package_manager),
            libc(v.libc),
            yes_no(v.compilers),
        );
    }
    let _ = writeln!(out);
    for v in variants.iter().filter(|v| !v.caveats.is_empty()) {
        let _ = writeln!(out, "- `{}`", v.reference);
        for c in &v.caveats {
            let text = match (c.approximate, &c.source) {
                (true, Some(src)) => format!("_approximate:_ {} ([source]({src}))", c.text),
                (true, None) => format!("_approximate:_ {}", c.text),
                (false, Some(src)) => format!("{} ([source]({src}))", c.text),
                (false, None) => c.text.clone(),
            };
            let _ = writeln!(out, "  - {text}");
        }
    }
    let dates: Vec<String> = variants
        .iter()
        .filter(|v| v.compressed_bytes.is_some())
        .filter_map(|v| {
            v.as_of
                .as_deref()
                .map(|d| d.get(..10).unwrap_or(d).to_owned())
        })
        .collect();
    if let (Some(min), Some(max)) = (dates.iter().min(), dates.iter().max()) {
        let _ = writeln!(out);
        let range = if min == max {
            min.clone()
        } else {
            format!("{min} … {max}")
        };
        let _ = writeln!(out, "_Sizes: offline catalogue, as of {range}._");
    }
    out
}

/// The own-layers cell: the estimate, `+ ?` when some layers cannot be sized, and a
/// warning where the base has no shell for the Dockerfile's `RUN`s.
fn own_cell(weight: &DockerfileWeight, v: &VariantInfo) -> String {
    if weight.runs_commands && v.shell.is_none() {
        return "RUN cannot run here (no shell)".to_owned();
    }
    match (
        weight.own_layers.is_unknown(),
        weight.unknown_layers.is_empty(),
    ) {
        (true, _) => "+ unknown".to_owned(),
        (false, true) => format!("+ {}", weight.own_layers),
        (false, false) => format!("+ {} + ?", weight.own_layers),
    }
}

/// Plain-text weight table of a Dockerfile's final image on each variant of its base.
pub fn weight_text(weight: &DockerfileWeight) -> String {
    let mut out = String::new();
    let base = catalog::canonical(&weight.base)
        .map_or_else(|| weight.base.clone(), |c| short_reference(&c));
    let _ = writeln!(
        out,
        "Final image on each variant of {base} ({}):",
        weight.platform
    );
    let n = weight.own_layer_count;
    let _ = writeln!(
        out,
        "  own layers: {n} layer{}, {} uncompressed (estimate from the layer model){}",
        if n == 1 { "" } else { "s" },
        weight.own_layers,
        match weight.unknown_layers.len() {
            0 => String::new(),
            k => format!(", plus {k} of unknown size"),
        }
    );
    for u in &weight.unknown_layers {
        let _ = writeln!(out, "    line {}: unknown size ({})", u.line, u.basis);
    }
    let _ = writeln!(
        out,
        "  Base sizes are compressed downloads and own layers uncompressed estimates, so they"
    );
    let _ = writeln!(
        out,
        "  are shown apart, not added; own layers differ between variants (apt vs apk packages)."
    );
    let width = weight
        .variants
        .iter()
        .map(|v| v.reference.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "    {:<width$}  {:>17}  own layers (uncompressed)",
        "base", "base (compressed)"
    );
    for v in &weight.variants {
        let _ = writeln!(
            out,
            "  {} {:<width$}  {:>17}  {}",
            if v.requested { '>' } else { ' ' },
            v.reference,
            size_cell(v),
            own_cell(weight, v)
        );
    }
    out
}

/// Markdown weight table, for hover.
pub fn weight_markdown(weight: &DockerfileWeight) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| base | base (compressed) | own layers (uncompressed estimate) |"
    );
    let _ = writeln!(out, "|---|--:|--:|");
    for v in &weight.variants {
        let name = if v.requested {
            format!("**{}**", v.reference)
        } else {
            format!("`{}`", v.reference)
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} |",
            size_cell(v),
            own_cell(weight, v)
        );
    }
    out
}

/// Plain-text view of an analysed saved image.
pub fn archive_text(report: &ArchiveReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", report.path, report.format.describe());
    if let Some(r) = &report.reference {
        let _ = writeln!(out, "  reference   {r}");
    }
    if let Some(p) = &report.platform {
        let _ = writeln!(out, "  platform    {p}");
    }
    if let Some(d) = &report.manifest_digest {
        let _ = writeln!(out, "  manifest    {d}");
    }
    if let Some(d) = &report.config_digest {
        let _ = writeln!(out, "  config      {d}");
    }
    if let Some(c) = &report.created {
        let _ = writeln!(out, "  created     {c}");
    }
    let n = report.layers.len();
    let _ = writeln!(
        out,
        "  layers      {n} ({} stored; {} of files, {} visible)",
        human(report.blob_bytes),
        human(report.total_bytes),
        human(report.final_bytes)
    );
    let _ = writeln!(
        out,
        "  wasted      {} ({} B) shipped but hidden by later layers",
        human(report.wasted_bytes),
        grouped(report.wasted_bytes)
    );
    let _ = writeln!(out, "  efficiency  {:.1}%", report.efficiency * 100.0);
    let _ = writeln!(
        out,
        "  verified    {} blob digest{}, {} diff_id{}",
        report.verified.blobs,
        if report.verified.blobs == 1 { "" } else { "s" },
        report.verified.diff_ids,
        if report.verified.diff_ids == 1 {
            ""
        } else {
            "s"
        }
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "   #    stored     files  added  changed  deleted    hidden  made by"
    );
    for l in &report.layers {
        let made_by = match (&l.instruction, &l.created_by) {
            (Some(i), _) => {
                let mark = if i.history_agrees == Some(false) {
                    " (!)"
                } else {
                    ""
                };
                format!("line {}: {}{mark}", i.line, shorten(&i.text, 56))
            }
            (None, Some(c)) if report.dockerfile.is_some() => {
                format!("base: {}", shorten(&display_created_by(c), 58))
            }
            (None, Some(c)) => shorten(&display_created_by(c), 64),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:>2}  {:>8}  {:>8}  {:>5}  {:>7}  {:>7}  {:>8}  {made_by}",
            l.index,
            human(l.blob_bytes),
            human(l.file_bytes),
            l.added,
            l.changed,
            l.deleted,
            human(l.hidden_bytes),
        );
    }
    if !report.largest_files.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Largest files:");
        for f in &report.largest_files {
            let _ = writeln!(
                out,
                "  {:>8}  /{}  (layer {})",
                human(f.bytes),
                f.path,
                f.layer
            );
        }
    }
    if !report.wasted_files.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Hidden by later layers (wasted):");
        for w in &report.wasted_files {
            let how = match w.how {
                Hidden::Overwritten => "overwritten",
                Hidden::Deleted => "deleted",
            };
            let _ = writeln!(
                out,
                "  {:>8}  /{}  (layer {}, {how} by layer {})",
                human(w.bytes),
                w.path,
                w.layer,
                w.hidden_by
            );
        }
    }
    if let Some(m) = &report.dockerfile {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Mapped to {}: {} own layer{}, {} from the base image",
            m.path,
            m.own_layers,
            if m.own_layers == 1 { "" } else { "s" },
            m.base_layers
        );
        for note in &m.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Notes:");
        for note in &report.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(43_188_023), "43,188,023");
    }

    #[test]
    fn created_by_cleanup() {
        assert_eq!(
            display_created_by("/bin/sh -c #(nop)  CMD [\"sh\"]"),
            "CMD [\"sh\"]"
        );
        assert_eq!(display_created_by("/bin/sh -c apk add  x"), "apk add x");
        assert_eq!(
            display_created_by("RUN /bin/sh -c x # buildkit"),
            "RUN /bin/sh -c x # buildkit"
        );
    }

    #[test]
    fn source_lines() {
        let info = catalog::lookup("python:3.12-slim", None).unwrap();
        assert_eq!(
            source_line(&info),
            "catalogue, as of 2026-08-05 (docker-library/repo-info@2986dca3, \
             repos/python/remote/3.12-slim.md)"
        );
        let live = ImageInfo {
            source: Source::Live {
                fetched_at: "2026-11-23T10:00:00Z".into(),
            },
            ..info.clone()
        };
        assert_eq!(source_line(&live), "live");
        let cached = ImageInfo {
            source: Source::Cache {
                fetched_at: "2026-11-20T10:00:00Z".into(),
            },
            ..info
        };
        assert_eq!(source_line(&cached), "cached 2026-11-20");
    }

    #[test]
    fn stated_total_without_layers() {
        let info = catalog::lookup("node:22", Some("linux/arm64")).unwrap();
        assert!(info.layers.is_empty());
        let text = image_text(&info);
        assert!(
            text.contains("400 MB compressed (399,874,234 B); the layer list is not"),
            "{text}"
        );
        let info = catalog::lookup("gcr.io/distroless/python3", None).unwrap();
        assert!(image_text(&info).contains("size      unknown"));
    }

    #[test]
    fn markdown_escapes_cells() {
        assert_eq!(md_code("a | b `c`"), "`a \\| b 'c'`");
    }
}
