//! End-to-end tests of `dlint layers` on a small build context.

use std::path::Path;
use std::process::Command;

fn dlint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run dlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const APP: &str = "tests/fixtures/layers/app/Dockerfile";

#[test]
fn text_report() {
    let (code, out, err) = dlint(&["layers", APP]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn json_report_has_stages_rows_and_exact_copy_sizes() {
    let (code, out, err) = dlint(&["layers", "--format", "json", "--build-arg", "NODE=22", APP]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let stages = v["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0]["base"]["value"], "node:22-slim");
    assert_eq!(stages[1]["is_final"], true);
    assert_eq!(
        stages[0]["reaches_final"], true,
        "deps feeds the final stage through COPY --from"
    );
    let manifests = &stages[0]["rows"][2];
    assert_eq!(manifests["kind"], "filesystem");
    assert_eq!(manifests["size"]["confidence"], "exact");
    let bytes = std::fs::metadata(Path::new("tests/fixtures/layers/app/package.json"))
        .expect("f")
        .len()
        + std::fs::metadata(Path::new("tests/fixtures/layers/app/package-lock.json"))
            .expect("f")
            .len();
    assert_eq!(manifests["size"]["low"], bytes);
    let from_stage = &stages[1]["rows"][3];
    assert_eq!(from_stage["size"]["confidence"], "unknown");
    assert!(
        from_stage["cache"]
            .as_array()
            .expect("cache")
            .iter()
            .any(|c| c["kind"] == "stage")
    );
}

#[test]
fn target_selects_stage_and_unknown_target_is_an_error() {
    let (code, out, _) = dlint(&["layers", "--format", "json", "--target", "deps", APP]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["final_stage"], 0);
    assert_eq!(v["stages"][1]["reaches_final"], false);
    let (code, _, err) = dlint(&["layers", "--target", "nope", APP]);
    assert_eq!(code, 2);
    assert!(err.contains("no stage named `nope`"), "{err}");
}

#[test]
fn changed_file_lists_rebuilt_layers() {
    let (code, out, _) = dlint(&[
        "layers",
        APP,
        "--changed",
        "src/index.js",
        "--changed",
        "package.json",
        "--changed",
        "debug.log",
    ]);
    assert_eq!(code, 0);
    let tail = out
        .split("\nA change")
        .skip(1)
        .collect::<Vec<_>>()
        .join("\nA change");
    insta::assert_snapshot!(tail);
}

#[test]
fn missing_file_is_one_clear_error() {
    let (code, out, err) = dlint(&["layers", "tests/fixtures/layers/nope/Dockerfile"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("nope/Dockerfile"), "{err}");
}
