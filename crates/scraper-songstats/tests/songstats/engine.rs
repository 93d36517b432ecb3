//! The actions through the engine, against a wiremock Songstats on 127.0.0.1: every action and id
//! form with the exact query Songstats receives, the `apikey` header, search paging, every error
//! form, and a site without its key. Every answer's `data` is checked against its published schema.

use std::time::Duration;

use scraper_core::testing::corpus::schema_mismatch;
use scraper_core::testing::{call, engine, engine_with, settings};
use scraper_core::{Engine, ErrorCode, ScrapeError};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::fixture;

/// The operator's key in these tests.
const KEY: &str = "ss-test-key-7f3a9c21";
/// Where the endpoints live under the default base URL.
const BASE: &str = "/enterprise/v1";

fn json_answer(body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(body.into())
}

/// A Songstats that answers `body` on `endpoint` to requests carrying the key.
async fn songstats(endpoint: &str, body: &str) -> (MockServer, Engine) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}{endpoint}")))
        .and(header("apikey", KEY))
        .respond_with(json_answer(body))
        .mount(&server)
        .await;
    let engine = engine("songstats", &server.uri(), &[("api_key", KEY)]);
    (server, engine)
}

/// The query pairs of the last request Songstats received.
async fn last_query(server: &MockServer) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.last().map_or_else(Vec::new, |r: &Request| {
        r.url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn data(engine: &Engine, action: &str, query: &str) -> Value {
    match call(engine, "songstats", action, query).await {
        Ok(ok) => {
            let body = ok.to_value(None);
            let mismatch = schema_mismatch(engine, "songstats", action, &body["data"]);
            assert_eq!(mismatch, None, "{action}?{query}: the data fits its schema");
            body["data"].clone()
        }
        Err(failure) => panic!("{action}?{query}: {}", failure.error),
    }
}

async fn refused(engine: &Engine, action: &str, query: &str) -> ScrapeError {
    match call(engine, "songstats", action, query).await {
        Ok(ok) => panic!("{action}?{query} answered {}", ok.to_value(None)),
        Err(failure) => failure.error,
    }
}

#[tokio::test]
async fn every_artist_id_form_reaches_songstats_as_its_own_parameter() {
    let (server, engine) = songstats("/artists/info", &fixture("artist_info.json")).await;
    let cases = [
        (
            "songstats_artist_id=k3v9x2qa",
            ("songstats_artist_id", "k3v9x2qa"),
        ),
        (
            "songstats_artist_id=https://songstats.com/artist/k3v9x2qa/marlen-vosk",
            ("songstats_artist_id", "k3v9x2qa"),
        ),
        (
            "spotify_artist_id=4aZr1Qx9TtYb7KcP0mLw2e",
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            "spotify_artist_id=https%3A%2F%2Fopen.spotify.com%2Fartist%2F4aZr1Qx9TtYb7KcP0mLw2e%3Fsi%3Dx",
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            "spotify_artist_id=spotify:artist:4aZr1Qx9TtYb7KcP0mLw2e",
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            "apple_music_artist_id=1487203355",
            ("apple_music_artist_id", "1487203355"),
        ),
        (
            "apple_music_artist_id=https://music.apple.com/us/artist/marlen-vosk/1487203355",
            ("apple_music_artist_id", "1487203355"),
        ),
    ];
    for (query, sent) in cases {
        let artist = data(&engine, "artist", query).await;
        assert_eq!(artist["songstats_artist_id"], "k3v9x2qa", "{query}");
        assert_eq!(last_query(&server).await, pairs(&[sent]), "{query}");
    }
    let artist = data(&engine, "artist", "songstats_artist_id=k3v9x2qa").await;
    assert_eq!(artist["name"], "Marlen Vosk");
    assert_eq!(artist["country"], "DE");
    assert!(
        artist["avatar_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert_eq!(artist["links"][0]["source"], "spotify");
    assert!(artist["genres"].as_array().is_some_and(|g| !g.is_empty()));

    let requests = server.received_requests().await.unwrap();
    for request in &requests {
        assert_eq!(request.headers["apikey"], KEY);
        assert_eq!(request.headers["host"], "api.songstats.com");
        assert_eq!(request.headers["accept"], "application/json");
        assert!(
            !request.url.as_str().contains(KEY),
            "the key travels in the header only"
        );
    }
}

#[tokio::test]
async fn artist_ids_are_checked_before_anything_is_sent() {
    let (server, engine) = songstats("/artists/info", &fixture("artist_info.json")).await;
    for (query, param, says) in [
        (
            "",
            None,
            "give one of 'songstats_artist_id' or 'spotify_artist_id' or 'apple_music_artist_id'",
        ),
        (
            "songstats_artist_id=a&spotify_artist_id=4aZr1Qx9TtYb7KcP0mLw2e",
            None,
            "give only one of",
        ),
        (
            "spotify_artist_id=short",
            Some("spotify_artist_id"),
            "22 letters",
        ),
        (
            "spotify_artist_id=https://evil.example/artist/4aZr1Qx9TtYb7KcP0mLw2e",
            Some("spotify_artist_id"),
            "evil.example",
        ),
        (
            "apple_music_artist_id=12ab",
            Some("apple_music_artist_id"),
            "digits",
        ),
        (
            "songstats_artist_id=a%20b",
            Some("songstats_artist_id"),
            "songstats",
        ),
        (
            "name=x&songstats_artist_id=a",
            Some("name"),
            "unknown parameter 'name'",
        ),
    ] {
        let e = refused(&engine, "artist", query).await;
        assert_eq!(e.code(), ErrorCode::InvalidParams, "{query}: {e}");
        assert_eq!(e.param(), param, "{query}: {e}");
        assert!(
            e.to_string().contains(says),
            "{query}: '{e}' should say '{says}'"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn stats_send_the_source_all_by_default() {
    let (server, engine) = songstats("/artists/stats", &fixture("artist_stats.json")).await;
    let stats = data(&engine, "stats", "songstats_artist_id=k3v9x2qa").await;
    assert_eq!(
        last_query(&server).await,
        pairs(&[("songstats_artist_id", "k3v9x2qa"), ("source", "all")])
    );
    let sources: Vec<_> = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["spotify", "beatport", "tracklist", "youtube", "tiktok"]
    );
    assert_eq!(stats[0]["metrics"]["monthly_listeners_current"], 612_044);

    data(
        &engine,
        "stats",
        "spotify_artist_id=4aZr1Qx9TtYb7KcP0mLw2e&source=Apple_Music",
    )
    .await;
    assert_eq!(
        last_query(&server).await,
        pairs(&[
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
            ("source", "apple_music")
        ])
    );
    data(
        &engine,
        "stats",
        "apple_music_artist_id=1487203355&source=tracklist",
    )
    .await;
    assert_eq!(
        last_query(&server).await,
        pairs(&[
            ("apple_music_artist_id", "1487203355"),
            ("source", "tracklist")
        ])
    );

    let before = server.received_requests().await.unwrap().len();
    let e = refused(
        &engine,
        "stats",
        "songstats_artist_id=k3v9x2qa&source=spotifyy",
    )
    .await;
    assert_eq!(e.param(), Some("source"));
    assert!(
        e.to_string()
            .starts_with("parameter 'source' must be one of all, spotify, apple_music,"),
        "{e}"
    );
    assert!(e.to_string().ends_with("got 'spotifyy'"), "{e}");
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn historic_stats_send_the_dates_given_in_order() {
    let (server, engine) = songstats(
        "/artists/historic_stats",
        &fixture("artist_historic_stats.json"),
    )
    .await;
    let history = data(
        &engine,
        "historic_stats",
        "songstats_artist_id=k3v9x2qa&source=spotify&start_date=2025-03-01&end_date=2025-03-03",
    )
    .await;
    assert_eq!(
        last_query(&server).await,
        pairs(&[
            ("songstats_artist_id", "k3v9x2qa"),
            ("source", "spotify"),
            ("start_date", "2025-03-01"),
            ("end_date", "2025-03-03"),
        ])
    );
    assert_eq!(history[0]["history"][0]["date"], "2025-03-01");
    assert!(
        history[0]["history"][0].as_object().unwrap().len() > 1,
        "metrics beside the date"
    );

    data(
        &engine,
        "historic_stats",
        "spotify_artist_id=4aZr1Qx9TtYb7KcP0mLw2e",
    )
    .await;
    assert_eq!(
        last_query(&server).await,
        pairs(&[
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
            ("source", "all")
        ])
    );

    let before = server.received_requests().await.unwrap().len();
    for (query, param) in [
        (
            "songstats_artist_id=a&start_date=2025-03-02&end_date=2025-03-01",
            "end_date",
        ),
        ("songstats_artist_id=a&start_date=2025-02-30", "start_date"),
        ("songstats_artist_id=a&end_date=yesterday", "end_date"),
        ("songstats_artist_id=a&source=all,spotify", "source"),
    ] {
        let e = refused(&engine, "historic_stats", query).await;
        assert_eq!(
            (e.code(), e.param()),
            (ErrorCode::InvalidParams, Some(param)),
            "{query}: {e}"
        );
    }
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn every_track_id_form_and_track_stats() {
    let server = MockServer::start().await;
    for (endpoint, name) in [
        ("/tracks/info", "track_info.json"),
        ("/tracks/stats", "track_stats.json"),
    ] {
        Mock::given(path(format!("{BASE}{endpoint}")))
            .and(header("apikey", KEY))
            .respond_with(json_answer(fixture(name)))
            .mount(&server)
            .await;
    }
    let engine = engine("songstats", &server.uri(), &[("api_key", KEY)]);
    for (query, sent) in [
        ("isrc=DEA622400123", ("isrc", "DEA622400123")),
        ("isrc=de-a62-24-00123", ("isrc", "DEA622400123")),
        (
            "songstats_track_id=t9hx2m4c",
            ("songstats_track_id", "t9hx2m4c"),
        ),
        (
            "songstats_track_id=https://songstats.com/track/t9hx2m4c/concrete-tide",
            ("songstats_track_id", "t9hx2m4c"),
        ),
        (
            "spotify_track_id=3cPq8Zr1VwKm5XyT0bNe6d",
            ("spotify_track_id", "3cPq8Zr1VwKm5XyT0bNe6d"),
        ),
        (
            "spotify_track_id=https://open.spotify.com/track/3cPq8Zr1VwKm5XyT0bNe6d",
            ("spotify_track_id", "3cPq8Zr1VwKm5XyT0bNe6d"),
        ),
    ] {
        let track = data(&engine, "track", query).await;
        assert_eq!(track["songstats_track_id"], "t9hx2m4c", "{query}");
        assert_eq!(last_query(&server).await, pairs(&[sent]), "{query}");
    }
    let track = data(&engine, "track", "isrc=DEA622400123").await;
    assert_eq!(track["title"], "Concrete Tide (Extended Mix)");
    assert_eq!(track["artists"][1]["name"], "Oda Kessler");
    assert_eq!(track["release_date"], "2024-10-18");
    assert_eq!(track["labels"][0]["name"], "Subterrane Records");
    assert!(track["links"].as_array().is_some_and(|l| !l.is_empty()));

    let stats = data(&engine, "track_stats", "isrc=DEA622400123").await;
    assert_eq!(stats[3]["source"], "shazam");
    assert_eq!(
        last_query(&server).await,
        pairs(&[("isrc", "DEA622400123"), ("source", "all")])
    );
    data(
        &engine,
        "track_stats",
        "spotify_track_id=3cPq8Zr1VwKm5XyT0bNe6d&source=beatport",
    )
    .await;
    assert_eq!(
        last_query(&server).await,
        pairs(&[
            ("spotify_track_id", "3cPq8Zr1VwKm5XyT0bNe6d"),
            ("source", "beatport")
        ])
    );

    let before = server.received_requests().await.unwrap().len();
    for (query, param) in [
        ("isrc=USRC1760783", Some("isrc")),
        (
            "spotify_track_id=https://open.spotify.com/artist/3cPq8Zr1VwKm5XyT0bNe6d",
            Some("spotify_track_id"),
        ),
        ("isrc=USRC17607839&songstats_track_id=t9hx2m4c", None),
        ("", None),
    ] {
        let e = refused(&engine, "track", query).await;
        assert_eq!(
            (e.code(), e.param()),
            (ErrorCode::InvalidParams, param),
            "{query}: {e}"
        );
    }
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn search_pages_with_limit_and_offset_until_a_short_page() {
    let server = MockServer::start().await;
    for (offset, name) in [
        ("0", "search_full_page.json"),
        ("5", "search_last_page.json"),
    ] {
        Mock::given(path(format!("{BASE}/artists/search")))
            .and(header("apikey", KEY))
            .and(wiremock::matchers::query_param("offset", offset))
            .respond_with(json_answer(fixture(name)))
            .mount(&server)
            .await;
    }
    let engine = engine("songstats", &server.uri(), &[("api_key", KEY)]);

    let first = call(&engine, "songstats", "search", "q=marlen%20vosk&limit=5")
        .await
        .unwrap();
    assert_eq!(
        last_query(&server).await,
        pairs(&[("q", "marlen vosk"), ("limit", "5"), ("offset", "0")])
    );
    let body = first.to_value(None);
    assert_eq!(
        schema_mismatch(&engine, "songstats", "search", &body["data"]),
        None
    );
    assert_eq!(body["data"].as_array().unwrap().len(), 5);
    assert_eq!(body["data"][0]["songstats_artist_id"], "k3v9x2qa");
    let cursor = first
        .next_cursor
        .clone()
        .expect("a full page has a next one");

    let second = call(
        &engine,
        "songstats",
        "search",
        &format!("q=marlen%20vosk&limit=5&cursor={cursor}"),
    )
    .await
    .unwrap();
    assert_eq!(
        last_query(&server).await,
        pairs(&[("q", "marlen vosk"), ("limit", "5"), ("offset", "5")])
    );
    assert_eq!(second.to_value(None)["data"].as_array().unwrap().len(), 2);
    assert_eq!(second.next_cursor, None, "a short page is the last");

    // The default page is 20; a page of 5 with limit 20 is the last.
    let only = call(&engine, "songstats", "search", "q=marlen%20vosk")
        .await
        .unwrap();
    assert_eq!(
        last_query(&server).await,
        pairs(&[("q", "marlen vosk"), ("limit", "20"), ("offset", "0")])
    );
    assert_eq!(only.next_cursor, None);

    // A cursor belongs to its query; a forged one is refused.
    for (query, says) in [
        (
            format!("q=other&cursor={cursor}"),
            "belongs to another listing",
        ),
        (
            "q=marlen%20vosk&cursor=garbage".to_owned(),
            "not a cursor this service gave out",
        ),
        ("q=".to_owned(), "missing required parameter 'q'"),
        ("q=x&limit=101".to_owned(), "between 1 and 100"),
    ] {
        let e = refused(&engine, "search", &query).await;
        assert_eq!(e.code(), ErrorCode::InvalidParams, "{query}");
        assert!(e.to_string().contains(says), "{query}: {e}");
    }
}

#[tokio::test]
async fn a_songstats_that_ignores_limit_still_pages() {
    let hits: Vec<Value> = (0..7)
        .map(|i| json!({"songstats_artist_id": format!("id{i}"), "name": format!("Artist {i}")}))
        .collect();
    let (_server, engine) = songstats(
        "/artists/search",
        &json!({"result": "success", "results": hits}).to_string(),
    )
    .await;
    let page = call(&engine, "songstats", "search", "q=a&limit=3")
        .await
        .unwrap();
    assert_eq!(page.to_value(None)["data"].as_array().unwrap().len(), 3);
    assert!(page.next_cursor.is_some());
}

/// One error form: what Songstats answers, and what the user gets.
struct Case {
    status: u16,
    body: String,
    retry_after: Option<&'static str>,
    code: ErrorCode,
    says: &'static str,
}

fn case(status: u16, body: impl Into<String>, code: ErrorCode, says: &'static str) -> Case {
    Case {
        status,
        body: body.into(),
        retry_after: None,
        code,
        says,
    }
}

#[tokio::test]
async fn every_error_form_has_its_code() {
    use ErrorCode::*;
    let mut rate_limited = case(
        429,
        fixture("error_rate_limited_429.json"),
        RateLimited,
        "429",
    );
    rate_limited.retry_after = Some("120");
    let mut unavailable = case(502, "", UpstreamUnavailable, "songstats answered 502 once");
    unavailable.retry_after = Some("30");
    let cases = [
        case(
            401,
            fixture("error_invalid_key_401.json"),
            NotConfigured,
            "TECHNO_SCRAPER_SONGSTATS_API_KEY",
        ),
        case(
            403,
            r#"{"result":"error","message":"Forbidden"}"#,
            NotConfigured,
            "refused the configured API key",
        ),
        case(
            200,
            fixture("error_result_error_200.json"),
            NotConfigured,
            "not included in your plan",
        ),
        case(
            200,
            r#"{"result":"error","message":"Invalid Api Key"}"#,
            NotConfigured,
            "TECHNO_SCRAPER_SONGSTATS_API_KEY",
        ),
        case(
            404,
            fixture("error_not_found_404.json"),
            NotFound,
            "Artist not found.",
        ),
        case(404, "", NotFound, "no such entry"),
        case(
            200,
            r#"{"result":"error","message":"Artist not found"}"#,
            NotFound,
            "Artist not found",
        ),
        case(
            400,
            fixture("error_bad_request_400.json"),
            InvalidParams,
            "Invalid source: spotifyy",
        ),
        case(
            422,
            r#"{"result":"error","message":"start_date must be before end_date"}"#,
            InvalidParams,
            "start_date",
        ),
        rate_limited,
        case(
            200,
            r#"{"result":"error","message":"Monthly quota exceeded"}"#,
            RateLimited,
            "quota",
        ),
        case(
            503,
            "",
            UpstreamUnavailable,
            "songstats answered 503 3 times",
        ),
        unavailable,
        case(
            500,
            r#"{"result":"error","message":"Internal Server Error"}"#,
            UpstreamUnavailable,
            "songstats answered 500 3 times",
        ),
        case(
            200,
            fixture("success_without_member.json"),
            UpstreamChanged,
            "'artist_info'",
        ),
        case(
            200,
            "<html><body>maintenance</body></html>",
            UpstreamChanged,
            "not JSON",
        ),
        case(200, "", UpstreamChanged, "empty"),
        case(418, "{}", UpstreamChanged, "HTTP 418"),
        case(
            403,
            "<html><head><title>Just a moment...</title></head><body><div id=\"cf-challenge-running\"></div></body></html>",
            Blocked,
            "bot challenge",
        ),
    ];
    for case in cases {
        let server = MockServer::start().await;
        let mut answer = ResponseTemplate::new(case.status).set_body_string(case.body.clone());
        if let Some(seconds) = case.retry_after {
            answer = answer.insert_header("retry-after", seconds);
        }
        Mock::given(path(format!("{BASE}/artists/info")))
            .respond_with(answer)
            .mount(&server)
            .await;
        let engine = engine("songstats", &server.uri(), &[("api_key", KEY)]);
        let e = refused(&engine, "artist", "songstats_artist_id=k3v9x2qa").await;
        let what = format!("{} {}", case.status, case.body);
        assert_eq!(e.code(), case.code, "{what}: {e}");
        assert!(
            e.to_string().contains(case.says),
            "{what}: '{e}' should say '{}'",
            case.says
        );
        assert!(
            !e.to_string().contains(KEY),
            "{what}: the key is never echoed"
        );
        let retry_after = match &e {
            ScrapeError::RateLimited { retry_after, .. }
            | ScrapeError::UpstreamUnavailable { retry_after, .. } => *retry_after,
            _ => None,
        };
        let told = case
            .retry_after
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs);
        assert_eq!(retry_after, told, "{what}: Retry-After is passed on");
        let sent = server.received_requests().await.unwrap().len();
        let expected = match (case.status, case.retry_after) {
            // The core stops waiting when Retry-After is beyond the request's deadline...
            (_, Some(_)) => 1,
            // ... and else retries 429 and 5xx (its test settings: 3 attempts).
            (429 | 500..=599, None) => 3,
            _ => 1,
        };
        assert_eq!(sent, expected, "{what}: requests sent");
    }
}

#[tokio::test]
async fn a_500_that_recovers_is_an_answer() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{BASE}/artists/stats")))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("{BASE}/artists/stats")))
        .respond_with(json_answer(fixture("artist_stats.json")))
        .mount(&server)
        .await;
    let engine = engine("songstats", &server.uri(), &[("api_key", KEY)]);
    let ok = call(
        &engine,
        "songstats",
        "stats",
        "songstats_artist_id=k3v9x2qa",
    )
    .await
    .unwrap();
    assert_eq!(ok.meta.upstream_requests, 2);
}

#[tokio::test]
async fn a_slow_songstats_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{BASE}/artists/info")))
        .respond_with(json_answer(fixture("artist_info.json")).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut fast = settings(&server.uri());
    fast.request_deadline = Duration::from_millis(400);
    let engine = engine_with("songstats", fast, &[("api_key", KEY)]);
    let e = refused(&engine, "artist", "songstats_artist_id=k3v9x2qa").await;
    assert_eq!(e.code(), ErrorCode::UpstreamTimeout, "{e}");
}

#[tokio::test]
async fn without_a_key_every_action_is_not_configured() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(json_answer(fixture("artist_info.json")))
        .mount(&server)
        .await;
    let engine = engine("songstats", &server.uri(), &[]);
    let site = engine.site("songstats").unwrap();
    assert!(!site.is_configured());
    for (action, query) in [
        ("artist", "songstats_artist_id=k3v9x2qa"),
        ("stats", "songstats_artist_id=k3v9x2qa"),
        ("historic_stats", "songstats_artist_id=k3v9x2qa"),
        ("search", "q=vosk"),
        ("track", "isrc=DEA622400123"),
        ("track_stats", "isrc=DEA622400123"),
    ] {
        let e = refused(&engine, action, query).await;
        assert_eq!(e.code(), ErrorCode::NotConfigured, "{action}");
        assert_eq!(
            e.to_string(),
            "songstats needs TECHNO_SCRAPER_SONGSTATS_API_KEY to be set",
            "{action}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // An empty key is no key.
    let engine = self::engine("songstats", &server.uri(), &[("api_key", "  ")]);
    assert!(!engine.site("songstats").unwrap().is_configured());
}

#[tokio::test]
async fn the_base_url_may_name_another_songstats_host() {
    let server = MockServer::start().await;
    Mock::given(path("/enterprise/v1/artists/info"))
        .and(header("host", "data.songstats.com"))
        .and(header("apikey", KEY))
        .respond_with(json_answer(fixture("artist_info.json")))
        .mount(&server)
        .await;
    let engine = engine(
        "songstats",
        &server.uri(),
        &[("api_key", KEY), ("base_url", "https://data.songstats.com")],
    );
    let artist = data(&engine, "artist", "songstats_artist_id=k3v9x2qa").await;
    assert_eq!(artist["name"], "Marlen Vosk");
}
