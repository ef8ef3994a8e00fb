#!/usr/bin/env bash
# Builds the VS Code extension from a clean install: lint, typecheck, unit tests, bundle,
# and package as editors/vscode/dlint-<version>.vsix. Exits non-zero on any failure.
# Needs Node.js 20+ and npm (Debian: apt-get install -y nodejs npm).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n== vscode: %s\n' "$*"; }

if ! command -v npm >/dev/null 2>&1; then
  echo "build.sh: npm not found (Debian: apt-get install -y nodejs npm)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "build.sh: Node.js 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "lint"
npx --no-install eslint --max-warnings=0 .

step "typecheck"
npx --no-install tsc -p . --noEmit

step "test"
rm -rf out
npm test --silent

step "bundle"
npm run --silent bundle

step "package"
version=$(node -p 'require("./package.json").version')
rm -f dlint-*.vsix
npx --no-install vsce package --no-dependencies --skip-license --out "dlint-${version}.vsix"
test -s "dlint-${version}.vsix"
echo "built $(pwd)/dlint-${version}.vsix ($(wc -c <"dlint-${version}.vsix") bytes)"
