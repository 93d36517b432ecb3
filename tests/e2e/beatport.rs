//! Beatport through the real gateway, as n8n drives it: the genre Top 100 walked page by page
//! with `next_url`, the anonymous token reused and refreshed, label releases in a date range over
//! POST, and Beatport's failures as problem codes. The upstream is wiremock serving the fixtures
//! of `crates/scraper-beatport/tests/fixtures`.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use serde_json::{Value, json};
use tests::TestApp;
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn fixture(name: &str) -> String {
    scraper_beatport::fixtures::fixture(name)
}

fn html(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/html; charset=utf-8")
        .set_body_string(body)
}

/// The fixture's page data edited by `edit`, put back into the page.
fn edit_page(name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let page = fixture(name);
    let start = page.find("<script id=\"__NEXT_DATA__\"").unwrap();
    let json_start = start + page[start..].find('>').unwrap() + 1;
    let json_end = json_start + page[json_start..].find("</script>").unwrap();
    let mut next: Value = serde_json::from_str(&page[json_start..json_end]).unwrap();
    edit(&mut next);
    format!("{}{next}{}", &page[..json_start], &page[json_end..])
}

/// A genre-6 Top 100 page holding the whole chart (100 tracks).
fn full_chart() -> String {
    edit_page("genre_top100_page.html", |next| {
        let queries = next["props"]["pageProps"]["dehydratedState"]["queries"]
            .as_array_mut()
            .unwrap();
        let chart = queries
            .iter_mut()
            .find(|q| q["queryKey"][0] == "genre-6-top-100-tracks-per_page=100&hype=false")
            .unwrap();
        let data = &mut chart["state"]["data"];
        let models = data["results"].as_array().unwrap().clone();
        data["results"] = (0..100u64)
            .map(|i| {
                let mut t = models[(i % 3) as usize].clone();
                t["id"] = json!(50_000_001 + i);
                t
            })
            .collect();
        data["count"] = json!(100);
    })
}

/// A page carrying only an anonymous token.
fn token_page(token: &str) -> String {
    edit_page("track_page.html", |next| {
        next["props"]["pageProps"]["anonSession"] =
            json!({"access_token": token, "expires_in": 36000});
        next["props"]["pageProps"]["dehydratedState"]["queries"] = json!([]);
    })
}

fn positions(body: &Value) -> Vec<u64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["position"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_genre_top100_is_walked_with_next_url() {
    let app = TestApp::spawn().await;
    Mock::given(path("/genre/-/6/top-100"))
        .and(header("host", "www.beatport.com"))
        .respond_with(html(full_chart()))
        .mount(&app.upstream)
        .await;
    let (status, all) = app
        .get_json("/v1/beatport/top100?genre_id=6&limit=100")
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(positions(&all), (1..=100).collect::<Vec<_>>());
    assert_eq!(all["next_cursor"], Value::Null);
    assert_eq!(all["data"][0]["key"], "Ab Minor");
    assert_eq!(all["data"][2]["label"], Value::Null);

    let (_, mut body) = app
        .get_json("/v1/beatport/top100?genre_id=6&limit=40")
        .await;
    let mut seen = positions(&body);
    while let Some(next) = body["next_url"].as_str() {
        let path = next.strip_prefix(&app.address).unwrap().to_owned();
        body = app.get_json(&path).await.1;
        seen.extend(positions(&body));
    }
    assert_eq!(seen, (1..=100).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_token_is_reused_then_replaced_after_a_401() {
    let app = TestApp::spawn().await;
    Mock::given(path("/track/-/30100002"))
        .respond_with(html(token_page("first")))
        .up_to_n_times(1)
        .mount(&app.upstream)
        .await;
    Mock::given(path("/track/-/30100002"))
        .respond_with(html(token_page("second")))
        .mount(&app.upstream)
        .await;
    // "first" works once, then Beatport refuses it.
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .and(header("authorization", "Bearer first"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("api_track.json")))
        .up_to_n_times(1)
        .mount(&app.upstream)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .and(header("authorization", "Bearer first"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .and(header("authorization", "Bearer second"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("api_track.json")))
        .mount(&app.upstream)
        .await;
    for _ in 0..3 {
        let (status, body) = app.get_json("/v1/beatport/track?id=30100002").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["remixers"][0]["name"], "Mara Vex");
    }
    let requests = app.upstream.received_requests().await.unwrap();
    let pages = requests
        .iter()
        .filter(|r| r.url.path() == "/track/-/30100002")
        .count();
    assert_eq!(pages, 2, "one page for the first token, one after the 401");
}

#[tokio::test]
async fn label_releases_in_a_date_range_over_post() {
    let app = TestApp::spawn().await;
    Mock::given(path("/label/-/7001/releases"))
        .respond_with(html(token_page("label")))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/v4/catalog/labels/7001/releases/"))
        .and(header("authorization", "Bearer label"))
        .and(query_param("publish_date", "2025-01-01:2025-03-31"))
        .and(query_param("page", "1"))
        .and(query_param("per_page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("api_releases_p1.json")))
        .mount(&app.upstream)
        .await;
    let (status, body) = app
        .post_json(
            "/v1/beatport/releases",
            &json!({"label_id": 7001, "start_date": "2025-01-01", "end_date": "2025-03-31", "limit": 2}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["title"], "Concrete Pulse EP");
    assert_eq!(body["data"][0]["release_date"], "2025-03-14");
    assert_eq!(body["meta"]["total_results"], 3);
    assert!(body["next_cursor"].is_string());
}

#[tokio::test]
async fn beatport_failures_as_problem_codes() {
    let app = TestApp::spawn().await;
    Mock::given(path("/track/-/2"))
        .respond_with(html(token_page("t")))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/v4/catalog/tracks/2/"))
        .respond_with(ResponseTemplate::new(403).set_body_string(fixture("territory_403.json")))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/genre/-/6/top-100"))
        .respond_with(html(fixture("challenge.html")))
        .mount(&app.upstream)
        .await;
    let cases = [
        ("/v1/beatport/track?id=2", 404, "not_found"),
        ("/v1/beatport/top100?genre_id=6", 502, "blocked"),
        (
            "/v1/beatport/release?id=https://evil.example/release/x/1",
            400,
            "invalid_params",
        ),
        (
            "/v1/beatport/releases?label_id=1&start_date=2025-02-01&end_date=2025-01-01",
            400,
            "invalid_params",
        ),
    ];
    for (path, status, code) in cases {
        let (got, body) = app.get_json(path).await;
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "{path}: {body}"
        );
    }
}
