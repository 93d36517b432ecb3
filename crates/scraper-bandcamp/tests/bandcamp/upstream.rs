//! The actions through the engine, Bandcamp mocked by wiremock on loopback: which upstream
//! request each action sends, paging and cursors, fallbacks, error codes, and the custom-domain
//! rule.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scraper_core::testing::{call, engine};
use scraper_core::{Engine, ErrorCode};
use serde_json::{Value, json};
use wiremock::matchers::{
    body_json, body_partial_json, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::fixture;

fn html(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "text/html; charset=UTF-8")
}

fn json_fixture(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json; charset=UTF-8")
}

fn bandcamp(server: &MockServer) -> Engine {
    engine("bandcamp", &server.uri(), &[])
}

async fn ok(engine: &Engine, action: &str, query: &str) -> Value {
    match call(engine, "bandcamp", action, query).await {
        Ok(success) => success.to_value(None),
        Err(failure) => panic!(
            "{action}?{query} failed: {} ({})",
            failure.error.code(),
            failure.error
        ),
    }
}

async fn fails(engine: &Engine, action: &str, query: &str) -> (ErrorCode, Option<String>) {
    match call(engine, "bandcamp", action, query).await {
        Ok(success) => panic!("{action}?{query} succeeded: {}", success.to_value(None)),
        Err(failure) => (
            failure.error.code(),
            failure.error.param().map(str::to_owned),
        ),
    }
}

fn ids(body: &Value) -> Vec<u64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

/// Two HTML pages for "night ferry": page 1 (6 hits, a next link), page 2 (2 hits, the last).
async fn mount_search_pages(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(header("host", "bandcamp.com"))
        .and(query_param("q", "night ferry"))
        .and(query_param("page", "1"))
        .respond_with(html("search_all_page1.html"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("q", "night ferry"))
        .and(query_param("page", "2"))
        .respond_with(html("search_tracks_last_page.html"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn search_reads_the_html_page_without_tracking_parameters() {
    let server = MockServer::start().await;
    mount_search_pages(&server).await;
    let body = ok(&bandcamp(&server), "search", "q=night%20ferry&limit=3").await;
    assert_eq!(ids(&body), [1111111111, 2222222222, 3333333333]);
    assert_eq!(body["data"][0]["type"], "artist");
    assert_eq!(body["data"][0]["url"], "https://nightferry.bandcamp.com");
    assert_eq!(body["data"][0]["genre"], "Electronic");
    assert_eq!(body["data"][1]["type"], "label");
    assert!(body["next_cursor"].is_string());
}

#[tokio::test]
async fn cursors_resume_exactly_across_html_pages() {
    let server = MockServer::start().await;
    mount_search_pages(&server).await;
    let engine = bandcamp(&server);
    let all = ok(&engine, "search", "q=night%20ferry&limit=100").await;
    assert_eq!(
        ids(&all).len(),
        8,
        "6 hits of page 1 (the fan left out) and 2 of page 2"
    );
    assert!(all["next_cursor"].is_null());
    let mut collected = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let query = match &cursor {
            Some(c) => format!("q=night%20ferry&limit=3&cursor={c}"),
            None => "q=night%20ferry&limit=3".to_owned(),
        };
        let page = ok(&engine, "search", &query).await;
        collected.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(collected, ids(&all));
}

#[tokio::test]
async fn type_filters_narrow_upstream_and_here() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("item_type", "b"))
        .respond_with(html("search_all_page1.html"))
        .expect(1)
        .mount(&server)
        .await;
    let body = ok(
        &bandcamp(&server),
        "search",
        "q=night%20ferry&type=labels&limit=2",
    )
    .await;
    assert_eq!(ids(&body), [2222222222, 7777777777]);
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["type"] == "label")
    );
    assert!(
        body["next_cursor"].is_string(),
        "page 2 may hold more labels"
    );
}

#[tokio::test]
async fn all_types_send_no_item_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param_is_missing("item_type"))
        .respond_with(html("search_tracks_last_page.html"))
        .expect(1)
        .mount(&server)
        .await;
    let body = ok(&bandcamp(&server), "search", "q=undertow").await;
    assert_eq!(ids(&body), [6666666666, 4444444444]);
    assert!(body["next_cursor"].is_null(), "no next page, nothing left");
}

#[tokio::test]
async fn no_results_is_an_empty_last_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(html("search_no_results.html"))
        .mount(&server)
        .await;
    let body = ok(&bandcamp(&server), "search", "q=zzqx").await;
    assert_eq!(body["data"], json!([]));
    assert!(body["next_cursor"].is_null());
}

#[tokio::test]
async fn a_challenged_search_falls_back_to_the_json_api_and_stays_there() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(html("challenge.html"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/bcsearch_public_api/1/autocomplete_elastic"))
        .and(body_partial_json(
            json!({"search_text": "night ferry", "search_filter": "", "full_page": false}),
        ))
        .respond_with(json_fixture("autocomplete.json"))
        .expect(2)
        .mount(&server)
        .await;
    let engine = bandcamp(&server);
    let first = ok(&engine, "search", "q=night%20ferry&limit=3").await;
    assert_eq!(ids(&first), [1111111111, 2222222222, 3333333333]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = ok(
        &engine,
        "search",
        &format!("q=night%20ferry&limit=3&cursor={cursor}"),
    )
    .await;
    assert_eq!(ids(&second), [4444444444], "the fan is left out");
    assert!(second["next_cursor"].is_null());
}

#[tokio::test]
async fn a_challenge_on_both_sources_is_blocked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(html("challenge.html"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(html("challenge.html"))
        .mount(&server)
        .await;
    assert_eq!(
        fails(&bandcamp(&server), "search", "q=x").await.0,
        ErrorCode::Blocked
    );
}

#[tokio::test]
async fn foreign_or_broken_cursors_are_refused() {
    let server = MockServer::start().await;
    mount_search_pages(&server).await;
    let engine = bandcamp(&server);
    let first = ok(&engine, "search", "q=night%20ferry&limit=2").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let other = fails(
        &engine,
        "search",
        &format!("q=other&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(other, (ErrorCode::InvalidParams, Some("cursor".into())));
    let garbage = fails(&engine, "search", "q=night%20ferry&cursor=!!!").await;
    assert_eq!(garbage, (ErrorCode::InvalidParams, Some("cursor".into())));
    // Forged states under the binding of this very listing: the page must stay in range.
    for state in [
        json!({"s": "h", "p": u32::MAX, "i": 0}),
        json!({"s": "h", "p": 0, "i": 0}),
        json!({"s": "x"}),
    ] {
        let crafted = forge(cursor, &state);
        let refused = call(
            &engine,
            "bandcamp",
            "search",
            &format!("q=night%20ferry&limit=2&cursor={crafted}"),
        )
        .await
        .map(|_| ())
        .expect_err(&state.to_string())
        .error;
        assert_eq!(refused.param(), Some("cursor"), "{state}");
        assert_eq!(
            refused.to_string(),
            "parameter 'cursor' is not a cursor this service gave out",
            "{state}"
        );
    }
    let resumed = ok(
        &engine,
        "search",
        &format!(
            "q=night%20ferry&limit=2&cursor={}",
            forge(cursor, &json!({"s": "h", "p": 2, "i": 1}))
        ),
    )
    .await;
    assert_eq!(
        ids(&resumed),
        [4444444444],
        "a state of the same listing is read"
    );
    let bad_type = fails(&engine, "search", "q=x&type=fans").await;
    assert_eq!(bad_type, (ErrorCode::InvalidParams, Some("type".into())));
}

/// A cursor with the binding of `genuine` (its first 8 bytes) and another state.
fn forge(genuine: &str, state: &Value) -> String {
    let bytes = URL_SAFE_NO_PAD.decode(genuine).unwrap();
    let mut forged = bytes[..8].to_vec();
    forged.extend(serde_json::to_vec(state).unwrap());
    URL_SAFE_NO_PAD.encode(forged)
}

async fn mount_band_details(server: &MockServer, band_id: u64, fixture_name: &str) {
    Mock::given(method("POST"))
        .and(path("/api/mobile/22/band_details"))
        .and(header("host", "bandcamp.com"))
        .and(body_json(json!({"band_id": band_id})))
        .respond_with(json_fixture(fixture_name))
        .mount(server)
        .await;
}

#[tokio::test]
async fn artist_by_subdomain_reads_the_grid_and_band_details() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("host", "nightferry.bandcamp.com"))
        .respond_with(html("band_music_grid.html"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/music"))
        .respond_with(html("band_music_grid.html"))
        .expect(0)
        .mount(&server)
        .await;
    mount_band_details(&server, 1111111111, "band_details.json").await;
    let body = ok(&bandcamp(&server), "artist", "subdomain=nightferry").await;
    let data = &body["data"];
    assert_eq!(data["id"], 1111111111_u64);
    assert_eq!(data["name"], "Night Ferry");
    assert_eq!(data["url"], "https://nightferry.bandcamp.com");
    assert_eq!(data["is_label"], false);
    assert_eq!(
        data["bio"],
        "Dub techno from the docks.\nLive sets on request."
    );
    assert_eq!(
        data["links"],
        json!([{"title": "nightferry.example", "url": "https://nightferry.example"}, {"title": "SoundCloud", "url": "https://soundcloud.com/nightferry"}])
    );
    let releases: Vec<(u64, &str, &str)> = data["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_u64().unwrap(),
                r["type"].as_str().unwrap(),
                r["url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        releases,
        [
            (
                3333333333,
                "album",
                "https://nightferry.bandcamp.com/album/harbour-lights"
            ),
            (
                8888888888,
                "track",
                "https://nightferry.bandcamp.com/track/breakwater"
            ),
            (
                9999999999,
                "album",
                "https://nightferry.bandcamp.com/album/first-crossing"
            ),
        ],
        "band_details' order, URLs from the grid and its data-client-items"
    );
    assert_eq!(data["releases"][1]["artist"], "Night Ferry & Guest");
    assert_eq!(data["releases"][0]["release_date"], "2021-03-04T00:00:00Z");
}

#[tokio::test]
async fn artist_whose_home_renders_a_track_uses_the_sidebar_then_music() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(html("band_home_track.html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/music"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    mount_band_details(&server, 1111111111, "band_details.json").await;
    let body = ok(
        &bandcamp(&server),
        "artist",
        "url=https%3A%2F%2Fnightferry.bandcamp.com",
    )
    .await;
    let urls: Vec<Value> = body["data"]["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].clone())
        .collect();
    assert_eq!(
        urls,
        [
            json!("https://nightferry.bandcamp.com/album/harbour-lights"),
            json!("https://nightferry.bandcamp.com/track/breakwater"),
            Value::Null
        ],
        "the sidebar lacks 'First Crossing'; /music failing leaves its url null, not the whole answer"
    );
}

#[tokio::test]
async fn artist_by_id_and_unknown_bands() {
    let server = MockServer::start().await;
    mount_band_details(&server, 1111111111, "band_details.json").await;
    mount_band_details(&server, 42, "band_details_not_found.json").await;
    Mock::given(method("GET"))
        .and(path("/music"))
        .and(header("host", "nightferry.bandcamp.com"))
        .respond_with(html("band_music_grid.html"))
        .expect(1)
        .mount(&server)
        .await;
    let engine = bandcamp(&server);
    let body = ok(&engine, "artist", "id=1111111111").await;
    assert_eq!(
        body["data"]["releases"][2]["url"],
        "https://nightferry.bandcamp.com/album/first-crossing"
    );
    assert_eq!(
        fails(&engine, "artist", "id=42").await.0,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn artist_parameters_are_checked_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let engine = bandcamp(&server);
    assert_eq!(
        fails(&engine, "artist", "").await.0,
        ErrorCode::InvalidParams
    );
    assert_eq!(
        fails(&engine, "artist", "subdomain=a&url=https://a.bandcamp.com")
            .await
            .0,
        ErrorCode::InvalidParams
    );
    assert_eq!(
        fails(&engine, "artist", "subdomain=not%20a%20name").await,
        (ErrorCode::InvalidParams, Some("subdomain".into()))
    );
    for url in [
        "https%3A%2F%2Fexample.com%2F",
        "https%3A%2F%2Flobstertheremin.com",
        "http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F",
        "https%3A%2F%2Fbandcamp.com%2Fsearch%3Fq%3Dx",
        "https%3A%2F%2Fx.bandcamp.com.evil.example%2F",
        "file%3A%2F%2F%2Fetc%2Fpasswd",
    ] {
        assert_eq!(
            fails(&engine, "artist", &format!("url={url}")).await,
            (ErrorCode::InvalidParams, Some("url".into())),
            "{url}"
        );
    }
}

#[tokio::test]
async fn custom_domains_are_refused_by_default_and_private_names_always() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let refusing = bandcamp(&server);
    let (code, param) = fails(&refusing, "artist", "url=https%3A%2F%2Ftidalrecords.net").await;
    assert_eq!(
        (code, param.as_deref()),
        (ErrorCode::InvalidParams, Some("url"))
    );
    assert_eq!(
        fails(
            &refusing,
            "album",
            "url=https%3A%2F%2Ftidalrecords.net%2Falbum%2Fx"
        )
        .await
        .0,
        ErrorCode::InvalidParams
    );
    let allowing = engine(
        "bandcamp",
        &server.uri(),
        &[("allow_custom_domains", "true")],
    );
    for url in [
        "https%3A%2F%2Ftidal.example",
        "https%3A%2F%2Fprinter.local",
        "http%3A%2F%2Flocalhost%2F",
        "http%3A%2F%2F10.0.0.1%2F",
    ] {
        let (code, param) = fails(&allowing, "artist", &format!("url={url}")).await;
        assert_eq!(
            (code, param.as_deref()),
            (ErrorCode::InvalidParams, Some("url")),
            "{url}"
        );
    }
}

#[tokio::test]
async fn custom_domain_pages_must_be_bandcamp_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("host", "tidalrecords.net"))
        .respond_with(html("band_stub.html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/music"))
        .and(header("host", "tidalrecords.net"))
        .respond_with(html("band_stub.html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("host", "my-own-site.net"))
        .respond_with(html("not_bandcamp.html"))
        .mount(&server)
        .await;
    mount_band_details(&server, 2222222222, "band_details_label.json").await;
    let allowing = engine(
        "bandcamp",
        &server.uri(),
        &[("allow_custom_domains", "true")],
    );
    let body = ok(&allowing, "artist", "url=https%3A%2F%2Ftidalrecords.net").await;
    assert_eq!(body["data"]["id"], 2222222222_u64);
    assert_eq!(body["data"]["is_label"], true, "a roster makes a label");
    assert_eq!(body["data"]["releases"], json!([]));
    let (code, param) = fails(&allowing, "artist", "url=https%3A%2F%2Fmy-own-site.net").await;
    assert_eq!(
        (code, param.as_deref()),
        (ErrorCode::InvalidParams, Some("url"))
    );
    let refusing = bandcamp(&server);
    assert_eq!(
        fails(&refusing, "artist", "url=https%3A%2F%2Ftidalrecords.net")
            .await
            .0,
        ErrorCode::InvalidParams
    );
}

#[tokio::test]
async fn custom_domain_failures_are_foreign_unless_bandcamp_answered() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/album/gone"))
        .and(header("host", "tidalrecords.net"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_string("<html><link href=\"https://s4.bcbits.com/x.css\"></html>"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/album/x"))
        .and(header("host", "soundcloud.net"))
        .respond_with(ResponseTemplate::new(404).set_body_string("{\"replay\": \"no recording\"}"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/album/moved"))
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("location", "https://elsewhere.net/album/moved"),
        )
        .mount(&server)
        .await;
    let allowing = engine(
        "bandcamp",
        &server.uri(),
        &[("allow_custom_domains", "true")],
    );
    assert_eq!(
        fails(
            &allowing,
            "album",
            "url=https%3A%2F%2Ftidalrecords.net%2Falbum%2Fgone"
        )
        .await
        .0,
        ErrorCode::NotFound
    );
    let foreign = fails(
        &allowing,
        "album",
        "url=https%3A%2F%2Fsoundcloud.net%2Falbum%2Fx",
    )
    .await;
    assert_eq!(foreign, (ErrorCode::InvalidParams, Some("url".into())));
    let moved = fails(
        &allowing,
        "album",
        "url=https%3A%2F%2Ftidalrecords.net%2Falbum%2Fmoved",
    )
    .await;
    assert_eq!(
        moved,
        (ErrorCode::InvalidParams, Some("url".into())),
        "redirected off the vetted host"
    );
}

/// Only a refused host or a page that is not Bandcamp's makes a custom domain "not a Bandcamp
/// site"; an oversized answer, a timeout or a 5xx keeps its own code.
#[tokio::test]
async fn custom_domain_transport_failures_keep_their_codes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/album/huge"))
        .and(header("host", "tidalrecords.net"))
        .respond_with(html("album.html").set_body_raw(
            format!("{}{}", fixture("album.html"), " ".repeat(70_000)),
            "text/html",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/album/down"))
        .and(header("host", "tidalrecords.net"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/album/slow"))
        .and(header("host", "tidalrecords.net"))
        .respond_with(html("album.html").set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let mut settings = scraper_core::testing::settings(&server.uri());
    settings.http.max_body_bytes = 64 * 1024;
    settings.http.attempt_timeout = Duration::from_millis(100);
    // A fresh engine per case: their retried failures together would open Bandcamp's circuit.
    let failure = |path: &'static str| {
        let allowing = scraper_core::testing::engine_with(
            "bandcamp",
            settings.clone(),
            &[("allow_custom_domains", "true")],
        );
        async move {
            let query = format!("url=https%3A%2F%2Ftidalrecords.net%2Falbum%2F{path}");
            match call(&allowing, "bandcamp", "album", &query).await {
                Ok(_) => panic!("{path} succeeded"),
                Err(failure) => failure.error,
            }
        }
    };
    let huge = failure("huge").await;
    assert_eq!(
        (huge.code(), huge.param()),
        (ErrorCode::UpstreamChanged, None),
        "{huge}"
    );
    assert!(huge.to_string().contains("more than 65536 bytes"), "{huge}");
    let down = failure("down").await;
    assert_eq!(down.code(), ErrorCode::UpstreamUnavailable, "{down}");
    let slow = failure("slow").await;
    assert_eq!(slow.code(), ErrorCode::UpstreamTimeout, "{slow}");
}

#[tokio::test]
async fn a_type_missing_from_the_html_pages_falls_back_to_the_unfiltered_json_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("page", "1"))
        .and(query_param("item_type", "t"))
        .respond_with(html("search_no_results.html").set_body_raw(
            fixture("search_all_page1.html").replace("TRACK", "ALBUM"),
            "text/html",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/bcsearch_public_api/1/autocomplete_elastic"))
        .and(body_partial_json(json!({"search_filter": ""})))
        .respond_with(json_fixture("autocomplete.json"))
        .mount(&server)
        .await;
    let body = ok(
        &bandcamp(&server),
        "search",
        "q=night%20ferry&type=tracks&limit=5",
    )
    .await;
    assert_eq!(
        ids(&body),
        [4444444444],
        "page 2 is missing (404): the JSON API answers instead"
    );
    assert!(body["next_cursor"].is_null());
}

#[tokio::test]
async fn album_and_track_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/album/harbour-lights"))
        .and(header("host", "nightferry.bandcamp.com"))
        .respond_with(html("album.html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/track/low-tide"))
        .respond_with(html("track_on_album.html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/album/gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/album/challenged"))
        .respond_with(html("challenge.html"))
        .mount(&server)
        .await;
    let engine = bandcamp(&server);
    let album = ok(
        &engine,
        "album",
        "url=https%3A%2F%2Fnightferry.bandcamp.com%2Falbum%2Fharbour-lights%3Ffrom%3Dsearch",
    )
    .await;
    assert_eq!(album["data"]["id"], 3333333333_u64);
    assert_eq!(album["data"]["tracks"][0]["position"], 1);
    assert_eq!(album["data"]["tracks"][0]["duration_s"], 371.5);
    let track = ok(
        &engine,
        "track",
        "url=nightferry.bandcamp.com/track/low-tide",
    )
    .await;
    assert_eq!(track["data"]["album"], "Harbour Lights");
    assert_eq!(
        fails(
            &engine,
            "album",
            "url=https%3A%2F%2Fnightferry.bandcamp.com%2Falbum%2Fgone"
        )
        .await
        .0,
        ErrorCode::NotFound
    );
    assert_eq!(
        fails(
            &engine,
            "album",
            "url=https%3A%2F%2Fnightferry.bandcamp.com%2Falbum%2Fchallenged"
        )
        .await
        .0,
        ErrorCode::Blocked
    );
    let wrong_kind = fails(
        &engine,
        "album",
        "url=https%3A%2F%2Fnightferry.bandcamp.com%2Ftrack%2Flow-tide",
    )
    .await;
    assert_eq!(wrong_kind, (ErrorCode::InvalidParams, Some("url".into())));
    let foreign = fails(
        &engine,
        "track",
        "url=https%3A%2F%2Fsoundcloud.com%2Fx%2Ftrack%2Fy",
    )
    .await;
    assert_eq!(foreign, (ErrorCode::InvalidParams, Some("url".into())));
}

#[tokio::test]
async fn band_details_behind_a_challenge_is_blocked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/mobile/22/band_details"))
        .respond_with(html("challenge.html"))
        .mount(&server)
        .await;
    assert_eq!(
        fails(&bandcamp(&server), "artist", "id=5").await.0,
        ErrorCode::Blocked
    );
}

#[tokio::test]
async fn a_subdomain_bandcamp_redirects_to_the_artists_domain_is_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("host", "nightferry.bandcamp.com"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", "https://nightferry.fm/"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header("host", "nightferry.fm"))
        .respond_with(html("band_music_grid.html"))
        .expect(1)
        .mount(&server)
        .await;
    mount_band_details(&server, 1111111111, "band_details.json").await;
    // Custom domains stay refused as client input, but Bandcamp's own redirect vouches for one.
    let body = ok(&bandcamp(&server), "artist", "subdomain=nightferry").await;
    assert_eq!(body["data"]["id"], 1111111111_u64);
    assert_eq!(body["data"]["name"], "Night Ferry");
}

#[tokio::test]
async fn a_redirect_off_bandcamp_must_still_lead_to_a_public_bandcamp_page() {
    for (location, served) in [
        (
            "https://not-music.fm/",
            Some("<html><head><title>Shop</title></head><body>shoes</body></html>"),
        ),
        ("http://169.254.169.254/latest/meta-data/", None),
        ("https://intranet.local/", None),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/"))
            .and(header("host", "nightferry.bandcamp.com"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", location))
            .mount(&server)
            .await;
        if let Some(page) = served {
            Mock::given(method("GET"))
                .and(header("host", "not-music.fm"))
                .respond_with(ResponseTemplate::new(200).set_body_raw(page, "text/html"))
                .mount(&server)
                .await;
        }
        let (code, _) = fails(&bandcamp(&server), "artist", "subdomain=nightferry").await;
        assert_eq!(code, ErrorCode::UpstreamChanged, "{location}");
        let sent = server.received_requests().await.unwrap().len();
        assert_eq!(
            sent,
            if served.is_some() { 2 } else { 1 },
            "{location}: nothing may go to a refused host"
        );
    }
}
