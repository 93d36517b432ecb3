//! Facebook through the real gateway, as n8n drives it: a page by name, id and URL over GET and
//! POST with a browser's navigation headers, a page's events with `meta.complete` and no cursor,
//! an event by id and by URL, the operator's session cookie (sent to facebook.com, never logged),
//! and Facebook's walls as problem codes. The upstream is wiremock serving the fixtures of
//! `crates/scraper-facebook/tests/fixtures`.

use serde_json::{Value, json};
use tests::{TestApp, logs};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn html(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        scraper_facebook::fixtures::fixture(name),
        "text/html; charset=utf-8",
    )
}

async fn serve(upstream: &MockServer, at: &str, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .and(header("host", "www.facebook.com"))
        .respond_with(answer)
        .mount(upstream)
        .await;
}

#[tokio::test]
async fn a_page_by_name_id_or_url_over_get_and_post() {
    let app = TestApp::spawn().await;
    Mock::given(method("GET"))
        .and(path("/kellerwerkclub/"))
        .and(header("host", "www.facebook.com"))
        .and(header("sec-fetch-dest", "document"))
        .and(header("sec-fetch-mode", "navigate"))
        .and(header("sec-fetch-site", "none"))
        .and(header("sec-fetch-user", "?1"))
        .respond_with(html("page_2023.html"))
        .mount(&app.upstream)
        .await;
    serve(
        &app.upstream,
        "/100064512345678/",
        ResponseTemplate::new(301)
            .insert_header("location", "https://www.facebook.com/kellerwerkclub/"),
    )
    .await;
    for query in [
        "page=kellerwerkclub",
        "page=100064512345678",
        "page=https%3A%2F%2Fm.facebook.com%2Fkellerwerkclub%3Fref%3Dbookmarks",
    ] {
        let (status, body) = app.get_json(&format!("/v1/facebook/page?{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(body["data"]["id"], "100064512345678");
        assert_eq!(body["data"]["name"], "Kellerwerk Techno Club");
        assert_eq!(body["data"]["followers_count"], 13000);
        assert_eq!(body["meta"]["site"], "facebook");
    }
    let (status, body) = app
        .post_json("/v1/facebook/page", &json!({"page": "kellerwerkclub"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["category"], "Nightclub");
}

#[tokio::test]
async fn a_pages_events_are_one_honest_page() {
    let app = TestApp::spawn().await;
    serve(
        &app.upstream,
        "/WarehouseCollectiveLE/upcoming_hosted_events",
        html("events_upcoming.html"),
    )
    .await;
    Mock::given(path("/profile.php"))
        .and(query_param("id", "100051234567890"))
        .and(query_param("sk", "past_hosted_events"))
        .respond_with(html("events_empty.html"))
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .get_json("/v1/facebook/events?page=WarehouseCollectiveLE&limit=3")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    assert_eq!(body["data"][0]["id"], "1029384756102938");
    assert_eq!(
        body["data"][0]["url"],
        "https://www.facebook.com/events/1029384756102938/"
    );
    assert_eq!(body["next_cursor"], Value::Null);
    assert_eq!(body["next_url"], Value::Null);
    assert_eq!(body["meta"]["complete"], false);

    let (status, body) = app
        .post_json(
            "/v1/facebook/events",
            &json!({"page": "100051234567890", "when": "past"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], json!([]));
    assert_eq!(body["meta"]["complete"], true);

    let (status, body) = app
        .get_json("/v1/facebook/events?page=WarehouseCollectiveLE&when=soon")
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_params");
}

#[tokio::test]
async fn an_event_by_id_or_url() {
    let app = TestApp::spawn().await;
    serve(
        &app.upstream,
        "/events/612345678901234/",
        html("event_2023.html"),
    )
    .await;
    for query in [
        "id=612345678901234",
        "url=https%3A%2F%2Fwww.facebook.com%2Fevents%2F612345678901234%2F%3Fref%3Dnewsfeed",
    ] {
        let (status, body) = app.get_json(&format!("/v1/facebook/event?{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(body["data"]["id"], "612345678901234");
        assert_eq!(body["data"]["start_time"], "2023-07-28T22:00:00Z");
        assert_eq!(body["data"]["place"]["name"], "Klangkeller");
        assert_eq!(body["data"]["hosts"][0]["name"], "Klangkeller");
    }
    let (status, body) = app.get_json("/v1/facebook/event").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_params");
    let (status, body) = app
        .get_json("/v1/facebook/event?url=https%3A%2F%2Fevil.example%2Fevents%2F1%2F")
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(app.upstream.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn walls_as_problem_codes() {
    let app = TestApp::spawn().await;
    serve(&app.upstream, "/walled/", html("login_wall.html")).await;
    serve(
        &app.upstream,
        "/redirected/",
        ResponseTemplate::new(302)
            .insert_header("location", "https://www.facebook.com/login/?next=x"),
    )
    .await;
    serve(&app.upstream, "/blockedpage/", html("blocked.html")).await;
    serve(&app.upstream, "/gone/", html("not_found.html")).await;
    serve(&app.upstream, "/changedpage/", html("changed.html")).await;
    for (page, status, code) in [
        ("walled", 502, "login_required"),
        ("redirected", 502, "login_required"),
        ("blockedpage", 502, "blocked"),
        ("gone", 404, "not_found"),
        ("changedpage", 502, "upstream_changed"),
    ] {
        let (got, body) = app
            .get_json(&format!("/v1/facebook/page?page={page}"))
            .await;
        assert_eq!(
            (got, body["code"].as_str().unwrap()),
            (status, code),
            "{page}: {body}"
        );
        assert_eq!(body["site"], "facebook");
    }
}

#[tokio::test]
async fn the_session_cookie_reaches_facebook_and_never_the_log() {
    const COOKIE: &str = "c_user=100009876543210; xs=31%3ANeverLoggedXs%3A2%3A1761000000";
    let app = TestApp::spawn_with(|s| {
        s.sites.insert(
            "facebook".into(),
            [("cookie".to_owned(), COOKIE.to_owned())].into(),
        );
    })
    .await;
    serve(&app.upstream, "/kellerwerkclub/", html("page_2023.html")).await;
    serve(&app.upstream, "/walled/", html("login_wall.html")).await;
    let (status, body) = app.get_json("/v1/facebook/page?page=kellerwerkclub").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.get_json("/v1/facebook/page?page=walled").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("login_required"))
    );
    assert!(
        body["detail"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    assert!(!body.to_string().contains("NeverLogged"));
    for request in app.upstream.received_requests().await.unwrap() {
        assert_eq!(request.headers.get("cookie").unwrap(), COOKIE);
        assert_eq!(request.headers.get("host").unwrap(), "www.facebook.com");
    }
    let (_, sites) = app.get_json("/v1/sites").await;
    let facebook = sites["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "facebook")
        .unwrap();
    assert_eq!(facebook["configured"], true);
    assert!(!sites.to_string().contains("NeverLogged"));
    assert!(
        !logs::captured().contains("NeverLogged"),
        "the session cookie is never logged"
    );
}
