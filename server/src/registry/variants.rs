//! Variant trade-offs of one image version: standard vs slim vs alpine, and the distroless
//! or Chainguard counterpart where one exists — size (compressed, from the catalogue, never
//! invented), shell, package manager, libc, compilers, and the caveats that bite in
//! practice.
//!
//! Facts per kind are the documented defaults of the Docker Official Images and the
//! distroless/Chainguard projects; sizes come only from the catalogue, and rounded
//! third-party figures are shown as caveats marked approximate, never as sizes.
//!
//! Also: what a Dockerfile's final image weighs on each variant of its base, with the base
//! (compressed, exact) and the Dockerfile's own layers (uncompressed estimate) kept apart.

use serde::Serialize;

use super::catalog::{
    self, CatalogImage, DEFAULT_PLATFORM, VariantKind, canonical, short_reference, split_canonical,
};
use crate::layers::{Analysis, Base, LayerKind, SizeEstimate, Step};
use crate::model::{Dockerfile, InstructionKind};

/// A package manager available in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageManager {
    Apt,
    Apk,
    None,
    Unknown,
}

/// The C library user-space binaries link against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Libc {
    Glibc,
    Musl,
    /// No libc at all (distroless `static`, `scratch`).
    None,
    Unknown,
}

/// One caveat; `approximate` ones are rounded or third-party statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caveat {
    pub text: String,
    pub approximate: bool,
    /// Where the statement comes from, when it is not common knowledge of the image.
    pub source: Option<String>,
}

impl Caveat {
    fn known(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            approximate: false,
            source: None,
        }
    }
}

/// One variant of an image version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    /// Familiar spelling: `python:3.12-slim`, `gcr.io/distroless/python3:latest`.
    pub reference: String,
    /// `docker.io/library/python:3.12-slim`.
    pub canonical: String,
    pub kind: VariantKind,
    /// The reference that was asked about.
    pub requested: bool,
    /// The platform the size is for.
    pub platform: String,
    /// Compressed (download) size from the catalogue; `None` when not known.
    pub compressed_bytes: Option<u64>,
    /// Why the size is unknown (`not in catalogue`, ...).
    pub size_note: Option<String>,
    /// The catalogue snapshot date of the size.
    pub as_of: Option<String>,
    /// The catalogue source of the size.
    pub source: Option<String>,
    /// The shell at `/bin/sh` (`bash`, `sh (BusyBox ash)`); `None` when there is none.
    pub shell: Option<String>,
    pub package_manager: PackageManager,
    pub libc: Libc,
    /// Whether a C compiler and headers are present (`None`: not known).
    pub compilers: Option<bool>,
    pub caveats: Vec<Caveat>,
}

/// What is known about an official image family beyond the catalogue.
struct Family {
    /// `docker.io/library/python`.
    repository: &'static str,
    slim: bool,
    alpine: bool,
    /// The standard tags build on buildpack-deps (gcc, headers, dev libraries).
    buildpack: bool,
    /// The slim and alpine tags still carry a C toolchain (Rust needs a linker).
    toolchain_everywhere: bool,
    /// Distroless counterparts to try in order (`{major}` = the version's major); the
    /// first one in the catalogue wins, else the last name is shown as not catalogued.
    distroless: &'static [&'static str],
    chainguard: Option<&'static str>,
}

const FAMILIES: &[Family] = &[
    Family {
        repository: "docker.io/library/python",
        slim: true,
        alpine: true,
        buildpack: true,
        toolchain_everywhere: false,
        distroless: &[
            "gcr.io/distroless/python3",
            "gcr.io/distroless/python3-debian12",
        ],
        chainguard: Some("cgr.dev/chainguard/python"),
    },
    Family {
        repository: "docker.io/library/node",
        slim: true,
        alpine: true,
        buildpack: true,
        toolchain_everywhere: false,
        distroless: &[
            "gcr.io/distroless/nodejs{major}",
            "gcr.io/distroless/nodejs{major}-debian12",
        ],
        chainguard: Some("cgr.dev/chainguard/node"),
    },
    Family {
        repository: "docker.io/library/golang",
        slim: false,
        alpine: true,
        buildpack: true,
        toolchain_everywhere: false,
        distroless: &[
            "gcr.io/distroless/static",
            "gcr.io/distroless/static-debian12",
        ],
        chainguard: Some("cgr.dev/chainguard/go"),
    },
    Family {
        repository: "docker.io/library/rust",
        slim: true,
        alpine: true,
        buildpack: true,
        toolchain_everywhere: true,
        distroless: &["gcr.io/distroless/cc", "gcr.io/distroless/cc-debian12"],
        chainguard: Some("cgr.dev/chainguard/rust"),
    },
    Family {
        repository: "docker.io/library/eclipse-temurin",
        slim: false,
        alpine: true,
        buildpack: false,
        toolchain_everywhere: false,
        distroless: &[
            "gcr.io/distroless/java{major}",
            "gcr.io/distroless/java{major}-debian12",
        ],
        chainguard: Some("cgr.dev/chainguard/jre"),
    },
    Family {
        repository: "docker.io/library/nginx",
        slim: false,
        alpine: true,
        buildpack: false,
        toolchain_everywhere: false,
        distroless: &[],
        chainguard: Some("cgr.dev/chainguard/nginx"),
    },
    Family {
        repository: "docker.io/library/postgres",
        slim: false,
        alpine: true,
        buildpack: false,
        toolchain_everywhere: false,
        distroless: &[],
        chainguard: Some("cgr.dev/chainguard/postgres"),
    },
    Family {
        repository: "docker.io/library/redis",
        slim: false,
        alpine: true,
        buildpack: false,
        toolchain_everywhere: false,
        distroless: &[],
        chainguard: Some("cgr.dev/chainguard/redis"),
    },
    Family {
        repository: "docker.io/library/debian",
        slim: true,
        alpine: false,
        buildpack: false,
        toolchain_everywhere: false,
        distroless: &[],
        chainguard: None,
    },
];

/// Debian and Ubuntu code names that official tags append (`3.12-slim-bookworm`).
const CODENAMES: &[&str] = &[
    "buster", "bullseye", "bookworm", "trixie", "forky", "focal", "jammy", "noble",
];

/// A tag split into its version and variant suffixes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TagParts {
    /// `3.12`, `21-jre`, `bookworm` (for debian itself), `latest`.
    version: String,
    kind: Option<VariantKind>,
}

fn split_tag(tag: &str) -> TagParts {
    let mut tokens: Vec<&str> = tag.split('-').collect();
    let mut kind = None;
    while let Some(&last) = tokens.last() {
        if last == "slim" {
            kind.get_or_insert(VariantKind::Slim);
        } else if last.starts_with("alpine") {
            kind.get_or_insert(VariantKind::Alpine);
        } else if CODENAMES.contains(&last) && tokens.len() > 1 {
            // `3.12-slim-bookworm`: the distribution, not the version.
        } else {
            break;
        }
        tokens.pop();
    }
    let version = if tokens.is_empty() {
        "latest".to_owned()
    } else {
        tokens.join("-")
    };
    TagParts { version, kind }
}

/// The major of a version: `22.4` → `22`, `21-jre` → `21`.
fn major(version: &str) -> &str {
    version
        .split(['.', '-'])
        .next()
        .filter(|m| !m.is_empty())
        .unwrap_or(version)
}

fn family_of(repository: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.repository == repository)
}

/// Every variant of the same image and version as `reference`, for `linux/amd64`:
/// the reference itself, its standard/slim/alpine siblings, then the distroless and
/// Chainguard counterparts. Sizes come from the catalogue only.
pub fn variants_of(reference: &str) -> Vec<VariantInfo> {
    variants_for(reference, DEFAULT_PLATFORM)
}

/// [`variants_of`] for a given platform.
pub fn variants_for(reference: &str, platform: &str) -> Vec<VariantInfo> {
    let Some(canonical_ref) = canonical(reference) else {
        return Vec::new();
    };
    // A digest pins one build; its siblings are compared by tag.
    let (repository, tag, _) = split_canonical(&canonical_ref);
    let requested_entry = catalog::find(&canonical_ref);
    let tag = tag
        .map(str::to_owned)
        .or_else(|| requested_entry.map(|e| e.tag.clone()))
        .unwrap_or_else(|| "latest".to_owned());
    let parts = split_tag(&tag);
    let family = family_of(repository);
    let requested_kind = match requested_entry {
        Some(e) => e.variant_kind,
        None if repository.starts_with("gcr.io/distroless/") => VariantKind::Distroless,
        None if repository.starts_with("cgr.dev/chainguard/") => VariantKind::Chainguard,
        None => parts.kind.unwrap_or(VariantKind::Standard),
    };
    let requested_ref = format!("{repository}:{tag}");

    let mut rows: Vec<VariantInfo> = Vec::new();
    let push = |rows: &mut Vec<VariantInfo>, canonical: String, kind: VariantKind| {
        if rows.iter().any(|r| r.canonical == canonical) {
            return;
        }
        let requested = canonical == requested_ref;
        rows.push(describe(&canonical, kind, requested, family, platform));
    };
    push(&mut rows, requested_ref.clone(), requested_kind);

    // Distroless and Chainguard images have no standard/slim/alpine siblings.
    if matches!(
        requested_kind,
        VariantKind::Standard | VariantKind::Slim | VariantKind::Alpine
    ) {
        for entry in &catalog::catalog().images {
            // Most entries are of other repositories: a prefix test tells before splitting.
            if !entry.reference.starts_with(repository) {
                continue;
            }
            let (repo, _, _) = split_canonical(&entry.reference);
            if repo == repository && split_tag(&entry.tag).version == parts.version {
                push(&mut rows, entry.reference.clone(), entry.variant_kind);
            }
        }
        if let Some(f) = family {
            let present = |rows: &[VariantInfo], k: VariantKind| rows.iter().any(|r| r.kind == k);
            let tag_for = |suffix: &str| match (parts.version.as_str(), suffix) {
                (v, "") => v.to_owned(),
                ("latest", s) => s.to_owned(),
                (v, s) => format!("{v}-{s}"),
            };
            for (kind, wanted, suffix) in [
                (VariantKind::Standard, true, ""),
                (VariantKind::Slim, f.slim, "slim"),
                (VariantKind::Alpine, f.alpine, "alpine"),
            ] {
                if wanted && !present(&rows, kind) {
                    push(&mut rows, format!("{repository}:{}", tag_for(suffix)), kind);
                }
            }
            if let Some(name) = distroless_counterpart(f, &parts.version) {
                push(&mut rows, name, VariantKind::Distroless);
            }
            if let Some(cg) = f.chainguard {
                push(&mut rows, format!("{cg}:latest"), VariantKind::Chainguard);
            }
        }
    }
    rows.sort_by_key(|r| r.kind);
    rows
}

fn distroless_counterpart(family: &Family, version: &str) -> Option<String> {
    let names: Vec<String> = family
        .distroless
        .iter()
        .map(|n| n.replace("{major}", major(version)))
        .collect();
    let found = names
        .iter()
        .find(|n| catalog::find(n).is_some())
        .or_else(|| names.last())?;
    Some(format!("{found}:latest"))
}

/// Describe one variant: catalogue size and the kind's documented traits.
fn describe(
    canonical_ref: &str,
    kind: VariantKind,
    requested: bool,
    family: Option<&Family>,
    platform: &str,
) -> VariantInfo {
    let entry = catalog::find(canonical_ref);
    let (repository, _, _) = split_canonical(canonical_ref);
    let (compressed_bytes, size_note, as_of, source) = size_of(entry, platform);
    let is_busybox = repository == "docker.io/library/busybox";
    let mut caveats = Vec::new();
    let (shell, package_manager, libc, compilers) = match kind {
        VariantKind::Standard if is_busybox => (
            Some("sh (BusyBox)"),
            PackageManager::None,
            Libc::Unknown,
            Some(false),
        ),
        // An image dlint knows nothing about: no guesses.
        VariantKind::Standard if family.is_none() && entry.is_none() => {
            (None, PackageManager::Unknown, Libc::Unknown, None)
        }
        VariantKind::Standard => {
            let compilers = family.map(|f| f.buildpack);
            if compilers == Some(true) {
                caveats.push(Caveat::known(
                    "full toolchain (buildpack-deps: gcc, headers, dev libraries): fine for a \
                     build stage, mostly dead weight at run time",
                ));
            }
            (Some("bash"), PackageManager::Apt, Libc::Glibc, compilers)
        }
        VariantKind::Slim => {
            let compilers = family.is_some_and(|f| f.toolchain_everywhere);
            if !compilers {
                caveats.push(Caveat::known(
                    "no compilers or headers: `pip install` of a package without a wheel, or a \
                     native npm module, fails until `build-essential` is installed (install and \
                     remove it in the same `RUN`, or build in another stage)",
                ));
            }
            (
                Some("bash"),
                PackageManager::Apt,
                Libc::Glibc,
                Some(compilers),
            )
        }
        VariantKind::Alpine => {
            caveats.push(Caveat::known(
                "musl libc: glibc binaries do not run; manylinux Python wheels and prebuilt \
                 native npm modules are glibc builds, so without a musl build pip/npm compile \
                 from source (needs `apk add build-base`) or fail",
            ));
            caveats.push(Caveat::known(
                "`apk`, not `apt`: package names differ; use `apk add --no-cache`",
            ));
            caveats.push(Caveat::known(
                "`/bin/sh` is BusyBox ash; no bash unless installed",
            ));
            let compilers = family.is_some_and(|f| f.toolchain_everywhere);
            (
                Some("sh (BusyBox ash)"),
                PackageManager::Apk,
                Libc::Musl,
                Some(compilers),
            )
        }
        VariantKind::Distroless => {
            caveats.extend(distroless_caveats(repository, entry));
            let libc = if repository.contains("/static") {
                Libc::None
            } else {
                Libc::Glibc
            };
            (None, PackageManager::None, libc, Some(false))
        }
        VariantKind::Chainguard => {
            caveats.extend(chainguard_caveats());
            // Wolfi, the distribution under Chainguard images, is glibc based.
            (None, PackageManager::None, Libc::Glibc, Some(false))
        }
        VariantKind::Scratch => (None, PackageManager::None, Libc::None, Some(false)),
    };
    caveats.extend(approximate_caveats(repository, kind));
    VariantInfo {
        reference: short_reference(canonical_ref),
        canonical: canonical_ref.to_owned(),
        kind,
        requested,
        platform: platform.to_owned(),
        compressed_bytes,
        size_note,
        as_of,
        source,
        shell: shell.map(str::to_owned),
        package_manager,
        libc,
        compilers,
        caveats,
    }
}

type SizeFacts = (Option<u64>, Option<String>, Option<String>, Option<String>);

fn size_of(entry: Option<&CatalogImage>, platform: &str) -> SizeFacts {
    let Some(entry) = entry else {
        return (None, Some("not in catalogue".to_owned()), None, None);
    };
    let source = Some(entry.source.describe());
    match entry.platform(platform) {
        None => (
            None,
            Some(format!("not catalogued for {platform}")),
            Some(entry.as_of.clone()),
            source,
        ),
        Some(p) => {
            let as_of = p.as_of.clone().or_else(|| Some(entry.as_of.clone()));
            match p.compressed_bytes {
                Some(b) => (Some(b), None, as_of, source),
                None => (
                    None,
                    Some("catalogued without sizes (manifest list only)".to_owned()),
                    as_of,
                    source,
                ),
            }
        }
    }
}

fn distroless_caveats(repository: &str, entry: Option<&CatalogImage>) -> Vec<Caveat> {
    let mut out = vec![
        Caveat::known(
            "no shell and no package manager: `RUN` cannot run in it; use it as the final \
             stage of a multi-stage build and `COPY` the application in",
        ),
        Caveat::known("for debugging, the `:debug` tags add a BusyBox shell"),
    ];
    let name = repository.rsplit('/').next().unwrap_or(repository);
    if name.starts_with("python3") {
        out.push(Caveat::known(
            "Python is Debian's python3 package: its version follows the Debian release, not \
             the python tag it is compared with",
        ));
    } else if name.starts_with("static") {
        out.push(Caveat::known(
            "no libc: only for statically linked binaries (Go with `CGO_ENABLED=0`, Rust \
             built for musl)",
        ));
    } else if name.starts_with("cc") {
        out.push(Caveat::known(
            "glibc, libgcc and libstdc++ only: for compiled Rust/C/C++ programs",
        ));
    }
    if let Some(e) = entry
        && e.tag == "latest"
        && !name.contains("-debian")
    {
        out.push(Caveat::known(format!(
            "catalogued under its {} name; current tags are named `{name}-debian12` \
             (or `-debian13`) and are not in the catalogue",
            e.as_of.get(..4).unwrap_or(&e.as_of)
        )));
    }
    out
}

fn chainguard_caveats() -> Vec<Caveat> {
    let mut out: Vec<Caveat> = catalog::catalog()
        .approximate_statements
        .iter()
        .filter(|s| s.exact && s.subject.starts_with("Chainguard"))
        .map(|s| Caveat {
            text: format!(
                "{}. Pinned version tags need a subscription.",
                s.statement.trim_end_matches('.')
            ),
            approximate: false,
            source: s.source.url.clone().or_else(|| Some(s.source.describe())),
        })
        .collect();
    out.push(Caveat::known(
        "`:latest` has no shell or package manager; `:latest-dev` adds a shell and `apk`",
    ));
    out
}

/// Rounded statements about this repository, marked approximate, unless the catalogue
/// itself says not to display them.
fn approximate_caveats(repository: &str, kind: VariantKind) -> Vec<Caveat> {
    if !matches!(kind, VariantKind::Distroless | VariantKind::Chainguard) {
        return Vec::new();
    }
    catalog::catalog()
        .approximate_statements
        .iter()
        .filter(|s| !s.exact)
        .filter(|s| {
            s.subject
                .split([' ', ':'])
                .any(|word| word.starts_with(repository))
        })
        .filter(|s| {
            !s.note
                .as_deref()
                .is_some_and(|n| n.to_ascii_lowercase().contains("do not display"))
        })
        .map(|s| Caveat {
            text: match &s.as_of {
                Some(d) => format!("as of {d}: {}", s.statement),
                None => s.statement.clone(),
            },
            approximate: true,
            source: s.source.url.clone().or_else(|| Some(s.source.describe())),
        })
        .collect()
}

/// A smaller drop-in variant of `reference` (linux/amd64): same libc and package manager
/// preferred (slim before alpine), with compilers when `needs_compiler`; distroless and
/// Chainguard are not drop-in (no shell for `RUN`) and are not suggested. Returns the
/// variant's familiar reference and the compressed bytes saved; `None` when either size
/// is not in the catalogue or nothing smaller fits.
pub fn smaller_variant(reference: &str, needs_compiler: bool) -> Option<(String, u64)> {
    smaller_variant_for(reference, DEFAULT_PLATFORM, needs_compiler)
}

/// [`smaller_variant`] for a given platform.
pub fn smaller_variant_for(
    reference: &str,
    platform: &str,
    needs_compiler: bool,
) -> Option<(String, u64)> {
    // The answer depends on the embedded catalogue alone, and a few base images make most
    // `FROM`s: answers are kept (a few hundred at most).
    type Key = (String, String, bool);
    type Memo = std::sync::Mutex<rustc_hash::FxHashMap<Key, Option<(String, u64)>>>;
    static MEMO: std::sync::LazyLock<Memo> = std::sync::LazyLock::new(Memo::default);
    let key = (reference.to_owned(), platform.to_owned(), needs_compiler);
    if let Ok(memo) = MEMO.lock()
        && let Some(known) = memo.get(&key)
    {
        return known.clone();
    }
    let answer = smaller_variant_uncached(reference, platform, needs_compiler);
    if let Ok(mut memo) = MEMO.lock() {
        if memo.len() >= 512 {
            memo.clear();
        }
        memo.insert(key, answer.clone());
    }
    answer
}

fn smaller_variant_uncached(
    reference: &str,
    platform: &str,
    needs_compiler: bool,
) -> Option<(String, u64)> {
    let variants = variants_for(reference, platform);
    let current = variants.iter().find(|v| v.requested)?;
    let current_size = current.compressed_bytes?;
    let candidates = variants.iter().filter(|v| {
        !v.requested
            && matches!(
                v.kind,
                VariantKind::Standard | VariantKind::Slim | VariantKind::Alpine
            )
            && v.compressed_bytes.is_some_and(|b| b < current_size)
            && (!needs_compiler || v.compilers == Some(true))
    });
    let best = candidates.min_by_key(|v| {
        let compatible = v.libc == current.libc && v.package_manager == current.package_manager;
        (!compatible, v.compressed_bytes)
    })?;
    Some((
        best.reference.clone(),
        current_size - best.compressed_bytes.unwrap_or(current_size),
    ))
}

/// The layers of the final image that the Dockerfile itself makes: the root base and the
/// filesystem steps of every stage on the `FROM` chain to the final stage, in build order.
#[derive(Debug, Clone)]
pub struct FinalChain<'a> {
    /// The base of the first stage on the chain.
    pub base: &'a Base,
    /// `(stage index, step)` of each filesystem step, in order.
    pub steps: Vec<(usize, &'a Step)>,
}

/// The final image's chain of stages; `None` without a final stage.
pub fn final_chain(analysis: &Analysis) -> Option<FinalChain<'_>> {
    let mut chain = vec![analysis.final_stage?];
    let mut seen = std::collections::HashSet::new();
    while let Some(&last) = chain.last() {
        if !seen.insert(last) {
            break;
        }
        match &analysis.stages.get(last)?.base {
            Base::Stage(i) if *i < last => chain.push(*i),
            _ => break,
        }
    }
    chain.reverse();
    let base = &analysis.stages.get(*chain.first()?)?.base;
    let steps = chain
        .iter()
        .flat_map(|&i| {
            analysis.stages[i]
                .steps
                .iter()
                .filter(|s| s.kind == LayerKind::Filesystem)
                .map(move |s| (i, s))
        })
        .collect();
    Some(FinalChain { base, steps })
}

/// What a Dockerfile's final image weighs on each variant of its base.
#[derive(Debug, Clone, Serialize)]
pub struct DockerfileWeight {
    /// The base image of the final image as written (after `ARG` expansion).
    pub base: String,
    pub platform: String,
    /// The Dockerfile's own layers whose size the layer model can estimate: an
    /// uncompressed estimate (what they add on disk), not a download size.
    pub own_layers: SizeEstimate,
    pub own_layer_count: usize,
    /// Own layers of unknown size (`curl | sh`, `COPY --from`, ...).
    pub unknown_layers: Vec<UnknownLayer>,
    /// Whether the final image runs commands (`RUN`), which needs a shell in the base.
    pub runs_commands: bool,
    /// The base's variants with their compressed sizes.
    pub variants: Vec<VariantInfo>,
}

/// An own layer the layer model cannot size.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownLayer {
    /// 1-based line of the instruction.
    pub line: u32,
    pub basis: String,
}

/// The weight table of the final image, when its base is an image reference.
pub fn dockerfile_weight(
    df: &Dockerfile,
    analysis: &Analysis,
    platform: Option<&str>,
) -> Option<DockerfileWeight> {
    let chain = final_chain(analysis)?;
    let Base::Image(base) = chain.base else {
        return None;
    };
    let platform = platform.unwrap_or(DEFAULT_PLATFORM);
    let (unknown, known): (Vec<_>, Vec<_>) =
        chain.steps.iter().partition(|(_, s)| s.size.is_unknown());
    let own_layers = if known.is_empty() {
        SizeEstimate::unknown("no own layer can be sized")
    } else {
        let sum = known
            .iter()
            .fold(SizeEstimate::zero(""), |acc, (_, s)| acc.plus(&s.size));
        SizeEstimate {
            basis: "uncompressed estimate of the Dockerfile's own layers".to_owned(),
            ..sum
        }
    };
    let line = |s: &Step| {
        df.instructions
            .get(s.instruction)
            .map_or(0, |i| i.start_line)
    };
    Some(DockerfileWeight {
        base: base.clone(),
        platform: platform.to_owned(),
        own_layer_count: chain.steps.len(),
        own_layers,
        unknown_layers: unknown
            .iter()
            .map(|(_, s)| UnknownLayer {
                line: line(s),
                basis: s.size.basis.clone(),
            })
            .collect(),
        runs_commands: chain.steps.iter().any(|(_, s)| {
            df.instructions
                .get(s.instruction)
                .is_some_and(|i| i.kind == InstructionKind::Run)
        }),
        variants: variants_for(base, platform),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_into_version_and_kind() {
        let s = |t| {
            let p = split_tag(t);
            (p.version, p.kind)
        };
        assert_eq!(s("3.12"), ("3.12".into(), None));
        assert_eq!(s("3.12-slim"), ("3.12".into(), Some(VariantKind::Slim)));
        assert_eq!(
            s("3.12-slim-bookworm"),
            ("3.12".into(), Some(VariantKind::Slim))
        );
        assert_eq!(
            s("3.12-alpine3.20"),
            ("3.12".into(), Some(VariantKind::Alpine))
        );
        assert_eq!(s("21-jre-noble"), ("21-jre".into(), None));
        assert_eq!(
            s("bookworm-slim"),
            ("bookworm".into(), Some(VariantKind::Slim))
        );
        assert_eq!(s("alpine"), ("latest".into(), Some(VariantKind::Alpine)));
        assert_eq!(s("latest"), ("latest".into(), None));
        assert_eq!(major("22.4.1"), "22");
        assert_eq!(major("21-jre"), "21");
    }

    #[test]
    fn python_variants() {
        let v = variants_of("python:3.12");
        let refs: Vec<&str> = v.iter().map(|v| v.reference.as_str()).collect();
        assert_eq!(
            refs,
            [
                "python:3.12",
                "python:3.12-slim",
                "python:3.12-alpine",
                "gcr.io/distroless/python3:latest",
                "cgr.dev/chainguard/python:latest"
            ]
        );
        assert!(v[0].requested);
        assert_eq!(v[0].compressed_bytes, Some(410_908_459));
        assert_eq!(v[1].compressed_bytes, Some(43_188_023));
        assert_eq!(v[2].libc, Libc::Musl);
        assert_eq!(v[3].compressed_bytes, None);
        assert!(
            v[3].size_note
                .as_deref()
                .is_some_and(|n| n.contains("without sizes"))
        );
        assert_eq!(v[4].size_note.as_deref(), Some("not in catalogue"));
        assert!(v[4].caveats.iter().any(|c| c.text.contains(":latest-dev")));
    }

    #[test]
    fn missing_siblings_are_named_not_sized() {
        let v = variants_of("node:22");
        let dl = v
            .iter()
            .find(|v| v.kind == VariantKind::Distroless)
            .unwrap();
        assert_eq!(dl.reference, "gcr.io/distroless/nodejs22-debian12:latest");
        assert_eq!(dl.compressed_bytes, None);
        let v = variants_of("golang:1.25");
        assert!(v[0].requested && v[0].compressed_bytes.is_none());
        assert!(v.iter().any(|v| v.reference == "golang:1.25-bookworm"));
        assert!(v.iter().any(|v| v.reference == "golang:1.25-alpine"));
    }

    #[test]
    fn approximate_statements_are_marked() {
        let v = variants_of("golang:1.25-alpine");
        let dl = v
            .iter()
            .find(|v| v.kind == VariantKind::Distroless)
            .unwrap();
        assert_eq!(dl.reference, "gcr.io/distroless/static:latest");
        assert!(
            dl.caveats
                .iter()
                .any(|c| c.approximate && c.text.contains("2 MiB"))
        );
        let py = variants_of("python:3.12");
        let cg = py
            .iter()
            .find(|v| v.kind == VariantKind::Chainguard)
            .unwrap();
        // The catalogue says the rounded python figure is not to be displayed.
        assert!(cg.caveats.iter().all(|c| !c.text.contains("23 MB")));
    }

    #[test]
    fn smaller_variants() {
        assert_eq!(
            smaller_variant("python:3.12", false),
            Some(("python:3.12-slim".to_owned(), 410_908_459 - 43_188_023))
        );
        assert_eq!(smaller_variant("python:3.12", true), None);
        assert_eq!(smaller_variant("python:3.12-alpine", false), None);
        assert_eq!(
            smaller_variant("python:3.12-slim", false),
            Some(("python:3.12-alpine".to_owned(), 43_188_023 - 18_037_743))
        );
        assert_eq!(smaller_variant("nosuchimage:1", false), None);
        // rust: slim carries the toolchain too.
        assert_eq!(
            smaller_variant("rust:1-alpine", true),
            Some(("rust:1-slim".to_owned(), 349_115_881 - 319_098_044))
        );
    }
}
