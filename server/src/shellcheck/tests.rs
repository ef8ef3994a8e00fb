//! Unit tests of scripts, positions and findings, without running ShellCheck (the
//! end-to-end tests in `tests/shellcheck.rs` run the real program).

use super::process::{Comment, JsonFix, Replacement};
use super::script::{Dialect, scripts};
use super::*;
use crate::syntax::parse;

#[test]
fn every_code_is_static_text() {
    assert_eq!(code(1000), Some("SC1000"));
    assert_eq!(code(2086), Some("SC2086"));
    assert_eq!(code(9999), Some("SC9999"));
    assert_eq!(code(999), None);
    assert_eq!(code(10_000), None);
    assert_eq!(parse_code("sc2086"), Some("SC2086"));
    assert_eq!(parse_code(" SC1091 "), Some("SC1091"));
    for not in [
        "2086",
        "SC208",
        "SC20866",
        "SCabcd",
        "SX2086",
        "SC０１２３",
        "",
    ] {
        assert_eq!(parse_code(not), None, "{not}");
    }
    assert!(is_code("SC2154"));
    assert!(!is_code("sc2154") && !is_code("SZ001"));
}

/// `(instruction index, dialect, body, trailer)` of each script.
fn described(text: &str) -> Vec<(usize, Dialect, String, String)> {
    let file = parse(text);
    scripts(&file, text)
        .into_iter()
        .map(|s| {
            (
                s.instruction,
                s.dialect,
                s.text[..s.body_end].to_owned(),
                s.text[s.body_end..].to_owned(),
            )
        })
        .collect()
}

const PROXIES: &str = "ALL_PROXY FTP_PROXY HTTPS_PROXY HTTP_PROXY NO_PROXY all_proxy \
                       ftp_proxy http_proxy https_proxy no_proxy";

#[test]
fn the_shell_comes_from_shell_the_stage_and_the_heredoc() {
    let text = "FROM debian:12 AS base\n\
                RUN echo a\n\
                SHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n\
                RUN echo b\n\
                FROM base AS child\n\
                RUN echo c\n\
                FROM alpine:3.20\n\
                RUN echo d\n\
                RUN <<EOF\n#!/usr/bin/env bash\necho e\nEOF\n\
                RUN ksh -e <<EOF\necho f\nEOF\n\
                RUN <<EOF\n#!/usr/bin/python3\nprint('g')\nEOF\n\
                SHELL [\"zsh\", \"-c\"]\n\
                RUN echo h\n\
                SHELL [\"pwsh\", \"-c\"]\n\
                RUN echo i\n\
                FROM debian:12\n\
                # hadolint shell=bash\n\
                RUN echo j\n\
                # hadolint shell=powershell\n\
                RUN echo k\n";
    let found: Vec<(usize, Dialect, bool)> = described(text)
        .into_iter()
        .map(|(i, d, _, trailer)| (i, d, trailer.contains("set -e")))
        .collect();
    assert_eq!(
        found,
        [
            (1, Dialect::Sh, false),
            (3, Dialect::Bash, true),
            // Built FROM `base`: its SHELL too.
            (5, Dialect::Bash, true),
            // A new base: `/bin/sh -c` again.
            (7, Dialect::Sh, false),
            (8, Dialect::Bash, false),
            (9, Dialect::Ksh, true),
            // python, zsh and PowerShell are not checked.
            // hadolint's shell pragma works like SHELL.
            (16, Dialect::Bash, false),
        ]
    );
}

#[test]
fn arg_and_env_names_in_scope_are_declared() {
    let text = "ARG GLOBAL=1\nARG redeclared\n\
                FROM debian:12 AS base\nARG redeclared\nARG version=1 other\n\
                ENV home_dir=/x PATH=/bin\nENV legacy value with spaces\n\
                RUN --mount=type=secret,id=tok,env=api_token echo $version\n\
                FROM base\nRUN echo $home_dir\n";
    let trailers: Vec<String> = described(text).into_iter().map(|s| s.3).collect();
    assert_eq!(
        trailers,
        [
            format!(
                "export {}\n",
                sorted(
                    PROXIES,
                    "PATH api_token home_dir legacy other redeclared version"
                )
            ),
            // ENV is inherited by a stage built FROM this one; ARG is not.
            format!("export {}\n", sorted(PROXIES, "PATH home_dir legacy")),
        ]
    );
}

/// The names of `a` and `b`, sorted as the trailer lists them.
fn sorted(a: &str, b: &str) -> String {
    let mut names: Vec<&str> = a.split_whitespace().chain(b.split_whitespace()).collect();
    names.sort_unstable();
    names.join(" ")
}

#[test]
fn a_body_that_does_not_parse_gets_no_trailer() {
    let text = "FROM a\nRUN foo &&\n";
    assert_eq!(
        described(text),
        [(1, Dialect::Sh, "foo &&".to_owned(), String::new())]
    );
}

#[test]
fn bodies_are_what_the_shell_receives() {
    let text = "FROM a\nRUN echo a \\\n  # a comment\n  && echo b\n\
                RUN cat <<EOF > /x && echo c\nline\nEOF\n";
    let bodies: Vec<String> = described(text).into_iter().map(|s| s.2).collect();
    assert_eq!(
        bodies,
        [
            "echo a   && echo b\n",
            "cat <<EOF > /x && echo c\nline\nEOF\n"
        ]
    );
}

fn comment(line: usize, column: usize, end_line: usize, end_column: usize) -> Comment {
    Comment {
        line,
        end_line,
        column,
        end_column,
        level: "info".to_owned(),
        code: 2086,
        message: "Double quote to prevent globbing and word splitting.".to_owned(),
        fix: None,
    }
}

fn quote_fix(line: usize, start: usize, end: usize) -> JsonFix {
    let insert = |column, point: &str| Replacement {
        line,
        end_line: line,
        column,
        end_column: column,
        insertion_point: point.to_owned(),
        text: "\"".to_owned(),
    };
    JsonFix {
        replacements: vec![insert(start, "afterEnd"), insert(end, "beforeStart")],
    }
}

fn enabled() -> ShellcheckSettings {
    ShellcheckSettings {
        enabled: true,
        ..ShellcheckSettings::default()
    }
}

/// The finding of `c` on the `n`th script of `text`: its text and the text after its fix.
fn mapped(text: &str, n: usize, c: &Comment) -> Option<(String, Option<String>)> {
    let file = parse(text);
    let scripts = scripts(&file, text);
    let d = diagnostic(c, &scripts[n], text, &enabled())?;
    let fixed = d.fix.as_ref().map(|fix| {
        let edits: Vec<&Edit> = fix.edits.iter().collect();
        crate::fix::apply_edits(text, &edits).unwrap()
    });
    Some((d.range.slice(text).to_owned(), fixed))
}

#[test]
fn positions_map_across_continuations_tabs_and_crlf() {
    // The script is `echo\t$a \t&& echo é $b`: `$b`, script column 20, is on the
    // second physical line of the RUN.
    let text = "FROM a\nRUN echo\t$a \\\n\t&& echo é $b\n";
    let mut c = comment(1, 6, 1, 8);
    c.fix = Some(quote_fix(1, 6, 8));
    assert_eq!(
        mapped(text, 0, &c),
        Some((
            "$a".to_owned(),
            Some("FROM a\nRUN echo\t\"$a\" \\\n\t&& echo é $b\n".to_owned())
        ))
    );
    let mut c = comment(1, 20, 1, 22);
    c.fix = Some(quote_fix(1, 20, 22));
    assert_eq!(
        mapped(text, 0, &c),
        Some((
            "$b".to_owned(),
            Some("FROM a\nRUN echo\t$a \\\n\t&& echo é \"$b\"\n".to_owned())
        ))
    );
    // A heredoc with CRLF line ends: lines count from the body's first line.
    let crlf = "FROM a\r\nRUN <<EOF\r\necho ok\r\n\techo $c\r\nEOF\r\n";
    let c = comment(2, 7, 2, 9);
    assert_eq!(mapped(crlf, 0, &c).unwrap().0, "$c");
    // The end of a body that does not parse ("unexpected end of file") stays off the
    // line break.
    let open = "FROM a\r\nRUN <<EOF\r\nif true; then\r\nEOF\r\n";
    let file = parse(open);
    let d = diagnostic(
        &comment(2, 1, 2, 1),
        &scripts(&file, open)[0],
        open,
        &enabled(),
    )
    .unwrap();
    assert_eq!(d.range, TextRange::empty(open.find("then").unwrap() + 4));
}

#[test]
fn the_trailer_excluded_codes_and_levels_are_dropped() {
    let text = "FROM a\nARG v\nRUN echo $v\n";
    // Line 2 is the trailer.
    assert_eq!(mapped(text, 0, &comment(2, 1, 2, 7)), None);
    let mut sourced = comment(1, 1, 1, 5);
    sourced.code = 1091;
    assert_eq!(mapped(text, 0, &sourced), None);
    let file = parse(text);
    let script = &scripts(&file, text)[0];
    let c = comment(1, 6, 1, 8);
    let strict = ShellcheckSettings {
        severity: ShellcheckLevel::Warning,
        ..enabled()
    };
    assert_eq!(diagnostic(&c, script, text, &strict), None);
    let excluded = ShellcheckSettings {
        exclude: vec!["SC2086"],
        ..enabled()
    };
    assert_eq!(diagnostic(&c, script, text, &excluded), None);
    let d = diagnostic(&c, script, text, &enabled()).unwrap();
    assert_eq!(
        (d.code, d.name, d.severity, d.category),
        ("SC2086", NAME, Severity::Info, Category::Correctness)
    );
    assert_eq!(d.fix, None);
}

#[test]
fn shellcheck_directives_inside_a_continuation_apply_to_the_run() {
    let text = "FROM a\nRUN echo $a \\\n  # shellcheck disable=SC2086,SC2154\n  && echo $b\n\
                RUN echo $c\n";
    let file = parse(text);
    let scripts = scripts(&file, text);
    assert_eq!(scripts[0].disabled, ["SC2086", "SC2154"]);
    assert!(scripts[1].disabled.is_empty());
    assert_eq!(mapped(text, 0, &comment(1, 6, 1, 8)), None);
    assert!(mapped(text, 1, &comment(1, 6, 1, 8)).is_some());
}

#[test]
fn disabled_settings_run_nothing() {
    let text = "FROM a\nRUN echo $a\n";
    let outcome = check(&parse(text), text, &ShellcheckSettings::default());
    assert_eq!(outcome, Outcome::default());
    assert!(outcome.complete());
}
