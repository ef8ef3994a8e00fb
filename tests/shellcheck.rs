//! End-to-end tests of ShellCheck on RUN bodies: the real `dlint` binary with the real
//! `shellcheck` (Debian's package; `scripts/test.sh` installs it). A missing `shellcheck`
//! fails these tests with a message saying how to install it: a skipped test would pass
//! for the wrong reason.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Fails the test when ShellCheck is not installed.
fn require_shellcheck() {
    static CHECKED: Once = Once::new();
    CHECKED.call_once(|| {
        let found = Command::new("shellcheck")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "`shellcheck` is not installed: these tests need it. Install it with \
             `apt-get install shellcheck` (`bash scripts/test.sh` does)."
        );
    });
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `dlint args` in `dir`, with `stdin`.
fn dlint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    require_shellcheck();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dlint"))
        .args(args)
        .current_dir(dir)
        .env("DLINT_OFFLINE", "1")
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A directory with `files`.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// One finding of `--format json`: code, `line:col-line:col`, and the source text under it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    code: String,
    at: String,
    text: String,
}

fn found(code: &str, at: &str, text: &str) -> Found {
    Found {
        code: code.to_owned(),
        at: at.to_owned(),
        text: text.to_owned(),
    }
}

/// The findings of `dlint check --isolated --format json --shellcheck [extra] Dockerfile`
/// on `source` whose code passes `keep` (every ShellCheck code unless said otherwise).
fn check_text(source: &str, extra: &[&str]) -> Vec<Found> {
    let dir = tree(&[("Dockerfile", source)]);
    let mut args = vec!["check", "--format", "json", "--shellcheck", "--no-fail"];
    if !extra.contains(&"--config") {
        args.push("--isolated");
    }
    args.extend(extra);
    args.push("Dockerfile");
    let run = dlint(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stderr.is_empty(), "{run:#?}");
    findings(source, &run.stdout)
}

/// The ShellCheck and MA021 findings of a JSON report on `source`.
fn findings(source: &str, json: &str) -> Vec<Found> {
    let report: Value = serde_json::from_str(json).unwrap();
    let lines: Vec<&str> = source.split('\n').collect();
    report
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap();
            code.starts_with("SC") || code == "MA021"
        })
        .map(|d| {
            let pos = |p: &Value| {
                (
                    p["line"].as_u64().unwrap() as usize,
                    p["column"].as_u64().unwrap() as usize,
                )
            };
            let (l1, c1) = pos(&d["range"]["start"]);
            let (l2, c2) = pos(&d["range"]["end"]);
            // Columns count characters; single-line ranges only in these tests.
            let line: Vec<char> = lines[l1 - 1].trim_end_matches('\r').chars().collect();
            let text = if l1 == l2 {
                line[c1 - 1..(c2 - 1).min(line.len())].iter().collect()
            } else {
                String::from("<multi-line>")
            };
            Found {
                code: d["code"].as_str().unwrap().to_owned(),
                at: format!("{l1}:{c1}-{l2}:{c2}"),
                text,
            }
        })
        .collect()
}

const MULTI_LINE: &str = concat!(
    "FROM debian:12\n",
    "RUN apt-get update \\\n",
    "\t&& echo\t$undefined_thing \\\n",
    "    # a comment line, dropped by BuildKit\n",
    "    && cd /tmp; make\n",
    "RUN <<EOF\n",
    "set -x\n",
    "\techo \"$HOME\" $x\n",
    "EOF\n",
);

#[test]
fn findings_land_exactly_across_continuations_heredocs_tabs_and_crlf() {
    let expected = [
        found("SC2086", "3:10-3:26", "$undefined_thing"),
        found("SC2154", "3:10-3:26", "$undefined_thing"),
        found("SC2164", "5:8-5:15", "cd /tmp"),
        found("SC2086", "8:15-8:17", "$x"),
        found("SC2154", "8:15-8:17", "$x"),
    ];
    assert_eq!(check_text(MULTI_LINE, &[]), expected);
    // The same file with CRLF line ends: the same places.
    let crlf = MULTI_LINE.replace('\n', "\r\n");
    assert_eq!(check_text(&crlf, &[]), expected);
}

#[test]
fn shellcheck_fixes_are_unsafe_fixes_at_the_right_place() {
    let source = "FROM debian:12\nRUN echo ok \\\n  && echo $x\n";
    let dir = tree(&[("Dockerfile", source)]);
    let base = ["check", "--isolated", "--select", "MA021", "--shellcheck"];
    // Safe fixes only: ShellCheck's are unsafe, nothing changes.
    let run = dlint(
        dir.path(),
        &[&base[..], &["--fix", "Dockerfile"]].concat(),
        None,
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        source
    );
    let run = dlint(
        dir.path(),
        &[&base[..], &["--fix", "--unsafe-fixes", "Dockerfile"]].concat(),
        None,
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM debian:12\nRUN echo ok \\\n  && echo \"$x\"\n",
        "{run:#?}"
    );
    // The SC2154 that remains is reported; fixing again changes nothing.
    assert!(run.stdout.contains("SC2154"), "{run:#?}");
    assert!(!run.stdout.contains("SC2086"), "{run:#?}");
}

#[test]
fn arg_and_env_names_are_not_reported_as_unset() {
    let source = "ARG global_only\n\
                  FROM debian:12 AS base\n\
                  ARG version\n\
                  ENV home_dir=/srv\n\
                  RUN echo \"$version\" \"$home_dir\" \"$global_only\" \"$http_proxy\"\n\
                  FROM base\n\
                  RUN echo \"$home_dir\" \"$version\"\n";
    assert_eq!(
        check_text(source, &[]),
        [
            // A global ARG is not in a stage's scope until declared there again.
            found("SC2154", "5:34-5:46", "$global_only"),
            // ENV is inherited by a stage built FROM this one; ARG is not.
            found("SC2154", "7:23-7:31", "$version"),
        ]
    );
}

#[test]
fn the_shell_is_sh_unless_shell_or_the_heredoc_says_otherwise() {
    let source = "FROM alpine:3.20\n\
                  RUN [[ -n \"$HOME\" ]]\n\
                  RUN <<EOF\n#!/bin/bash\n[[ -n \"$HOME\" ]]\nEOF\n\
                  RUN bash <<EOF\n[[ -n \"$HOME\" ]]\nEOF\n\
                  SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
                  RUN [[ -n \"$HOME\" ]] && cd /x; make\n\
                  SHELL [\"/bin/bash\", \"-ec\"]\n\
                  RUN cd /x; make\n";
    assert_eq!(
        check_text(source, &[]),
        [
            // `[[` is not POSIX sh: only the first RUN runs in sh.
            found("SC3010", "2:5-2:21", "[[ -n \"$HOME\" ]]"),
            // bash without -e: `cd` may fail silently; with -e it cannot.
            found("SC2164", "11:25-11:30", "cd /x"),
        ]
    );
}

#[test]
fn exclusions_and_the_minimum_level_apply() {
    let source = "FROM debian:12\nRUN . /etc/os-release && echo $x $ID\n";
    assert_eq!(
        check_text(source, &[]),
        [
            // SC1091 (cannot follow a sourced file of the image) is never reported.
            found("SC2086", "2:31-2:33", "$x"),
            found("SC2154", "2:31-2:33", "$x"),
            found("SC2086", "2:34-2:37", "$ID"),
        ]
    );
    let config = "[shellcheck]\nexclude = [\"SC2154\"]\n";
    let dir = tree(&[("Dockerfile", source), (".dlint.toml", config)]);
    let run = dlint(
        dir.path(),
        &["check", "--shellcheck", "--format", "concise", "Dockerfile"],
        None,
    );
    assert!(
        !run.stdout.contains("SC2154") && run.stdout.contains("SC2086"),
        "{run:#?}"
    );
    let config = "[shellcheck]\nenabled = true\nseverity = \"warning\"\n";
    fs::write(dir.path().join(".dlint.toml"), config).unwrap();
    let run = dlint(
        dir.path(),
        &["check", "--format", "concise", "Dockerfile"],
        None,
    );
    assert!(
        run.stdout.contains("SC2154") && !run.stdout.contains("SC2086"),
        "{run:#?}"
    );
    // `--no-shellcheck` wins over the configuration.
    let run = dlint(
        dir.path(),
        &[
            "check",
            "--no-shellcheck",
            "--format",
            "concise",
            "Dockerfile",
        ],
        None,
    );
    assert!(!run.stdout.contains("SC"), "{run:#?}");
    // A bad setting is a configuration error, with its place.
    fs::write(
        dir.path().join(".dlint.toml"),
        "[shellcheck]\nexclude = [\"2086\"]\n",
    )
    .unwrap();
    let run = dlint(dir.path(), &["check", "Dockerfile"], None);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.contains(
            ".dlint.toml:2:12: shellcheck.exclude: expected a ShellCheck code such as SC2086"
        ),
        "{run:#?}"
    );
}

#[test]
fn suppression_comments_suppress_shellcheck_codes() {
    let source = "FROM debian:12\n\
                  # dlint ignore=SC2086\n\
                  RUN echo $a\n\
                  # hadolint ignore=SC2086,SC2154\n\
                  RUN echo $b\n\
                  # dlint ignore=shellcheck\n\
                  RUN echo $c\n\
                  RUN echo $d \\\n\
                  \x20 # shellcheck disable=SC2086\n\
                  \x20 && echo $e\n\
                  RUN <<EOF\n\
                  # shellcheck disable=SC2086,SC2154\n\
                  echo $f\n\
                  EOF\n\
                  # dlint ignore=SC2016,SZ001 -- both unused\n\
                  RUN echo ok\n";
    assert_eq!(
        check_text(source, &[]),
        [
            found("SC2154", "3:10-3:12", "$a"),
            found("SC2154", "8:10-8:12", "$d"),
            found("SC2154", "10:11-10:13", "$e"),
            found("MA021", "15:16-15:22", "SC2016"),
            found("MA021", "15:23-15:28", "SZ001"),
        ]
    );
    // Without ShellCheck, its codes in a comment are not reported as unused.
    let dir = tree(&[("Dockerfile", source)]);
    let run = dlint(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            "--no-fail",
            "Dockerfile",
        ],
        None,
    );
    assert_eq!(
        findings(source, &run.stdout),
        [found("MA021", "15:23-15:28", "SZ001")]
    );
}

#[test]
fn unused_suppressions_are_removed_by_fix() {
    let source = "FROM debian:12\n\
                  # dlint ignore=SZ003,SC2154 -- the variable comes from the base image\n\
                  RUN echo \"$x\"\n\
                  # dlint ignore=SZ001,SC2086\n\
                  RUN true\n";
    let dir = tree(&[("Dockerfile", source)]);
    let run = dlint(
        dir.path(),
        &["check", "--isolated", "--shellcheck", "--fix", "Dockerfile"],
        None,
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM debian:12\n\
         # dlint ignore=SC2154 -- the variable comes from the base image\n\
         RUN echo \"$x\"\n\
         RUN true\n",
        "{run:#?}"
    );
    // Three findings, two fixes: the two codes of the second comment share one.
    assert!(
        run.stdout.contains("Fixed 2 problems (0 remaining)"),
        "{run:#?}"
    );
}

#[test]
fn a_missing_shellcheck_is_one_warning_and_the_lint_still_works() {
    let config = "[shellcheck]\nenabled = true\npath = \"/nonexistent/shellcheck\"\n";
    let dir = tree(&[
        ("a/Dockerfile", "FROM debian:12\nRUN echo $x\nWRONG\n"),
        ("b/Dockerfile", "FROM debian:12\nRUN echo $y\n"),
        (".dlint.toml", config),
    ]);
    let run = dlint(dir.path(), &["check", "--format", "concise", "."], None);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.contains("SY001"), "{run:#?}");
    assert!(!run.stdout.contains("SC2"), "{run:#?}");
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{run:#?}");
    assert!(
        warnings[0].starts_with("dlint: warning: ShellCheck is enabled")
            && warnings[0].contains("`/nonexistent/shellcheck` was not found")
            && warnings[0].contains("apt-get install shellcheck")
            && warnings[0].contains("[shellcheck] path"),
        "{run:#?}"
    );
}

#[test]
fn a_shellcheck_that_hangs_is_stopped_at_the_timeout() {
    let dir = tree(&[
        (
            "Dockerfile",
            "FROM debian:12\nRUN echo $x\nRUN echo $y\nRUN echo $z\nWRONG\n",
        ),
        ("slow-shellcheck", "#!/bin/sh\nexec sleep 30\n"),
        (
            ".dlint.toml",
            "[shellcheck]\nenabled = true\npath = \"./slow-shellcheck\"\ntimeout = 0.5\n",
        ),
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(
            dir.path().join("slow-shellcheck"),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let started = Instant::now();
    let run = dlint(
        dir.path(),
        &["check", "--format", "concise", "Dockerfile"],
        None,
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.contains("SY001"), "{run:#?}");
    assert!(
        run.stderr.contains(
            "dlint: warning: Dockerfile: ShellCheck took longer than 0.5 s on the RUN at line"
        ),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("after it timed out"),
        "the other RUNs are not tried: {run:#?}"
    );
}

#[test]
fn explain_points_to_the_wiki_and_reports_carry_the_codes() {
    let dir = tree(&[("Dockerfile", "FROM debian:12\nRUN echo $x\n")]);
    let run = dlint(dir.path(), &["explain", "SC2086"], None);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("https://www.shellcheck.net/wiki/SC2086"),
        "{run:#?}"
    );
    let run = dlint(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--shellcheck",
            "--format",
            "sarif",
            "Dockerfile",
        ],
        None,
    );
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let sc = rules.iter().find(|r| r["id"] == "SC2086").unwrap();
    assert_eq!(sc["helpUri"], "https://www.shellcheck.net/wiki/SC2086");
    assert!(
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "SC2154")
    );
    let run = dlint(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--shellcheck",
            "--format",
            "json",
            "-",
        ],
        Some("FROM debian:12\nRUN echo $x\n"),
    );
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let sc = report
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SC2086")
        .unwrap();
    assert_eq!(sc["name"], "shellcheck");
    assert_eq!(sc["fix"]["applicability"], "unsafe");
}
