//! The public API's shapes: the envelope, parameters by GET and POST, unknown sites and
//! actions, invalid parameters, the SSRF rule, not_configured, request ids and limits.

use serde_json::json;
use tests::{API_KEY, TestApp};
use wiremock::matchers::path;
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn an_item_answers_in_the_envelope() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json("/v1/testsite/echo?word=hello&n=3&day=2026-11-24")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!({"word": "hello", "n": 3, "kind": "a", "day": "2026-11-24"})
    );
    assert!(
        body.get("next_cursor").is_none(),
        "item actions carry no paging fields"
    );
    let meta = &body["meta"];
    assert_eq!(meta["site"], "testsite");
    assert_eq!(meta["action"], "echo");
    assert_eq!(meta["cached"], false);
    assert_eq!(meta["attempts"], 0, "no upstream request was needed");
    let fetched_at = meta["fetched_at"].as_str().unwrap();
    assert!(
        fetched_at.ends_with('Z') && fetched_at.len() == 20,
        "{fetched_at}"
    );
}

#[tokio::test]
async fn post_takes_the_params_as_a_json_body() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post_json(
            "/v1/testsite/echo",
            &json!({"word": "hi", "n": 2, "kind": "B"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!({"word": "hi", "n": 2, "kind": "b", "day": null})
    );
    let response = app
        .client
        .post(app.url("/v1/testsite/echo"))
        .header("x-api-key", API_KEY)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("word=form")
        .send()
        .await
        .unwrap();
    assert_eq!(tests::json_of(response).await.1["data"]["word"], "form");
    let (status, body) = app.post_json("/v1/testsite/echo", &json!(["word"])).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_params"))
    );
    let (status, body) = app
        .post_json("/v1/testsite/echo?word=a", &json!({"word": "b"}))
        .await;
    assert_eq!((status, body["param"].as_str()), (400, Some("word")));
}

#[tokio::test]
async fn invalid_params_name_the_parameter() {
    let app = TestApp::spawn().await;
    for (query, param) in [
        ("", "word"),
        ("word=", "word"),
        ("word=x&n=11", "n"),
        ("word=x&n=two", "n"),
        ("word=x&kind=c", "kind"),
        ("word=x&day=2026-13-01", "day"),
        ("word=x&wrod=y", "wrod"),
    ] {
        let (status, body) = app.get_json(&format!("/v1/testsite/echo?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["code"], "invalid_params", "{query}");
        assert_eq!(body["param"], param, "{query}");
        assert!(
            body["detail"].as_str().unwrap().contains(param),
            "{query}: {}",
            body["detail"]
        );
        assert_eq!(body["site"], "testsite");
        assert_eq!(body["action"], "echo");
        assert_eq!(body["retryable"], false);
    }
    for limit in ["0", "101", "x"] {
        let (status, body) = app
            .get_json(&format!("/v1/testsite/numbers?limit={limit}"))
            .await;
        assert_eq!(
            (status, body["param"].as_str()),
            (400, Some("limit")),
            "limit={limit}"
        );
    }
}

#[tokio::test]
async fn a_url_of_a_foreign_host_is_refused_before_any_request() {
    let app = TestApp::spawn().await;
    for user in [
        "https://evil.example/someone",
        "https://www.testsite.test.evil.example/x",
        "https://www.testsite.test@evil.example/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://2130706433/",
        "file:///etc/passwd",
    ] {
        let (status, body) = app
            .post_json("/v1/testsite/profile", &json!({"user": user}))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_params")),
            "{user}"
        );
        assert_eq!(body["param"], "user");
    }
    assert!(
        app.upstream.received_requests().await.unwrap().is_empty(),
        "no request may leave"
    );
    Mock::given(path("/users/someone"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .get_json("/v1/testsite/profile?user=https%3A%2F%2Fapi.testsite.test%2Fusers%2Fsomeone")
        .await;
    assert_eq!((status, body["data"]["id"].as_i64()), (200, Some(1)));
}

#[tokio::test]
async fn unknown_sites_and_actions() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/v1/nosuch/profile").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("unknown_site")));
    assert!(
        body["detail"].as_str().unwrap().contains("testsite"),
        "the detail lists the known sites"
    );
    let (status, body) = app.get_json("/v1/testsite/nosuch").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_action"))
    );
    assert!(
        body["detail"].as_str().unwrap().contains("echo"),
        "the detail lists the actions"
    );
    let (status, body) = app.get_json("/v1/testsite").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_action"))
    );
    let (status, body) = app.get_json("/v1/testsite/echo/extra").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_action"))
    );
    let (status, body) = app.get_json("/nothing/here").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let response = app
        .client
        .delete(app.url("/v1/testsite/echo"))
        .header("x-api-key", API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST");
}

#[tokio::test]
async fn a_site_without_its_required_setting_is_not_configured() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/v1/lockedsite/thing").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("not_configured"))
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("TECHNO_SCRAPER_LOCKEDSITE_API_KEY")
    );
    let (_, sites) = app.get_json("/v1/sites").await;
    let locked = sites["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "lockedsite")
        .unwrap();
    assert_eq!(locked["configured"], false);
    assert_eq!(
        locked["settings"][0]["env"],
        "TECHNO_SCRAPER_LOCKEDSITE_API_KEY"
    );

    let app = TestApp::spawn_with(|s| {
        s.sites.insert(
            "lockedsite".into(),
            [("api_key".to_owned(), "k".to_owned())].into(),
        );
    })
    .await;
    let (status, body) = app.get_json("/v1/lockedsite/thing").await;
    assert_eq!(
        (status, body["data"]["has_key"].as_bool()),
        (200, Some(true))
    );
}

#[tokio::test]
async fn request_ids_are_kept_or_made() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/v1/testsite/echo?word=x"))
        .header("x-api-key", API_KEY)
        .header("x-request-id", "n8n-run-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "n8n-run-42");
    let response = app
        .client
        .get(app.url("/v1/testsite/echo"))
        .header("x-api-key", API_KEY)
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(id, "bad id with spaces");
    let (_, body) = tests::json_of(response).await;
    assert_eq!(
        body["request_id"], id,
        "the problem body carries the same id"
    );
}

#[tokio::test]
async fn oversized_requests_are_refused_with_problems() {
    let app = TestApp::spawn_with(|s| {
        s.max_body_bytes = 1024;
        s.max_uri_bytes = 2048;
        s.max_header_bytes = 4096;
    })
    .await;
    let (status, body) = app
        .post_json("/v1/testsite/echo", &json!({"word": "x".repeat(2000)}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (status, body) = app
        .get_json(&format!("/v1/testsite/echo?word={}", "y".repeat(3000)))
        .await;
    assert_eq!((status, body["code"].as_str()), (414, Some("uri_too_long")));
    let response = app
        .client
        .get(app.url("/v1/testsite/echo?word=z"))
        .header("x-api-key", API_KEY)
        .header("x-big", "z".repeat(5000))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 431);
}

#[tokio::test]
async fn the_catalogue_lists_sites_actions_and_params() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/v1/sites").await;
    assert_eq!(status, 200);
    let sites = body["data"].as_array().unwrap();
    let slugs: Vec<_> = sites.iter().map(|s| s["slug"].as_str().unwrap()).collect();
    let mut sorted = slugs.clone();
    sorted.sort_unstable();
    assert_eq!(slugs, sorted);
    let testsite = sites.iter().find(|s| s["slug"] == "testsite").unwrap();
    assert_eq!(testsite["configured"], true);
    let echo = testsite["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "echo")
        .unwrap();
    assert_eq!(echo["example"]["path"], "/v1/testsite/echo?word=hello");
    assert_eq!(echo["list"], false);
    let kind = echo["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "kind")
        .unwrap();
    assert_eq!(
        kind,
        &json!({"name": "kind", "type": "string", "required": false, "default": "a", "allowed": ["a", "b"],
                             "min": null, "max": null, "description": "A or B."})
    );
    let numbers = testsite["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "numbers")
        .unwrap();
    let names: Vec<_> = numbers["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["limit", "cursor"]);
}
