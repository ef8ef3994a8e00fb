/**
 * The dlint extension: starts `dlint lsp` for Dockerfiles, keeps the server's settings in
 * step with VS Code's `dlint.*` settings, and adds three commands: restart the server,
 * show a rule's documentation, and show the layer cake of the current Dockerfile.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  type DocumentSelector,
  LanguageClient,
  type LanguageClientOptions,
  RequestType,
  type ServerOptions,
  State,
  type TextDocumentIdentifier,
} from "vscode-languageclient/node";

import { findDlint } from "./binary";
import { type LayerCake, renderBody, renderMessage, renderPage } from "./layerCake";
import { SERVER_SETTING_KEYS, type UserSettings, didChangeConfigurationParams, toServerSettings } from "./settings";

/** `dlint/layers` (server/src/lsp/layers.rs). */
const LayersRequest = new RequestType<{ textDocument: TextDocumentIdentifier }, LayerCake, void>("dlint/layers");

/** Dockerfiles by language and by name, whatever language another extension gave them. */
const FILE_PATTERN = "**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile,Containerfile.*,*.Containerfile}";
const DOCUMENTS: DocumentSelector = [
  { language: "dockerfile" },
  { language: "containerfile" },
  { scheme: "file", pattern: FILE_PATTERN },
  { scheme: "untitled", language: "dockerfile" },
];

const RULE_SCHEME = "dlint-rule";

let output: vscode.LogOutputChannel;
let client: LanguageClient | undefined;
let binary: string | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("dlint", { log: true });
  const rules = new RuleDocs();
  context.subscriptions.push(
    output,
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, rules),
    vscode.commands.registerCommand("dlint.restartServer", () => restart()),
    vscode.commands.registerCommand("dlint.showOutput", () => {
      output.show(true);
    }),
    vscode.commands.registerCommand("dlint.showRuleDocumentation", (code?: unknown) =>
      rules.show(typeof code === "string" ? code : undefined),
    ),
    vscode.commands.registerCommand("dlint.showLayerCake", () => {
      LayerCakePanel.show(context);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("dlint.path")) {
        void restart();
      } else if (e.affectsConfiguration("dlint")) {
        sendSettings();
      }
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** The `dlint.*` settings the user set, in any scope (see settings.ts for why). */
function userSettings(): UserSettings {
  const config = vscode.workspace.getConfiguration("dlint");
  const user: UserSettings = {};
  for (const key of SERVER_SETTING_KEYS) {
    const i = config.inspect(key);
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value !== undefined) {
      user[key] = value;
    }
  }
  return user;
}

function serverSettings(): Record<string, unknown> {
  const { settings, problems } = toServerSettings(userSettings(), {
    home: homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  for (const problem of problems) {
    output.warn(problem);
  }
  return settings;
}

function sendSettings(): void {
  if (client?.state !== State.Running) {
    return;
  }
  const settings = serverSettings();
  output.info(`settings sent to the server: ${JSON.stringify(settings)}`);
  void client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(settings));
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) {
      return false;
    }
    accessSync(file, process.platform === "win32" ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function locate(): string | undefined {
  const setting = vscode.workspace.getConfiguration("dlint").get<string>("path", "");
  const result = findDlint({
    setting,
    pathVar: process.env.PATH,
    pathExt: process.env.PATHEXT,
    platform: process.platform,
    home: homedir(),
    cargoHome: process.env.CARGO_HOME,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    isExecutable,
  });
  if (result.found) {
    output.info(`using ${result.path} (from ${result.from})`);
    return result.path;
  }
  output.error(result.message);
  const actions = result.fromSetting ? ["Open Settings"] : ["Open Settings", "How to Install"];
  void vscode.window.showErrorMessage(result.message, ...actions).then((choice) => {
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "dlint.path");
    } else if (choice === "How to Install") {
      void vscode.env.openExternal(vscode.Uri.parse("https://github.com/dlint-dev/dlint#install"));
    }
  });
  return undefined;
}

/** Starts the server; whether it runs. */
async function start(): Promise<boolean> {
  binary = locate();
  if (binary === undefined) {
    return false;
  }
  const serverOptions: ServerOptions = { command: binary, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    outputChannel: output,
    // The server registers its own watchers for .dlint.toml and .dockerignore.
    initializationOptions: serverSettings(),
  };
  client = new LanguageClient("dlint", "dlint", serverOptions, clientOptions);
  try {
    await client.start();
    return true;
  } catch (err) {
    const message = `dlint: the language server (${binary} lsp) did not start: ${String(err)}`;
    output.error(message);
    void vscode.window.showErrorMessage(message, "Show Log").then((choice) => {
      if (choice !== undefined) {
        output.show(true);
      }
    });
    return false;
  }
}

async function restart(): Promise<void> {
  const old = client;
  client = undefined;
  if (old !== undefined) {
    try {
      await old.stop();
    } catch (err) {
      output.warn(`stopping the server: ${String(err)}`);
    }
  }
  if (await start()) {
    void vscode.window.setStatusBarMessage("dlint: server restarted", 3000);
    LayerCakePanel.current?.refresh();
  }
}

/** Runs `dlint ARGS…` and returns its standard output. */
function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const exe = binary ?? locate();
    if (exe === undefined) {
      reject(new Error("dlint not found"));
      return;
    }
    execFile(exe, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null) {
        reject(new Error(stderr.trim() !== "" ? stderr.trim() : err.message));
      } else {
        resolve(stdout);
      }
    });
  });
}

interface RuleInfo {
  code: string;
  name: string;
  category: string;
  severity: string;
  summary: string;
}

/** `dlint explain CODE` as read-only Markdown documents (`dlint-rule:/CODE.md`). */
class RuleDocs implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const code = uri.path.replace(/^\//, "").replace(/\.md$/, "");
    try {
      return await run(["explain", code]);
    } catch (err) {
      return `# ${code}\n\n\`dlint explain ${code}\` failed: ${String(err)}\n`;
    }
  }

  async show(code: string | undefined): Promise<void> {
    let chosen = code;
    if (chosen === undefined) {
      let rules: RuleInfo[];
      try {
        rules = JSON.parse(await run(["rules", "--format", "json"])) as RuleInfo[];
      } catch (err) {
        void vscode.window.showErrorMessage(`dlint: could not list the rules: ${String(err)}`);
        return;
      }
      // Rules reported at the cursor first.
      const editor = vscode.window.activeTextEditor;
      const here = new Set<string>();
      if (editor !== undefined) {
        for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
          if (d.source === "dlint" && d.range.contains(editor.selection.active)) {
            const c = typeof d.code === "object" ? d.code.value : d.code;
            if (c !== undefined) {
              here.add(String(c));
            }
          }
        }
      }
      const items = rules
        .map((r) => ({
          label: r.code,
          description: r.name,
          detail: `${here.has(r.code) ? "$(debug-breakpoint-log) at the cursor · " : ""}${r.category} · ${r.severity} · ${r.summary}`,
          code: r.code,
        }))
        .sort((a, b) => Number(here.has(b.code)) - Number(here.has(a.code)));
      const pick = await vscode.window.showQuickPick(items, {
        title: "dlint: Show Rule Documentation",
        placeHolder: "Rule code or name",
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (pick === undefined) {
        return;
      }
      chosen = pick.code;
    }
    const uri = vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${chosen}.md` });
    try {
      await vscode.commands.executeCommand("markdown.showPreview", uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, "markdown"));
    }
  }
}

function nonce(): string {
  return randomBytes(18).toString("base64").replace(/[^A-Za-z0-9]/g, "");
}

function isDockerfile(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(DOCUMENTS, doc) > 0;
}

/** The layer cake webview: follows the active Dockerfile and redraws as it changes. */
class LayerCakePanel {
  static current: LayerCakePanel | undefined;

  private document: vscode.TextDocument;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  /** The body last drawn, sent again when the page (re)loads. */
  private body = renderMessage("Layer cake", "Asking the language server…");
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext): void {
    const editor = vscode.window.activeTextEditor;
    const doc = editor !== undefined && isDockerfile(editor.document) ? editor.document : undefined;
    if (LayerCakePanel.current !== undefined) {
      if (doc !== undefined) {
        LayerCakePanel.current.follow(doc);
      }
      LayerCakePanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    if (doc === undefined) {
      void vscode.window.showInformationMessage("dlint: open a Dockerfile to see its layer cake.");
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      "dlint.layerCake",
      "Layer cake",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
    );
    LayerCakePanel.current = new LayerCakePanel(panel, doc);
    context.subscriptions.push(panel);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    document: vscode.TextDocument,
  ) {
    this.document = document;
    this.panel.webview.html = this.page(this.body);
    this.disposables.push(
      panel.onDidDispose(() => {
        this.dispose();
      }),
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        this.onMessage(msg);
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) {
          this.refresh();
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) {
          this.schedule(400);
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor !== undefined && editor.document !== this.document && isDockerfile(editor.document)) {
          this.follow(editor.document);
        }
      }),
    );
    this.refresh();
  }

  follow(doc: vscode.TextDocument): void {
    this.document = doc;
    this.refresh();
  }

  refresh(): void {
    this.schedule(0);
  }

  private page(body: string): string {
    return renderPage({ nonce: nonce(), cspSource: this.panel.webview.cspSource, body });
  }

  private schedule(delay: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.update(), delay);
  }

  private async update(): Promise<void> {
    this.timer = undefined;
    if (!this.panel.visible) {
      return;
    }
    const generation = ++this.generation;
    const doc = this.document;
    this.panel.title = `Layer cake: ${doc.uri.path.split("/").pop() ?? "Dockerfile"}`;
    let body: string;
    const running = client;
    if (running?.state !== State.Running) {
      body = renderMessage(
        "The dlint language server is not running",
        "See the dlint output channel, fix `dlint.path` if needed, then run “dlint: Restart Server”.",
      );
    } else {
      try {
        const cake = await running.sendRequest(LayersRequest, {
          textDocument: running.code2ProtocolConverter.asTextDocumentIdentifier(doc),
        });
        body = renderBody(cake);
      } catch (err) {
        body = renderMessage("No layer cake for this document", String(err));
      }
    }
    if (generation === this.generation) {
      this.body = body;
      void this.panel.webview.postMessage({ type: "update", html: body });
    }
  }

  private onMessage(msg: unknown): void {
    if (typeof msg !== "object" || msg === null) {
      return;
    }
    const { type, line, endLine } = msg as { type?: unknown; line?: unknown; endLine?: unknown };
    if (type === "ready") {
      // The page (re)loaded, e.g. after being hidden: it shows what it was created with.
      void this.panel.webview.postMessage({ type: "update", html: this.body });
      return;
    }
    if (type !== "reveal" || typeof line !== "number" || line < 1) {
      return;
    }
    const last = typeof endLine === "number" && endLine >= line ? endLine : line;
    const doc = this.document;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const start = new vscode.Position(line - 1, 0);
    const end = doc.lineAt(Math.min(last - 1, doc.lineCount - 1)).range.end;
    void vscode.window
      .showTextDocument(doc, {
        viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
        selection: new vscode.Range(start, end),
        preserveFocus: false,
      })
      .then((editor) => {
        editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      });
  }

  private dispose(): void {
    LayerCakePanel.current = undefined;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
