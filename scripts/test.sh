#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with a Rust toolchain (run as root, or
# with the tools below already installed). This is the README's test command and what CI
# runs. It installs what the tests need when it is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Nothing beyond cargo is needed yet; system packages for later test servers go here,
# installed only when missing:
#   need_deb() { dpkg -s "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@"; }; }

cargo test --locked --all-features
