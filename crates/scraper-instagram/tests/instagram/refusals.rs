//! The refusal classifier as a table: status, `Location` and body → the error code, with the
//! precedence its documentation states; and the parsers reporting a refusal served as HTTP 200
//! instead of a changed page.

use scraper_core::{ErrorCode, ScrapeError};
use scraper_instagram::parse::feed::parse_feed_page;
use scraper_instagram::parse::profile::parse_web_profile_info;
use scraper_instagram::parse::refusal::{classify, classify_body};
use scraper_instagram::parse::timeline::parse_timeline_page;

use crate::support::fixture;

/// One row: what it is, status, `Location`, body, and the expected code (`None`: not a
/// refusal).
type Row = (
    &'static str,
    u16,
    Option<&'static str>,
    String,
    Option<ErrorCode>,
);

fn table() -> Vec<Row> {
    use ErrorCode::{Blocked, LoginRequired, NotFound, Private, RateLimited};
    vec![
        // login_required
        ("require_login, 401", 401, None, fixture("require_login.json"), Some(LoginRequired)),
        ("require_login, 200", 200, None, fixture("require_login.json"), Some(LoginRequired)),
        ("require_login alone", 200, None, r#"{"require_login": true}"#.into(), Some(LoginRequired)),
        ("require_login as 1", 403, None, r#"{"require_login": 1, "status": "fail"}"#.into(), Some(LoginRequired)),
        ("redirect to login", 302, Some("https://www.instagram.com/accounts/login/?next=%2Fapi%2Fv1%2F"), String::new(), Some(LoginRequired)),
        ("relative redirect to login", 301, Some("/accounts/login/"), String::new(), Some(LoginRequired)),
        ("redirect to challenge", 302, Some("https://www.instagram.com/challenge/?next=/nasa/"), String::new(), Some(LoginRequired)),
        ("login page after a redirect", 200, None, fixture("login_page.html"), Some(LoginRequired)),
        ("bare 401", 401, None, r#"{"message": "", "status": "fail"}"#.into(), Some(LoginRequired)),
        ("bare 401, empty", 401, None, String::new(), Some(LoginRequired)),
        // blocked
        ("checkpoint", 400, None, fixture("checkpoint_required.json"), Some(Blocked)),
        ("checkpoint, 200", 200, None, fixture("checkpoint_required.json"), Some(Blocked)),
        ("challenge", 400, None, fixture("challenge_required.json"), Some(Blocked)),
        ("feedback", 400, None, fixture("feedback_required.json"), Some(Blocked)),
        ("checkpoint_url alone", 400, None, r#"{"checkpoint_url": "https://www.instagram.com/challenge/x/", "status": "fail"}"#.into(), Some(Blocked)),
        ("challenge object alone", 400, None, r#"{"challenge": {"api_path": "/challenge/x/"}, "status": "fail"}"#.into(), Some(Blocked)),
        ("error_type", 400, None, r#"{"error_type": "checkpoint_challenge_required", "status": "fail"}"#.into(), Some(Blocked)),
        ("graphql errors", 200, None, r#"{"data": null, "errors": [{"message": "challenge_required", "severity": "CRITICAL"}]}"#.into(), Some(Blocked)),
        ("checkpoint text", 400, None, "checkpoint_required".into(), Some(Blocked)),
        ("bot challenge page", 200, None, "<html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={}</script></body></html>".into(), Some(Blocked)),
        // rate_limited
        ("please wait, 429", 429, None, fixture("rate_limited.json"), Some(RateLimited)),
        ("please wait, 403", 403, None, fixture("rate_limited.json"), Some(RateLimited)),
        ("please wait, 200", 200, None, fixture("rate_limited.json"), Some(RateLimited)),
        ("429 empty", 429, None, String::new(), Some(RateLimited)),
        ("429 html", 429, None, "<html><body>Too Many Requests</body></html>".into(), Some(RateLimited)),
        ("please wait in graphql errors", 200, None, r#"{"errors": [{"summary": "Rate limit", "description": "Please wait a few minutes before you try again."}]}"#.into(), Some(RateLimited)),
        ("please wait as text", 403, None, "Please wait a few minutes before you try again.".into(), Some(RateLimited)),
        ("please wait, broken json", 401, None, r#"{"message":"Please wait a few minutes before you try again.","status":"fa"#.into(), Some(RateLimited)),
        // private, not_found
        ("private feed", 400, None, fixture("feed_private.json"), Some(Private)),
        ("404 empty", 404, None, String::new(), Some(NotFound)),
        ("404 html", 404, None, "<html><title>Page not found • Instagram</title></html>".into(), Some(NotFound)),
        // precedence
        ("checkpoint beats require_login", 401, None, r#"{"message": "checkpoint_required", "require_login": true, "status": "fail"}"#.into(), Some(Blocked)),
        ("checkpoint beats 429", 429, None, fixture("checkpoint_required.json"), Some(Blocked)),
        ("429 beats require_login", 429, None, fixture("require_login.json"), Some(RateLimited)),
        ("require_login beats please wait", 401, None, fixture("require_login.json"), Some(LoginRequired)),
        ("login redirect beats 404", 404, Some("/accounts/login/"), String::new(), Some(LoginRequired)),
        ("please wait beats 404", 404, None, fixture("rate_limited.json"), Some(RateLimited)),
        ("please wait beats bare 401", 401, None, fixture("rate_limited.json"), Some(RateLimited)),
        ("private beats 404", 404, None, fixture("feed_private.json"), Some(Private)),
        // not refusals
        ("profile", 200, None, fixture("web_profile_info_public.json"), None),
        ("timeline", 200, None, fixture("graphql_timeline_page.json"), None),
        ("feed", 200, None, fixture("feed_user_page.json"), None),
        ("user null", 200, None, fixture("web_profile_info_not_found.json"), None),
        ("500", 500, None, "<html>oops</html>".into(), None),
        ("403 without words", 403, None, r#"{"status": "fail"}"#.into(), None),
        ("require_login false", 200, None, r#"{"require_login": false, "status": "ok"}"#.into(), None),
        ("redirect elsewhere", 302, Some("https://www.instagram.com/nasa/"), String::new(), None),
        ("foreign login redirect", 302, Some("https://evil.example/accounts/login/"), String::new(), None),
        ("empty 200", 200, None, String::new(), None),
        ("wording deep in a caption", 200, None, r#"{"items": [{"code": "A", "caption": {"text": "Please wait a few minutes, checkpoint_required"}}], "more_available": false}"#.into(), None),
    ]
}

#[test]
fn classifier_table() {
    let mut failures = Vec::new();
    for (what, status, location, body, expected) in table() {
        let got = classify(status, location, &body).map(|e| e.code());
        if got != expected {
            failures.push(format!("{what}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn rate_limits_leave_retry_after_to_the_caller_and_messages_read_well() {
    let err = classify(429, None, "").unwrap();
    assert!(matches!(
        err,
        ScrapeError::RateLimited {
            retry_after: None,
            ..
        }
    ));
    assert!(err.code().retryable());
    for (status, location, body) in [
        (401, None, fixture("require_login.json")),
        (302, Some("/challenge/"), String::new()),
        (400, None, fixture("checkpoint_required.json")),
        (400, None, fixture("feedback_required.json")),
        (403, None, fixture("rate_limited.json")),
        (400, None, fixture("feed_private.json")),
        (404, None, String::new()),
    ] {
        let message = classify(status, location, &body).unwrap().to_string();
        assert!(
            message.starts_with(|c: char| c.is_ascii_lowercase()),
            "{message}"
        );
        assert!(!message.ends_with('.'), "{message}");
    }
    assert_eq!(
        classify_body(&fixture("require_login.json"))
            .unwrap()
            .code(),
        ErrorCode::LoginRequired
    );
}

#[test]
fn parsers_report_refusals_served_as_200() {
    for (name, code) in [
        ("require_login.json", ErrorCode::LoginRequired),
        ("checkpoint_required.json", ErrorCode::Blocked),
        ("challenge_required.json", ErrorCode::Blocked),
        ("feedback_required.json", ErrorCode::Blocked),
        ("rate_limited.json", ErrorCode::RateLimited),
        ("login_page.html", ErrorCode::LoginRequired),
    ] {
        let body = fixture(name);
        assert_eq!(
            parse_web_profile_info(&body).unwrap_err().code(),
            code,
            "{name}"
        );
        assert_eq!(
            parse_timeline_page(&body).unwrap_err().code(),
            code,
            "{name}"
        );
        assert_eq!(parse_feed_page(&body).unwrap_err().code(), code, "{name}");
    }
    assert_eq!(
        parse_feed_page(&fixture("feed_private.json"))
            .unwrap_err()
            .code(),
        ErrorCode::Private
    );
}
