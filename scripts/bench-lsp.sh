#!/usr/bin/env bash
# Benchmark `dlint lsp` side by side with dockerfile-language-server-nodejs (npm).
#
#   scripts/bench-lsp.sh [RUNS]          # default 1; DLINT_BENCH_RUNS works too
#
# For each run and each fixture (small, medium, large Dockerfile) it runs
# ../shared/tools/lspbench.py against `target/release/dlint lsp` and then, with the very same
# options, against `docker-langserver --stdio`; then scripts/lsp-memory.py opens 50 documents
# in one session of each server and reads their peak memory. It ends with a side-by-side table
# and dlint's figures against the targets of docs/lsp-benchmarks.md.
#
# Environment:
#   DLINT_SHARED       the shared folder holding tools/lspbench.py and tools/fixtures
#                      (default: `shared` beside the repository, i.e. ../shared)
#   DLINT_BENCH_DIR    work folder outside the repository: the npm peer install, dlint's private
#                      registry cache, the JSON reports (default /var/tmp/dlint-bench)
#   DLINT_BENCH_PEER_VERSION  npm version of dockerfile-language-server-nodejs (default 0.15.0)
#   DLINT_BENCH_ARGS   lspbench options (default: --rounds 20 --edits 50 --burst 30 --strict)
#   DLINT_BENCH_NO_BUILD=1    skip `cargo build --release`
#   DLINT_BENCH_NO_PEER=1     dlint only
#
# dlint runs with DLINT_OFFLINE=1 (no network) and DLINT_CACHE_DIR in the work folder, so image
# facts come from the embedded catalogue. This is a benchmark script only: nothing in the
# repository's tests depends on ../shared.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

shared="${DLINT_SHARED:-$(dirname "$repo")/shared}"
lspbench="$shared/tools/lspbench.py"
fixtures="$shared/tools/fixtures/dockerfiles"
if [ ! -f "$lspbench" ] || [ ! -d "$fixtures" ]; then
    echo "bench-lsp: $lspbench or $fixtures not found." >&2
    echo "bench-lsp: set DLINT_SHARED to the folder holding tools/lspbench.py and tools/fixtures/dockerfiles." >&2
    exit 2
fi
shared="$(cd "$shared" && pwd)"
lspbench="$shared/tools/lspbench.py"
fixtures="$shared/tools/fixtures/dockerfiles"

bench_dir="${DLINT_BENCH_DIR:-/var/tmp/dlint-bench}"
mkdir -p "$bench_dir"
bench_dir="$(cd "$bench_dir" && pwd)"
case "$bench_dir/" in
    "$repo"/*) echo "bench-lsp: DLINT_BENCH_DIR ($bench_dir) must be outside the repository" >&2; exit 2 ;;
esac

runs="${1:-${DLINT_BENCH_RUNS:-1}}"
peer_version="${DLINT_BENCH_PEER_VERSION:-0.15.0}"
read -r -a bench_args <<<"${DLINT_BENCH_ARGS:---rounds 20 --edits 50 --burst 30 --strict}"
sizes=(small medium large)
for s in "${sizes[@]}"; do
    [ -f "$fixtures/$s/Dockerfile" ] || { echo "bench-lsp: missing fixture $fixtures/$s/Dockerfile" >&2; exit 2; }
done

if [ "${DLINT_BENCH_NO_BUILD:-0}" != 1 ]; then
    cargo build --release
fi
dlint="$repo/target/release/dlint"
[ -x "$dlint" ] || { echo "bench-lsp: $dlint not built" >&2; exit 2; }

peer=""
if [ "${DLINT_BENCH_NO_PEER:-0}" != 1 ]; then
    peer="$bench_dir/peer/node_modules/.bin/docker-langserver"
    if [ ! -x "$peer" ]; then
        command -v npm >/dev/null || { echo "bench-lsp: npm is needed for the peer server (or DLINT_BENCH_NO_PEER=1)" >&2; exit 2; }
        mkdir -p "$bench_dir/peer"
        npm install --prefix "$bench_dir/peer" --no-audit --no-fund --loglevel=error \
            "dockerfile-language-server-nodejs@$peer_version"
    fi
fi

cache="$bench_dir/dlint-cache"
mkdir -p "$cache"
out="$bench_dir/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"

# Hover on the first FROM (keyword and image) and on the first simple RUN (keyword and
# command); completion at the start of the first blank line (instruction keywords).
# 0-based LSP positions.
positions() {
    python3 - "$1" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out, seen, blank = [], set(), None
for i, raw in enumerate(lines):
    s = raw.lstrip()
    if not s.strip() and blank is None and i > 0:
        blank = i
    parts = s.split()
    if not parts or parts[0].upper() not in ("FROM", "RUN") or parts[0].upper() in seen:
        continue
    word, rest = parts[0].upper(), parts[1:]
    while rest and rest[0].startswith("--"):
        rest = rest[1:]
    if not rest or rest[0] == "\\":
        continue
    col = raw.index(rest[0], len(raw) - len(s) + len(word))
    # the keyword too: docker-langserver answers hovers on keywords only
    out.append(f"--hover {i}:{len(raw) - len(s)} --hover {i}:{col}")
    seen.add(word)
print(" ".join(out + [f"--completion {blank or 0}:0"]))
EOF
}

{
    echo "date: $(date -Is)"
    echo "host: $(uname -srm); nproc=$(nproc); $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "dlint: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?') ($("$dlint" --version 2>/dev/null || echo '?'))"
    if [ -n "$peer" ]; then
        echo "peer: dockerfile-language-server-nodejs $(node -p "require('$bench_dir/peer/node_modules/dockerfile-language-server-nodejs/package.json').version") on node $(node --version)"
    fi
    echo "lspbench options: ${bench_args[*]}"
} | tee "$out/machine.txt"

failures=()
for run in $(seq 1 "$runs"); do
    echo "== run $run/$runs (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/machine.txt"
    for s in "${sizes[@]}"; do
        file="$fixtures/$s/Dockerfile"
        read -r -a pos <<<"$(positions "$file")"
        if ! DLINT_OFFLINE=1 DLINT_CACHE_DIR="$cache" python3 "$lspbench" --quiet \
            --server "$dlint lsp" --file "$file" "${bench_args[@]}" "${pos[@]}" \
            --json "$out/dlint-$s-$run.json"; then
            failures+=("lspbench dlint $s run $run")
        fi
        if [ -n "$peer" ]; then
            if ! python3 "$lspbench" --quiet --server "$peer --stdio" --file "$file" \
                "${bench_args[@]}" "${pos[@]}" --json "$out/peer-$s-$run.json"; then
                failures+=("lspbench peer $s run $run")
            fi
        fi
    done
    mem_files=()
    for s in "${sizes[@]}"; do mem_files+=(--file "$fixtures/$s/Dockerfile"); done
    if ! DLINT_OFFLINE=1 DLINT_CACHE_DIR="$cache" python3 "$repo/scripts/lsp-memory.py" \
        --server "$dlint lsp" --label dlint --docs 50 "${mem_files[@]}" --json "$out/mem-dlint-$run.json"; then
        failures+=("lsp-memory dlint run $run")
    fi
    if [ -n "$peer" ]; then
        if ! python3 "$repo/scripts/lsp-memory.py" --server "$peer --stdio" --label peer --docs 50 \
            "${mem_files[@]}" --json "$out/mem-peer-$run.json"; then
            failures+=("lsp-memory peer run $run")
        fi
    fi
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

python3 - "$out" <<'EOF' | tee "$out/table.md"
import glob, json, os, statistics, sys

out = sys.argv[1]
servers = [("dlint", "dlint"), ("peer", "docker-langserver")]
sizes = ["small", "medium", "large"]

def load(pattern):
    reps = []
    for p in sorted(glob.glob(os.path.join(out, pattern))):
        with open(p) as fh:
            reps.append(json.load(fh))
    return reps

def t(rep, key, field):
    v = (rep.get("timings") or {}).get(key)
    if isinstance(v, dict):
        return v.get(field)
    return v if field is None else None

columns = [
    ("init", lambda r: t(r, "initialize_ms", None)),
    ("open→diag", lambda r: t(r, "didOpen_to_publishDiagnostics_ms", None)),
    ("hover med", lambda r: t(r, "hover", "median_ms")),
    ("hover p95", lambda r: t(r, "hover", "p95_ms")),
    ("inlay p95", lambda r: t(r, "inlayHint", "p95_ms")),
    ("compl med", lambda r: t(r, "completion", "median_ms")),
    ("compl p95", lambda r: t(r, "completion", "p95_ms")),
    ("key→diag med", lambda r: t(r, "didChange_to_publishDiagnostics", "median_ms")),
    ("key→diag p95", lambda r: t(r, "didChange_to_publishDiagnostics", "p95_ms")),
    ("burst settle", lambda r: t(r, "burst_last_edit_to_settled_diagnostics_ms", None)),
    ("peak MiB", lambda r: (r.get("memory") or {}).get("VmHWM_mib")),
]

def fmt(vals):
    vals = [v for v in vals if isinstance(v, (int, float))]
    if not vals:
        return "–"
    med = statistics.median(vals)
    f = (lambda x: f"{x:.2f}") if med < 10 else (lambda x: f"{x:.1f}") if med < 100 else (lambda x: f"{x:.0f}")
    if len(vals) == 1:
        return f(med)
    return f"{f(med)} ({f(min(vals))}–{f(max(vals))})"

print(f"\nAll times in ms (median over runs; min–max spread in brackets when runs > 1).\n")
print("| fixture | server | " + " | ".join(c for c, _ in columns) + " | checks |")
print("|---|---|" + "---|" * len(columns) + "---|")
for size in sizes:
    for key, name in servers:
        reps = load(f"{key}-{size}-*.json")
        if not reps:
            continue
        cells = [fmt([fn(r) for r in reps]) for _, fn in columns]
        bad = sorted({f"{k}={v}" for r in reps for k, v in (r.get("checks") or {}).items() if v is False})
        errs = sum(len(r.get("errors") or []) for r in reps)
        status = "ok" if not bad and not errs else ", ".join(bad + ([f"{errs} errors"] if errs else []))
        lines = reps[0]["file"]["lines"]
        print(f"| {size} ({lines} l.) | {name} | " + " | ".join(cells) + f" | {status} |")

print("\n50 documents open in one session (scripts/lsp-memory.py):\n")
print("| server | peak MiB (VmHWM) | RSS at end MiB | open→all diagnostics ms | inlay p95 ms | hover p95 ms |")
print("|---|---|---|---|---|---|")
mem = {}
for key, name in servers:
    reps = load(f"mem-{key}-*.json")
    if not reps:
        continue
    mem[key] = reps
    print(f"| {name} | {fmt([(r.get('memory') or {}).get('VmHWM_mib') for r in reps])} | "
          f"{fmt([(r.get('memory') or {}).get('VmRSS_mib') for r in reps])} | "
          f"{fmt([r.get('open_all_to_last_diagnostics_ms') for r in reps])} | "
          f"{fmt([(r.get('inlayHint') or {}).get('p95_ms') for r in reps])} | "
          f"{fmt([(r.get('hover') or {}).get('p95_ms') for r in reps])} |")

large = load("dlint-large-*.json")
allsizes = load("dlint-*-*.json")
targets = [
    ("initialize < 20 ms (worst fixture)", [t(r, "initialize_ms", None) for r in allsizes], 20),
    ("hover p95 < 1 ms (large)", [t(r, "hover", "p95_ms") for r in large], 1),
    ("keystroke→fresh diagnostics p95 < 5 ms (large)",
     [t(r, "didChange_to_publishDiagnostics", "p95_ms") for r in large], 5),
    ("inlay hints p95 < 2 ms (large)", [t(r, "inlayHint", "p95_ms") for r in large], 2),
    ("peak memory < 30 MiB, 50 documents open",
     [(r.get("memory") or {}).get("VmHWM_mib") for r in mem.get("dlint", [])], 30),
]
print("\ndlint against the targets (every run must be under the target to count as met):\n")
print("| target | dlint, all runs | met |")
print("|---|---|---|")
for label, vals, limit in targets:
    vals = [v for v in vals if isinstance(v, (int, float))]
    if not vals:
        print(f"| {label} | – | ? |")
        continue
    met = "yes" if max(vals) < limit else ("median only" if statistics.median(vals) < limit else "NO")
    print(f"| {label} | {', '.join(f'{v:g}' for v in vals)} | {met} |")
print(f"\nreports: {out}")
EOF

if [ "${#failures[@]}" -gt 0 ]; then
    echo "bench-lsp: failed (strict checks or errors, see the JSON reports): ${failures[*]}" >&2
    exit 1
fi
