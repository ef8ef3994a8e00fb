import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  CLIENT_SETTING_KEYS,
  SERVER_SETTING_KEYS,
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
    });
    assert.deepEqual(settings, { registry: { offline: false } });
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
      configuration: { properties: Record<string, { markdownDescription?: string; description?: string }> };
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
