#!/usr/bin/env python3
"""Helpers of scripts/validate-sizes/run.sh (python3 stdlib only).

    compare.py measure OCI_DIR --fixture NAME --variant V --base IMAGE --base-history N
                       --sha SHA --build-seconds S        > cache.json
        Read an OCI image layout (as `buildah push IMG oci:DIR` writes it) and print, as
        JSON, the image history with each layer's real size: the blob as stored
        (compressed), the uncompressed tar stream, the bytes of the files in it, and
        where those bytes are (apt lists, dpkg metadata, logs, docs, ...).

    compare.py cached CACHE.json SHA
        Exit 0 if CACHE.json exists and was measured for a fixture of hash SHA.

    compare.py compare --work DIR --dlint BIN --fixtures DIR [--markdown FILE]
                       --variants V... -- NAME...
        Run `dlint layers --format json` on each fixture and print estimated vs real size
        per layer, the error of each estimate and the median error.

Error of an estimate [low, high] against the real size r: 0 when r is inside the range,
else the distance to the nearest bound relative to r, signed (+ over-estimate,
- under-estimate). The midpoint error compares the range's geometric midpoint with r,
so a wide range does not hide a poor estimate.
"""

import argparse
import gzip
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tarfile
import zlib

# Where a layer's bytes are, by path prefix (first match wins).
CATEGORIES = [
    ("apt lists", ("var/lib/apt/lists/",)),
    ("dpkg status", ("var/lib/dpkg/status",)),
    ("dpkg info", ("var/lib/dpkg/info/",)),
    ("dpkg other", ("var/lib/dpkg/",)),
    ("logs", ("var/log/",)),
    ("debconf", ("var/cache/debconf/",)),
    ("apt cache", ("var/cache/apt/", "var/lib/apt/")),
    ("ldconfig", ("var/cache/ldconfig/", "etc/ld.so.cache")),
    (
        "docs",
        (
            "usr/share/doc/",
            "usr/share/man/",
            "usr/share/info/",
            "usr/share/locale/",
            "usr/share/groff/",
            "usr/share/lintian/",
        ),
    ),
    ("etc", ("etc/",)),
]
DPKG_LIST = re.compile(r"^var/lib/dpkg/info/([^/]+?)(?::[a-z0-9]+)?\.list$")


# ------------------------------------------------------------------------------ measure
class Counting:
    """A read-only stream wrapper that counts the bytes read through it."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def read(self, n=-1):
        data = self.raw.read(n)
        self.count += len(data)
        return data


def blob_path(oci, digest):
    algo, hexd = digest.split(":", 1)
    return os.path.join(oci, "blobs", algo, hexd)


def read_json(oci, digest):
    with open(blob_path(oci, digest), encoding="utf-8") as f:
        return json.load(f)


def measure_layer(path, media_type):
    """Sizes of one layer blob and where its bytes are."""
    stored = os.path.getsize(path)
    gzipped = media_type.endswith("gzip")
    if media_type.endswith("zstd"):
        raise SystemExit(f"compare.py: zstd layers are not supported ({path})")
    raw = gzip.open(path, "rb") if gzipped else open(path, "rb")
    with raw:
        counting = Counting(raw)
        content = 0
        files = dirs = links = whiteouts = 0
        by_category = {}
        packages = []
        with tarfile.open(fileobj=counting, mode="r|") as tar:
            for m in tar:
                name = m.name[2:] if m.name.startswith("./") else m.name
                base = name.rsplit("/", 1)[-1]
                if base.startswith(".wh."):
                    whiteouts += 1
                    continue
                if m.isdir():
                    dirs += 1
                    continue
                if m.issym() or m.islnk():
                    links += 1
                    continue
                if not m.isreg():
                    continue
                files += 1
                content += m.size
                cat = "payload"
                if name.endswith(".pyc"):  # byte-compiled by postinst, not in Installed-Size
                    cat = "pyc"
                for label, prefixes in CATEGORIES:
                    if cat == "payload" and name.startswith(prefixes):
                        cat = label
                        break
                by_category[cat] = by_category.get(cat, 0) + m.size
                hit = DPKG_LIST.match(name)
                if hit:
                    packages.append(hit.group(1))
        while counting.read(1 << 20):
            pass
        tar_bytes = counting.count
    if gzipped:
        compressed = stored
    else:  # what a registry push (gzip, default level) would store
        comp = zlib.compressobj(6, zlib.DEFLATED, 31)
        compressed = 0
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                compressed += len(comp.compress(chunk))
        compressed += len(comp.flush())
    return {
        "compressed": compressed,
        "tar": tar_bytes,
        "content": content,
        "files": files,
        "dirs": dirs,
        "links": links,
        "whiteouts": whiteouts,
        "by_category": dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
        "new_packages": sorted(packages),
    }


def cmd_measure(a):
    with open(os.path.join(a.oci, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    manifest = read_json(a.oci, index["manifests"][0]["digest"])
    config = read_json(a.oci, manifest["config"]["digest"])
    layers = manifest["layers"]
    history = config.get("history", [])
    out_history = []
    li = 0
    for h in history:
        entry = {
            "created_by": h.get("created_by", ""),
            "empty_layer": bool(h.get("empty_layer", False)),
        }
        if not entry["empty_layer"]:
            if li >= len(layers):
                raise SystemExit("compare.py: more non-empty history entries than layers")
            layer = layers[li]
            li += 1
            if len(out_history) >= a.base_history:  # the base's layers are not measured
                entry["layer"] = measure_layer(
                    blob_path(a.oci, layer["digest"]), layer["mediaType"]
                )
                entry["layer"]["digest"] = layer["digest"]
        out_history.append(entry)
    json.dump(
        {
            "fixture": a.fixture,
            "variant": a.variant,
            "base": a.base,
            "base_history": a.base_history,
            "sha": a.sha,
            "build_seconds": a.build_seconds,
            "history": out_history,
        },
        sys.stdout,
        indent=1,
    )
    print()


def cmd_cached(a):
    try:
        with open(a.cache, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        sys.exit(1)
    sys.exit(0 if data.get("sha") == a.sha else 1)


# ------------------------------------------------------------------------------ compare
def human(n):
    """Bytes the way dlint prints them (decimal units, 3 significant digits)."""
    if n is None:
        return "?"
    if n < 1000:
        return f"{n} B"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            if n >= 100:
                return f"{n:.0f} {unit}"
            if n >= 10:
                return f"{n:.1f} {unit}"
            return f"{n:.2f} {unit}"
    return f"{n} B"


def range_error(low, high, real):
    """Signed relative error of [low, high] against real (0 inside the range)."""
    if real == 0:
        return 0.0 if low == 0 else math.inf
    if low <= real <= high:
        return 0.0
    if real < low:
        return (low - real) / real
    return (high - real) / real


def mid_error(low, high, real):
    if real == 0:
        return 0.0 if high == 0 else math.inf
    mid = math.sqrt(low * high) if low > 0 else high / 2
    return (mid - real) / real


def pct(x):
    if x is None:
        return ""
    if math.isinf(x):
        return "inf"
    return f"{x * 100:+.0f}%" if x else "0%"


def est_packages(basis):
    """Packages the estimate installs, from its basis ("a, b + 10–16 dependencies")."""
    m = re.match(r"^(.*?) \+ (\d+)(?:–(\d+))? (?:dependencies|dependencies and recommends)", basis)
    if not m:
        return ""
    roots = len([p for p in m.group(1).split(",") if p.strip()])
    if "more" in m.group(1):  # "a, b, c and 4 more"
        more = re.search(r"(\d+) more", m.group(1))
        roots = 3 + int(more.group(1)) if more else roots
    lo = roots + int(m.group(2))
    hi = roots + int(m.group(3) or m.group(2))
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def run_dlint(dlint, fixtures, name):
    path = os.path.join(fixtures, f"{name}.Dockerfile")
    out = subprocess.run(
        [dlint, "layers", "--format", "json", "--context", fixtures, path],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def align(report, real):
    """Pairs (dlint row, history entry) for the fixture's own instructions."""
    stage = report["stages"][report["final_stage"]]
    rows = [r for r in stage["rows"] if not r["instruction"].upper().startswith("FROM")]
    hist = real["history"][real["base_history"] :]
    note = ""
    if len(hist) != len(rows):
        note = f"{len(rows)} instructions but {len(hist)} history entries: aligned from the end"
        hist = real["history"][-len(rows) :] if rows else []
    return list(zip(rows, hist)), note


def cmd_compare(a):
    results = []  # one dict per instruction
    notes = []
    for variant in a.variants:
        for name in a.names:
            cache = os.path.join(a.work, "real", variant, f"{name}.json")
            try:
                with open(cache, encoding="utf-8") as f:
                    real = json.load(f)
            except OSError:
                notes.append(f"{variant}/{name}: no real sizes cached ({cache}); build first")
                continue
            report = run_dlint(a.dlint, a.fixtures, name)
            pairs, note = align(report, real)
            if note:
                notes.append(f"{variant}/{name}: {note}")
            for row, h in pairs:
                size = row["size"]
                layer = h.get("layer")
                r = {
                    "variant": variant,
                    "fixture": name,
                    "line": row["line"],
                    "instruction": row["instruction"],
                    "kind": row["kind"],
                    "low": size["low"],
                    "high": size["high"],
                    "confidence": size["confidence"],
                    "basis": size["basis"],
                    "est_packages": est_packages(size["basis"]),
                    "has_layer": layer is not None,
                    "layer": layer,
                    "created_by": h["created_by"],
                }
                if layer is not None:
                    r["tar"] = layer["tar"]
                    r["content"] = layer["content"]
                    r["compressed"] = layer["compressed"]
                    r["real_packages"] = len(layer["new_packages"])
                if size["confidence"] != "unknown":
                    real_tar = layer["tar"] if layer else 0
                    real_content = layer["content"] if layer else 0
                    r["err"] = range_error(size["low"], size["high"], real_tar)
                    r["err_content"] = range_error(size["low"], size["high"], real_content)
                    r["mid"] = mid_error(size["low"], size["high"], real_tar)
                results.append(r)

    print("err: the estimate's error against the real uncompressed tar (0% inside the range;")
    print("+ over, - under); files: against the bytes of the files in the layer (what")
    print("`docker history` shows with the overlay2 store); mid: the range's geometric midpoint")
    print("against the tar. pkgs: packages dlint's closure installs (base with important")
    print("packages – minbase) / packages the real layer installed.")
    print()
    print_table(results, sys.stdout)
    summary = summarize(results, a.variants)
    print()
    for line in summary:
        print(line)
    for n in notes:
        print("note:", n)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            write_markdown(results, summary, f)
        print(f"(markdown written to {a.markdown})")


def short(text, width):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def estimate_text(r):
    if r["confidence"] == "unknown":
        return "?" if r["low"] == 0 else f"≥ {human(r['low'])} ?"
    if r["low"] == r["high"]:
        return human(r["low"])
    return f"{human(r['low'])}–{human(r['high'])}"


def print_table(results, out):
    head = (
        f"{'fixture':<28} {'ln':>2}  {'instruction':<44} {'estimate':>20} "
        f"{'real tar':>9} {'real files':>10} {'real gz':>9} {'pkgs est/real':>13} "
        f"{'err':>6} {'files':>6} {'mid':>6}"
    )
    last = None
    for r in results:
        key = (r["variant"], r["fixture"])
        if key != last:
            if last is None:
                print(head, file=out)
            last = key
        if not r["has_layer"]:
            real_tar = real_files = real_gz = "no layer"
        else:
            real_tar = human(r.get("tar"))
            real_files = human(r.get("content"))
            real_gz = human(r.get("compressed"))
        pk = ""
        if r["est_packages"] or r.get("real_packages"):
            pk = f"{r['est_packages'] or '-'}/{r.get('real_packages', 0)}"
        print(
            f"{short(r['variant'] + '/' + r['fixture'], 28):<28} {r['line']:>2}  "
            f"{short(r['instruction'], 44):<44} {estimate_text(r):>20} "
            f"{real_tar:>9} {real_files:>10} {real_gz:>9} {pk:>13} "
            f"{pct(r.get('err')):>6} {pct(r.get('err_content')):>6} {pct(r.get('mid')):>6}",
            file=out,
        )


def counted(results):
    """Layers with an estimate: filesystem rows or rows the build made a layer for."""
    return [
        r
        for r in results
        if r["confidence"] != "unknown" and (r["kind"] == "filesystem" or r["has_layer"])
    ]


def summarize(results, variants):
    lines = []
    groups = [(v, [r for r in results if r["variant"] == v]) for v in variants]
    if len(variants) > 1:
        groups.append(("all", results))

    def med(rs, key):
        return f"{statistics.median(abs(r[key]) for r in rs) * 100:.1f}%"

    for label, rs in groups:
        est = counted(rs)
        unknown = [
            r
            for r in rs
            if r["confidence"] == "unknown" and (r["kind"] == "filesystem" or r["has_layer"])
        ]
        if not est:
            lines.append(f"{label}: no layer with an estimate; {len(unknown)} unknown")
            continue
        inside = sum(1 for r in est if r["err"] == 0)
        line = (
            f"{label}: {len(est)} layers with an estimate ({inside} inside the range), "
            f"{len(unknown)} unknown; median error {med(est, 'err')} vs the uncompressed tar, "
            f"{med(est, 'err_content')} vs file bytes; median midpoint error {med(est, 'mid')}"
        )
        apt = [r for r in est if r["est_packages"]]
        if apt:
            line += (
                f". apt installs ({len(apt)}): median error {med(apt, 'err')} (tar), "
                f"{med(apt, 'err_content')} (files), midpoint {med(apt, 'mid')}"
            )
        lines.append(line)
    return lines


def write_markdown(results, summary, f):
    f.write(
        "| base | fixture | line | instruction | estimate | real (tar) | real (files) "
        "| real (gzip) | packages est / real | error (tar) | error (files) | midpoint error |\n"
    )
    f.write("|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
    for r in results:
        no_layer = not r["has_layer"]
        cells = [
            r["variant"],
            r["fixture"],
            str(r["line"]),
            "`" + short(r["instruction"], 70).replace("|", "\\|") + "`",
            estimate_text(r),
            "no layer" if no_layer else human(r.get("tar")),
            "" if no_layer else human(r.get("content")),
            "" if no_layer else human(r.get("compressed")),
            (f"{r['est_packages'] or '-'} / {r.get('real_packages', 0)}" if r["est_packages"] or r.get("real_packages") else ""),
            pct(r.get("err")),
            pct(r.get("err_content")),
            pct(r.get("mid")),
        ]
        f.write("| " + " | ".join(cells) + " |\n")
    f.write("\n")
    for line in summary:
        f.write(f"- {line}\n")
    f.write("\nWhere the bytes of each real layer are (file bytes):\n\n")
    cats = ["payload", "pyc", "docs", "etc", "apt lists", "dpkg status", "dpkg info", "dpkg other",
            "logs", "debconf", "apt cache", "ldconfig"]
    f.write("| base | fixture | line | files | " + " | ".join(cats) + " | tar overhead |\n")
    f.write("|---|---|--:|--:|" + "--:|" * len(cats) + "--:|\n")
    for r in results:
        layer = r["layer"]
        if not layer:
            continue
        bc = layer["by_category"]
        f.write(
            f"| {r['variant']} | {r['fixture']} | {r['line']} | {layer['files']} | "
            + " | ".join(human(bc[c]) if c in bc else "" for c in cats)
            + f" | {human(layer['tar'] - layer['content'])} |\n"
        )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("oci")
    m.add_argument("--fixture", required=True)
    m.add_argument("--variant", required=True)
    m.add_argument("--base", required=True)
    m.add_argument("--base-history", type=int, required=True)
    m.add_argument("--sha", required=True)
    m.add_argument("--build-seconds", type=int, default=0)
    c = sub.add_parser("cached")
    c.add_argument("cache")
    c.add_argument("sha")
    k = sub.add_parser("compare")
    k.add_argument("--work", required=True)
    k.add_argument("--dlint", required=True)
    k.add_argument("--fixtures", required=True)
    k.add_argument("--markdown")
    k.add_argument("--variants", nargs="+", required=True)
    k.add_argument("names", nargs="+")
    a = p.parse_args()
    {"measure": cmd_measure, "cached": cmd_cached, "compare": cmd_compare}[a.cmd](a)


if __name__ == "__main__":
    main()
