//! `cargo xtask bench`: the gateway under load on this machine, next to a bare actix app serving
//! the same bytes. A fast static upstream (nginx, installed with apt-get when it can be, else our
//! own `serve-static`) serves the recorded pages of ../shared/corpus; wrk (same) drives the load.
//! It measures, for a Bandcamp search, Beatport's Top 100 and a SoundCloud profile: uncached
//! answers (distinct questions, the cache off) and cached ones (rps, p50, p99, CPU per answer,
//! the gateway's own CPU read from /proc), the bare app on the cached bytes, a burst of identical
//! requests against a slow upstream (single flight), and resident memory before, during and
//! after a soak of 256 connections. It prints the table docs/PERFORMANCE.md records, with the
//! issue's targets checked, and writes it to target/bench/report.md.
//!
//! `--smoke` is the short run `cargo xtask ci` makes: the debug builds the tests made, a second
//! per measurement, no parse benchmarks; it proves the machinery, its numbers mean little.

mod load;
pub(crate) mod procstat;
pub(crate) mod upstream;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use xshell::{Shell, cmd};

use crate::process::{Guard, free_port, wait_for_port};
use load::{Measured, Paths};

/// How a bench runs.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Options {
    /// The short run of `cargo xtask ci`: debug builds, one second per measurement.
    #[arg(long)]
    pub(crate) smoke: bool,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 10)]
    pub(crate) seconds: u64,
    /// Seconds of the memory soak (256 connections).
    #[arg(long, default_value_t = 60)]
    pub(crate) soak_seconds: u64,
    /// Connections of the throughput runs.
    #[arg(long, default_value_t = 32)]
    pub(crate) connections: usize,
    /// The gateway's log level (the access log at info is what production pays).
    #[arg(long, default_value = "info")]
    pub(crate) log_level: String,
    /// Where the corpus lives.
    #[arg(long, default_value = "../shared/corpus")]
    pub(crate) corpus: String,
}

impl Options {
    /// The smoke run of `cargo xtask ci`.
    pub(crate) fn smoke() -> Self {
        Self {
            smoke: true,
            seconds: 1,
            soak_seconds: 3,
            connections: 16,
            log_level: "info".into(),
            corpus: "../shared/corpus".into(),
        }
    }
}

const KEY: &str = "bench-key-0123456789";

/// One page the bench asks for.
struct Case {
    name: &'static str,
    site: &'static str,
    /// The recorded page behind it (its size is shown).
    page: &'static str,
    /// The cached run's request.
    cached: &'static str,
    /// The uncached run's requests: distinct questions, the same upstream page.
    uncached: Paths,
    /// The criterion benchmark of its parser: crate, bench id.
    parse_bench: (&'static str, &'static str),
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "Bandcamp search",
            site: "bandcamp",
            page: "bandcamp/search_c418.json",
            cached: "/v1/bandcamp/search?q=C418&limit=10",
            // Limits 1..18 of two spellings: 36 questions, one 18-hit page upstream.
            uncached: Paths {
                template: "/v1/bandcamp/search?q={t}&limit={n}".into(),
                t_values: vec!["C418".into(), "c418".into()],
                n_base: 1,
                n_span: 18,
                n_thread_offset: 0,
            },
            parse_bench: ("scraper-bandcamp", "search_page/recorded_c418_18_hits"),
        },
        Case {
            name: "Beatport Top 100",
            site: "beatport",
            page: "beatport/genre_deep_house_12_top100.json",
            cached: "/v1/beatport/top100?genre_id=12&limit=100",
            uncached: Paths {
                template: "/v1/beatport/top100?genre_id=12&limit={n}".into(),
                t_values: vec![String::new()],
                n_base: 1,
                n_span: 50,
                n_thread_offset: 50,
            },
            parse_bench: ("scraper-beatport", "top100/recorded_genre_page"),
        },
        Case {
            name: "SoundCloud profile",
            site: "soundcloud",
            page: "soundcloud/users_542134.json",
            cached: "/v1/soundcloud/profile?user=542134",
            uncached: Paths {
                template: "/v1/soundcloud/profile?user={n}".into(),
                t_values: vec![String::new()],
                n_base: 1_000_000,
                n_span: 100_000,
                n_thread_offset: 100_000,
            },
            parse_bench: ("scraper-soundcloud", "parse/user"),
        },
    ]
}

/// Installs a Debian package when this runs as root with apt-get; silent otherwise.
pub(crate) fn apt_install(package: &str) {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if !is_root || !Path::new("/usr/bin/apt-get").exists() {
        return;
    }
    println!("bench: installing {package} with apt-get");
    let quiet = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !quiet(&["install", "-y", "-qq", package]) {
        let _ = quiet(&["update", "-qq"]);
        let _ = quiet(&["install", "-y", "-qq", package]);
    }
}

/// A gateway process.
struct Gateway {
    _guard: Guard,
    port: u16,
    pid: u32,
}

impl Gateway {
    fn start(binary: &Path, upstream: u16, cache_mb: u64, log_level: &str) -> anyhow::Result<Self> {
        let port = free_port()?;
        let child = Command::new(binary)
            .arg("serve")
            .env("TECHNO_SCRAPER_BIND", format!("127.0.0.1:{port}"))
            .env("TECHNO_SCRAPER_API_KEYS", KEY)
            .env(
                "TECHNO_SCRAPER_UPSTREAM_OVERRIDE",
                format!("http://127.0.0.1:{upstream}"),
            )
            .env("TECHNO_SCRAPER_CACHE_MAX_MB", cache_mb.to_string())
            .env("TECHNO_SCRAPER_LOG_LEVEL", log_level)
            .env_remove("TECHNO_SCRAPER_CONFIG")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start the gateway")?;
        let pid = child.id();
        let mut guard = Guard::new("techno-scraper", child);
        wait_for_port(port, &mut guard, Duration::from_secs(30))?;
        Ok(Self {
            _guard: guard,
            port,
            pid,
        })
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> anyhow::Result<(u16, Vec<u8>)> {
        let mut all = vec![("X-API-Key", KEY)];
        all.extend_from_slice(headers);
        load::get(self.port, path, &all)
    }

    /// The sum of a metric's samples whose labels contain all of `labels`.
    fn metric(&self, name: &str, labels: &[&str]) -> anyhow::Result<f64> {
        let (_, body) = load::get(self.port, "/metrics", &[])?;
        let text = String::from_utf8_lossy(&body);
        Ok(text
            .lines()
            .filter(|l| l.starts_with(name) && l[name.len()..].starts_with('{'))
            .filter(|l| labels.iter().all(|label| l.contains(label)))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum())
    }
}

/// One measured run of one server.
#[derive(Debug, Clone, Default)]
struct Run {
    load: Measured,
    cpu_per_answer: Duration,
    /// Upstream fetches per answer (uncached runs).
    fetches_per_answer: Option<f64>,
    /// CPU per scrape: the answers that joined a scrape in flight cost next to nothing.
    cpu_per_scrape: Option<Duration>,
    bytes: usize,
}

fn measure(
    wrk: Option<&Path>,
    dir: &Path,
    (port, pid): (u16, u32),
    paths: &Paths,
    headers: &[(&str, &str)],
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Run> {
    let before = procstat::cpu(pid)?;
    let load = load::run(wrk, dir, port, paths, headers, connections, duration)?;
    let used = procstat::cpu(pid)?.saturating_sub(before);
    let answers = load.requests.saturating_sub(load.errors).max(1);
    Ok(Run {
        cpu_per_answer: used / u32::try_from(answers).unwrap_or(u32::MAX),
        load,
        ..Run::default()
    })
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KB", bytes as f64 / 1024.0)
}

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let smoke;
    let options = if options.smoke {
        smoke = Options {
            log_level: options.log_level.clone(),
            corpus: options.corpus.clone(),
            ..Options::smoke()
        };
        &smoke
    } else {
        options
    };
    let root = sh.current_dir();
    let corpus = root.join(&options.corpus);
    if !corpus.join("beatport").is_dir() {
        println!(
            "bench: no corpus at {}; nothing to measure (skipped)",
            corpus.display()
        );
        return Ok(());
    }
    let started = Instant::now();
    let (gateway_bin, xtask_bin) = if options.smoke {
        cmd!(sh, "cargo build --quiet --locked -p gateway").run()?;
        (
            root.join("target/debug/techno-scraper"),
            std::env::current_exe()?,
        )
    } else {
        cmd!(sh, "cargo build --release --locked -p gateway -p xtask").run()?;
        (
            root.join("target/release/techno-scraper"),
            root.join("target/release/xtask"),
        )
    };
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let routes = upstream::corpus_routes(&corpus, &dir.join("bodies"))?;
    let (_upstream, upstream_port, upstream_name) = match upstream::start_nginx(&routes, &dir)? {
        Some((guard, port)) => (guard, port, "nginx"),
        None => {
            let (guard, port, _) =
                upstream::start_static(&xtask_bin, &routes, &dir, "upstream", 1)?;
            (guard, port, "serve-static (no nginx here)")
        }
    };
    let wrk = load::find_wrk();
    let load_tool = if wrk.is_some() {
        "wrk"
    } else {
        "xtask's own keep-alive generator (no wrk here)"
    };
    let seconds = Duration::from_secs(options.seconds.max(1));
    let connections = options.connections.max(1);
    let cases = cases();
    let page_bytes = |case: &Case| {
        routes
            .iter()
            .find(|r| r.file.ends_with(case.page.replace('/', "__")))
            .and_then(|r| std::fs::metadata(&r.file).ok())
            .map_or(0, |m| usize::try_from(m.len()).unwrap_or(0))
    };

    // Uncached: the cache off, distinct questions.
    let at = || format!("{:.0} s", started.elapsed().as_secs_f64());
    println!(
        "bench: uncached answers ({upstream_name} upstream, {load_tool}) at {}",
        at()
    );
    let gateway = Gateway::start(&gateway_bin, upstream_port, 0, &options.log_level)?;
    for case in &cases {
        let path = case.uncached.path(0, 0);
        let (status, body) = gateway.get(&path, &[])?;
        anyhow::ensure!(
            status == 200,
            "{path} answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    std::thread::sleep(Duration::from_millis(500));
    let (idle_rss, _) = procstat::rss_mib(gateway.pid)?;
    let mut uncached = Vec::new();
    for case in &cases {
        let site_label = format!("site=\"{}\"", case.site);
        let fetches_before =
            gateway.metric("techno_scraper_upstream_attempts_total", &[&site_label])?;
        let misses_before = gateway.metric(
            "techno_scraper_cache_requests_total",
            &[&site_label, "result=\"miss\""],
        )?;
        let mut run = measure(
            wrk.as_deref(),
            &dir,
            (gateway.port, gateway.pid),
            &case.uncached,
            &[("X-API-Key", KEY)],
            connections,
            seconds,
        )?;
        let fetches = gateway.metric("techno_scraper_upstream_attempts_total", &[&site_label])?
            - fetches_before;
        let scrapes = gateway.metric(
            "techno_scraper_cache_requests_total",
            &[&site_label, "result=\"miss\""],
        )? - misses_before;
        let answers = run.load.requests.saturating_sub(run.load.errors).max(1) as f64;
        run.fetches_per_answer = Some(fetches / answers);
        run.cpu_per_scrape = Some(run.cpu_per_answer.mul_f64(answers / scrapes.max(1.0)));
        run.bytes = page_bytes(case);
        println!(
            "  {}: {:.0} rps, CPU {} per answer, {} errors",
            case.name,
            run.load.rps(),
            us(run.cpu_per_answer),
            run.load.errors
        );
        uncached.push(run);
    }

    // Memory: a soak of 256 connections on the heaviest page, uncached.
    let soak = Duration::from_secs(options.soak_seconds.max(1));
    println!(
        "bench: memory soak, 256 connections for {} s, at {}",
        soak.as_secs(),
        at()
    );
    let sampler = {
        let pid = gateway.pid;
        std::thread::spawn(move || {
            let until = Instant::now() + soak;
            let mut peak: f64 = 0.0;
            while Instant::now() < until {
                if let Ok((now, _)) = procstat::rss_mib(pid) {
                    peak = peak.max(now);
                }
                std::thread::sleep(Duration::from_millis(250));
            }
            peak
        })
    };
    let soak_load = load::run(
        wrk.as_deref(),
        &dir,
        gateway.port,
        &cases[1].uncached,
        &[("X-API-Key", KEY)],
        256,
        soak,
    )?;
    let sampled_peak = sampler.join().unwrap_or(0.0);
    std::thread::sleep(Duration::from_secs(3));
    let (after_rss, hwm) = procstat::rss_mib(gateway.pid)?;
    // jemalloc gives freed pages back over about ten seconds.
    let settled_rss = if options.smoke {
        after_rss
    } else {
        std::thread::sleep(Duration::from_secs(12));
        procstat::rss_mib(gateway.pid)?.0
    };
    let peak_rss = sampled_peak.max(hwm);
    drop(gateway);

    // Cached: warmed once, then the same question.
    println!("bench: cached answers at {}", at());
    let gateway = Gateway::start(&gateway_bin, upstream_port, 64, &options.log_level)?;
    let mut cached = Vec::new();
    let mut cached_gzip = Vec::new();
    let mut bare_routes = Vec::new();
    let bodies = dir.join("answers");
    std::fs::create_dir_all(&bodies)?;
    for case in &cases {
        let _ = gateway.get(case.cached, &[])?;
        let (status, body) = gateway.get(case.cached, &[])?;
        anyhow::ensure!(status == 200, "{} answered {status}", case.cached);
        let (_, gzip) = gateway.get(case.cached, &[("Accept-Encoding", "gzip")])?;
        for (suffix, bytes) in [("", &body), (".gz", &gzip)] {
            let file = bodies.join(format!("{}{suffix}", case.site));
            std::fs::write(&file, bytes)?;
            bare_routes.push(upstream::Route {
                host: "*".into(),
                path: format!("/{}{suffix}", case.site),
                delay_ms: 0,
                content_type: "application/json".into(),
                file,
            });
        }
        let mut run = measure(
            wrk.as_deref(),
            &dir,
            (gateway.port, gateway.pid),
            &Paths::fixed(case.cached),
            &[("X-API-Key", KEY)],
            connections,
            seconds,
        )?;
        run.bytes = body.len();
        let mut gz = measure(
            wrk.as_deref(),
            &dir,
            (gateway.port, gateway.pid),
            &Paths::fixed(case.cached),
            &[("X-API-Key", KEY), ("Accept-Encoding", "gzip")],
            connections,
            seconds,
        )?;
        gz.bytes = gzip.len();
        println!(
            "  {}: {:.0} rps, CPU {} per answer; gzip {:.0} rps",
            case.name,
            run.load.rps(),
            us(run.cpu_per_answer),
            gz.load.rps()
        );
        cached.push(run);
        cached_gzip.push(gz);
    }
    drop(gateway);

    // The bare actix app on the same bytes.
    println!(
        "bench: the bare actix app serving the same bytes at {}",
        at()
    );
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let (bare_guard, bare_port, bare_pid) =
        upstream::start_static(&xtask_bin, &bare_routes, &dir, "bare", workers)?;
    let mut bare = Vec::new();
    let mut bare_gzip = Vec::new();
    for case in &cases {
        for (suffix, into) in [("", &mut bare), (".gz", &mut bare_gzip)] {
            let run = measure(
                wrk.as_deref(),
                &dir,
                (bare_port, bare_pid),
                &Paths::fixed(&format!("/{}{suffix}", case.site)),
                &[],
                connections,
                seconds,
            )?;
            into.push(run);
        }
    }
    drop(bare_guard);

    // Single flight: identical requests at once against an upstream answering in a second.
    println!(
        "bench: 50 identical requests at once, upstream answering in 1 s, at {}",
        at()
    );
    let (slow_guard, slow_port, _) =
        upstream::start_static(&xtask_bin, &routes, &dir, "slow-upstream", 1)?;
    let gateway = Gateway::start(&gateway_bin, slow_port, 64, &options.log_level)?;
    let _ = gateway.get("/v1/soundcloud/profile?user=542134", &[])?;
    let requests_before = gateway.metric(
        "techno_scraper_upstream_requests_total",
        &["site=\"soundcloud\""],
    )?;
    let (statuses, last) = load::burst(
        gateway.port,
        "/v1/soundcloud/profile?user=777",
        &[("X-API-Key", KEY)],
        50,
    );
    let upstream_requests = gateway.metric(
        "techno_scraper_upstream_requests_total",
        &["site=\"soundcloud\""],
    )? - requests_before;
    let scrapes = gateway.metric(
        "techno_scraper_cache_requests_total",
        &["site=\"soundcloud\"", "result=\"miss\""],
    )? - 1.0;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    drop(gateway);
    drop(slow_guard);

    // The parsers alone (criterion), for the uncached CPU target.
    let parse_times: Vec<Option<Duration>> = if options.smoke {
        vec![None; cases.len()]
    } else {
        cases
            .iter()
            .map(|case| parse_bench(sh, &root, case.parse_bench))
            .collect()
    };

    let mut report = String::new();
    let _ = writeln!(
        report,
        "Measured {} on {} cores: gateway {} build (log level {}), upstream {upstream_name}, load {load_tool}, \
         {connections} connections, {} s per measurement.\n",
        chrono_free_date(),
        workers,
        if options.smoke { "debug" } else { "release" },
        options.log_level,
        seconds.as_secs()
    );
    let all_runs = uncached
        .iter()
        .chain(&cached)
        .chain(&cached_gzip)
        .chain(&bare)
        .chain(&bare_gzip);
    let errors: u64 = all_runs.map(|r| r.load.errors).sum();
    if errors > 0 {
        let _ = writeln!(
            report,
            "**{errors} requests of the runs below failed** (non-2xx or socket errors); their numbers are suspect.\n"
        );
    }
    let _ = writeln!(
        report,
        "### Uncached answers (cache off, distinct questions)\n"
    );
    let _ = writeln!(
        report,
        "| page | upstream page | rps | p50 | p99 | CPU per answer | upstream fetches per answer | CPU per scrape | parse bench | scrape ÷ parse |"
    );
    let _ = writeln!(report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut targets = Vec::new();
    for ((case, run), parse) in cases.iter().zip(&uncached).zip(&parse_times) {
        let per_scrape = run.cpu_per_scrape.unwrap_or(run.cpu_per_answer);
        let ratio = parse.map(|p| per_scrape.as_secs_f64() / p.as_secs_f64());
        let _ = writeln!(
            report,
            "| {} | {} | {:.0} | {} | {} | {} | {:.2} | {} | {} | {} |",
            case.name,
            kib(run.bytes),
            run.load.rps(),
            ms(run.load.p50),
            ms(run.load.p99),
            us(run.cpu_per_answer),
            run.fetches_per_answer.unwrap_or(0.0),
            us(per_scrape),
            parse.map_or("—".into(), us),
            ratio.map_or("—".into(), |r| format!("{r:.2}×")),
        );
        if let Some(ratio) = ratio {
            targets.push((
                format!(
                    "{}: CPU per uncached scrape ≤ 1.5× its parse bench",
                    case.name
                ),
                format!("{ratio:.2}×"),
                ratio <= 1.5,
            ));
        }
    }
    for (title, gateway_runs, bare_runs) in [
        ("Cached answers", &cached, &bare),
        (
            "Cached answers with Accept-Encoding: gzip",
            &cached_gzip,
            &bare_gzip,
        ),
    ] {
        let _ = writeln!(
            report,
            "\n### {title} (next to a bare actix app serving the same bytes)\n"
        );
        let _ = writeln!(
            report,
            "| page | answer | gateway rps | p50 | p99 | CPU per answer | bare rps | p50 | p99 | CPU per answer | gateway ÷ bare rps |"
        );
        let _ = writeln!(
            report,
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for ((case, run), b) in cases.iter().zip(gateway_runs).zip(bare_runs) {
            let ratio = run.load.rps() / b.load.rps().max(1.0);
            let _ = writeln!(
                report,
                "| {} | {} | {:.0} | {} | {} | {} | {:.0} | {} | {} | {} | {ratio:.2}× |",
                case.name,
                kib(run.bytes),
                run.load.rps(),
                ms(run.load.p50),
                ms(run.load.p99),
                us(run.cpu_per_answer),
                b.load.rps(),
                ms(b.load.p50),
                ms(b.load.p99),
                us(b.cpu_per_answer),
            );
            if title == "Cached answers" {
                targets.push((
                    format!("{}: cached rps ≥ 0.6× the bare app's", case.name),
                    format!("{ratio:.2}×"),
                    ratio >= 0.6,
                ));
            }
        }
    }
    let _ = writeln!(report, "\n### Single flight\n");
    let _ = writeln!(
        report,
        "50 identical requests at once, cold cache, upstream answering in 1 s: {ok} answered 200, \
         {scrapes:.0} scrape, {upstream_requests:.0} upstream requests (the profile and its links), \
         the last answer after {:.2} s.",
        last.as_secs_f64()
    );
    targets.push((
        "50 identical concurrent requests → 1 fetch".into(),
        format!("{scrapes:.0} scrape"),
        (scrapes - 1.0).abs() < f64::EPSILON && ok == 50,
    ));
    let limit = 2.0 * idle_rss + 32.0;
    let _ = writeln!(report, "\n### Memory (resident set of the gateway)\n");
    let _ = writeln!(
        report,
        "| idle (warmed) | peak | 3 s after {} s of 256 connections on the Top 100, uncached | 15 s after | limit: 2 × idle + 32 MB |",
        soak.as_secs()
    );
    let _ = writeln!(report, "|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        report,
        "| {idle_rss:.1} MB | {peak_rss:.1} MB | {after_rss:.1} MB | {settled_rss:.1} MB | {limit:.1} MB |"
    );
    let _ = writeln!(
        report,
        "\nDuring the soak: {:.0} rps, p50 {}, p99 {}, {} errors.",
        soak_load.rps(),
        ms(soak_load.p50),
        ms(soak_load.p99),
        soak_load.errors
    );
    targets.push((
        "RSS after the soak ≤ 2 × idle + 32 MB".into(),
        format!("{after_rss:.1} MB (3 s), {settled_rss:.1} MB (15 s) of {limit:.1} MB"),
        after_rss <= limit,
    ));
    let _ = writeln!(report, "\n### Targets\n");
    let _ = writeln!(report, "| target | measured | met |");
    let _ = writeln!(report, "|---|---:|:---:|");
    for (target, measured, met) in &targets {
        let _ = writeln!(
            report,
            "| {target} | {measured} | {} |",
            if *met { "yes" } else { "**no**" }
        );
    }
    println!("\n{report}");
    std::fs::write(dir.join("report.md"), &report)?;
    println!(
        "bench: written to target/bench/report.md; took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Today, from `date` (xtask has no date crate).
fn chrono_free_date() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(String::new, |s| s.trim().to_owned())
}

/// The mean time of one criterion benchmark, run briefly.
fn parse_bench(sh: &Shell, root: &Path, (krate, id): (&str, &str)) -> Option<Duration> {
    println!("bench: parse benchmark {krate} {id}");
    let ran = cmd!(
        sh,
        "cargo bench --quiet --locked -p {krate} --bench parse -- {id} --warm-up-time 1 --measurement-time 3 --noplot"
    )
    .ignore_stdout()
    .run();
    if ran.is_err() {
        return None;
    }
    let estimates: PathBuf = root
        .join("target/criterion")
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(estimates).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let nanos = value["mean"]["point_estimate"].as_f64()?;
    Some(Duration::from_secs_f64(nanos / 1e9))
}
