//! Bandcamp through the real gateway, as n8n drives it: search walked with `next_url` across
//! HTML result pages, search over POST, an artist with its releases, album and track pages, the
//! custom-domain rule, and Bandcamp's failures as problem codes. The upstream is wiremock serving
//! the site crate's fixtures (its `fixtures` feature).
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use serde_json::{Value, json};
use tests::TestApp;
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    scraper_bandcamp::fixtures::fixture(name)
}

fn html(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "text/html; charset=UTF-8")
}

fn json_fixture(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json; charset=UTF-8")
}

fn ids(body: &Value) -> Vec<u64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

/// "night ferry": page 1 (6 hits and a fan, a next link), page 2 (2 hits, the last).
async fn search_pages(upstream: &MockServer) {
    for (page, name) in [
        ("1", "search_all_page1.html"),
        ("2", "search_tracks_last_page.html"),
    ] {
        Mock::given(method("GET"))
            .and(path("/search"))
            .and(header("host", "bandcamp.com"))
            .and(query_param("q", "night ferry"))
            .and(query_param("page", page))
            .respond_with(html(name))
            .mount(upstream)
            .await;
    }
}

async fn band_details(upstream: &MockServer, band_id: u64, name: &str) {
    Mock::given(method("POST"))
        .and(path("/api/mobile/22/band_details"))
        .and(body_json(json!({ "band_id": band_id })))
        .respond_with(json_fixture(name))
        .mount(upstream)
        .await;
}

#[tokio::test]
async fn search_walks_html_pages_with_next_url() {
    let app = TestApp::spawn().await;
    search_pages(&app.upstream).await;
    let (status, mut body) = app
        .get_json("/v1/bandcamp/search?q=night%20ferry&limit=4")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["type"], "artist");
    assert_eq!(body["data"][0]["url"], "https://nightferry.bandcamp.com");
    assert_eq!(body["data"][2]["type"], "album");
    assert_eq!(body["data"][2]["artist"], "Night Ferry");
    let mut seen = ids(&body);
    let mut pages = 1;
    while let Some(next) = body["next_url"].as_str() {
        let path = next.strip_prefix(&app.address).unwrap().to_owned();
        body = app.get_json(&path).await.1;
        seen.extend(ids(&body));
        pages += 1;
    }
    assert_eq!(pages, 2);
    assert_eq!(
        seen,
        [
            1111111111, 2222222222, 3333333333, 4444444444, 6666666666, 7777777777, 6666666666,
            4444444444
        ],
        "page 1 without its fan, then page 2, nothing skipped or repeated"
    );
    assert_eq!(body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn search_over_post_with_a_type() {
    let app = TestApp::spawn().await;
    search_pages(&app.upstream).await;
    let (status, body) = app
        .post_json(
            "/v1/bandcamp/search",
            &json!({"q": "night ferry", "type": "tracks", "limit": 2}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body), [4444444444, 6666666666]);
    assert_eq!(body["data"][0]["album"], "Harbour Lights");
    let (status, problem) = app.get_json("/v1/bandcamp/search?q=x&type=fans").await;
    assert_eq!(status, 400);
    assert_eq!(problem["code"], "invalid_params");
}

#[tokio::test]
async fn an_artist_with_its_releases() {
    let app = TestApp::spawn().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("host", "nightferry.bandcamp.com"))
        .respond_with(html("band_music_grid.html"))
        .mount(&app.upstream)
        .await;
    band_details(&app.upstream, 1111111111, "band_details.json").await;
    band_details(&app.upstream, 42, "band_details_not_found.json").await;
    let (status, body) = app
        .get_json("/v1/bandcamp/artist?url=https%3A%2F%2Fnightferry.bandcamp.com")
        .await;
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    assert_eq!(data["id"], 1111111111_u64);
    assert_eq!(data["location"], "Hamburg, Germany");
    assert_eq!(data["is_label"], false);
    assert_eq!(
        data["releases"][0]["url"],
        "https://nightferry.bandcamp.com/album/harbour-lights"
    );
    assert_eq!(data["releases"][0]["release_date"], "2021-03-04T00:00:00Z");
    assert_eq!(data["releases"][2]["title"], "First Crossing");
    let (status, missing) = app.get_json("/v1/bandcamp/artist?id=42").await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["code"], "not_found");
}

#[tokio::test]
async fn custom_domains_only_when_the_operator_allows_them() {
    let app = TestApp::spawn().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.upstream)
        .await;
    let (status, problem) = app
        .get_json("/v1/bandcamp/artist?url=https%3A%2F%2Ftidalrecords.net")
        .await;
    assert_eq!(status, 400);
    assert_eq!(problem["code"], "invalid_params");

    let app = TestApp::spawn_with(|s| {
        s.sites.insert(
            "bandcamp".into(),
            [("allow_custom_domains".to_owned(), "true".to_owned())].into(),
        );
    })
    .await;
    for page in ["/", "/music"] {
        Mock::given(method("GET"))
            .and(path(page))
            .and(header("host", "tidalrecords.net"))
            .respond_with(html("band_stub.html"))
            .mount(&app.upstream)
            .await;
    }
    band_details(&app.upstream, 2222222222, "band_details_label.json").await;
    let (status, body) = app
        .get_json("/v1/bandcamp/artist?url=https%3A%2F%2Ftidalrecords.net")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["is_label"], true);
    assert_eq!(body["data"]["name"], "T I D A L");
}

#[tokio::test]
async fn album_and_track_pages_and_their_failures() {
    let app = TestApp::spawn().await;
    Mock::given(path("/album/harbour-lights"))
        .respond_with(html("album.html"))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/track/low-tide"))
        .respond_with(html("track_on_album.html"))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/album/gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&app.upstream)
        .await;
    Mock::given(path("/album/challenged"))
        .respond_with(html("challenge.html"))
        .mount(&app.upstream)
        .await;
    let (status, album) = app
        .post_json(
            "/v1/bandcamp/album",
            &json!({"url": "https://nightferry.bandcamp.com/album/harbour-lights"}),
        )
        .await;
    assert_eq!(status, 200, "{album}");
    assert_eq!(album["data"]["tracks"][0]["position"], 1);
    assert_eq!(album["data"]["tracks"][0]["duration_s"], 371.5);
    assert_eq!(album["data"]["release_date"], "2021-03-04T00:00:00Z");
    let (status, track) = app
        .get_json("/v1/bandcamp/track?url=https%3A%2F%2Fnightferry.bandcamp.com%2Ftrack%2Flow-tide")
        .await;
    assert_eq!(status, 200, "{track}");
    assert_eq!(track["data"]["album"], "Harbour Lights");
    for (url, status, code) in [
        (
            "https%3A%2F%2Fnightferry.bandcamp.com%2Falbum%2Fgone",
            404,
            "not_found",
        ),
        (
            "https%3A%2F%2Fnightferry.bandcamp.com%2Falbum%2Fchallenged",
            502,
            "blocked",
        ),
        (
            "https%3A%2F%2Fexample.com%2Falbum%2Fx",
            400,
            "invalid_params",
        ),
    ] {
        let (got, problem) = app.get_json(&format!("/v1/bandcamp/album?url={url}")).await;
        assert_eq!(
            (got, problem["code"].as_str()),
            (status, Some(code)),
            "{url}: {problem}"
        );
    }
}
