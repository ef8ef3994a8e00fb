//! Parser tests on the cases where Dockerfile syntax is subtle. Expected values follow
//! BuildKit's parser (line numbers, keywords, values).

use super::parse;
use crate::model::{Arguments, InstructionKind, SyntaxErrorKind};

fn summary(text: &str) -> Vec<(String, u32, u32)> {
    parse(text)
        .instructions
        .iter()
        .map(|i| (i.keyword.value.clone(), i.start_line, i.end_line))
        .collect()
}

fn s(k: &str, a: u32, b: u32) -> (String, u32, u32) {
    (k.to_owned(), a, b)
}

#[test]
fn continuation_with_comments_and_blank_lines() {
    let text =
        "FROM alpine\nRUN apk add \\\n  # a comment inside\n\n  curl \\\n    git\nCMD [\"sh\"]\n";
    assert_eq!(
        summary(text),
        [s("FROM", 1, 1), s("RUN", 2, 6), s("CMD", 7, 7)]
    );
    let df = parse(text);
    let run = &df.instructions[1];
    let Arguments::Shell(sh) = &run.args else {
        panic!("shell form")
    };
    assert_eq!(sh.text, "apk add   curl     git");
    assert_eq!(df.empty_continuation_lines.len(), 1);
    assert!(
        df.comments
            .iter()
            .any(|c| c.inside_instruction && c.text == "a comment inside")
    );
    // Ranges of words map back to the source across the continuation.
}

#[test]
fn escape_directive_backtick() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  C:\\\\\nCOPY a\\ b c\\\n";
    let df = parse(text);
    assert_eq!(df.escape, '`');
    assert_eq!(
        summary(text),
        [s("FROM", 2, 2), s("RUN", 3, 4), s("COPY", 5, 5)]
    );
    assert_eq!(df.directives[0].name, "escape");
}

#[test]
fn directives_stop_at_first_other_line() {
    let text = "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\n\n# escape=`\nFROM a\nRUN x \\\ny\n";
    let df = parse(text);
    assert_eq!(
        df.directives
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>(),
        ["syntax", "check"]
    );
    assert_eq!(df.escape, '\\');
    assert_eq!(summary(text), [s("FROM", 5, 5), s("RUN", 6, 7)]);
}

#[test]
fn escaped_escape_is_not_a_continuation() {
    let text = "FROM a\nRUN echo foo\\\\\nRUN echo bar\n";
    assert_eq!(
        summary(text),
        [s("FROM", 1, 1), s("RUN", 2, 2), s("RUN", 3, 3)]
    );
    let text = "FROM a\nRUN echo \\  \n\\\n  bar\n";
    assert_eq!(summary(text), [s("FROM", 1, 1), s("RUN", 2, 4)]);
}

#[test]
fn heredocs() {
    let text = "FROM a\nRUN <<EOF bash\nset -e\necho hi\nEOF\nCOPY <<-\"CONF\" /etc/x.conf\n\tkey=1\n\tCONF\nRUN echo done\n";
    let df = parse(text);
    assert_eq!(
        summary(text),
        [
            s("FROM", 1, 1),
            s("RUN", 2, 5),
            s("COPY", 6, 8),
            s("RUN", 9, 9)
        ]
    );
    let h = &df.instructions[1].heredocs[0];
    assert_eq!(
        (h.name.as_str(), h.content.as_str(), h.expand),
        ("EOF", "set -e\necho hi\n", true)
    );
    let h = &df.instructions[2].heredocs[0];
    assert_eq!((h.name.as_str(), h.chomp, h.expand), ("CONF", true, false));
    assert_eq!(h.marker.slice(text), "<<-\"CONF\"");
}

#[test]
fn several_heredocs_and_no_heredoc_cases() {
    let text = "FROM a\nRUN cat <<A <<B\na\nA\nb\nB\nRUN echo \"<<NOT\" x<<NOT2\nCMD cat <<X\n";
    assert_eq!(
        summary(text),
        [
            s("FROM", 1, 1),
            s("RUN", 2, 6),
            s("RUN", 7, 7),
            s("CMD", 8, 8)
        ]
    );
    let df = parse(text);
    assert_eq!(df.instructions[1].heredocs.len(), 2);
    assert!(df.instructions[2].heredocs.is_empty());
    assert!(
        df.instructions[3].heredocs.is_empty(),
        "CMD cannot carry heredocs"
    );
    // JSON form RUN does not either.
    assert!(
        parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nRUN b\n").instructions[1]
            .heredocs
            .is_empty()
    );
}

#[test]
fn unterminated_heredoc() {
    let df = parse("FROM a\nRUN <<EOF\necho\n");
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[1].end_line, 3);
    assert!(
        df.errors
            .iter()
            .any(|e| e.kind == SyntaxErrorKind::UnterminatedHeredoc)
    );
}

#[test]
fn flags_and_exec_form() {
    let text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nCOPY --from=build --chmod=755 --link /out /bin/app\nRUN --mount=type=cache,target=/root/.cache go build ./...\nENTRYPOINT [\"/bin/app\", \"--flag\"]\n";
    let df = parse(text);
    let from = &df.instructions[0];
    assert_eq!(
        from.flag("platform").and_then(|f| f.value_str()),
        Some("$BUILDPLATFORM")
    );
    assert_eq!(
        df.stages[0].name.as_ref().map(|n| n.value.as_str()),
        Some("build")
    );
    assert_eq!(
        df.stages[0].base.as_ref().map(|n| n.value.as_str()),
        Some("golang:1.22")
    );
    let copy = &df.instructions[1];
    assert_eq!(copy.flags.len(), 3);
    assert!(copy.flag("link").is_some_and(|f| f.value.is_none()));
    assert_eq!(copy.flags[1].range.slice(text), "--chmod=755");
    assert_eq!(copy.flags[1].name.range.slice(text), "chmod");
    assert_eq!(
        copy.flags[1].value.as_ref().map(|v| v.range.slice(text)),
        Some("755")
    );
    let Arguments::Exec(items) = &df.instructions[3].args else {
        panic!("exec form")
    };
    assert_eq!(items[1].value, "--flag");
    assert_eq!(items[1].range.slice(text), "\"--flag\"");
}

#[test]
fn invalid_json_falls_back_to_shell_and_non_string_is_an_error() {
    let df = parse("FROM a\nCMD [\"a\", 'b']\nCMD [1]\n");
    assert!(matches!(df.instructions[1].args, Arguments::Shell(_)));
    let kinds: Vec<_> = df.errors.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [SyntaxErrorKind::InvalidJson, SyntaxErrorKind::NonStringJson]
    );
}

#[test]
fn env_forms() {
    let df = parse("FROM a\nENV A=1 B=\"two words\"\nENV LEGACY value with spaces\nENV ONLY\n");
    assert_eq!(df.instructions[1].words().len(), 2);
    assert_eq!(df.instructions[1].words()[1].value, "B=\"two words\"");
    assert_eq!(df.instructions[2].words()[0].value, "LEGACY");
    assert!(
        df.errors
            .iter()
            .any(|e| e.kind == SyntaxErrorKind::MissingArguments)
    );
}

#[test]
fn onbuild_and_unknown_and_case() {
    let df = parse("from a\nonbuild run echo hi\nWRONG thing\n");
    assert_eq!(df.instructions[0].kind, InstructionKind::From);
    let inner = df.instructions[1]
        .onbuild
        .as_deref()
        .expect("onbuild inner");
    assert_eq!(
        (inner.kind, inner.keyword.value.as_str()),
        (InstructionKind::Run, "run")
    );
    assert_eq!(df.instructions[2].kind, InstructionKind::Unknown);
}

#[test]
fn crlf_bom_and_non_ascii() {
    let text = "\u{feff}FROM a\r\nLABEL x=\"é\" \\\r\n  y=2\r\n";
    let df = parse(text);
    assert_eq!(summary(text), [s("FROM", 1, 1), s("LABEL", 2, 3)]);
    let label = &df.instructions[1];
    assert_eq!(label.words()[1].value, "y=2");
    assert_eq!(label.words()[1].range.slice(text), "y=2");
    assert_eq!(df.instructions[0].keyword.range.start, 3);
    let lc = df.line_index.line_col(label.words()[0].range.end, text);
    assert_eq!((lc.line, lc.column), (2, 12));
}

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "# just a comment\n", "\n\n  \n"] {
        let df = parse(text);
        assert!(df.instructions.is_empty());
        assert!(
            df.errors
                .iter()
                .any(|e| e.kind == SyntaxErrorKind::NoInstructions),
            "{text:?}"
        );
    }
}

#[test]
fn trailing_continuation_at_end_of_file() {
    assert_eq!(
        summary("FROM a\nRUN echo \\"),
        [s("FROM", 1, 1), s("RUN", 2, 2)]
    );
    assert_eq!(
        summary("FROM a\nRUN echo \\\n"),
        [s("FROM", 1, 1), s("RUN", 2, 2)]
    );
}

#[test]
fn a_windows_base_named_through_global_args_runs_no_posix_shell() {
    let text = "ARG REPO=mcr.microsoft.com\nARG BASE=${REPO}/windows/servercore\n\
                ARG BASE_TAG=ltsc2022\nFROM $BASE:${BASE_TAG} AS win\nRUN dir\n\
                FROM ${UNKNOWN:-debian}\nRUN ls\nFROM win\nRUN dir\n";
    let posix: Vec<(String, bool)> = parse(text)
        .instructions
        .iter()
        .filter(|i| i.kind == InstructionKind::Run)
        .map(|i| (i.words()[0].value.clone(), i.posix_shell))
        .collect();
    assert_eq!(
        posix,
        [
            ("dir".to_owned(), false),
            ("ls".to_owned(), true),
            ("dir".to_owned(), false)
        ]
    );
}
