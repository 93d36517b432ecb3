//! Paging as clients see it: next_cursor and an absolute next_url until the last page, over GET
//! and POST, and garbage cursors refused.

use serde_json::{Value, json};
use tests::TestApp;
use tests::testsite::NUMBERS;

fn numbers(body: &Value) -> Vec<u64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["n"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn next_url_walks_to_the_last_page() {
    let app = TestApp::spawn().await;
    let (status, mut body) = app.get_json("/v1/testsite/numbers?limit=20").await;
    assert_eq!(status, 200);
    assert_eq!(body["meta"]["total_results"], NUMBERS);
    let mut seen = numbers(&body);
    let mut pages = 1;
    while let Some(next) = body["next_url"].as_str() {
        assert!(
            next.starts_with(&app.address),
            "next_url is absolute: {next}"
        );
        assert!(body["next_cursor"].is_string());
        let path = next.strip_prefix(&app.address).unwrap().to_owned();
        assert!(
            path.contains("limit=20"),
            "the caller's params are kept: {path}"
        );
        body = app.get_json(&path).await.1;
        seen.extend(numbers(&body));
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(body["next_cursor"], Value::Null);
    assert_eq!(seen, (1..=NUMBERS).collect::<Vec<_>>());
}

#[tokio::test]
async fn cursors_work_over_post_and_default_to_twenty() {
    let app = TestApp::spawn().await;
    let (_, first) = app.post_json("/v1/testsite/numbers", &json!({})).await;
    assert_eq!(numbers(&first).len(), 20);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .post_json(
            "/v1/testsite/numbers",
            &json!({"cursor": cursor, "limit": 5}),
        )
        .await;
    assert_eq!(numbers(&second), [21, 22, 23, 24, 25]);
    let next_url = second["next_url"].as_str().unwrap();
    assert!(
        next_url.contains("limit=5") && next_url.contains("cursor="),
        "{next_url}"
    );
}

#[tokio::test]
async fn garbage_cursors_are_invalid_params() {
    let app = TestApp::spawn().await;
    for cursor in ["garbage", "eyJuZXh0IjoieCJ9", "%00"] {
        let (status, body) = app
            .get_json(&format!("/v1/testsite/numbers?cursor={cursor}"))
            .await;
        assert_eq!(status, 400, "{cursor}");
        assert_eq!(body["code"], "invalid_params");
    }
}

#[tokio::test]
async fn public_url_sets_the_base_of_next_url() {
    let app =
        TestApp::spawn_with(|s| s.public_url = Some("https://scraper.example.org/".into())).await;
    let (_, body) = app.get_json("/v1/testsite/numbers?limit=40").await;
    assert!(
        body["next_url"]
            .as_str()
            .unwrap()
            .starts_with("https://scraper.example.org/v1/testsite/numbers?limit=40&cursor=")
    );
}
