//! Upstream trouble as clients see it: retries reaching meta.attempts, 429 with Retry-After,
//! 5xx, 404, bot challenges, the deadline, a panicking scraper, and the cache.

use std::time::{Duration, Instant};

use tests::{TestApp, logs};
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn retries_reach_meta_attempts_and_keep_the_host() {
    let app = TestApp::spawn().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&app.upstream)
        .await;
    Mock::given(path("/flaky"))
        .and(header("host", "www.testsite.test"))
        .and(query_param("token", "s3cret"))
        .respond_with(ResponseTemplate::new(200).set_body_string("fine"))
        .mount(&app.upstream)
        .await;
    let (status, body) = app.get_json("/v1/testsite/fetch?path=/flaky").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["body"], "fine");
    assert_eq!(body["meta"]["attempts"], 3);
    assert_eq!(body["meta"]["upstream_requests"], 3);
    let captured = logs::captured();
    assert!(
        captured.contains("\"target\":\"upstream\""),
        "every attempt is traced"
    );
    assert!(
        captured.contains("token=REDACTED") && !captured.contains("s3cret"),
        "secret query values are masked"
    );
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = TestApp::spawn().await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&app.upstream)
        .await;
    let response = app.get("/v1/testsite/fetch?path=/busy").await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "120");
    let (_, body) = tests::json_of(response).await;
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["retryable"], true);
    assert_eq!(body["retry_after"], 120);
}

#[tokio::test]
async fn upstream_failures_map_to_their_codes() {
    let app = TestApp::spawn().await;
    Mock::given(path("/down"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/challenge"))
        .respond_with(ResponseTemplate::new(403).set_body_raw(
            "<html><head><title>Just a moment...</title></head><script>window._cf_chl_opt={}</script></html>",
            "text/html",
        ))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/huge"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2 * 1024 * 1024]))
        .mount(&app.upstream)
        .await;
    for (p, status, code, attempts) in [
        ("/down", 503, "upstream_unavailable", 3),
        ("/gone", 404, "not_found", 1),
        ("/challenge", 502, "blocked", 1),
    ] {
        let (got, body) = app.get_json(&format!("/v1/testsite/fetch?path={p}")).await;
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "{p}: {body}"
        );
        let _ = attempts;
    }
    let app = TestApp::spawn_with(|s| s.upstream_max_body_mb = 1).await;
    Mock::given(path("/huge"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2 * 1024 * 1024]))
        .mount(&app.upstream)
        .await;
    let (status, body) = app.get_json("/v1/testsite/fetch?path=/huge").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("upstream_changed"))
    );
}

#[tokio::test]
async fn the_deadline_answers_504_in_time() {
    let app = TestApp::spawn_with(|s| s.request_timeout_secs = 1).await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&app.upstream)
        .await;
    let started = Instant::now();
    let (status, body) = app.get_json("/v1/testsite/fetch?path=/slow").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (504, Some("upstream_timeout"))
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_panicking_scraper_is_internal_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        let (status, body) = app.get_json("/v1/testsite/panic").await;
        assert_eq!((status, body["code"].as_str()), (500, Some("internal")));
        assert!(
            !body["detail"].as_str().unwrap().contains("asked to panic"),
            "panic messages stay in the log"
        );
    }
    let (status, _) = app.get_json("/v1/testsite/echo?word=still-here").await;
    assert_eq!(status, 200);
    assert!(logs::captured().contains("testsite was asked to panic"));
}

#[tokio::test]
async fn answers_are_cached_for_their_ttl_unless_bypassed() {
    let app = TestApp::spawn_with(|s| s.cache_max_mb = 8).await;
    Mock::given(path("/counter"))
        .respond_with(ResponseTemplate::new(200).set_body_string("1"))
        .mount(&app.upstream)
        .await;
    let (_, first) = app.get_json("/v1/testsite/cached").await;
    let (_, second) = app.get_json("/v1/testsite/cached").await;
    assert_eq!(first["meta"]["cached"], false);
    assert_eq!(second["meta"]["cached"], true);
    assert_eq!(second["meta"]["fetched_at"], first["meta"]["fetched_at"]);
    assert_eq!(second["data"], first["data"]);
    assert_eq!(app.upstream.received_requests().await.unwrap().len(), 1);
    let response = app
        .client
        .get(app.url("/v1/testsite/cached"))
        .header("x-api-key", tests::API_KEY)
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    assert_eq!(tests::json_of(response).await.1["meta"]["cached"], false);
    assert_eq!(app.upstream.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn graceful_stop_finishes() {
    let app = TestApp::spawn().await;
    let address = app.address.clone();
    app.stop().await;
    assert!(
        reqwest::get(format!("{address}/health")).await.is_err(),
        "nothing listens after stop"
    );
}
