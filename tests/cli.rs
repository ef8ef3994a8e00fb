//! End-to-end tests of the `dlint` binary: exit statuses, inputs (files, directories,
//! standard input), bad inputs, colour, and snapshots of every output format.
//!
//! Fixtures live in `tests/fixtures/cli/`; the binary runs with that directory as its
//! working directory so paths in snapshots are short and stable. Tests that need files
//! the repository cannot hold (binary, invalid UTF-8, ignored trees) build them in a
//! temporary directory.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli")
}

/// Run `dlint args` in `dir`, feeding `stdin`, with `NO_COLOR` cleared unless given in `env`.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dlint"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn dlint(args: &[&str]) -> Run {
    run_in(&fixtures(), args, None, &[])
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("dlint-cli")
        .tempdir()
        .unwrap()
}

fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

// Exit statuses.

#[test]
fn clean_file_exits_zero() {
    let run = dlint(&["check", "clean.Dockerfile"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "No problems found in 1 file\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn findings_exit_one() {
    let run = dlint(&["check", "findings.Dockerfile"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("[SY001] unknown-instruction: "),
        "{run:?}"
    );
    assert!(run.stdout.contains("Found "), "{run:?}");
}

#[test]
fn no_fail_exits_zero_with_findings() {
    let run = dlint(&["check", "--no-fail", "findings.Dockerfile"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("SY001"), "{run:?}");
}

#[test]
fn fail_level_decides_the_exit_status() {
    let findings = json(&dlint(&["check", "--format", "json", "findings.Dockerfile"]).stdout);
    let severities: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(
        severities.contains(&"warning") && severities.contains(&"error"),
        "{findings}"
    );
    let rank = |s: &str| {
        ["info", "warning", "error"]
            .iter()
            .position(|l| *l == s)
            .unwrap()
    };
    for level in ["info", "warning", "error"] {
        let run = dlint(&["check", "--fail-level", level, "findings.Dockerfile"]);
        let fails = severities.iter().any(|s| rank(s) >= rank(level));
        assert_eq!(run.code, i32::from(fails), "--fail-level {level}: {run:?}");
    }
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--fail-level", "fatal"],
        &["check", "--max-file-size", "lots"],
        &["frobnicate"],
        &[],
    ] {
        let run = dlint(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn help_and_version_exit_zero() {
    let run = dlint(&["check", "--help"]);
    assert_eq!(run.code, 0, "{run:?}");
    for flag in [
        "--format",
        "--fail-level",
        "--no-fail",
        "--color",
        "--stdin-filename",
        "--max-file-size",
    ] {
        assert!(run.stdout.contains(flag), "{flag}");
    }
    let run = dlint(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("dlint "), "{run:?}");
}

// Standard input.

#[test]
fn stdin_is_named_by_stdin_filename() {
    let run = run_in(
        &fixtures(),
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "app/Dockerfile",
            "-",
        ],
        Some(b"FROM alpine:3.20\nWRONG foo\n"),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("app/Dockerfile:2:1: error[SY001] "),
        "{run:?}"
    );
}

#[test]
fn stdin_filename_alone_reads_stdin() {
    let run = run_in(
        &fixtures(),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "x.Dockerfile",
        ],
        Some(b"WRONG foo\n"),
        &[],
    );
    let findings = json(&run.stdout);
    assert!(!findings.as_array().unwrap().is_empty(), "{run:?}");
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["file"] == "x.Dockerfile")
    );
}

#[test]
fn clean_stdin_exits_zero() {
    let run = run_in(
        &fixtures(),
        &["check", "-"],
        Some(b"\xef\xbb\xbfFROM scratch\n"),
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "No problems found in 1 file\n");
}

// Bad inputs: one error line each, the other files are still checked, exit 2.

#[test]
fn missing_file_does_not_stop_the_others() {
    let run = dlint(&[
        "check",
        "--format",
        "concise",
        "nope/Dockerfile",
        "findings.Dockerfile",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "dlint: error: nope/Dockerfile: no such file or directory\n"
    );
    assert!(
        run.stdout
            .contains("findings.Dockerfile:3:1: error[SY001] "),
        "{run:?}"
    );
    assert!(run.stdout.ends_with(" in 1 file\n"), "{run:?}");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let dir = temp_dir();
    write(
        dir.path(),
        "bad.Dockerfile",
        b"FROM alpine\nRUN echo \xc3\xa9\xff\n",
    );
    write(dir.path(), "good.Dockerfile", "FROM scratch\n");
    let run = run_in(
        dir.path(),
        &["check", "bad.Dockerfile", "good.Dockerfile"],
        None,
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "dlint: error: bad.Dockerfile: invalid UTF-8 at line 2, column 11\n"
    );
    assert_eq!(run.stdout, "No problems found in 1 file\n");
}

#[test]
fn binary_file_is_refused() {
    let dir = temp_dir();
    write(dir.path(), "Dockerfile", b"FROM alpine\n\0\x01\x02ELF");
    let run = run_in(dir.path(), &["check", "Dockerfile"], None, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "dlint: error: Dockerfile: binary file (contains a NUL byte), not checked\n"
    );
    assert_eq!(run.stdout, "No problems found in 0 files\n");
}

#[test]
fn oversized_file_is_refused() {
    let dir = temp_dir();
    write(
        dir.path(),
        "big.Dockerfile",
        format!("FROM alpine\n{}", "#".repeat(88)),
    );
    write(dir.path(), "small.Dockerfile", "FROM scratch\n");
    let run = run_in(
        dir.path(),
        &[
            "check",
            "--max-file-size",
            "50",
            "big.Dockerfile",
            "small.Dockerfile",
        ],
        None,
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "dlint: error: big.Dockerfile: file too large: 100 bytes exceeds the limit of 50 bytes (--max-file-size)\n"
    );
    assert_eq!(run.stdout, "No problems found in 1 file\n");
}

#[test]
fn oversized_stdin_is_refused() {
    let run = run_in(
        &fixtures(),
        &["check", "--max-file-size", "1KiB", "-"],
        Some("#\n".repeat(1000).as_bytes()),
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "dlint: error: <stdin>: input too large: more than the limit of 1.0 KiB (--max-file-size)\n"
    );
}

#[test]
fn directory_without_dockerfiles_says_so() {
    let dir = temp_dir();
    write(dir.path(), "empty/README.md", "# nothing here\n");
    let run = run_in(dir.path(), &["check", "empty"], None, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stderr, "dlint: error: no Dockerfiles found in empty\n");
}

#[test]
fn findings_on_stdout_errors_on_stderr_even_in_json() {
    let run = dlint(&["check", "--format", "json", "missing", "clean.Dockerfile"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(json(&run.stdout), Value::Array(vec![]));
    assert_eq!(
        run.stderr,
        "dlint: error: missing: no such file or directory\n"
    );
}

// Directory walking.

#[test]
fn directory_walk_honours_ignore_files_and_skips_hidden_entries() {
    let dir = temp_dir();
    let root = dir.path();
    for path in [
        "Dockerfile",
        "dockerfile.dev",
        "Containerfile",
        "services/api/Dockerfile.prod",
        "services/api/api.Dockerfile",
        "services/web/web.containerfile",
        "services/web/Containerfile.build",
        "build/Dockerfile",
        "vendor/lib/Dockerfile",
        "notes/Dockerfile.bak",
        ".hidden/Dockerfile",
        ".Dockerfile",
    ] {
        write(root, path, "FROM scratch\n");
    }
    write(root, "README.md", "# not a Dockerfile\n");
    write(root, "services/api/Dockerfiles.txt", "FROM scratch\n");
    write(root, "docker-compose.yml", "services: {}\n");
    // No `git init`: `.gitignore` still counts (require_git(false)).
    write(root, ".gitignore", "build/\n*.bak\n");
    write(root, "vendor/.ignore", "lib/\n");

    let run = run_in(root, &["check", "--show-files"], None, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "Containerfile\n\
         Dockerfile\n\
         dockerfile.dev\n\
         services/api/Dockerfile.prod\n\
         services/api/api.Dockerfile\n\
         services/web/Containerfile.build\n\
         services/web/web.containerfile\n"
    );

    // The same tree checked for real: every walked file counts.
    let run = run_in(root, &["check", "."], None, &[]);
    assert_eq!(run.stdout, "No problems found in 7 files\n", "{run:?}");
}

#[test]
fn explicit_files_are_checked_whatever_their_name_once_and_in_order() {
    let dir = temp_dir();
    write(dir.path(), "b/notes.txt", "FROM scratch\n");
    write(dir.path(), "a/Dockerfile", "FROM scratch\n");
    let run = run_in(
        dir.path(),
        &[
            "check",
            "--show-files",
            "b/notes.txt",
            "a",
            "b/notes.txt",
            "./a/Dockerfile",
        ],
        None,
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "a/Dockerfile\nb/notes.txt\n");
}

#[test]
fn output_order_does_not_depend_on_argument_order() {
    let forward = dlint(&[
        "check",
        "--format",
        "concise",
        "clean.Dockerfile",
        "findings.Dockerfile",
        "parse.Dockerfile",
    ]);
    let backward = dlint(&[
        "check",
        "--format",
        "concise",
        "parse.Dockerfile",
        "findings.Dockerfile",
        "clean.Dockerfile",
    ]);
    assert_eq!(forward.stdout, backward.stdout);
    assert_eq!(forward.code, backward.code);
}

// Colour.

#[test]
fn no_escape_codes_unless_asked() {
    for (args, env) in [
        (&["check", "findings.Dockerfile"][..], &[][..]),
        (&["check", "--color", "never", "findings.Dockerfile"], &[]),
        (
            &["check", "--color", "auto", "findings.Dockerfile"],
            &[("NO_COLOR", "1")],
        ),
        (&["check", "--color", "never", "nope"], &[]),
    ] {
        let run = run_in(&fixtures(), args, None, env);
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
        assert!(!run.stderr.contains('\x1b'), "{args:?}: {:?}", run.stderr);
    }
}

#[test]
fn color_always_colours_even_with_no_color() {
    let run = run_in(
        &fixtures(),
        &["check", "--color", "always", "clean.Dockerfile"],
        None,
        &[("NO_COLOR", "1")],
    );
    assert!(run.stdout.contains("\x1b["), "{run:?}");
}

// JSON schema.

#[test]
fn json_findings_have_the_documented_schema() {
    let run = dlint(&["check", "--format", "json", "findings.Dockerfile"]);
    let findings = json(&run.stdout);
    let findings = findings.as_array().unwrap();
    assert!(!findings.is_empty(), "{run:?}");
    let position = |p: &Value| {
        assert!(p["line"].as_u64().unwrap() >= 1, "{p}");
        assert!(p["column"].as_u64().unwrap() >= 1, "{p}");
    };
    for f in findings {
        let object = f.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "category", "code", "file", "fix", "help", "message", "name", "range", "severity"
            ]
        );
        assert_eq!(f["file"], "findings.Dockerfile");
        for key in ["code", "name", "category", "severity", "message"] {
            assert!(f[key].is_string(), "{key}: {f}");
        }
        assert!(["info", "warning", "error"].contains(&f["severity"].as_str().unwrap()));
        position(&f["range"]["start"]);
        position(&f["range"]["end"]);
        assert!(f["help"].is_null() || f["help"].is_string(), "{f}");
        if !f["fix"].is_null() {
            let applicability = f["fix"]["applicability"].as_str().unwrap();
            assert!(
                ["safe", "unsafe", "display-only"].contains(&applicability),
                "{f}"
            );
            for edit in f["fix"]["edits"].as_array().unwrap() {
                position(&edit["range"]["start"]);
                position(&edit["range"]["end"]);
                assert!(edit["content"].is_string(), "{edit}");
            }
        }
    }
    let tabbed = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("BOGUS"));
    let tabbed = tabbed.unwrap_or_else(|| panic!("no finding for `BOGUS`: {run:?}"));
    // Line 8 is `\tBOGUS ☕ x`: a tab is one column.
    assert_eq!(
        tabbed["range"]["start"],
        serde_json::json!({"line": 8, "column": 2})
    );
}

// Snapshots of each output format (regenerate with `cargo insta review`).

#[test]
fn full_output() {
    let run = dlint(&[
        "check",
        "--no-fail",
        "findings.Dockerfile",
        "clean.Dockerfile",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn concise_output() {
    let run = dlint(&[
        "check",
        "--no-fail",
        "--format",
        "concise",
        "findings.Dockerfile",
        "clean.Dockerfile",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_output() {
    let run = dlint(&[
        "check",
        "--no-fail",
        "--format",
        "json",
        "findings.Dockerfile",
        "clean.Dockerfile",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

// `dlint parse`.

#[test]
fn parse_text_output() {
    let run = dlint(&["parse", "parse.Dockerfile"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn parse_json_output() {
    let run = dlint(&["parse", "--format", "json", "parse.Dockerfile"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn parse_json_has_the_fields_the_corpus_tool_reads() {
    let run = run_in(
        &fixtures(),
        &["parse", "--format", "json", "-"],
        Some(b"# escape=`\nFROM alpine AS a\nRUN --mount=type=cache,target=/x `\n  echo hi\nONBUILD RUN [\"a\"]\n"),
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let view = json(&run.stdout);
    assert_eq!(view["escape"], "`");
    assert_eq!(
        view["directives"],
        serde_json::json!([{"name": "escape", "value": "`", "line": 1}])
    );
    assert!(view["errors"].is_array());
    let instructions = view["instructions"].as_array().unwrap();
    assert_eq!(instructions.len(), 3, "{view}");
    let run_ins = &instructions[1];
    let mut keys: Vec<&str> = run_ins
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "args",
            "end_line",
            "flags",
            "heredocs",
            "json",
            "keyword",
            "kind",
            "onbuild",
            "start_line"
        ]
    );
    assert_eq!(run_ins["keyword"], "RUN");
    assert_eq!(run_ins["kind"], "RUN");
    assert_eq!(
        (run_ins["start_line"].as_u64(), run_ins["end_line"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(
        run_ins["flags"],
        serde_json::json!([{"name": "mount", "value": "type=cache,target=/x"}])
    );
    assert_eq!(run_ins["json"], false);
    assert_eq!(run_ins["onbuild"], Value::Null);
    let onbuild = &instructions[2]["onbuild"];
    assert_eq!(onbuild["keyword"], "RUN");
    assert_eq!(onbuild["json"], true);
    assert_eq!(onbuild["args"], serde_json::json!(["a"]));
}

#[test]
fn parse_of_a_missing_file_exits_two() {
    let run = dlint(&["parse", "nope"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "dlint: error: nope: no such file or directory\n"
    );
    assert_eq!(run.stdout, "");
}

// `dlint rules` and `dlint explain`.

#[test]
fn rules_json_lists_every_rule_and_explain_knows_them() {
    let run = dlint(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let rules = json(&run.stdout);
    let text = dlint(&["rules"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.starts_with("CODE "), "{text:?}");
    for rule in rules.as_array().unwrap() {
        let code = rule["code"].as_str().unwrap();
        let name = rule["name"].as_str().unwrap();
        for key in [
            "category", "severity", "fix", "since", "summary", "upstream",
        ] {
            assert!(rule.get(key).is_some(), "{key}: {rule}");
        }
        assert!(text.stdout.contains(code), "{code}");
        for query in [code, name, &code.to_ascii_lowercase()] {
            let run = dlint(&["explain", query]);
            assert_eq!(run.code, 0, "{query}: {run:?}");
            assert!(
                run.stdout.starts_with(&format!("# {code} {name} (")),
                "{run:?}"
            );
        }
    }
}

#[test]
fn explain_shows_the_rule_docs() {
    let run = dlint(&["explain", "unknown-instruction"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("# SY001 unknown-instruction (category: syntax, default severity: "),
        "{run:?}"
    );
    assert!(run.stdout.contains("## What it does"), "{run:?}");
}

#[test]
fn explain_unknown_rule_exits_two_with_a_suggestion() {
    let run = dlint(&["explain", "XX999"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with("dlint: error: unknown rule `XX999`"),
        "{run:?}"
    );
    assert_eq!(run.stdout, "");

    let run = dlint(&["explain", "unknown-instrution"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("did you mean `unknown-instruction`?"),
        "{run:?}"
    );
}

/// The report streams to stdout: a reader that stops early (`dlint check | head`) ends
/// the run quietly, and a reader that reads everything gets the whole, valid report.
#[test]
fn report_streams_to_a_reader_that_stops_early() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    // Far more report than a pipe buffers.
    let mut body = String::new();
    for i in 0..3000 {
        body.push_str("RUN apt-get install pkg");
        body.push_str(&i.to_string());
        body.push('\n');
    }
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM debian:12\n{body}"),
    )
    .unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_dlint"))
            .args(["check", "--isolated", "--format", "json", "Dockerfile"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut child = spawn();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        head.starts_with(b"[\n  {"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let all = spawn().wait_with_output().unwrap();
    assert_eq!(all.status.code(), Some(1));
    let findings: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert!(findings.as_array().unwrap().len() >= 3000);
}

/// Nesting is a recursion in a parser: twenty thousand nested `$(…)` in a RUN, and as many
/// nested `${A:-…}` defaults in an ENV, are read as far as a bounded depth, not to a stack
/// overflow.
#[test]
fn a_deeply_nested_run_is_linted_without_overflowing() {
    let dir = temp_dir();
    let n = 20_000;
    let body = format!(
        "FROM alpine:3.20\nRUN echo {}x{} > out\nENV A={}x{}\nLABEL b={}x{}\n",
        "$(echo ".repeat(n),
        ")".repeat(n),
        "${A:-".repeat(n),
        "}".repeat(n),
        "${B:+".repeat(n),
        "}".repeat(n),
    );
    write(dir.path(), "Dockerfile", &body);
    let run = run_in(
        dir.path(),
        &["check", "--format", "concise", "Dockerfile"],
        None,
        &[],
    );
    assert!(run.code <= 1, "{run:?}");
    assert!(run.stdout.contains("in 1 file"), "{}", run.stdout);
}
