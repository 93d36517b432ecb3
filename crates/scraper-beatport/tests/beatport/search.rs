//! `search`: one type or all four, Beatport's paging, the search shape read into our records,
//! and queries made acceptable to Beatport.

use scraper_core::ErrorCode;
use serde_json::json;
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{code, engine, fails, fixture, ids, ok};

fn html(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/html; charset=utf-8")
        .set_body_string(body)
}

#[tokio::test]
async fn tracks_of_one_type_with_beatport_paging() {
    let server = MockServer::start().await;
    Mock::given(path("/search/tracks"))
        .and(header("host", "www.beatport.com"))
        .and(query_param("q", "night shift (mara vex remix) extended"))
        .and(query_param("page", "1"))
        .and(query_param("per-page", "2"))
        .respond_with(html(fixture("search_tracks_page.html")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    // Several parentheses make Beatport answer 403: only the first pair is kept.
    let s = ok(
        &engine,
        "search",
        "q=night%20shift%20(mara%20vex%20remix)%20(extended)&type=tracks&limit=2",
    )
    .await;
    assert_eq!(ids(&s.data), [30100002, 30100003]);
    let t = &s.data[0];
    assert_eq!(t["type"], "track");
    assert_eq!(t["artists"], json!([{"id": 900104, "name": "Hollow Grid"}]));
    assert_eq!(t["remixers"], json!([{"id": 900103, "name": "Mara Vex"}]));
    assert_eq!(t["key"], "A Minor");
    assert_eq!(t["length_ms"], 419029);
    assert_eq!(
        t["genre"],
        json!({"id": 6, "name": "Techno (Peak Time / Driving)"})
    );
    assert_eq!(t["publish_date"], "2025-03-07");
    assert_eq!(s.data[1]["label"], json!(null));
    assert!(s.next_cursor.is_some(), "a full page may have a next one");
}

#[tokio::test]
async fn all_types_share_the_page() {
    let server = MockServer::start().await;
    Mock::given(path("/search"))
        .and(query_param("q", "mara vex"))
        .and(query_param("per-page", "1"))
        .respond_with(html(fixture("search_all_page.html")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(&engine, "search", "q=mara%20vex&limit=4").await;
    let types: Vec<&str> = s
        .data
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(types, ["track", "release", "artist", "label"]);
    assert_eq!(
        s.data[2]["url"],
        "https://www.beatport.com/artist/mara-vex/900103"
    );
    assert!(
        s.data[3]["image_url"]
            .as_str()
            .is_some_and(|u| u.contains("/500x500/"))
    );
}

#[tokio::test]
async fn bad_queries() {
    let server = MockServer::start().await;
    let engine = engine(&server);
    assert_eq!(
        code(&fails(&engine, "search", "q=()").await),
        (ErrorCode::InvalidParams, Some("q"))
    );
    assert_eq!(
        code(&fails(&engine, "search", "q=x&type=podcasts").await),
        (ErrorCode::InvalidParams, Some("type"))
    );
    assert_eq!(
        code(&fails(&engine, "search", "type=tracks").await),
        (ErrorCode::InvalidParams, Some("q"))
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}
