//! End-to-end tests of `dlint check` report formats and fixing: a snapshot of every
//! `--format`, SARIF validated against the official SARIF 2.1.0 schema, `--output`,
//! `--statistics`, determinism across thread counts, and `--fix`/`--diff`/`--unsafe-fixes`
//! (atomic writes, idempotence, standard input).
//!
//! The fixture is written to a temporary directory by the test (so that its CRLF line
//! endings survive any checkout setting): a Dockerfile with LF endings and non-ASCII text,
//! and a Containerfile with CRLF endings. Together they have findings of every severity,
//! safe, unsafe and display-only fixes, and related places. The binary runs with that
//! directory as its working directory and `--isolated`, so paths are short and no
//! configuration file of the machine is read.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const DOCKERFILE: &str = "FROM example.com/base:1.0
LABEL description=\"café ☕ 𝄞\"
RUN apt-get update
RUN apt-get install -y curl
WRONG x
RUN echo a \\

    && echo b
";

const CONTAINERFILE: &str = "FROM example.com/py:3\r\nRUN pip install flask\r\nRUN echo \"é𝄞\" \\\r\n\r\n  && echo done\r\n\tBOGUS ☕ x\r\n";

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `dlint args` in `dir` with `env`, feeding `stdin`.
fn run(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dlint"));
    // A fixed set of rules, so that rules added later do not change these outputs.
    let mut args = args.to_vec();
    if args.first() == Some(&"check") {
        args.insert(1, "--select=CA004,LY001,SZ001,SZ002,SZ003,SZ004,syntax");
    }
    command
        .args(&args)
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
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A temporary directory holding the fixture.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("dlint-formats")
        .tempdir()
        .unwrap();
    fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/Containerfile"), CONTAINERFILE).unwrap();
    dir
}

/// `dlint check --isolated --no-fail --format FORMAT .` on a fresh fixture.
fn report(format: &str) -> String {
    let dir = fixture();
    let run = run(
        dir.path(),
        &["check", "--isolated", "--no-fail", "--format", format, "."],
        None,
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    run.stdout
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

// Snapshots of every format (regenerate with `cargo insta review`).

#[test]
fn full_format() {
    insta::assert_snapshot!(report("full"));
}

#[test]
fn concise_format() {
    insta::assert_snapshot!(report("concise"));
}

#[test]
fn json_format() {
    insta::assert_snapshot!(report("json"));
}

#[test]
fn github_format() {
    insta::assert_snapshot!(report("github"));
}

#[test]
fn checkstyle_format() {
    insta::assert_snapshot!(report("checkstyle"));
}

#[test]
fn gitlab_format() {
    let out = report("gitlab");
    let issues = json(&out);
    let fingerprints: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = fingerprints.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), fingerprints.len(), "fingerprints are unique");
    insta::assert_snapshot!(out);
}

/// The SARIF log with the parts that follow the rule docs and the crate version replaced
/// by placeholders (after checking them), so the snapshot only changes with the format.
#[test]
fn sarif_format() {
    let mut log = json(&report("sarif"));
    let driver = &mut log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    for rule in driver["rules"].as_array_mut().unwrap() {
        let code = rule["id"].as_str().unwrap().to_owned();
        let meta = dlint::rules::find(&code).unwrap().meta;
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary());
        assert_eq!(rule["help"]["markdown"], meta.docs.trim());
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(meta.docs.contains(full), "{code}: {full}");
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/dlint-dev/dlint/blob/main/docs/rules/{code}.md")
        );
        rule["shortDescription"]["text"] = format!("[summary of {code}]").into();
        rule["fullDescription"]["text"] = format!("[what {code} does]").into();
        rule["help"] = format!("[docs of {code}]").into();
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&log).unwrap());
}

// SARIF against the official schema.

fn sarif_validator() -> jsonschema::Validator {
    let mut schema = json(include_str!("fixtures/sarif/sarif-schema-2.1.0.json"));
    // The `language` patterns of this schema have a stray `]` that a validator checking
    // formats rejects as a regex; use the form of the OASIS errata,
    // `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`. dlint writes no `language`, so nothing it writes is
    // checked any less.
    for owner in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
        assert_eq!(language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *language = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str) {
    let log = json(text);
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}\n{text}");
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let validator = sarif_validator();
    // The fixture: several rules, fixes, related locations, non-ASCII, CRLF.
    assert_valid_sarif(&validator, &report("sarif"));

    let dir = fixture();
    // A clean file: no rules, no results.
    fs::write(dir.path().join("clean.Dockerfile"), "FROM scratch\n").unwrap();
    let clean = run(
        dir.path(),
        &["check", "--isolated", "-f", "sarif", "clean.Dockerfile"],
        None,
        &[],
    );
    assert_eq!(clean.code, 0, "{clean:?}");
    assert_eq!(json(&clean.stdout)["runs"][0]["results"], json("[]"));
    assert_valid_sarif(&validator, &clean.stdout);

    // Names that are no plain URI: standard input, spaces, `:` and `%`, an absolute path.
    let odd = dir.path().join("we:ird 100%.Dockerfile");
    fs::write(&odd, DOCKERFILE).unwrap();
    let absolute = odd.to_str().unwrap();
    let runs = [
        run(
            dir.path(),
            &["check", "--isolated", "--no-fail", "-f", "sarif", "-"],
            Some(DOCKERFILE),
            &[],
        ),
        run(
            dir.path(),
            &[
                "check",
                "--isolated",
                "--no-fail",
                "-f",
                "sarif",
                "we:ird 100%.Dockerfile",
                absolute,
            ],
            None,
            &[],
        ),
    ];
    for odd in &runs {
        assert_eq!(odd.code, 0, "{odd:?}");
        assert_valid_sarif(&validator, &odd.stdout);
    }
    let log = json(&runs[1].stdout);
    let mut uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    uris.dedup();
    assert_eq!(uris.len(), 2, "{uris:?}");
    assert!(uris.contains(&"we%3Aird%20100%25.Dockerfile"), "{uris:?}");
    assert!(
        uris.iter()
            .any(|u| u.starts_with("file:///") && u.ends_with("/we%3Aird%20100%25.Dockerfile")),
        "{uris:?}"
    );
}

#[test]
fn schema_validation_rejects_broken_sarif() {
    // The validator is not vacuous: the same log with a 0 column or without its version
    // fails.
    let validator = sarif_validator();
    let mut log = json(&report("sarif"));
    assert!(validator.is_valid(&log));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] =
        0.into();
    assert!(!validator.is_valid(&log));
    let mut log = json(&report("sarif"));
    log.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&log));
    let mut log = json(&report("sarif"));
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_columns_are_utf16_and_fixes_related_places_are_exact() {
    let log = json(&report("sarif"));
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let results = run["results"].as_array().unwrap();
    // `BOGUS` after a tab on line 6 of the CRLF file: column 2, 5 code units long.
    let bogus = results
        .iter()
        .find(|r| r["message"]["text"] == "unknown instruction `BOGUS`")
        .unwrap();
    let location = &bogus["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "sub/Containerfile");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        location["region"],
        json(r#"{"startLine": 6, "startColumn": 2, "endLine": 6, "endColumn": 7}"#)
    );
    // Rule indexes point at their rule.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    // Related places and fixes are carried.
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    let pip = results.iter().find(|r| r["ruleId"] == "SZ004").unwrap();
    assert_eq!(
        pip["fixes"][0]["artifactChanges"][0]["replacements"][0],
        json(
            r#"{"deletedRegion": {"startLine": 2, "startColumn": 16, "endLine": 2, "endColumn": 16},
                "insertedContent": {"text": " --no-cache-dir"}}"#
        )
    );
}

// Report plumbing: statistics, output file, determinism, exit statuses.

#[test]
fn statistics_count_per_rule() {
    let dir = fixture();
    let plain = run(
        dir.path(),
        &["check", "--isolated", "--statistics", "."],
        None,
        &[],
    );
    assert_eq!(plain.code, 1, "{plain:?}");
    let with_unsafe = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--statistics",
            "--unsafe-fixes",
            "--format",
            "concise",
            ".",
        ],
        None,
        &[],
    );
    insta::assert_snapshot!(format!(
        "{}\n--unsafe-fixes:\n{}",
        plain.stdout, with_unsafe.stdout
    ));
    let json = run(
        dir.path(),
        &["check", "--isolated", "--statistics", "-f", "json", "."],
        None,
        &[],
    );
    assert_eq!(json.code, 2, "{json:?}");
    assert_eq!(json.stdout, "");
    assert!(json.stderr.contains("--statistics"), "{json:?}");
}

#[test]
fn output_file_receives_the_report() {
    let dir = fixture();
    let expected = report("sarif");
    let out = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "-f",
            "sarif",
            "--output",
            "reports/dlint.sarif",
            ".",
        ],
        None,
        &[],
    );
    // The directory does not exist: nothing is written, exit 2 (findings don't matter).
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("reports/dlint.sarif"), "{out:?}");
    fs::create_dir(dir.path().join("reports")).unwrap();
    fs::write(dir.path().join("reports/dlint.sarif"), "old").unwrap();
    let out = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "-f",
            "sarif",
            "-o",
            "reports/dlint.sarif",
            ".",
        ],
        None,
        &[],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "");
    assert_eq!(
        fs::read_to_string(dir.path().join("reports/dlint.sarif")).unwrap(),
        expected
    );
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["dlint.sarif"]);
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let dir = fixture();
    for i in 0..24 {
        let sub = dir.path().join(format!("d{i:02}"));
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("Dockerfile"), DOCKERFILE).unwrap();
        fs::write(sub.join("app.Containerfile"), CONTAINERFILE).unwrap();
    }
    for format in [
        "full",
        "concise",
        "json",
        "sarif",
        "github",
        "checkstyle",
        "gitlab",
    ] {
        let args = ["check", "--isolated", "--no-fail", "-f", format, "."];
        let one = run(dir.path(), &args, None, &[("RAYON_NUM_THREADS", "1")]);
        let four = run(dir.path(), &args, None, &[("RAYON_NUM_THREADS", "4")]);
        assert_eq!(one.code, 0, "{one:?}");
        assert!(one.stdout.len() > 1000, "{format}");
        assert_eq!(one.stdout, four.stdout, "{format}");
    }
}

#[test]
fn fail_level_and_no_fail_decide_the_exit_status() {
    let dir = fixture();
    let code = |args: &[&str]| {
        let mut all = vec!["check", "--isolated", "-f", "github"];
        all.extend_from_slice(args);
        all.push(".");
        run(dir.path(), &all, None, &[]).code
    };
    assert_eq!(code(&[]), 1);
    assert_eq!(code(&["--no-fail"]), 0);
    assert_eq!(code(&["--fail-level", "error"]), 1);
    assert_eq!(code(&["--ignore", "SY001", "--fail-level", "error"]), 0);
    assert_eq!(code(&["--no-fail", "missing.Dockerfile"]), 2);
}

// Fixing.

#[test]
fn fix_writes_safe_fixes_and_reports_what_remains() {
    let dir = fixture();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(
            dir.path().join("Dockerfile"),
            fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let fixed = run(
        dir.path(),
        &["check", "--isolated", "--fix", "-f", "concise", "."],
        None,
        &[],
    );
    assert_eq!(fixed.code, 1, "{fixed:?}");
    assert_eq!(fixed.stderr, "");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    let containerfile = fs::read_to_string(dir.path().join("sub/Containerfile")).unwrap();
    insta::assert_snapshot!(format!(
        "{}\n--- Dockerfile\n{dockerfile}--- sub/Containerfile\n{}",
        fixed.stdout,
        containerfile.replace('\r', "␍")
    ));
    // Only safe fixes: the unsafe apt-get ones are still to do.
    assert!(dockerfile.contains("RUN apt-get install -y curl\n"));
    // CRLF stays CRLF; permissions stay.
    assert_eq!(containerfile.matches("\r\n").count(), 5);
    assert_eq!(containerfile.matches('\n').count(), 5);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(dir.path().join("Dockerfile"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary files are left behind.
    let mut names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Dockerfile", "sub"]);

    // Fixing again changes nothing.
    let again = run(
        dir.path(),
        &["check", "--isolated", "--fix", "-f", "concise", "."],
        None,
        &[],
    );
    assert!(
        again.stdout.ends_with("Fixed 0 problems (6 remaining)\n"),
        "{again:?}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        dockerfile
    );
    let diff = run(
        dir.path(),
        &["check", "--isolated", "--diff", "."],
        None,
        &[],
    );
    assert_eq!((diff.code, diff.stdout.as_str()), (0, ""), "{diff:?}");
}

#[test]
fn unsafe_fixes_apply_the_rest_and_fixing_twice_changes_nothing() {
    let dir = fixture();
    let args = [
        "check",
        "--isolated",
        "--fix",
        "--unsafe-fixes",
        "-f",
        "json",
        ".",
    ];
    let first = run(dir.path(), &args, None, &[]);
    assert_eq!(first.code, 1, "{first:?}");
    // JSON stays parseable: the summary goes to stderr.
    let remaining = json(&first.stdout);
    assert_eq!(first.stderr, "Fixed 6 problems (2 remaining)\n");
    assert_eq!(remaining.as_array().unwrap().len(), 2);
    let once = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(once.contains("--no-install-recommends"), "{once}");
    let second = run(dir.path(), &args, None, &[]);
    assert_eq!(second.stderr, "Fixed 0 problems (2 remaining)\n");
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        once
    );
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = fixture();
    let safe = run(
        dir.path(),
        &["check", "--isolated", "--diff", "."],
        None,
        &[],
    );
    assert_eq!(safe.code, 1, "{safe:?}");
    assert_eq!(safe.stderr, "Would fix 3 problems\n");
    let unsafe_ = run(
        dir.path(),
        &["check", "--isolated", "--diff", "--unsafe-fixes", "."],
        None,
        &[],
    );
    assert_eq!(unsafe_.code, 1, "{unsafe_:?}");
    insta::assert_snapshot!(format!(
        "{}\n--unsafe-fixes:\n{}",
        safe.stdout.replace('\r', "␍"),
        unsafe_.stdout.replace('\r', "␍")
    ));
    // Nothing was written.
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/Containerfile")).unwrap(),
        CONTAINERFILE
    );
    // `--diff` wins over `--fix`, and `--no-fail` makes it exit 0.
    let both = run(
        dir.path(),
        &["check", "--isolated", "--fix", "--diff", "--no-fail", "."],
        None,
        &[],
    );
    assert_eq!((both.code, &both.stdout), (0, &safe.stdout), "{both:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE
    );
}

#[test]
fn diff_applies_with_patch_to_what_fix_writes() {
    let Ok(status) = Command::new("patch").arg("--version").output() else {
        eprintln!("`patch` is not installed: skipped");
        return;
    };
    assert!(status.status.success());
    for extra in [&[][..], &["--unsafe-fixes"][..]] {
        let patched = fixture();
        let mut args = vec!["check", "--isolated", "--diff"];
        args.extend_from_slice(extra);
        args.push(".");
        let diff = run(patched.path(), &args, None, &[]);
        assert_eq!(diff.code, 1, "{diff:?}");
        let mut patch = Command::new("patch")
            .args(["-p0", "--quiet", "--batch"])
            .current_dir(patched.path())
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        patch
            .stdin
            .take()
            .unwrap()
            .write_all(diff.stdout.as_bytes())
            .unwrap();
        assert!(patch.wait().unwrap().success());

        let fixed = fixture();
        let mut args = vec!["check", "--isolated", "--fix"];
        args.extend_from_slice(extra);
        args.push(".");
        run(fixed.path(), &args, None, &[]);
        for file in ["Dockerfile", "sub/Containerfile"] {
            assert_eq!(
                fs::read_to_string(patched.path().join(file)).unwrap(),
                fs::read_to_string(fixed.path().join(file)).unwrap(),
                "{file} {extra:?}"
            );
        }
    }
}

#[test]
fn fix_on_stdin_prints_the_fixed_text() {
    let dir = fixture();
    let out = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix",
            "-f",
            "concise",
            "--stdin-filename",
            "in/Dockerfile",
            "-",
        ],
        Some(CONTAINERFILE),
        &[],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "FROM example.com/py:3\r\nRUN pip install --no-cache-dir flask\r\nRUN echo \"é𝄞\" \\\r\n  && echo done\r\n\tBOGUS ☕ x\r\n"
    );
    assert_eq!(
        out.stderr,
        "in/Dockerfile:5:2: error[SY001] unknown instruction `BOGUS`\n\
         Found 1 problem (1 error, 0 warnings, 0 infos) in 1 file\n\
         Fixed 2 problems (1 remaining)\n"
    );
    // A clean input comes back unchanged.
    let clean = run(
        dir.path(),
        &["check", "--isolated", "--fix", "-"],
        Some("FROM scratch\n"),
        &[],
    );
    assert_eq!((clean.code, clean.stdout.as_str()), (0, "FROM scratch\n"));
}
