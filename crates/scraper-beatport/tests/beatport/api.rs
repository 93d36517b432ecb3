//! The actions that use the v4 catalog API: `track`, `release`, `releases`, `genres`, and the
//! anonymous token they share (taken from a page, reused, refreshed before expiry and after a 401).

use scraper_core::ErrorCode;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{code, engine, fails, fixture, ids, ok, split_page};

fn html(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/html; charset=utf-8")
        .set_body_string(body)
}

fn json_fixture(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(name))
}

/// A page that carries only an anonymous token (`expires_in` seconds).
fn token_page(token: &str, expires_in: u64) -> String {
    let (head, mut next, tail) = split_page(&fixture("track_page.html"));
    next["props"]["pageProps"]["anonSession"] =
        json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"});
    next["props"]["pageProps"]["dehydratedState"]["queries"] = json!([]);
    format!("{head}{next}{tail}")
}

#[tokio::test]
async fn a_track_comes_from_its_page_first_then_from_the_api_with_the_same_token() {
    let server = MockServer::start().await;
    Mock::given(path("/track/-/30100001"))
        .and(header("host", "www.beatport.com"))
        .respond_with(html(fixture("track_page.html")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .and(header("host", "api.beatport.com"))
        .and(header("authorization", "Bearer fixture-token-1"))
        .respond_with(json_fixture("api_track.json"))
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(&engine, "track", "id=30100001").await;
    assert_eq!(s.data["title"], "Concrete Pulse");
    assert_eq!(
        s.data["url"],
        "https://www.beatport.com/track/concrete-pulse/30100001"
    );
    // The page's token is kept: the next tracks come straight from the API, no page fetched.
    let s = ok(&engine, "track", "id=30100002").await;
    assert_eq!(s.data["mix_name"], "Mara Vex Extended Remix");
    assert_eq!(s.data["sub_genre"], json!({"id": 92, "name": "Peak Time"}));
    assert_eq!(s.data["length_ms"], 419029);
    let s = ok(
        &engine,
        "track",
        "id=https://www.beatport.com/track/night-shift/30100002",
    )
    .await;
    assert_eq!(s.data["id"], 30100002);
}

#[tokio::test]
async fn track_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/track/-/1"))
        .respond_with(html(token_page("tok", 36000)))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/1/"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/2/"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("content-type", "application/json")
                .set_body_string(fixture("territory_403.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/3/"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "Forbidden."})))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/4/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": \"four\"}"))
        .mount(&server)
        .await;
    let engine = engine(&server);
    assert_eq!(
        code(&fails(&engine, "track", "id=1").await).0,
        ErrorCode::NotFound
    );
    let territory = fails(&engine, "track", "id=2").await;
    assert_eq!(territory.error.code(), ErrorCode::NotFound);
    assert!(
        territory.error.to_string().contains("Territory"),
        "{}",
        territory.error
    );
    assert_eq!(
        code(&fails(&engine, "track", "id=3").await).0,
        ErrorCode::Blocked
    );
    assert_eq!(
        code(&fails(&engine, "track", "id=4").await).0,
        ErrorCode::UpstreamChanged
    );
    assert_eq!(
        code(&fails(&engine, "track", "id=https://soundcloud.com/track/x/1").await),
        (ErrorCode::InvalidParams, Some("id"))
    );
    assert_eq!(
        code(&fails(&engine, "track", "id=https://www.beatport.com/release/x/1").await),
        (ErrorCode::InvalidParams, Some("id"))
    );
    assert_eq!(
        code(&fails(&engine, "track", "").await),
        (ErrorCode::InvalidParams, Some("id"))
    );
}

#[tokio::test]
async fn a_refused_token_is_replaced_once() {
    let server = MockServer::start().await;
    // The first token page gives "old"; after it is refused, the next gives "new".
    Mock::given(path("/track/-/30100002"))
        .respond_with(html(token_page("old", 36000)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/track/-/30100002"))
        .respond_with(html(token_page("new", 36000)))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .and(header("authorization", "Bearer old"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"detail": "Authentication credentials were not provided."})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .and(header("authorization", "Bearer new"))
        .respond_with(json_fixture("api_track.json"))
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(&server);
    assert_eq!(
        ok(&engine, "track", "id=30100002").await.data["id"],
        30100002
    );
    assert_eq!(
        ok(&engine, "track", "id=30100002").await.data["id"],
        30100002,
        "the new token is kept"
    );
    let pages = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/track/-/30100002")
        .count();
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn a_token_about_to_expire_is_replaced_before_use() {
    let server = MockServer::start().await;
    Mock::given(path("/track/-/30100002"))
        .respond_with(html(token_page("short", 30)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .respond_with(json_fixture("api_track.json"))
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(&server);
    ok(&engine, "track", "id=30100002").await;
    ok(&engine, "track", "id=30100002").await;
}

#[tokio::test]
async fn a_token_twice_refused_is_blocked() {
    let server = MockServer::start().await;
    Mock::given(path("/track/-/30100002"))
        .respond_with(html(token_page("bad", 36000)))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/tracks/30100002/"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(&server);
    assert_eq!(
        code(&fails(&engine, "track", "id=30100002").await).0,
        ErrorCode::Blocked
    );
}

#[tokio::test]
async fn a_release_with_its_tracks_from_the_page_and_the_api() {
    let server = MockServer::start().await;
    Mock::given(path("/release/-/5100001"))
        .respond_with(html(fixture("release_page.html")))
        .expect(1)
        .mount(&server)
        .await;
    // The page holds 2 of 3 tracks: the API is asked, its `next` link (on the internal host) followed.
    Mock::given(path("/v4/catalog/releases/5100001/tracks/"))
        .and(header("host", "api.beatport.com"))
        .and(query_param("page", "1"))
        .respond_with(json_fixture("api_release_tracks_p1.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/releases/5100001/tracks/"))
        .and(header("host", "api.beatport.com"))
        .and(query_param("page", "2"))
        .respond_with(json_fixture("api_release_tracks_p2.json"))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(&engine, "release", "id=5100001").await;
    let d = &s.data;
    assert_eq!(d["title"], "Concrete Pulse EP");
    assert_eq!(d["label"], json!({"id": 7001, "name": "Kraftwerk Halle"}));
    assert_eq!(
        (d["catalog_number"].clone(), d["upc"].clone()),
        (json!("KWH042"), json!("5054197712345"))
    );
    assert_eq!(d["track_count"], 3);
    assert_eq!(
        ids(&d["tracks"]),
        [30100001, 30100004, 30100005],
        "tracks in release order"
    );
    assert_eq!(d["tracks"][2]["position"], 3);
    assert!(
        d["artwork_url"]
            .as_str()
            .is_some_and(|u| u.contains("/1400x1400/"))
    );
}

#[tokio::test]
async fn a_release_page_holding_every_track_needs_no_api() {
    let server = MockServer::start().await;
    let page = fixture("release_page.html").replace("\"track_count\":3", "\"track_count\":2");
    Mock::given(path("/release/-/5100001"))
        .respond_with(html(page))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(
        &engine,
        "release",
        "id=https://www.beatport.com/release/concrete-pulse-ep/5100001",
    )
    .await;
    assert_eq!(ids(&s.data["tracks"]), [30100001, 30100004]);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
    let server = MockServer::start().await;
    Mock::given(path("/release/-/42"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    assert_eq!(
        code(&fails(&super::engine(&server), "release", "id=42").await).0,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn label_releases_in_a_date_range_page_by_page() {
    let server = MockServer::start().await;
    Mock::given(path("/label/-/7001/releases"))
        .respond_with(html(token_page("label-token", 36000)))
        .expect(1)
        .mount(&server)
        .await;
    let api = || {
        Mock::given(method("GET"))
            .and(path("/v4/catalog/labels/7001/releases/"))
            .and(header("authorization", "Bearer label-token"))
            .and(query_param("publish_date", "2025-01-01:2025-03-31"))
            .and(query_param("per_page", "2"))
            .and(query_param("order_by", "-publish_date"))
    };
    api()
        .and(query_param("page", "1"))
        .respond_with(json_fixture("api_releases_p1.json"))
        .expect(1)
        .mount(&server)
        .await;
    api()
        .and(query_param("page", "2"))
        .respond_with(json_fixture("api_releases_p2.json"))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let query = "label_id=7001&start_date=2025-01-01&end_date=2025-03-31&limit=2";
    let first = ok(&engine, "releases", query).await;
    assert_eq!(ids(&first.data), [5100001, 5100002]);
    assert_eq!(first.meta.extra["total_results"], json!(3));
    let cursor = first.next_cursor.unwrap_or_else(|| panic!("a second page"));
    let second = ok(&engine, "releases", &format!("{query}&cursor={cursor}")).await;
    assert_eq!(ids(&second.data), [5100003]);
    assert_eq!(
        second.data[0]["label"],
        Value::Null,
        "a release without a label"
    );
    assert_eq!(second.data[0]["catalog_number"], Value::Null);
    assert_eq!(second.next_cursor, None);
}

#[tokio::test]
async fn artist_releases_and_parameter_rules() {
    let server = MockServer::start().await;
    Mock::given(path("/artist/-/900101/releases"))
        .respond_with(html(token_page("t", 36000)))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/releases/"))
        .and(query_param("artist_id", "900101"))
        .and(query_param("publish_date", "2025-01-01:9999-12-31"))
        .respond_with(json_fixture("api_releases_p2.json"))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(
        &engine,
        "releases",
        "artist_id=https://www.beatport.com/artist/ilse-kramer/900101&start_date=2025-01-01",
    )
    .await;
    assert_eq!(ids(&s.data), [5100003]);
    assert_eq!(
        code(
            &fails(
                &engine,
                "releases",
                "label_id=1&start_date=2025-02-01&end_date=2025-01-01"
            )
            .await
        ),
        (ErrorCode::InvalidParams, Some("end_date"))
    );
    assert_eq!(
        code(&fails(&engine, "releases", "label_id=1&start_date=2025-02-30").await),
        (ErrorCode::InvalidParams, Some("start_date"))
    );
    assert_eq!(
        code(&fails(&engine, "releases", "").await).0,
        ErrorCode::InvalidParams
    );
    assert_eq!(
        code(&fails(&engine, "releases", "label_id=1&artist_id=2").await).0,
        ErrorCode::InvalidParams
    );
    assert_eq!(
        code(&fails(&engine, "releases", "label_id=x").await),
        (ErrorCode::InvalidParams, Some("label_id"))
    );
}

#[tokio::test]
async fn genres_from_the_catalog() {
    let server = MockServer::start().await;
    Mock::given(path("/"))
        .and(header("host", "www.beatport.com"))
        .respond_with(html(token_page("home", 36000)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/genres/"))
        .and(header("authorization", "Bearer home"))
        .and(query_param("per_page", "100"))
        .respond_with(json_fixture("api_genres.json"))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(&engine, "genres", "limit=100").await;
    assert_eq!(
        s.data[2],
        json!({"id": 6, "name": "Techno (Peak Time / Driving)", "slug": "techno-peak-time-driving"})
    );
    assert_eq!(s.data.as_array().map(Vec::len), Some(6));
    assert_eq!(s.next_cursor, None);
}

#[tokio::test]
async fn a_release_page_without_the_release_falls_back_to_the_api() {
    let server = MockServer::start().await;
    let (head, mut next, tail) = split_page(&fixture("release_page.html"));
    let release = next["props"]["pageProps"]["release"].take();
    next["props"]["pageProps"]["dehydratedState"]["queries"] = json!([]);
    Mock::given(path("/release/-/5100001"))
        .respond_with(html(format!("{head}{next}{tail}")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/releases/5100001/"))
        .and(header("authorization", "Bearer fixture-token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(release))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/releases/5100001/tracks/"))
        .and(query_param("page", "1"))
        .respond_with(json_fixture("api_release_tracks_p1.json"))
        .mount(&server)
        .await;
    Mock::given(path("/v4/catalog/releases/5100001/tracks/"))
        .and(query_param("page", "2"))
        .respond_with(json_fixture("api_release_tracks_p2.json"))
        .mount(&server)
        .await;
    let s = ok(&engine(&server), "release", "id=5100001").await;
    assert_eq!(s.data["title"], "Concrete Pulse EP");
    assert_eq!(ids(&s.data["tracks"]), [30100001, 30100004, 30100005]);
}
