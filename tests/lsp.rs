//! End-to-end tests of `dlint lsp`: the real binary, spoken to over its stdin/stdout with
//! Content-Length framed JSON-RPC. Every wait has a timeout, so a hung server fails the
//! test instead of hanging it.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

#[path = "support/lsp.rs"]
mod support_lsp;

use std::fmt::Write as _;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support_lsp::{Client, URI, range, with_code};

#[test]
fn open_publishes_diagnostics_then_incremental_change_fixes_them() {
    let mut client = Client::start();
    let result = client.initialize(None);
    assert_eq!(
        result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert_eq!(result["serverInfo"]["name"], "dlint");

    client.open("FROM alpine:3.19\nWRONG x\n");
    let diagnostics = client.diagnostics(1);
    let sy001 = with_code(&diagnostics, "SY001").expect("SY001 for WRONG");
    assert_eq!(sy001["range"], range(1, 0, 1, 5));
    assert_eq!(sy001["severity"], 1);
    assert_eq!(sy001["source"], "dlint");
    assert!(sy001["message"].as_str().unwrap().contains("WRONG"));

    // Two edits in one notification, each relative to the text after the one before.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [
                {"range": range(1, 0, 1, 5), "text": "RUN"},
                {"range": range(1, 4, 1, 5), "text": "true"},
            ],
        }),
    );
    let diagnostics = client.diagnostics(2);
    assert!(
        with_code(&diagnostics, "SY001").is_none(),
        "{diagnostics:#?}"
    );

    // A stale change (older version) is ignored: no diagnostics for it, document kept.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 1},
            "contentChanges": [{"text": "WRONG again\n"}],
        }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 3},
            "contentChanges": [{"range": range(0, 0, 0, 0), "text": "# hi\n"}],
        }),
    );
    let diagnostics = client.diagnostics(3);
    assert!(
        with_code(&diagnostics, "SY001").is_none(),
        "{diagnostics:#?}"
    );
}

/// `apt-get` starts after `é😀` on its line: 17 characters, 18 UTF-16 units, 21 bytes.
const NON_ASCII: &str = "FROM alpine:3.19\nRUN echo \"é😀\" && apt-get install -y curl\n";

fn apt_get_start(encodings: Option<&[&str]>) -> (Value, Value) {
    let mut client = Client::start();
    let result = client.initialize(encodings);
    client.open(NON_ASCII);
    let diagnostics = client.diagnostics(1);
    let sz002 = with_code(&diagnostics, "SZ002").expect("SZ002 for apt-get install");
    (
        result["capabilities"]["positionEncoding"].clone(),
        sz002["range"]["start"].clone(),
    )
}

#[test]
fn negotiates_utf8_when_offered() {
    let (encoding, start) = apt_get_start(Some(&["utf-8", "utf-16"]));
    assert_eq!(encoding, "utf-8");
    assert_eq!(start, json!({"line": 1, "character": 21}));
}

#[test]
fn defaults_to_utf16() {
    let (encoding, start) = apt_get_start(None);
    assert_eq!(encoding, "utf-16");
    assert_eq!(start, json!({"line": 1, "character": 18}));
}

#[test]
fn unknown_documents_and_bad_positions_do_not_break_the_server() {
    let mut client = Client::start();
    client.initialize(None);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": "file:///nowhere/Dockerfile", "version": 7},
            "contentChanges": [{"range": range(3, 3, 4, 4), "text": "x"}],
        }),
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///nowhere/Dockerfile"}}),
    );
    client.open("FROM alpine:3.19\n");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [{"range": range(99, 99, 0, 5), "text": "\nWRONG 😀"}],
        }),
    );
    let diagnostics = client.diagnostics(2);
    let sy001 = with_code(&diagnostics, "SY001").expect("SY001 after the clamped edit");
    assert_eq!(sy001["range"], range(1, 0, 1, 5));
}

#[test]
fn exits_with_zero_after_shutdown_and_exit_while_stdin_is_open() {
    let mut client = Client::start();
    client.initialize(None);
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    assert!(response.get("error").is_none());
    client.notify("exit", Value::Null);
    // stdin stays open: `client.stdin` is still held.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(Instant::now() < deadline, "still running 2 s after exit");
        thread::sleep(Duration::from_millis(20));
    }
    assert!(client.stdin_open());
}

#[test]
fn diagnostics_link_to_the_rule_docs() {
    let mut client = Client::start();
    client.initialize(None);
    client.open("FROM alpine:3.20\nRUN apk add curl\n");
    let diagnostics = client.diagnostics(1);
    let sz003 = with_code(&diagnostics, "SZ003").expect("SZ003 for apk add");
    let href = sz003["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("/SZ003.md"), "{href}");
    assert_eq!(sz003["data"]["name"], "apk-cache");
}

/// The workspace edit of `action` applied to `text` (single-document edits).
fn apply_action(text: &str, action: &Value, uri: &str) -> String {
    let mut edits = action["edit"]["changes"][uri].as_array().unwrap().clone();
    // Apply from the end so earlier offsets stay valid.
    edits.sort_by_key(|e| {
        let s = &e["range"]["start"];
        std::cmp::Reverse((
            s["line"].as_u64().unwrap(),
            s["character"].as_u64().unwrap(),
        ))
    });
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut joined = lines.join("\n");
    for edit in edits {
        let offset = |p: &Value| {
            let line = p["line"].as_u64().unwrap() as usize;
            let ch = p["character"].as_u64().unwrap() as usize;
            lines[..line].iter().map(|l| l.len() + 1).sum::<usize>() + ch
        };
        let (a, b) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        joined.replace_range(a..b, edit["newText"].as_str().unwrap());
        lines = joined.split('\n').map(str::to_owned).collect();
    }
    joined
}

#[test]
fn code_actions_fix_ignore_and_fix_all() {
    let mut client = Client::start();
    let caps = client.initialize(None)["capabilities"].clone();
    assert!(
        caps["codeActionProvider"]["codeActionKinds"]
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll.dlint"))
    );
    let text = "FROM alpine:3.20\nRUN apk add curl\nRUN apk add git\n";
    client.open(text);
    let diagnostics = client.diagnostics(1);
    let sz003 = with_code(&diagnostics, "SZ003").unwrap().clone();
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": sz003["range"],
            "context": {"diagnostics": [sz003]},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .expect("a preferred quick fix");
    assert_eq!(
        apply_action(text, fix, URI),
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN apk add git\n"
    );
    let ignore = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Ignore SZ003"))
        .expect("an ignore action");
    assert_eq!(
        apply_action(text, ignore, URI),
        "FROM alpine:3.20\n# dlint ignore=SZ003\nRUN apk add curl\nRUN apk add git\n"
    );

    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": range(0, 0, 0, 0),
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(
        apply_action(text, &actions[0], URI),
        "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN apk add --no-cache git\n"
    );
}

/// 1,000 one-character edits sent back to back, each its own notification and version:
/// the server must end with exactly the typed text (its diagnostics for the last version
/// equal those of the same text opened fresh under another URI).
#[test]
fn a_burst_of_a_thousand_edits_lands_in_order() {
    let mut client = Client::start();
    client.initialize(None);
    client.open("FROM alpine:3.20\n");
    client.diagnostics(1);
    let line = "RUN apk add p\n";
    let mut typed = String::new();
    let mut version = 1;
    let (mut row, mut col) = (1u32, 0u32);
    while version < 1001 {
        for ch in line.chars() {
            if version == 1001 {
                break;
            }
            version += 1;
            client.change(version, &range(row, col, row, col), &ch.to_string());
            typed.push(ch);
            if ch == '\n' {
                row += 1;
                col = 0;
            } else {
                col += 1;
            }
        }
    }
    let final_text = format!("FROM alpine:3.20\n{typed}");
    // Order is what is tested here, not speed (see `scripts/bench-lsp.sh`): a debug build on
    // a loaded machine may take longer than the usual wait to work through 1,000 edits.
    let after_burst = client
        .try_wait_for(Duration::from_secs(120), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == URI
                && m["params"]["version"] == 1001
        })
        .expect("diagnostics of the last version")["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .clone();
    client.open_uri("untitled:Fresh", &final_text);
    let fresh = client.diagnostics_of("untitled:Fresh", 1);
    assert!(after_burst.len() > 60, "{} findings", after_burst.len());
    assert_eq!(after_burst, fresh);
}

#[test]
fn a_ten_megabyte_document_is_linted_and_the_server_stays_responsive() {
    let mut client = Client::start();
    client.initialize(None);
    let mut big = String::from("FROM alpine:3.20\n");
    let mut i = 0;
    while big.len() < 10 * 1024 * 1024 {
        writeln!(
            big,
            "RUN echo {i} && apk add --no-cache pkg{i} # some padding text"
        )
        .unwrap();
        i += 1;
    }
    client.open_uri("untitled:Big", &big);
    let found = client.try_wait_for(Duration::from_secs(120), |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == "untitled:Big"
    });
    assert!(found.is_some(), "no diagnostics for the 10 MB document");
    client.open("FROM alpine:3.20\nWRONG\n");
    assert!(with_code(&client.diagnostics(1), "SY001").is_some());
}

#[test]
fn malformed_messages_and_requests_get_errors_not_a_dead_server() {
    let mut client = Client::start();
    client.initialize(None);
    // Not JSON at all, then JSON that is not JSON-RPC.
    client.send_raw(b"Content-Length: 9\r\n\r\n{garbage}");
    client.send_raw(b"Content-Length: 2\r\n\r\n[]");
    // A request about a document that is not open.
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": "file:///nowhere/Dockerfile"},
            "range": range(0, 0, 0, 0),
            "context": {"diagnostics": []},
        }),
    );
    assert!(response.get("error").is_some(), "{response}");
    // Wrong params for a known method.
    let response = client.request("textDocument/codeAction", json!({"nonsense": true}));
    assert!(response.get("error").is_some(), "{response}");
    // Positions far past the end of an open document.
    client.open("FROM alpine:3.20\n");
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": range(4_000_000, 4_000_000, 9, 0),
            "context": {"diagnostics": []},
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
    assert!(client.alive());
    client.change(2, &range(0, 0, 0, 0), "WRONG\n");
    assert!(with_code(&client.diagnostics(2), "SY001").is_some());
}

#[test]
fn cancelled_requests_are_answered_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize(None);
    client.open("FROM alpine:3.20\nRUN apk add curl\n");
    client.diagnostics(1);
    let id = client.request_async(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": range(0, 0, 2, 0),
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    client.notify("$/cancelRequest", json!({"id": id}));
    let response = client.response(id);
    // Either it finished first or it was cancelled (-32800); never silence.
    assert!(
        response.get("result").is_some() || response["error"]["code"] == -32800,
        "{response}"
    );
    client.change(2, &range(0, 0, 0, 0), "WRONG\n");
    assert!(with_code(&client.diagnostics(2), "SY001").is_some());
}

#[test]
fn exits_when_its_parent_process_dies() {
    let mut parent = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let mut client = Client::start();
    client.initialize_with(json!({"processId": parent.id(), "capabilities": {}}));
    assert!(client.alive());
    parent.kill().unwrap();
    parent.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(8);
    while client.alive() {
        assert!(
            Instant::now() < deadline,
            "still running 8 s after its parent died"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn diagnostics_point_at_related_places() {
    let mut client = Client::start();
    client.initialize(None);
    client.open("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n");
    let diagnostics = client.diagnostics(1);
    let ca004 = with_code(&diagnostics, "CA004").expect("CA004 for the lone update");
    let related = ca004["relatedInformation"].as_array().unwrap();
    assert_eq!(related[0]["location"]["uri"], URI);
    assert_eq!(related[0]["location"]["range"], range(2, 0, 2, 3));
    assert!(
        related[0]["message"]
            .as_str()
            .unwrap()
            .contains("apt-get install")
    );
}

#[test]
fn the_layer_cake_request_describes_every_stage() {
    let mut client = Client::start();
    client.initialize(None);
    client.open("FROM python:3.12-slim AS build\nRUN pip wheel -w /w flask\nFROM python:3.12-slim\nCOPY --from=build /w /w\n");
    let response = client.request("dlint/layers", json!({"textDocument": {"uri": URI}}));
    let cake = &response["result"];
    assert_eq!(cake["version"], 1);
    let stages = cake["report"]["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[1]["is_final"], true);
    assert_eq!(stages[1]["rows"][1]["line"], 4);
    let base = &cake["baseImages"][0];
    assert_eq!(base["reference"], "python:3.12-slim");
    assert!(base["compressedBytes"].as_u64().unwrap() > 10_000_000);
    assert!(base["source"].as_str().unwrap().starts_with("catalogue"));
    assert!(cake["variants"].as_array().unwrap().len() >= 2);
    assert!(cake["text"].as_str().unwrap().contains("Stage 1"));
    let missing = client.request(
        "dlint/layers",
        json!({"textDocument": {"uri": "untitled:nope"}}),
    );
    assert!(missing.get("error").is_some());
}

/// libuv-based editors (VS Code, Neovim) give a child a socket, not a pipe, for stdio: the
/// server reads it on its reactor as well (and a file on stdin through a thread).
#[test]
fn stdin_may_be_a_socket_or_a_file() {
    use std::io::{BufReader, Write};
    use std::os::unix::net::UnixStream;
    use std::process::{Child, Command, Stdio};

    fn frame(message: &Value) -> Vec<u8> {
        let body = serde_json::to_string(message).unwrap();
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body.as_bytes());
        out
    }
    fn spawn(stdin: Stdio, cache: &std::path::Path) -> Child {
        Command::new(env!("CARGO_BIN_EXE_dlint"))
            .arg("lsp")
            .env("DLINT_CACHE_DIR", cache)
            .env("DLINT_OFFLINE", "1")
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                            "params": {"capabilities": {}, "processId": null, "rootUri": null}});
    let cache = tempfile::tempdir().unwrap();

    // A socket: a whole session, each message sent when the protocol allows it.
    let (mut client, server) = UnixStream::pair().unwrap();
    let mut child = spawn(
        Stdio::from(std::os::fd::OwnedFd::from(server)),
        cache.path(),
    );
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    client.write_all(&frame(&initialize)).unwrap();
    let answer = support_lsp::read_message(&mut reader).unwrap();
    assert!(answer["result"]["capabilities"].is_object(), "{answer}");
    // No thread reads the socket: the server's one thread waits on it.
    let threads = std::fs::read_dir(format!("/proc/{}/task", child.id())).map(Iterator::count);
    assert_eq!(threads.ok(), Some(1));
    for message in [
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": URI, "languageId": "dockerfile", "version": 1,
            "text": "FROM ubuntu:22.04\nMAINTAINER a@b.c\n"}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    ] {
        client.write_all(&frame(&message)).unwrap();
    }
    let (mut diagnostics, mut shut_down) = (Vec::new(), false);
    while let Some(message) = support_lsp::read_message(&mut reader) {
        if message["method"] == "textDocument/publishDiagnostics" {
            diagnostics = message["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        if message["id"] == 2 && message["result"].is_null() {
            shut_down = true;
            let exit = json!({"jsonrpc": "2.0", "method": "exit"});
            client.write_all(&frame(&exit)).unwrap();
        }
    }
    assert!(shut_down, "no answer to shutdown");
    assert!(
        with_code(&diagnostics, "MA002").is_some(),
        "{diagnostics:?}"
    );
    assert_eq!(child.wait().unwrap().code(), Some(0));

    // A file: read to its end, answered, then the session is over.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), frame(&initialize)).unwrap();
    let mut child = spawn(
        Stdio::from(std::fs::File::open(file.path()).unwrap()),
        cache.path(),
    );
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let answer = support_lsp::read_message(&mut reader).unwrap();
    assert!(answer["result"]["capabilities"].is_object(), "{answer}");
    assert!(child.wait().is_ok());
}
