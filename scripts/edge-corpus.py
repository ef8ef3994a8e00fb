#!/usr/bin/env python3
"""Write a small corpus of hand-made edge-case Dockerfiles with BuildKit v0.12.5's parse of
each, in the layout of shared/corpus, so the corpus bench can diff dlint against it:

    pip install dockerfile==3.4.0
    scripts/edge-corpus.py /tmp/edge
    cargo bench --bench corpus -- fidelity --corpus /tmp/edge --examples 50

Every case targets one rule of BuildKit's parser (frontend/dockerfile/parser): parser
directives, the escape character, line continuations, comment and empty lines inside
them, heredocs, BOM, CRLF, JSON arguments, flags, ENV/LABEL pairs. The texts are written
here; none comes from the corpus.
"""

import importlib.util
import json
import os
import sys

# The baseline record comes from scripts/buildkit-parse.py; its name has a dash, so it is
# loaded by path.
_spec = importlib.util.spec_from_file_location(
    "buildkit_parse", os.path.join(os.path.dirname(os.path.abspath(__file__)), "buildkit-parse.py")
)
buildkit_parse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(buildkit_parse)

BT = "`"
CASES = {
    # Parser directives.
    "directive-escape-backtick": "# escape=`\nFROM a\nRUN echo a `\n  b\nWORKDIR C:\\\n",
    "directive-escape-spaces": "#  escape  =  `  \nFROM a\nRUN a `\n b\n",
    "directive-escape-upper": "# ESCAPE=`\nFROM a\nRUN a `\n b\n",
    "directive-after-comment": "# a comment\n# escape=`\nFROM a\nRUN a `\nRUN b\n",
    "directive-after-blank": "\n# escape=`\nFROM a\nRUN a `\nRUN b\n",
    "directive-indented": "  # escape=`\nFROM a\nRUN a `\n b\n",
    "directive-check-before-escape": "# check=skip=all\n# escape=`\nFROM a\nRUN a `\n b\n",
    "directive-syntax-before-escape": "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN a `\n b\n",
    "directive-unknown-before-escape": "# foo=bar\n# escape=`\nFROM a\nRUN a `\n b\n",
    "directive-duplicate-escape": "# escape=`\n# escape=`\nFROM a\n",
    "directive-duplicate-syntax": "# syntax=a\n# syntax=b\nFROM a\n",
    "directive-invalid-escape": "# escape=x\nFROM a\n",
    "directive-bom": "\ufeff# escape=`\nFROM a\nRUN a `\n b\n",
    "directive-after-instruction": "FROM a\n# escape=`\nRUN a `\nRUN b\n",
    "directive-no-space-value": "#escape=`\nFROM a\nRUN a `\n b\n",
    "directive-shebang": "#!/usr/bin/env docker\n# escape=`\nFROM a\nRUN a `\nRUN b\n",
    # Continuations.
    "cont-basic": "FROM a\nRUN a \\\n  b \\\n  c\nRUN d\n",
    "cont-trailing-space": "FROM a\nRUN a \\   \n  b\n",
    "cont-trailing-tab": "FROM a\nRUN a \\\t\n  b\n",
    "cont-double-escape": "FROM a\nRUN echo a\\\\\nRUN b\n",
    "cont-triple-escape": "FROM a\nRUN echo a\\\\\\\nRUN b\n",
    "cont-escape-alone": "FROM a\nRUN a \\\n\\\n b\n",
    "cont-comment-inside": "FROM a\nRUN a \\\n# comment\n  b\n",
    "cont-indented-comment-inside": "FROM a\nRUN a \\\n    # comment \\\n  b\n",
    "cont-comment-ending-escape": "FROM a\nRUN a \\\n# comment \\\nRUN b\n",
    "cont-empty-line": "FROM a\nRUN a \\\n\n  b\n",
    "cont-blank-line": "FROM a\nRUN a \\\n   \t\n  b\n",
    "cont-at-eof": "FROM a\nRUN a \\\n",
    "cont-at-eof-no-newline": "FROM a\nRUN a \\",
    "cont-into-comment-then-eof": "FROM a\nRUN a \\\n# c\n",
    "cont-keyword-only": "FROM a\nRUN \\\n  b\n",
    "cont-flag-split": "FROM a\nRUN --mount=type=cache,\\\ntarget=/x \\\n  b\n",
    "cont-hash-mid-line": "FROM a\nRUN a \\\n  b # not a comment\n",
    "cont-escape-in-middle": "FROM a\nRUN a \\ b\n",
    "cont-only-escape-line": "FROM a\n\\\nRUN b\n",
    "cont-escape-then-instruction-word": "FROM a\nRUN a \\\nRUN b\n",
    # Line endings and whitespace.
    "crlf": "FROM a\r\nRUN a \\\r\n  b\r\nCMD [\"x\"]\r\n",
    "crlf-heredoc": "FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n",
    "cr-only": "FROM a\rRUN b\r",
    "no-final-newline": "FROM a\nRUN b",
    "leading-whitespace": "   FROM a\n\t RUN b\n",
    "tab-after-keyword": "FROM\ta\nRUN\tb\n",
    "nbsp-after-keyword": "FROM\u00a0a\nRUN b\n",
    "vertical-tab": "FROM a\nRUN b\x0bc\nENV A=\x0bB\n",
    "form-feed-line": "FROM a\n\x0c\nRUN b\n",
    "unicode": "FROM a\nLABEL description=\"caf\u00e9 \u2603\"\nRUN echo \u00e9\n",
    "bom-no-directive": "\ufeffFROM a\nRUN b\n",
    "keyword-case": "from a\nRun b\nrUN c\n",
    "unknown-instruction": "FROM a\nFOO bar baz\nRUN b\n",
    "comment-after-keyword": "FROM a # comment\nRUN b\n",
    # Heredocs.
    "heredoc-basic": "FROM a\nRUN <<EOF\necho hi\nEOF\n",
    "heredoc-chomp": "FROM a\nRUN <<-EOF\n\techo hi\n\tEOF\n",
    "heredoc-indented-terminator": "FROM a\nRUN <<EOF\necho hi\n  EOF\nEOF\n",
    "heredoc-terminator-trailing-space": "FROM a\nRUN <<EOF\necho hi\nEOF \nEOF\n",
    "heredoc-quoted": "FROM a\nRUN <<\"EOF\"\necho $HOME\nEOF\nRUN <<'EOT'\necho $HOME\nEOT\n",
    "heredoc-lower": "FROM a\nRUN <<eof\necho hi\neof\n",
    "heredoc-two": "FROM a\nRUN <<A cat - /dev/fd/3 3<<B\nfirst\nA\nsecond\nB\n",
    "heredoc-fd": "FROM a\nRUN 3<<EOF cat /dev/fd/3\nx\nEOF\n",
    "heredoc-copy": "FROM a\nCOPY <<EOF /etc/x.conf\nk=v\nEOF\nCOPY --chmod=755 <<-EOT /x.sh\n\t#!/bin/sh\n\tEOT\n",
    "heredoc-add": "FROM a\nADD <<EOF /x\ny\nEOF\n",
    "heredoc-unterminated": "FROM a\nRUN <<EOF\necho hi\n",
    "heredoc-with-command": "FROM a\nRUN cat <<EOF > /x\nhello\nEOF\n",
    "heredoc-in-cmd": "FROM a\nCMD <<EOF\nhello\nEOF\n",
    "heredoc-in-json": "FROM a\nRUN [\"cat\", \"<<EOF\"]\nEOF\n",
    "heredoc-in-quotes": "FROM a\nRUN echo \"<<EOF\"\nRUN b\n",
    "heredoc-space": "FROM a\nRUN cat << EOF\nRUN b\n",
    "heredoc-continued-line": "FROM a\nRUN <<EOF \\\n  bash\necho hi\nEOF\n",
    "heredoc-onbuild": "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n",
    "heredoc-body-continuation": "FROM a\nRUN <<EOF\necho a \\\nb\nEOF\nRUN c\n",
    "heredoc-body-comment": "FROM a\nRUN <<EOF\n# a comment\n\nEOF\n",
    "heredoc-eof-no-newline": "FROM a\nRUN <<EOF\necho hi\nEOF",
    "heredoc-escaped": "FROM a\nRUN \\<<EOF\nRUN b\n",
    "heredoc-lt-in-word": "FROM a\nRUN a<<EOF\nx\nEOF\n",
    "heredoc-var-name": "FROM a\nRUN <<$X\nx\n$X\n",
    "heredoc-backtick-escape": "# escape=`\nFROM a\nRUN <<EOF `\n  bash\nx\nEOF\n",
    # Arguments.
    "json-forms": "FROM a\nCMD []\nCMD [\"a\"]\nCMD [ \"a\" , \"b\" ]\nCMD [\"a\"] trailing\nCMD [\"a\",]\nCMD ['a']\nENTRYPOINT [\"a\\\"b\", \"\\u00e9\"]\n",
    "json-nonstring": "FROM a\nCMD [\"a\", 1]\n",
    "json-nested": "FROM a\nCMD [[\"a\"]]\n",
    "json-shell-test": "FROM a\nRUN [ -f /x ] && echo y\n",
    "env-forms": "FROM a\nENV A=1 B=\"2 3\" C='4'\nENV D 5 6\nENV E=\nENV F=a\\ b G=c\nENV \"H\"=1\n",
    "env-missing-value": "FROM a\nENV A\n",
    "env-mixed": "FROM a\nENV A=1 B\n",
    "label-forms": "FROM a\nLABEL a=b \"c d\"=e\nLABEL f g h\n",
    "arg-forms": "FROM a\nARG A\nARG B=1 C=2\nARG D=\"x y\"\n",
    "flags": "FROM --platform=$P a AS b\nCOPY --from=b --chown=1:1 --chmod=644 --link x y\nCOPY --from=\"b\" x y\nRUN --mount=type=cache,target=/x --network=none b\nADD --checksum=sha256:0 --keep-git-dir=true x y\nCOPY -- x y\nCOPY --from= x y\n",
    "flags-quoted-space": "FROM a\nCOPY --chown=\"a b\" x y\nRUN --mount=type=secret,id=\"x y\" b\n",
    "healthcheck-forms": "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD curl -f x\nHEALTHCHECK CMD [\"a\", \"b\"]\nHEALTHCHECK\n",
    "onbuild-forms": "FROM a\nONBUILD COPY --from=b x y\nONBUILD RUN [\"a\"]\nONBUILD ENV A=1\nONBUILD\n",
    "empty-args": "FROM a\nRUN\nCMD\nWORKDIR\nUSER\nEXPOSE\nVOLUME\n",
    "maintainer-etc": "FROM a\nMAINTAINER  Some One <x@y>  \nSTOPSIGNAL SIGTERM\nUSER a:b\nWORKDIR /a b\nEXPOSE 80/tcp  443\nVOLUME /a /b\n",
    "shell-form-spacing": "FROM a\nRUN   a    b   \nCMD a\t\tb\n",
    "escape-backtick-values": "# escape=`\nFROM a\nENV A=C:\\x B=`\"q`\"\nRUN echo `\n  C:\\path\\\nCOPY a\\ b c\n",
    "directive-crlf": "# escape=`\r\nFROM a\r\nRUN a `\r\n b\r\n",
    "keyword-then-continuation": "FROM a\nRUN\\\n  echo hi\n",
    "indented-comment": "FROM a\n   # not an instruction\nRUN b\n",
    "cont-lone-hash": "FROM a\nRUN a \\\n#\n  b\n",
    "cont-heredoc-in-comment": "FROM a\nRUN a \\\n# <<EOF\n  b\nRUN c\n",
    "heredoc-dash-name": "FROM a\nRUN <<END-OF\nx\nEND-OF\n",
    "heredoc-partly-quoted": "FROM a\nRUN <<E\"O\"F\nx\nEOF\n",
    "heredoc-same-name-twice": "FROM a\nRUN <<EOF cat /dev/stdin <<EOF\na\nEOF\nb\nEOF\n",
    "heredoc-crlf-body": "FROM a\nRUN <<EOF\r\nx\r\nEOF\r\nRUN b\n",
    "label-spaced-equals": "FROM a\nLABEL a = b\nENV c = d\n",
    "arg-quoted": "FROM a\nARG \"A=1\" B='2 3'\n",
    "expose-tabs": "FROM a\nEXPOSE 80\t443\t\t8080\n",
    "json-continued": "FROM a\nCMD [\"a\", \\\n     \"b\"]\n",
    "json-trailing-comment": "FROM a\nCMD [\"a\"] # run a\n",
    "json-leading-space": "FROM a\nCMD    [\"a\"]   \n",
    "long-line": "FROM a\nRUN echo " + "x" * 70000 + "\n",
    # Files without instructions.
    "empty": "",
    "only-comments": "# a\n# b\n",
    "only-directive": "# syntax=x\n",
    "only-blank": "\n\n  \n",
}


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[0]
    os.makedirs(os.path.join(out, "files", "edge"), exist_ok=True)
    os.makedirs(os.path.join(out, "baseline"), exist_ok=True)
    with open(os.path.join(out, "baseline", "buildkit-parse.jsonl"), "w") as baseline:
        for name, text in sorted(CASES.items()):
            with open(os.path.join(out, "files", "edge", name), "wb") as f:
                f.write(text.encode("utf-8"))
            record = buildkit_parse.parse_text(f"files/edge/{name}", text)
            baseline.write(json.dumps(record) + "\n")
    print(f"{len(CASES)} cases in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
