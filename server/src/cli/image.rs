//! `dlint image`: facts about a base image — its layers, compressed size and variants —
//! from a registry (once the live client is wired in) or the offline catalogue; what a
//! Dockerfile's final image weighs on each variant of its base; and the analysis of a
//! saved image (`--archive`, `--oci-layout`).
//!
//! The live path plugs in through [`LiveLookup`]: [`image`] passes [`NoLiveLookup`] until
//! the registry client lands, and every lookup falls back to the catalogue, saying why the
//! live lookup did not answer when the catalogue has nothing either.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use crate::cli::read;
use crate::cli::{ExitStatus, ImageArgs, ViewFormat, report_error};
use crate::layers::context::BuildContext;
use crate::layers::{Options, analyze};
use crate::registry::archive::{self, ArchiveReport};
use crate::registry::catalog::{self, CatalogMiss, DEFAULT_PLATFORM};
use crate::registry::variants::{self, VariantInfo};
use crate::registry::{ImageInfo, show};
use crate::render::Colors;

/// Dockerfiles larger than this are refused (as `check` does by default).
const MAX_DOCKERFILE_BYTES: u64 = 16 * 1024 * 1024;

/// A source of live image facts (registry, with its cache). `Err` says why it gave none,
/// for people: "offline", "401 from registry-1.docker.io", ...
pub trait LiveLookup {
    fn lookup(&self, reference: &str, platform: &str) -> Result<ImageInfo, String>;
}

/// The live lookup of a build without a registry client.
pub struct NoLiveLookup;

impl LiveLookup for NoLiveLookup {
    fn lookup(&self, _reference: &str, _platform: &str) -> Result<ImageInfo, String> {
        Err("not available in this build yet".to_owned())
    }
}

/// Run `dlint image` with the live lookup of this build.
pub(crate) fn image(args: &ImageArgs) -> Result<ExitStatus> {
    if args.refresh {
        return refresh(args);
    }
    if args.archive.is_some() || args.oci_layout.is_some() {
        return image_with(args, &NoLiveLookup);
    }
    // `--offline` still answers from the on-disk cache; it only never touches the network.
    let config = crate::registry::config::RegistryConfig {
        offline: args.offline,
        ..registry_config(args)
    };
    let live = RegistryLookup(
        crate::registry::fetch::BlockingRegistry::new(config).map_err(|e| e.to_string()),
    );
    image_with(args, &live)
}

/// Registry settings from the command line (the configuration file comes later).
fn registry_config(args: &ImageArgs) -> crate::registry::config::RegistryConfig {
    let mut config = crate::registry::config::RegistryConfig::default();
    if !args.registry_mirrors.is_empty() {
        config
            .mirrors
            .insert("docker.io".to_owned(), args.registry_mirrors.clone());
    }
    config
        .insecure_registries
        .extend(args.insecure_registries.iter().cloned());
    config
}

/// The live registry client (with its on-disk cache) behind [`LiveLookup`].
struct RegistryLookup(Result<crate::registry::fetch::BlockingRegistry, String>);

impl LiveLookup for RegistryLookup {
    fn lookup(&self, reference: &str, platform: &str) -> Result<ImageInfo, String> {
        let registry = self.0.as_ref().map_err(Clone::clone)?;
        // A progress line on a terminal while the registry answers; erased afterwards.
        let progress = io::stderr().is_terminal();
        if progress {
            eprint!("fetching {reference} ({platform})…");
        }
        let result = registry
            .lookup(reference, Some(platform))
            .map_err(|e| e.to_string());
        if progress {
            eprint!("\r\x1b[K");
        }
        result
    }
}

/// Run `dlint image` with a given live lookup.
pub fn image_with(args: &ImageArgs, live: &dyn LiveLookup) -> Result<ExitStatus> {
    let colors = Colors::default();
    if let Some(file) = &args.archive {
        return saved_image(args, colors, file, false);
    }
    if let Some(dir) = &args.oci_layout {
        return saved_image(args, colors, dir, true);
    }
    if let Some(reference) = &args.reference {
        return reference_facts(args, colors, reference, live);
    }
    if let Some(path) = &args.dockerfile {
        return dockerfile_weight(args, colors, path);
    }
    report_error(
        colors,
        "give an image reference, --archive FILE, --oci-layout DIR or --dockerfile PATH",
    );
    Ok(ExitStatus::Error)
}

/// What `--format json` prints for a reference.
#[derive(Serialize)]
struct ReferenceJson<'a> {
    image: &'a ImageInfo,
    variant_kind: Option<catalog::VariantKind>,
    /// Catalogue facts that `ImageInfo` does not hold.
    catalogue: Option<CatalogueJson<'a>>,
    variants: &'a [VariantInfo],
}

#[derive(Serialize)]
struct CatalogueJson<'a> {
    url: Option<&'a str>,
    compressed_bytes: Option<u64>,
    compressed_bytes_source: Option<&'a str>,
    notes: Option<&'a str>,
}

fn reference_facts(
    args: &ImageArgs,
    colors: Colors,
    reference: &str,
    live: &dyn LiveLookup,
) -> Result<ExitStatus> {
    let platform = args.platform.as_deref().unwrap_or(DEFAULT_PLATFORM);
    let live_result = live.lookup(reference, platform);
    let info = match live_result {
        Ok(info) => info,
        Err(live_reason) => match catalog::lookup(reference, Some(platform)) {
            Ok(info) => {
                if !args.offline {
                    eprintln!(
                        "dlint: note: live lookup failed ({live_reason}); showing the offline catalogue"
                    );
                }
                info
            }
            Err(CatalogMiss::NotInCatalogue { reference }) => {
                let extra = catalog::load_error()
                    .map(|e| format!(" (the catalogue could not be read: {e})"))
                    .unwrap_or_default();
                report_error(
                    colors,
                    &format!(
                        "{reference}: not in the offline catalogue{extra}; live registry \
                         lookup: {live_reason}"
                    ),
                );
                return Ok(ExitStatus::Error);
            }
            Err(miss) => {
                report_error(
                    colors,
                    &format!("{miss}; live registry lookup: {live_reason}"),
                );
                return Ok(ExitStatus::Error);
            }
        },
    };
    let variants = variants::variants_for(&info.reference, platform);
    let entry = catalog::entry_of(&info);
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ViewFormat::Json => {
            let json = ReferenceJson {
                image: &info,
                variant_kind: entry
                    .map(|(e, _)| e.variant_kind)
                    .or_else(|| catalog::variant_kind(&info.reference)),
                catalogue: entry.map(|(e, p)| CatalogueJson {
                    url: e.source.url.as_deref(),
                    compressed_bytes: p.compressed_bytes,
                    compressed_bytes_source: p.compressed_bytes_source.as_deref(),
                    notes: e.notes.as_deref(),
                }),
                variants: &variants,
            };
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        ViewFormat::Text => {
            out.write_all(show::image_text(&info).as_bytes())?;
            if variants.len() > 1 {
                writeln!(out)?;
                out.write_all(show::variants_text(&variants).as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// Read and analyse a Dockerfile, with its directory as the build context when readable.
fn analyse_dockerfile(
    colors: Colors,
    path: &Path,
    platform: Option<&str>,
) -> Option<(crate::model::Dockerfile, crate::layers::Analysis)> {
    let source = match read::read_path(path, MAX_DOCKERFILE_BYTES) {
        Ok(s) => s,
        Err(err) => {
            report_error(colors, &format!("{}: {err}", path.display()));
            return None;
        }
    };
    let dir: PathBuf = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    // Without a readable context, COPY sizes are unknown rather than an error.
    let context = BuildContext::load(&dir, Some(path)).ok();
    let df = crate::syntax::parse(&source);
    let opts = Options {
        build_args: &[],
        target: None,
        platform,
        context: context.as_ref(),
    };
    let analysis = analyze(&df, &opts);
    Some((df, analysis))
}

fn dockerfile_weight(args: &ImageArgs, colors: Colors, path: &Path) -> Result<ExitStatus> {
    let platform = args.platform.as_deref();
    let Some((df, analysis)) = analyse_dockerfile(colors, path, platform) else {
        return Ok(ExitStatus::Error);
    };
    let Some(weight) = variants::dockerfile_weight(&df, &analysis, platform) else {
        report_error(
            colors,
            &format!(
                "{}: the final image is not built on an image reference (scratch, or an \
                 unresolved ARG)",
                path.display()
            ),
        );
        return Ok(ExitStatus::Error);
    };
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ViewFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &weight)?;
            writeln!(out)?;
        }
        ViewFormat::Text => out.write_all(show::weight_text(&weight).as_bytes())?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn saved_image(args: &ImageArgs, colors: Colors, path: &Path, layout: bool) -> Result<ExitStatus> {
    let platform = args.platform.as_deref();
    let result = if layout {
        archive::analyze_oci_layout(path, platform)
    } else {
        archive::analyze_archive(path, platform)
    };
    let mut report: ArchiveReport = match result {
        Ok(r) => r,
        Err(err) => {
            report_error(colors, &err.to_string());
            return Ok(ExitStatus::Error);
        }
    };
    if let Some(df_path) = &args.dockerfile {
        let Some((df, analysis)) =
            analyse_dockerfile(colors, df_path, report.platform.as_deref().or(platform))
        else {
            return Ok(ExitStatus::Error);
        };
        archive::map_dockerfile(&mut report, &df_path.display().to_string(), &df, &analysis);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ViewFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ViewFormat::Text => out.write_all(show::archive_text(&report).as_bytes())?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// `dlint image --refresh [REF]`: fetch live facts for REF, or for every image of the
/// offline catalogue, into the on-disk cache (tags re-checked whatever their age), and say
/// for each what changed since the catalogue's snapshot.
fn refresh(args: &ImageArgs) -> Result<ExitStatus> {
    let colors = Colors::default();
    let config = crate::registry::config::RegistryConfig {
        tag_ttl: std::time::Duration::ZERO,
        ..registry_config(args)
    };
    let registry = match crate::registry::fetch::BlockingRegistry::new(config.clone()) {
        Ok(r) => r,
        Err(e) => {
            report_error(colors, &format!("cannot start the registry client: {e}"));
            return Ok(ExitStatus::Error);
        }
    };
    let platform = args.platform.as_deref().unwrap_or(DEFAULT_PLATFORM);
    let references: Vec<String> = match &args.reference {
        Some(r) => vec![r.clone()],
        None => catalog::catalog()
            .images
            .iter()
            .map(|i| i.reference.clone())
            .collect(),
    };
    let short = |d: Option<&str>| {
        d.map_or_else(
            || "?".to_owned(),
            |d| d.trim_start_matches("sha256:").chars().take(12).collect(),
        )
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed = 0;
    for reference in &references {
        let old = catalog::lookup(reference, Some(platform)).ok();
        match registry.lookup(reference, Some(platform)) {
            // The client falls back to stale cached facts when the registry cannot be
            // reached; for a refresh that is a failure.
            Ok(new) if !matches!(new.source, crate::registry::Source::Live { .. }) => {
                failed += 1;
                writeln!(
                    out,
                    "{reference} ({platform}): failed: the registry did not answer; the cache keeps facts from {}",
                    new.source.label()
                )?;
            }
            Ok(new) => {
                let status = match &old {
                    None => "new (not in the catalogue)".to_owned(),
                    Some(o) if o.manifest_digest == new.manifest_digest => "unchanged".to_owned(),
                    Some(o) => format!(
                        "changed since {} ({} → {}, {} → {})",
                        o.source.label(),
                        short(o.manifest_digest.as_deref()),
                        short(new.manifest_digest.as_deref()),
                        crate::layers::size::human(o.compressed_total()),
                        crate::layers::size::human(new.compressed_total()),
                    ),
                };
                writeln!(
                    out,
                    "{reference} ({platform}): {} compressed, {} layers, {}: {status}",
                    crate::layers::size::human(new.compressed_total()),
                    new.layers.len(),
                    short(new.manifest_digest.as_deref()),
                )?;
            }
            Err(e) => {
                failed += 1;
                writeln!(out, "{reference} ({platform}): failed: {e}")?;
            }
        }
    }
    let cache = config.cache_dir.as_ref().map_or_else(
        || "no cache directory".to_owned(),
        |d| d.display().to_string(),
    );
    writeln!(
        out,
        "refreshed {} of {} references into the cache ({cache})",
        references.len() - failed,
        references.len()
    )?;
    out.flush()?;
    Ok(if failed > 0 {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}
