//! The upstream client against a local mock server: retries, Retry-After, deadlines, the body
//! cap, redirects and their host checks, challenge pages, and the override's Host handling.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod budget;
mod proxy;

use std::time::{Duration, SystemTime};

use scraper_core::http::{HttpClient, HttpSettings, Stats};
use scraper_core::{ErrorCode, Request, ScrapeError, SiteDescription};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

static SITE: SiteDescription =
    SiteDescription::new("example", "Example", "https://www.example.test")
        .hosts(&["www.example.test", "api.example.test"])
        .headers(&[("origin", "https://www.example.test")]);

fn client(upstream: &str, tweak: impl FnOnce(&mut HttpSettings)) -> HttpClient {
    let mut settings = HttpSettings {
        upstream_override: Some(upstream.parse().unwrap()),
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..HttpSettings::default()
    };
    tweak(&mut settings);
    HttpClient::new(settings).unwrap()
}

async fn fetch(
    client: &HttpClient,
    request: Request,
    deadline: Duration,
) -> (Result<scraper_core::Response, ScrapeError>, Stats) {
    let stats = Stats::default();
    let result = client
        .fetch(&SITE, request, Instant::now() + deadline, &stats)
        .await;
    (result.map_err(ScrapeError::from), stats)
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn transient_503s_are_retried_until_success() {
    let server = MockServer::start().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/flaky"),
        Duration::from_secs(10),
    )
    .await;
    let response = result.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "ok");
    assert_eq!(stats.attempts(), 3);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn retries_stop_at_three_attempts_and_say_why() {
    let server = MockServer::start().await;
    Mock::given(path("/down"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/down"),
        Duration::from_secs(10),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamUnavailable);
    assert_eq!(err.to_string(), "example answered 502 3 times");
    assert_eq!(stats.attempts(), 3);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let started = Instant::now();
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/limited"),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(result.unwrap().status(), 200);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(stats.attempts(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", when.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let started = Instant::now();
    let (result, _) = fetch(
        &client,
        Request::get("https://api.example.test/limited"),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(result.unwrap().status(), 200);
    // The date has one-second resolution: at least one second of the two must have been waited.
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "waited only {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn persistent_429_is_rate_limited_with_its_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/limited"),
        Duration::from_secs(10),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert_eq!(err.to_string(), "example answered 429 3 times");
    assert_eq!(stats.attempts(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_gives_up_at_once() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let started = Instant::now();
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/limited"),
        Duration::from_secs(5),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(stats.attempts(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_404_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/gone"),
        Duration::from_secs(10),
    )
    .await;
    let response = result.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.error_for_status("user 'x'").unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(stats.attempts(), 1);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn the_deadline_holds_against_a_slow_upstream() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let started = Instant::now();
    let (result, _) = fetch(
        &client,
        Request::get("https://api.example.test/slow"),
        Duration::from_millis(800),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamTimeout);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_millis(1500),
        "took {took:?}"
    );
}

#[tokio::test]
async fn attempts_that_time_out_are_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |s| {
        s.attempt_timeout = Duration::from_millis(150);
    });
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/slow"),
        Duration::from_secs(10),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamTimeout);
    assert_eq!(stats.attempts(), 3);
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2048]))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |s| s.max_body_bytes = 1024);
    let (result, stats) = fetch(
        &client,
        Request::get("https://api.example.test/big"),
        Duration::from_secs(10),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamChanged);
    assert!(err.to_string().contains("more than 1024 bytes"), "{err}");
    let cause = client
        .fetch(
            &SITE,
            Request::get("https://api.example.test/big"),
            Instant::now() + Duration::from_secs(10),
            &Stats::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            cause,
            scraper_core::FetchError::BodyTooLarge { limit: 1024, .. }
        ),
        "{cause:?}"
    );
    assert_eq!(stats.attempts(), 1, "a too-large answer is not retried");
}

/// A server that streams a chunked body without Content-Length, so the cap must act while reading.
async fn chunked_server(chunks: usize, chunk_size: usize) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/html\r\n\r\n").await;
            let chunk = vec![b'y'; chunk_size];
            for _ in 0..chunks {
                let head = format!("{chunk_size:x}\r\n");
                if socket.write_all(head.as_bytes()).await.is_err()
                    || socket.write_all(&chunk).await.is_err()
                    || socket.write_all(b"\r\n").await.is_err()
                {
                    break;
                }
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        }
    });
    (format!("http://{addr}"), task)
}

#[tokio::test]
async fn the_body_cap_acts_while_reading_a_stream() {
    let (uri, task) = chunked_server(64, 64 * 1024).await;
    let client = client(&uri, |s| s.max_body_bytes = 256 * 1024);
    let (result, _) = fetch(
        &client,
        Request::get("https://www.example.test/stream"),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(result.unwrap_err().code(), ErrorCode::UpstreamChanged);
    let (result, _) = {
        let client = self::client(&uri, |s| s.max_body_bytes = 8 * 1024 * 1024);
        fetch(
            &client,
            Request::get("https://www.example.test/stream"),
            Duration::from_secs(10),
        )
        .await
    };
    assert_eq!(result.unwrap().bytes().len(), 64 * 64 * 1024);
    task.abort();
}

#[tokio::test]
async fn redirects_within_the_site_are_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("location", "https://api.example.test/new?x=1"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .and(query_param("x", "1"))
        .and(header("host", "api.example.test"))
        .respond_with(ResponseTemplate::new(200).set_body_string("moved"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let (result, _) = fetch(
        &client,
        Request::get("https://www.example.test/old"),
        Duration::from_secs(10),
    )
    .await;
    let response = result.unwrap();
    assert_eq!(response.text(), "moved");
    assert_eq!(response.url().as_str(), "https://api.example.test/new?x=1");
}

#[tokio::test]
async fn a_redirect_to_a_foreign_host_is_refused() {
    let server = MockServer::start().await;
    for target in [
        "https://evil.example/steal",
        "http://169.254.169.254/latest/meta-data/",
        "https://www.example.test.evil.example/",
    ] {
        server.reset().await;
        Mock::given(path("/out"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", target))
            .mount(&server)
            .await;
        let client = client(&server.uri(), |_| {});
        let (result, _) = fetch(
            &client,
            Request::get("https://www.example.test/out"),
            Duration::from_secs(10),
        )
        .await;
        let err = result.unwrap_err();
        assert_eq!(err.code(), ErrorCode::UpstreamChanged, "{target}");
        assert!(err.to_string().contains("refused to contact"), "{err}");
        assert_eq!(
            received(&server).await,
            1,
            "nothing may be sent for {target}"
        );
    }
}

#[tokio::test]
async fn a_foreign_redirect_can_be_handed_back_to_the_site() {
    let server = MockServer::start().await;
    Mock::given(path("/moved"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", "https://artist.example/"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/inside"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/moved"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let request = Request::get("https://www.example.test/inside").hand_back_foreign_redirects();
    let (result, _) = fetch(&client, request, Duration::from_secs(10)).await;
    let response = result.unwrap();
    assert_eq!(
        response.status(),
        301,
        "the in-site hop is followed, the foreign one handed back"
    );
    assert_eq!(response.header("location"), Some("https://artist.example/"));
    assert_eq!(response.url().path(), "/moved");
    assert_eq!(
        received(&server).await,
        2,
        "nothing is sent to the foreign host"
    );
}

#[tokio::test]
async fn redirect_loops_end_after_five_hops() {
    let server = MockServer::start().await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/loop"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let (result, _) = fetch(
        &client,
        Request::get("https://www.example.test/loop"),
        Duration::from_secs(10),
    )
    .await;
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("more than 5 times")
    );
    assert_eq!(received(&server).await, 6);
}

#[tokio::test]
async fn the_site_host_list_is_enforced_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server.uri(), |_| {});
    for url in [
        "https://evil.example/",
        "https://127.0.0.1/",
        "ftp://www.example.test/",
        "not a url",
    ] {
        let (result, stats) = fetch(&client, Request::get(url), Duration::from_secs(10)).await;
        assert!(result.is_err(), "{url}");
        assert_eq!(stats.requests(), 0);
    }
    assert_eq!(received(&server).await, 0);
    Mock::given(path("/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let vetted = Request::get("https://music.artist.test/ok").allow_host("music.artist.test");
    assert_eq!(
        fetch(&client, vetted, Duration::from_secs(10))
            .await
            .0
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn bot_challenges_are_blocked_without_retrying() {
    let server = MockServer::start().await;
    let page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={}</script></body></html>";
    Mock::given(path("/cf"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    Mock::given(path("/dd"))
        .respond_with(ResponseTemplate::new(403).set_body_raw(
            r#"{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=x"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/fastly"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<html><head><title>Client Challenge</title></head></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    for (p, vendor) in [
        ("/cf", "Cloudflare"),
        ("/dd", "DataDome"),
        ("/fastly", "Fastly"),
    ] {
        let (result, stats) = fetch(
            &client,
            Request::get(format!("https://www.example.test{p}")),
            Duration::from_secs(10),
        )
        .await;
        let err = result.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Blocked, "{p}");
        assert!(err.to_string().contains(vendor), "{err}");
        assert_eq!(stats.attempts(), 1);
    }
}

#[tokio::test]
async fn connection_failures_are_retried_then_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client(&format!("http://{addr}"), |_| {});
    let (result, stats) = fetch(
        &client,
        Request::get("https://www.example.test/"),
        Duration::from_secs(10),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamUnavailable);
    assert!(
        err.to_string()
            .starts_with("could not reach example (3 times)"),
        "{err}"
    );
    assert_eq!(stats.attempts(), 3);
}

#[tokio::test]
async fn headers_layer_browser_site_and_request_values() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api"))
        .and(header("host", "api.example.test"))
        .and(header("origin", "https://www.example.test"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"ok": true}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri(), |_| {});
    let request = Request::post("https://api.example.test/api")
        .header("accept", "application/json")
        .json(&serde_json::json!({"a": 1}));
    let (result, _) = fetch(&client, request, Duration::from_secs(10)).await;
    let body: serde_json::Value = result.unwrap().json().unwrap();
    assert_eq!(body["ok"], true);
    let sent = &server.received_requests().await.unwrap()[0];
    let ua = sent.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(
        ua.starts_with("Mozilla/5.0") && ua.contains("Chrome/"),
        "{ua}"
    );
    assert_eq!(
        sent.headers.get("accept-language").unwrap(),
        "en-US,en;q=0.9"
    );
    assert_eq!(sent.body, br#"{"a":1}"#);
}

#[tokio::test]
async fn requests_in_flight_per_site_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let one_at_a_time = client(&server.uri(), |s| s.max_concurrent_per_site = 1);
    let started = Instant::now();
    let (a, b) = tokio::join!(
        fetch(
            &one_at_a_time,
            Request::get("https://www.example.test/slow"),
            Duration::from_secs(10)
        ),
        fetch(
            &one_at_a_time,
            Request::get("https://www.example.test/slow"),
            Duration::from_secs(10)
        ),
    );
    assert!(a.0.is_ok() && b.0.is_ok());
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the second waited its turn: {:?}",
        started.elapsed()
    );

    let parallel = client(&server.uri(), |s| s.max_concurrent_per_site = 2);
    let started = Instant::now();
    let _ = tokio::join!(
        fetch(
            &parallel,
            Request::get("https://www.example.test/slow"),
            Duration::from_secs(10)
        ),
        fetch(
            &parallel,
            Request::get("https://www.example.test/slow"),
            Duration::from_secs(10)
        ),
    );
    assert!(
        started.elapsed() < Duration::from_millis(550),
        "two may run at once: {:?}",
        started.elapsed()
    );

    let (result, _) = {
        let blocked = one_at_a_time.clone();
        let hold = tokio::spawn(async move {
            fetch(
                &blocked,
                Request::get("https://www.example.test/slow"),
                Duration::from_secs(10),
            )
            .await
            .0
            .is_ok()
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let waiting = fetch(
            &one_at_a_time,
            Request::get("https://www.example.test/slow"),
            Duration::from_millis(100),
        )
        .await;
        assert!(hold.await.unwrap());
        waiting
    };
    assert_eq!(
        result.unwrap_err().code(),
        ErrorCode::UpstreamTimeout,
        "waiting for a turn counts against the deadline"
    );
}

#[tokio::test]
async fn a_name_resolving_to_a_private_address_is_refused_at_once() {
    // No override: the real resolver runs, and "localhost" resolves to loopback only.
    static LOCAL: SiteDescription =
        SiteDescription::new("local", "Local", "https://localhost").hosts(&["localhost"]);
    let server = MockServer::start().await;
    Mock::given(path("/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let port = server.address().port();
    let client = HttpClient::new(HttpSettings::default()).unwrap();
    let stats = Stats::default();
    let deadline = Instant::now() + Duration::from_secs(10);
    let err = client
        .fetch(
            &LOCAL,
            Request::get(format!("http://localhost:{port}/")),
            deadline,
            &stats,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, scraper_core::FetchError::NonPublicAddress { .. }),
        "the cause is kept: {err:?}"
    );
    let err = ScrapeError::from(err);
    assert_eq!(err.code(), ErrorCode::UpstreamChanged);
    assert!(
        err.to_string().contains("resolves to no public address"),
        "{err}"
    );
    assert_eq!(stats.attempts(), 1, "a refused address is not retried");
    assert_eq!(
        received(&server).await,
        0,
        "nothing reached the loopback server"
    );
}

#[tokio::test]
async fn a_site_may_keep_its_own_lower_bound() {
    static CAREFUL: SiteDescription =
        SiteDescription::new("careful", "Careful", "https://www.example.test")
            .hosts(&["www.example.test"])
            .max_in_flight(1);
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = client(&server.uri(), |s| s.max_concurrent_per_site = 8);
    let one = || async {
        client
            .fetch(
                &CAREFUL,
                Request::get("https://www.example.test/slow"),
                Instant::now() + Duration::from_secs(10),
                &Stats::default(),
            )
            .await
            .is_ok()
    };
    let started = Instant::now();
    let (a, b) = tokio::join!(one(), one());
    assert!(a && b);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the site's own bound of 1 holds under a gateway bound of 8: {:?}",
        started.elapsed()
    );
}
