//! ShellCheck in `dlint lsp`: the local findings are published first, ShellCheck's arrive
//! in a later publication of the same version, typing does not start a ShellCheck per
//! keystroke, and a missing `shellcheck` is one message. Needs Debian's `shellcheck`
//! (`scripts/test.sh` installs it); without it the tests fail and say so.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

#[path = "support/lsp.rs"]
mod support_lsp;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support_lsp::{Client, URI, range, with_code};

fn require_shellcheck() {
    let found = Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`shellcheck` is not installed: these tests need it. Install it with \
         `apt-get install shellcheck` (`bash scripts/test.sh` does)."
    );
}

/// A server started with `settings` as `initializationOptions`.
fn start(settings: &Value) -> Client {
    require_shellcheck();
    let mut client = Client::start();
    client.initialize_with(json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {},
        "initializationOptions": settings,
    }));
    client
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The next publication for `version` of [`URI`] that has a ShellCheck finding.
fn with_shellcheck(client: &Client, version: i64) -> Vec<Value> {
    let message = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == URI
            && m["params"]["version"] == version
            && m["params"]["diagnostics"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|d| d["code"].as_str().unwrap_or("").starts_with("SC"))
            })
    });
    message["params"]["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn shellcheck_findings_arrive_in_a_later_publication() {
    let mut client = start(&json!({"shellcheck": {"enabled": true}}));
    let opened = Instant::now();
    client.open("FROM debian:12\nRUN echo $x\nWRONG\n");
    // The local findings first, without waiting for ShellCheck.
    let first = client.diagnostics(1);
    let local = opened.elapsed();
    assert!(with_code(&first, "SY001").is_some(), "{first:#?}");
    assert!(
        !codes(&first).iter().any(|c| c.starts_with("SC")),
        "{first:#?}"
    );
    // Then the same version again, with ShellCheck's findings at their places.
    let second = with_shellcheck(&client, 1);
    let second_pass = opened.elapsed();
    eprintln!("local findings after {local:?}, ShellCheck's after {second_pass:?}");
    assert!(with_code(&second, "SY001").is_some(), "{second:#?}");
    let sc2086 = with_code(&second, "SC2086").unwrap();
    assert_eq!(sc2086["range"], range(1, 9, 1, 11));
    assert_eq!(sc2086["severity"], 3);
    assert_eq!(
        sc2086["codeDescription"]["href"],
        "https://www.shellcheck.net/wiki/SC2086"
    );
    assert!(with_code(&second, "SC2154").is_some(), "{second:#?}");

    // Its quick fixes: ShellCheck's own (unsafe) and "ignore for this instruction".
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": range(1, 10, 1, 10),
            "context": {"diagnostics": [sc2086]},
        }),
    );
    let titles: Vec<&str> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Apply ShellCheck's fix (SC2086; may change the image)"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Ignore SC2086 (shellcheck) for this instruction"),
        "{titles:?}"
    );
    let fix = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Apply ShellCheck"))
        .unwrap();
    let edits = &fix["edit"]["changes"][URI];
    assert_eq!(
        edits,
        &json!([
            {"range": range(1, 9, 1, 9), "newText": "\""},
            {"range": range(1, 11, 1, 11), "newText": "\""},
        ])
    );
}

#[test]
fn typing_runs_shellcheck_once_the_document_rests() {
    let mut client = start(&json!({"shellcheck": {"enabled": true}}));
    client.open("FROM debian:12\nRUN echo ok\n");
    client.diagnostics(1);
    // A burst of keystrokes, faster than the debounce: each gets its local findings, and
    // ShellCheck's come only for the last version.
    let burst = ["$", "a", "b", "c"];
    for (version, (at, text)) in (2_i64..).zip((12_u32..).zip(burst)) {
        client.change(version, &range(1, at, 1, at), text);
        let local = client.diagnostics(version);
        assert!(
            !codes(&local).iter().any(|c| c.starts_with("SC")),
            "{local:#?}"
        );
    }
    // The version of the last keystroke.
    let last = 5;
    let changed = Instant::now();
    let found = with_shellcheck(&client, last);
    eprintln!(
        "ShellCheck's findings {:?} after the last keystroke",
        changed.elapsed()
    );
    let sc2154 = with_code(&found, "SC2154").unwrap();
    assert!(
        sc2154["message"]
            .as_str()
            .unwrap()
            .starts_with("abc is referenced")
    );
    // No publication with ShellCheck's findings for an earlier version.
    let stale = client.try_wait_for(Duration::from_millis(800), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["version"].as_i64().is_some_and(|v| v < last)
    });
    assert!(stale.is_none(), "{stale:#?}");
}

#[test]
fn settings_turn_it_on_and_a_missing_program_is_one_message() {
    let mut client = start(&json!({}));
    client.open("FROM debian:12\nRUN echo $x\n");
    client.diagnostics(1);
    // Off by default: nothing more comes.
    let more = client.try_wait_for(Duration::from_millis(800), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    assert!(more.is_none(), "{more:#?}");
    // On with `workspace/didChangeConfiguration`.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dlint": {"shellcheck": {"enabled": true}}}}),
    );
    let found = with_shellcheck(&client, 1);
    assert!(with_code(&found, "SC2154").is_some(), "{found:#?}");

    // A program that does not exist: one warning, and the local findings still come.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"shellcheck": {"enabled": true, "path": "/nonexistent/shellcheck"}}}),
    );
    let shown = client.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 2, "{shown:#?}");
    let text = shown["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("`/nonexistent/shellcheck` was not found")
            && text.contains("apt-get install shellcheck"),
        "{text}"
    );
    client.change(2, &range(1, 11, 1, 11), " $y");
    let local = client.diagnostics(2);
    assert!(
        !codes(&local).iter().any(|c| c.starts_with("SC")),
        "{local:#?}"
    );
    let again = client.try_wait_for(Duration::from_millis(1500), |m| {
        m["method"] == "window/showMessage"
    });
    assert!(again.is_none(), "shown once: {again:#?}");
}
