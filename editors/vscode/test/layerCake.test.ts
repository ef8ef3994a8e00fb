import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  BAR_HEIGHT,
  type LayerCake,
  MIN_BLOCK,
  UNKNOWN_BLOCK,
  bars,
  blockHeight,
  contentSecurityPolicy,
  escapeHtml,
  renderBody,
  renderLayerCake,
  scale,
} from "../src/layerCake";

// Real answers of `dlint lsp` to `dlint/layers` (DLINT_OFFLINE=1).
const fixtures = join(__dirname, "..", "..", "test", "fixtures");
const load = (name: string) => JSON.parse(readFileSync(join(fixtures, name), "utf8")) as LayerCake;
const python = load("python-app.json");
const multi = load("multi-stage.json");

describe("bars", () => {
  it("has one block per layer, the base image's layers first", () => {
    const [bar] = bars(python);
    assert.ok(bar !== undefined);
    const parts = bar.blocks.map((b) => `${b.part}:${b.part === "own" ? b.label : b.size}`);
    assert.deepEqual(parts, [
      "base:29.8 MB",
      "base:1.29 MB",
      "base:12.1 MB",
      "base:249 B",
      "own:WORKDIR /app",
      "own:RUN apt-get update",
      "own:RUN apt-get install -y curl build-essential",
      "own:COPY . .",
      "own:RUN pip install -r requirements.txt",
    ]);
    assert.equal(bar.baseBytes, 43_188_023);
    assert.equal(bar.ownUnknown, true);
    assert.deepEqual(
      bar.noLayer.map((n) => `${n.keyword}@${n.line}`),
      ["ENV@7", "ARG@18", "LABEL@19", "EXPOSE@21", "USER@22", "CMD@23"],
    );
  });

  it("draws a stage built on another stage on top of that stage's size", () => {
    const all = bars(multi);
    const test = all.find((b) => b.stage.name === "test");
    const build = all.find((b) => b.stage.name === "build");
    assert.ok(test !== undefined && build !== undefined);
    const base = test.blocks[0];
    assert.equal(base?.part, "base");
    assert.equal(base?.label, "FROM stage 0 `build`");
    assert.equal(base?.line, 1);
  });

  it("marks base images of unknown size as unknown", () => {
    const final = bars(multi).find((b) => b.stage.is_final);
    assert.equal(final?.blocks[0]?.low, null);
    assert.equal(final?.blocks[0]?.size, "?");
  });
});

describe("block heights", () => {
  it("are proportional to size above a minimum; ranges get a band; unknown a fixed height", () => {
    const all = bars(python);
    const px = scale(all);
    const [bar] = all;
    assert.ok(bar !== undefined);
    // The tallest bar's sizes fill BAR_HEIGHT.
    assert.ok(Math.abs((bar.baseBytes + bar.ownHigh) * px - BAR_HEIGHT) < 1e-6);
    const heights = bar.blocks.map((b) => blockHeight(b, px));
    const install = bar.blocks.findIndex((b) => b.label.startsWith("RUN apt-get install"));
    const copy = bar.blocks.findIndex((b) => b.label === "COPY . .");
    const pip = bar.blocks.findIndex((b) => b.label.startsWith("RUN pip"));
    assert.equal(heights[copy]?.height, MIN_BLOCK);
    assert.equal(heights[pip]?.height, UNKNOWN_BLOCK);
    const big = heights[install];
    assert.ok(big !== undefined && big.height > 300 && big.range > 30, JSON.stringify(big));
    for (const h of heights) {
      assert.ok(h.height >= MIN_BLOCK);
    }
  });
});

describe("page", () => {
  const html = renderLayerCake(python, "N0nce", "https://webview.test");

  it("has a strict Content-Security-Policy and nonce'd style and script only", () => {
    const csp = contentSecurityPolicy("N0nce", "https://webview.test");
    assert.match(csp, /^default-src 'none'; /);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.ok(html.includes(`content="${escapeHtml(csp)}"`));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.equal((html.match(/<style/g) ?? []).length, 1);
    assert.ok(html.includes('<script nonce="N0nce">'));
    assert.ok(html.includes('<style nonce="N0nce">'));
    // No inline style attributes (the CSP would block them) and no remote resources.
    assert.doesNotMatch(html, /\sstyle="/);
    assert.doesNotMatch(html, /\s(src|href)="http/);
  });

  it("makes clickable blocks with tooltips, and the alternatives", () => {
    const body = renderBody(python);
    assert.match(body, /<button class="block own tone-run" data-h="\d+" data-line="13" data-end-line="13" data-tip="[^"]+">/);
    assert.match(body, /class="block own tone-run unknown" data-h="40" data-line="16"/);
    assert.match(body, /<template id="tip-0-own-2"><div class="tip-title"><code>RUN apt-get install -y curl build-essential<\/code>/);
    assert.ok(body.includes("curl, build-essential + 115–132 dependencies"));
    assert.ok(body.includes("python:3.12-alpine"));
    assert.ok(body.includes("gcr.io/distroless/python3:latest"));
    assert.match(body, /class="variant current"/);
    assert.ok(body.includes("381 MB–430 MB + ?"));
  });

  it("escapes what comes from the Dockerfile", () => {
    const evil = structuredClone(python);
    const row = evil.report.stages[0]?.rows[3];
    assert.ok(row !== undefined);
    row.instruction = `RUN echo "<script>alert(1)</script>"`;
    const body = renderBody(evil);
    assert.ok(!body.includes("<script>alert"));
    assert.ok(body.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  });

  it("dims stages that do not reach the final image", () => {
    const body = renderBody(multi);
    assert.equal((body.match(/<section class="stage dim">/g) ?? []).length, 2);
    assert.ok(body.includes("not in the final image"));
  });
});
