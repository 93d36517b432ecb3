//! The scripted mock upstream: a raw HTTP/1.1 server on 127.0.0.1 that answers every request
//! with the next reply of its script — statuses and headers, but also what wiremock cannot
//! play: headers that never come, bodies that trickle, stop short or end in a reset, and bodies
//! of 50 MB with and without a length. Every request is recorded (Host and path).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One answer.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// A whole answer with its `Content-Length`.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// `429` with `Retry-After` as an HTTP date this many seconds from the moment it is sent
    /// (negative: in the past).
    RetryAt(i64),
    /// Accepts the request and never answers (until the connection is dropped).
    Stall,
    /// `200` with a body of `total` bytes of `x`, in `chunk`-byte pieces `pause` apart, with a
    /// `Content-Length` when `declared`, chunked otherwise.
    Stream {
        total: usize,
        declared: bool,
        chunk: usize,
        pause: Duration,
    },
    /// `200` declaring `declared` bytes, sending `sent`, then closing (`reset`: with a TCP reset).
    Short {
        declared: usize,
        sent: usize,
        reset: bool,
    },
}

impl Reply {
    /// A whole answer.
    pub(crate) fn full(
        status: u16,
        headers: &[(&'static str, &str)],
        body: impl Into<Vec<u8>>,
    ) -> Self {
        Self::Full {
            status,
            headers: headers.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            body: body.into(),
        }
    }
}

/// What the upstream answers: `first` in order, then `then` for ever.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub(crate) first: Vec<Reply>,
    pub(crate) then: Reply,
}

impl Script {
    /// The same reply every time.
    pub(crate) fn always(reply: Reply) -> Self {
        Self {
            first: Vec::new(),
            then: reply,
        }
    }

    fn reply(&self, index: usize) -> &Reply {
        self.first.get(index).unwrap_or(&self.then)
    }
}

/// A request the upstream received.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// Its `Host`.
    pub(crate) host: String,
    /// Its path and query.
    pub(crate) path: String,
}

/// A running mock upstream; stopped when dropped.
pub(crate) struct Upstream {
    /// `http://127.0.0.1:<port>`.
    pub(crate) uri: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: JoinHandle<()>,
}

impl Upstream {
    /// Starts serving `script`.
    pub(crate) async fn start(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let script = Arc::new(script);
        let recorded = hits.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (script, hits) = (script.clone(), recorded.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &script, &hits).await;
                });
            }
        });
        Self {
            uri: format!("http://127.0.0.1:{port}"),
            hits,
            task,
        }
    }

    /// The requests received so far.
    pub(crate) fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request, records it and plays its reply; one request per connection.
async fn serve(
    mut stream: TcpStream,
    script: &Script,
    hits: &Mutex<Vec<Hit>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    let end = loop {
        let n = stream.read(&mut byte).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&byte[..n]);
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if head.len() > 1 << 20 {
            return Ok(());
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let header = |name: &str| {
        text.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    // The request body, so that the connection is read to its end before answering.
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = head.len() - end;
    while body < length {
        let n = stream.read(&mut byte).await?;
        if n == 0 {
            break;
        }
        body += n;
    }
    let index = {
        let mut hits = hits.lock().unwrap();
        hits.push(Hit {
            host: header("host").unwrap_or_default(),
            path: text
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned(),
        });
        hits.len() - 1
    };
    match script.reply(index) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = status_line(*status, headers, Some(body.len()));
            out.extend_from_slice(body);
            stream.write_all(&out).await?;
        }
        Reply::RetryAt(seconds) => {
            let now = SystemTime::now();
            let at = if *seconds >= 0 {
                now + Duration::from_secs(seconds.unsigned_abs())
            } else {
                now - Duration::from_secs(seconds.unsigned_abs())
            };
            let headers = vec![("retry-after", httpdate::fmt_http_date(at))];
            stream
                .write_all(&status_line(429, &headers, Some(0)))
                .await?;
        }
        Reply::Stall => {
            // Hold the connection until the client gives up.
            let mut sink = [0u8; 64];
            while stream.read(&mut sink).await? > 0 {}
        }
        Reply::Stream {
            total,
            declared,
            chunk,
            pause,
        } => {
            let headers = vec![("content-type", "text/html; charset=utf-8".to_owned())];
            let mut out = if *declared {
                status_line(200, &headers, Some(*total))
            } else {
                let mut headers = headers.clone();
                headers.push(("transfer-encoding", "chunked".to_owned()));
                status_line(200, &headers, None)
            };
            stream.write_all(&out).await?;
            let piece = vec![b'x'; *chunk];
            let mut left = *total;
            while left > 0 {
                let n = left.min(*chunk);
                out.clear();
                if *declared {
                    out.extend_from_slice(&piece[..n]);
                } else {
                    out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
                    out.extend_from_slice(&piece[..n]);
                    out.extend_from_slice(b"\r\n");
                }
                stream.write_all(&out).await?;
                left -= n;
                if !pause.is_zero() {
                    tokio::time::sleep(*pause).await;
                }
            }
            if !*declared {
                stream.write_all(b"0\r\n\r\n").await?;
            }
        }
        Reply::Short {
            declared,
            sent,
            reset,
        } => {
            let headers = vec![("content-type", "application/json".to_owned())];
            let mut out = status_line(200, &headers, Some(*declared));
            out.extend(std::iter::repeat_n(b' ', *sent));
            stream.write_all(&out).await?;
            stream.flush().await?;
            if *reset {
                #[expect(
                    deprecated,
                    reason = "a zero linger is the point (a reset), and it does not block"
                )]
                stream.set_linger(Some(Duration::ZERO))?;
            }
            drop(stream);
            return Ok(());
        }
    }
    stream.shutdown().await
}

fn status_line(status: u16, headers: &[(&str, String)], length: Option<usize>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Status\r\nconnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(length) = length {
        out.push_str(&format!("content-length: {length}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}
