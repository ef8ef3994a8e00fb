#!/usr/bin/env python3
"""Differential fuzzing against BuildKit v0.12.5: write mutated copies of corpus files,
with BuildKit's parse of each, in the corpus layout, for the corpus bench to diff:

    pip install dockerfile==3.4.0
    scripts/mutate-corpus.py ../shared/corpus /tmp/mutated [COUNT] [SEED]
    cargo bench --bench corpus -- fidelity --corpus /tmp/mutated --examples 20

Each mutant applies one to three edits aimed at the parser's rules: continuations,
comment and empty lines inside them, heredoc markers and terminators, CRLF, trailing
blanks, the escape directive, JSON brackets, truncation. The mutants stay outside the
project; nothing here is checked in but this script.
"""

import importlib.util
import json
import os
import random
import sys

# The baseline record comes from scripts/buildkit-parse.py; its name has a dash, so it is
# loaded by path.
_spec = importlib.util.spec_from_file_location(
    "buildkit_parse", os.path.join(os.path.dirname(os.path.abspath(__file__)), "buildkit-parse.py")
)
buildkit_parse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(buildkit_parse)


def mutate(lines, rng):
    """One edit of a list of lines (each keeps its line ending)."""
    if not lines:
        return ["FROM a\n"]
    i = rng.randrange(len(lines))
    line = lines[i]
    body = line.rstrip("\r\n")
    end = line[len(body):]
    kind = rng.randrange(16)
    if kind == 0:  # continue this line onto the next
        lines[i] = body + " \\" + (end or "\n")
    elif kind == 1:  # drop a line
        del lines[i]
    elif kind == 2:  # comment line after this one
        lines.insert(i + 1, rng.choice(["# note\n", "   # indented \\\n", "#\n"]))
    elif kind == 3:  # empty or blank line after this one
        lines.insert(i + 1, rng.choice(["\n", "  \t\n", "\\\n"]))
    elif kind == 4:  # trailing blanks
        lines[i] = body + rng.choice([" ", "\t", "  \t "]) + end
    elif kind == 5:  # escaped escape at the end
        lines[i] = body + " \\\\" + end
    elif kind == 6:  # heredoc on a RUN/COPY line
        if body.lstrip().upper().startswith(("RUN ", "COPY ", "ADD ")):
            marker = rng.choice(["<<EOF", "<<-EOF", "<<'EOF'", '<<"EOF"', "3<<EOF"])
            lines[i] = body + " " + marker + (end or "\n")
            term = rng.choice(["EOF\n", "\tEOF\n", "EOF \n", " EOF\n"])
            lines.insert(min(len(lines), i + 1 + rng.randrange(4)), term)
    elif kind == 7:  # CRLF everywhere
        return [l.rstrip("\r\n") + "\r\n" if l.endswith("\n") else l for l in lines]
    elif kind == 8:  # truncate the file
        cut = rng.randrange(sum(len(l) for l in lines) + 1)
        text = "".join(lines)[:cut]
        return text.splitlines(keepends=True)
    elif kind == 9:  # escape directive on top
        # (`# check=` before `# escape=` is where v0.12.5 and current BuildKit part: rare.)
        lines.insert(0, rng.choice(["# escape=`\n"] * 3 + ["# escape=\\\n"] * 3 + ["# check=skip=all\n# escape=`\n"]))
    elif kind == 10:  # JSON damage
        if "[" in body:
            lines[i] = body.replace("]", rng.choice(["", "] x", "]]", ",]"]), 1) + end
    elif kind == 11:  # lower-case the keyword
        lines[i] = body.lower() + end
    elif kind == 12:  # swap two adjacent lines
        if i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    elif kind == 13:  # split a line at a space with a continuation
        spaces = [k for k, c in enumerate(body) if c == " "]
        if spaces:
            k = rng.choice(spaces)
            lines[i] = body[:k] + " \\\n" + body[k + 1:] + end
    elif kind == 14:  # remove the final newline
        lines[-1] = lines[-1].rstrip("\r\n")
    else:  # BOM
        lines[0] = "\ufeff" + lines[0]
    return lines


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, out = argv[0], argv[1]
    count = int(argv[2]) if len(argv) > 2 else 2000
    rng = random.Random(int(argv[3]) if len(argv) > 3 else 1)
    sources = []
    for root, _, names in os.walk(os.path.join(corpus, "files")):
        sources += [os.path.join(root, n) for n in names]
    sources.sort()
    os.makedirs(os.path.join(out, "files", "mut"), exist_ok=True)
    os.makedirs(os.path.join(out, "baseline"), exist_ok=True)
    with open(os.path.join(out, "baseline", "buildkit-parse.jsonl"), "w") as baseline:
        for n in range(count):
            src = rng.choice(sources)
            with open(src, encoding="utf-8") as f:
                lines = f.read().splitlines(keepends=True)
            for _ in range(rng.randint(1, 3)):
                lines = mutate(lines, rng)
            text = "".join(lines)
            name = f"files/mut/{n:05d}__" + os.path.basename(os.path.dirname(src)) + "__" + os.path.basename(src)
            with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)
            baseline.write(json.dumps(buildkit_parse.parse_text(name, text)) + "\n")
    print(f"{count} mutants in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
