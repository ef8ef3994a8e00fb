#!/usr/bin/env python3
"""Turn a terminal capture with SGR colour codes (`tmux capture-pane -e -p`) into a
standalone HTML page, for a screenshot by a headless browser. Standard library only.

    python3 ansi2html.py capture.txt page.html [--title TEXT]
"""

import argparse
import html
import re

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# Other escape sequences tmux may keep (cursor moves, OSC): dropped.
OTHER = re.compile(r"\x1b\[[0-9;?]*[A-Za-ln-z]|\x1b\][^\x07]*\x07")

BASE16 = [
    "#1c1c1c", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#d0d0d0",
    "#5c6370", "#ff7b86", "#b5e890", "#ffd68a", "#82c4ff", "#e29cf5", "#7fd8e3", "#ffffff",
]
FG, BG = "#e0e2ea", "#14161b"  # Neovim's default dark colour scheme


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (level, level, level)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = self.ul_color = None
        self.bold = self.italic = self.underline = self.undercurl = self.strike = False
        self.reverse = self.dim = False

    def apply(self, params):
        codes = [p for p in re.split(r"[;]", params)] if params else ["0"]
        i = 0
        while i < len(codes):
            raw = codes[i]
            sub = raw.split(":")
            c = int(sub[0] or 0)
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
                if len(sub) > 1 and sub[1] == "3":
                    self.undercurl, self.underline = True, False
                elif len(sub) > 1 and sub[1] == "0":
                    self.underline = self.undercurl = False
            elif c == 7:
                self.reverse = True
            elif c == 9:
                self.strike = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = self.undercurl = False
            elif c == 27:
                self.reverse = False
            elif c == 29:
                self.strike = False
            elif 30 <= c <= 37:
                self.fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c == 59:
                self.ul_color = None
            elif c in (38, 48, 58):
                if len(sub) > 1:  # colon form: 38:2::r:g:b or 38:5:n
                    args = [a for a in sub[1:]]
                    if args[0] == "5":
                        color = xterm256(int(args[1]))
                    else:
                        rgb = [int(a or 0) for a in args[1:]][-3:]
                        color = "#%02x%02x%02x" % tuple(rgb)
                else:
                    kind = codes[i + 1] if i + 1 < len(codes) else ""
                    if kind == "5":
                        color = xterm256(int(codes[i + 2]))
                        i += 2
                    else:
                        color = "#%02x%02x%02x" % tuple(int(x) for x in codes[i + 2 : i + 5])
                        i += 4
                if c == 38:
                    self.fg = color
                elif c == 48:
                    self.bg = color
                else:
                    self.ul_color = color
            i += 1

    def css(self):
        fg, bg = self.fg or FG, self.bg
        if self.reverse:
            fg, bg = (bg or BG), fg
        out = [f"color:{fg}"]
        if bg:
            out.append(f"background:{bg}")
        if self.bold:
            out.append("font-weight:bold")
        if self.italic:
            out.append("font-style:italic")
        if self.dim:
            out.append("opacity:0.7")
        decos = []
        if self.underline or self.undercurl:
            decos.append("underline")
        if self.strike:
            decos.append("line-through")
        if decos:
            out.append("text-decoration:" + " ".join(decos))
            if self.undercurl:
                out.append("text-decoration-style:wavy")
            if self.ul_color:
                out.append(f"text-decoration-color:{self.ul_color}")
        return ";".join(out)


def convert(text):
    style = Style()
    lines = []
    for line in text.rstrip("\n").split("\n"):
        line = OTHER.sub("", line)
        parts, pos = [], 0
        for m in SGR.finditer(line):
            if m.start() > pos:
                parts.append(f'<span style="{style.css()}">{html.escape(line[pos:m.start()])}</span>')
            style.apply(m.group(1))
            pos = m.end()
        if pos < len(line):
            parts.append(f'<span style="{style.css()}">{html.escape(line[pos:])}</span>')
        lines.append("".join(parts))
        # tmux ends each line's colours at its end only when asked; keep the style running
        # as a terminal would.
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("capture")
    ap.add_argument("output")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    with open(args.capture, encoding="utf-8", errors="replace") as f:
        body = convert(f.read())
    title = html.escape(args.title)
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
  html, body {{ margin: 0; background: {BG}; }}
  .bar {{ font: 13px sans-serif; color: #9ba0ab; padding: 6px 12px; background: #0d0f12; }}
  pre {{ margin: 0; padding: 8px 12px; color: {FG}; background: {BG};
        font: 15px/1.35 "DejaVu Sans Mono", "Liberation Mono", monospace; }}
</style></head>
<body><div class="bar">{title}</div><pre>{body}</pre></body></html>
"""
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
