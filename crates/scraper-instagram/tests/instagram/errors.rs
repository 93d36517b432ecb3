//! Every error code the site answers, through the engine against a wiremock Instagram: the walls
//! and limits of `profile` by content (with `Retry-After` kept), and for `posts` the most
//! telling failure when every source failed (`private` and `not_found` settle it at once).

use std::time::Duration;

use scraper_core::{ErrorCode, ScrapeError, testing};
use scraper_instagram::fixtures::fixture;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fake::{data, run};

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json; charset=utf-8")
}

fn fixture_json(status: u16, name: &str) -> ResponseTemplate {
    json(status, &fixture(name))
}

fn empty(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
}

/// Mounts web_profile_info's answer.
async fn profile_answers(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/api/v1/users/web_profile_info/"))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// Mounts the answers of the three sources of posts.
async fn sources_answer(
    server: &MockServer,
    timeline: ResponseTemplate,
    profile: ResponseTemplate,
    feed: ResponseTemplate,
) {
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .respond_with(timeline)
        .mount(server)
        .await;
    profile_answers(server, profile).await;
    Mock::given(method("GET"))
        .and(path_regex("^/api/v1/feed/user/[^/]+/username/$"))
        .respond_with(feed)
        .mount(server)
        .await;
}

async fn error_of(server: &MockServer, settings: &[(&str, &str)], action: &str) -> ScrapeError {
    let engine = testing::engine("instagram", &server.uri(), settings);
    let query = match action {
        "posts" => "user=nightferry&limit=12",
        _ => "user=nightferry",
    };
    run(&engine, action, query)
        .await
        .map(|ok| panic!("{action} succeeded: {}", data(&ok)))
        .unwrap_err()
        .error
}

#[tokio::test]
async fn profile_walls_and_limits_by_content() {
    let login_page = || {
        ResponseTemplate::new(302).insert_header(
            "location",
            "https://www.instagram.com/accounts/login/?next=%2Fnightferry%2F",
        )
    };
    let cases: Vec<(&str, ResponseTemplate, ErrorCode, Option<u64>)> = vec![
        (
            "data.user null",
            fixture_json(200, "web_profile_info_not_found.json"),
            ErrorCode::NotFound,
            None,
        ),
        ("404", empty(404), ErrorCode::NotFound, None),
        (
            "require_login 401",
            fixture_json(401, "require_login.json"),
            ErrorCode::LoginRequired,
            None,
        ),
        (
            "require_login 200",
            fixture_json(200, "require_login.json"),
            ErrorCode::LoginRequired,
            None,
        ),
        (
            "redirect to the login page",
            login_page(),
            ErrorCode::LoginRequired,
            None,
        ),
        (
            "redirect to a challenge",
            ResponseTemplate::new(302).insert_header("location", "/challenge/?next=/api/v1/users/"),
            ErrorCode::LoginRequired,
            None,
        ),
        (
            "the login page itself",
            ResponseTemplate::new(200).set_body_raw(fixture("login_page.html"), "text/html"),
            ErrorCode::LoginRequired,
            None,
        ),
        (
            "checkpoint_required",
            fixture_json(400, "checkpoint_required.json"),
            ErrorCode::Blocked,
            None,
        ),
        (
            "challenge_required",
            fixture_json(400, "challenge_required.json"),
            ErrorCode::Blocked,
            None,
        ),
        (
            "feedback_required",
            fixture_json(400, "feedback_required.json"),
            ErrorCode::Blocked,
            None,
        ),
        (
            "429",
            fixture_json(429, "rate_limited.json").insert_header("retry-after", "120"),
            ErrorCode::RateLimited,
            Some(120),
        ),
        (
            "please wait, as 403",
            fixture_json(403, "rate_limited.json").insert_header("retry-after", "60"),
            ErrorCode::RateLimited,
            Some(60),
        ),
        (
            "please wait, no Retry-After",
            fixture_json(401, "rate_limited.json"),
            ErrorCode::RateLimited,
            None,
        ),
        (
            "another shape",
            json(200, r#"{"status": "ok"}"#),
            ErrorCode::UpstreamChanged,
            None,
        ),
        (
            "not JSON",
            ResponseTemplate::new(200).set_body_raw("<html><body>hi</body></html>", "text/html"),
            ErrorCode::UpstreamChanged,
            None,
        ),
        ("bare 403", empty(403), ErrorCode::Blocked, None),
        ("500", empty(500), ErrorCode::UpstreamUnavailable, None),
        ("503", empty(503), ErrorCode::UpstreamUnavailable, None),
    ];
    for (what, answer, code, retry_after) in cases {
        let server = MockServer::start().await;
        profile_answers(&server, answer).await;
        // The login page a redirect leads to, as Instagram serves it.
        Mock::given(path("/accounts/login/"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(fixture("login_page.html"), "text/html"),
            )
            .mount(&server)
            .await;
        let err = error_of(&server, &[], "profile").await;
        assert_eq!(err.code(), code, "{what}: {err}");
        assert_eq!(
            err.retry_after(),
            retry_after.map(Duration::from_secs),
            "{what}"
        );
        assert!(!err.to_string().is_empty());
    }
}

#[tokio::test]
async fn a_private_account_is_a_profile_with_private_true_and_its_posts_are_private() {
    let server = MockServer::start().await;
    sources_answer(
        &server,
        json(
            200,
            r#"{"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": {"edges": [], "page_info": {"end_cursor": null, "has_next_page": false}}}}"#,
        ),
        fixture_json(200, "web_profile_info_private.json"),
        fixture_json(400, "feed_private.json"),
    )
    .await;
    let engine = testing::engine("instagram", &server.uri(), &[]);
    let profile = run(&engine, "profile", "user=tidal.crew").await.unwrap();
    assert_eq!(data(&profile)["private"], true);
    assert_eq!(data(&profile)["username"], "tidal.crew");
    let err = run(&engine, "posts", "user=tidal.crew")
        .await
        .unwrap_err()
        .error;
    assert_eq!(err.code(), ErrorCode::Private, "{err}");
    assert_eq!(
        err.to_string(),
        "the instagram account 'tidal.crew' is private: its posts are shown only to its approved followers"
    );
    let requests = server.received_requests().await.unwrap();
    assert!(
        !requests
            .iter()
            .any(|r| r.url.path().starts_with("/api/v1/feed/")),
        "without a session, no source can show a private account's posts"
    );

    // With a session (which might follow the account), the feed is asked too.
    let server = MockServer::start().await;
    sources_answer(
        &server,
        empty(403),
        fixture_json(200, "web_profile_info_private.json"),
        fixture_json(400, "feed_private.json"),
    )
    .await;
    let err = error_of(&server, &[("sessionid", "1%3Aabc%3A2")], "posts").await;
    assert_eq!(err.code(), ErrorCode::Private, "{err}");
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .any(|r| r.url.path().starts_with("/api/v1/feed/"))
    );
}

#[tokio::test]
async fn posts_report_the_most_telling_failure_when_every_source_fails() {
    let require_login = || fixture_json(401, "require_login.json");
    let limited = || fixture_json(429, "rate_limited.json").insert_header("retry-after", "90");
    let changed = || json(200, r#"{"status": "ok"}"#);
    let cases: Vec<(&str, [ResponseTemplate; 3], ErrorCode)> = vec![
        (
            "all ask for a login",
            [require_login(), require_login(), require_login()],
            ErrorCode::LoginRequired,
        ),
        (
            "login before a rate limit",
            [empty(404), require_login(), limited()],
            ErrorCode::LoginRequired,
        ),
        (
            "a rate limit before a changed shape",
            [
                json(400, r#"{"message": "", "status": "fail"}"#),
                limited(),
                changed(),
            ],
            ErrorCode::RateLimited,
        ),
        (
            "all changed",
            [changed(), changed(), changed()],
            ErrorCode::UpstreamChanged,
        ),
        (
            "a checkpoint before bare statuses",
            [
                empty(403),
                fixture_json(400, "checkpoint_required.json"),
                empty(404),
            ],
            ErrorCode::Blocked,
        ),
        (
            "all blocked",
            [
                fixture_json(400, "challenge_required.json"),
                fixture_json(400, "checkpoint_required.json"),
                fixture_json(400, "feedback_required.json"),
            ],
            ErrorCode::Blocked,
        ),
        (
            "all 404",
            [empty(404), empty(404), empty(404)],
            ErrorCode::NotFound,
        ),
        (
            "a bare 404 before a bare 403",
            [empty(403), empty(404), empty(403)],
            ErrorCode::NotFound,
        ),
        (
            "posts withheld from a logged-out client",
            [
                empty(404),
                fixture_json(200, "web_profile_info_business.json"),
                empty(404),
            ],
            ErrorCode::LoginRequired,
        ),
        (
            "all unavailable",
            [empty(503), empty(503), empty(503)],
            ErrorCode::UpstreamUnavailable,
        ),
    ];
    for (what, [timeline, profile, feed], code) in cases {
        let server = MockServer::start().await;
        sources_answer(&server, timeline, profile, feed).await;
        let err = error_of(&server, &[], "posts").await;
        assert_eq!(err.code(), code, "{what}: {err}");
        if code == ErrorCode::RateLimited {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(90)), "{what}");
        }
        let sources = server.received_requests().await.unwrap().len();
        assert!(
            sources >= 3,
            "{what}: every source was tried ({sources} requests)"
        );
    }
}

#[tokio::test]
async fn an_unknown_account_settles_it_at_once() {
    let server = MockServer::start().await;
    sources_answer(
        &server,
        json(200, r#"{"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": null}, "status": "ok"}"#),
        fixture_json(200, "web_profile_info_not_found.json"),
        empty(404),
    )
    .await;
    let err = error_of(&server, &[], "posts").await;
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        2,
        "the feed is not asked about an account that does not exist"
    );
}

#[tokio::test]
async fn a_refused_session_is_named_without_its_value() {
    let server = MockServer::start().await;
    profile_answers(&server, fixture_json(401, "require_login.json")).await;
    let err = error_of(
        &server,
        &[("sessionid", "1%3Aexpired-value%3A2")],
        "profile",
    )
    .await;
    assert_eq!(err.code(), ErrorCode::LoginRequired);
    let message = err.to_string();
    assert!(
        message.contains("TECHNO_SCRAPER_INSTAGRAM_SESSIONID"),
        "{message}"
    );
    assert!(!message.contains("expired-value"), "{message}");
}
