// Renders the layer cake webview outside VS Code and captures it with headless Chromium,
// for the README: docs/images/vscode-layer-cake.png.
//
// 1. Starts the real server (`dlint lsp`, offline) and asks it `dlint/layers` for
//    examples/python-app/Dockerfile, as the extension does.
// 2. Renders the page with the extension's own renderer (src/layerCake.ts, bundled on
//    the fly with esbuild), adding a tiny `acquireVsCodeApi` shim and, for the picture,
//    the tooltip of the largest layer as if the mouse were on it.
// 3. `chromium --headless --screenshot` of that page.
//
// Usage: node scripts/screenshot.mjs [--dockerfile PATH] [--out PNG] [--size WxH]
//        [--no-hover] [--html-only]
// Environment: DLINT (the dlint binary; default: target/release/dlint, then PATH),
// CHROMIUM (default: chromium, chromium-browser, google-chrome).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const extensionDir = resolve(here, "..");
const repo = resolve(extensionDir, "../..");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const flag = (name) => process.argv.includes(name);

const dockerfile = resolve(option("--dockerfile", join(repo, "examples/python-app/Dockerfile")));
const out = resolve(option("--out", join(repo, "docs/images/vscode-layer-cake.png")));
const [width, height] = option("--size", "1140x1090").split("x").map(Number);

function which(names) {
  for (const name of names) {
    if (name.includes("/")) {
      if (existsSync(name)) return name;
      continue;
    }
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim() !== "") return found.stdout.trim();
  }
  return undefined;
}

/** Asks a real `dlint lsp` for the layer cake of `file`. */
async function layersOf(file) {
  const dlint = process.env.DLINT ?? which([join(repo, "target/release/dlint"), "dlint"]);
  if (dlint === undefined) {
    throw new Error("dlint not found: build it (cargo build --release) or set DLINT");
  }
  const server = spawn(dlint, ["lsp"], {
    env: { ...process.env, DLINT_OFFLINE: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let buffer = Buffer.alloc(0);
  const waiting = new Map();
  server.stdout.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString("utf8"));
      buffer = buffer.subarray(end + 4 + length);
      if (message.id !== undefined && waiting.has(message.id) && message.method === undefined) {
        waiting.get(message.id)(message);
        waiting.delete(message.id);
      }
    }
  });
  let nextId = 1;
  const send = (message) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
    server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    server.stdin.write(body);
  };
  const request = (method, params) =>
    new Promise((resolveRequest, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in 30 s`)), 30_000);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolveRequest(message.result);
      });
      send({ id, method, params });
    });
  const uri = pathToFileURL(file).href;
  await request("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(repo).href,
    capabilities: {},
    initializationOptions: {},
  });
  send({ method: "initialized", params: {} });
  send({
    method: "textDocument/didOpen",
    params: { textDocument: { uri, languageId: "dockerfile", version: 1, text: readFileSync(file, "utf8") } },
  });
  const cake = await request("dlint/layers", { textDocument: { uri } });
  await request("shutdown", null);
  send({ method: "exit" });
  server.stdin.end();
  return cake;
}

/** The extension's renderer, bundled from TypeScript into a temporary module. */
async function renderer(tmp) {
  const file = join(tmp, "layerCake.mjs");
  await build({
    entryPoints: [join(extensionDir, "src/layerCake.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile: file,
    logLevel: "warning",
  });
  return import(pathToFileURL(file).href);
}

const tmp = mkdtempSync(join(tmpdir(), "dlint-screenshot-"));
try {
  const cake = await layersOf(dockerfile);
  // The page shows the path as the server saw it; keep the picture free of this machine's.
  cake.report.file = relative(repo, dockerfile).startsWith("..") ? cake.report.file : relative(repo, dockerfile);
  const { renderLayerCake } = await renderer(tmp);
  const nonce = "screenshot";
  let html = renderLayerCake(cake, nonce, "'self'");
  // What VS Code provides to webviews, and the mouse on the largest layer.
  const hover = flag("--no-hover")
    ? ""
    : `window.addEventListener("load", function () {
        const blocks = Array.from(document.querySelectorAll(".block.own"));
        const largest = blocks.sort((a, b) => Number(b.dataset.h) - Number(a.dataset.h))[0];
        if (largest) {
          const r = largest.getBoundingClientRect();
          largest.classList.add("active");
          window.dlintCake.showTip(largest, r.left + 10, r.top + r.height * 0.14);
        }
      });`;
  const shim =
    `<script nonce="${nonce}">window.acquireVsCodeApi = function () {` +
    ` return { postMessage: function (m) { console.log(JSON.stringify(m)); }, getState: function () {}, setState: function () {} }; };` +
    `${hover}</script>`;
  html = html.replace(`<script nonce="${nonce}">`, `${shim}\n<script nonce="${nonce}">`);
  const page = join(tmp, "layer-cake.html");
  writeFileSync(page, html);
  if (flag("--html-only")) {
    const copy = out.replace(/\.png$/, ".html");
    writeFileSync(copy, html);
    console.log(`wrote ${copy}`);
  } else {
    const chromium = which([process.env.CHROMIUM ?? "chromium", "chromium", "chromium-browser", "google-chrome"]);
    if (chromium === undefined) {
      throw new Error("chromium not found: apt-get install -y chromium (or set CHROMIUM)");
    }
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--hide-scrollbars",
      "--force-device-scale-factor=1",
      `--user-data-dir=${join(tmp, "profile")}`,
      `--window-size=${width},${height}`,
      `--screenshot=${out}`,
      pathToFileURL(page).href,
    ];
    const run = spawnSync(chromium, args, { encoding: "utf8", timeout: 120_000 });
    if (run.status !== 0 || !existsSync(out)) {
      throw new Error(`chromium failed (${run.status}): ${run.stderr}`);
    }
    console.log(`wrote ${out}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
