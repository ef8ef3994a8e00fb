//! End-to-end tests of `dlint migrate`: a `.hadolint.yaml` becomes a `.dlint.toml` that
//! `Config::parse` accepts, with hadolint codes mapped through the rules' `upstream`.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use dlint::config::Config;

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn dlint(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_dlint"))
        .arg("migrate")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The output must load as a dlint configuration.
fn load(toml: &str) -> Config {
    Config::parse(toml, Path::new(".dlint.toml"))
        .unwrap_or_else(|err| panic!("generated configuration does not load: {err}\n{toml}"))
}

const FULL: &str = "\
ignored:
  - DL9999
  - DL3006
  - SC2086
override:
  error:
    - DL3015
    - SC2046
  warning:
    - DL3047
  style:
    - DL3059
trustedRegistries:
  - docker.io
  - my-company.com:5000
label-schema:
  author: text
  contact: email
  git-revision: hash
  org.opencontainers.image.source: url
strict-labels: true
failure-threshold: info
no-fail: true
format: gnu
no-color: true
";

/// DL9999 and the ShellCheck codes stand for checks dlint has no rule for (so the
/// snapshot does not move as rules are added).
#[test]
fn every_hadolint_setting_is_mapped_or_commented() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".hadolint.yaml"), FULL).unwrap();
    let run = dlint(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);

    let config = load(&run.stdout);
    assert_eq!(
        config.trusted_registries(),
        ["docker.io", "my-company.com:5000"]
    );
    let labels: Vec<(&str, &str)> = config
        .required_labels()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("author", "text"),
            ("contact", "email"),
            ("git-revision", "git-hash"),
            ("org.opencontainers.image.source", "url"),
        ]
    );
}

#[test]
fn every_hadolint_code_dlint_knows_can_be_ignored_and_relevelled() {
    let mut codes: Vec<String> = dlint::rules::registry()
        .iter()
        .filter_map(|e| e.meta.upstream)
        .flat_map(|u| u.split(';'))
        .filter_map(|part| part.trim().strip_prefix("hadolint:"))
        .flat_map(|codes| codes.split(',').map(|c| c.trim().to_owned()))
        .collect();
    codes.sort();
    codes.dedup();
    assert!(!codes.is_empty());
    let list = codes.join(", ");
    let dir = tempfile::tempdir().unwrap();
    for yaml in [
        format!("ignored: [{list}]\n"),
        format!("override:\n  style: [{list}]\n"),
    ] {
        fs::write(dir.path().join(".hadolint.yml"), &yaml).unwrap();
        let run = dlint(dir.path(), &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains("no dlint rule yet"), "{}", run.stdout);
        load(&run.stdout);
    }
}

#[test]
fn empty_file_gives_an_empty_configuration() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hadolint.yaml"), "").unwrap();
    let run = dlint(dir.path(), &["hadolint.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    load(&run.stdout);
}

#[test]
fn write_refuses_to_replace_without_force() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("ci")).unwrap();
    fs::write(dir.path().join("ci/hadolint.yaml"), "ignored: [DL3006]\n").unwrap();

    let run = dlint(dir.path(), &["ci/hadolint.yaml", "--write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let written = fs::read_to_string(dir.path().join(".dlint.toml")).unwrap();
    assert!(written.contains("\"MA001\""), "{written}");
    load(&written);

    fs::write(dir.path().join(".dlint.toml"), "# mine\n").unwrap();
    let run = dlint(dir.path(), &["ci/hadolint.yaml", "--write"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr, @"dlint: error: .dlint.toml already exists; pass --force to replace it");
    assert_eq!(
        fs::read_to_string(dir.path().join(".dlint.toml")).unwrap(),
        "# mine\n"
    );

    let run = dlint(dir.path(), &["ci/hadolint.yaml", "--write", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join(".dlint.toml")).unwrap(),
        written
    );
    // Nothing but the two files: no temporary file left behind.
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".dlint.toml", "ci"]);
}

#[test]
fn errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = String::new();
    for (name, yaml) in [
        ("syntax.yaml", "ignored: [DL3008\nformat: json\n"),
        ("level.yaml", "ignored: []\noverride:\n  fatal: [DL3008]\n"),
        ("list.yaml", "format: json\nignored:\n  - {code: DL3008}\n"),
        ("labels.yaml", "strict-labels: yes please\n"),
    ] {
        fs::write(dir.path().join(name), yaml).unwrap();
        let run = dlint(dir.path(), &[name]);
        assert_eq!(run.code, 2, "{name}: {}", run.stdout);
        report.push_str(&run.stderr);
    }
    let run = dlint(dir.path(), &[]);
    assert_eq!(run.code, 2);
    report.push_str(&run.stderr);
    insta::assert_snapshot!(report);
}
