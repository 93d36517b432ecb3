//! The byte budget of upstream bodies: a body is held at its declared length (no doubling past
//! it) until its last reference is dropped, one of undeclared length at most twice its size, a
//! body larger than the whole budget is refused, and waiting for the budget ends within the
//! attempt as `upstream_timeout` without a retry.

use std::time::Duration;

use scraper_core::http::{HttpClient, HttpSettings, Stats};
use scraper_core::{ErrorCode, Request, ScrapeError, SiteDescription};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

static SITE: SiteDescription =
    SiteDescription::new("budgeted", "Budgeted", "https://www.example.test")
        .hosts(&["www.example.test"]);

fn client(upstream: &str, budget: usize) -> HttpClient {
    HttpClient::new(HttpSettings {
        upstream_override: Some(upstream.parse().unwrap()),
        body_budget_bytes: budget,
        attempt_timeout: Duration::from_millis(400),
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..HttpSettings::default()
    })
    .unwrap()
}

async fn fetch(
    client: &HttpClient,
    url: &str,
) -> (Result<scraper_core::Response, ScrapeError>, Stats) {
    let stats = Stats::default();
    let result = client
        .fetch(
            &SITE,
            Request::get(url),
            Instant::now() + Duration::from_secs(5),
            &stats,
        )
        .await
        .map_err(ScrapeError::from);
    (result, stats)
}

async fn mock(sizes: &[(&'static str, usize)]) -> MockServer {
    let server = MockServer::start().await;
    for (route, size) in sizes {
        Mock::given(path(*route))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; *size]))
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn a_declared_body_holds_exactly_its_length_until_dropped() {
    let server = mock(&[("/a", 1_000_000)]).await;
    let client = client(&server.uri(), 8 << 20);
    let (response, _) = fetch(&client, "https://www.example.test/a").await;
    let response = response.unwrap();
    assert_eq!(response.bytes().len(), 1_000_000);
    assert_eq!(
        client.body_bytes_held(),
        1_000_000,
        "no doubling past Content-Length"
    );
    let text = response.text().into_owned();
    drop(response);
    assert_eq!(client.body_bytes_held(), 0, "given back with the body");
    assert_eq!(text.len(), 1_000_000);
}

#[tokio::test]
async fn an_undeclared_body_holds_at_most_twice_its_size() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    const SIZE: usize = 3 * 1024 * 1024 + 17;
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf).await.unwrap();
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
            )
            .await
            .unwrap();
        let chunk = vec![b'y'; 64 * 1024];
        let mut left = SIZE;
        while left > 0 {
            let n = left.min(chunk.len());
            stream
                .write_all(format!("{n:x}\r\n").as_bytes())
                .await
                .unwrap();
            stream.write_all(&chunk[..n]).await.unwrap();
            stream.write_all(b"\r\n").await.unwrap();
            left -= n;
        }
        stream.write_all(b"0\r\n\r\n").await.unwrap();
    });
    let client = client(&format!("http://127.0.0.1:{port}"), 64 << 20);
    let (response, _) = fetch(&client, "https://www.example.test/chunked").await;
    let response = response.unwrap();
    assert_eq!(response.bytes().len(), SIZE);
    let held = client.body_bytes_held();
    assert!(
        (SIZE..=2 * SIZE).contains(&held),
        "held {held} bytes for a body of {SIZE}"
    );
    drop(response);
    assert_eq!(client.body_bytes_held(), 0);
}

#[tokio::test]
async fn a_body_larger_than_the_budget_is_refused() {
    let server = mock(&[("/big", 2_000_000)]).await;
    let client = client(&server.uri(), 1_000_000);
    let (result, stats) = fetch(&client, "https://www.example.test/big").await;
    let error = result.unwrap_err();
    assert_eq!(error.code(), ErrorCode::UpstreamChanged, "{error}");
    assert!(error.to_string().contains("1000000 bytes"), "{error}");
    assert_eq!(stats.attempts(), 1);
}

#[tokio::test]
async fn waiting_for_the_budget_ends_within_the_attempt() {
    let server = mock(&[("/first", 800_000), ("/second", 500_000)]).await;
    let client = client(&server.uri(), 1_000_000);
    let (first, _) = fetch(&client, "https://www.example.test/first").await;
    let held = first.unwrap();
    let started = std::time::Instant::now();
    let (second, stats) = fetch(&client, "https://www.example.test/second").await;
    let error = second.unwrap_err();
    assert_eq!(error.code(), ErrorCode::UpstreamTimeout, "{error}");
    assert!(error.to_string().contains("memory"), "{error}");
    assert_eq!(stats.attempts(), 1, "the budget is ours: no retry");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    drop(held);
    let (third, _) = fetch(&client, "https://www.example.test/second").await;
    assert_eq!(third.unwrap().bytes().len(), 500_000);
}
