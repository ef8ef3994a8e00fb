/**
 * The "layer cake" webview: the answer of the server's `dlint/layers` request drawn as one
 * stacked bar per stage (the base image's layers at the bottom, in their own colour, the
 * stage's own layers above), each block as tall as its size estimate, with the base
 * image's slim/alpine/distroless alternatives beside it.
 *
 * Pure: the page is a function of the answer (no `vscode` import), so it is unit-tested
 * and rendered for the README's screenshot outside VS Code (scripts/screenshot.mjs).
 *
 * The page runs under a strict Content-Security-Policy: one nonce'd `<style>` and one
 * nonce'd `<script>`, no inline `style=` attributes (block sizes travel as `data-h`/
 * `data-w` and the script applies them through the CSSOM), no remote anything. Clicks post
 * `{type: "reveal", line, endLine}` (1-based lines) to the extension; the extension posts
 * `{type: "update", html}` with a new body when the document changes.
 */

import { type SizeEstimate, formatSize, formatTotal, human, isUnknown } from "./format";

// ---- The answer of `dlint/layers` (server/src/lsp/layers.rs) ----

export type CacheInput =
  | { kind: "instruction"; text: string }
  | { kind: "build-arg"; name: string; value: string | null }
  | { kind: "context-files"; source: string; files: number; bytes: number }
  | { kind: "context-source"; source: string }
  | { kind: "remote-url"; url: string }
  | { kind: "stage"; stage: number; name: string }
  | { kind: "image"; reference: string };

export interface Row {
  step: number;
  line: number;
  end_line: number;
  instruction: string;
  kind: "filesystem" | "metadata" | "none";
  size: SizeEstimate;
  cumulative: SizeEstimate;
  cache: CacheInput[];
}

export type Base =
  | { kind: "image"; value: string }
  | { kind: "scratch"; value?: undefined }
  | { kind: "stage"; value: number }
  | { kind: "unresolved"; value: string };

export interface Stage {
  index: number;
  name: string | null;
  base: Base;
  platform: string | null;
  reaches_final: boolean;
  is_final: boolean;
  layers: number;
  rows: Row[];
}

export interface Report {
  file: string;
  final_stage: number | null;
  stages: Stage[];
  notes: string[];
  apt_index: string;
}

export interface BaseLayer {
  digest: string;
  compressedBytes: number;
  createdBy: string | null;
}

export interface BaseImage {
  stage: number;
  reference: string;
  platform: string;
  compressedBytes: number | null;
  source: string | null;
  layers: BaseLayer[];
}

export interface Caveat {
  text: string;
  approximate: boolean;
  source: string | null;
}

export interface Variant {
  reference: string;
  canonical: string;
  kind: string;
  requested: boolean;
  platform: string;
  compressed_bytes: number | null;
  size_note: string | null;
  as_of: string | null;
  source: string | null;
  shell: string | null;
  package_manager: string;
  libc: string;
  compilers: boolean | null;
  caveats: Caveat[];
}

export interface LayerCake {
  uri: string;
  version: number;
  report: Report;
  baseImages: BaseImage[];
  variants: Variant[];
  text: string;
}

// ---- Geometry ----

/** Height of the tallest bar's proportional part, in pixels. */
export const BAR_HEIGHT = 420;
/** Every block gets at least this much, so its label fits (one line of 12px text). */
export const MIN_BLOCK = 22;
/** Height of a block whose size is unknown (drawn hatched). */
export const UNKNOWN_BLOCK = 40;

/** One block of a bar, bottom to top. */
export interface Block {
  /** `base` blocks belong to the base image (or the parent stage). */
  part: "base" | "own";
  /** Colour family: the instruction's keyword, or `base`. */
  tone: string;
  label: string;
  size: string;
  /** Known bytes (the low end of a range); `null` when unknown. */
  low: number | null;
  /** High end of the range (equal to `low` when exact). */
  high: number | null;
  /** 1-based lines the block jumps to. */
  line: number;
  endLine: number;
  /** Tooltip, as HTML. */
  tip: string;
}

export interface Bar {
  stage: Stage;
  blocks: Block[];
  /** Bytes of the base part (compressed for images) and of the stage's own layers. */
  baseBytes: number;
  ownLow: number;
  ownHigh: number;
  ownUnknown: boolean;
  /** Whether the base's size is not (fully) known. */
  baseUnknown: boolean;
  baseLabel: string;
  /** Instructions that make no layer: [keyword, line]. */
  noLayer: Array<{ keyword: string; line: number; instruction: string }>;
}

/** `&`, `<`, `>`, `"` and `'` as entities. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** The instruction's keyword (`RUN`, `COPY`), upper case. */
export function keyword(instruction: string): string {
  const word = /^\s*([A-Za-z]+)/.exec(instruction)?.[1] ?? "";
  return word.toUpperCase();
}

const TONES = new Set(["RUN", "COPY", "ADD", "WORKDIR"]);

function tone(instruction: string): string {
  const k = keyword(instruction);
  return TONES.has(k) ? k.toLowerCase() : "other";
}

function lines(line: number, endLine: number): string {
  return endLine > line ? `lines ${line}–${endLine}` : `line ${line}`;
}

function stageName(stage: Stage): string {
  return stage.name !== null ? `stage ${stage.index} \`${stage.name}\`` : `stage ${stage.index}`;
}

function stageTitle(stage: Stage): string {
  return stage.name !== null ? `Stage ${stage.index} · ${stage.name}` : `Stage ${stage.index}`;
}

function cacheText(input: CacheInput): string {
  switch (input.kind) {
    case "instruction":
      return "the instruction";
    case "build-arg":
      return `ARG ${input.name}${input.value === null ? " (unset)" : `=${input.value}`}`;
    case "context-files":
      return `${input.source} (${input.files} ${input.files === 1 ? "file" : "files"}, ${human(input.bytes)})`;
    case "context-source":
      return `${input.source} (build context)`;
    case "remote-url":
      return `${input.url} (fetched at every build)`;
    case "stage":
      return `stage \`${input.name}\``;
    case "image":
      return `image ${input.reference}`;
  }
}

/** Markdown-ish backticks as `<code>`, the rest escaped. */
function inlineCode(s: string): string {
  return s
    .split("`")
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join("");
}

function tipRow(name: string, value: string): string {
  return `<div class="tip-row"><span class="tip-key">${escapeHtml(name)}</span><span>${value}</span></div>`;
}

function rowTip(stage: Stage, row: Row): string {
  const confidence = isUnknown(row.size) ? "unknown" : row.size.confidence;
  const parts = [
    `<div class="tip-title"><code>${escapeHtml(row.instruction)}</code></div>`,
    tipRow("where", escapeHtml(`${lines(row.line, row.end_line)}, step ${row.step} of ${stageName(stage)}`)),
    tipRow("layer", `<b>${escapeHtml(formatSize(row.size))}</b> <span class="muted">(${confidence}, uncompressed)</span>`),
  ];
  if (row.size.basis !== "") {
    parts.push(tipRow("from", inlineCode(row.size.basis)));
  }
  parts.push(tipRow("stage so far", escapeHtml(formatTotal(row.cumulative))));
  if (row.cache.length > 0) {
    parts.push(tipRow("cache key", inlineCode(row.cache.map(cacheText).join(", "))));
  }
  parts.push(`<div class="tip-hint">Click to go to ${escapeHtml(lines(row.line, row.end_line))}</div>`);
  return parts.join("");
}

function shortDigest(digest: string): string {
  const hex = digest.replace(/^sha256:/, "");
  return hex.slice(0, 12);
}

/** The bars of a cake, one per stage, with blocks bottom to top. */
export function bars(cake: LayerCake): Bar[] {
  const { stages } = cake.report;
  const out: Bar[] = [];
  for (const stage of stages) {
    const from = stage.rows.find((r) => r.step === 0) ?? stage.rows[0];
    const fromLine = from?.line ?? 1;
    const fromEnd = from?.end_line ?? fromLine;
    const blocks: Block[] = [];
    let baseBytes = 0;
    let baseUnknown = false;
    let baseLabel: string;
    switch (stage.base.kind) {
      case "image": {
        const reference = stage.base.value;
        const image = cake.baseImages.find((b) => b.stage === stage.index);
        baseLabel = reference;
        if (image?.compressedBytes !== null && image !== undefined && image.layers.length > 0) {
          baseBytes = image.compressedBytes;
          image.layers.forEach((layer, i) => {
            const made = layer.createdBy ?? `layer ${i + 1}`;
            blocks.push({
              part: "base",
              tone: i % 2 === 0 ? "base" : "base2",
              label: made,
              size: human(layer.compressedBytes),
              low: layer.compressedBytes,
              high: layer.compressedBytes,
              line: fromLine,
              endLine: fromEnd,
              tip: [
                `<div class="tip-title">${escapeHtml(reference)} · layer ${i + 1} of ${image.layers.length}</div>`,
                layer.createdBy !== null ? tipRow("made by", `<code>${escapeHtml(layer.createdBy)}</code>`) : "",
                tipRow("size", `<b>${escapeHtml(human(layer.compressedBytes))}</b> <span class="muted">(compressed)</span>`),
                tipRow("digest", `<code>${escapeHtml(shortDigest(layer.digest))}</code>`),
                image.source !== null ? tipRow("source", escapeHtml(image.source)) : "",
                `<div class="tip-hint">Click to go to the FROM on ${escapeHtml(lines(fromLine, fromEnd))}</div>`,
              ].join(""),
            });
          });
        } else {
          const known = image?.compressedBytes ?? null;
          if (known !== null) {
            baseBytes = known;
          } else {
            baseUnknown = true;
          }
          blocks.push({
            part: "base",
            tone: "base",
            label: reference,
            size: known === null ? "?" : human(known),
            low: known,
            high: known,
            line: fromLine,
            endLine: fromEnd,
            tip: [
              `<div class="tip-title">${escapeHtml(reference)}</div>`,
              tipRow(
                "size",
                known === null
                  ? "not known: not in the cache or the catalogue (turn off offline mode to ask the registry)"
                  : `<b>${escapeHtml(human(known))}</b> <span class="muted">(compressed)</span>`,
              ),
              image?.source !== null && image?.source !== undefined ? tipRow("source", escapeHtml(image.source)) : "",
              `<div class="tip-hint">Click to go to the FROM on ${escapeHtml(lines(fromLine, fromEnd))}</div>`,
            ].join(""),
          });
        }
        break;
      }
      case "stage": {
        const parentIndex = stage.base.value;
        const parent = stages.find((s) => s.index === parentIndex);
        const parentBar = out.find((b) => b.stage.index === parentIndex);
        const parentFrom = parent?.rows.find((r) => r.step === 0) ?? parent?.rows[0];
        const high = parentBar === undefined ? null : parentBar.baseBytes + parentBar.ownHigh;
        const low = parentBar === undefined ? null : parentBar.baseBytes + parentBar.ownLow;
        baseBytes = high ?? 0;
        baseUnknown = parentBar === undefined || parentBar.baseUnknown || parentBar.ownUnknown;
        baseLabel = parent !== undefined ? stageName(parent) : `stage ${parentIndex}`;
        const atLeast = baseUnknown && high !== null ? "≥ " : "";
        blocks.push({
          part: "base",
          tone: "base",
          label: `FROM ${baseLabel}`,
          size:
            high === null
              ? "?"
              : atLeast !== "" || low === high
                ? `${atLeast}${human(low ?? 0)}`
                : `${human(low ?? 0)}–${human(high)}`,
          low,
          high,
          line: parentFrom?.line ?? fromLine,
          endLine: parentFrom?.end_line ?? fromEnd,
          tip: [
            `<div class="tip-title">Built on ${inlineCode(baseLabel)}</div>`,
            tipRow(
              "size",
              escapeHtml(
                high === null ? "unknown" : `${atLeast}${human(low ?? 0)}${atLeast === "" && low !== high ? `–${human(high)}` : ""}`,
              ),
            ),
            `<div class="tip-hint">Click to go to that stage</div>`,
          ].join(""),
        });
        break;
      }
      case "scratch":
        baseLabel = "scratch (empty)";
        break;
      case "unresolved":
        baseUnknown = true;
        baseLabel = stage.base.value;
        blocks.push({
          part: "base",
          tone: "base",
          label: stage.base.value,
          size: "?",
          low: null,
          high: null,
          line: fromLine,
          endLine: fromEnd,
          tip: [
            `<div class="tip-title">${escapeHtml(stage.base.value)}</div>`,
            tipRow("base", "cannot be resolved: an ARG without a value (set it in <code>dlint.build.buildArgs</code>)"),
          ].join(""),
        });
        break;
    }
    let ownLow = 0;
    let ownHigh = 0;
    let ownUnknown = false;
    const noLayer: Bar["noLayer"] = [];
    for (const row of stage.rows) {
      if (row.kind !== "filesystem") {
        if (row.step !== 0) {
          noLayer.push({ keyword: keyword(row.instruction), line: row.line, instruction: row.instruction });
        }
        continue;
      }
      const unknown = isUnknown(row.size);
      const low = unknown ? null : (row.size.low ?? 0);
      const high = unknown ? null : (row.size.high ?? low);
      if (unknown) {
        ownUnknown = true;
      } else {
        ownLow += low ?? 0;
        ownHigh += high ?? 0;
      }
      blocks.push({
        part: "own",
        tone: tone(row.instruction),
        label: row.instruction,
        size: unknown ? "?" : formatSize(row.size),
        low,
        high,
        line: row.line,
        endLine: row.end_line,
        tip: rowTip(stage, row),
      });
    }
    out.push({ stage, blocks, baseBytes, ownLow, ownHigh, ownUnknown, baseUnknown, baseLabel, noLayer });
  }
  return out;
}

/** Pixels per byte, shared by every bar so that stages compare. */
export function scale(all: Bar[]): number {
  const tallest = Math.max(1, ...all.map((b) => b.baseBytes + b.ownHigh));
  return BAR_HEIGHT / tallest;
}

/** A block's height and the height of its uncertain top part (high − low), in pixels. */
export function blockHeight(block: Block, pxPerByte: number): { height: number; range: number } {
  if (block.low === null || block.high === null) {
    return { height: UNKNOWN_BLOCK, range: 0 };
  }
  const solid = MIN_BLOCK + Math.round(block.low * pxPerByte);
  const range = Math.round((block.high - block.low) * pxPerByte);
  return { height: solid + range, range };
}

// ---- HTML ----

function blockHtml(block: Block, pxPerByte: number, id: string): string {
  const { height, range } = blockHeight(block, pxPerByte);
  const unknown = block.low === null ? " unknown" : "";
  const label =
    block.part === "own"
      ? `<span class="line">${block.line}</span><span class="label">${escapeHtml(block.label)}</span>`
      : `<span class="label">${escapeHtml(block.label)}</span>`;
  const band = range > 0 ? `<span class="band" data-h="${range}"></span>` : "";
  return (
    `<button class="block ${block.part} tone-${block.tone}${unknown}" data-h="${height}" ` +
    `data-line="${block.line}" data-end-line="${block.endLine}" data-tip="${id}">` +
    `${band}<span class="block-text">${label}<span class="size">${escapeHtml(block.size)}</span></span>` +
    `</button><template id="${id}">${block.tip}</template>`
  );
}

function barHtml(bar: Bar, pxPerByte: number, finalIndex: number | null): string {
  const { stage } = bar;
  const own = bar.blocks.filter((b) => b.part === "own");
  const base = bar.blocks.filter((b) => b.part === "base");
  const tags: string[] = [];
  if (stage.index === finalIndex || stage.is_final) {
    tags.push(`<span class="tag final">final image</span>`);
  } else if (!stage.reaches_final) {
    tags.push(`<span class="tag unused">not in the final image</span>`);
  } else {
    tags.push(`<span class="tag">build stage</span>`);
  }
  if (stage.platform !== null) {
    tags.push(`<span class="tag">${escapeHtml(stage.platform)}</span>`);
  }
  const ownTotal = totalText(bar.ownLow, bar.ownHigh, bar.ownUnknown, own.length === 0);
  const baseTotal = stage.base.kind === "image" ? (bar.baseUnknown ? null : human(bar.baseBytes)) : null;
  const from = stage.rows.find((r) => r.step === 0);
  const id = (i: number, part: string) => `tip-${stage.index}-${part}-${i}`;
  const ownHtml = own
    .map((b, i) => blockHtml(b, pxPerByte, id(i, "own")))
    .reverse()
    .join("");
  const baseHtml = base
    .map((b, i) => blockHtml(b, pxPerByte, id(i, "base")))
    .reverse()
    .join("");
  const baseCaption =
    stage.base.kind === "image"
      ? `<span class="caption-name">${escapeHtml(bar.baseLabel)}</span><span>${baseTotal !== null ? `${escapeHtml(baseTotal)} compressed` : "size unknown"}</span>`
      : `<span class="caption-name">${escapeHtml(stage.base.kind === "stage" ? `FROM ${bar.baseLabel}` : bar.baseLabel)}</span>`;
  const noLayer =
    bar.noLayer.length === 0
      ? ""
      : `<div class="nolayer"><span class="muted">No layer:</span> ${bar.noLayer
          .map(
            (n) =>
              `<button class="chip" data-line="${n.line}" data-end-line="${n.line}" title="${escapeHtml(n.instruction)}">` +
              `${escapeHtml(n.keyword)} <span class="muted">${n.line}</span></button>`,
          )
          .join(" ")}</div>`;
  return (
    `<section class="stage${stage.reaches_final ? "" : " dim"}">` +
    `<header><h2>${escapeHtml(stageTitle(stage))}</h2>${tags.join("")}</header>` +
    (from !== undefined
      ? `<button class="from" data-line="${from.line}" data-end-line="${from.end_line}">` +
        `<code>${escapeHtml(from.instruction)}</code></button>`
      : "") +
    `<div class="totals"><span><b>${escapeHtml(ownTotal)}</b> in ${own.length} ${own.length === 1 ? "layer" : "layers"}</span>` +
    (baseTotal !== null
      ? `<span class="muted">on a ${escapeHtml(baseTotal)} base</span>`
      : stage.base.kind === "image"
        ? `<span class="muted">on a base of unknown size</span>`
        : "") +
    `</div>` +
    `<div class="bar">` +
    `<div class="part own-part">${ownHtml}</div>` +
    (base.length > 0 || stage.base.kind === "scratch"
      ? `<div class="divider">${baseCaption}</div><div class="part base-part">${baseHtml}</div>`
      : "") +
    `</div>${noLayer}</section>`
  );
}

function variantsHtml(cake: LayerCake): string {
  if (cake.variants.length === 0) {
    return "";
  }
  const known = cake.variants.map((v) => v.compressed_bytes ?? 0);
  const largest = Math.max(1, ...known);
  const requested = cake.variants.find((v) => v.requested);
  const rows = cake.variants.map((v, i) => {
    const size = v.compressed_bytes;
    const width = size === null ? 0 : Math.max(1, Math.round((size / largest) * 100));
    const facts = [
      v.shell ?? "no shell",
      v.package_manager === "none" ? "no package manager" : v.package_manager,
      v.libc,
      v.compilers === null ? "compilers ?" : v.compilers ? "compilers" : "no compilers",
    ];
    const caveats = v.caveats
      .map((c) => `<li>${inlineCode(c.text)}${c.approximate ? " <span class=\"muted\">(approx.)</span>" : ""}</li>`)
      .join("");
    const tip =
      `<div class="tip-title">${escapeHtml(v.reference)}</div>` +
      tipRow("image", `<code>${escapeHtml(v.canonical)}</code>`) +
      tipRow(
        "size",
        size === null
          ? escapeHtml(v.size_note ?? "unknown")
          : `<b>${escapeHtml(human(size))}</b> <span class="muted">compressed, ${escapeHtml(v.platform)}</span>`,
      ) +
      (v.as_of !== null ? tipRow("as of", escapeHtml(v.as_of.slice(0, 10))) : "") +
      (caveats !== "" ? `<ul class="caveats">${caveats}</ul>` : "");
    const first = v.caveats[0]?.text;
    return (
      `<div class="variant${v.requested ? " current" : ""}" data-tip="tip-variant-${i}">` +
      `<div class="variant-head"><span class="kind kind-${escapeHtml(v.kind)}">${escapeHtml(v.kind)}</span>` +
      `<code class="ref">${escapeHtml(v.reference)}</code>` +
      (v.requested ? `<span class="tag final">in use</span>` : "") +
      `</div>` +
      `<div class="variant-size"><span class="meter"><span class="fill${size === null ? "" : ` kind-${escapeHtml(v.kind)}`}" data-w="${width}"></span></span>` +
      `<span class="num">${size === null ? `<span class="muted">${escapeHtml(v.size_note ?? "size unknown")}</span>` : escapeHtml(human(size))}</span></div>` +
      `<div class="facts">${facts.map((f) => `<span>${escapeHtml(f)}</span>`).join("")}</div>` +
      (first !== undefined ? `<div class="caveat">${inlineCode(first)}</div>` : "") +
      `<template id="tip-variant-${i}">${tip}</template></div>`
    );
  });
  const platform = cake.variants[0]?.platform ?? "";
  return (
    `<aside class="variants"><h2>Alternatives${requested !== undefined ? ` to <code>${escapeHtml(requested.reference)}</code>` : ""}</h2>` +
    `<p class="muted small">Download (compressed) size for ${escapeHtml(platform)}; hover for the trade-offs.</p>` +
    rows.join("") +
    `</aside>`
  );
}

function legendHtml(): string {
  const items = [
    ["tone-run", "RUN"],
    ["tone-copy", "COPY"],
    ["tone-add", "ADD"],
    ["tone-workdir", "WORKDIR"],
    ["tone-base", "base image (compressed)"],
    ["tone-run band-sample", "size range"],
    ["tone-other unknown", "size unknown"],
  ];
  return (
    `<div class="legend">` +
    items.map(([cls, text]) => `<span><i class="swatch ${cls ?? ""}"></i>${escapeHtml(text ?? "")}</span>`).join("") +
    `</div>`
  );
}

function basename(file: string): string {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? file;
  const dir = parts[parts.length - 2];
  return dir !== undefined && dir !== "" ? `${dir}/${name}` : name;
}

/** `12.4 MB`, `361 MB–410 MB`, `+ ?` when a layer's size is unknown. */
function totalText(low: number, high: number, unknown: boolean, empty: boolean): string {
  if (empty) {
    return "no layers";
  }
  if (unknown && high === 0) {
    return "size unknown";
  }
  return (low === high ? human(high) : `${human(low)}–${human(high)}`) + (unknown ? " + ?" : "");
}

/** The inner HTML of the page for an answer (also sent on updates). */
export function renderBody(cake: LayerCake): string {
  const all = bars(cake);
  const px = scale(all);
  const { report } = cake;
  const finalIndex = report.final_stage;
  const finalBar = all.find((b) => b.stage.index === finalIndex);
  let summary = "";
  if (finalBar !== undefined) {
    // The final image: its own layers, the stages it is built on, and the base image.
    let low = 0;
    let high = 0;
    let unknown = false;
    let imageBase = 0;
    let bar: Bar | undefined = finalBar;
    for (let guard = 0; bar !== undefined && guard < all.length; guard += 1) {
      low += bar.ownLow;
      high += bar.ownHigh;
      unknown ||= bar.ownUnknown;
      if (bar.stage.base.kind === "stage") {
        const parent: number = bar.stage.base.value;
        bar = all.find((b) => b.stage.index === parent);
      } else {
        imageBase = bar.baseBytes;
        bar = undefined;
      }
    }
    summary =
      `<div class="summary"><span class="big">${escapeHtml(totalText(low, high, unknown, false))}</span>` +
      `<span class="muted">of layers${imageBase > 0 ? ` on a ${escapeHtml(human(imageBase))} base image` : ""} ` +
      `· ${report.stages.length} ${report.stages.length === 1 ? "stage" : "stages"}</span></div>`;
  }
  const notes = report.notes.map((n) => `<li>${inlineCode(n)}</li>`).join("");
  return (
    `<header class="top"><div><h1>Layer cake <span class="file">${escapeHtml(basename(report.file))}</span></h1>` +
    `${summary}</div>${legendHtml()}</header>` +
    `<main><div class="stages">${all.map((b) => barHtml(b, px, finalIndex)).join("")}</div>${variantsHtml(cake)}</main>` +
    `<footer class="muted small">Block heights are proportional to size (plus a minimum, so small layers stay visible). ` +
    `Your layers are uncompressed estimates; base images are compressed download sizes. ` +
    `apt sizes: ${escapeHtml(report.apt_index)}.${notes !== "" ? `<ul>${notes}</ul>` : ""}</footer>`
  );
}

/** The inner HTML of a page that shows a message instead of a cake. */
export function renderMessage(title: string, detail: string): string {
  return `<div class="message"><h1>${escapeHtml(title)}</h1><p>${inlineCode(detail)}</p></div>`;
}

export interface PageOptions {
  /** A fresh random nonce for the page's one `<style>` and one `<script>`. */
  nonce: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** The page's body (from [`renderBody`] or [`renderMessage`]). */
  body: string;
}

/** The Content-Security-Policy of the page. */
export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join("; ");
}

/** The whole webview page. */
export function renderPage({ nonce, cspSource, body }: PageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce, cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Layer cake</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<div id="root">${body}</div>
<div id="tip" class="tip" role="tooltip" hidden></div>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

/** The page for an answer. */
export function renderLayerCake(cake: LayerCake, nonce: string, cspSource: string): string {
  return renderPage({ nonce, cspSource, body: renderBody(cake) });
}

const STYLE = `
:root {
  --bg: var(--vscode-editor-background, #1f1f1f);
  --fg: var(--vscode-editor-foreground, #cccccc);
  --muted: var(--vscode-descriptionForeground, #9d9d9d);
  --border: var(--vscode-panel-border, #3c3c3c);
  --card: var(--vscode-sideBar-background, #181818);
  --focus: var(--vscode-focusBorder, #0078d4);
  --tip-bg: var(--vscode-editorHoverWidget-background, #252526);
  --tip-border: var(--vscode-editorHoverWidget-border, #454545);
  --code-bg: var(--vscode-textCodeBlock-background, rgba(255,255,255,0.07));
  --ink: #17191e;
  --run: #e3a857; --copy: #7fc48e; --add: #6cc4bd; --workdir: #b3a6e8; --other: #c9a2c9;
  --base: #7d97b9; --base2: #93abc9;
  --slim: #7fc48e; --alpine: #6cc4bd; --distroless: #b3a6e8; --chainguard: #e3a857; --standard: #7d97b9;
}
* { box-sizing: border-box; }
body { margin: 0; padding: 18px 22px; background: var(--bg); color: var(--fg);
  font-family: var(--vscode-font-family, system-ui, "Segoe UI", "DejaVu Sans", sans-serif);
  font-size: var(--vscode-font-size, 13px); line-height: 1.4; }
code { font-family: var(--vscode-editor-font-family, "DejaVu Sans Mono", monospace); font-size: 0.95em; }
h1 { font-size: 18px; font-weight: 600; margin: 0 0 4px; }
h1 .file { font-weight: 400; color: var(--muted); margin-left: 6px; }
h2 { font-size: 14px; font-weight: 600; margin: 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 24px; flex-wrap: wrap;
  padding-bottom: 12px; border-bottom: 1px solid var(--border); margin-bottom: 16px; }
.summary { display: flex; align-items: baseline; gap: 8px; }
.summary .big { font-size: 22px; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: var(--muted); max-width: 720px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 14px; height: 12px; border-radius: 2px; position: relative; overflow: hidden; }
main { display: flex; gap: 28px; align-items: flex-start; flex-wrap: wrap; }
.stages { display: flex; gap: 22px; align-items: flex-end; flex-wrap: wrap; flex: 0 1 auto; }
.stage { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 12px 14px 14px;
  width: 420px; max-width: 100%; }
.stage.dim { opacity: 0.62; }
.stage header { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin-bottom: 6px; }
.tag { font-size: 11px; padding: 1px 7px; border-radius: 9px; border: 1px solid var(--border); color: var(--muted); }
.tag.final { border-color: transparent; background: var(--vscode-badge-background, #616161); color: var(--vscode-badge-foreground, #f8f8f8); }
.tag.unused { border-style: dashed; }
button { font: inherit; color: inherit; }
.from { display: block; width: 100%; text-align: left; background: var(--code-bg); border: 0; border-radius: 4px;
  padding: 4px 8px; margin-bottom: 8px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.totals { display: flex; gap: 8px; align-items: baseline; margin-bottom: 10px; font-size: 12px; }
.bar { display: flex; flex-direction: column; }
.part { display: flex; flex-direction: column; gap: 2px; }
.block { position: relative; display: flex; align-items: flex-end; width: 100%; min-height: ${MIN_BLOCK}px; padding: 0; border: 0;
  border-radius: 3px; color: var(--ink); cursor: pointer; text-align: left; overflow: hidden; }
.block:hover, .block:focus-visible, .block.active { outline: 2px solid var(--focus); outline-offset: 1px; z-index: 1; }
.block-text { position: relative; display: flex; align-items: center; gap: 7px; width: 100%; padding: 3px 8px; font-size: 12px;
  line-height: 16px; }
.block .line { font-variant-numeric: tabular-nums; opacity: 0.7; min-width: 18px; }
.block .label { flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-family: var(--vscode-editor-font-family, "DejaVu Sans Mono", monospace); font-size: 11.5px; }
.block .size { font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
.band { position: absolute; left: 0; right: 0; top: 0; background: repeating-linear-gradient(-45deg,
  rgba(255,255,255,0.38) 0 5px, rgba(255,255,255,0.12) 5px 10px); border-bottom: 1px dashed rgba(0,0,0,0.35); }
.tone-run { background: var(--run); } .tone-copy { background: var(--copy); } .tone-add { background: var(--add); }
.tone-workdir { background: var(--workdir); } .tone-other { background: var(--other); }
.tone-base { background: var(--base); } .tone-base2 { background: var(--base2); }
.unknown.tone-run { background: repeating-linear-gradient(45deg, var(--run) 0 6px, transparent 6px 12px); }
.unknown.tone-copy { background: repeating-linear-gradient(45deg, var(--copy) 0 6px, transparent 6px 12px); }
.unknown.tone-add { background: repeating-linear-gradient(45deg, var(--add) 0 6px, transparent 6px 12px); }
.unknown.tone-workdir { background: repeating-linear-gradient(45deg, var(--workdir) 0 6px, transparent 6px 12px); }
.unknown.tone-other { background: repeating-linear-gradient(45deg, var(--other) 0 6px, transparent 6px 12px); }
.unknown.tone-base { background: repeating-linear-gradient(45deg, var(--base) 0 6px, transparent 6px 12px); }
.unknown { border: 1px dashed var(--muted); color: var(--fg); }
.unknown .block-text { background: var(--card); width: auto; margin: 0 auto 0 0; border-radius: 3px; }
.unknown .label { max-width: 300px; }
.swatch.band-sample::after { content: ""; position: absolute; inset: 0; background: repeating-linear-gradient(-45deg,
  rgba(255,255,255,0.45) 0 3px, rgba(255,255,255,0.1) 3px 6px); }
.swatch.unknown { border: 0; }
.divider { display: flex; justify-content: space-between; gap: 8px; margin: 8px 0 4px; padding-top: 4px; font-size: 12px;
  border-top: 2px dashed var(--muted); color: var(--muted); }
.caption-name { font-family: var(--vscode-editor-font-family, "DejaVu Sans Mono", monospace); color: var(--fg); }
.base .label { font-size: 11px; }
.nolayer { margin-top: 10px; font-size: 12px; display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.chip { background: var(--code-bg); border: 1px solid var(--border); border-radius: 10px; padding: 0 7px; cursor: pointer;
  font-size: 11px; font-family: var(--vscode-editor-font-family, "DejaVu Sans Mono", monospace); }
.chip:hover, .from:hover { outline: 1px solid var(--focus); }
.variants { flex: 1 1 380px; max-width: 640px; }
.variants h2 { margin-bottom: 2px; }
.variant { border: 1px solid var(--border); border-radius: 8px; padding: 9px 12px; margin-top: 10px; background: var(--card); }
.variant.current { border-color: var(--focus); }
.variant-head { display: flex; align-items: center; gap: 8px; }
.ref { font-weight: 600; }
.kind { font-size: 11px; font-weight: 600; color: var(--ink); border-radius: 3px; padding: 0 6px; text-transform: lowercase; }
.kind-slim { background: var(--slim); } .kind-alpine { background: var(--alpine); } .kind-distroless { background: var(--distroless); }
.kind-chainguard { background: var(--chainguard); } .kind-standard { background: var(--standard); }
.variant-size { display: flex; align-items: center; gap: 10px; margin: 7px 0 5px; }
.meter { flex: 1; height: 9px; border-radius: 5px; background: var(--code-bg); overflow: hidden; }
.meter .fill { display: block; height: 100%; border-radius: 5px; }
.num { min-width: 74px; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; font-size: 12px; }
.num .muted { font-weight: 400; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; }
.facts span + span::before { content: "·"; margin-right: 12px; color: var(--muted); }
.caveat { font-size: 12px; color: var(--muted); margin-top: 4px; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
footer { margin-top: 18px; padding-top: 10px; border-top: 1px solid var(--border); }
footer ul { margin: 6px 0 0; padding-left: 18px; }
.tip { position: fixed; z-index: 10; max-width: 440px; background: var(--tip-bg); border: 1px solid var(--tip-border);
  border-radius: 6px; padding: 8px 10px; box-shadow: 0 4px 14px rgba(0,0,0,0.35); font-size: 12px; pointer-events: none; }
.tip-title { font-weight: 600; margin-bottom: 6px; word-break: break-word; }
.tip-row { display: grid; grid-template-columns: 84px 1fr; gap: 8px; margin: 2px 0; word-break: break-word; }
.tip-key { color: var(--muted); }
.tip-hint { margin-top: 6px; color: var(--muted); font-style: italic; }
.tip code { background: var(--code-bg); border-radius: 3px; padding: 0 3px; }
.caveats { margin: 6px 0 0; padding-left: 16px; }
.caveats li { margin: 3px 0; }
.message { max-width: 640px; margin: 40px auto; text-align: center; }
.message p { color: var(--muted); }
`;

const SCRIPT = `
(function () {
  const vscode = typeof acquireVsCodeApi === "function" ? acquireVsCodeApi() : { postMessage: function () {} };
  const root = document.getElementById("root");
  const tip = document.getElementById("tip");
  function applySizes() {
    root.querySelectorAll("[data-h]").forEach(function (el) { el.style.height = el.dataset.h + "px"; });
    root.querySelectorAll("[data-w]").forEach(function (el) { el.style.width = el.dataset.w + "%"; });
  }
  // Shows el's tooltip near the pointer (x, y), or beside el when focused by keyboard.
  function showTip(el, x, y) {
    const template = document.getElementById(el.dataset.tip);
    if (!template) { return; }
    tip.replaceChildren(template.content.cloneNode(true));
    tip.hidden = false;
    const r = el.getBoundingClientRect();
    if (x === undefined || y === undefined) { x = r.left + Math.min(r.width - 40, 220); y = r.top + Math.min(r.height / 2, 30); }
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let left = x + 16, top = y + 16;
    if (left + w > window.innerWidth - 8) { left = Math.max(8, x - w - 16); }
    if (top + h > window.innerHeight - 8) { top = Math.max(8, y - h - 16); }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTip() { tip.hidden = true; }
  let current = null;
  root.addEventListener("mousemove", function (e) {
    const el = e.target.closest("[data-tip]");
    if (el) { current = el; showTip(el, e.clientX, e.clientY); } else if (current) { current = null; hideTip(); }
  });
  root.addEventListener("mouseleave", hideTip);
  root.addEventListener("focusin", function (e) {
    const el = e.target.closest("[data-tip]");
    if (el) { showTip(el); }
  });
  root.addEventListener("focusout", hideTip);
  root.addEventListener("click", function (e) {
    const el = e.target.closest("[data-line]");
    if (!el) { return; }
    vscode.postMessage({ type: "reveal", line: Number(el.dataset.line), endLine: Number(el.dataset.endLine || el.dataset.line) });
  });
  window.addEventListener("message", function (event) {
    const msg = event.data;
    if (msg && msg.type === "update" && typeof msg.html === "string") {
      hideTip();
      root.innerHTML = msg.html;
      applySizes();
    }
  });
  applySizes();
  vscode.postMessage({ type: "ready" });
  window.dlintCake = { showTip: showTip, hideTip: hideTip };
})();
`;
