//! [`Guarded`]: a connection as actix reads it, with every request head held back until it is
//! complete and checked, and every request body metered. The bytes that pass are the client's
//! own, unchanged; a refused head is replaced by the stand-in request of [`super::stand_in`].
//!
//! Framing follows actix's own decoder (run on a copy of each head and on chunked bodies), so
//! the guard and actix always agree on where a body ends and the next head starts.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use actix_codec::Decoder as _;
use actix_http::error::ParseError;
use actix_http::h1::{Codec, Message, MessageType};
use actix_http::{KeepAlive, ServiceConfig};
use actix_web::http::StatusCode;
use bytes::{Buf as _, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use tokio::time::{Instant, Sleep};

use super::{BODY_GRACE, Limits, MAX_HEADER_FIELDS, Refusal, Slot, stand_in};

/// What the guards of one worker share: the limits and the decoder's configuration.
#[derive(Clone)]
pub(crate) struct Config {
    limits: Arc<Limits>,
    codec: ServiceConfig,
}

impl Config {
    /// Must be made on an actix worker (the decoder's configuration keeps a clock task there).
    pub(crate) fn new(limits: Arc<Limits>) -> Self {
        Self {
            limits,
            codec: ServiceConfig::new(
                KeepAlive::Disabled,
                Duration::ZERO,
                Duration::ZERO,
                false,
                None,
            ),
        }
    }
}

/// Bytes of a refused connection read and thrown away, so that closing it does not reset the
/// connection before the client reads the answer.
const DRAIN_LIMIT: usize = 1024 * 1024;

/// Where the guard is in the connection's stream of requests.
enum State {
    /// Waiting for a complete head; `scanned` bytes of the buffer hold no end of head.
    Head { scanned: usize },
    /// A body, framed by actix's decoder.
    Body {
        decoder: Box<Codec>,
        started: Instant,
        received: u64,
    },
    /// A stream until the end (an upgrade or CONNECT): passed as it comes, metered as a body.
    Tunnel { started: Instant, received: u64 },
    /// A head was refused and its stand-in handed over; the rest is read and dropped.
    Refused { drained: usize },
}

/// A connection whose reads pass the front's checks.
pub struct Guarded<T> {
    io: T,
    config: Config,
    slot: Arc<Slot>,
    /// Bytes read and not yet handed to actix; the first `passable` are cleared to go.
    buffer: BytesMut,
    passable: usize,
    state: State,
    /// The head or body deadline, when one runs.
    timer: Pin<Box<Sleep>>,
    armed: bool,
    eof: bool,
}

impl<T> Guarded<T> {
    /// Guards `io`; the first head is due within the head timeout from now.
    pub(crate) fn new(io: T, config: Config) -> Self {
        let deadline = later(Instant::now(), config.limits.head_timeout);
        Self {
            io,
            config,
            slot: Arc::default(),
            buffer: BytesMut::with_capacity(8 * 1024),
            passable: 0,
            state: State::Head { scanned: 0 },
            timer: Box::pin(tokio::time::sleep_until(deadline)),
            armed: true,
            eof: false,
        }
    }

    /// The slot where the connection's refusal is left for the middleware.
    pub fn slot(&self) -> Arc<Slot> {
        self.slot.clone()
    }

    fn arm(&mut self, at: Instant) {
        self.timer.as_mut().reset(at);
        self.armed = true;
    }

    /// Replaces everything not yet handed over by the stand-in of `refusal`.
    fn refuse(&mut self, refusal: Refusal) {
        tracing::debug!(target: "front", status = refusal.status.as_u16(), code = refusal.code, detail = %refusal.detail, "request refused by the front");
        self.slot.put(refusal);
        self.buffer.truncate(self.passable);
        self.buffer.extend_from_slice(&stand_in());
        self.passable = self.buffer.len();
        self.state = State::Refused { drained: 0 };
        self.armed = false;
    }

    /// The body deadline after `received` bytes: the grace, a second per `body_min_rate` bytes,
    /// and never past the body timeout.
    fn body_deadline(&self, started: Instant, received: u64) -> Instant {
        let limits = &self.config.limits;
        let earned = match limits.body_min_rate {
            0 => limits.body_timeout,
            rate => BODY_GRACE.saturating_add(Duration::from_secs(received / rate)),
        };
        // A second past the timeout: a handler that reads the body answers 408 first.
        later(
            started,
            earned.min(limits.body_timeout.saturating_add(Duration::from_secs(1))),
        )
    }

    /// Classifies the buffered bytes past `passable`: clears what may go, refuses what may not.
    fn advance(&mut self) {
        loop {
            let pending = self.buffer.len() - self.passable;
            match &mut self.state {
                State::Refused { .. } => return,
                State::Tunnel { started, received } => {
                    if pending == 0 {
                        return;
                    }
                    *received += pending as u64;
                    self.passable = self.buffer.len();
                    let (started, received) = (*started, *received);
                    let at = self.body_deadline(started, received);
                    self.arm(at);
                    return;
                }
                State::Body {
                    decoder,
                    started,
                    received,
                } => {
                    if pending == 0 {
                        return;
                    }
                    let mut rest = BytesMut::from(&self.buffer[self.passable..]);
                    let mut ended = false;
                    let mut broken = false;
                    loop {
                        match decoder.decode(&mut rest) {
                            Ok(Some(Message::Chunk(Some(_)))) => {}
                            Ok(Some(Message::Chunk(None))) => {
                                ended = true;
                                break;
                            }
                            Ok(Some(Message::Item(_))) | Ok(None) => break,
                            Err(_) => {
                                broken = true;
                                break;
                            }
                        }
                    }
                    let used = pending - rest.len();
                    *received += used as u64;
                    self.passable += used;
                    let (started, received) = (*started, *received);
                    if broken {
                        // actix's decoder fails on the same bytes: let it see them and close.
                        self.passable = self.buffer.len();
                        self.state = State::Tunnel { started, received };
                        return;
                    }
                    if ended {
                        self.state = State::Head { scanned: 0 };
                        self.armed = false;
                        continue;
                    }
                    let at = self.body_deadline(started, received);
                    self.arm(at);
                    return;
                }
                State::Head { scanned } => {
                    if pending == 0 {
                        return;
                    }
                    if !self.armed {
                        // A later head: due within the head timeout of its first byte.
                        let at = later(Instant::now(), self.config.limits.head_timeout);
                        self.timer.as_mut().reset(at);
                        self.armed = true;
                    }
                    let head = &self.buffer[self.passable..];
                    match end_of_head(head, *scanned) {
                        None => {
                            *scanned = head.len();
                            if let Some(refusal) = oversized(head, &self.config.limits) {
                                self.refuse(refusal);
                            }
                            return;
                        }
                        Some(end) => match self.check_head(end) {
                            Err(refusal) => {
                                self.refuse(refusal);
                                return;
                            }
                            Ok(next) => {
                                self.passable += end;
                                self.armed = false;
                                self.state = next;
                            }
                        },
                    }
                }
            }
        }
    }

    /// Checks the complete head of `end` bytes at `passable`, and says what follows it.
    fn check_head(&mut self, end: usize) -> Result<State, Refusal> {
        let head = &self.buffer[self.passable..self.passable + end];
        let limits = &self.config.limits;
        if let Some(refusal) = oversized(head, limits) {
            return Err(refusal);
        }
        let fields = head
            .split(|b| *b == b'\n')
            .skip(1)
            .filter(|line| !line.is_empty() && *line != b"\r")
            .count();
        if fields > MAX_HEADER_FIELDS {
            return Err(Refusal {
                status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                code: "headers_too_large",
                detail: format!("the request has more than {MAX_HEADER_FIELDS} header fields"),
            });
        }
        let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(at) = line.iter().position(|b| !(0x20..0x7f).contains(b)) {
            return Err(bad_request(format!(
                "the request line holds the byte 0x{:02X} at offset {at}: a request line is visible ASCII, with anything else percent-encoded",
                line[at]
            )));
        }
        let mut decoder = Box::new(Codec::new(self.config.codec.clone()));
        let mut copy = BytesMut::from(head);
        match decoder.decode(&mut copy) {
            Ok(Some(Message::Item(request))) => {
                let uri = request
                    .uri()
                    .path_and_query()
                    .map_or(0, |pq| pq.as_str().len());
                if uri > limits.max_uri {
                    return Err(Refusal {
                        status: StatusCode::URI_TOO_LONG,
                        code: "uri_too_long",
                        detail: format!("the request URI is longer than {} bytes", limits.max_uri),
                    });
                }
                let started = Instant::now();
                Ok(match decoder.message_type() {
                    MessageType::None => State::Head { scanned: 0 },
                    MessageType::Payload => State::Body {
                        decoder,
                        started,
                        received: 0,
                    },
                    MessageType::Stream => State::Tunnel {
                        started,
                        received: 0,
                    },
                })
            }
            Ok(_) => Err(bad_request("the request head is incomplete".into())),
            Err(ParseError::TooLarge) => Err(Refusal {
                status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                code: "headers_too_large",
                detail: format!("the request has more than {MAX_HEADER_FIELDS} header fields"),
            }),
            Err(e) => Err(bad_request(why(&e))),
        }
    }

    /// The deadline passed: a late head is refused (408) when part of it came, the connection
    /// ends when nothing did; a late body ends the connection.
    fn expire(&mut self) -> io::Result<bool> {
        self.armed = false;
        match &self.state {
            State::Head { .. } if self.buffer.len() > self.passable => {
                let seconds = self.config.limits.head_timeout.as_secs();
                self.refuse(Refusal {
                    status: StatusCode::REQUEST_TIMEOUT,
                    code: "request_timeout",
                    detail: format!("the request head did not arrive within {seconds} s"),
                });
                Ok(true)
            }
            State::Head { .. } => {
                self.eof = true;
                Ok(true)
            }
            State::Body { received, .. } | State::Tunnel { received, .. } => {
                tracing::info!(target: "front", received, "a request body arrived too slowly: connection closed");
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the request body arrived too slowly",
                ))
            }
            State::Refused { .. } => Ok(false),
        }
    }
}

impl<T: AsyncRead + Unpin> Guarded<T> {
    /// Reads more from the socket into the buffer: `Ready(true)` on data, `Ready(false)` at the
    /// end of the stream.
    fn fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        if self.buffer.capacity() - self.buffer.len() < 4096 {
            self.buffer.reserve(16 * 1024);
        }
        let n = ready!(actix_codec::poll_read_buf(
            Pin::new(&mut self.io),
            cx,
            &mut self.buffer
        ))?;
        Poll::Ready(Ok(n > 0))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.passable > 0 {
                let n = this.passable.min(out.remaining());
                out.put_slice(&this.buffer[..n]);
                this.buffer.advance(n);
                this.passable -= n;
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            if let State::Refused { drained } = &mut this.state {
                // Read and drop what the client still sends; never hand actix more (an end of
                // stream would cancel the stand-in's answer).
                if *drained >= DRAIN_LIMIT {
                    return Poll::Pending;
                }
                this.buffer.clear();
                match this.fill(cx) {
                    Poll::Ready(Ok(true)) => {
                        if let State::Refused { drained } = &mut this.state {
                            *drained += this.buffer.len();
                        }
                        this.buffer.clear();
                        continue;
                    }
                    Poll::Ready(Ok(false) | Err(_)) => {
                        if let State::Refused { drained } = &mut this.state {
                            *drained = DRAIN_LIMIT;
                        }
                        return Poll::Pending;
                    }
                    Poll::Pending => return Poll::Pending,
                }
            }
            match this.fill(cx) {
                Poll::Ready(Ok(true)) => {
                    this.advance();
                    continue;
                }
                Poll::Ready(Ok(false)) => {
                    // The client is done: a partial head is dropped, the end passed on.
                    this.eof = true;
                    continue;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {}
            }
            if this.armed && this.timer.as_mut().poll(cx).is_ready() && this.expire()? {
                continue;
            }
            return Poll::Pending;
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// `at` plus `wait` (an operator's setting, capped at a year: no overflow).
fn later(at: Instant, wait: Duration) -> Instant {
    at + wait.min(Duration::from_secs(365 * 86_400))
}

/// The length of the head at the start of `bytes` (through its empty line), searching from
/// `from` (bytes before it hold no end); `None` while it is incomplete.
fn end_of_head(bytes: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(3);
    let mut at = start;
    while let Some(offset) = bytes.get(at..)?.iter().position(|b| *b == b'\n') {
        let newline = at + offset;
        let rest = &bytes[newline + 1..];
        if rest.first() == Some(&b'\n') {
            return Some(newline + 2);
        }
        if rest.starts_with(b"\r\n") {
            return Some(newline + 3);
        }
        if rest.is_empty() || rest == b"\r" {
            return None;
        }
        at = newline + 1;
    }
    None
}

/// The refusal of a head (complete or not) over the size limits: its request line (414), or
/// the whole (431).
fn oversized(head: &[u8], limits: &Limits) -> Option<Refusal> {
    let line = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
    if line > limits.max_request_line() {
        return Some(Refusal {
            status: StatusCode::URI_TOO_LONG,
            code: "uri_too_long",
            detail: format!("the request URI is longer than {} bytes", limits.max_uri),
        });
    }
    if head.len() > limits.max_head() {
        return Some(Refusal {
            status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            code: "headers_too_large",
            detail: format!(
                "the request headers are larger than {} bytes",
                limits.max_headers
            ),
        });
    }
    None
}

fn bad_request(detail: String) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        code: "bad_request",
        detail,
    }
}

/// What actix's decoder found wrong, in our words.
fn why(error: &ParseError) -> String {
    match error {
        ParseError::Method => "the request method is not a valid HTTP method".into(),
        ParseError::Uri(e) => format!(
            "the request URI is not valid ({e}): it must be ASCII, with anything else percent-encoded"
        ),
        ParseError::Version => "the request line does not end with a valid HTTP version".into(),
        ParseError::Header => "the request head is malformed (a header line is invalid, a required Host header is missing, or Content-Length and Transfer-Encoding disagree)".into(),
        other => format!("the request head could not be read ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, DuplexStream, duplex};

    use super::*;

    fn limits() -> Limits {
        Limits {
            max_uri: 100,
            max_headers: 300,
            head_timeout: Duration::from_millis(400),
            body_timeout: Duration::from_secs(1),
            body_min_rate: 1_000_000,
        }
    }

    /// A guarded server end and the client end of a pipe.
    fn pipe() -> (Guarded<DuplexStream>, DuplexStream) {
        let (server, client) = duplex(1 << 20);
        (
            Guarded::new(server, Config::new(Arc::new(limits()))),
            client,
        )
    }

    /// What actix would read, until the guard waits.
    async fn passed(guarded: &mut Guarded<DuplexStream>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(50), guarded.read(&mut chunk)).await
        {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
        out
    }

    #[test]
    fn heads_end_at_their_empty_line() {
        assert_eq!(
            end_of_head(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest", 0),
            Some(27)
        );
        assert_eq!(end_of_head(b"GET / HTTP/1.0\n\nrest", 0), Some(16));
        assert_eq!(end_of_head(b"GET / HTTP/1.1\r\nHost: x\r\n", 0), None);
        assert_eq!(end_of_head(b"GET / HTTP/1.1\r\nHost: x\r\n\r", 0), None);
        let whole = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(
            end_of_head(whole, 25),
            Some(27),
            "a search resumed near the end"
        );
        assert_eq!(end_of_head(b"", 0), None);
    }

    #[actix_rt::test]
    async fn good_requests_pass_unchanged_with_their_bodies() {
        let (mut guarded, mut client) = pipe();
        let sent = b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n";
        client.write_all(sent).await.unwrap();
        assert_eq!(passed(&mut guarded).await, sent);
        assert!(guarded.slot().take().is_none());
    }

    #[actix_rt::test]
    async fn a_body_split_over_reads_passes_too() {
        let (mut guarded, mut client) = pipe();
        let head = b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe";
        client.write_all(head).await.unwrap();
        let mut got = passed(&mut guarded).await;
        client
            .write_all(b"llo\r\n0\r\n\r\nGET /z HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        got.extend(passed(&mut guarded).await);
        assert!(
            got.ends_with(b"0\r\n\r\nGET /z HTTP/1.1\r\nHost: x\r\n\r\n"),
            "{got:?}"
        );
    }

    #[actix_rt::test]
    async fn bad_heads_become_the_stand_in_even_after_a_good_one() {
        for (bad, status, code) in [
            (
                b"GET /?q=\xff HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
                400,
                "bad_request",
            ),
            (
                format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(200)).into_bytes(),
                414,
                "uri_too_long",
            ),
            (
                format!("GET /{}", "a".repeat(200)).into_bytes(),
                414,
                "uri_too_long",
            ),
            (
                format!(
                    "GET / HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n",
                    "v".repeat(5000)
                )
                .into_bytes(),
                431,
                "headers_too_large",
            ),
            (
                format!(
                    "GET / HTTP/1.1\r\nHost: x\r\n{}\r\n",
                    "a: b\r\n".repeat(MAX_HEADER_FIELDS)
                )
                .into_bytes(),
                431,
                "headers_too_large",
            ),
            (b"GET / HTTP/1.1\r\n\r\n".to_vec(), 400, "bad_request"),
            (
                b"GE(T / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
                400,
                "bad_request",
            ),
        ] {
            let (mut guarded, mut client) = pipe();
            let good = b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";
            client.write_all(good).await.unwrap();
            client.write_all(&bad).await.unwrap();
            let got = passed(&mut guarded).await;
            let mut expected = good.to_vec();
            expected.extend(stand_in());
            assert_eq!(got, expected, "{code}");
            let refusal = guarded.slot().take().unwrap();
            assert_eq!((refusal.status.as_u16(), refusal.code), (status, code));
        }
    }

    #[actix_rt::test]
    async fn a_late_head_is_answered_and_an_idle_connection_ends() {
        let (mut guarded, mut client) = pipe();
        client.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        let mut buf = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(2), guarded.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf[..n], stand_in());
        assert_eq!(guarded.slot().take().unwrap().code, "request_timeout");
        let (mut idle, _client) = pipe();
        let n = tokio::time::timeout(Duration::from_secs(2), idle.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 0, "an idle connection ends at the head timeout");
    }

    #[actix_rt::test]
    async fn a_trickled_body_fails_the_read() {
        let (mut guarded, mut client) = pipe();
        client
            .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab")
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let mut buf = [0u8; 1024];
        let error = loop {
            match tokio::time::timeout(Duration::from_secs(5), guarded.read(&mut buf))
                .await
                .unwrap()
            {
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        let took = started.elapsed();
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_secs(4),
            "{took:?}"
        );
    }
}
