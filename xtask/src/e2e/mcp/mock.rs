//! The mock upstream of the MCP end-to-end check: a small HTTP/1.1 server on 127.0.0.1 (std
//! only, a thread per connection) that answers by Host, path and a piece of the query with the
//! site crates' own fixtures (`crates/scraper-<site>/tests/fixtures/`), read in place, or with
//! a canned failure. Anything else is a 404. Stopped (and joined) when dropped.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;

/// What the mock answers to one kind of request.
pub(crate) struct Route {
    /// The `Host` header (the gateway keeps the upstream's).
    pub(crate) host: &'static str,
    /// The exact path.
    pub(crate) path: &'static str,
    /// A piece the query must contain ("" for any).
    pub(crate) query: &'static str,
    /// The status.
    pub(crate) status: u16,
    /// `(crate, fixture)`: the body is `crates/scraper-<crate>/tests/fixtures/<fixture>`;
    /// `("", text)`: the body is the text itself.
    pub(crate) body: (&'static str, &'static str),
    /// Its content type.
    pub(crate) content_type: &'static str,
    /// A `Retry-After` header, when set.
    pub(crate) retry_after: Option<&'static str>,
}

/// A fixture served as a 200.
pub(crate) const fn ok(
    host: &'static str,
    path: &'static str,
    query: &'static str,
    body: (&'static str, &'static str),
    content_type: &'static str,
) -> Route {
    Route {
        host,
        path,
        query,
        status: 200,
        body,
        content_type,
        retry_after: None,
    }
}

struct Prepared {
    route: &'static Route,
    body: Vec<u8>,
}

/// The running mock.
pub(crate) struct MockUpstream {
    port: u16,
    stop: Arc<AtomicBool>,
    served: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl MockUpstream {
    /// Reads every fixture the routes name and starts serving them on a free loopback port.
    pub(crate) fn start(root: &Path, routes: &'static [Route]) -> anyhow::Result<Self> {
        let mut prepared = Vec::with_capacity(routes.len());
        for route in routes {
            let body = match route.body {
                ("", text) => text.as_bytes().to_vec(),
                (site, fixture) => {
                    let path: PathBuf = root
                        .join("crates")
                        .join(format!("scraper-{site}"))
                        .join("tests/fixtures")
                        .join(fixture);
                    std::fs::read(&path)
                        .with_context(|| format!("mock upstream: {}", path.display()))?
                }
            };
            prepared.push(Prepared { route, body });
        }
        let prepared = Arc::new(prepared);
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, served) = (stop.clone(), served.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (prepared, served) = (prepared.clone(), served.clone());
                    std::thread::spawn(move || {
                        if serve(stream, &prepared).is_ok() {
                            served.fetch_add(1, Ordering::SeqCst);
                        }
                    });
                }
            })
        };
        Ok(Self {
            port,
            stop,
            served,
            thread: Some(thread),
        })
    }

    /// Its port on 127.0.0.1.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// How many requests it answered.
    pub(crate) fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

impl Drop for MockUpstream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], self.port)),
            Duration::from_secs(1),
        );
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request on `stream` (`Connection: close`).
fn serve(stream: TcpStream, routes: &[Prepared]) -> anyhow::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let (mut host, mut length) = (String::new(), 0usize);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "host" => host = value.trim().to_ascii_lowercase(),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    // The body (a POST's) is read and ignored: routes go by host, path and query.
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body)?;
    let host = host.split(':').next().unwrap_or_default().to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = percent_decoded(query);
    let found = routes
        .iter()
        .find(|p| p.route.host == host && p.route.path == path && query.contains(p.route.query));
    let mut stream = stream;
    let (status, content_type, retry_after, body): (u16, &str, Option<&str>, &[u8]) = match found {
        Some(p) => (
            p.route.status,
            p.route.content_type,
            p.route.retry_after,
            &p.body,
        ),
        None => (404, "application/json", None, b"{}"),
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        if status == 200 { "OK" } else { "Mock" },
        body.len()
    );
    if let Some(after) = retry_after {
        head.push_str(&format!("retry-after: {after}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    Ok(())
}

/// A query string with `%XX` and `+` decoded (enough to match a piece of it).
fn percent_decoded(query: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = query.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 2;
            }
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decoded;

    #[test]
    fn queries_are_decoded_for_matching() {
        assert_eq!(
            percent_decoded("url=https%3A%2F%2Fsoundcloud.com%2Fx&q=night+ferry"),
            "url=https://soundcloud.com/x&q=night ferry"
        );
        assert_eq!(percent_decoded("a=%zz&b=%4"), "a=%zz&b=%4");
    }
}
