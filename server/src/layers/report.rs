//! `dlint layers`: the layer cake of each stage, as a table or JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::analysis::{Analysis, Base, CacheInput, LayerKind, StageInfo, instruction_text};
use super::size::{Confidence, SizeEstimate, human};
use crate::model::Dockerfile;

/// One row of the cake.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Step number within the stage (FROM is 0).
    pub step: usize,
    pub line: u32,
    pub end_line: u32,
    pub instruction: String,
    pub kind: LayerKind,
    pub size: SizeEstimate,
    /// Sum of the stage's own layers so far (the base image is not included).
    pub cumulative: SizeEstimate,
    pub cache: Vec<CacheInput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub index: usize,
    pub name: Option<String>,
    pub base: Base,
    pub platform: Option<String>,
    pub reaches_final: bool,
    pub is_final: bool,
    pub layers: usize,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub final_stage: Option<usize>,
    pub stages: Vec<StageReport>,
    pub notes: Vec<String>,
    /// The package index apt sizes come from.
    pub apt_index: &'static str,
}

/// Shorten to `max` characters with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Build the report of an analysis.
pub fn report(file: &str, df: &Dockerfile, analysis: &Analysis) -> Report {
    let stages = analysis
        .stages
        .iter()
        .map(|st| {
            let mut cumulative = SizeEstimate::zero("");
            let mut rows = Vec::with_capacity(st.steps.len());
            for (i, step) in st.steps.iter().enumerate() {
                let ins = &df.instructions[step.instruction];
                if step.kind == LayerKind::Filesystem {
                    cumulative = cumulative.plus(&step.size);
                }
                rows.push(Row {
                    step: i,
                    line: ins.start_line,
                    end_line: ins.end_line,
                    instruction: instruction_text(ins),
                    kind: step.kind,
                    size: step.size.clone(),
                    cumulative: SizeEstimate {
                        basis: String::new(),
                        ..cumulative.clone()
                    },
                    cache: step.cache.clone(),
                });
            }
            StageReport {
                index: st.index,
                name: st.name.clone(),
                base: st.base.clone(),
                platform: st.platform.clone(),
                reaches_final: st.reaches_final,
                is_final: analysis.final_stage == Some(st.index),
                layers: st
                    .steps
                    .iter()
                    .filter(|s| s.kind == LayerKind::Filesystem)
                    .count(),
                rows,
            }
        })
        .collect();
    Report {
        file: file.to_owned(),
        final_stage: analysis.final_stage,
        stages,
        notes: analysis.notes.clone(),
        apt_index: super::apt::index_description(),
    }
}

fn size_cell(s: &SizeEstimate, kind: LayerKind) -> String {
    match kind {
        LayerKind::Metadata => "—".into(),
        LayerKind::None => String::new(),
        LayerKind::Filesystem => match s.confidence {
            Confidence::Unknown if s.low > 0 => format!("≥ {}", human(s.low)),
            Confidence::Unknown => "?".into(),
            _ => s.to_string(),
        },
    }
}

fn cumulative_cell(s: &SizeEstimate) -> String {
    match s.confidence {
        Confidence::Unknown => format!("≥ {}", human(s.low)),
        _ => s.to_string(),
    }
}

fn cache_cell(inputs: &[CacheInput], kind: LayerKind) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<&str> = Vec::new();
    for c in inputs {
        match c {
            CacheInput::Instruction { .. } => {}
            CacheInput::BuildArg { name, .. } => args.push(name),
            CacheInput::ContextFiles {
                source,
                files,
                bytes,
            } => parts.push(format!(
                "{source} ({files} file{}, {})",
                if *files == 1 { "" } else { "s" },
                human(*bytes)
            )),
            CacheInput::ContextSource { source } => parts.push(format!("{source} (context)")),
            CacheInput::RemoteUrl { url } => parts.push(format!("{url} (every build)")),
            CacheInput::Stage { name, .. } => parts.push(format!("stage {name}")),
            CacheInput::Image { reference } => parts.push(format!("image {reference}")),
        }
    }
    if !args.is_empty() {
        parts.push(format!("ARG {}", args.join(", ")));
    }
    if inputs.is_empty() || kind == LayerKind::None {
        return String::new();
    }
    let mut cell = String::from("instruction");
    for p in parts {
        cell.push_str(" + ");
        cell.push_str(&p);
    }
    cell
}

fn base_label(st: &StageReport, all: &[StageInfo]) -> String {
    match &st.base {
        Base::Image(r) => r.clone(),
        Base::Scratch => "scratch".into(),
        Base::Stage(i) => format!(
            "stage {}",
            all.get(*i)
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| i.to_string())
        ),
        Base::Unresolved(r) => format!("{r} (unresolved)"),
    }
}

/// The human table.
pub fn render_text(report: &Report, analysis: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.file);
    for st in &report.stages {
        let name = st
            .name
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        let role = if st.is_final {
            "final image"
        } else if st.reaches_final {
            "feeds the final image"
        } else {
            "not in the final image"
        };
        let _ = writeln!(
            out,
            "\nStage {}{name}: FROM {}{} ({role}, {} layer{})",
            st.index,
            base_label(st, &analysis.stages),
            st.platform
                .as_deref()
                .map(|p| format!(" --platform={p}"))
                .unwrap_or_default(),
            st.layers,
            if st.layers == 1 { "" } else { "s" }
        );
        let header = [
            "#",
            "line",
            "instruction",
            "layer",
            "size",
            "total",
            "cache depends on",
        ];
        let rows: Vec<[String; 7]> = st
            .rows
            .iter()
            .map(|r| {
                [
                    r.step.to_string(),
                    if r.end_line > r.line {
                        format!("{}-{}", r.line, r.end_line)
                    } else {
                        r.line.to_string()
                    },
                    shorten(&r.instruction, 44),
                    match r.kind {
                        LayerKind::Filesystem => "layer".into(),
                        LayerKind::Metadata => "metadata".into(),
                        LayerKind::None => {
                            if r.step == 0 {
                                "base".into()
                            } else {
                                "none".into()
                            }
                        }
                    },
                    size_cell(&r.size, r.kind),
                    if r.kind == LayerKind::Filesystem {
                        cumulative_cell(&r.cumulative)
                    } else {
                        String::new()
                    },
                    if r.step == 0 {
                        String::new()
                    } else {
                        cache_cell(&r.cache, r.kind)
                    },
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::from("  ");
            for (i, c) in cells.iter().enumerate() {
                let pad = widths[i].saturating_sub(c.chars().count());
                if i == 0 || i == 4 || i == 5 {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < cells.len() {
                        s.push_str(&" ".repeat(pad));
                    }
                }
                if i + 1 < cells.len() {
                    s.push_str("  ");
                }
            }
            s.trim_end().to_owned()
        };
        let _ = writeln!(out, "{}", line(&header.map(str::to_owned)));
        for r in &rows {
            let _ = writeln!(out, "{}", line(r));
        }
    }
    for n in &report.notes {
        let _ = writeln!(out, "\nnote: {n}");
    }
    let _ = writeln!(
        out,
        "\nSizes are of uncompressed layers; the base image is not included. apt sizes: {}.",
        report.apt_index
    );
    out
}
