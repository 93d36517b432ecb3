//! Serving under load, through the engine against a local mock upstream: one scrape per
//! distinct question (its answer and its failure shared), answers cached as bytes with a gzip
//! variant, `not_found` remembered briefly and `rate_limited` never, a scrape dropped when nobody
//! waits for it, the circuit breaker, the retry budget, the per-site rate limit, parsing off the
//! async workers, and the metrics that count all of it.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::breaker::{BreakerSettings, CircuitState};
use scraper_core::testing::settings;
use scraper_core::{
    Call, Cx, Engine, EngineSettings, ErrorCode, RawParams, Request, ScrapeError, SiteDescription,
    Success, item, register_site,
};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Pages of a pretend site.
pub static PAGES: SiteDescription =
    SiteDescription::new("pages", "Pages", "https://www.pages.test")
        .hosts(&["www.pages.test"])
        .actions(&[
            item!(page)
                .summary("A page by id, its length and first word")
                .example("id=1")
                .cache_ttl(Duration::from_secs(60)),
            item!(gone)
                .summary("A page that may not exist")
                .example("id=1")
                .cache_ttl(Duration::from_secs(60))
                .negative_ttl(Duration::from_secs(30)),
            item!(parsed)
                .summary("A page parsed off the async workers")
                .example("id=1")
                .cache_ttl(Duration::ZERO),
        ]);

/// A site held to ten requests per second.
pub static SLOW: SiteDescription = SiteDescription::new("slow", "Slow", "https://www.slow.test")
    .hosts(&["www.slow.test"])
    .rate_limit(10.0)
    .actions(&[item!("page" => slow_page)
        .summary("A page")
        .example("id=1")
        .cache_ttl(Duration::ZERO)]);

register_site!(PAGES);
register_site!(SLOW);

/// Which page.
#[derive(Deserialize, JsonSchema)]
struct Id {
    /// Its id.
    id: String,
}

/// What a page holds.
#[derive(Serialize, JsonSchema)]
struct Summary {
    /// Its id.
    id: String,
    /// Its length in bytes.
    len: usize,
    /// Its first word.
    first: Option<String>,
}

fn summarise(id: String, body: &str) -> Result<Summary, ScrapeError> {
    if body.contains("PANIC") {
        panic!("the parser met a PANIC");
    }
    Ok(Summary {
        id,
        len: body.len(),
        first: body.split_whitespace().next().map(str::to_owned),
    })
}

async fn page(cx: Cx<()>, p: Id) -> Result<Summary, ScrapeError> {
    let response = cx
        .fetch(Request::get("https://www.pages.test/page").query(&[("id", &p.id)]))
        .await?;
    response.error_for_status(&format!("page {}", p.id))?;
    summarise(p.id, &response.text())
}

async fn gone(cx: Cx<()>, p: Id) -> Result<Summary, ScrapeError> {
    page(cx, p).await
}

async fn parsed(cx: Cx<()>, p: Id) -> Result<Summary, ScrapeError> {
    let response = cx
        .fetch(Request::get("https://www.pages.test/page").query(&[("id", &p.id)]))
        .await?;
    response.error_for_status("the page")?;
    let id = p.id;
    cx.parse(&response, move |body| summarise(id, body)).await
}

async fn slow_page(cx: Cx<()>, p: Id) -> Result<Summary, ScrapeError> {
    let response = cx
        .fetch(Request::get("https://www.slow.test/page").query(&[("id", &p.id)]))
        .await?;
    summarise(p.id, &response.text())
}

fn engine(slug: &str, upstream: &MockServer, tweak: impl FnOnce(&mut EngineSettings)) -> Engine {
    let mut s = settings(&upstream.uri());
    s.cache_max_bytes = 8 * 1024 * 1024;
    tweak(&mut s);
    scraper_core::testing::engine_with(slug, s, &[])
}

fn call(site: &str, action: &str, query: &str, fresh: bool) -> Call {
    Call {
        site: site.into(),
        action: action.into(),
        params: RawParams::from_query(query).unwrap(),
        request_id: "test".into(),
        bypass_cache: fresh,
    }
}

async fn ask(engine: &Engine, action: &str, query: &str) -> Result<Success, ErrorCode> {
    engine
        .execute(call("pages", action, query, false))
        .await
        .map_err(|f| f.error.code())
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

fn metric(engine: &Engine, line_start: &str) -> f64 {
    engine
        .render_metrics()
        .lines()
        .find_map(|l| l.strip_prefix(line_start))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

async fn serve(server: &MockServer, id: &str, response: ResponseTemplate) {
    Mock::given(path("/page"))
        .and(query_param("id", id))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn fifty_identical_requests_cost_one_fetch() {
    let upstream = MockServer::start().await;
    serve(
        &upstream,
        "7",
        ResponseTemplate::new(200)
            .set_body_string("hello world")
            .set_delay(Duration::from_millis(300)),
    )
    .await;
    let engine = Arc::new(engine("pages", &upstream, |_| {}));
    let started = Instant::now();
    let answers = futures::future::join_all((0..50).map(|_| {
        let engine = engine.clone();
        async move { ask(&engine, "page", "id=7").await.unwrap() }
    }))
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "all answered with the one fetch: {:?}",
        started.elapsed()
    );
    assert_eq!(received(&upstream).await, 1);
    let first = answers[0].to_value(None);
    assert_eq!(first["data"]["first"], "hello");
    for answer in &answers {
        assert_eq!(answer.to_value(None), first);
        assert!(!answer.meta.cached, "they waited for the scrape itself");
    }
    assert_eq!(
        metric(
            &engine,
            "techno_scraper_cache_requests_total{action=\"page\",result=\"coalesced\",site=\"pages\"}"
        ),
        49.0
    );
    assert_eq!(
        metric(
            &engine,
            "techno_scraper_upstream_attempts_total{outcome=\"2xx\",site=\"pages\"}"
        ),
        1.0
    );
    assert_eq!(
        metric(
            &engine,
            "techno_scraper_upstream_bytes_total{site=\"pages\"}"
        ),
        11.0
    );

    let hit = ask(&engine, "page", "id=7").await.unwrap();
    assert!(hit.meta.cached);
    assert_eq!(hit.meta.attempts, 0);
    assert_eq!(received(&upstream).await, 1);
    let mut cached = first.clone();
    cached["meta"]["cached"] = true.into();
    cached["meta"]["attempts"] = 0.into();
    cached["meta"]["upstream_requests"] = 0.into();
    assert_eq!(
        hit.to_value(None),
        cached,
        "only cached, attempts and upstream_requests differ"
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&hit.gzip_body(None).unwrap()[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, hit.body(None), "the gzip made at insert");
    assert_eq!(
        hit.body(None).as_ptr(),
        ask(&engine, "page", "id=7")
            .await
            .unwrap()
            .body(None)
            .as_ptr(),
        "a hit writes the stored bytes out as they are"
    );
}

#[tokio::test]
async fn a_failure_is_shared_with_the_waiters_and_not_found_is_remembered() {
    let upstream = MockServer::start().await;
    serve(
        &upstream,
        "404",
        ResponseTemplate::new(404).set_delay(Duration::from_millis(200)),
    )
    .await;
    serve(&upstream, "429", ResponseTemplate::new(429)).await;
    let engine = Arc::new(engine("pages", &upstream, |s| {
        s.http.max_attempts = 1;
    }));
    let errors = futures::future::join_all((0..20).map(|_| {
        let engine = engine.clone();
        async move { ask(&engine, "gone", "id=404").await.unwrap_err() }
    }))
    .await;
    assert!(errors.iter().all(|e| *e == ErrorCode::NotFound));
    assert_eq!(received(&upstream).await, 1, "one fetch for twenty");
    assert_eq!(
        ask(&engine, "gone", "id=404").await.unwrap_err(),
        ErrorCode::NotFound
    );
    assert_eq!(received(&upstream).await, 1, "not_found is remembered");
    let fresh = engine
        .execute(call("pages", "gone", "id=404", true))
        .await
        .unwrap_err();
    assert_eq!(fresh.error.code(), ErrorCode::NotFound);
    assert_eq!(received(&upstream).await, 2, "no-cache asks again");

    for expected in [2, 3] {
        assert_eq!(
            ask(&engine, "gone", "id=429").await.unwrap_err(),
            ErrorCode::RateLimited
        );
        assert_eq!(
            received(&upstream).await,
            expected + 1,
            "rate_limited is never cached"
        );
    }
}

#[tokio::test]
async fn no_cache_fetches_anew_and_concurrent_no_cache_requests_share_it() {
    let upstream = MockServer::start().await;
    serve(
        &upstream,
        "1",
        ResponseTemplate::new(200)
            .set_body_string("fresh page")
            .set_delay(Duration::from_millis(200)),
    )
    .await;
    let engine = Arc::new(engine("pages", &upstream, |_| {}));
    ask(&engine, "page", "id=1").await.unwrap();
    assert_eq!(received(&upstream).await, 1);
    let answers = futures::future::join_all((0..10).map(|_| {
        let engine = engine.clone();
        async move { engine.execute(call("pages", "page", "id=1", true)).await }
    }))
    .await;
    assert!(
        answers
            .iter()
            .all(|a| a.as_ref().is_ok_and(|s| !s.meta.cached))
    );
    assert_eq!(
        received(&upstream).await,
        2,
        "ten no-cache requests, one fetch"
    );
}

#[tokio::test]
async fn a_scrape_whose_clients_all_left_is_cancelled() {
    let upstream = MockServer::start().await;
    serve(
        &upstream,
        "slow",
        ResponseTemplate::new(200)
            .set_body_string("late")
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let engine = Arc::new(engine("pages", &upstream, |_| {}));
    let running = "techno_scraper_scrapes_in_flight{site=\"pages\"}";
    let gave_up = tokio::time::timeout(Duration::from_millis(300), async {
        futures::future::join(
            ask(&engine, "page", "id=slow"),
            ask(&engine, "page", "id=slow"),
        )
        .await
    })
    .await;
    assert!(gave_up.is_err(), "both clients hung up");
    assert_eq!(metric(&engine, running), 0.0, "the scrape went with them");
    assert_eq!(received(&upstream).await, 1);
    // Nothing was cached: the next request scrapes anew (and is quick to give up too).
    let _ = tokio::time::timeout(Duration::from_millis(100), ask(&engine, "page", "id=slow")).await;
    assert_eq!(received(&upstream).await, 2);
}

#[tokio::test]
async fn the_circuit_opens_answers_at_once_then_probes_and_closes() {
    let upstream = MockServer::start().await;
    Mock::given(path("/page"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(6)
        .mount(&upstream)
        .await;
    Mock::given(path("/page"))
        .respond_with(ResponseTemplate::new(200).set_body_string("back again"))
        .mount(&upstream)
        .await;
    let engine = engine("pages", &upstream, |s| {
        s.guards.breaker = BreakerSettings {
            failures: 5,
            cooldown: Duration::from_secs(1),
        };
    });
    // Three attempts, then two more: the fifth failure in a row opens the circuit, which also
    // stops the second request's retries.
    for query in ["id=a", "id=b"] {
        let failure = engine
            .execute(call("pages", "page", query, false))
            .await
            .unwrap_err();
        assert_eq!(failure.error.code(), ErrorCode::UpstreamUnavailable);
    }
    assert_eq!(received(&upstream).await, 5);
    assert_eq!(engine.circuit("pages").unwrap().state, CircuitState::Open);
    let started = Instant::now();
    let refused = engine
        .execute(call("pages", "page", "id=c", false))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(50), "at once");
    assert_eq!(refused.error.code(), ErrorCode::UpstreamUnavailable);
    assert!(
        refused
            .error
            .to_string()
            .starts_with("circuit open for pages"),
        "{}",
        refused.error
    );
    let after = refused.error.retry_after().unwrap();
    assert!(after > Duration::ZERO && after <= Duration::from_secs(1));
    assert_eq!(received(&upstream).await, 5, "nothing sent while open");
    assert_eq!(
        metric(
            &engine,
            "techno_scraper_circuit_opened_total{site=\"pages\"}"
        ),
        1.0
    );
    assert_eq!(
        metric(&engine, "techno_scraper_circuit_state{site=\"pages\"}"),
        2.0
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        engine.circuit("pages").unwrap().state,
        CircuitState::HalfOpen
    );
    // The probe fails (the sixth 503): open again, for twice as long.
    let failure = engine
        .execute(call("pages", "page", "id=d", false))
        .await
        .unwrap_err();
    assert_eq!(failure.error.code(), ErrorCode::UpstreamUnavailable);
    assert_eq!(received(&upstream).await, 6, "one probe, no retry");
    assert!(engine.circuit("pages").unwrap().retry_after.unwrap() == 2);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let ok = engine
        .execute(call("pages", "page", "id=e", false))
        .await
        .unwrap();
    assert_eq!(ok.to_value(None)["data"]["first"], "back");
    assert_eq!(engine.circuit("pages").unwrap().state, CircuitState::Closed);
}

#[tokio::test]
async fn a_burst_of_failures_is_not_multiplied_by_the_attempts() {
    let upstream = MockServer::start().await;
    Mock::given(path("/page"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&upstream)
        .await;
    let engine = Arc::new(engine("pages", &upstream, |s| {
        s.guards.breaker.failures = 0;
        s.http.max_concurrent_per_site = 50;
    }));
    let burst = 40;
    let failures = futures::future::join_all((0..burst).map(|i| {
        let engine = engine.clone();
        async move {
            engine
                .execute(call("pages", "page", &format!("id={i}"), false))
                .await
                .unwrap_err()
        }
    }))
    .await;
    assert!(
        failures
            .iter()
            .all(|f| f.error.code() == ErrorCode::UpstreamUnavailable)
    );
    let sent = received(&upstream).await;
    // 40 first attempts, the 10 retries saved up, 20 % of 40 and one a second: far from 120.
    assert!(
        (burst..=burst + 22).contains(&sent),
        "{sent} requests for a burst of {burst}"
    );
    assert!(
        metric(
            &engine,
            "techno_scraper_retry_budget_exhausted_total{site=\"pages\"}"
        ) > 0.0
    );
}

#[tokio::test]
async fn the_rate_limit_spaces_requests_within_the_deadline() {
    let upstream = MockServer::start().await;
    Mock::given(path("/page"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&upstream)
        .await;
    let engine = Arc::new(engine("slow", &upstream, |_| {}));
    assert_eq!(engine.rate_limit("slow"), Some(10.0));
    let started = Instant::now();
    let answers = futures::future::join_all((0..15).map(|i| {
        let engine = engine.clone();
        async move {
            engine
                .execute(call("slow", "page", &format!("id={i}"), false))
                .await
        }
    }))
    .await;
    assert!(answers.iter().all(Result::is_ok));
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "a burst of ten, then five more at 100 ms: {:?}",
        started.elapsed()
    );
    assert!(
        metric(
            &engine,
            "techno_scraper_rate_limit_wait_seconds_total{site=\"slow\"}"
        ) > 0.0
    );

    // An operator's rate: one every ten seconds cannot fit a one-second deadline.
    let strict = engine_with_rate(&upstream, 0.1);
    strict
        .execute(call("slow", "page", "id=a", false))
        .await
        .unwrap();
    let started = Instant::now();
    let late = strict
        .execute(call("slow", "page", "id=b", false))
        .await
        .unwrap_err();
    assert_eq!(late.error.code(), ErrorCode::UpstreamTimeout);
    assert!(
        late.error.to_string().contains("rate limit"),
        "{}",
        late.error
    );
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "fails at once"
    );
}

fn engine_with_rate(upstream: &MockServer, rate: f64) -> Engine {
    engine("slow", upstream, |s| {
        s.request_deadline = Duration::from_secs(1);
        s.guards.rate_limits.insert("slow".into(), rate);
    })
}

#[tokio::test]
async fn an_unknown_site_in_the_rate_limits_is_refused() {
    let mut s = settings("http://127.0.0.1:9/");
    s.guards.rate_limits.insert("nosuch".into(), 1.0);
    let regs: Vec<_> = scraper_core::registered()
        .unwrap()
        .into_iter()
        .filter(|r| r.site.slug == "slow")
        .collect();
    let err = Engine::new(&regs, s, &Default::default()).unwrap_err();
    assert!(err.contains("'nosuch'"), "{err}");
}

#[tokio::test]
async fn large_pages_are_parsed_off_the_workers_and_panics_stay_contained() {
    let upstream = MockServer::start().await;
    let big = format!("big {}", "x".repeat(200_000));
    serve(
        &upstream,
        "big",
        ResponseTemplate::new(200).set_body_string(big.clone()),
    )
    .await;
    serve(
        &upstream,
        "bad",
        ResponseTemplate::new(200).set_body_string(format!("PANIC {}", "y".repeat(100_000))),
    )
    .await;
    let engine = engine("pages", &upstream, |_| {});
    let answer = ask(&engine, "parsed", "id=big")
        .await
        .unwrap()
        .to_value(None);
    assert_eq!(answer["data"]["len"], big.len());
    assert_eq!(answer["data"]["first"], "big");
    assert_eq!(
        ask(&engine, "parsed", "id=bad").await.unwrap_err(),
        ErrorCode::Internal
    );
}

#[tokio::test]
#[ignore = "a measurement, not a test: cargo test --release -p scraper-core --test serving -- --ignored --nocapture"]
async fn cost_of_a_cache_hit() {
    let upstream = MockServer::start().await;
    serve(
        &upstream,
        "7",
        ResponseTemplate::new(200).set_body_string("hello world"),
    )
    .await;
    let engine = engine("pages", &upstream, |_| {});
    ask(&engine, "page", "id=7").await.unwrap();
    let n = 200_000;
    let started = std::time::Instant::now();
    for _ in 0..n {
        let hit = engine
            .execute(call("pages", "page", "id=7", false))
            .await
            .unwrap();
        std::hint::black_box(hit.body(None));
    }
    let per = started.elapsed() / n;
    println!("engine.execute on a hit: {per:?}");
    let started = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(call("pages", "page", "id=7", false));
    }
    println!("building the call: {:?}", started.elapsed() / n);
}
