//! Authentication on /v1: missing, wrong, second key, Bearer; open endpoints; keys never logged.

use tests::{API_KEY, SECOND_KEY, TestApp, json_of, logs};

#[tokio::test]
async fn health_ready_and_docs_need_no_key() {
    let app = TestApp::spawn().await;
    for path in ["/health", "/ready", "/openapi.json", "/docs"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers().contains_key("x-request-id"), "{path}");
    }
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_unauthorized() {
    let app = TestApp::spawn().await;
    let cases = [
        None,
        Some(("x-api-key", "wrong")),
        Some(("x-api-key", "")),
        Some(("authorization", "Bearer wrong")),
        Some(("authorization", &format!("Basic {API_KEY}") as &str)),
        Some(("authorization", API_KEY)),
        Some(("x-api-key", &API_KEY[..API_KEY.len() - 1])),
    ];
    for (i, header) in cases.into_iter().enumerate() {
        // Problems are application/json unless the client asks for application/problem+json.
        let (accept, content_type) = if i % 2 == 0 {
            ("application/json, text/plain, */*", "application/json")
        } else {
            ("application/problem+json", "application/problem+json")
        };
        let mut request = app
            .client
            .get(app.url("/v1/testsite/echo?word=hi"))
            .header("accept", accept);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.headers()["content-type"],
            content_type,
            "{header:?}"
        );
        assert!(response.headers().contains_key("x-request-id"));
        let (status, body) = json_of(response).await;
        assert_eq!(status, 401, "{header:?}");
        assert_eq!(body["code"], "unauthorized");
        assert_eq!(body["status"], 401);
        assert_eq!(body["type"], "about:blank");
        assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
    }
    for path in ["/v1/sites", "/v1/nosuch/thing", "/v1/testsite"] {
        let (status, body) = json_of(app.client.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("unauthorized")),
            "{path}: all of /v1 needs a key"
        );
    }
}

#[tokio::test]
async fn every_configured_key_and_both_header_forms_work() {
    let app = TestApp::spawn().await;
    for (name, value) in [
        ("x-api-key", API_KEY.to_owned()),
        ("x-api-key", SECOND_KEY.to_owned()),
        ("authorization", format!("Bearer {API_KEY}")),
        ("authorization", format!("bearer {SECOND_KEY}")),
    ] {
        let response = app
            .client
            .get(app.url("/v1/testsite/echo?word=hi"))
            .header(name, &value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}: {value}");
    }
}

#[tokio::test]
async fn keys_never_reach_the_log() {
    let app = TestApp::spawn().await;
    let _ = app.get("/v1/testsite/echo?word=hi").await;
    let _ = app
        .client
        .get(app.url("/v1/sites"))
        .header("authorization", format!("Bearer {SECOND_KEY}"))
        .send()
        .await;
    let _ = app
        .client
        .get(app.url("/v1/sites"))
        .header("x-api-key", "a-wrong-key-to-find")
        .send()
        .await;
    let captured = logs::captured();
    assert!(
        captured.contains("\"target\":\"request\""),
        "the access log is captured"
    );
    for secret in [API_KEY, SECOND_KEY, "a-wrong-key-to-find"] {
        assert!(!captured.contains(secret), "{secret} appeared in the log");
    }
}
