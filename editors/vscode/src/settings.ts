/**
 * VS Code's `dlint.*` settings as the language server's settings object: the schema of
 * `.dlint.toml` as JSON (camelCase keys), sent as `initializationOptions` and in
 * `workspace/didChangeConfiguration`.
 *
 * Only settings the user has set are sent, so that a project's `.dlint.toml` keeps
 * working: the server lays the editor's settings over the file's, key by key, and a
 * default sent from here would silently override the file. Empty lists, strings and
 * objects count as unset too (`select: []` would turn every rule off).
 *
 * Pure (no `vscode` import): unit-tested in test/settings.test.ts.
 */

import * as path from "node:path";

import { expandPath } from "./binary";

/** The `dlint.*` settings that go to the server (without the `dlint.` prefix). */
export const SERVER_SETTING_KEYS = [
  "rules.select",
  "rules.extendSelect",
  "rules.ignore",
  "rules.severity",
  "rules.options",
  "build.platform",
  "build.target",
  "build.buildArgs",
  "registry.offline",
  "registry.mirrors",
  "registry.insecure",
  "registry.trusted",
  "labels.required",
  "inlayHints.layers",
  "inlayHints.noLayer",
  "inlayHints.base",
  "inlayHints.total",
  "shellcheck.enabled",
  "shellcheck.path",
  "shellcheck.exclude",
  "shellcheck.severity",
  "shellcheck.timeout",
] as const;

/** The `dlint.*` settings that only the extension reads. */
export const CLIENT_SETTING_KEYS = ["path", "trace.server"] as const;

export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** Values the user set (in any scope), by key; an absent key is unset. */
export type UserSettings = Partial<Record<ServerSettingKey, unknown>>;

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** The severities a rule can be given. */
export const SEVERITIES = ["error", "warning", "info", "off"] as const;

/** The lowest ShellCheck level reported (`[shellcheck] severity`), from the lowest up. */
export const SHELLCHECK_LEVELS = ["style", "info", "warning", "error"] as const;

/** The longest `[shellcheck] timeout` the server accepts, in seconds (the shortest is above 0). */
export const MAX_SHELLCHECK_TIMEOUT = 600;

/** What a program path setting is resolved against, as `dlint.path` is (see binary.ts). */
export interface PathContext {
  home: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative paths. */
  workspaceFolder?: string | undefined;
}

/** Where each setting goes in the server's object. */
const TARGET: Record<ServerSettingKey, readonly [string, string, string?]> = {
  "rules.select": ["rules", "select"],
  "rules.extendSelect": ["rules", "extendSelect"],
  "rules.ignore": ["rules", "ignore"],
  "rules.severity": ["rules", "severity"],
  "rules.options": ["rules", "options"],
  "build.platform": ["build", "platform"],
  "build.target": ["build", "target"],
  "build.buildArgs": ["build", "buildArgs"],
  "registry.offline": ["registry", "offline"],
  "registry.mirrors": ["registry", "mirrors"],
  "registry.insecure": ["registry", "insecure"],
  "registry.trusted": ["registry", "trusted"],
  "labels.required": ["labels", "required"],
  "inlayHints.layers": ["editor", "inlayHints", "layers"],
  "inlayHints.noLayer": ["editor", "inlayHints", "noLayer"],
  "inlayHints.base": ["editor", "inlayHints", "base"],
  "inlayHints.total": ["editor", "inlayHints", "total"],
  "shellcheck.enabled": ["shellcheck", "enabled"],
  "shellcheck.path": ["shellcheck", "path"],
  "shellcheck.exclude": ["shellcheck", "exclude"],
  "shellcheck.severity": ["shellcheck", "severity"],
  "shellcheck.timeout": ["shellcheck", "timeout"],
};

type Kind =
  | "strings"
  | "string"
  | "boolean"
  | "severities"
  | "stringMap"
  | "objectMap"
  | "program"
  | "shellcheckLevel"
  | "seconds";

const KIND: Record<ServerSettingKey, Kind> = {
  "rules.select": "strings",
  "rules.extendSelect": "strings",
  "rules.ignore": "strings",
  "rules.severity": "severities",
  "rules.options": "objectMap",
  "build.platform": "string",
  "build.target": "string",
  "build.buildArgs": "stringMap",
  "registry.offline": "boolean",
  "registry.mirrors": "strings",
  "registry.insecure": "strings",
  "registry.trusted": "strings",
  "labels.required": "stringMap",
  "inlayHints.layers": "boolean",
  "inlayHints.noLayer": "boolean",
  "inlayHints.base": "boolean",
  "inlayHints.total": "boolean",
  "shellcheck.enabled": "boolean",
  "shellcheck.path": "program",
  "shellcheck.exclude": "strings",
  "shellcheck.severity": "shellcheckLevel",
  "shellcheck.timeout": "seconds",
};

/** The server's settings and the problems found on the way (for the output channel). */
export interface ServerSettings {
  settings: JsonObject;
  problems: string[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A value of the expected kind, trimmed of what means "unset"; `undefined` to leave the
 * key out, or a problem message when the value has the wrong type.
 */
function convert(kind: Kind, value: unknown, paths?: PathContext): { value?: unknown; problem?: string } {
  switch (kind) {
    case "boolean":
      return typeof value === "boolean" ? { value } : { problem: "expected true or false" };
    case "string": {
      if (typeof value !== "string") {
        return { problem: "expected a string" };
      }
      const trimmed = value.trim();
      return trimmed === "" ? {} : { value: trimmed };
    }
    case "strings": {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        return { problem: "expected a list of strings" };
      }
      const items = value.map((v: string) => v.trim()).filter((v) => v !== "");
      return items.length === 0 ? {} : { value: items };
    }
    case "severities": {
      if (!isObject(value)) {
        return { problem: "expected an object such as {\"SZ002\": \"error\"}" };
      }
      const out: Record<string, string> = {};
      for (const [rule, severity] of Object.entries(value)) {
        const s = typeof severity === "string" ? severity.toLowerCase() : undefined;
        if (s === undefined || !(SEVERITIES as readonly string[]).includes(s)) {
          return { problem: `${rule}: expected one of ${SEVERITIES.join(", ")}` };
        }
        out[rule] = s;
      }
      return Object.keys(out).length === 0 ? {} : { value: out };
    }
    case "stringMap": {
      if (!isObject(value) || !Object.values(value).every((v) => typeof v === "string")) {
        return { problem: "expected an object of strings" };
      }
      return Object.keys(value).length === 0 ? {} : { value: { ...value } };
    }
    case "objectMap": {
      if (!isObject(value) || !Object.values(value).every(isObject)) {
        return { problem: "expected an object of objects, one per rule" };
      }
      return Object.keys(value).length === 0 ? {} : { value: { ...value } };
    }
    case "program": {
      // A name is looked up on the server's PATH; a path with a directory is made absolute
      // here, since the server's working directory is not the workspace.
      if (typeof value !== "string") {
        return { problem: "expected a string" };
      }
      const trimmed = value.trim();
      if (trimmed === "") {
        return {};
      }
      if (paths === undefined) {
        return { value: trimmed };
      }
      const expanded = expandPath(trimmed, paths);
      const hasDirectory = expanded.includes("/") || expanded.includes(path.sep);
      if (path.isAbsolute(expanded) || !hasDirectory) {
        return { value: expanded };
      }
      return { value: path.resolve(paths.workspaceFolder ?? paths.home, expanded) };
    }
    case "shellcheckLevel": {
      if (typeof value !== "string") {
        return { problem: `expected one of ${SHELLCHECK_LEVELS.join(", ")}` };
      }
      const level = value.trim().toLowerCase();
      if (level === "") {
        return {};
      }
      return (SHELLCHECK_LEVELS as readonly string[]).includes(level)
        ? { value: level }
        : { problem: `expected one of ${SHELLCHECK_LEVELS.join(", ")}` };
    }
    case "seconds":
      return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= MAX_SHELLCHECK_TIMEOUT
        ? { value }
        : { problem: `expected a number of seconds greater than 0 and at most ${MAX_SHELLCHECK_TIMEOUT}` };
  }
}

/**
 * The settings object for the server from the values the user set. Values of the wrong
 * type are left out and reported; the server validates the rest (rule names, URLs,
 * ShellCheck codes) and reports its own problems. With `paths`, `dlint.shellcheck.path`
 * gets `~` and `${workspaceFolder}` expanded and a relative path with a directory
 * resolved against the workspace folder, as `dlint.path` does; a bare name stays a name.
 */
export function toServerSettings(user: UserSettings, paths?: PathContext): ServerSettings {
  const settings: JsonObject = {};
  const problems: string[] = [];
  for (const key of SERVER_SETTING_KEYS) {
    const raw = user[key];
    if (raw === undefined || raw === null) {
      continue;
    }
    const { value, problem } = convert(KIND[key], raw, paths);
    if (problem !== undefined) {
      problems.push(`dlint.${key}: ${problem}; setting ignored`);
      continue;
    }
    if (value === undefined) {
      continue;
    }
    const path = TARGET[key];
    let node = settings;
    for (const part of path.slice(0, -1)) {
      if (part === undefined) {
        continue;
      }
      const next = node[part];
      if (isObject(next)) {
        node = next;
      } else {
        const child: JsonObject = {};
        node[part] = child;
        node = child;
      }
    }
    const leaf = path[path.length - 1];
    if (leaf !== undefined) {
      node[leaf] = value;
    }
  }
  return { settings, problems };
}

/** The `workspace/didChangeConfiguration` parameters for a settings object. */
export function didChangeConfigurationParams(settings: JsonObject): { settings: { dlint: JsonObject } } {
  return { settings: { dlint: settings } };
}
