//! A guard in front of the JSON-RPC framing of `tower-lsp-server`, whose reader stops for
//! good at the first malformed message (a framed stream ends at its first decode error).
//! The language server must survive any input, so stdin is read here first: each
//! well-formed message is passed on unchanged; a malformed one (bad header, body that is
//! not JSON or not JSON-RPC, invalid UTF-8, absurd length) is answered here with the
//! JSON-RPC error the protocol asks for (-32700 parse error, -32600 invalid request) and
//! dropped. Answers are written to stdout between the library's own messages, never
//! inside one.

use serde::Serialize;
use std::io::{Read as _, Write as _};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::notification::{Notification as _, PublishDiagnostics};
use tower_lsp_server::ls_types::{Diagnostic, PublishDiagnosticsParams, Uri};

/// Larger bodies are refused (read and discarded, then answered with an error).
const MAX_BODY: usize = 512 * 1024 * 1024;

/// One framed message read from a stream.
enum Frame {
    Body(Vec<u8>),
    /// The header block was unusable (no or bad `Content-Length`); `why` for the log.
    BadHeader(String),
    TooLarge(usize),
    End,
}

/// Read the next message: header lines up to an empty line, then the body.
async fn read_frame<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Frame {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between messages are tolerated.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Frame::BadHeader("no Content-Length header".to_owned()),
        Some(Err(why)) => return Frame::BadHeader(why),
        Some(Ok(n)) => n,
    };
    if length > MAX_BODY {
        let mut rest = reader.take(length as u64);
        let _ = tokio::io::copy(&mut rest, &mut tokio::io::sink()).await;
        return Frame::TooLarge(length);
    }
    let mut body = vec![0; length];
    match reader.read_exact(&mut body).await {
        Ok(_) => Frame::Body(body),
        Err(_) => Frame::End,
    }
}

/// Sends notifications straight to the output pump, serialized from their typed form.
///
/// tower-lsp's `Client` turns the params of a notification into a `serde_json::Value`
/// tree, then into text, then the text goes through the server's pipe to
/// [`pump_output`]. For `publishDiagnostics`, the largest message the server writes on
/// every keystroke (tens of KiB on a long file), that was a sixth of the keystroke's
/// time; serializing the typed params once saves most of it.
#[derive(Clone, Debug)]
pub struct Notifier(mpsc::UnboundedSender<Vec<u8>>);

impl Notifier {
    pub fn new(output: mpsc::UnboundedSender<Vec<u8>>) -> Self {
        Self(output)
    }

    pub fn publish_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) {
        #[derive(Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'static str,
            params: &'a P,
        }
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let note = Notification {
            jsonrpc: "2.0",
            method: PublishDiagnostics::METHOD,
            params: &params,
        };
        match serde_json::to_vec(&note) {
            // Closed only when the output pump has ended: nobody is listening.
            Ok(body) => drop(self.0.send(frame(&body))),
            Err(err) => super::log(&format!("cannot serialize diagnostics: {err}")),
        }
    }
}

/// Standard input as the server reads it.
pub enum Stdin {
    /// A pipe, on the runtime's own reactor: a message wakes the server's thread directly,
    /// with no thread in between.
    Pipe(tokio::net::unix::pipe::Receiver),
    /// A socket (what libuv-based editors, VS Code and Neovim, give a child for stdio), on
    /// the reactor too.
    Socket(tokio::net::UnixStream),
    /// Anything else (a file, a socket, a terminal), read by a thread ([`StdinChannel`]).
    Thread(StdinChannel),
}

impl Stdin {
    /// Standard input as a pipe when it is one, else through a reading thread. Must be
    /// called inside the runtime.
    pub fn open() -> std::io::Result<Self> {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        // A duplicate of descriptor 0, made non-blocking for the reactor: its reading end
        // is the server's alone, the client writes through its own.
        let on_reactor = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .and_then(|fd| {
                let file = std::fs::File::from(fd);
                if file.metadata()?.file_type().is_socket() {
                    let socket =
                        std::os::unix::net::UnixStream::from(std::os::fd::OwnedFd::from(file));
                    socket.set_nonblocking(true)?;
                    tokio::net::UnixStream::from_std(socket).map(Self::Socket)
                } else {
                    tokio::net::unix::pipe::Receiver::from_file(file).map(Self::Pipe)
                }
            });
        match on_reactor {
            Ok(stdin) => Ok(stdin),
            Err(_) => StdinChannel::spawn().map(Self::Thread),
        }
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Pipe(pipe) => Pin::new(pipe).poll_read(cx, out),
            Self::Socket(socket) => Pin::new(socket).poll_read(cx, out),
            Self::Thread(thread) => Pin::new(thread).poll_read(cx, out),
        }
    }
}

/// Standard input read by a thread of its own, handed to the async side as chunks.
///
/// `tokio::io::stdin` reads on the blocking pool: every read is a round trip from the
/// server's thread to a pool thread and back. Here the thread waits in `read` itself and
/// a message costs one wake-up of the server. The thread ends at end of input or when
/// the server is gone; a process that exits does not wait for it.
pub struct StdinChannel {
    chunks: mpsc::UnboundedReceiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl StdinChannel {
    pub fn spawn() -> std::io::Result<Self> {
        let (tx, chunks) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("dlint-stdin".into())
            .spawn(move || {
                let mut stdin = std::io::stdin().lock();
                let mut buf = vec![0; 64 * 1024];
                loop {
                    match stdin.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            if tx.send(buf[..n].to_vec()).is_err() {
                                break;
                            }
                        }
                        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            })?;
        Ok(Self {
            chunks,
            chunk: Vec::new(),
            at: 0,
        })
    }
}

impl AsyncRead for StdinChannel {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.at >= self.chunk.len() {
            match self.chunks.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                // End of input: a read of nothing.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
            }
        }
        let this = &mut *self;
        let n = out.remaining().min(this.chunk.len() - this.at);
        out.put_slice(&this.chunk[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

/// Standard output written in place: `tokio::io::stdout` writes on the blocking pool, a
/// thread round trip per message. A write to the client's pipe returns at once unless
/// the client stops reading; the client is never kept from writing meanwhile, since
/// standard input is read by a thread of its own ([`StdinChannel`]).
pub struct SyncStdout(pub std::io::Stdout);

impl AsyncWrite for SyncStdout {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.get_mut().0.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().0.flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().0.flush())
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The error answer for a body the library would choke on, or `None` if it is fine.
fn check(body: &[u8]) -> Option<jsonrpc::Response> {
    // The common case, a request or notification, costs one parse (tower parses it again).
    if serde_json::from_slice::<jsonrpc::Request>(body).is_ok()
        || serde_json::from_slice::<jsonrpc::Response>(body).is_ok()
    {
        return None;
    }
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) => {
            return Some(jsonrpc::Response::from_error(
                jsonrpc::Id::Null,
                jsonrpc::Error::parse_error(),
            ));
        }
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<jsonrpc::Id>(id.clone()).ok())
        .unwrap_or(jsonrpc::Id::Null);
    Some(jsonrpc::Response::from_error(
        id,
        jsonrpc::Error::invalid_request(),
    ))
}

pub async fn pump_input<R, W>(input: R, mut server: W, errors: mpsc::UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    loop {
        let answer = match read_frame(&mut reader).await {
            Frame::End => break,
            Frame::Body(body) => match check(&body) {
                None => {
                    if server.write_all(&frame(&body)).await.is_err() {
                        break;
                    }
                    let _ = server.flush().await;
                    continue;
                }
                Some(answer) => {
                    super::log("ignored a malformed message (not JSON-RPC)");
                    answer
                }
            },
            Frame::BadHeader(why) => {
                super::log(&format!("ignored a message with a bad header: {why}"));
                jsonrpc::Response::from_error(jsonrpc::Id::Null, jsonrpc::Error::parse_error())
            }
            Frame::TooLarge(n) => {
                super::log(&format!(
                    "ignored a message of {n} bytes (limit {MAX_BODY})"
                ));
                jsonrpc::Response::from_error(jsonrpc::Id::Null, jsonrpc::Error::invalid_request())
            }
        };
        if let Ok(body) = serde_json::to_vec(&answer) {
            let _ = errors.send(frame(&body));
        }
    }
    let _ = server.shutdown().await;
}

/// Copy the library's messages from `server` to `output` whole, slipping the answers of
/// [`pump_input`] in between them.
pub async fn pump_output<R, W>(
    server: R,
    mut output: W,
    mut errors: mpsc::UnboundedReceiver<Vec<u8>>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::with_capacity(64 * 1024, server);
    let mut errors_open = true;
    loop {
        tokio::select! {
            frame_read = read_frame(&mut reader) => match frame_read {
                Frame::Body(body) => {
                    if output.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                    let _ = output.flush().await;
                }
                Frame::End => break,
                Frame::BadHeader(_) | Frame::TooLarge(_) => {}
            },
            answer = errors.recv(), if errors_open => match answer {
                Some(bytes) => {
                    if output.write_all(&bytes).await.is_err() {
                        return;
                    }
                    let _ = output.flush().await;
                }
                None => errors_open = false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_bodies_like_the_protocol_asks() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_none());
        assert!(check(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).is_none());
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_none());
        let parse = check(b"{garbage").unwrap();
        assert_eq!(parse.error().unwrap().code, jsonrpc::ErrorCode::ParseError);
        let invalid = check(b"[]").unwrap();
        assert_eq!(
            invalid.error().unwrap().code,
            jsonrpc::ErrorCode::InvalidRequest
        );
        let with_id = check(br#"{"id":7,"method":5}"#).unwrap();
        assert_eq!(with_id.id(), &jsonrpc::Id::Number(7));
        assert!(check(b"\xff\xfe").is_some());
    }
}
