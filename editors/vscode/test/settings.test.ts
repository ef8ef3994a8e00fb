import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  CLIENT_SETTING_KEYS,
  MAX_SHELLCHECK_TIMEOUT,
  SERVER_SETTING_KEYS,
  SHELLCHECK_LEVELS,
  type PathContext,
  didChangeConfigurationParams,
  toServerSettings,
} from "../src/settings";

const root = join(__dirname, "..", "..");

describe("toServerSettings", () => {
  it("sends nothing when nothing is set", () => {
    assert.deepEqual(toServerSettings({}), { settings: {}, problems: [] });
  });

  it("maps every kind of setting into the .dlint.toml shape", () => {
    const { settings, problems } = toServerSettings({
      "rules.select": ["size", " cache "],
      "rules.extendSelect": ["SE001"],
      "rules.ignore": ["SZ002"],
      "rules.severity": { SZ001: "Error", CA001: "off" },
      "rules.options": { LY001: { max: 3 } },
      "build.platform": "linux/arm64",
      "build.target": "runtime",
      "build.buildArgs": { PYTHON_VERSION: "3.13" },
      "registry.offline": true,
      "registry.mirrors": ["https://mirror.gcr.io"],
      "registry.insecure": ["localhost:5000"],
      "registry.trusted": ["ghcr.io/acme"],
      "labels.required": { "org.opencontainers.image.source": "url" },
      "inlayHints.layers": false,
      "inlayHints.noLayer": true,
      "inlayHints.base": true,
      "inlayHints.total": false,
      "shellcheck.enabled": true,
      "shellcheck.path": " /usr/bin/shellcheck ",
      "shellcheck.exclude": ["SC2086", " sc2164 "],
      "shellcheck.severity": "Warning",
      "shellcheck.timeout": 2.5,
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      rules: {
        select: ["size", "cache"],
        extendSelect: ["SE001"],
        ignore: ["SZ002"],
        severity: { SZ001: "error", CA001: "off" },
        options: { LY001: { max: 3 } },
      },
      build: { platform: "linux/arm64", target: "runtime", buildArgs: { PYTHON_VERSION: "3.13" } },
      registry: {
        offline: true,
        mirrors: ["https://mirror.gcr.io"],
        insecure: ["localhost:5000"],
        trusted: ["ghcr.io/acme"],
      },
      labels: { required: { "org.opencontainers.image.source": "url" } },
      editor: { inlayHints: { layers: false, noLayer: true, base: true, total: false } },
      shellcheck: {
        enabled: true,
        path: "/usr/bin/shellcheck",
        exclude: ["SC2086", "sc2164"],
        severity: "warning",
        timeout: 2.5,
      },
    });
  });

  it("leaves out empty values, which would override .dlint.toml", () => {
    const { settings } = toServerSettings({
      "rules.select": [],
      "rules.ignore": ["  "],
      "rules.severity": {},
      "build.platform": "  ",
      "build.buildArgs": {},
      "registry.offline": false,
      "shellcheck.path": " ",
      "shellcheck.exclude": [""],
      "shellcheck.severity": "",
      "shellcheck.enabled": false,
    });
    assert.deepEqual(settings, { registry: { offline: false }, shellcheck: { enabled: false } });
  });

  it("sends only the ShellCheck settings the user set", () => {
    // Turning ShellCheck on must not also send the defaults of path, severity and timeout,
    // which would override `[shellcheck]` in .dlint.toml.
    assert.deepEqual(toServerSettings({ "shellcheck.enabled": true }), {
      settings: { shellcheck: { enabled: true } },
      problems: [],
    });
    assert.deepEqual(toServerSettings({ "shellcheck.exclude": ["SC2086"] }).settings, {
      shellcheck: { exclude: ["SC2086"] },
    });
  });

  it("reports and drops ShellCheck values the server would reject", () => {
    for (const bad of [0, -1, MAX_SHELLCHECK_TIMEOUT + 1, "10", Number.NaN, Number.POSITIVE_INFINITY]) {
      const { settings, problems } = toServerSettings({ "shellcheck.enabled": true, "shellcheck.timeout": bad });
      assert.deepEqual(settings, { shellcheck: { enabled: true } }, String(bad));
      assert.equal(problems.length, 1, String(bad));
      assert.match(problems[0] ?? "", /^dlint\.shellcheck\.timeout: expected a number of seconds greater than 0 and at most 600/);
    }
    assert.deepEqual(toServerSettings({ "shellcheck.timeout": MAX_SHELLCHECK_TIMEOUT }).settings, {
      shellcheck: { timeout: MAX_SHELLCHECK_TIMEOUT },
    });
    const { settings, problems } = toServerSettings({
      "shellcheck.enabled": "yes",
      "shellcheck.severity": "loud",
      "shellcheck.path": 3,
      "shellcheck.exclude": "SC2086",
    });
    assert.deepEqual(settings, {});
    assert.deepEqual(problems, [
      "dlint.shellcheck.enabled: expected true or false; setting ignored",
      "dlint.shellcheck.path: expected a string; setting ignored",
      "dlint.shellcheck.exclude: expected a list of strings; setting ignored",
      "dlint.shellcheck.severity: expected one of style, info, warning, error; setting ignored",
    ]);
  });

  it("expands and resolves dlint.shellcheck.path like dlint.path", () => {
    const workspace: PathContext = { home: "/home/me", workspaceFolder: "/work/app" };
    const resolved = (value: string, context: PathContext | undefined = workspace): unknown =>
      (toServerSettings({ "shellcheck.path": value }, context).settings.shellcheck as { path?: unknown } | undefined)
        ?.path;
    // A bare name is looked up on PATH by the server.
    assert.equal(resolved("shellcheck"), "shellcheck");
    assert.equal(resolved(" /opt/shellcheck/bin/shellcheck "), "/opt/shellcheck/bin/shellcheck");
    assert.equal(resolved("~/bin/shellcheck"), "/home/me/bin/shellcheck");
    assert.equal(resolved("${userHome}/bin/shellcheck"), "/home/me/bin/shellcheck");
    assert.equal(resolved("${workspaceFolder}/tools/shellcheck"), "/work/app/tools/shellcheck");
    // The server's working directory is not the workspace: relative paths are made absolute.
    assert.equal(resolved("tools/shellcheck"), "/work/app/tools/shellcheck");
    assert.equal(resolved("./shellcheck"), "/work/app/shellcheck");
    assert.equal(resolved("tools/shellcheck", { home: "/home/me" }), "/home/me/tools/shellcheck");
    // Without a context the value is only trimmed.
    assert.deepEqual(toServerSettings({ "shellcheck.path": " tools/shellcheck " }).settings, {
      shellcheck: { path: "tools/shellcheck" },
    });
  });

  it("reports and drops values of the wrong type", () => {
    const { settings, problems } = toServerSettings({
      "rules.select": "SZ001",
      "rules.severity": { SZ001: "loud" },
      "registry.offline": "yes",
      "build.buildArgs": { N: 3 },
      "inlayHints.total": true,
    });
    assert.deepEqual(settings, { editor: { inlayHints: { total: true } } });
    assert.equal(problems.length, 4);
    assert.match(problems[0] ?? "", /^dlint\.rules\.select: expected a list of strings/);
    assert.match(problems[1] ?? "", /SZ001: expected one of error, warning, info, off/);
  });

  it("wraps the settings for workspace/didChangeConfiguration", () => {
    assert.deepEqual(didChangeConfigurationParams({ registry: { offline: true } }), {
      settings: { dlint: { registry: { offline: true } } },
    });
  });
});

describe("package.json", () => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    contributes: {
      configuration: {
        properties: Record<
          string,
          {
            markdownDescription?: string;
            description?: string;
            default?: unknown;
            enum?: string[];
            exclusiveMinimum?: number;
            maximum?: number;
          }
        >;
      };
      languages: Array<{ filenames?: string[]; filenamePatterns?: string[] }>;
      commands: Array<{ command: string }>;
    };
    activationEvents: string[];
  };

  it("contributes exactly the settings the extension reads, each with a description", () => {
    const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
    const known = [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].map((k) => `dlint.${k}`).sort();
    assert.deepEqual(contributed, known);
    for (const [key, property] of Object.entries(manifest.contributes.configuration.properties)) {
      const text = property.markdownDescription ?? property.description ?? "";
      assert.ok(text.length > 20, `${key} has no description`);
    }
  });

  it("describes the ShellCheck settings as the server accepts them", () => {
    const properties = manifest.contributes.configuration.properties;
    const enabled = properties["dlint.shellcheck.enabled"];
    assert.equal(enabled?.default, false);
    assert.match(enabled?.markdownDescription ?? "", /apt-get install shellcheck/);
    assert.match(enabled?.markdownDescription ?? "", /Off by default/);
    assert.deepEqual(properties["dlint.shellcheck.severity"]?.enum, [...SHELLCHECK_LEVELS]);
    assert.equal(properties["dlint.shellcheck.severity"]?.default, "style");
    const timeout = properties["dlint.shellcheck.timeout"];
    assert.equal(timeout?.exclusiveMinimum, 0);
    assert.equal(timeout?.maximum, MAX_SHELLCHECK_TIMEOUT);
    assert.equal(timeout?.default, 10);
  });

  it("claims the Dockerfile names", () => {
    const language = manifest.contributes.languages[0];
    assert.ok(language !== undefined);
    assert.deepEqual(language.filenames, ["Dockerfile", "Containerfile"]);
    for (const pattern of ["Dockerfile.*", "*.Dockerfile", "*.dockerfile"]) {
      assert.ok(language.filenamePatterns?.includes(pattern), pattern);
    }
    assert.ok(manifest.activationEvents.includes("onLanguage:dockerfile"));
  });

  it("contributes the commands", () => {
    const commands = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(commands, ["dlint.restartServer", "dlint.showLayerCake", "dlint.showOutput", "dlint.showRuleDocumentation"]);
  });
});
