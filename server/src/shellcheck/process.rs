//! Running `shellcheck --format=json1 --shell=… -` on one script: the script on stdin,
//! a timeout after which the process is killed, a cap on how many run at once, and a
//! cache of results by script so that a RUN body is checked once per process (the same
//! `apt-get update && …` recurs across Dockerfiles, and an editor re-lints unchanged RUNs
//! at every keystroke).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::script::Dialect;

/// One finding in ShellCheck's `json1` output. Lines and columns are 1-based; columns
/// count characters, a tab as one (`json1` does not expand tabs to 8 as ShellCheck's
/// `json`, `gcc` and `tty` formats do); `endColumn` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Comment {
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub level: String,
    pub code: u32,
    pub message: String,
    #[serde(default)]
    pub fix: Option<JsonFix>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct JsonFix {
    #[serde(default)]
    pub replacements: Vec<Replacement>,
}

/// One replacement of a ShellCheck fix, positioned like [`Comment`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Replacement {
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    /// `beforeStart` or `afterEnd`: which token an insertion belongs to.
    #[serde(default)]
    pub insertion_point: String,
    /// The text that replaces the range.
    #[serde(rename = "replacement")]
    pub text: String,
}

#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

/// Why a script could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunError {
    /// The program does not exist.
    NotFound,
    /// It ran longer than the timeout and was killed.
    Timeout,
    /// It could not be started, failed, or printed something else than `json1`.
    Failed(String),
}

/// At most this many ShellCheck processes at once in the whole process (each is
/// CPU-bound; more would only compete for the same cores).
fn max_processes() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

/// A counting semaphore for running processes.
struct Slots {
    used: Mutex<usize>,
    freed: Condvar,
}

static SLOTS: LazyLock<Slots> = LazyLock::new(|| Slots {
    used: Mutex::new(0),
    freed: Condvar::new(),
});

/// A running-process slot, given back when dropped.
struct Slot;

impl Slot {
    fn take() -> Self {
        let max = max_processes();
        let mut used = SLOTS.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used >= max {
            used = SLOTS
                .freed
                .wait(used)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *used += 1;
        Self
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut used = SLOTS.used.lock().unwrap_or_else(PoisonError::into_inner);
        *used = used.saturating_sub(1);
        SLOTS.freed.notify_one();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    program: PathBuf,
    dialect: Dialect,
    script: String,
}

/// Results by program, dialect and script.
struct Cache {
    entries: HashMap<Key, Arc<Vec<Comment>>>,
    bytes: usize,
}

/// Bound on the cached script text; the cache is emptied when it is exceeded.
const CACHE_BYTES: usize = 8 << 20;

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| {
    Mutex::new(Cache {
        entries: HashMap::new(),
        bytes: 0,
    })
});

/// The findings of ShellCheck on `script`, from the cache or from a new process.
pub(crate) fn check(
    program: &Path,
    dialect: Dialect,
    script: &str,
    timeout: Duration,
) -> Result<Arc<Vec<Comment>>, RunError> {
    let key = Key {
        program: program.to_path_buf(),
        dialect,
        script: script.to_owned(),
    };
    let cached = CACHE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entries
        .get(&key)
        .cloned();
    if let Some(found) = cached {
        return Ok(found);
    }
    let found = Arc::new(run(program, dialect, script, timeout)?);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.bytes + script.len() > CACHE_BYTES {
        cache.entries.clear();
        cache.bytes = 0;
    }
    cache.bytes += script.len();
    cache.entries.insert(key, Arc::clone(&found));
    Ok(found)
}

/// Run one ShellCheck process on `script`.
///
/// Its pipes are served by detached threads, so that a killed process whose children
/// still hold the pipes open (a wrapper script) cannot keep this call waiting past the
/// timeout.
fn run(
    program: &Path,
    dialect: Dialect,
    script: &str,
    timeout: Duration,
) -> Result<Vec<Comment>, RunError> {
    let _slot = Slot::take();
    let deadline = Instant::now() + timeout;
    let mut child = Command::new(program)
        .arg("--format=json1")
        // Only dlint's configuration applies: no `.shellcheckrc` found from wherever
        // dlint happens to run.
        .arg("--norc")
        .arg(format!("--shell={}", dialect.as_str()))
        .arg("-")
        // ShellCheck is a Haskell program that refuses to start when GHC's runtime options
        // are set but disabled in its build (as in Debian's).
        .env_remove("GHCRTS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound,
            _ => RunError::Failed(format!("cannot run `{}`: {err}", program.display())),
        })?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::Failed("no pipes to the process".to_owned()));
    };
    let input = script.to_owned();
    std::thread::spawn(move || {
        // A process that exits without reading its input makes this fail: harmless.
        let _ = stdin.write_all(input.as_bytes());
    });
    let (out_tx, out_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        let _ = out_tx.send(buf);
    });
    let (err_tx, err_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        let _ = err_tx.send(buf);
    });
    let left = || deadline.saturating_duration_since(Instant::now());
    let output = out_rx.recv_timeout(left());
    let errors = output
        .as_ref()
        .ok()
        .and_then(|_| err_rx.recv_timeout(left()).ok());
    let status = match (&output, &errors) {
        (Ok(_), Some(_)) => wait(&mut child, deadline),
        _ => None,
    };
    let (Ok(output), Some(errors), Some(status)) = (output, errors, status) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::Timeout);
    };
    // 0: no findings, 1: findings; anything else is an error (bad options, ...).
    if !matches!(status.code(), Some(0 | 1)) {
        let stderr = String::from_utf8_lossy(&errors);
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(RunError::Failed(format!(
            "`{}` exited with {status}{}{first}",
            program.display(),
            if first.is_empty() { "" } else { ": " }
        )));
    }
    serde_json::from_slice::<Output>(&output)
        .map(|o| o.comments)
        .map_err(|err| {
            RunError::Failed(format!(
                "`{}` did not print ShellCheck's json1 output ({err}); is it ShellCheck 0.7 or newer?",
                program.display()
            ))
        })
}

/// The exit status of a process whose output is closed, waiting until `deadline`.
fn wait(child: &mut std::process::Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            _ => return None,
        }
    }
}
