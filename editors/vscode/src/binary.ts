/**
 * Finding the `dlint` executable: the `dlint.path` setting, else `PATH`, else Cargo's
 * install directory. Pure apart from the injected file check, so the search is
 * unit-tested without touching the disk.
 */

import * as path from "node:path";

export interface SearchEnv {
  /** The value of `dlint.path` (empty when unset). */
  setting: string;
  /** `process.env.PATH`. */
  pathVar: string | undefined;
  /** `process.env.PATHEXT` on Windows (`.EXE;.CMD;…`). */
  pathExt?: string | undefined;
  platform: NodeJS.Platform;
  home: string;
  /** `process.env.CARGO_HOME`, if set. */
  cargoHome?: string | undefined;
  /** The first workspace folder, for `${workspaceFolder}` in the setting. */
  workspaceFolder?: string | undefined;
  /** Whether an executable file exists at an absolute path. */
  isExecutable: (file: string) => boolean;
}

export type SearchResult =
  | { found: true; path: string; from: "setting" | "PATH" | "cargo" }
  | { found: false; message: string; fromSetting: boolean };

/** `~` and `${workspaceFolder}`/`${userHome}` in a path setting. */
export function expandPath(value: string, env: Pick<SearchEnv, "home" | "workspaceFolder">): string {
  let out = value.trim();
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) {
    out = env.home + out.slice(1);
  }
  out = out.replace(/\$\{userHome\}/g, env.home);
  if (env.workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, env.workspaceFolder);
  }
  return out;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** Names to try for `dlint` in one directory. */
function candidates(dir: string, env: SearchEnv): string[] {
  const p = pathApi(env.platform);
  if (env.platform !== "win32") {
    return [p.join(dir, "dlint")];
  }
  const exts = (env.pathExt ?? ".EXE;.CMD;.BAT").split(";").filter((e) => e !== "");
  return exts.map((ext) => p.join(dir, `dlint${ext.toLowerCase()}`));
}

/** The executable to start, or a message for people that says how to fix it. */
export function findDlint(env: SearchEnv): SearchResult {
  const p = pathApi(env.platform);
  const setting = env.setting.trim();
  if (setting !== "") {
    const expanded = expandPath(setting, env);
    const file = p.isAbsolute(expanded)
      ? expanded
      : p.resolve(env.workspaceFolder ?? env.home, expanded);
    if (env.isExecutable(file)) {
      return { found: true, path: file, from: "setting" };
    }
    return {
      found: false,
      fromSetting: true,
      message:
        `dlint: the executable set in "dlint.path" was not found or is not executable: ${file}. ` +
        "Fix the setting, or clear it to use the dlint on PATH.",
    };
  }
  const dirs = (env.pathVar ?? "").split(p.delimiter).filter((d) => d !== "");
  for (const dir of dirs) {
    for (const file of candidates(dir, env)) {
      if (p.isAbsolute(file) && env.isExecutable(file)) {
        return { found: true, path: file, from: "PATH" };
      }
    }
  }
  const cargoBin = p.join(env.cargoHome ?? p.join(env.home, ".cargo"), "bin");
  for (const file of candidates(cargoBin, env)) {
    if (env.isExecutable(file)) {
      return { found: true, path: file, from: "cargo" };
    }
  }
  return {
    found: false,
    fromSetting: false,
    message:
      "dlint: the `dlint` executable was not found on PATH or in ~/.cargo/bin. Install it " +
      "(from a dlint checkout: `cargo install --path .`) or set \"dlint.path\" to its location, " +
      "then run \"dlint: Restart Server\".",
  };
}
