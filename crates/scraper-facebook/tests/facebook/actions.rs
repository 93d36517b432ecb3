//! The three actions through the engine against a wiremock Facebook on loopback: every
//! parameter form, where each form is fetched, the browser headers, the events tab found from an
//! id or a path, `limit` and `meta.complete`, every wall and status, and answers that validate
//! against the published schemas.

use scraper_core::testing::corpus::schema_mismatch;
use scraper_core::{Engine, ErrorCode, Failure, Success, testing};
use serde_json::Value;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::fixture;

/// An engine whose Facebook is `server`, with the given site settings.
pub(crate) fn engine_with(server: &MockServer, settings: &[(&str, &str)]) -> Engine {
    testing::engine("facebook", &server.uri(), settings)
}

fn engine(server: &MockServer) -> Engine {
    engine_with(server, &[])
}

/// The answer's `data`.
pub(crate) fn data(answer: &Success) -> Value {
    serde_json::from_str(answer.data.get()).unwrap()
}

/// Runs an action as the gateway would; a success must validate against its published schema.
pub(crate) async fn run(engine: &Engine, action: &str, query: &str) -> Result<Success, Failure> {
    let outcome = testing::call(engine, "facebook", action, query).await;
    if let Ok(success) = &outcome
        && let Some(why) = schema_mismatch(engine, "facebook", action, &data(success))
    {
        panic!("{action}?{query}: {why}");
    }
    outcome
}

/// The error of a call that must fail.
async fn fails(engine: &Engine, action: &str, query: &str) -> scraper_core::ScrapeError {
    match run(engine, action, query).await {
        Ok(success) => panic!("{action}?{query} answered {}", data(&success)),
        Err(failure) => failure.error,
    }
}

pub(crate) fn html(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "text/html; charset=utf-8")
}

fn redirect(to: &str) -> ResponseTemplate {
    ResponseTemplate::new(302).insert_header("location", to)
}

/// `GET <path>` on www.facebook.com answers `response`.
async fn serve(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

/// The paths (with queries) Facebook was asked for, in order.
async fn asked(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| match r.url.query() {
            Some(q) => format!("{}?{q}", r.url.path()),
            None => r.url.path().to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn a_page_is_fetched_as_a_browser_navigation_whatever_form_names_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/kellerwerkclub/"))
        .and(header("host", "www.facebook.com"))
        .and(header("sec-fetch-dest", "document"))
        .and(header("sec-fetch-mode", "navigate"))
        .and(header("sec-fetch-site", "none"))
        .and(header("sec-fetch-user", "?1"))
        .respond_with(html("page_2023.html"))
        .expect(5)
        .mount(&server)
        .await;
    let engine = engine(&server);
    for form in [
        "kellerwerkclub",
        "@kellerwerkclub",
        "https://www.facebook.com/kellerwerkclub",
        "https://m.facebook.com/kellerwerkclub/?ref=page_internal",
        "web.facebook.com/kellerwerkclub/about",
    ] {
        let page = run(&engine, "page", &format!("page={}", encode(form)))
            .await
            .unwrap();
        let page = data(&page);
        assert_eq!(page["id"], "100064512345678", "{form}");
        assert_eq!(page["name"], "Kellerwerk Techno Club");
        assert_eq!(page["url"], "https://www.facebook.com/kellerwerkclub");
        assert_eq!(page["likes_count"], 12345);
        assert_eq!(page["followers_count"], 13000);
        assert_eq!(page["category"], "Nightclub");
    }
    let request = &server.received_requests().await.unwrap()[0];
    let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.contains("Chrome/"), "{agent}");
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(header("accept").starts_with("text/html,"));
    assert_eq!(header("accept-language"), "en-US,en;q=0.9");
    assert!(
        request.headers.get("cookie").is_none(),
        "no cookie without the setting"
    );
}

#[tokio::test]
async fn a_page_by_id_follows_facebook_to_its_name_or_asks_profile_php() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/100064512345678/",
        ResponseTemplate::new(301)
            .insert_header("location", "https://www.facebook.com/kellerwerkclub/"),
    )
    .await;
    serve(&server, "/kellerwerkclub/", html("page_2023.html")).await;
    serve(&server, "/100051234567890/", ResponseTemplate::new(404)).await;
    Mock::given(path("/profile.php"))
        .and(query_param("id", "100051234567890"))
        .respond_with(html("page_2026.html"))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let page = run(&engine, "page", "page=100064512345678").await.unwrap();
    assert_eq!(data(&page)["name"], "Kellerwerk Techno Club");
    assert_eq!(page.meta.upstream_requests, 2, "the redirect is followed");
    for form in [
        "100051234567890",
        "https://www.facebook.com/profile.php?id=100051234567890&sk=about",
        "https://www.facebook.com/people/Warehouse-Collective/100051234567890/",
    ] {
        let page = run(&engine, "page", &format!("page={}", encode(form))).await;
        match form {
            f if f.contains("/people/") => {
                // A path is fetched as it is: not recorded here, so nothing is there.
                assert_eq!(page.unwrap_err().error.code(), ErrorCode::NotFound);
            }
            _ => {
                let page = page.unwrap();
                assert_eq!(data(&page)["id"], "100051234567890", "{form}");
                assert_eq!(
                    data(&page)["url"],
                    "https://www.facebook.com/WarehouseCollectiveLE"
                );
            }
        }
    }
}

#[tokio::test]
async fn not_available_under_one_address_of_an_id_is_not_the_last_word() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/100051234567899/",
        ResponseTemplate::new(404).set_body_raw(fixture("not_found.html"), "text/html"),
    )
    .await;
    serve(&server, "/100051234567898/", html("not_found.html")).await;
    Mock::given(path("/profile.php"))
        .and(query_param("id", "100051234567899"))
        .respond_with(html("page_2026.html"))
        .mount(&server)
        .await;
    Mock::given(path("/profile.php"))
        .and(query_param("id", "100051234567898"))
        .respond_with(html("not_found.html"))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let page = run(&engine, "page", "page=100051234567899").await.unwrap();
    assert_eq!(data(&page)["name"], "Warehouse Collective");
    let err = fails(&engine, "page", "page=100051234567898").await;
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    assert_eq!(
        asked(&server).await,
        [
            "/100051234567899/",
            "/profile.php?id=100051234567899",
            "/100051234567898/",
            "/profile.php?id=100051234567898"
        ]
    );
}

#[tokio::test]
async fn pages_without_a_name_are_fetched_under_their_path() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/pages/Tanzhalle-Sued/108123456789012/",
        html("page_classic.html"),
    )
    .await;
    serve(
        &server,
        "/p/Warehouse-Collective-100051234567890/",
        html("page_2026.html"),
    )
    .await;
    let engine = engine(&server);
    let classic = run(
        &engine,
        "page",
        "page=https%3A%2F%2Fwww.facebook.com%2Fpages%2FTanzhalle-Sued%2F108123456789012%3Fref%3Dbr_rs",
    )
    .await
    .unwrap();
    assert_eq!(data(&classic)["name"], "Tanzhalle Süd");
    assert_eq!(data(&classic)["category"], "Dance & Night Club");
    assert_eq!(data(&classic)["likes_count"], 250);
    let p = run(
        &engine,
        "page",
        "page=https%3A%2F%2Fwww.facebook.com%2Fp%2FWarehouse-Collective-100051234567890%2F",
    )
    .await
    .unwrap();
    assert_eq!(data(&p)["id"], "100051234567890");
}

#[tokio::test]
async fn what_is_not_a_facebook_page_is_refused_before_anything_is_fetched() {
    let server = MockServer::start().await;
    let engine = engine(&server);
    for (action, query, param) in [
        (
            "page",
            "page=https%3A%2F%2Fevil.example%2Fkellerwerkclub",
            "page",
        ),
        (
            "page",
            "page=https%3A%2F%2Ffacebook.com.evil.example%2Fx",
            "page",
        ),
        (
            "page",
            "page=https%3A%2F%2Fwww.facebook.com%2Flogin%2F",
            "page",
        ),
        ("page", "page=hey%20there", "page"),
        (
            "events",
            "page=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dx",
            "page",
        ),
        ("events", "page=kellerwerkclub&when=tomorrow", "when"),
        ("event", "id=abc", "id"),
        (
            "event",
            "url=https%3A%2F%2Fevil.example%2Fevents%2F612345678901234%2F",
            "url",
        ),
        (
            "event",
            "url=https%3A%2F%2Fwww.facebook.com%2Fkellerwerkclub",
            "url",
        ),
    ] {
        let err = fails(&engine, action, query).await;
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{action}?{query}");
        assert_eq!(err.param(), Some(param), "{action}?{query}: {err}");
    }
    for query in [
        "",
        "id=612345678901234&url=https%3A%2F%2Fwww.facebook.com%2Fevents%2F612345678901234%2F",
    ] {
        let err = fails(&engine, "event", query).await;
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{query}: {err}");
    }
    assert_eq!(
        fails(&engine, "page", "").await.to_string(),
        "missing required parameter 'page'"
    );
    assert!(
        asked(&server).await.is_empty(),
        "{:?}",
        asked(&server).await
    );
}

#[tokio::test]
async fn walls_are_named_by_their_content_url_or_status_never_an_empty_success() {
    let server = MockServer::start().await;
    serve(&server, "/walled/", html("login_wall.html")).await;
    serve(
        &server,
        "/redirected/",
        redirect(
            "https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2Fredirected%2F",
        ),
    )
    .await;
    serve(
        &server,
        "/consent/",
        redirect("/cookie/consent-page/?next=x"),
    )
    .await;
    serve(
        &server,
        "/checkpointed/",
        redirect("https://m.facebook.com/checkpoint/block/?next=x"),
    )
    .await;
    serve(&server, "/blockedpage/", html("blocked.html")).await;
    serve(&server, "/gone/", html("not_found.html")).await;
    serve(&server, "/missing/", ResponseTemplate::new(404)).await;
    serve(&server, "/changedpage/", html("changed.html")).await;
    serve(&server, "/bare/", ResponseTemplate::new(400)).await;
    serve(&server, "/abroad/", redirect("https://evil.example/x")).await;
    serve(
        &server,
        "/forbidden/",
        ResponseTemplate::new(403).set_body_raw(fixture("blocked.html"), "text/html"),
    )
    .await;
    let engine = engine(&server);
    for (page, code, says) in [
        ("walled", ErrorCode::LoginRequired, "login wall"),
        ("redirected", ErrorCode::LoginRequired, "login wall"),
        ("consent", ErrorCode::LoginRequired, "login wall"),
        ("checkpointed", ErrorCode::Blocked, "checkpoint"),
        ("blockedpage", ErrorCode::Blocked, "checkpoint"),
        ("forbidden", ErrorCode::Blocked, "checkpoint"),
        ("gone", ErrorCode::NotFound, "isn't available"),
        (
            "missing",
            ErrorCode::NotFound,
            "nothing at /missing/ (HTTP 404)",
        ),
        ("changedpage", ErrorCode::UpstreamChanged, "no page id"),
        ("bare", ErrorCode::Blocked, "HTTP 400"),
        (
            "abroad",
            ErrorCode::UpstreamChanged,
            "to evil.example, outside facebook.com",
        ),
    ] {
        let err = fails(&engine, "page", &format!("page={page}")).await;
        assert_eq!(err.code(), code, "{page}: {err}");
        assert!(err.to_string().contains(says), "{page}: {err}");
    }
    let paths = asked(&server).await;
    assert!(
        !paths.iter().any(|p| p == "/x"),
        "a redirect to another host is never followed: {paths:?}"
    );
    // The same walls stand in front of events tabs and events.
    serve(
        &server,
        "/walled/upcoming_hosted_events",
        html("login_wall.html"),
    )
    .await;
    serve(&server, "/events/612345678901234/", html("login_wall.html")).await;
    serve(
        &server,
        "/events/612345678901235/",
        ResponseTemplate::new(404),
    )
    .await;
    serve(&server, "/events/612345678901236/", html("not_found.html")).await;
    assert_eq!(
        fails(&engine, "events", "page=walled").await.code(),
        ErrorCode::LoginRequired
    );
    assert_eq!(
        fails(&engine, "event", "id=612345678901234").await.code(),
        ErrorCode::LoginRequired
    );
    assert_eq!(
        fails(&engine, "event", "id=612345678901235").await.code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        fails(&engine, "event", "id=612345678901236").await.code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn a_failing_facebook_is_retried_then_unavailable() {
    let server = MockServer::start().await;
    Mock::given(path("/flaky/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    serve(&server, "/flaky/", html("page_2026.html")).await;
    serve(&server, "/down/", ResponseTemplate::new(500)).await;
    let engine = engine(&server);
    let page = run(&engine, "page", "page=flaky").await.unwrap();
    assert_eq!(page.meta.attempts, 2);
    assert_eq!(
        fails(&engine, "page", "page=down").await.code(),
        ErrorCode::UpstreamUnavailable
    );
}

fn event_ids(answer: &Success) -> Vec<String> {
    data(answer)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn events_come_in_facebooks_order_with_complete_saying_whether_that_is_all() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/WarehouseCollectiveLE/upcoming_hosted_events",
        html("events_upcoming.html"),
    )
    .await;
    serve(
        &server,
        "/WarehouseCollectiveLE/past_hosted_events",
        html("events_empty.html"),
    )
    .await;
    let engine = engine(&server);
    let upcoming = run(&engine, "events", "page=WarehouseCollectiveLE")
        .await
        .unwrap();
    assert_eq!(
        event_ids(&upcoming),
        [
            "1029384756102938",
            "1029384756102939",
            "1029384756102940",
            "1029384756102941",
            "1029384756102942"
        ]
    );
    let body = upcoming.to_value(None);
    assert_eq!(body["next_cursor"], Value::Null);
    assert_eq!(body["meta"]["complete"], false, "the tab says 12 exist");
    assert_eq!(body["data"][0]["start_time"], "2026-05-16T23:00:00Z");
    assert_eq!(body["data"][0]["place"]["city"], "Leipzig");
    assert_eq!(body["data"][1]["is_canceled"], true);

    let two = run(
        &engine,
        "events",
        "page=https%3A%2F%2Fm.facebook.com%2FWarehouseCollectiveLE%2Fevents&when=Upcoming&limit=2",
    )
    .await
    .unwrap();
    assert_eq!(event_ids(&two).len(), 2);
    assert_eq!(two.next_cursor, None, "no paging Facebook does not offer");

    for when in ["past", "PAST"] {
        let past = run(
            &engine,
            "events",
            &format!("page=WarehouseCollectiveLE&when={when}"),
        )
        .await
        .unwrap();
        let body = past.to_value(None);
        assert_eq!(body["data"], serde_json::json!([]));
        assert_eq!(body["meta"]["complete"], true);
    }
    let err = fails(
        &engine,
        "events",
        "page=WarehouseCollectiveLE&cursor=eyJvZmZzZXQiOjV9",
    )
    .await;
    assert_eq!(err.param(), Some("cursor"), "{err}");
}

#[tokio::test]
async fn events_of_a_page_by_id_are_asked_for_with_profile_php() {
    let server = MockServer::start().await;
    Mock::given(path("/profile.php"))
        .and(query_param("id", "100051234567890"))
        .and(query_param("sk", "upcoming_hosted_events"))
        .respond_with(html("events_upcoming.html"))
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(&server);
    for form in [
        "100051234567890",
        "https://www.facebook.com/profile.php?id=100051234567890",
    ] {
        let events = run(&engine, "events", &format!("page={}", encode(form)))
            .await
            .unwrap();
        assert_eq!(event_ids(&events).len(), 5);
        assert_eq!(events.meta.upstream_requests, 1);
    }
}

#[tokio::test]
async fn events_of_a_page_by_id_or_path_fall_back_to_the_name_the_page_gives() {
    let server = MockServer::start().await;
    // profile.php knows neither id; the pages say where they live.
    Mock::given(path("/profile.php"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    serve(&server, "/100051234567890/", html("page_2026.html")).await;
    serve(
        &server,
        "/p/Warehouse-Collective-100051234567890/",
        html("page_2026.html"),
    )
    .await;
    serve(
        &server,
        "/WarehouseCollectiveLE/past_hosted_events",
        html("events_empty.html"),
    )
    .await;
    serve(
        &server,
        "/WarehouseCollectiveLE/upcoming_hosted_events",
        html("events_upcoming.html"),
    )
    .await;
    let engine = engine(&server);
    let events = run(&engine, "events", "page=100051234567890&when=past")
        .await
        .unwrap();
    assert_eq!(event_ids(&events), Vec::<String>::new());
    assert_eq!(
        asked(&server).await,
        [
            "/profile.php?id=100051234567890&sk=past_hosted_events",
            "/100051234567890/",
            "/WarehouseCollectiveLE/past_hosted_events"
        ]
    );
    let events = run(
        &engine,
        "events",
        "page=https%3A%2F%2Fwww.facebook.com%2Fp%2FWarehouse-Collective-100051234567890%2F",
    )
    .await
    .unwrap();
    assert_eq!(event_ids(&events).len(), 5);

    // A classic page without a name has no other address to try: nothing there.
    serve(
        &server,
        "/pages/Tanzhalle-Sued/108123456789012/",
        html("page_classic.html"),
    )
    .await;
    let err = fails(
        &engine,
        "events",
        "page=https%3A%2F%2Fwww.facebook.com%2Fpages%2FTanzhalle-Sued%2F108123456789012",
    )
    .await;
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
}

#[tokio::test]
async fn a_profile_php_answer_that_is_the_page_itself_names_the_tab() {
    let server = MockServer::start().await;
    Mock::given(path("/profile.php"))
        .respond_with(html("page_2026.html"))
        .mount(&server)
        .await;
    serve(
        &server,
        "/WarehouseCollectiveLE/upcoming_hosted_events",
        html("events_upcoming.html"),
    )
    .await;
    let engine = engine(&server);
    let events = run(&engine, "events", "page=100051234567890")
        .await
        .unwrap();
    assert_eq!(event_ids(&events).len(), 5);
    assert_eq!(events.meta.upstream_requests, 2);
    // A name whose tab is not one is not guessed at further.
    serve(
        &server,
        "/kellerwerkclub/upcoming_hosted_events",
        html("changed.html"),
    )
    .await;
    let err = fails(&engine, "events", "page=kellerwerkclub").await;
    assert_eq!(err.code(), ErrorCode::UpstreamChanged, "{err}");
    assert!(err.to_string().contains("pageItems"), "{err}");
}

#[tokio::test]
async fn an_event_by_id_or_by_any_form_of_its_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/events/612345678901234/"))
        .and(header("sec-fetch-mode", "navigate"))
        .respond_with(html("event_2023.html"))
        .mount(&server)
        .await;
    serve(
        &server,
        "/events/1987654321098765/",
        html("event_2026_online.html"),
    )
    .await;
    let engine = engine(&server);
    for query in [
        "id=612345678901234",
        "id=%20612345678901234%20",
        "url=https%3A%2F%2Fwww.facebook.com%2Fevents%2F612345678901234%2F",
        "url=https%3A%2F%2Fm.facebook.com%2Fevents%2F612345678901234%3Fref%3Dnewsfeed%26acontext%3D%257B%257D",
        "url=https%3A%2F%2Fwww.facebook.com%2Fevents%2Fklangkeller%2Fallnighter%2F612345678901234%2F",
        "url=facebook.com%2Fevents%2F612345678901234%2F612345678901299%2F",
    ] {
        let event = run(&engine, "event", query).await.unwrap();
        let event = data(&event);
        assert_eq!(event["id"], "612345678901234", "{query}");
        assert_eq!(event["end_time"], "2023-07-29T06:00:00Z");
        assert_eq!(event["hosts"][1]["name"], "Nina Beispiel");
    }
    let online = run(&engine, "event", "id=1987654321098765").await.unwrap();
    let online = data(&online);
    assert_eq!(online["is_online"], true);
    assert_eq!(online["place"], Value::Null);
    assert_eq!(online["end_time"], Value::Null);
}

/// A query value, percent-encoded.
pub(crate) fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
