//! A mock upstream for the n8n e2e: a small HTTP/1.1 server on 127.0.0.1 (std threads, no
//! dependency) answering the gateway's upstream requests — routed by host, method, path, query
//! and body, as `TECHNO_SCRAPER_UPSTREAM_OVERRIDE` sends them — with the site crates' own
//! fixtures. A route may answer a limited number of times (a 429 once, then the page). It also
//! answers `/v1/...` paths itself when a workflow needs a stand-in gateway (an action whose site
//! is not registered yet). Stopped when dropped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One canned answer and what a request must match to get it.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    method: &'static str,
    /// The Host header (without port), or any.
    host: Option<String>,
    /// The path, exactly, or its end when it starts with `*`.
    path: String,
    /// Query pairs that must be present (decoded).
    query: Vec<(String, String)>,
    /// A string the body must contain.
    body_contains: Option<String>,
    /// Query names that must be absent.
    query_absent: Vec<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Arc<String>,
    /// How many more times it answers (`None`: always).
    times: Option<usize>,
}

impl Route {
    /// `GET path` answered with `status`, `content_type` and `body`.
    pub(crate) fn get(
        path: &str,
        status: u16,
        content_type: &str,
        body: impl Into<String>,
    ) -> Self {
        Self {
            method: "GET",
            host: None,
            path: path.to_owned(),
            query: Vec::new(),
            body_contains: None,
            query_absent: Vec::new(),
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: Arc::new(body.into()),
            times: None,
        }
    }

    /// `POST path`, likewise.
    pub(crate) fn post(
        path: &str,
        status: u16,
        content_type: &str,
        body: impl Into<String>,
    ) -> Self {
        Self {
            method: "POST",
            ..Self::get(path, status, content_type, body)
        }
    }

    pub(crate) fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_owned());
        self
    }

    pub(crate) fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn without_query(mut self, name: &str) -> Self {
        self.query_absent.push(name.to_owned());
        self
    }

    pub(crate) fn body_contains(mut self, needle: &str) -> Self {
        self.body_contains = Some(needle.to_owned());
        self
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn times(mut self, times: usize) -> Self {
        self.times = Some(times);
        self
    }

    fn matches(&self, request: &Request) -> bool {
        if self.times == Some(0) || self.method != request.method {
            return false;
        }
        if let Some(host) = &self.host
            && !request.host.eq_ignore_ascii_case(host)
        {
            return false;
        }
        let path_ok = match self.path.strip_prefix('*') {
            Some(end) => request.path.ends_with(end),
            None => request.path == self.path,
        };
        path_ok
            && self
                .query
                .iter()
                .all(|(k, v)| request.query.get(k).is_some_and(|got| got == v))
            && self
                .query_absent
                .iter()
                .all(|k| !request.query.contains_key(k))
            && self
                .body_contains
                .as_ref()
                .is_none_or(|needle| request.body.contains(needle.as_str()))
    }
}

#[derive(Debug)]
struct Request {
    method: String,
    host: String,
    path: String,
    query: HashMap<String, String>,
    body: String,
}

/// The running server.
pub(crate) struct MockUpstream {
    pub(crate) port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    unmatched: Arc<Mutex<Vec<String>>>,
}

impl MockUpstream {
    /// Starts serving `routes` (the first match wins) on a free loopback port.
    pub(crate) fn start(routes: Vec<Route>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let unmatched = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(Mutex::new(routes));
        let thread = {
            let (stop, unmatched) = (stop.clone(), unmatched.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (routes, unmatched) = (routes.clone(), unmatched.clone());
                            std::thread::spawn(move || {
                                let _ = serve(stream, &routes, &unmatched);
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Ok(Self {
            port,
            stop,
            thread: Some(thread),
            unmatched,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Requests no route answered (each answered 404), for failure messages.
    pub(crate) fn unmatched(&self) -> Vec<String> {
        self.unmatched.lock().map(|u| u.clone()).unwrap_or_default()
    }
}

impl Drop for MockUpstream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    routes: &Mutex<Vec<Route>>,
    unmatched: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let Some(request) = read_request(&mut reader)? else {
            return Ok(());
        };
        let answer = {
            let mut routes = routes
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            match routes.iter_mut().find(|r| r.matches(&request)) {
                Some(route) => {
                    if let Some(times) = route.times.as_mut() {
                        *times -= 1;
                    }
                    Some((route.status, route.headers.clone(), route.body.clone()))
                }
                None => None,
            }
        };
        let (status, headers, body) = answer.unwrap_or_else(|| {
            let line = format!("{} {}{}", request.method, request.host, request.path);
            if let Ok(mut u) = unmatched.lock() {
                u.push(line);
            }
            (
                404,
                vec![("content-type".into(), "text/plain".into())],
                Arc::new("no mock route".to_owned()),
            )
        });
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n",
            reason(status),
            body.len()
        );
        for (name, value) in &headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        writer.write_all(head.as_bytes())?;
        writer.write_all(body.as_bytes())?;
        writer.flush()?;
    }
}

fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let (mut host, mut length) = (String::new(), 0usize);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "host" => host = value.split(':').next().unwrap_or_default().to_owned(),
                "content-length" => length = value.parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    Ok(Some(Request {
        method,
        host,
        path: path.to_owned(),
        query: query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }))
}

/// Percent-decoding of a query component (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_query_components() {
        assert_eq!(
            decode("https%3A%2F%2Fsoundcloud.com%2Fx+y"),
            "https://soundcloud.com/x y"
        );
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
    }

    #[test]
    fn routes_match_host_path_query_and_count() {
        let request = |path: &str, query: &[(&str, &str)]| Request {
            method: "GET".into(),
            host: "api-v2.soundcloud.com".into(),
            path: path.into(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: String::new(),
        };
        let route = Route::get("/resolve", 200, "application/json", "{}")
            .host("api-v2.soundcloud.com")
            .query("url", "https://soundcloud.com/a");
        assert!(route.matches(&request("/resolve", &[("url", "https://soundcloud.com/a")])));
        assert!(!route.matches(&request("/resolve", &[("url", "https://soundcloud.com/b")])));
        let tail = Route::get("*/upcoming_hosted_events", 200, "text/html", "");
        assert!(tail.matches(&request("/club/upcoming_hosted_events", &[])));
        let spent = Route::get("/x", 429, "text/plain", "").times(0);
        assert!(!spent.matches(&request("/x", &[])));
    }
}
