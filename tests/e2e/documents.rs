//! The generated documents: OpenAPI 3.1 with a path per action, and the offline docs page.

use tests::TestApp;

#[tokio::test]
async fn openapi_has_a_path_for_every_action() {
    let app = TestApp::spawn().await;
    let spec: serde_json::Value = reqwest::get(app.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let (_, catalogue) = app.get_json("/v1/sites").await;
    for site in catalogue["data"].as_array().unwrap() {
        for action in site["actions"].as_array().unwrap() {
            let path = action["path"].as_str().unwrap();
            let item = &spec["paths"][path];
            assert!(
                item["get"].is_object() && item["post"].is_object(),
                "{path} missing from OpenAPI"
            );
            let names: Vec<_> = item["get"]["parameters"]
                .as_array()
                .map(|ps| ps.iter().map(|p| p["name"].clone()).collect())
                .unwrap_or_default();
            for param in action["params"].as_array().unwrap() {
                assert!(
                    names.contains(&param["name"]),
                    "{path}: {} missing",
                    param["name"]
                );
            }
            assert_eq!(
                item["get"]["responses"]["400"]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem"
            );
        }
    }
    let echo = &spec["paths"]["/v1/testsite/echo"]["get"];
    let word = echo["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "word")
        .unwrap();
    assert_eq!(word["required"], true);
    assert_eq!(word["example"], "hello");
    let codes = &spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"];
    assert_eq!(codes.as_array().unwrap().len(), 14);
    assert!(spec["components"]["securitySchemes"]["api_key"].is_object());
}

#[tokio::test]
async fn the_docs_page_is_self_contained_html() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(app.url("/docs")).await.unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains("/v1/testsite/echo")
            && html.contains("upstream_timeout")
            && html.contains("X-API-Key")
    );
    for external in [
        "<script",
        "http://cdn",
        "https://cdn",
        "unpkg.com",
        "jsdelivr",
    ] {
        assert!(
            !html.contains(external),
            "the docs page must work offline: found {external}"
        );
    }
}
