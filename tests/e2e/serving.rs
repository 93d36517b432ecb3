//! Serving like a production gateway, over HTTP: Prometheus metrics at /metrics, the circuit
//! breaker answering at once with Retry-After (and shown in /ready and /v1/sites), cached
//! answers sent as the gzip made once at insert, and a scrape dropped when its client hangs up.

use std::time::{Duration, Instant};

use tests::TestApp;
use wiremock::matchers::path;
use wiremock::{Mock, ResponseTemplate};

async fn metrics_text(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200, "open on a loopback bind, no key");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_upstream_attempts_and_the_cache() {
    let app = TestApp::spawn_with(|s| s.cache_max_mb = 8).await;
    Mock::given(path("/counter"))
        .respond_with(ResponseTemplate::new(200).set_body_string("1"))
        .mount(&app.upstream)
        .await;
    let (status, _) = app.get_json("/v1/testsite/echo?word=hi").await;
    assert_eq!(status, 200);
    let (status, _) = app.get_json("/v1/testsite/echo").await;
    assert_eq!(status, 400);
    app.get_json("/v1/testsite/cached").await;
    app.get_json("/v1/testsite/cached").await;
    app.get_json("/v1/nosuchsite/x").await;
    let text = metrics_text(&app).await;
    for line in [
        "techno_scraper_requests_total{action=\"echo\",site=\"testsite\",status=\"200\"} 1",
        "techno_scraper_requests_total{action=\"echo\",site=\"testsite\",status=\"400\"} 1",
        "techno_scraper_requests_total{action=\"cached\",site=\"testsite\",status=\"200\"} 2",
        "techno_scraper_requests_total{action=\"unknown\",site=\"unknown\",status=\"404\"} 1",
        "techno_scraper_request_duration_seconds_count{action=\"cached\",site=\"testsite\"} 2",
        "techno_scraper_cache_requests_total{action=\"cached\",result=\"hit\",site=\"testsite\"} 1",
        "techno_scraper_cache_requests_total{action=\"cached\",result=\"miss\",site=\"testsite\"} 1",
        "techno_scraper_upstream_requests_total{outcome=\"ok\",site=\"testsite\"} 1",
        "techno_scraper_upstream_attempts_total{outcome=\"2xx\",site=\"testsite\"} 1",
        "techno_scraper_upstream_bytes_total{site=\"testsite\"} 1",
        "techno_scraper_circuit_state{site=\"testsite\"} 0",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    assert!(text.contains("\nprocess_resident_memory_bytes "), "{text}");
    assert!(
        !text.contains("nosuchsite"),
        "labels are registered names only"
    );
}

#[tokio::test]
async fn an_open_circuit_answers_at_once_with_retry_after_and_shows() {
    let app = TestApp::spawn_with(|s| {
        s.circuit_failures = 2;
        s.circuit_cooldown_secs = 30;
        s.upstream_attempts = 1;
    })
    .await;
    Mock::given(path("/down"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&app.upstream)
        .await;
    for _ in 0..2 {
        let (status, body) = app.get_json("/v1/testsite/fetch?path=/down").await;
        assert_eq!(
            (status, body["code"].as_str()),
            (503, Some("upstream_unavailable"))
        );
    }
    let started = Instant::now();
    let response = app.get("/v1/testsite/fetch?path=/other").await;
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(response.status(), 503);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((29..=30).contains(&retry_after), "{retry_after}");
    let (_, body) = tests::json_of(response).await;
    assert_eq!(body["code"], "upstream_unavailable");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("circuit open for testsite"),
        "{body}"
    );
    assert_eq!(body["retry_after"], retry_after);
    assert_eq!(
        app.upstream.received_requests().await.unwrap().len(),
        2,
        "nothing sent while open"
    );

    let (_, ready) = app.get_json("/ready").await;
    let testsite = ready["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "testsite")
        .unwrap();
    assert_eq!(testsite["circuit"]["state"], "open");
    assert_eq!(testsite["circuit"]["consecutive_failures"], 2);
    let (_, sites) = app.get_json("/v1/sites").await;
    let entry = sites["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "testsite")
        .unwrap();
    assert_eq!(entry["circuit"]["state"], "open");
    assert_eq!(entry["rate_limit_per_second"], serde_json::Value::Null);
    assert!(entry["actions"].as_array().is_some_and(|a| !a.is_empty()));
    let others = sites["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["slug"] != "testsite");
    for other in others {
        assert_eq!(other["circuit"]["state"], "closed", "one breaker per site");
    }
}

#[tokio::test]
async fn cached_answers_go_out_as_the_gzip_made_at_insert() {
    let app = TestApp::spawn_with(|s| s.cache_max_mb = 8).await;
    Mock::given(path("/counter"))
        .respond_with(ResponseTemplate::new(200).set_body_string("1".repeat(5000)))
        .mount(&app.upstream)
        .await;
    let (_, plain) = app.get_json("/v1/testsite/cached").await;
    assert_eq!(plain["meta"]["cached"], false);
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let response = raw
        .get(app.url("/v1/testsite/cached"))
        .header("x-api-key", tests::API_KEY)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["vary"], "accept-encoding");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..2], [0x1f, 0x8b]);
    assert!(bytes.len() < 1000, "compressed: {} bytes", bytes.len());
    // reqwest asks for gzip and inflates: the same answer, now from the cache.
    let (status, hit) = app.get_json("/v1/testsite/cached").await;
    assert_eq!(status, 200);
    assert_eq!(hit["meta"]["cached"], true);
    assert_eq!(hit["data"], plain["data"]);
    let refused = raw
        .get(app.url("/v1/testsite/cached"))
        .header("x-api-key", tests::API_KEY)
        .header("accept-encoding", "gzip;q=0")
        .send()
        .await
        .unwrap();
    assert!(refused.headers().get("content-encoding").is_none());
    assert_eq!(app.upstream.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_client_that_hangs_up_takes_its_scrape_with_it() {
    let app = TestApp::spawn().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&app.upstream)
        .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let gone = impatient
        .get(app.url("/v1/testsite/fetch?path=/slow"))
        .header("x-api-key", tests::API_KEY)
        .send()
        .await;
    assert!(gone.is_err(), "the client gave up");
    let running = "techno_scraper_scrapes_in_flight{site=\"testsite\"} ";
    let started = Instant::now();
    loop {
        let text = metrics_text(&app).await;
        let now = text
            .lines()
            .find_map(|l| l.strip_prefix(running))
            .unwrap_or("0");
        if now == "0" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the scrape is still running: {now}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
