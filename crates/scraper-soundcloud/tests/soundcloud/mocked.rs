//! The engine against a wiremock SoundCloud on loopback: client_id discovery (hydration and JS
//! bundle), refresh on 401, paging across an empty page, and the error codes.

use scraper_core::testing::corpus::schema_mismatch;
use scraper_core::{Engine, ErrorCode, Failure, Success, testing};
use scraper_soundcloud::fixtures::fixture;
use serde_json::Value;
use wiremock::matchers::{method, path, path_regex, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "Fx7Kq2LmN9pR4sT6vW8yZ1aB3cD5eG0h";
const STALE_ID: &str = "Stale000000000000000000000000000";

/// The answer's `data`.
fn data(answer: &Success) -> Value {
    serde_json::from_str(answer.data.get()).unwrap()
}

/// Runs an action as the gateway would; a success must validate against the JSON Schema its
/// action publishes.
async fn run(engine: &Engine, action: &str, query: &str) -> Result<Success, Failure> {
    let outcome = testing::call(engine, "soundcloud", action, query).await;
    if let Ok(success) = &outcome
        && let Some(why) = schema_mismatch(engine, "soundcloud", action, &data(success))
    {
        panic!("{action}?{query}: {why}");
    }
    outcome
}

fn json(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json; charset=utf-8")
}

fn html(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "text/html; charset=utf-8")
}

/// The homepage with the hydration id, served `times` times at most.
async fn homepage(server: &MockServer, times: u64) {
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(html("homepage.html"))
        .expect(times)
        .mount(server)
        .await;
}

async fn call(
    server: &MockServer,
    settings: &[(&str, &str)],
    action: &str,
    query: &str,
) -> Result<Success, ErrorCode> {
    let engine = testing::engine("soundcloud", &server.uri(), settings);
    run(&engine, action, query)
        .await
        .map_err(|f| f.error.code())
}

fn ids(page: &Success) -> Vec<u64> {
    data(page)
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn client_id_comes_from_the_hydration_once_for_every_request() {
    let server = MockServer::start().await;
    homepage(&server, 1).await;
    Mock::given(path("/resolve"))
        .and(query_param(
            "url",
            "https://soundcloud.com/nachtwerk-kollektiv",
        ))
        .and(query_param("client_id", CLIENT_ID))
        .respond_with(json("user.json"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/users/31415926/web-profiles"))
        .and(query_param("client_id", CLIENT_ID))
        .respond_with(json("web_profiles.json"))
        .mount(&server)
        .await;
    // A track URL designates its owner; the track's reduced `user` is completed by id.
    Mock::given(path("/resolve"))
        .and(query_param(
            "url",
            "https://soundcloud.com/nachtwerk-kollektiv/tunnelblick-original-mix",
        ))
        .respond_with(json("track.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/users/31415926"))
        .respond_with(json("user.json"))
        .expect(1)
        .mount(&server)
        .await;
    let engine = testing::engine("soundcloud", &server.uri(), &[]);
    for user in [
        "nachtwerk-kollektiv",
        "https://soundcloud.com/nachtwerk-kollektiv/sets",
        "https://soundcloud.com/Nachtwerk-Kollektiv/Tunnelblick-Original-Mix#t=1",
    ] {
        let page = run(&engine, "profile", &format!("user={user}"))
            .await
            .unwrap();
        assert_eq!(data(&page)["id"], 31415926);
        assert_eq!(data(&page)["username"], "nachtwerk-kollektiv");
        assert_eq!(data(&page)["links"][0]["platform"], "instagram");
        assert_eq!(data(&page)["links"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn client_id_falls_back_to_the_last_js_bundle() {
    let server = MockServer::start().await;
    Mock::given(path("/"))
        .respond_with(html("homepage_no_hydration.html"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/assets/49-9c0d1e2f.js"))
        .respond_with(
            ResponseTemplate::new(206).set_body_raw(fixture("bundle.js"), "application/javascript"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path_regex("^/assets/(0|1)-"))
        .respond_with(ResponseTemplate::new(404))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(path("/users/31415926"))
        .and(query_param("client_id", CLIENT_ID))
        .respond_with(json("user.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = call(&server, &[], "profile", "user=31415926")
        .await
        .unwrap();
    assert_eq!(data(&page)["name"], "Nachtwerk Kollektiv");
    assert_eq!(
        data(&page)["links"],
        serde_json::json!([]),
        "web-profiles answered 404: no links, no failure"
    );
}

#[tokio::test]
async fn a_refused_client_id_is_rediscovered_once() {
    let server = MockServer::start().await;
    homepage(&server, 1).await;
    Mock::given(path("/tracks/1618033988"))
        .and(query_param("client_id", STALE_ID))
        .respond_with(ResponseTemplate::new(401).set_body_raw("{}", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/tracks/1618033988"))
        .and(query_param("client_id", CLIENT_ID))
        .respond_with(json("track.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = call(
        &server,
        &[("client_id", STALE_ID)],
        "track",
        "id=1618033988",
    )
    .await
    .unwrap();
    assert_eq!(data(&page)["isrc"], "DEXY12500042");
    assert_eq!(
        page.meta.upstream_requests, 3,
        "refused call, homepage, retried call"
    );
}

#[tokio::test]
async fn a_refusal_that_survives_the_refresh_is_blocked() {
    let server = MockServer::start().await;
    homepage(&server, 2).await; // discovery, then the refresh
    Mock::given(path("/tracks/1"))
        .respond_with(ResponseTemplate::new(403).set_body_raw("{}", "application/json"))
        .expect(2)
        .mount(&server)
        .await;
    assert_eq!(
        call(&server, &[], "track", "id=1").await.unwrap_err(),
        ErrorCode::Blocked
    );
}

/// `users/31415926/tracks`: two tracks, then an empty page with a next link, then the last track.
async fn three_pages(server: &MockServer) {
    homepage(server, 1).await;
    Mock::given(path("/users/31415926/tracks"))
        .and(query_param_is_missing("offset"))
        .and(query_param("limit", "20"))
        .respond_with(json("tracks_page.json"))
        .mount(server)
        .await;
    Mock::given(path("/users/31415926/tracks"))
        .and(query_param(
            "offset",
            "2025-08-12T19:30:00.000Z,tracks,00000000001414213562",
        ))
        .respond_with(json("tracks_empty_page.json"))
        .mount(server)
        .await;
    Mock::given(path("/users/31415926/tracks"))
        .and(query_param(
            "offset",
            "2025-06-01T00:00:00.000Z,tracks,00000000001500000000",
        ))
        .respond_with(json("tracks_last_page.json"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn one_page_is_filled_across_an_empty_upstream_page() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let page = call(&server, &[], "tracks", "user=31415926&limit=20")
        .await
        .unwrap();
    assert_eq!(ids(&page), [1618033988, 1414213562, 1732050807]);
    assert_eq!(page.next_cursor, None);
    assert_eq!(page.meta.upstream_requests, 4, "homepage and three pages");
    assert_eq!(data(&page)[0]["artist"]["username"], "nachtwerk-kollektiv");
}

#[tokio::test]
async fn cursors_resume_exactly_where_a_page_stopped() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let engine = testing::engine("soundcloud", &server.uri(), &[]);
    let mut seen = Vec::new();
    let mut cursor = String::new();
    for expected in [vec![1618033988], vec![1414213562], vec![1732050807]] {
        let page = run(&engine, "tracks", &format!("user=31415926&limit=1{cursor}"))
            .await
            .unwrap();
        assert_eq!(ids(&page), expected);
        seen.extend(ids(&page));
        match page.next_cursor {
            Some(next) => cursor = format!("&cursor={next}"),
            None => cursor.clear(),
        }
    }
    assert!(cursor.is_empty(), "the last page has no cursor");
    // A cursor of this user's tracks is refused for another numeric user.
    let first = run(&engine, "tracks", "user=31415926&limit=1")
        .await
        .unwrap();
    let query = format!(
        "user=27182818&limit=1&cursor={}",
        first.next_cursor.unwrap()
    );
    let refused = run(&engine, "tracks", &query).await.unwrap_err();
    assert_eq!(refused.error.param(), Some("cursor"));
    assert_eq!(seen, [1618033988, 1414213562, 1732050807]);
}

/// `cursor` with its state replaced by `state`, its binding (the first 8 bytes) kept: what a
/// client who read the cursor's format could send.
fn forged(cursor: &str, state: &Value) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut bytes = URL_SAFE_NO_PAD.decode(cursor).unwrap();
    bytes.truncate(8);
    bytes.extend(serde_json::to_vec(state).unwrap());
    URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn forged_cursor_contents_are_refused_before_any_request() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let engine = testing::engine("soundcloud", &server.uri(), &[]);
    let first = run(&engine, "tracks", "user=31415926&limit=1")
        .await
        .unwrap();
    let cursor = first.next_cursor.unwrap();
    // The binding is intact: a cursor of the right shape continues the listing.
    let genuine = forged(
        &cursor,
        &serde_json::json!({"h": "https://api-v2.soundcloud.com/users/31415926/tracks?limit=20", "s": 2}),
    );
    let page = run(
        &engine,
        "tracks",
        &format!("user=31415926&limit=1&cursor={genuine}"),
    )
    .await
    .unwrap();
    assert_eq!(ids(&page), [1732050807]);
    let before = server.received_requests().await.unwrap().len();
    for state in [
        serde_json::json!({"h": "https://evil.example/users/31415926/tracks"}),
        serde_json::json!({"h": "http://api-v2.soundcloud.com/users/31415926/tracks"}),
        serde_json::json!({"h": "https://api-v2.soundcloud.com/search/users?q=x"}),
        serde_json::json!({"h": "https://api-v2.soundcloud.com/me/tracks"}),
        serde_json::json!({"h": "https://api-v2.soundcloud.com/users/31415926/tracks", "s": 200}),
        serde_json::json!({"h": 5}),
        serde_json::json!({"s": 1}),
    ] {
        let query = format!("user=31415926&limit=1&cursor={}", forged(&cursor, &state));
        let err = run(&engine, "tracks", &query).await.unwrap_err().error;
        assert_eq!(
            (err.param(), err.to_string().as_str()),
            (
                Some("cursor"),
                "parameter 'cursor' is not a cursor this service gave out"
            ),
            "{state}"
        );
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        before,
        "nothing fetched for a forged cursor"
    );
}

#[test]
fn a_malformed_pinned_client_id_refuses_to_start() {
    let regs: Vec<_> = scraper_core::registered()
        .unwrap()
        .into_iter()
        .filter(|r| r.site.slug == "soundcloud")
        .collect();
    let pinned = |id: &str| {
        std::collections::BTreeMap::from([(
            "soundcloud".to_owned(),
            std::collections::BTreeMap::from([("client_id".to_owned(), id.to_owned())]),
        )])
    };
    for bad in ["short", "Fx7Kq2LmN9pR4sT6vW8y-1aB3cD5eG0h", &"a".repeat(65)] {
        let err = Engine::new(
            &regs,
            testing::settings("http://127.0.0.1:9/"),
            &pinned(bad),
        )
        .unwrap_err();
        assert!(
            err.contains(
                "TECHNO_SCRAPER_SOUNDCLOUD_CLIENT_ID must be 20-64 ASCII letters and digits"
            ),
            "{err}"
        );
        assert!(!err.contains(bad), "the value is not printed: {err}");
    }
    assert!(
        Engine::new(
            &regs,
            testing::settings("http://127.0.0.1:9/"),
            &pinned(CLIENT_ID)
        )
        .is_ok()
    );
}

#[tokio::test]
async fn search_pages_carry_total_results_and_a_cursor() {
    let server = MockServer::start().await;
    homepage(&server, 1).await;
    Mock::given(path("/search/users"))
        .and(query_param("q", "nachtwerk"))
        .and(query_param("limit", "10"))
        .and(query_param("offset", "0"))
        .respond_with(json("search_users.json"))
        .mount(&server)
        .await;
    let page = call(&server, &[], "search", "q=nachtwerk&limit=2")
        .await
        .unwrap();
    assert_eq!(ids(&page), [31415926, 27182818]);
    assert_eq!(data(&page)[0]["type"], "user");
    assert_eq!(page.meta.extra["total_results"], 1673);
    assert!(
        page.next_cursor.is_some(),
        "one user of the upstream page is still to come"
    );
    let cursor = page.next_cursor.clone().unwrap();
    let body = page.to_value(None);
    assert_eq!(body["next_cursor"], Value::String(cursor.clone()));
    // A users search whose cursor was rewritten to continue a tracks search.
    let other_type = forged(
        &cursor,
        &serde_json::json!({"h": "https://api-v2.soundcloud.com/search/tracks?q=nachtwerk&offset=0", "s": 2}),
    );
    assert_eq!(
        call(
            &server,
            &[],
            "search",
            &format!("q=nachtwerk&limit=2&cursor={other_type}")
        )
        .await
        .unwrap_err(),
        ErrorCode::InvalidParams
    );
}

#[tokio::test]
async fn errors_have_their_codes() {
    let server = MockServer::start().await;
    homepage(&server, 1).await;
    Mock::given(path("/resolve"))
        .and(query_param("url", "https://soundcloud.com/nobody-here"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    Mock::given(path("/resolve"))
        .and(query_param("url", "https://soundcloud.com/captcha"))
        .respond_with(
            ResponseTemplate::new(403).set_body_raw(fixture("captcha.json"), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/resolve"))
        .and(query_param("url", "https://soundcloud.com/html-captcha"))
        .respond_with(html("captcha.html"))
        .mount(&server)
        .await;
    Mock::given(path("/resolve"))
        .and(query_param(
            "url",
            "https://soundcloud.com/nachtwerk-kollektiv",
        ))
        .respond_with(json("user.json"))
        .mount(&server)
        .await;
    Mock::given(path("/users/1/tracks"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    Mock::given(path("/users/2/tracks"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[1,2]", "application/json"))
        .mount(&server)
        .await;
    let engine = testing::engine("soundcloud", &server.uri(), &[]);
    let code = |action: &'static str, query: &'static str| {
        let engine = &engine;
        async move {
            run(engine, action, query)
                .await
                .map(|_| ())
                .map_err(|f| (f.error.code(), f.error.param().map(str::to_owned)))
        }
    };
    assert_eq!(
        code("profile", "user=nobody-here").await,
        Err((ErrorCode::NotFound, None))
    );
    assert_eq!(
        code("profile", "user=captcha").await,
        Err((ErrorCode::Blocked, None))
    );
    assert_eq!(
        code("profile", "user=html-captcha").await,
        Err((ErrorCode::Blocked, None))
    );
    assert_eq!(
        code("tracks", "user=1").await,
        Err((ErrorCode::RateLimited, None))
    );
    assert_eq!(
        code("tracks", "user=2").await,
        Err((ErrorCode::NotFound, None))
    );
    assert_eq!(
        code("search", "q=x&type=all").await,
        Err((ErrorCode::UpstreamChanged, None))
    );
    let invalid = |param: &str| Err((ErrorCode::InvalidParams, Some(param.to_owned())));
    assert_eq!(
        code(
            "track",
            "url=https%3A%2F%2Fsoundcloud.com%2Fnachtwerk-kollektiv%2Fsets%2Fx"
        )
        .await,
        invalid("url")
    );
    assert_eq!(
        code("track", "url=https%3A%2F%2Fexample.com%2Fa%2Fb").await,
        invalid("url")
    );
    assert_eq!(
        code("profile", "user=https%3A%2F%2Fexample.com%2Fdubmatix").await,
        invalid("user")
    );
    assert_eq!(
        code("profile", "user=https%3A%2F%2F169.254.169.254%2Flatest").await,
        invalid("user")
    );
    assert_eq!(
        code("tracks", "user=x&cursor=garbage").await,
        invalid("cursor")
    );
    // A search cursor is not a tracks cursor.
    Mock::given(path("/search/users"))
        .respond_with(json("search_users.json"))
        .mount(&server)
        .await;
    let search = run(&engine, "search", "q=nachtwerk&limit=1").await.unwrap();
    let stolen = format!("user=x&cursor={}", search.next_cursor.as_deref().unwrap());
    let outcome = run(&engine, "tracks", &stolen).await;
    assert_eq!(outcome.unwrap_err().error.param(), Some("cursor"));
    let other_type = format!(
        "q=nachtwerk&type=tracks&cursor={}",
        search.next_cursor.as_deref().unwrap()
    );
    let outcome = run(&engine, "search", &other_type).await;
    assert_eq!(outcome.unwrap_err().error.param(), Some("cursor"));
    // A URL naming a user where a track is wanted, found out after resolving.
    Mock::given(path("/resolve"))
        .and(query_param(
            "url",
            "https://soundcloud.com/nachtwerk-kollektiv/not-a-track",
        ))
        .respond_with(json("user.json"))
        .mount(&server)
        .await;
    let oddity = code(
        "track",
        "url=https%3A%2F%2Fsoundcloud.com%2Fnachtwerk-kollektiv%2Fnot-a-track",
    )
    .await;
    assert_eq!(oddity, invalid("url"));
}

#[tokio::test]
async fn nothing_is_requested_for_refused_parameters() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    for (action, query) in [
        (
            "profile",
            "user=https%3A%2F%2Fsoundcloud.com.evil.example%2Fx",
        ),
        ("profile", "user=dub%20matix"),
        ("tracks", "user=https%3A%2F%2Fsoundcloud.com%2Fdiscover"),
        ("track", "url=https%3A%2F%2Fsoundcloud.com%2Fonly-a-user"),
        ("track", "url=x&id=1"),
        ("search", "q=x&type=albums"),
    ] {
        assert_eq!(
            call(&server, &[], action, query).await.unwrap_err(),
            ErrorCode::InvalidParams,
            "{action}?{query}"
        );
    }
}

/// Issue 13: a refused homepage says nothing about the user asked for — client_id discovery no
/// longer works, which is `upstream_changed`, not `not_found`.
#[tokio::test]
async fn a_missing_homepage_is_a_changed_site_not_a_missing_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    assert_eq!(
        call(&server, &[], "profile", "user=dubmatix")
            .await
            .unwrap_err(),
        ErrorCode::UpstreamChanged
    );
}
