//! Driving load: wrk (from apt) with a Lua script that varies the request where a case needs
//! distinct questions, or a small keep-alive generator of our own when wrk cannot be had; plus a
//! raw HTTP/1.1 GET and a burst of identical requests sent at once.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// Which requests a run sends: `template` with `{t}` replaced by one of `t_values` (by thread)
/// and `{n}` by `n_base + thread × n_thread_offset + (count mod n_span)`.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    pub(crate) template: String,
    pub(crate) t_values: Vec<String>,
    pub(crate) n_base: u64,
    pub(crate) n_span: u64,
    pub(crate) n_thread_offset: u64,
}

impl Paths {
    /// Always the same path.
    pub(crate) fn fixed(path: &str) -> Self {
        Self {
            template: path.into(),
            t_values: vec![String::new()],
            n_base: 0,
            n_span: 1,
            n_thread_offset: 0,
        }
    }

    pub(crate) fn path(&self, thread: u64, count: u64) -> String {
        let t = &self.t_values[usize::try_from(thread).unwrap_or(0) % self.t_values.len()];
        let n = self.n_base + thread * self.n_thread_offset + count % self.n_span.max(1);
        self.template
            .replace("{t}", t)
            .replace("{n}", &n.to_string())
    }

    /// The same as a wrk Lua script.
    fn lua(&self, headers: &[(&str, &str)]) -> String {
        let mut expr = Vec::new();
        let mut rest = self.template.as_str();
        while let Some(at) = rest.find(['{']) {
            let (literal, tail) = rest.split_at(at);
            expr.push(lua_string(literal));
            if let Some(after) = tail.strip_prefix("{t}") {
                expr.push("t".into());
                rest = after;
            } else if let Some(after) = tail.strip_prefix("{n}") {
                expr.push("string.format(\"%d\", n)".into());
                rest = after;
            } else {
                expr.push(lua_string("{"));
                rest = &tail[1..];
            }
        }
        expr.push(lua_string(rest));
        let t_values: Vec<String> = self.t_values.iter().map(|t| lua_string(t)).collect();
        let headers: Vec<String> = headers
            .iter()
            .map(|(k, v)| format!("[{}] = {}", lua_string(k), lua_string(v)))
            .collect();
        format!(
            "local counter = 0\nlocal tvals = {{{}}}\nlocal made = 0\n\
             function setup(thread)\n  thread:set(\"tid\", made)\n  made = made + 1\nend\n\
             function request()\n  counter = counter + 1\n  local id = tid or 0\n\
             local t = tvals[(id % #tvals) + 1]\n  local n = {} + id * {} + (counter % {})\n\
             return wrk.format(\"GET\", {}, {{{}}})\nend\n",
            t_values.join(", "),
            self.n_base,
            self.n_thread_offset,
            self.n_span.max(1),
            expr.join(" .. "),
            headers.join(", ")
        )
    }
}

fn lua_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub(crate) struct Measured {
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) seconds: f64,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
}

impl Measured {
    pub(crate) fn rps(&self) -> f64 {
        if self.seconds > 0.0 {
            self.requests as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// wrk, installed with apt-get when missing (as root); `None` when it cannot be had.
pub(crate) fn find_wrk() -> Option<PathBuf> {
    let found = || {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    };
    if let Some(path) = found() {
        return Some(path);
    }
    super::apt_install("wrk");
    found()
}

/// A load of `connections` for `duration` against 127.0.0.1:`port`.
pub(crate) fn run(
    wrk: Option<&Path>,
    dir: &Path,
    port: u16,
    paths: &Paths,
    headers: &[(&str, &str)],
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Measured> {
    match wrk {
        Some(wrk) => run_wrk(wrk, dir, port, paths, headers, connections, duration),
        None => Ok(run_own(port, paths, headers, connections, duration)),
    }
}

fn run_wrk(
    wrk: &Path,
    dir: &Path,
    port: u16,
    paths: &Paths,
    headers: &[(&str, &str)],
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Measured> {
    let script = dir.join("load.lua");
    std::fs::write(&script, paths.lua(headers))?;
    let threads = connections.clamp(1, 2);
    let output = Command::new(wrk)
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .args(["--timeout", "30s", "--latency", "-s"])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .context("could not run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(output.status.success(), "wrk failed: {text}");
    parse_wrk(&text).with_context(|| format!("could not read wrk's report:\n{text}"))
}

fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

fn parse_wrk(text: &str) -> Option<Measured> {
    let mut measured = Measured::default();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("50%") {
            measured.p50 = parse_duration(rest)?;
        } else if let Some(rest) = line.strip_prefix("99%") {
            measured.p99 = parse_duration(rest)?;
        } else if let Some((count, rest)) = line.split_once(" requests in ") {
            measured.requests = count.trim().parse().ok()?;
            measured.seconds = parse_duration(rest.split(',').next()?)?.as_secs_f64();
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            measured.errors += rest.trim().parse::<u64>().ok()?;
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            measured.errors += rest
                .split(',')
                .filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok())
                .sum::<u64>();
        }
    }
    (measured.requests > 0).then_some(measured)
}

/// Our own keep-alive load: one thread per connection.
fn run_own(
    port: u16,
    paths: &Paths,
    headers: &[(&str, &str)],
    connections: usize,
    duration: Duration,
) -> Measured {
    let started = Instant::now();
    let until = started + duration;
    let header_text: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let threads: Vec<_> = (0..connections)
        .map(|c| {
            let paths = paths.clone();
            let header_text = header_text.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let mut stream: Option<TcpStream> = None;
                let thread = u64::try_from(c % 2).unwrap_or(0);
                let mut count = u64::try_from(c / 2).unwrap_or(0) * 7;
                while Instant::now() < until {
                    count += 1;
                    let path = paths.path(thread, count);
                    let sent = Instant::now();
                    let ok = stream
                        .take()
                        .or_else(|| TcpStream::connect(("127.0.0.1", port)).ok())
                        .and_then(|mut s| {
                            let request = format!(
                                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{header_text}\r\n"
                            );
                            s.write_all(request.as_bytes()).ok()?;
                            let status = read_response(&mut s)?.0;
                            stream = Some(s);
                            Some(status)
                        });
                    match ok {
                        Some(200..=399) => latencies.push(sent.elapsed()),
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for thread in threads {
        if let Ok((l, e)) = thread.join() {
            latencies.extend(l);
            errors += e;
        }
    }
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Measured {
        requests: latencies.len() as u64 + errors,
        errors,
        seconds: started.elapsed().as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
    }
}

/// Reads one response of a keep-alive connection: status, headers and body (by Content-Length).
fn read_response(stream: &mut TcpStream) -> Option<(u16, Vec<u8>)> {
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((status, buf[head_end..head_end + length].to_vec()))
}

/// `GET path` on 127.0.0.1:`port`: status and body bytes.
pub(crate) fn get(
    port: u16,
    path: &str,
    headers: &[(&str, &str)],
) -> anyhow::Result<(u16, Vec<u8>)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .with_context(|| format!("could not connect to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    read_response(&mut stream).with_context(|| format!("no readable answer to GET {path}"))
}

/// `count` identical requests sent at the same moment: their statuses and when the last answer
/// came.
pub(crate) fn burst(
    port: u16,
    path: &str,
    headers: &[(&str, &str)],
    count: usize,
) -> (Vec<u16>, Duration) {
    let barrier = Arc::new(Barrier::new(count + 1));
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let threads: Vec<_> = (0..count)
        .map(|_| {
            let barrier = barrier.clone();
            let headers = headers.clone();
            let path = path.to_owned();
            std::thread::spawn(move || {
                let pairs: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                barrier.wait();
                get(port, &path, &pairs).map_or(0, |(status, _)| status)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let statuses = threads.into_iter().map(|t| t.join().unwrap_or(0)).collect();
    (statuses, started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_reports() {
        let report = "Running 10s test @ http://127.0.0.1:1\n  2 threads and 32 connections\n  Latency Distribution\n     50%  255.00us\n     75%  300.00us\n     90%    1.00ms\n     99%    1.20ms\n  123456 requests in 10.00s, 1.23GB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 5\nRequests/sec:  12345.60\n";
        let m = parse_wrk(report).unwrap();
        assert_eq!(m.requests, 123_456);
        assert_eq!(m.errors, 8);
        assert_eq!(m.p50, Duration::from_micros(255));
        assert_eq!(m.p99, Duration::from_micros(1200));
        assert!((m.rps() - 12_345.6).abs() < 0.1);
    }

    #[test]
    fn paths_vary_by_thread_and_count() {
        let p = Paths {
            template: "/s?q={t}&limit={n}".into(),
            t_values: vec!["A".into(), "a".into()],
            n_base: 1,
            n_span: 18,
            n_thread_offset: 0,
        };
        assert_eq!(p.path(0, 17), "/s?q=A&limit=18");
        assert_eq!(p.path(1, 18), "/s?q=a&limit=1");
        let lua = p.lua(&[("X-API-Key", "k")]);
        assert!(
            lua.contains("\"/s?q=\" .. t .. \"&limit=\" .. string.format(\"%d\", n)"),
            "{lua}"
        );
        assert!(lua.contains("[\"X-API-Key\"] = \"k\""), "{lua}");
        assert_eq!(Paths::fixed("/x").path(1, 99), "/x");
    }
}
