//! Instagram through the real gateway, as n8n drives it: a profile by GET and POST with the web
//! client's headers, posts walked with `next_url` over the GraphQL timeline, the fallback from a
//! refused GraphQL query to web_profile_info and the REST feed, the operator's session cookie
//! (sent to instagram.com, never logged), and Instagram's walls and limits as problem codes.
//! The upstream is wiremock serving the fixtures of `crates/scraper-instagram/tests/fixtures`.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use serde_json::{Value, json};
use tests::{TestApp, logs};
use wiremock::matchers::{body_string_contains, header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    scraper_instagram::fixtures::fixture(name)
}

fn json_answer(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json; charset=utf-8")
}

fn shortcodes(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["shortcode"].as_str().unwrap().to_owned())
        .collect()
}

async fn web_profile_info(upstream: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/api/v1/users/web_profile_info/"))
        .and(header("host", "www.instagram.com"))
        .respond_with(answer)
        .mount(upstream)
        .await;
}

#[tokio::test]
async fn a_profile_by_get_and_post_with_the_web_clients_headers() {
    let app = TestApp::spawn().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/web_profile_info/"))
        .and(query_param("username", "nightferry"))
        .and(header("host", "www.instagram.com"))
        .and(header("x-ig-app-id", "936619743392459"))
        .and(header("x-ig-www-claim", "0"))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .and(header("referer", "https://www.instagram.com/nightferry/"))
        .respond_with(json_answer(200, "web_profile_info_public.json"))
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .get_json("/v1/instagram/profile?user=https%3A%2F%2Fwww.instagram.com%2Fnightferry%2Freels%2F%3Figsh%3Dabc")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["id"], "48210033951");
    assert_eq!(body["data"]["username"], "nightferry");
    assert_eq!(body["data"]["private"], false);
    assert_eq!(body["meta"]["site"], "instagram");
    let (status, again) = app
        .post_json("/v1/instagram/profile", &json!({"user": "@NightFerry"}))
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["data"], body["data"]);
    let (status, problem) = app
        .get_json("/v1/instagram/profile?user=https%3A%2F%2Fevil.example%2Fnightferry")
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_params"))
    );
    assert_eq!(app.upstream.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn posts_are_walked_with_next_url_over_the_graphql_timeline() {
    let app = TestApp::spawn().await;
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .and(body_string_contains("doc_id=7354141574647290"))
        .respond_with(json_answer(200, "graphql_timeline_page.json"))
        .mount(&app.upstream)
        .await;
    // Page 2 is asked after page 1's last post, with the later pages' doc_id.
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .and(body_string_contains("doc_id=7784658434954494"))
        .and(body_string_contains(
            "%22after%22%3A%223300000000000000300_57700011122%22",
        ))
        .respond_with(json_answer(200, "graphql_timeline_last_page.json"))
        .mount(&app.upstream)
        .await;
    let (status, mut body) = app
        .get_json("/v1/instagram/posts?user=kiln.sound&limit=2")
        .await;
    assert_eq!(status, 200, "{body}");
    let mut seen = shortcodes(&body);
    while let Some(next) = body["next_url"].as_str() {
        let path = next.strip_prefix(&app.address).unwrap().to_owned();
        let (status, page) = app.get_json(&path).await;
        assert_eq!(status, 200, "{page}");
        body = page;
        seen.extend(shortcodes(&body));
    }
    assert_eq!(
        seen,
        ["C4TAmjuTABk", "C3zbgM1oHIg", "C3L9IQOygEs", "CsFaZNTtgGQ"]
    );
    assert_eq!(body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_refused_graphql_query_falls_back_to_web_profile_info_then_the_feed() {
    let app = TestApp::spawn().await;
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .respond_with(ResponseTemplate::new(403).set_body_string(r#"{"status":"fail"}"#))
        .mount(&app.upstream)
        .await;
    web_profile_info(
        &app.upstream,
        json_answer(200, "web_profile_info_public.json"),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/feed/user/nightferry/username/"))
        .and(query_param("count", "12"))
        .and(query_param("max_id", "3290000000000000001_48210033951"))
        .respond_with(json_answer(200, "feed_user_page.json"))
        .mount(&app.upstream)
        .await;
    let (status, first) = app
        .get_json("/v1/instagram/posts?user=nightferry&limit=3")
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        shortcodes(&first),
        ["C3QV1lLVLrA", "C3Hka7SP0U_", "C2obZGfCQAB"]
    );
    let next = first["next_url"].as_str().unwrap();
    let (status, second) = app.get_json(next.strip_prefix(&app.address).unwrap()).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        shortcodes(&second),
        ["C3IZwVqA4H0", "C3E2YbFPQJY", "C3BTAggdoK8"]
    );
}

#[tokio::test]
async fn the_session_cookie_reaches_instagram_and_never_the_log() {
    const SESSION: &str = "48210033951%3AqW3rTy%3A19%3AAYe-never-logged";
    let app = TestApp::spawn_with(|s| {
        s.sites.insert(
            "instagram".into(),
            [("sessionid".to_owned(), SESSION.to_owned())].into(),
        );
    })
    .await;
    web_profile_info(
        &app.upstream,
        json_answer(200, "web_profile_info_private.json"),
    )
    .await;
    let (status, body) = app.get_json("/v1/instagram/profile?user=tidal.crew").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["private"], true);
    let requests = app.upstream.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let cookie = requests[0].headers.get("cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains(&format!("sessionid={SESSION}")), "{cookie}");
    assert_eq!(
        requests[0].headers.get("host").unwrap(),
        "www.instagram.com"
    );
    let (_, sites) = app.get_json("/v1/sites").await;
    assert!(!sites.to_string().contains("never-logged"));
    assert!(
        !logs::captured().contains("never-logged"),
        "the session is never logged"
    );
}

#[tokio::test]
async fn walls_and_limits_as_problem_codes() {
    let cases: [(&str, ResponseTemplate, u16, &str); 6] = [
        (
            "profile",
            json_answer(401, "require_login.json"),
            502,
            "login_required",
        ),
        (
            "profile",
            json_answer(400, "checkpoint_required.json"),
            502,
            "blocked",
        ),
        (
            "profile",
            json_answer(200, "web_profile_info_not_found.json"),
            404,
            "not_found",
        ),
        (
            "profile",
            json_answer(429, "rate_limited.json").insert_header("retry-after", "120"),
            429,
            "rate_limited",
        ),
        (
            "posts",
            json_answer(200, "web_profile_info_private.json"),
            403,
            "private",
        ),
        (
            "posts",
            json_answer(200, "require_login.json"),
            502,
            "login_required",
        ),
    ];
    for (action, answer, status, code) in cases {
        let app = TestApp::spawn().await;
        web_profile_info(&app.upstream, answer).await;
        Mock::given(path_regex("^/api/(graphql|v1/feed/)"))
            .respond_with(ResponseTemplate::new(404))
            .mount(&app.upstream)
            .await;
        let response = app
            .get(&format!("/v1/instagram/{action}?user=nightferry"))
            .await;
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let (got, problem) = tests::json_of(response).await;
        assert_eq!(
            (got, problem["code"].as_str()),
            (status, Some(code)),
            "{action}: {problem}"
        );
        assert_eq!(problem["site"], "instagram");
        if code == "rate_limited" {
            assert_eq!(retry_after.as_deref(), Some("120"));
            assert_eq!(problem["retryable"], true);
        }
    }
}
