//! Inlay hints: the layer each instruction makes and its estimated size, the base image's
//! size, the final image's running total.
//!
//! Hints sit at the end of an instruction's last line (after a heredoc's terminator). Sizes
//! are shown as honestly as the estimate allows: a range when the low and high ends differ,
//! `~` for an estimate, `?` for what cannot be known offline. A base image's size is its
//! compressed download size, the Dockerfile's own layers are uncompressed estimates: the
//! total says so rather than pretending they add up exactly.

use std::fmt::Write as _;

use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintTooltip, MarkupContent, MarkupKind, Range,
};

use super::Snapshot;
use crate::layers::size::human;
use crate::layers::{Base, Confidence, LayerKind, SizeEstimate, Step};
use crate::model::{Instruction, InstructionKind};
use crate::registry::{ImageInfo, catalog};

/// The hints of the instructions whose hint position lies in `range`.
pub fn inlay_hints(snap: &Snapshot, range: Range) -> Vec<InlayHint> {
    let wanted = snap.text_range(range);
    let all = snap.inlay_hints(|| all_hints(snap));
    let first = all.partition_point(|(at, _)| *at < wanted.start);
    all[first..]
        .iter()
        .take_while(|(at, _)| *at <= wanted.end)
        .map(|(_, hint)| hint.clone())
        .collect()
}

/// Every hint of the document, with the offset it sits at, in order.
fn all_hints(snap: &Snapshot) -> Vec<(usize, InlayHint)> {
    let settings = snap.settings.inlay_hints;
    let instructions = &snap.file.instructions;
    if instructions.is_empty()
        || !(settings.layers || settings.no_layer || settings.base || settings.total)
    {
        return Vec::new();
    }
    let analysis = snap.analysis();
    // The step of each instruction (instructions before the first FROM have none).
    let mut steps: Vec<Option<(usize, &Step)>> = vec![None; instructions.len()];
    for stage in &analysis.stages {
        for step in &stage.steps {
            if let Some(slot) = steps.get_mut(step.instruction) {
                *slot = Some((stage.index, step));
            }
        }
    }
    let total_at = if settings.total {
        analysis.final_stage.and_then(|f| {
            let stage = snap.file.stages.get(f)?;
            Some((f, stage.instructions.end.checked_sub(1)?))
        })
    } else {
        None
    };

    let mut out = Vec::new();
    for (idx, ins) in instructions.iter().enumerate() {
        let at = hint_offset(snap, ins);
        let Some((stage, step)) = steps[idx] else {
            continue;
        };
        let mut push = |label: String, tooltip: String| {
            out.push((
                at,
                InlayHint {
                    position: snap.position(at),
                    label: InlayHintLabel::String(label),
                    kind: None,
                    text_edits: None,
                    tooltip: Some(InlayHintTooltip::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: tooltip,
                    })),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                },
            ));
        };
        match step.kind {
            _ if ins.kind == InstructionKind::From => {
                if settings.base {
                    let (label, tooltip) = base_hint(snap, stage);
                    push(label, tooltip);
                }
            }
            LayerKind::Filesystem => {
                if settings.layers {
                    push(size_label(&step.size), layer_tooltip(step));
                }
            }
            LayerKind::Metadata | LayerKind::None => {
                if settings.no_layer {
                    let why = match (step.kind, ins.kind) {
                        (_, InstructionKind::Arg) => {
                            "Build argument: no layer, not kept in the image config."
                        }
                        (LayerKind::Metadata, _) => "No filesystem layer (image config only).",
                        (_, InstructionKind::Workdir) => "No layer: the directory already exists.",
                        _ => "No layer.",
                    };
                    push("no layer".to_owned(), why.to_owned());
                }
            }
        }
        if let Some((final_stage, last)) = total_at
            && last == idx
            && let Some(total) = chain_total(snap, final_stage)
        {
            push(total_label(&total), total_tooltip(&total));
        }
    }
    out
}

/// The end of an instruction's last line (before its line break): where its hint goes.
fn hint_offset(snap: &Snapshot, ins: &Instruction) -> usize {
    let bytes = snap.text.as_bytes();
    let mut end = ins.range.end.min(bytes.len());
    if end > ins.range.start && bytes[end - 1] == b'\n' {
        end -= 1;
    }
    snap.index
        .line_range(snap.index.line_of(end), &snap.text)
        .end
}

/// `+12.4 MB`, `+~3.10 MB`, `+1.20–3.40 MB`, `+? MB`, `+912 B + ?`.
pub(crate) fn size_label(size: &SizeEstimate) -> String {
    match size.confidence {
        Confidence::Unknown if size.high == 0 => "+? MB".to_owned(),
        Confidence::Unknown => format!("+{} + ?", range_text(size.low, size.high)),
        Confidence::Exact if size.low == size.high => format!("+{}", human(size.low)),
        _ if size.low == size.high => format!("+~{}", human(size.low)),
        _ => format!("+{}", range_text(size.low, size.high)),
    }
}

/// `12.4 MB`, or `1.20–3.40 MB` (one unit when both ends share it), `912 kB–1.20 MB`.
pub(crate) fn range_text(low: u64, high: u64) -> String {
    let (a, b) = (human(low), human(high));
    if low == high {
        return a;
    }
    match (a.rsplit_once(' '), b.rsplit_once(' ')) {
        (Some((na, ua)), Some((_, ub))) if ua == ub => format!("{na}–{b}"),
        _ => format!("{a}–{b}"),
    }
}

/// An estimate in words: `~12.4 MB (estimated, uncompressed)`.
pub(crate) fn size_words(size: &SizeEstimate) -> String {
    match size.confidence {
        Confidence::Unknown if size.high == 0 => "unknown".to_owned(),
        Confidence::Unknown => format!(
            "at least {} (the rest is unknown)",
            range_text(size.low, size.high)
        ),
        Confidence::Exact => format!("{} (exact, uncompressed)", range_text(size.low, size.high)),
        Confidence::Estimated if size.low == size.high => {
            format!("~{} (estimated, uncompressed)", human(size.low))
        }
        Confidence::Estimated => format!(
            "{} (estimated, uncompressed)",
            range_text(size.low, size.high)
        ),
    }
}

pub(crate) const fn confidence_word(c: Confidence) -> &'static str {
    match c {
        Confidence::Unknown => "unknown",
        Confidence::Estimated => "estimated",
        Confidence::Exact => "exact",
    }
}

fn layer_tooltip(step: &Step) -> String {
    let mut out = format!("**Filesystem layer**: {}", size_words(&step.size));
    if !step.size.basis.is_empty() {
        let _ = write!(out, "\n\nBasis: {}", step.size.basis);
    }
    let _ = write!(
        out,
        "\n\nConfidence: {}",
        confidence_word(step.size.confidence)
    );
    out
}

/// The platform a stage's base image is looked up for (as the server fetches it).
pub(crate) fn stage_platform(snap: &Snapshot, stage: usize) -> String {
    snap.analysis()
        .stages
        .get(stage)
        .and_then(|s| s.platform.clone())
        .unwrap_or_else(|| snap.platform().to_owned())
}

/// The compressed size of an image: its layers, else the catalogue's stated total.
pub(crate) fn compressed_bytes(info: &ImageInfo) -> Option<u64> {
    if !info.layers.is_empty() {
        return Some(info.compressed_total());
    }
    catalog::entry_of(info).and_then(|(_, p)| p.compressed_bytes)
}

fn base_hint(snap: &Snapshot, stage: usize) -> (String, String) {
    let analysis = snap.analysis();
    let Some(info) = analysis.stages.get(stage) else {
        return ("base ?".to_owned(), "No stage.".to_owned());
    };
    match &info.base {
        Base::Image(image) => {
            let platform = stage_platform(snap, stage);
            match snap.images.get(image, &platform) {
                Some(facts) => {
                    let source = facts.source.label();
                    match compressed_bytes(&facts) {
                        Some(bytes) => (
                            format!("base {} compressed", human(bytes)),
                            format!(
                                "`{image}` ({platform}): {} compressed download size.\n\n_Source: {source}_",
                                human(bytes)
                            ),
                        ),
                        None => (
                            "base ? (size unknown)".to_owned(),
                            format!(
                                "`{image}` ({platform}) is known but its size is not.\n\n_Source: {source}_"
                            ),
                        ),
                    }
                }
                None => (
                    "base ? (unknown image)".to_owned(),
                    format!("`{image}` ({platform}) is not known offline yet."),
                ),
            }
        }
        Base::Scratch => (
            "scratch".to_owned(),
            "The empty image: no layers.".to_owned(),
        ),
        Base::Stage(i) => {
            let name = analysis
                .stages
                .get(*i)
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| i.to_string());
            (
                format!("on stage {name}"),
                format!("Built on the layers of stage `{name}`."),
            )
        }
        Base::Unresolved(_) => {
            let written = snap
                .file
                .stages
                .get(stage)
                .and_then(|s| s.base.as_ref())
                .map_or("", |b| b.value.as_str());
            (
                "base ? (unresolved)".to_owned(),
                format!("`{written}` cannot be resolved: an ARG it uses has no value."),
            )
        }
    }
}

/// The size of a stage as built: the root base of its `FROM` chain and the filesystem
/// layers of every stage on that chain.
#[derive(Debug, Clone)]
pub(crate) struct ChainTotal {
    /// The root base (an image, scratch, or an unresolved reference).
    pub root: Base,
    /// Compressed size of the root base (0 for scratch); `None` when not known.
    pub base_bytes: Option<u64>,
    /// Sum of the layers whose size is known (uncompressed).
    pub layers: SizeEstimate,
    pub layer_count: usize,
    /// Layers whose size is unknown.
    pub unknown: usize,
}

/// The [`ChainTotal`] of stage `stage`.
pub(crate) fn chain_total(snap: &Snapshot, stage: usize) -> Option<ChainTotal> {
    let analysis = snap.analysis();
    let mut chain = vec![stage];
    let mut current = analysis.stages.get(stage)?;
    // `Base::Stage` always names an earlier stage, so this ends.
    while let Base::Stage(i) = current.base {
        if i >= current.index {
            break;
        }
        chain.push(i);
        current = analysis.stages.get(i)?;
    }
    let root = current.base.clone();
    let base_bytes = match &root {
        Base::Scratch => Some(0),
        Base::Image(image) => snap
            .images
            .get(image, &stage_platform(snap, current.index))
            .and_then(|info| compressed_bytes(&info)),
        Base::Stage(_) | Base::Unresolved(_) => None,
    };
    let mut layers = SizeEstimate::zero("");
    let mut layer_count = 0;
    let mut unknown = 0;
    for &i in chain.iter().rev() {
        for step in &analysis.stages[i].steps {
            if step.kind != LayerKind::Filesystem {
                continue;
            }
            layer_count += 1;
            if step.size.is_unknown() {
                unknown += 1;
            } else {
                layers = layers.plus(&step.size);
            }
        }
    }
    Some(ChainTotal {
        root,
        base_bytes,
        layers,
        layer_count,
        unknown,
    })
}

/// `≈ 142 MB total (base 45.2 MB compressed + 97.0 MB layers)`; `?` for what is not
/// known (`≈ 45.2 MB + ? total (base 45.2 MB compressed + 0 B layers + ?)`).
pub(crate) fn total_label(t: &ChainTotal) -> String {
    let unknown = if t.unknown > 0 { " + ?" } else { "" };
    let all_unknown = t.layer_count > 0 && t.unknown == t.layer_count;
    let layers = if all_unknown {
        "? layers".to_owned()
    } else {
        format!(
            "{} layers{unknown}",
            range_text(t.layers.low, t.layers.high)
        )
    };
    let base = match (&t.root, t.base_bytes) {
        (Base::Scratch, _) => "scratch".to_owned(),
        (_, Some(b)) => format!("base {} compressed", human(b)),
        (_, None) => "base ?".to_owned(),
    };
    match t.base_bytes {
        Some(b) if !all_unknown => format!(
            "≈ {}{unknown} total ({base} + {layers})",
            range_text(b + t.layers.low, b + t.layers.high)
        ),
        _ => format!("? total ({base} + {layers})"),
    }
}

fn total_tooltip(t: &ChainTotal) -> String {
    let mut out = String::from("**Final image**\n\n");
    match (&t.root, t.base_bytes) {
        (Base::Scratch, _) => out.push_str("- base: `scratch` (empty)\n"),
        (Base::Image(image), Some(b)) => {
            let _ = writeln!(
                out,
                "- base `{image}`: {} compressed download size",
                human(b)
            );
        }
        (Base::Image(image), None) => {
            let _ = writeln!(out, "- base `{image}`: size not known offline");
        }
        (_, _) => out.push_str("- base: unresolved\n"),
    }
    let plural = if t.layer_count == 1 { "" } else { "s" };
    if t.layer_count > 0 && t.unknown == t.layer_count {
        let _ = writeln!(
            out,
            "- {} own layer{plural}, of unknown size",
            t.layer_count
        );
    } else {
        let _ = write!(
            out,
            "- {} own layer{plural}: {} uncompressed estimate",
            t.layer_count,
            range_text(t.layers.low, t.layers.high)
        );
        if t.unknown > 0 {
            let _ = write!(out, " ({} of unknown size not counted)", t.unknown);
        }
        out.push('\n');
    }
    out.push_str(
        "\nA compressed base and uncompressed layers do not add up exactly: the sum is a rough guide.",
    );
    out
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::time::Instant;

    use tower_lsp_server::ls_types::Position;

    use super::*;
    use crate::lsp::settings::{InlayHintSettings, Settings};
    use std::sync::Arc;

    fn everything() -> Range {
        Range::new(Position::new(0, 0), Position::new(u32::MAX, 0))
    }

    fn with_hints(text: &str, hints: InlayHintSettings) -> Snapshot {
        let mut snap = Snapshot::for_text(text);
        snap.settings = Arc::new(Settings {
            read_context: false,
            inlay_hints: hints,
            ..Settings::default()
        });
        snap
    }

    /// One line per hint: `line:character label` and the tooltip indented.
    fn render(snap: &Snapshot, range: Range) -> String {
        let mut out = String::new();
        for hint in inlay_hints(snap, range) {
            let label = match &hint.label {
                InlayHintLabel::String(s) => s.clone(),
                InlayHintLabel::LabelParts(parts) => {
                    parts.iter().map(|p| p.value.as_str()).collect()
                }
            };
            let _ = writeln!(
                out,
                "{}:{} {label}",
                hint.position.line, hint.position.character
            );
            assert_eq!(hint.padding_left, Some(true));
            if let Some(InlayHintTooltip::MarkupContent(m)) = &hint.tooltip {
                for line in m.value.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        out
    }

    const ALL: InlayHintSettings = InlayHintSettings {
        layers: true,
        no_layer: true,
        base: true,
        total: true,
    };

    const MULTI: &str = "\
ARG PY=3.12
FROM python:${PY}-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements.txt
ENV A=1

FROM scratch
COPY --from=build /src/app /app
COPY <<EOF /etc/motd
hello
EOF
CMD [\"/app\"]
";

    #[test]
    fn hints_of_a_multi_stage_file() {
        let snap = with_hints(MULTI, ALL);
        insta::assert_snapshot!(render(&snap, everything()));
    }

    #[test]
    fn default_settings_hide_no_layer_hints() {
        let snap = Snapshot::for_text(MULTI);
        let text = render(&snap, everything());
        let labels: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
        assert!(!labels.iter().any(|l| l.ends_with(" no layer")), "{text}");
        assert!(text.contains("base 43.2 MB compressed"), "{text}");
        assert!(text.contains("total"), "{text}");
    }

    #[test]
    fn each_kind_can_be_turned_off() {
        let none = InlayHintSettings {
            layers: false,
            no_layer: false,
            base: false,
            total: false,
        };
        assert!(inlay_hints(&with_hints(MULTI, none), everything()).is_empty());
        let only_base = InlayHintSettings { base: true, ..none };
        let text = render(&with_hints(MULTI, only_base), everything());
        assert!(
            text.contains("base 43.2 MB") && text.contains("scratch"),
            "{text}"
        );
        assert!(!text.contains('+'), "{text}");
        let only_total = InlayHintSettings {
            total: true,
            ..none
        };
        assert_eq!(
            inlay_hints(&with_hints(MULTI, only_total), everything()).len(),
            1
        );
    }

    #[test]
    fn only_hints_inside_the_range() {
        let snap = with_hints(MULTI, ALL);
        // Lines 2-3 (0-based): WORKDIR and the apt RUN.
        let range = Range::new(Position::new(2, 0), Position::new(3, 200));
        let hints = inlay_hints(&snap, range);
        let lines: Vec<u32> = hints.iter().map(|h| h.position.line).collect();
        assert_eq!(lines, [2, 3]);
        // An empty range at the end of a line still gets that line's hint.
        let end = snap.position(snap.text.find("/src\n").unwrap_or(0) + 4);
        assert_eq!(inlay_hints(&snap, Range::new(end, end)).len(), 1);
        // Past the end of the document: nothing.
        let past = Range::new(Position::new(500, 0), Position::new(600, 0));
        assert!(inlay_hints(&snap, past).is_empty());
        // The same snapshot asked for the whole document (its hints are made once): all.
        let whole = Range::new(Position::new(0, 0), Position::new(600, 0));
        let fresh = with_hints(MULTI, ALL);
        assert_eq!(render(&snap, whole), render(&fresh, whole));
        assert!(inlay_hints(&snap, whole).len() > 2);
    }

    #[test]
    fn heredoc_hint_goes_after_the_terminator() {
        let snap = with_hints(MULTI, ALL);
        let hints = inlay_hints(&snap, everything());
        let eof_line = MULTI.lines().position(|l| l == "EOF").unwrap_or(0) as u32;
        assert!(
            hints
                .iter()
                .any(|h| h.position == Position::new(eof_line, 3)),
            "{hints:?}"
        );
    }

    #[test]
    fn total_on_an_image_base() {
        let text = "FROM python:3.12-slim\nCOPY <<EOF /x\nhello\nEOF\n";
        let snap = with_hints(text, ALL);
        let labels: Vec<String> = inlay_hints(&snap, everything())
            .into_iter()
            .filter_map(|h| match h.label {
                InlayHintLabel::String(s) => Some(s),
                InlayHintLabel::LabelParts(_) => None,
            })
            .collect();
        assert_eq!(
            labels,
            [
                "base 43.2 MB compressed",
                "+6 B",
                "≈ 43.2 MB total (base 43.2 MB compressed + 6 B layers)"
            ]
        );
    }

    #[test]
    fn unknown_and_unresolved_bases() {
        let text = "FROM example.invalid/nothing:1\nRUN ./build.sh\nFROM $NOPE\nFROM scratch AS s\nFROM s\nCOPY x /x\n";
        let snap = with_hints(text, ALL);
        insta::assert_snapshot!(render(&snap, everything()));
    }

    #[test]
    fn crlf_and_non_ascii_positions() {
        let text = "FROM alpine:3.20\r\n# é\r\nRUN echo 'héllo wörld' > /x\r\nLABEL a=\"ü\"\r\n";
        let snap = with_hints(text, ALL);
        let hints = inlay_hints(&snap, everything());
        let at: Vec<(u32, u32)> = hints
            .iter()
            .map(|h| (h.position.line, h.position.character))
            .collect();
        // UTF-16 columns, before the `\r`.
        assert_eq!(at, [(0, 16), (2, 27), (3, 11), (3, 11)]);
    }

    #[test]
    fn empty_and_broken_documents() {
        assert!(inlay_hints(&Snapshot::for_text(""), everything()).is_empty());
        let snap = with_hints("RUN echo before from\nFROM\nCOPY\nRUN <<EOF\nno end", ALL);
        let _ = inlay_hints(&snap, everything());
        let snap = with_hints("ARG A\n", ALL);
        assert!(inlay_hints(&snap, everything()).is_empty());
    }

    #[test]
    fn size_labels() {
        let est = |low, high, confidence| SizeEstimate {
            low,
            high,
            confidence,
            basis: String::new(),
        };
        assert_eq!(size_label(&est(0, 0, Confidence::Exact)), "+0 B");
        assert_eq!(
            size_label(&est(12_400_000, 12_400_000, Confidence::Exact)),
            "+12.4 MB"
        );
        assert_eq!(
            size_label(&est(3_100_000, 3_100_000, Confidence::Estimated)),
            "+~3.10 MB"
        );
        assert_eq!(
            size_label(&est(1_200_000, 3_400_000, Confidence::Estimated)),
            "+1.20–3.40 MB"
        );
        assert_eq!(
            size_label(&est(912_000, 1_200_000, Confidence::Estimated)),
            "+912 kB–1.20 MB"
        );
        assert_eq!(size_label(&est(0, 0, Confidence::Unknown)), "+? MB");
        assert_eq!(
            size_label(&est(912, 912, Confidence::Unknown)),
            "+912 B + ?"
        );
    }

    #[test]
    fn fast_on_a_300_line_file() {
        let mut text = String::from("FROM python:3.12-slim AS build\n");
        for i in 0..100 {
            let _ = writeln!(text, "RUN apt-get update && apt-get install -y curl{i}");
            let _ = writeln!(text, "ENV V{i}=x");
            let _ = writeln!(text, "COPY a{i} /a{i}");
        }
        let snap = with_hints(&text, ALL);
        let _ = snap.analysis();
        let _ = inlay_hints(&snap, everything());
        let start = Instant::now();
        let runs = 20;
        for _ in 0..runs {
            let hints = inlay_hints(&snap, everything());
            assert_eq!(hints.len(), 302);
        }
        let each = start.elapsed() / runs;
        // Generous for debug builds on a loaded machine; release is far below 2 ms.
        assert!(each.as_millis() < 20, "{each:?} per request");
    }
}
