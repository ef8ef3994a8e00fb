#!/usr/bin/env python3
"""Print BuildKit v0.12.5's parse of Dockerfiles as JSON lines, in the format of the
corpus baseline (shared/corpus/baseline/buildkit-parse.jsonl).

Uses PyPI `dockerfile` 3.4.0, which embeds moby/buildkit v0.12.5's parser:
    pip install dockerfile==3.4.0

    scripts/buildkit-parse.py FILE...      parse files
    scripts/buildkit-parse.py -            parse standard input
"""

import json
import sys

import dockerfile


def parse(name, parse_fn):
    """The baseline record of the Dockerfile `parse_fn` parses, filed under `name`."""
    record = {"file": name, "error": None, "error_type": None, "instructions": []}
    try:
        commands = parse_fn()
    except dockerfile.GoParseError as e:
        record["error"] = str(e)
        record["error_type"] = type(e).__name__
        return record
    for c in commands:
        record["instructions"].append(
            {
                "cmd": c.cmd,
                "sub_cmd": c.sub_cmd,
                "json": c.json,
                "start_line": c.start_line,
                "end_line": c.end_line,
                "flags": list(c.flags),
                "value": list(c.value),
                "heredocs": [
                    {"name": h.name, "file_descriptor": h.file_descriptor, "content": h.content}
                    for h in c.heredocs
                ],
                "original": c.original,
            }
        )
    return record


def parse_text(name, text):
    """The baseline record of Dockerfile text `text`, filed under `name`."""
    return parse(name, lambda: dockerfile.parse_string(text))


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for arg in argv:
        if arg == "-":
            record = parse_text("-", sys.stdin.read())
        else:
            record = parse(arg, lambda arg=arg: dockerfile.parse_file(arg))
        print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
