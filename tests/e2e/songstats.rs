//! Songstats through the real gateway, as n8n drives it: the site unconfigured without its key
//! (`configured: false`, 503 `not_configured` naming the variable), then with a key — every action
//! and id form over GET and POST, search walked with `next_url`, Songstats' failures as problem
//! codes with `Retry-After`, and the key sent in the `apikey` header and never logged. The upstream
//! is wiremock serving the fixtures of `crates/scraper-songstats/tests/fixtures`.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use serde_json::{Value, json};
use tests::{TestApp, logs};
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The operator's Songstats key in these tests: it must never appear in a log line.
const KEY: &str = "songstats-e2e-key-5b8d0e47c1";
/// The endpoints' prefix under the default base URL.
const BASE: &str = "/enterprise/v1";

fn fixture(name: &str) -> String {
    scraper_songstats::fixtures::fixture(name)
}

fn json_answer(body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "application/json")
}

/// The gateway with the Songstats key set.
async fn with_key() -> TestApp {
    TestApp::spawn_with(|s| {
        s.sites.insert(
            "songstats".into(),
            [("api_key".to_owned(), KEY.to_owned())].into(),
        );
    })
    .await
}

/// Songstats answering `fixture` on `endpoint`, to requests with the key for api.songstats.com.
async fn serve(upstream: &MockServer, endpoint: &str, fixture_name: &str) {
    Mock::given(path(format!("{BASE}{endpoint}")))
        .and(header("apikey", KEY))
        .and(header("host", "api.songstats.com"))
        .respond_with(json_answer(fixture(fixture_name)))
        .mount(upstream)
        .await;
}

fn songstats_entry(catalogue: &Value) -> &Value {
    catalogue["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "songstats")
        .unwrap()
}

#[tokio::test]
async fn without_its_key_songstats_is_listed_unconfigured_and_answers_503() {
    let app = TestApp::spawn().await;
    let (_, catalogue) = app.get_json("/v1/sites").await;
    let site = songstats_entry(&catalogue);
    assert_eq!(site["configured"], false);
    let key = site["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "api_key")
        .unwrap();
    assert_eq!(key["env"], "TECHNO_SCRAPER_SONGSTATS_API_KEY");
    assert_eq!(
        (&key["required"], &key["secret"], &key["set"]),
        (&json!(true), &json!(true), &json!(false))
    );

    for (method_path, body) in [
        (
            "/v1/songstats/artist?spotify_artist_id=28j8lBWDdDSHSSt5oPlsX2",
            None,
        ),
        ("/v1/songstats/stats?songstats_artist_id=pod5zlug", None),
        (
            "/v1/songstats/historic_stats?songstats_artist_id=pod5zlug",
            None,
        ),
        ("/v1/songstats/search?q=disclosure", None),
        ("/v1/songstats/track?isrc=GBAYE2100626", None),
        (
            "/v1/songstats/track_stats",
            Some(json!({"isrc": "GBAYE2100626"})),
        ),
    ] {
        let (status, problem) = match body {
            None => app.get_json(method_path).await,
            Some(body) => app.post_json(method_path, &body).await,
        };
        assert_eq!(status, 503, "{method_path}: {problem}");
        assert_eq!(problem["code"], "not_configured");
        assert_eq!(problem["title"], "Site not configured");
        assert_eq!(
            problem["detail"],
            "songstats needs TECHNO_SCRAPER_SONGSTATS_API_KEY to be set"
        );
        assert_eq!(
            (&problem["site"], &problem["retryable"]),
            (&json!("songstats"), &json!(false))
        );
    }
    assert!(
        app.upstream.received_requests().await.unwrap().is_empty(),
        "nothing is sent without a key"
    );
    // A parameter error still comes first: the request is wrong whatever the configuration.
    let (status, problem) = app.get_json("/v1/songstats/stats?source=spotify").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_params"))
    );
}

#[tokio::test]
async fn with_its_key_songstats_is_configured_and_lists_its_cache_lifetimes() {
    let app = with_key().await;
    let (_, catalogue) = app.get_json("/v1/sites").await;
    let site = songstats_entry(&catalogue);
    assert_eq!(site["configured"], true);
    let ttls: Vec<(&str, u64)> = site["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap(),
                a["cache_ttl_s"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ttls,
        [
            ("artist", 21_600),
            ("stats", 3_600),
            ("historic_stats", 10_800),
            ("search", 21_600),
            ("track", 21_600),
            ("track_stats", 3_600),
        ]
    );
    let stats = &site["actions"][1];
    assert_eq!(
        stats["one_of"],
        json!([
            "songstats_artist_id",
            "spotify_artist_id",
            "apple_music_artist_id"
        ])
    );
    let source = stats["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "source")
        .unwrap();
    assert_eq!(source["default"], "all");
    assert_eq!(source["allowed"].as_array().unwrap().len(), 19);
    assert!(
        !catalogue.to_string().contains(KEY),
        "the key is never shown"
    );
}

#[tokio::test]
async fn every_action_and_id_form_through_the_gateway() {
    let app = with_key().await;
    for (endpoint, name) in [
        ("/artists/info", "artist_info.json"),
        ("/artists/stats", "artist_stats.json"),
        ("/artists/historic_stats", "artist_historic_stats.json"),
        ("/tracks/info", "track_info.json"),
        ("/tracks/stats", "track_stats.json"),
    ] {
        serve(&app.upstream, endpoint, name).await;
    }
    let cases = [
        (
            "/v1/songstats/artist?songstats_artist_id=k3v9x2qa",
            ("songstats_artist_id", "k3v9x2qa"),
        ),
        (
            "/v1/songstats/artist?spotify_artist_id=https%3A%2F%2Fopen.spotify.com%2Fartist%2F4aZr1Qx9TtYb7KcP0mLw2e",
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            "/v1/songstats/artist?apple_music_artist_id=1487203355",
            ("apple_music_artist_id", "1487203355"),
        ),
        (
            "/v1/songstats/stats?spotify_artist_id=4aZr1Qx9TtYb7KcP0mLw2e",
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            "/v1/songstats/historic_stats?apple_music_artist_id=1487203355&start_date=2025-03-01&end_date=2025-03-03",
            ("apple_music_artist_id", "1487203355"),
        ),
        (
            "/v1/songstats/track?isrc=DE-A62-24-00123",
            ("isrc", "DEA622400123"),
        ),
        (
            "/v1/songstats/track?songstats_track_id=t9hx2m4c",
            ("songstats_track_id", "t9hx2m4c"),
        ),
        (
            "/v1/songstats/track?spotify_track_id=spotify:track:3cPq8Zr1VwKm5XyT0bNe6d",
            ("spotify_track_id", "3cPq8Zr1VwKm5XyT0bNe6d"),
        ),
        (
            "/v1/songstats/track_stats?isrc=DEA622400123&source=shazam",
            ("isrc", "DEA622400123"),
        ),
    ];
    for (request, (name, value)) in cases {
        let (status, body) = app.get_json(request).await;
        assert_eq!(status, 200, "{request}: {body}");
        assert_eq!(body["meta"]["site"], "songstats");
        assert_eq!(body["meta"]["upstream_requests"], 1, "{request}");
        let sent = app.upstream.received_requests().await.unwrap();
        let last = sent.last().unwrap();
        let query: Vec<(String, String)> = last
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(query[0], (name.to_owned(), value.to_owned()), "{request}");
        assert_eq!(last.headers["apikey"], KEY);
    }

    let (_, artist) = app.get_json(cases[0].0).await;
    let artist = &artist["data"];
    for field in [
        "songstats_artist_id",
        "name",
        "avatar_url",
        "url",
        "country",
        "bio",
        "genres",
        "links",
    ] {
        assert!(!artist[field].is_null(), "artist.{field}");
    }
    assert_eq!(
        artist["links"][0]["url"],
        "https://open.spotify.com/artist/4aZr1Qx9TtYb7KcP0mLw2e"
    );

    let (_, stats) = app.get_json(cases[3].0).await;
    assert_eq!(stats["data"][0]["source"], "spotify");
    assert!(
        stats["data"][0]["metrics"]
            .as_object()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(
        stats.get("next_cursor").is_none(),
        "stats is one answer, not a page"
    );

    let (_, history) = app.get_json(cases[4].0).await;
    assert_eq!(history["data"][0]["history"][2]["date"], "2025-03-03");

    let (_, track) = app
        .post_json("/v1/songstats/track", &json!({"isrc": "DEA622400123"}))
        .await;
    let track = &track["data"];
    for field in [
        "songstats_track_id",
        "title",
        "artists",
        "release_date",
        "labels",
        "links",
    ] {
        assert!(!track[field].is_null(), "track.{field}");
    }

    let (_, track_stats) = app.get_json(cases[8].0).await;
    assert_eq!(track_stats["data"][3]["metrics"]["shazams_total"], 120_344);
}

#[tokio::test]
async fn search_is_walked_with_next_url() {
    let app = with_key().await;
    for (offset, name) in [
        ("0", "search_full_page.json"),
        ("5", "search_last_page.json"),
    ] {
        Mock::given(path(format!("{BASE}/artists/search")))
            .and(header("apikey", KEY))
            .and(query_param("q", "vosk"))
            .and(query_param("limit", "5"))
            .and(query_param("offset", offset))
            .respond_with(json_answer(fixture(name)))
            .mount(&app.upstream)
            .await;
    }
    let (status, mut body) = app.get_json("/v1/songstats/search?q=vosk&limit=5").await;
    assert_eq!(status, 200, "{body}");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        seen.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["songstats_artist_id"].as_str().unwrap().to_owned()),
        );
        let Some(next) = body["next_url"].as_str() else {
            break;
        };
        assert!(body["next_cursor"].is_string());
        let next = next.strip_prefix(&app.address).unwrap().to_owned();
        body = app.get_json(&next).await.1;
        assert!(pages < 3, "the walk ends");
    }
    assert_eq!((pages, seen.len()), (2, 7));
    assert_eq!(body["next_cursor"], Value::Null);
    assert_eq!(body["next_url"], Value::Null);
}

#[tokio::test]
async fn songstats_failures_as_problem_codes() {
    let app = with_key().await;
    let answer = |status: u16, body: &str| {
        ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
    };
    let mounts = [
        ("k401", answer(401, &fixture("error_invalid_key_401.json"))),
        ("k404", answer(404, &fixture("error_not_found_404.json"))),
        ("k400", answer(400, &fixture("error_bad_request_400.json"))),
        (
            "k429",
            answer(429, &fixture("error_rate_limited_429.json"))
                .insert_header("retry-after", "120"),
        ),
        ("k503", answer(503, "{}")),
        ("k200", answer(200, &fixture("success_without_member.json"))),
        (
            "kplan",
            answer(200, &fixture("error_result_error_200.json")),
        ),
    ];
    for (id, response) in mounts {
        Mock::given(path(format!("{BASE}/artists/info")))
            .and(query_param("songstats_artist_id", id))
            .respond_with(response)
            .mount(&app.upstream)
            .await;
    }
    let cases = [
        ("k401", 503, "not_configured"),
        ("kplan", 503, "not_configured"),
        ("k404", 404, "not_found"),
        ("k400", 400, "invalid_params"),
        ("k429", 429, "rate_limited"),
        ("k503", 503, "upstream_unavailable"),
        ("k200", 502, "upstream_changed"),
    ];
    for (id, status, code) in cases {
        let response = app
            .get(&format!("/v1/songstats/artist?songstats_artist_id={id}"))
            .await;
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let (got, problem) = tests::json_of(response).await;
        assert_eq!(
            (got, problem["code"].as_str()),
            (status, Some(code)),
            "{id}: {problem}"
        );
        assert_eq!(problem["site"], "songstats");
        assert_eq!(problem["action"], "artist");
        assert!(
            !problem.to_string().contains(KEY),
            "{id}: the key is never echoed"
        );
        if id == "k429" {
            assert_eq!(retry_after.as_deref(), Some("120"));
            assert_eq!(problem["retry_after"], 120);
            assert_eq!(problem["retryable"], true);
        }
        if id == "k401" {
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("TECHNO_SCRAPER_SONGSTATS_API_KEY is wrong"),
                "{problem}"
            );
        }
        if id == "k400" {
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("Invalid source: spotifyy")
            );
        }
    }

    // Our own checks answer before anything is sent.
    let before = app.upstream.received_requests().await.unwrap().len();
    for request in [
        "/v1/songstats/stats?songstats_artist_id=a&source=spotifyy",
        "/v1/songstats/historic_stats?songstats_artist_id=a&start_date=2025-02-01&end_date=2025-01-01",
        "/v1/songstats/historic_stats?songstats_artist_id=a&start_date=01-02-2025",
        "/v1/songstats/artist?songstats_artist_id=https://evil.example/artist/a",
        "/v1/songstats/artist",
        "/v1/songstats/track?isrc=nope",
    ] {
        let (status, problem) = app.get_json(request).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("invalid_params")),
            "{request}: {problem}"
        );
    }
    assert_eq!(
        app.upstream.received_requests().await.unwrap().len(),
        before
    );
}

#[tokio::test]
async fn the_key_is_sent_in_its_header_and_never_logged() {
    let app = with_key().await;
    serve(&app.upstream, "/artists/info", "artist_info.json").await;
    Mock::given(path(format!("{BASE}/tracks/info")))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(fixture("error_invalid_key_401.json"), "application/json"),
        )
        .mount(&app.upstream)
        .await;
    let (status, _) = app
        .get_json("/v1/songstats/artist?songstats_artist_id=k3v9x2qa")
        .await;
    assert_eq!(status, 200);
    let (status, _) = app.get_json("/v1/songstats/track?isrc=DEA622400123").await;
    assert_eq!(status, 503);
    let sent = app.upstream.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(request.headers["apikey"], KEY);
        assert!(!request.url.as_str().contains(KEY), "never in the URL");
    }
    let captured = logs::captured();
    assert!(
        captured.contains("\"target\":\"upstream\"") && captured.contains("api.songstats.com"),
        "the upstream requests are traced"
    );
    assert!(
        !captured.contains(KEY),
        "the Songstats key appeared in the log"
    );
}
