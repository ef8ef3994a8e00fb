#!/usr/bin/env bash
# Screenshot of Neovim with dlint's inlay hints, for the README:
#
#   bash editors/nvim/scripts/screenshot.sh [OUT.png]   (default docs/images/nvim-inlay-hints.png)
#
# Runs Neovim (test/run.sh's, or `nvim` on PATH) with the plugin inside a detached tmux
# session on examples/python-app/Dockerfile, waits for the hints, captures the pane with its
# colours (`tmux capture-pane -e -p`), turns it into HTML (ansi2html.py) and renders that
# with headless Chromium. Needs tmux, chromium and a C compiler (Debian: apt-get install
# tmux chromium). The server runs offline.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$(realpath -m "${1:-$repo/docs/images/nvim-inlay-hints.png}")
cd "$repo"

nvim_bin=${DLINT_NVIM:-$(command -v nvim || echo "${DLINT_NVIM_DIR:-/var/tmp/dlint-nvim}/venv/bin/nvim")}
[[ -x $nvim_bin ]] || { echo "screenshot.sh: no nvim; run editors/nvim/test/run.sh once" >&2; exit 1; }
for tool in tmux chromium cc; do
  command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is missing" >&2; exit 1; }
done
if [[ -z ${DLINT_BIN:-} ]]; then
  cargo build --quiet --release --bin dlint
  DLINT_BIN=$repo/target/release/dlint
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dlint-shot.XXXXXX")
cleanup() {
  tmux -S "$tmp/tmux.sock" kill-server 2>/dev/null || true
  rm -rf -- "$tmp"
}
[[ -n ${DLINT_SHOT_KEEP:-} ]] || trap cleanup EXIT

# The grammar the server links, compiled for Neovim's tree-sitter highlighting.
grammar=$(cargo metadata --format-version 1 --offline \
  --filter-platform "$(rustc -vV | sed -n 's/^host: //p')" | python3 -c '
import json, sys, os
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "tree-sitter-containerfile":
        print(os.path.dirname(p["manifest_path"]))
')
mkdir -p "$tmp/site/parser"
cc -shared -fPIC -O1 -I "$grammar/src" "$grammar/src/parser.c" "$grammar/src/scanner.c" \
  -o "$tmp/site/parser/containerfile.so"

cat >"$tmp/init.lua" <<EOF
dofile('$repo/editors/nvim/test/minimal_init.lua')
vim.opt.runtimepath:append('$tmp/site')
vim.o.termguicolors = true
vim.o.number = true
vim.o.signcolumn = 'yes'
vim.o.laststatus = 2
vim.o.showmode = false
vim.o.ruler = false
vim.diagnostic.config({ virtual_text = false, signs = true, underline = true })
require('dlint').setup({
  cmd = { '$DLINT_BIN', 'lsp' },
  cmd_env = { DLINT_OFFLINE = '1', DLINT_CACHE_DIR = '$tmp/cache' },
  treesitter = true,
})
EOF

cols=118 rows=27
tmux -S "$tmp/tmux.sock" -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" \
  -e COLORTERM=truecolor -e TERM=tmux-256color \
  "$nvim_bin --clean -u '$tmp/init.lua' examples/python-app/Dockerfile"
tmux -S "$tmp/tmux.sock" set -g status off
tmux -S "$tmp/tmux.sock" set -g default-terminal tmux-256color
tmux -S "$tmp/tmux.sock" set -ga terminal-overrides ',*:RGB'

# Wait for the inlay hints (the base image's size on FROM), then let the screen settle.
for _ in $(seq 1 100); do
  if tmux -S "$tmp/tmux.sock" capture-pane -p -t shot | grep -q 'base .* compressed'; then
    break
  fi
  sleep 0.2
done
tmux -S "$tmp/tmux.sock" capture-pane -p -t shot | grep -q 'base .* compressed' ||
  { echo "screenshot.sh: no inlay hints appeared" >&2; tmux -S "$tmp/tmux.sock" capture-pane -p -t shot >&2; exit 1; }
sleep 1
tmux -S "$tmp/tmux.sock" capture-pane -e -p -t shot >"$tmp/capture.txt"

python3 "$here/ansi2html.py" "$tmp/capture.txt" "$tmp/page.html" \
  --title "Neovim + dlint lsp: inlay hints on examples/python-app/Dockerfile"
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$tmp/chromium" --screenshot="$out" \
  --window-size=1120,580 "file://$tmp/page.html" >/dev/null 2>&1
echo "screenshot.sh: wrote $out"
