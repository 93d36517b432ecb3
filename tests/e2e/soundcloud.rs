//! SoundCloud through the real gateway, as n8n drives it: the client_id discovered once and
//! refreshed after a 401, a user's tracks walked with `next_url` across an empty upstream page,
//! search over POST, and SoundCloud's failures as problem codes. The upstream is wiremock serving
//! the site crate's fixtures (its `fixtures` feature).
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use serde_json::{Value, json};
use tests::TestApp;
use wiremock::matchers::{any, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "Fx7Kq2LmN9pR4sT6vW8yZ1aB3cD5eG0h";

fn fixture(name: &str) -> String {
    scraper_soundcloud::fixtures::fixture(name)
}

fn json_fixture(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json; charset=utf-8")
}

/// The homepage naming the client_id, expected `times` times.
async fn homepage(upstream: &MockServer, times: u64) {
    Mock::given(path("/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("homepage.html"), "text/html; charset=utf-8"),
        )
        .expect(times)
        .mount(upstream)
        .await;
}

fn ids(body: &Value) -> Vec<u64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_profile_by_handle_with_its_links() {
    let app = TestApp::spawn().await;
    homepage(&app.upstream, 1).await;
    Mock::given(path("/resolve"))
        .and(query_param(
            "url",
            "https://soundcloud.com/nachtwerk-kollektiv",
        ))
        .and(query_param("client_id", CLIENT_ID))
        .respond_with(json_fixture("user.json"))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/users/31415926/web-profiles"))
        .respond_with(json_fixture("web_profiles.json"))
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .get_json("/v1/soundcloud/profile?user=https%3A%2F%2Fsoundcloud.com%2Fnachtwerk-kollektiv")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["id"], 31415926);
    assert_eq!(body["data"]["username"], "nachtwerk-kollektiv");
    assert_eq!(body["data"]["name"], "Nachtwerk Kollektiv");
    assert_eq!(body["data"]["created_at"], "2011-03-14T22:07:19Z");
    assert_eq!(
        body["data"]["links"],
        json!([
            {"platform": "instagram", "url": "https://www.instagram.com/nachtwerk.kollektiv/"},
            {"platform": "personal", "url": "https://nachtwerk.example/"}
        ])
    );
    assert_eq!(body["meta"]["site"], "soundcloud");
    assert!(body.get("next_cursor").is_none(), "an item has no cursor");
    // The same handle again: the client_id is reused, the homepage not fetched twice.
    let (status, _) = app
        .get_json("/v1/soundcloud/profile?user=nachtwerk-kollektiv")
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_users_tracks_walked_with_next_url_across_an_empty_page() {
    let app = TestApp::spawn().await;
    homepage(&app.upstream, 1).await;
    let tracks = "/users/31415926/tracks";
    Mock::given(path(tracks))
        .and(query_param_is_missing("offset"))
        .respond_with(json_fixture("tracks_page.json"))
        .mount(&app.upstream)
        .await;
    Mock::given(path(tracks))
        .and(query_param(
            "offset",
            "2025-08-12T19:30:00.000Z,tracks,00000000001414213562",
        ))
        .respond_with(json_fixture("tracks_empty_page.json"))
        .mount(&app.upstream)
        .await;
    Mock::given(path(tracks))
        .and(query_param(
            "offset",
            "2025-06-01T00:00:00.000Z,tracks,00000000001500000000",
        ))
        .respond_with(json_fixture("tracks_last_page.json"))
        .mount(&app.upstream)
        .await;

    let mut seen = Vec::new();
    let mut next = Some(app.url("/v1/soundcloud/tracks?user=31415926&limit=2"));
    let mut pages = 0;
    while let Some(url) = next {
        let response = app
            .client
            .get(&url)
            .header("x-api-key", tests::API_KEY)
            .send()
            .await
            .unwrap();
        let (status, body) = tests::json_of(response).await;
        assert_eq!(status, 200, "{body}");
        seen.extend(ids(&body));
        next = body["next_url"].as_str().map(str::to_owned);
        assert_eq!(next.is_some(), body["next_cursor"].is_string());
        pages += 1;
        assert!(pages <= 3, "the walk ends");
    }
    assert_eq!(seen, [1618033988, 1414213562, 1732050807]);
    assert_eq!(
        pages, 2,
        "two tracks, then the empty page is crossed to the last track"
    );
}

#[tokio::test]
async fn a_refused_client_id_is_refreshed_once() {
    let app = TestApp::spawn_with(|s| {
        s.sites.insert(
            "soundcloud".into(),
            [(
                "client_id".to_owned(),
                "Stale000000000000000000000000000".to_owned(),
            )]
            .into(),
        );
    })
    .await;
    homepage(&app.upstream, 1).await;
    Mock::given(path("/tracks/1618033988"))
        .and(query_param("client_id", "Stale000000000000000000000000000"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("{}", "application/json"))
        .expect(1)
        .mount(&app.upstream)
        .await;
    Mock::given(path("/tracks/1618033988"))
        .and(query_param("client_id", CLIENT_ID))
        .respond_with(json_fixture("track.json"))
        .expect(2)
        .mount(&app.upstream)
        .await;
    for _ in 0..2 {
        let (status, body) = app.get_json("/v1/soundcloud/track?id=1618033988").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["isrc"], "DEXY12500042");
        assert_eq!(body["data"]["release_date"], "2025-09-26T00:00:00Z");
    }
}

#[tokio::test]
async fn search_over_post_reports_total_results() {
    let app = TestApp::spawn().await;
    homepage(&app.upstream, 1).await;
    Mock::given(path("/search"))
        .and(query_param("q", "nachtwerk"))
        .and(query_param("limit", "10"))
        .respond_with(json_fixture("search_all.json"))
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .post_json(
            "/v1/soundcloud/search",
            &json!({"q": "nachtwerk", "type": "all", "limit": 10}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let types: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["track", "user", "playlist", "playlist"]);
    assert_eq!(body["meta"]["total_results"], 5);
    assert_eq!(body["next_cursor"], Value::Null);
    assert_eq!(body["next_url"], Value::Null);
}

#[tokio::test]
async fn failures_are_problems_with_stable_codes() {
    let app = TestApp::spawn().await;
    homepage(&app.upstream, 1).await;
    Mock::given(path("/resolve"))
        .and(query_param("url", "https://soundcloud.com/nobody-here"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("{}", "application/json"))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/resolve"))
        .and(query_param(
            "url",
            "https://soundcloud.com/behind-a-captcha",
        ))
        .respond_with(
            ResponseTemplate::new(403).set_body_raw(fixture("captcha.json"), "application/json"),
        )
        .mount(&app.upstream)
        .await;
    for (path_and_query, status, code) in [
        ("/v1/soundcloud/profile?user=nobody-here", 404, "not_found"),
        (
            "/v1/soundcloud/profile?user=behind-a-captcha",
            502,
            "blocked",
        ),
        (
            "/v1/soundcloud/profile?user=https%3A%2F%2Fexample.com%2Fdubmatix",
            400,
            "invalid_params",
        ),
        (
            "/v1/soundcloud/track?url=https%3A%2F%2Fsoundcloud.com%2Fonly-a-user",
            400,
            "invalid_params",
        ),
        (
            "/v1/soundcloud/tracks?user=x&cursor=bm90LWEtY3Vyc29y",
            400,
            "invalid_params",
        ),
    ] {
        let response = app.get(path_and_query).await;
        let content_type = response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let (got, body) = tests::json_of(response).await;
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "{path_and_query}: {body}"
        );
        assert!(
            content_type.starts_with("application/json"),
            "problems are JSON unless the client asks for problem+json: {content_type}"
        );
        assert!(
            !body.to_string().contains(CLIENT_ID),
            "the client_id never leaks"
        );
    }
}

#[tokio::test]
async fn a_foreign_url_costs_no_upstream_request() {
    let app = TestApp::spawn().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .get_json("/v1/soundcloud/tracks?user=https%3A%2F%2Fsoundcloud.com.evil.example%2Fx")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_params"))
    );
}
