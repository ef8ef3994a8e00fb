import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { type SearchEnv, expandPath, findDlint } from "../src/binary";

function env(files: string[], overrides: Partial<SearchEnv> = {}): SearchEnv {
  return {
    setting: "",
    pathVar: "/usr/local/bin:/usr/bin",
    platform: "linux",
    home: "/home/me",
    isExecutable: (file) => files.includes(file),
    ...overrides,
  };
}

describe("findDlint", () => {
  it("prefers the setting", () => {
    const found = findDlint(env(["/opt/dlint", "/usr/bin/dlint"], { setting: "/opt/dlint" }));
    assert.deepEqual(found, { found: true, path: "/opt/dlint", from: "setting" });
  });

  it("expands ~ and ${workspaceFolder} in the setting", () => {
    assert.equal(expandPath("~/bin/dlint", { home: "/home/me" }), "/home/me/bin/dlint");
    const found = findDlint(
      env(["/work/p/target/release/dlint"], {
        setting: "${workspaceFolder}/target/release/dlint",
        workspaceFolder: "/work/p",
      }),
    );
    assert.equal(found.found && found.path, "/work/p/target/release/dlint");
  });

  it("resolves a relative setting against the workspace", () => {
    const found = findDlint(env(["/work/p/bin/dlint"], { setting: "bin/dlint", workspaceFolder: "/work/p" }));
    assert.equal(found.found && found.path, "/work/p/bin/dlint");
  });

  it("says which setting is wrong rather than falling back to PATH", () => {
    const found = findDlint(env(["/usr/bin/dlint"], { setting: "/nope/dlint" }));
    assert.equal(found.found, false);
    assert.ok(!found.found && found.fromSetting);
    assert.match(!found.found ? found.message : "", /"dlint\.path".*\/nope\/dlint/);
  });

  it("searches PATH in order, then ~/.cargo/bin", () => {
    assert.deepEqual(findDlint(env(["/usr/bin/dlint", "/home/me/.cargo/bin/dlint"])), {
      found: true,
      path: "/usr/bin/dlint",
      from: "PATH",
    });
    assert.deepEqual(findDlint(env(["/home/me/.cargo/bin/dlint"])), {
      found: true,
      path: "/home/me/.cargo/bin/dlint",
      from: "cargo",
    });
    assert.deepEqual(findDlint(env(["/c/bin/dlint"], { cargoHome: "/c" })), {
      found: true,
      path: "/c/bin/dlint",
      from: "cargo",
    });
  });

  it("tries PATHEXT on Windows", () => {
    const found = findDlint(
      env(["C:\\tools\\dlint.exe"], {
        platform: "win32",
        pathVar: "C:\\Windows;C:\\tools",
        pathExt: ".COM;.EXE",
        home: "C:\\Users\\me",
      }),
    );
    assert.equal(found.found && found.path, "C:\\tools\\dlint.exe");
  });

  it("explains how to install when nothing is found", () => {
    const found = findDlint(env([]));
    assert.ok(!found.found && !found.fromSetting);
    assert.match(!found.found ? found.message : "", /not found on PATH.*cargo install --path \..*dlint\.path/);
  });
});
