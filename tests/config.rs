//! End-to-end tests of configuration: `.dlint.toml` discovery, `--config`, `--isolated`,
//! rule selection, severities, per-path overrides, rule options, configuration errors,
//! and inline suppressions, all through the real `dlint check` binary in temporary
//! directories.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// `(path:line, CODE, severity)` of every finding of concise output.
    fn findings(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| {
                let (location, rest) = l.split_once(": ")?;
                let (severity, rest) = rest.split_once('[')?;
                let (code, _) = rest.split_once(']')?;
                let location = location.rsplit_once(':')?.0;
                Some(format!("{location} {code} {severity}"))
            })
            .collect()
    }

    fn codes(&self) -> Vec<String> {
        self.findings()
            .iter()
            .filter_map(|f| f.split(' ').nth(1).map(str::to_owned))
            .collect()
    }
}

/// Run `dlint check -f concise args` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_dlint"))
        .arg("check")
        .args(["-f", "concise", "--color", "never"])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A temporary tree of `(path, text)` files.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// Fires MA001 (line 1), CA004 + SZ001 (line 2), LY001 + SZ002 (line 3).
const APT: &str = "FROM debian:latest\nRUN apt-get update\nRUN apt-get install -y curl=7.88.1-10\n";

#[test]
fn discovery_walks_upward_from_each_file() {
    let dir = tree(&[
        (".dlint.toml", "[rules]\nignore = [\"SZ001\"]\n"),
        ("a/b/Dockerfile", APT),
        ("c/Dockerfile", APT),
        ("c/dlint.toml", "[rules]\nselect = [\"MA001\"]\n"),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        run.findings(),
        [
            "a/b/Dockerfile:1 MA001 warning",
            "a/b/Dockerfile:2 CA004 warning",
            "a/b/Dockerfile:3 SZ002 info",
            "a/b/Dockerfile:3 LY001 warning",
            "c/Dockerfile:1 MA001 warning",
        ],
        "{}",
        run.stderr
    );
    // From a subdirectory, with a relative path.
    let run = check(&dir.path().join("a"), &["b/Dockerfile"]);
    assert!(!run.codes().contains(&"SZ001".to_owned()), "{run:?}");
}

#[test]
fn config_flag_replaces_discovery_and_isolated_ignores_files() {
    let dir = tree(&[
        (".dlint.toml", "[rules]\nselect = [\"MA001\"]\n"),
        ("other.toml", "[rules]\nselect = [\"SZ002\"]\n"),
        ("Dockerfile", APT),
    ]);
    assert_eq!(check(dir.path(), &[]).codes(), ["MA001"]);
    assert_eq!(
        check(dir.path(), &["--config", "other.toml"]).codes(),
        ["SZ002"]
    );
    assert_eq!(check(dir.path(), &["--isolated"]).codes().len(), 5);
    let run = check(dir.path(), &["--config", "missing.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "dlint: error: missing.toml: no such file or directory\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn select_and_ignore_by_code_name_and_category() {
    let dir = tree(&[("Dockerfile", APT)]);
    let codes = |args: &[&str]| check(dir.path(), args).codes();
    assert_eq!(codes(&["--select", "size"]), ["SZ001", "SZ002"]);
    assert_eq!(
        codes(&["--select", "size,latest-tag", "--ignore", "SZ002"]),
        ["MA001", "SZ001"]
    );
    assert_eq!(
        codes(&["--select", "cache", "--extend-select", "LY001"]),
        ["CA004", "LY001"]
    );
    assert_eq!(
        codes(&["--ignore", "ALL", "--extend-select", "SZ002"]),
        [] as [&str; 0]
    );
    fs::write(
        dir.path().join(".dlint.toml"),
        "[rules]\nselect = [\"size\", \"maintainability\"]\nignore = [\"apt-lists-not-removed\"]\n",
    )
    .unwrap();
    assert_eq!(codes(&[]), ["MA001", "SZ002"]);
    // The command line comes on top of the file.
    assert_eq!(
        codes(&["--extend-select", "CA004"]),
        ["MA001", "CA004", "SZ002"]
    );
    assert_eq!(codes(&["--select", "SZ001"]), ["SZ001"]);

    let run = check(dir.path(), &["--select", "SZ001,bogus"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr, @"dlint: error: --select: unknown rule or category `bogus`; expected a rule code (SY001), a rule name (unknown-instruction), a category (cache, layers, size, security, correctness, maintainability, style, syntax) or ALL");
}

#[test]
fn severity_overrides_change_the_exit_status() {
    // SE001 (info) alone: below the default fail level.
    let dir = tree(&[("Dockerfile", "FROM alpine:3.20\n")]);
    let run = check(dir.path(), &[]);
    assert_eq!(
        (run.code, run.findings()),
        (0, vec!["Dockerfile:1 SE001 info".to_owned()])
    );
    fs::write(
        dir.path().join(".dlint.toml"),
        "[rules.severity]\nunpinned-base-image = \"error\"\n",
    )
    .unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(
        (run.code, run.findings()),
        (1, vec!["Dockerfile:1 SE001 error".to_owned()])
    );
    fs::write(
        dir.path().join(".dlint.toml"),
        "[rules.severity]\nSE001 = \"off\"\n",
    )
    .unwrap();
    let run = check(dir.path(), &["--fail-level", "info"]);
    assert_eq!((run.code, run.codes()), (0, vec![]));
}

#[test]
fn overrides_apply_per_path() {
    let dir = tree(&[
        (
            ".dlint.toml",
            "[rules]\nignore = [\"LY001\"]\n\n\
             [[overrides]]\nfiles = [\"docker/dev/**\", \"*.dev.Dockerfile\"]\n\
             ignore = [\"size\"]\nseverity = { MA001 = \"info\" }\n\n\
             [[overrides]]\nfiles = [\"strict/\"]\nselect = [\"LY001\"]\n",
        ),
        ("Dockerfile", APT),
        ("docker/dev/Dockerfile", APT),
        ("api/app.dev.Dockerfile", APT),
        ("strict/Dockerfile", APT),
    ]);
    let run = check(dir.path(), &[]);
    insta::assert_snapshot!(run.findings().join("\n"), @r"
    Dockerfile:1 MA001 warning
    Dockerfile:2 CA004 warning
    Dockerfile:2 SZ001 warning
    Dockerfile:3 SZ002 info
    api/app.dev.Dockerfile:1 MA001 info
    api/app.dev.Dockerfile:2 CA004 warning
    docker/dev/Dockerfile:1 MA001 info
    docker/dev/Dockerfile:2 CA004 warning
    strict/Dockerfile:3 LY001 warning
    ");
}

#[test]
fn rule_options_change_unchained_runs() {
    let dir = tree(&[(
        "Dockerfile",
        "FROM alpine:3.20\nRUN mkdir /a\nRUN mkdir /b\n",
    )]);
    assert_eq!(
        check(dir.path(), &["--select", "LY001"]).codes(),
        [] as [&str; 0]
    );
    fs::write(
        dir.path().join(".dlint.toml"),
        "[rules.options.unchained-runs]\nmin-runs = 2\n",
    )
    .unwrap();
    assert_eq!(check(dir.path(), &["--select", "LY001"]).codes(), ["LY001"]);
}

/// Each bad configuration: exit status 2, one error line per problem, and its files are
/// not checked while the others are.
#[test]
fn configuration_errors_name_file_line_and_column() {
    let cases: &[(&str, &str)] = &[
        (
            "unknown_key",
            "[rules]\nselect = [\"ALL\"]\n\n\n\n\nselct = []\n",
        ),
        ("unknown_table", "[rule]\nselect = []\n"),
        ("unknown_rule", "[rules]\nignore = [\"SE001\", \"SY999\"]\n"),
        ("wrong_type", "[rules]\nselect = \"ALL\"\n"),
        ("bad_severity", "[rules.severity]\nSZ002 = \"fatal\"\n"),
        (
            "severity_of_unknown_rule",
            "[rules.severity]\nno-such-rule = \"error\"\n",
        ),
        (
            "bad_option_value",
            "[rules.options.unchained-runs]\nmin-runs = 1\n",
        ),
        ("unknown_option", "[rules.options.LY001]\nmin-run = 3\n"),
        (
            "option_of_rule_without_options",
            "[rules.options.SZ002]\nquick = true\n",
        ),
        (
            "override_without_files",
            "[[overrides]]\nignore = [\"SZ001\"]\n",
        ),
        ("bad_glob", "[[overrides]]\nfiles = [\"{a\"]\n"),
        ("bad_platform", "[build]\nplatform = \"linux\"\n"),
        ("bad_mirror", "[registry]\nmirrors = [\"ftp://mirror\"]\n"),
        (
            "bad_label_schema",
            "[labels.required]\nversion = \"semantic\"\n",
        ),
        ("bad_inlay_hint", "[editor.inlay-hints]\nlayers = 1\n"),
        ("invalid_toml", "[rules]\nselect = [\"ALL\",\n"),
        (
            "several",
            "[rules]\nselct = []\nignore = [\"nope\"]\n[build]\ntarget = 3\n",
        ),
    ];
    let mut report = String::new();
    for (name, config) in cases {
        let dir = tree(&[
            ("bad/.dlint.toml", config),
            ("bad/Dockerfile", APT),
            ("bad/sub/Dockerfile", APT),
            ("good/Dockerfile", "FROM alpine:3.20\n"),
        ]);
        let run = check(dir.path(), &["bad", "good"]);
        assert_eq!(run.code, 2, "{name}");
        assert_eq!(run.findings(), ["good/Dockerfile:1 SE001 info"], "{name}");
        writeln!(report, "{name}:\n{}", run.stderr).unwrap();
    }
    insta::assert_snapshot!(report);
}

#[test]
fn inline_suppressions() {
    let dir = tree(&[(
        "Dockerfile",
        "FROM debian:latest\n\
         # dlint ignore=CA004,apt-lists-not-removed -- the install below needs them\n\
         RUN apt-get update\n\
         # hadolint ignore=DL3015,DL3059,DL3008\n\
         RUN apt-get install -y curl\n\
         # dlint global ignore=latest-tag\n",
    )]);
    assert_eq!(check(dir.path(), &[]).codes(), [] as [&str; 0]);

    // A comment separated by a blank line suppresses nothing, and is itself reported.
    let dir = tree(&[(
        "Dockerfile",
        "FROM debian:12\n# dlint ignore=SZ001\n\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n",
    )]);
    assert_eq!(check(dir.path(), &[]).codes(), ["MA021", "SZ001"]);

    // BuildKit's check directive, only at the top of the file.
    let continuation = "FROM alpine:3.20\nRUN echo a \\\n\n    b\n";
    let dir = tree(&[
        (
            "top/Dockerfile",
            &format!("# check=skip=NoEmptyContinuation\n{continuation}"),
        ),
        (
            "all/Dockerfile",
            &format!("# check=skip=all\n{continuation}"),
        ),
        (
            "late/Dockerfile",
            &format!("{continuation}# check=skip=all\n"),
        ),
        ("none/Dockerfile", continuation),
    ]);
    assert_eq!(
        check(dir.path(), &["--select", "SY011"]).findings(),
        [
            "late/Dockerfile:3 SY011 warning",
            "none/Dockerfile:3 SY011 warning"
        ]
    );
}

/// The README's example configuration is valid and means what it says.
#[test]
fn readme_example_configuration_is_valid() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("### Configuration").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + section[start..].find("```").unwrap();
    let config = dlint::config::Config::parse(&section[start..end], Path::new("/repo/.dlint.toml"))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(config.build_platform(), Some("linux/arm64"));
    let rules = config.for_file(Some(Path::new("/repo/docker/dev/Dockerfile")));
    assert!(!rules.is_enabled("SZ001") && !rules.is_enabled("SE001"));
    assert!(rules.is_enabled("LY001"));
}
