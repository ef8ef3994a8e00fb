#!/usr/bin/env python3
"""Peak memory of a Dockerfile language server with many documents open (stdlib only).

lspbench (../shared/tools/lspbench.py) opens one file per server; this opens N documents
(default 50) in one session, the way an editor restoring a workspace does:

  1. spawn the server, `initialize`, `initialized`
  2. `didOpen` N documents back to back: the given fixtures and variations of them (the
     fixture text with a comment line added, sometimes a RUN line too), each under its own
     URI (`<root>/doc-NN/Dockerfile`; the files need not exist, like unsaved buffers)
  3. wait for `publishDiagnostics` of every document
  4. for every document: `inlayHint` over the whole text, `hover` on the first FROM image
     and on the first RUN command
  5. read VmHWM / VmRSS of the server process (and its children) from /proc/<pid>/status,
     then `shutdown` + `exit`

Usage:
  python3 scripts/lsp-memory.py --server 'target/release/dlint lsp' \
      --file .../small/Dockerfile --file .../medium/Dockerfile --file .../large/Dockerfile \
      [--docs 50] [--json OUT]

Prints a one-line summary on stderr and the JSON report on stdout (or to --json OUT).
Exit status 1 when the server failed to answer, published no diagnostics for some
document, or errored on a request.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def now() -> float:
    return time.perf_counter()


def status_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(("VmHWM:", "VmRSS:", "VmPeak:", "VmSize:", "RssAnon:", "RssFile:")):
                    key, val = line.split(":", 1)
                    out[key] = int(val.split()[0])
    except (OSError, ValueError):
        pass
    return out


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            with open(f"/proc/{e}/stat") as fh:
                data = fh.read()
            ppid = int(data[data.rfind(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(e))
    seen: list[int] = []
    todo = [root]
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.append(p)
            todo.extend(children.get(p, []))
    return seen


def utf16_len(s: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


def end_position(text: str) -> dict:
    lines = text.replace("\r\n", "\n").split("\n")
    return {"line": len(lines) - 1, "character": utf16_len(lines[-1])}


def pct(vals: list[float], p: float) -> float | None:
    if not vals:
        return None
    s = sorted(vals)
    return round(s[min(len(s), max(1, math.ceil(p / 100 * len(s)))) - 1], 3)


def summary(vals: list[float]) -> dict:
    if not vals:
        return {"n": 0}
    return {"n": len(vals), "median_ms": round(statistics.median(vals), 3),
            "p95_ms": pct(vals, 95), "max_ms": round(max(vals), 3)}


def hover_targets(text: str) -> list[dict]:
    """First FROM image argument (after flags) and first RUN command word."""
    out: list[dict] = []
    found_from = found_run = False
    for i, raw in enumerate(text.split("\n")):
        s = raw.lstrip()
        indent = len(raw) - len(s)
        word = s.split(None, 1)[0].upper() if s.split() else ""
        if word not in ("FROM", "RUN") or (word == "FROM" and found_from) or (word == "RUN" and found_run):
            continue
        col = indent + len(word)
        rest = raw[col:]
        while True:  # skip blanks and --flags
            stripped = rest.lstrip()
            col += len(rest) - len(stripped)
            rest = stripped
            if rest.startswith("--") and " " in rest:
                flag = rest.split(" ", 1)[0]
                col += len(flag)
                rest = rest[len(flag):]
                continue
            break
        if word == "RUN" and (rest.startswith("--") or rest.startswith("\\") or not rest.strip()):
            continue  # a RUN whose command is on the next line: take a simpler one
        out.append({"line": i, "character": col})
        if word == "FROM":
            found_from = True
        else:
            found_run = True
        if found_from and found_run:
            break
    return out


class Client:
    def __init__(self, argv: list[str], cwd: str | None):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, cwd=cwd, bufsize=0)
        self.cv = threading.Condition()
        self.wlock = threading.Lock()
        self.next_id = 0
        self.responses: dict[int, dict] = {}
        self.diags: dict[str, list[tuple[Any, float]]] = {}
        self.closed = False
        self.unanswered: list[str] = []
        threading.Thread(target=self._reader, daemon=True).start()

    def _send(self, msg: dict) -> None:
        body = json.dumps(msg, separators=(",", ":")).encode()
        with self.wlock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> dict | None:
        out = self.proc.stdout
        assert out is not None
        length = None
        while True:
            line = out.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                if length is None:
                    continue
                break
            k, _, v = line.decode("ascii", "replace").partition(":")
            if k.strip().lower() == "content-length":
                length = int(v)
        body = b""
        while len(body) < length:
            chunk = out.read(length - len(body))
            if not chunk:
                return None
            body += chunk
        return json.loads(body)

    def _reader(self) -> None:
        try:
            while True:
                msg = self._read()
                if msg is None:
                    break
                t = now()
                if "method" in msg and "id" in msg:
                    m = msg["method"]
                    if m == "workspace/configuration":
                        result: Any = [None for _ in (msg.get("params") or {}).get("items", [])]
                    elif m == "window/showDocument":
                        result = {"success": False}
                    elif m == "workspace/applyEdit":
                        result = {"applied": False}
                    else:
                        result = None  # registerCapability, workDoneProgress/create, */refresh ...
                        if not (m.startswith(("client/", "window/")) or m.endswith("/refresh")):
                            self.unanswered.append(m)
                    self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                elif "method" in msg:
                    if msg["method"] == "textDocument/publishDiagnostics":
                        p = msg.get("params") or {}
                        with self.cv:
                            self.diags.setdefault(p.get("uri"), []).append((p.get("version"), t))
                            self.cv.notify_all()
                elif "id" in msg:
                    with self.cv:
                        self.responses[msg["id"]] = msg
                        self.cv.notify_all()
        finally:
            with self.cv:
                self.closed = True
                self.cv.notify_all()

    def notify(self, method: str, params: Any) -> None:
        msg: dict = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self._send(msg)

    def request(self, method: str, params: Any, timeout: float) -> tuple[dict, float]:
        with self.cv:
            self.next_id += 1
            mid = self.next_id
        msg: dict = {"jsonrpc": "2.0", "id": mid, "method": method}
        if params is not None:
            msg["params"] = params
        t0 = now()
        self._send(msg)
        deadline = t0 + timeout
        with self.cv:
            while mid not in self.responses:
                left = deadline - now()
                if self.closed or left <= 0:
                    raise TimeoutError(f"{method}: no response within {timeout:g}s")
                self.cv.wait(left)
            return self.responses.pop(mid), (now() - t0) * 1000.0

    def wait_diags(self, uri: str, version: int, deadline: float) -> float | None:
        with self.cv:
            while True:
                for v, t in self.diags.get(uri, []):
                    if v is None or v >= version:
                        return t
                left = deadline - now()
                if self.closed or left <= 0:
                    return None
                self.cv.wait(left)

    def stderr_tail(self) -> str:
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")[-1500:]


def make_docs(files: list[Path], count: int, root: Path) -> list[tuple[str, str]]:
    base = [(p, p.read_text(encoding="utf-8")) for p in files]
    docs = []
    for i in range(count):
        path, text = base[i % len(base)]
        variant = i // len(base)
        if variant:
            text = f"# variant {variant} of {path.parent.name}/{path.name} (lsp-memory)\n" + text
            if variant % 2 == 0:
                text = text.rstrip("\n") + f"\nRUN echo variant-{variant}\n"
        uri = (root / f"doc-{i:02d}" / "Dockerfile").as_uri()
        docs.append((uri, text))
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--server", required=True, help="server command line")
    ap.add_argument("--file", action="append", required=True, help="fixture (repeatable)")
    ap.add_argument("--docs", type=int, default=50, help="documents to open")
    ap.add_argument("--root", help="folder the document URIs live under (need not exist); "
                                   "default: a folder beside the first fixture")
    ap.add_argument("--settle-ms", type=int, default=300,
                    help="pause after the last request before reading memory")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--json", metavar="OUT")
    ap.add_argument("--label", default="")
    args = ap.parse_args()

    files = [Path(f) for f in args.file]
    for f in files:
        if not f.is_file():
            print(f"lsp-memory: no such file: {f}", file=sys.stderr)
            return 2
    root = Path(args.root).resolve() if args.root else files[0].resolve().parent.parent / "lsp-memory-docs"
    docs = make_docs(files, args.docs, root)
    errors: list[str] = []
    report: dict[str, Any] = {"server": args.server, "label": args.label, "docs": len(docs),
                              "fixtures": [str(f) for f in files]}

    client = Client(shlex.split(args.server), None)
    pid = client.proc.pid
    report["pid"] = pid
    try:
        caps_params = {
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "inlayHint": {},
                "publishDiagnostics": {"versionSupport": True},
                "synchronization": {"didSave": True},
            },
            "workspace": {"configuration": True, "workspaceFolders": True},
            "window": {"workDoneProgress": True},
            "general": {"positionEncodings": ["utf-16"]},
        }
        resp, init_ms = client.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(), "rootPath": str(root),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": caps_params}, args.timeout)
        caps = (resp.get("result") or {}).get("capabilities") or {}
        report["initialize_ms"] = round(init_ms, 3)
        client.notify("initialized", {})
        st = status_kb(pid)
        report["rss_after_initialize_kb"] = st.get("VmRSS")
        report["rss_anon_after_initialize_kb"] = st.get("RssAnon")

        t0 = now()
        for uri, text in docs:
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
        deadline = t0 + args.timeout
        missing = 0
        last = t0
        for uri, _ in docs:
            t = client.wait_diags(uri, 1, deadline)
            if t is None:
                missing += 1
            else:
                last = max(last, t)
        if missing:
            errors.append(f"{missing} of {len(docs)} documents got no publishDiagnostics")
        report["open_all_to_last_diagnostics_ms"] = round((last - t0) * 1000.0, 3)
        st = status_kb(pid)
        report["rss_after_open_kb"] = st.get("VmRSS")
        report["rss_anon_after_open_kb"] = st.get("RssAnon")

        inlay: list[float] = []
        hover: list[float] = []
        hover_nonnull = 0
        for uri, text in docs:
            if caps.get("inlayHintProvider"):
                r, dt = client.request("textDocument/inlayHint", {
                    "textDocument": {"uri": uri},
                    "range": {"start": {"line": 0, "character": 0}, "end": end_position(text)}},
                    args.timeout)
                inlay.append(dt)
                if "error" in r:
                    errors.append(f"inlayHint {uri}: {r['error']}")
            if caps.get("hoverProvider"):
                for pos in hover_targets(text):
                    r, dt = client.request("textDocument/hover", {
                        "textDocument": {"uri": uri}, "position": pos}, args.timeout)
                    hover.append(dt)
                    if "error" in r:
                        errors.append(f"hover {uri} {pos}: {r['error']}")
                    elif r.get("result"):
                        hover_nonnull += 1
        report["inlayHint"] = summary(inlay)
        report["hover"] = summary(hover)
        report["hover_nonnull"] = hover_nonnull
        time.sleep(args.settle_ms / 1000.0)

        root_status = status_kb(pid)
        tree = []
        for p in descendants(pid):
            st = status_kb(p)
            if st:
                with open(f"/proc/{p}/comm") as fh:
                    name = fh.read().strip()
                tree.append({"pid": p, "name": name, **{k + "_kb": v for k, v in st.items()}})
        report["memory"] = {
            "VmHWM_kb": root_status.get("VmHWM"),
            "VmRSS_kb": root_status.get("VmRSS"),
            "VmHWM_mib": round(root_status.get("VmHWM", 0) / 1024.0, 1),
            "VmRSS_mib": round(root_status.get("VmRSS", 0) / 1024.0, 1),
            "RssAnon_kb": root_status.get("RssAnon"),
            "RssFile_kb": root_status.get("RssFile"),
            "tree_VmHWM_sum_kb": sum(t.get("VmHWM_kb", 0) for t in tree),
            "processes": tree,
        }
        try:
            client.request("shutdown", None, args.timeout)
            client.notify("exit", None)
            client.proc.wait(timeout=5)
        except (TimeoutError, subprocess.TimeoutExpired) as e:
            errors.append(f"shutdown/exit: {e}")
    except (TimeoutError, BrokenPipeError, OSError) as e:
        errors.append(str(e))
    finally:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()
    if client.unanswered:
        report["server_requests_unexpected"] = client.unanswered
    report["errors"] = errors
    if errors:
        report["stderr_tail"] = client.stderr_tail()

    m = report.get("memory") or {}
    print(f"lsp-memory {args.label or args.server}: {len(docs)} docs  "
          f"VmHWM={m.get('VmHWM_mib')} MiB  VmRSS={m.get('VmRSS_mib')} MiB "
          f"(anon {round((m.get('RssAnon_kb') or 0) / 1024, 1)}, file {round((m.get('RssFile_kb') or 0) / 1024, 1)})  "
          f"open->all diagnostics={report.get('open_all_to_last_diagnostics_ms')} ms  "
          f"inlay p95={report.get('inlayHint', {}).get('p95_ms')} ms  "
          f"hover p95={report.get('hover', {}).get('p95_ms')} ms"
          + (f"  ERRORS: {'; '.join(errors)}" if errors else ""), file=sys.stderr)
    data = json.dumps(report, indent=2)
    if args.json:
        Path(args.json).write_text(data + "\n")
    else:
        print(data)
    return 1 if errors or not m else 0


if __name__ == "__main__":
    sys.exit(main())
