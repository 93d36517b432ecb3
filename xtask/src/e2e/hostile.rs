//! `cargo xtask e2e hostile`: the gateway binary against hostile clients and a hostile
//! upstream, measured from outside. Slow bodies: 1,000 connections each send a POST head and
//! then trickle their body a byte a second; every one must be closed within the client timeout
//! while `/health` keeps answering. Memory: a mock upstream of our own answers every request
//! with 9.5 MiB (just under the body cap) to 48 clients at once, none of whose questions the
//! cache or a shared scrape can answer, for several rounds; the gateway's peak RSS (`VmHWM`)
//! must stay under a budget below the compose limit. Everything listens on 127.0.0.1 and is
//! stopped (by PID) at the end.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use xshell::{Shell, cmd};

use crate::process::{Guard, free_port, wait_for_port};

/// The key the checked gateway accepts.
const KEY: &str = "hostile-check-key-0123456789";
/// Slow-body connections at once.
const SLOW_CLIENTS: usize = 1000;
/// The gateway's client timeout (`TECHNO_SCRAPER_CLIENT_TIMEOUT_SECS`, its default).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// The size of every upstream answer of the memory check: just under the 10 MiB cap.
const BODY_BYTES: usize = 9 * 1024 * 1024 + 512 * 1024;
/// Clients at once in the memory check.
const CLIENTS: usize = 48;
/// The peak RSS allowed, in MiB: the compose limit (256 MB) less room for the allocator's
/// slack and what a container adds.
const RSS_BUDGET_MIB: f64 = 200.0;

/// `cargo xtask e2e hostile` flags.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Check the release build of the gateway (default: the debug build the tests made).
    #[arg(long)]
    pub(crate) release: bool,
    /// Rounds of 48 clients in the memory check.
    #[arg(long, default_value_t = 3)]
    pub(crate) rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            release: false,
            rounds: 3,
        }
    }
}

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let binary = crate::process::build_gateway(sh, options.release)?;
    let upstream = Upstream::start(BODY_BYTES)?;
    // Every required site setting gets a placeholder, so that every site is configured.
    let catalogue = cmd!(sh, "{binary} sites --json").quiet().read()?;
    let catalogue: serde_json::Value = serde_json::from_str(&catalogue)?;
    let mut placeholders = Vec::new();
    let mut probes = Vec::new();
    for site in catalogue.as_array().into_iter().flatten() {
        let slug = site["slug"].as_str().unwrap_or_default().to_owned();
        for setting in site["settings"].as_array().into_iter().flatten() {
            if setting["required"].as_bool() == Some(true) {
                let var = setting["env"].as_str().map_or_else(
                    || {
                        format!(
                            "TECHNO_SCRAPER_{}_{}",
                            slug.to_ascii_uppercase(),
                            setting["name"]
                                .as_str()
                                .unwrap_or_default()
                                .to_ascii_uppercase()
                        )
                    },
                    str::to_owned,
                );
                placeholders.push((var, "hostile-check-placeholder-0123".to_owned()));
            }
        }
        // An action whose example starts with a free-text parameter (a query, a handle): made
        // unique per client, it is a question nobody asked before.
        let actions = site["actions"].as_array().cloned().unwrap_or_default();
        let free_text = |action: &serde_json::Value| {
            let path = action["example"]["path"].as_str().unwrap_or_default();
            let first = path.split_once('?').map_or("", |(_, q)| q);
            ["q=", "user=", "page=", "subdomain="]
                .iter()
                .any(|p| first.starts_with(p))
        };
        if let Some(action) = actions.iter().find(|a| free_text(a)).or(actions.first()) {
            let path = action["example"]["path"].as_str().unwrap_or_default();
            if !path.is_empty() {
                probes.push((slug, path.to_owned()));
            }
        }
    }
    anyhow::ensure!(!probes.is_empty(), "the catalogue lists no action example");
    let port = free_port()?;
    let mut child = Command::new(&binary);
    child
        .arg("serve")
        .env("TECHNO_SCRAPER_BIND", format!("127.0.0.1:{port}"))
        .env("TECHNO_SCRAPER_API_KEYS", KEY)
        .env("TECHNO_SCRAPER_UPSTREAM_OVERRIDE", &upstream.uri)
        .env("TECHNO_SCRAPER_LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (var, value) in &placeholders {
        child.env(var, value);
    }
    let child = child.spawn().context("could not start the gateway")?;
    let pid = child.id();
    let mut gateway = Guard::new("gateway", child);
    wait_for_port(port, &mut gateway, Duration::from_secs(30))?;
    let (baseline, _) = crate::bench::procstat::rss_mib(pid)?;
    println!("gateway pid {pid} on 127.0.0.1:{port}; RSS at rest {baseline:.0} MiB");

    let route = probes[0].1.split('?').next().unwrap_or_default().to_owned();
    let slow = slow_bodies(port, &route)?;
    println!(
        "slow bodies: {} connections trickling a POST body; all closed after at most {:.1} s (median {:.1} s; client timeout {} s); /health answered in at most {} ms meanwhile",
        SLOW_CLIENTS,
        slow.slowest.as_secs_f64(),
        slow.median.as_secs_f64(),
        CLIENT_TIMEOUT.as_secs(),
        slow.health_ms
    );
    gateway.ensure_running()?;

    let memory = memory(port, pid, &probes, &upstream, options.rounds)?;
    gateway.ensure_running()?;
    let health = super::http::get(port, "/health", &[])?;
    anyhow::ensure!(
        health.status == 200,
        "/health answered {} after the memory check",
        health.status
    );
    println!(
        "memory: {} rounds of {CLIENTS} clients, {} upstream answers of {:.1} MiB ({} of them at once at most); peak RSS {:.0} MiB (VmHWM; budget {RSS_BUDGET_MIB:.0} MiB, compose limit 256 MB); answers {}",
        options.rounds,
        memory.hits,
        BODY_BYTES as f64 / (1024.0 * 1024.0),
        memory.most_at_once,
        memory.peak_mib,
        memory.statuses
    );
    anyhow::ensure!(
        slow.slowest <= CLIENT_TIMEOUT,
        "a slow body held its connection for {:.1} s, past the client timeout",
        slow.slowest.as_secs_f64()
    );
    anyhow::ensure!(
        memory.peak_mib <= RSS_BUDGET_MIB,
        "peak RSS {:.0} MiB is over the budget of {RSS_BUDGET_MIB:.0} MiB",
        memory.peak_mib
    );
    println!("\ne2e hostile: all checks passed");
    Ok(())
}

/// What the slow-body check measured.
struct Slow {
    slowest: Duration,
    median: Duration,
    health_ms: u128,
}

/// Opens the slow connections to `route` (a scrape, which reads its body), trickles a byte a
/// second on each, and times when the gateway closes them.
fn slow_bodies(port: u16, route: &str) -> anyhow::Result<Slow> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let head = format!(
        "POST {route} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {KEY}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{{"
    );
    let mut open = Vec::with_capacity(SLOW_CLIENTS);
    for _ in 0..SLOW_CLIENTS {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.write_all(head.as_bytes())?;
        stream.set_nonblocking(true)?;
        open.push((stream, Instant::now(), None::<Duration>));
    }
    let started = Instant::now();
    let mut health_ms = 0;
    let mut buf = [0u8; 4096];
    while open.iter().any(|(_, _, closed)| closed.is_none())
        && started.elapsed() < CLIENT_TIMEOUT * 3
    {
        for (stream, since, closed) in &mut open {
            if closed.is_some() {
                continue;
            }
            let gone = match stream.read(&mut buf) {
                Ok(0) => true,
                Ok(_) => false,
                Err(e) if e.kind() == ErrorKind::WouldBlock => false,
                Err(_) => true,
            } || matches!(stream.write(b" "), Err(e) if e.kind() != ErrorKind::WouldBlock);
            if gone {
                *closed = Some(since.elapsed());
            }
        }
        let asked = Instant::now();
        let health = super::http::get(port, "/health", &[])?;
        anyhow::ensure!(
            health.status == 200,
            "/health answered {} during the slow bodies",
            health.status
        );
        health_ms = health_ms.max(asked.elapsed().as_millis());
        std::thread::sleep(Duration::from_secs(1));
    }
    let mut times: Vec<Duration> = open
        .iter()
        .map(|(_, since, closed)| closed.unwrap_or_else(|| since.elapsed()))
        .collect();
    times.sort();
    Ok(Slow {
        slowest: times.last().copied().unwrap_or_default(),
        median: times.get(times.len() / 2).copied().unwrap_or_default(),
        health_ms,
    })
}

/// What the memory check measured.
struct Memory {
    peak_mib: f64,
    hits: usize,
    most_at_once: usize,
    statuses: String,
}

/// Rounds of 48 clients asking questions nobody asked before; the upstream answers 9.5 MiB.
fn memory(
    port: u16,
    pid: u32,
    probes: &[(String, String)],
    upstream: &Upstream,
    rounds: usize,
) -> anyhow::Result<Memory> {
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut question = 0usize;
    for _ in 0..rounds {
        let mut clients = Vec::new();
        for i in 0..CLIENTS {
            question += 1;
            let (_, path) = &probes[i % probes.len()];
            let path = unique(path, question);
            clients.push(std::thread::spawn(move || status_of(port, &path)));
        }
        for client in clients {
            let status = client
                .join()
                .map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
            *statuses.entry(status).or_default() += 1;
        }
    }
    let statuses = statuses
        .iter()
        .map(|(status, n)| format!("{n}× {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Memory {
        peak_mib: crate::bench::procstat::rss_mib(pid)?.1,
        hits: upstream.hits.load(Ordering::Relaxed),
        most_at_once: upstream.most.load(Ordering::Relaxed),
        statuses,
    })
}

/// The status of `GET path` with the key, waiting as long as a scrape may take (and more).
fn status_of(port: u16, path: &str) -> anyhow::Result<u16> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(90)))?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {KEY}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut head = [0u8; 16];
    stream
        .read_exact(&mut head)
        .with_context(|| format!("no answer to GET {path}"))?;
    let status = std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in the answer to GET {path}"))?;
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    Ok(status)
}

/// `path` with its first parameter's value made unique (digits appended), so that neither the
/// cache nor a scrape in flight answers it.
fn unique(path: &str, n: usize) -> String {
    let Some((route, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let mut pairs: Vec<String> = query.split('&').map(str::to_owned).collect();
    if let Some(first) = pairs.first_mut() {
        first.push_str(&n.to_string());
    }
    format!("{route}?{}", pairs.join("&"))
}

/// The mock upstream: every request answered `200` with the same large HTML body.
struct Upstream {
    uri: String,
    hits: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Upstream {
    fn start(size: usize) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let uri = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
        let mut body = b"<!DOCTYPE html><html><head><title>x</title></head><body>".to_vec();
        while body.len() + 64 < size {
            body.extend_from_slice(b"<div class=\"item\"><a href=\"/x\">an item</a></div>\n");
        }
        body.resize(size - 14, b' ');
        body.extend_from_slice(b"</body></html>");
        let mut answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        answer.extend_from_slice(&body);
        let answer = Arc::new(answer);
        let hits = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let (counted, highest) = (hits.clone(), most.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (answer, counted, highest, now) = (
                    answer.clone(),
                    counted.clone(),
                    highest.clone(),
                    now.clone(),
                );
                std::thread::spawn(move || {
                    counted.fetch_add(1, Ordering::Relaxed);
                    let at_once = now.fetch_add(1, Ordering::Relaxed) + 1;
                    highest.fetch_max(at_once, Ordering::Relaxed);
                    let _ = answer_one(stream, &answer);
                    now.fetch_sub(1, Ordering::Relaxed);
                });
            }
        });
        Ok(Self { uri, hits, most })
    }
}

/// Reads a request head and writes the answer.
fn answer_one(mut stream: TcpStream, answer: &[u8]) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 1 << 20 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    stream.write_all(answer)?;
    stream.flush()
}
