//! A test client for `dlint lsp`: the real binary, spoken to over its stdin/stdout with
//! Content-Length framed JSON-RPC, answering the requests a real editor answers
//! (`window/workDoneProgress/create`, `workspace/inlayHint/refresh`, ...). Every wait has a
//! timeout, so a hung server fails the test instead of hanging it.

#![allow(dead_code, reason = "each test crate uses part of the client")]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const URI: &str = "untitled:Dockerfile";

/// A client for one running `dlint lsp`.
pub struct Client {
    pub child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    messages: Receiver<Value>,
    next_id: u64,
    /// Server-to-client requests seen so far (method names), in order.
    pub server_requests: Arc<Mutex<Vec<String>>>,
}

impl Client {
    /// Start `dlint lsp` offline, with a private cache directory.
    pub fn start() -> Self {
        Self::start_in(None, &[])
    }

    /// Start `dlint lsp` in `cwd` with extra environment variables. Unless the test sets
    /// them, the registry cache goes to a fresh temp dir and the server stays offline.
    pub fn start_in(cwd: Option<&Path>, env: &[(&str, &str)]) -> Self {
        let cache = tempfile::tempdir().unwrap().keep();
        let mut command = Command::new(env!("CARGO_BIN_EXE_dlint"));
        command
            .arg("lsp")
            .env("DLINT_CACHE_DIR", &cache)
            .env("DLINT_OFFLINE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            if v.is_empty() {
                command.env_remove(k);
            } else {
                command.env(k, v);
            }
        }
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        let mut child = command.spawn().unwrap();
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        let server_requests = Arc::new(Mutex::new(Vec::new()));
        let (writer, seen) = (Arc::clone(&stdin), Arc::clone(&server_requests));
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                // Answer server-to-client requests as an editor does.
                if message.get("id").is_some()
                    && let Some(method) = message["method"].as_str()
                {
                    seen.lock().unwrap().push(method.to_owned());
                    let result = match method {
                        "workspace/configuration" => json!([null]),
                        _ => Value::Null,
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": result});
                    write_message(&writer, &reply);
                }
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
            server_requests,
        }
    }

    pub fn send(&mut self, message: &Value) {
        write_message(&self.stdin, message);
    }

    /// Write raw bytes to the server's stdin (malformed input tests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let mut guard = self.stdin.lock().unwrap();
        let stdin = guard.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        message["params"] = params;
        self.send(&message);
    }

    /// Send a request without waiting; its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        message["params"] = params;
        self.send(&message);
        id
    }

    /// Send a request and wait for its response (skipping notifications).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    /// The response to request `id`.
    pub fn response(&self, id: u64) -> Value {
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The next message that satisfies `pred`; panics after [`TIMEOUT`].
    pub fn wait_for(&self, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_for(TIMEOUT, pred)
            .unwrap_or_else(|| panic!("no expected message within {TIMEOUT:?}"))
    }

    /// The next message that satisfies `pred` within `timeout`, if any.
    pub fn try_wait_for(&self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if pred(&message) => return Some(message),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
            }
        }
    }

    /// The diagnostics published for `version` of `uri`.
    pub fn diagnostics_of(&self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The diagnostics published for `version` of [`URI`].
    pub fn diagnostics(&self, version: i64) -> Vec<Value> {
        self.diagnostics_of(URI, version)
    }

    /// `initialize` (offering `encodings`, if any) then `initialized`; the result.
    pub fn initialize(&mut self, encodings: Option<&[&str]>) -> Value {
        let capabilities = match encodings {
            Some(e) => json!({"general": {"positionEncodings": e}}),
            None => json!({}),
        };
        self.initialize_with(
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        )
    }

    /// `initialize` with full params then `initialized`; the result.
    pub fn initialize_with(&mut self, params: Value) -> Value {
        let response = self.request("initialize", params);
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    pub fn open(&mut self, text: &str) {
        self.open_uri(URI, text);
    }

    pub fn open_uri(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": uri, "languageId": "dockerfile", "version": 1, "text": text,
            }}),
        );
    }

    /// Replace `range` of [`URI`] with `text` at `version`.
    pub fn change(&mut self, version: i64, range: &Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"range": range, "text": text}],
            }),
        );
    }

    /// Whether the server process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Close stdin (the editor went away without `exit`).
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap().take();
    }

    pub fn stdin_open(&self) -> bool {
        self.stdin.lock().unwrap().is_some()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_message(stdin: &Mutex<Option<ChildStdin>>, message: &Value) {
    let body = serde_json::to_string(message).unwrap();
    let mut guard = stdin.lock().unwrap();
    if let Some(stdin) = guard.as_mut() {
        // The server may have exited in tests about exiting.
        let _ = write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = stdin.flush();
    }
}

/// One Content-Length framed message, or `None` at end of stream.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
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

pub fn with_code<'d>(diagnostics: &'d [Value], code: &str) -> Option<&'d Value> {
    diagnostics.iter().find(|d| d["code"] == code)
}

pub fn range(line: u32, start: u32, end_line: u32, end: u32) -> Value {
    json!({
        "start": {"line": line, "character": start},
        "end": {"line": end_line, "character": end},
    })
}

pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}
