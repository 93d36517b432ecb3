//! The fault matrix: every shipped site's probe (the representative action it declares with
//! `SiteDescription::probe`) run through the real gateway against a scripted mock upstream on
//! 127.0.0.1 playing one fault at a time — 429 in its four forms, 5xx bursts and outages, slow
//! headers, trickled, truncated and reset bodies, an empty 200, a wrong content type, Cloudflare
//! and DataDome challenges, a login wall, 50 MB bodies with and without a length, and redirects
//! to the metadata address, loopback and a foreign host — each answer checked for its status,
//! `code`, `retryable` and `Retry-After`, the attempts the access log counted, the requests the
//! upstream saw (none to a forbidden host), and a `/health` that still answers.
//!
//! The suite is generic over the registry: a site joins it by declaring its probe (and the
//! settings the probe needs), and a shipped site without one fails `every_site_has_a_probe`.
//! Run with `--nocapture` to see the matrix.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod upstream;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::Duration;

use gateway::Application;
use scraper_core::SiteDescription;
use scraper_core::testing::probe::LOGIN_WALL;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;
use upstream::{Reply, Script, Upstream};

/// The `Retry-After` a client must see.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// None at all.
    No,
    /// Exactly these seconds.
    Exactly(u64),
    /// At most these seconds.
    AtMost(u64),
}

/// A count the answer must show.
#[derive(Debug, Clone, Copy)]
enum Count {
    Exactly(u64),
    AtLeast(u64),
}

impl Count {
    fn holds(self, n: u64) -> bool {
        match self {
            Self::Exactly(m) => n == m,
            Self::AtLeast(m) => n >= m,
        }
    }
}

/// What a client must get for one fault.
#[derive(Debug, Clone, Copy)]
struct Expect {
    status: u16,
    code: &'static str,
    retryable: bool,
    retry_after: Wait,
    /// `meta.attempts` of the access log: attempts of the request that failed.
    attempts: Count,
    /// Requests the upstream received.
    hits: Count,
}

/// One fault of the matrix.
struct Fault {
    name: &'static str,
    script: fn() -> Script,
    expect: Expect,
    /// The fault is slowness: attempts and deadline are short.
    slow: bool,
}

/// Hosts no request may reach, whatever the fault.
const FORBIDDEN_HOSTS: &[&str] = &["169.254.169.254", "127.0.0.1", "evil.example"];

const CLOUDFLARE: &str = "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body><div id=\"challenge-body-text\">Checking your browser.</div><script>window._cf_chl_opt={cvId:'3',cZone:'example.com',cType:'managed'};</script></body></html>";
const DATADOME: &str = r#"{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMAz&hash=A55FBF4311ED6F1BF9911EB71931D5&cid=abc&t=fe&referer=x&s=7"}"#;
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const FIFTY_MB: usize = 50 * 1024 * 1024;

fn status(code: u16) -> Reply {
    Reply::full(
        code,
        &[("content-type", "text/plain")],
        format!("HTTP {code}"),
    )
}

fn burst(code: u16) -> Script {
    Script {
        first: vec![status(code), status(code)],
        then: Reply::full(200, &[("content-type", "application/json")], "{}"),
    }
}

fn redirect(to: &str) -> Script {
    Script::always(Reply::full(302, &[("location", to)], ""))
}

const fn expect(status: u16, code: &'static str, attempts: Count, hits: Count) -> Expect {
    Expect {
        status,
        code,
        retryable: matches!(status, 429 | 503 | 504),
        retry_after: Wait::No,
        attempts,
        hits,
    }
}

const ONCE: Count = Count::Exactly(1);
const THRICE: Count = Count::Exactly(3);
/// A 5xx burst of two then `200 {}`: the third attempt gets an answer the site cannot read.
const AFTER_BURST: Expect = expect(502, "upstream_changed", THRICE, Count::AtLeast(3));
const DOWN: Expect = expect(503, "upstream_unavailable", THRICE, THRICE);
const CHANGED: Expect = expect(502, "upstream_changed", ONCE, ONCE);

static RATE_LIMITS: &[Fault] = &[
    Fault {
        name: "429 Retry-After: 1",
        script: || Script::always(Reply::full(429, &[("retry-after", "1")], "")),
        expect: Expect {
            retry_after: Wait::Exactly(1),
            ..expect(429, "rate_limited", THRICE, THRICE)
        },
        slow: false,
    },
    Fault {
        name: "429 Retry-After: a date 2 s ahead",
        script: || Script::always(Reply::RetryAt(2)),
        expect: Expect {
            retry_after: Wait::AtMost(2),
            ..expect(429, "rate_limited", THRICE, THRICE)
        },
        slow: false,
    },
    Fault {
        name: "429 Retry-After: 2^64-1",
        script: || {
            Script::always(Reply::full(
                429,
                &[("retry-after", "18446744073709551615")],
                "",
            ))
        },
        // Capped at a day, which is past the deadline: no retry.
        expect: Expect {
            retry_after: Wait::Exactly(86_400),
            ..expect(429, "rate_limited", ONCE, ONCE)
        },
        slow: false,
    },
    Fault {
        name: "429 Retry-After: a date in the past",
        script: || Script::always(Reply::RetryAt(-3600)),
        expect: Expect {
            retry_after: Wait::Exactly(0),
            ..expect(429, "rate_limited", THRICE, THRICE)
        },
        slow: false,
    },
];

static SERVER_ERRORS: &[Fault] = &[
    Fault {
        name: "500 burst",
        script: || burst(500),
        expect: AFTER_BURST,
        slow: false,
    },
    Fault {
        name: "502 burst",
        script: || burst(502),
        expect: AFTER_BURST,
        slow: false,
    },
    Fault {
        name: "503 burst",
        script: || burst(503),
        expect: AFTER_BURST,
        slow: false,
    },
    Fault {
        name: "504 burst",
        script: || burst(504),
        expect: AFTER_BURST,
        slow: false,
    },
    Fault {
        name: "500 forever",
        script: || Script::always(status(500)),
        expect: DOWN,
        slow: false,
    },
    Fault {
        name: "502 forever",
        script: || Script::always(status(502)),
        expect: DOWN,
        slow: false,
    },
    Fault {
        name: "503 forever",
        script: || Script::always(status(503)),
        expect: DOWN,
        slow: false,
    },
    Fault {
        name: "504 forever",
        script: || Script::always(status(504)),
        expect: DOWN,
        slow: false,
    },
];

static BROKEN_BODIES: &[Fault] = &[
    Fault {
        name: "slow headers",
        script: || Script::always(Reply::Stall),
        expect: expect(
            504,
            "upstream_timeout",
            Count::AtLeast(1),
            Count::AtLeast(1),
        ),
        slow: true,
    },
    Fault {
        name: "trickled body",
        script: || {
            Script::always(Reply::Stream {
                total: 100_000,
                declared: true,
                chunk: 16,
                pause: Duration::from_millis(100),
            })
        },
        expect: expect(
            504,
            "upstream_timeout",
            Count::AtLeast(1),
            Count::AtLeast(1),
        ),
        slow: true,
    },
    Fault {
        name: "truncated body",
        script: || {
            Script::always(Reply::Short {
                declared: 1000,
                sent: 100,
                reset: false,
            })
        },
        expect: DOWN,
        slow: false,
    },
    Fault {
        name: "reset mid-body",
        script: || {
            Script::always(Reply::Short {
                declared: 1000,
                sent: 100,
                reset: true,
            })
        },
        expect: DOWN,
        slow: false,
    },
];

static NOT_THE_PAGE: &[Fault] = &[
    Fault {
        name: "empty 200",
        script: || Script::always(Reply::full(200, &[], "")),
        expect: CHANGED,
        slow: false,
    },
    Fault {
        name: "wrong content type",
        script: || Script::always(Reply::full(200, &[("content-type", "image/png")], PNG)),
        expect: CHANGED,
        slow: false,
    },
    Fault {
        name: "Cloudflare challenge",
        script: || {
            Script::always(Reply::full(
                403,
                &[
                    ("content-type", "text/html; charset=UTF-8"),
                    ("cf-mitigated", "challenge"),
                ],
                CLOUDFLARE,
            ))
        },
        expect: expect(502, "blocked", ONCE, ONCE),
        slow: false,
    },
    Fault {
        name: "DataDome challenge",
        script: || {
            Script::always(Reply::full(
                403,
                &[
                    ("content-type", "application/json"),
                    ("x-datadome", "protected"),
                ],
                DATADOME,
            ))
        },
        expect: expect(502, "blocked", ONCE, ONCE),
        slow: false,
    },
    Fault {
        name: "200 login wall",
        script: || {
            Script::always(Reply::full(
                200,
                &[("content-type", "text/html; charset=utf-8")],
                LOGIN_WALL,
            ))
        },
        expect: expect(502, "login_required", ONCE, ONCE),
        slow: false,
    },
];

static HUGE_BODIES: &[Fault] = &[
    Fault {
        name: "50 MB with Content-Length",
        script: || {
            Script::always(Reply::Stream {
                total: FIFTY_MB,
                declared: true,
                chunk: 64 * 1024,
                pause: Duration::ZERO,
            })
        },
        expect: CHANGED,
        slow: false,
    },
    Fault {
        name: "50 MB chunked",
        script: || {
            Script::always(Reply::Stream {
                total: FIFTY_MB,
                declared: false,
                chunk: 64 * 1024,
                pause: Duration::ZERO,
            })
        },
        expect: CHANGED,
        slow: false,
    },
];

static REDIRECTS: &[Fault] = &[
    Fault {
        name: "redirect to the metadata address",
        script: || redirect("http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
        expect: CHANGED,
        slow: false,
    },
    Fault {
        name: "redirect to loopback",
        script: || redirect("http://127.0.0.1:8000/admin"),
        expect: CHANGED,
        slow: false,
    },
    Fault {
        name: "redirect to a foreign host",
        script: || redirect("https://evil.example/steal"),
        expect: CHANGED,
        slow: false,
    },
];

/// What one (site, fault) produced.
#[derive(Debug)]
struct Row {
    site: &'static str,
    fault: &'static str,
    status: u16,
    code: String,
    retryable: Option<bool>,
    retry_after: Option<String>,
    attempts: Option<u64>,
    hits: usize,
    forbidden: Vec<String>,
    health: u16,
    problems: Vec<String>,
}

/// `meta.attempts` of each request id, as the access log wrote it.
static ATTEMPTS: LazyLock<Mutex<HashMap<String, u64>>> = LazyLock::new(Mutex::default);

/// A tracing layer keeping the `attempts` of every access-log line by its request id.
struct AccessLog;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AccessLog {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "request" {
            return;
        }
        #[derive(Default)]
        struct Fields {
            id: Option<String>,
            attempts: Option<u64>,
        }
        impl Visit for Fields {
            fn record_str(&mut self, field: &Field, value: &str) {
                if field.name() == "request_id" {
                    self.id = Some(value.to_owned());
                }
            }
            fn record_u64(&mut self, field: &Field, value: u64) {
                if field.name() == "attempts" {
                    self.attempts = Some(value);
                }
            }
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                if field.name() == "request_id" {
                    self.id = Some(format!("{value:?}").trim_matches('"').to_owned());
                }
            }
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let (Some(id), Some(attempts)) = (fields.id, fields.attempts) {
            ATTEMPTS.lock().unwrap().insert(id, attempts);
        }
    }
}

fn install_log() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::registry().with(AccessLog).try_init();
    });
}

/// The shipped sites that declare a probe.
fn probed_sites() -> Vec<&'static SiteDescription> {
    let registered = scraper_core::registered().unwrap();
    gateway::plugins::EXPECTED_SITES
        .iter()
        .filter_map(|slug| registered.iter().find(|r| r.site.slug == *slug))
        .map(|r| r.site)
        .filter(|site| site.probe.is_some())
        .collect()
}

/// Plays `fault` to `site`'s probe through a gateway of its own.
async fn play(site: &'static SiteDescription, fault: &'static Fault) -> Row {
    let probe = site.probe.unwrap();
    let upstream = Upstream::start((fault.script)()).await;
    let mut settings = tests::test_settings(&upstream.uri);
    settings.workers = 1;
    // Short for the faults that are slowness, generous for the others (a loaded debug build
    // must not turn them into timeouts).
    let (attempt, deadline) = if fault.slow { (2, 7) } else { (10, 25) };
    settings.upstream_attempt_timeout_secs = attempt;
    settings.request_timeout_secs = deadline;
    settings.sites.insert(
        site.slug.to_owned(),
        probe
            .settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    );
    let app = Application::build(settings).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let request_id = format!("faults-{}-{}", site.slug, fault.name.replace(' ', "_"));
    let response = client
        .get(format!(
            "{address}/v1/{}/{}?{}",
            site.slug, probe.action, probe.params
        ))
        .header("x-api-key", tests::API_KEY)
        .header("x-request-id", &request_id)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let health = client
        .get(format!("{address}/health"))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16());
    handle.stop(false).await;
    let hits = upstream.hits();
    let forbidden = hits
        .iter()
        .filter(|hit| {
            FORBIDDEN_HOSTS
                .iter()
                .any(|host| hit.host.split(':').next() == Some(*host))
        })
        .map(|hit| format!("{}{}", hit.host, hit.path))
        .collect();
    let mut row = Row {
        site: site.slug,
        fault: fault.name,
        status,
        code: body["code"].as_str().unwrap_or("-").to_owned(),
        retryable: body["retryable"].as_bool(),
        retry_after,
        attempts: ATTEMPTS.lock().unwrap().get(&request_id).copied(),
        hits: hits.len(),
        forbidden,
        health,
        problems: Vec::new(),
    };
    row.problems = check(&row, &fault.expect, &body);
    row
}

/// What differs from the expectation.
fn check(row: &Row, expect: &Expect, body: &serde_json::Value) -> Vec<String> {
    let mut problems = Vec::new();
    if row.status != expect.status || row.code != expect.code {
        problems.push(format!(
            "got {} {} ({}), want {} {}",
            row.status,
            row.code,
            body["detail"].as_str().unwrap_or_default(),
            expect.status,
            expect.code
        ));
    }
    if row.retryable != Some(expect.retryable) {
        problems.push(format!(
            "retryable {:?}, want {}",
            row.retryable, expect.retryable
        ));
    }
    let seconds = row
        .retry_after
        .as_deref()
        .and_then(|v| v.parse::<u64>().ok());
    let wait_ok = match expect.retry_after {
        Wait::No => row.retry_after.is_none(),
        Wait::Exactly(s) => seconds == Some(s) && body["retry_after"] == s,
        Wait::AtMost(s) => seconds.is_some_and(|got| got <= s),
    };
    if !wait_ok {
        problems.push(format!(
            "Retry-After {:?}, want {:?}",
            row.retry_after, expect.retry_after
        ));
    }
    if !row.attempts.is_some_and(|n| expect.attempts.holds(n)) {
        problems.push(format!(
            "attempts {:?}, want {:?}",
            row.attempts, expect.attempts
        ));
    }
    if !expect.hits.holds(row.hits as u64) {
        problems.push(format!(
            "upstream hits {}, want {:?}",
            row.hits, expect.hits
        ));
    }
    if !row.forbidden.is_empty() {
        problems.push(format!("requests reached {:?}", row.forbidden));
    }
    if row.health != 200 {
        problems.push(format!("/health answered {} afterwards", row.health));
    }
    problems
}

/// Plays every fault of `faults` to every probed site, a few gateways at a time, prints the
/// matrix and fails on any row that is not as expected.
async fn matrix(faults: &'static [Fault]) {
    install_log();
    let sites = probed_sites();
    assert!(!sites.is_empty(), "no shipped site declares a probe");
    let slots = Arc::new(tokio::sync::Semaphore::new(4));
    let mut set = tokio::task::JoinSet::new();
    for site in &sites {
        for fault in faults {
            let (site, slots) = (*site, slots.clone());
            set.spawn(async move {
                let _slot = slots.acquire_owned().await.unwrap();
                play(site, fault).await
            });
        }
    }
    let mut rows = Vec::new();
    while let Some(row) = set.join_next().await {
        rows.push(row.unwrap());
    }
    rows.sort_by_key(|r| {
        (
            r.site,
            faults.iter().position(|f| f.name == r.fault).unwrap_or(0),
        )
    });
    let mut table = String::new();
    let mut failed = 0;
    for row in &rows {
        let verdict = if row.problems.is_empty() {
            "ok"
        } else {
            "FAIL"
        };
        failed += usize::from(!row.problems.is_empty());
        let _ = writeln!(
            table,
            "{verdict:4} {:10} {:38} {} {:20} retryable={:5} retry-after={:6} attempts={} hits={}{}",
            row.site,
            row.fault,
            row.status,
            row.code,
            row.retryable.map_or("-".into(), |r| r.to_string()),
            row.retry_after.as_deref().unwrap_or("-"),
            row.attempts.map_or("-".into(), |a| a.to_string()),
            row.hits,
            if row.problems.is_empty() {
                String::new()
            } else {
                format!("\n       {}", row.problems.join("\n       "))
            }
        );
    }
    print_table(&table);
    assert_eq!(
        failed,
        0,
        "{failed} of {} rows failed:\n{table}",
        rows.len()
    );
}

#[expect(clippy::print_stdout, reason = "the matrix, for --nocapture")]
fn print_table(table: &str) {
    println!("{table}");
}

#[test]
fn every_site_has_a_probe() {
    let registered = scraper_core::registered().unwrap();
    for slug in gateway::plugins::EXPECTED_SITES {
        let site = registered
            .iter()
            .find(|r| r.site.slug == *slug)
            .unwrap()
            .site;
        let probe = site.probe.unwrap_or_else(|| {
            panic!("{slug} declares no probe: add .probe(\"<action>\", \"<params>\") to its SiteDescription")
        });
        assert!(
            site.action(probe.action).is_some(),
            "{slug}'s probe names no action of it: {}",
            probe.action
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rate_limits() {
    matrix(RATE_LIMITS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_errors() {
    matrix(SERVER_ERRORS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_and_broken_bodies() {
    matrix(BROKEN_BODIES).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_that_are_not_the_page() {
    matrix(NOT_THE_PAGE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn huge_bodies() {
    matrix(HUGE_BODIES).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_redirects() {
    matrix(REDIRECTS).await;
}
