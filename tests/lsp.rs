//! End-to-end tests of `dlint lsp`: the real binary, spoken to over its stdin/stdout with
//! Content-Length framed JSON-RPC. Every wait has a timeout, so a hung server fails the
//! test instead of hanging it.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(5);
const URI: &str = "untitled:Dockerfile";

/// A client for one running `dlint lsp`.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Client {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        message["params"] = params;
        self.send(&message);
    }

    /// Send a request and wait for its response (skipping notifications).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        message["params"] = params;
        self.send(&message);
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The next message that satisfies `pred`; panics after [`TIMEOUT`].
    fn wait_for(&self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if pred(&message) => return message,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no expected message within {TIMEOUT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
            }
        }
    }

    /// The diagnostics published for `version` of [`URI`].
    fn diagnostics(&self, version: i64) -> Vec<Value> {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == URI
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// `initialize` (offering `encodings`, if any) then `initialized`; the result.
    fn initialize(&mut self, encodings: Option<&[&str]>) -> Value {
        let capabilities = match encodings {
            Some(e) => json!({"general": {"positionEncodings": e}}),
            None => json!({}),
        };
        let response = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    fn open(&mut self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": URI, "languageId": "dockerfile", "version": 1, "text": text,
            }}),
        );
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One Content-Length framed message, or `None` at end of stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn with_code<'d>(diagnostics: &'d [Value], code: &str) -> Option<&'d Value> {
    diagnostics.iter().find(|d| d["code"] == code)
}

fn range(line: u32, start: u32, end_line: u32, end: u32) -> Value {
    json!({
        "start": {"line": line, "character": start},
        "end": {"line": end_line, "character": end},
    })
}

#[test]
fn open_publishes_diagnostics_then_incremental_change_fixes_them() {
    let mut client = Client::start();
    let result = client.initialize(None);
    assert_eq!(
        result["capabilities"]["textDocumentSync"], 2,
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
    assert!(client.stdin.is_some());
}
