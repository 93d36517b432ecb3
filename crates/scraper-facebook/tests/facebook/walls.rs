//! Walls by content: every parser answers a login wall, a block or a missing page as what it is
//! (never an empty success, never `upstream_changed`), and the classifier's own rules.

use scraper_core::ErrorCode;
use scraper_facebook::parse::{parse_event, parse_events, parse_page};
use scraper_facebook::walls::{Wall, classify_redirect, classify_status, detect};

use crate::support::fixture;

#[test]
fn every_parser_reports_the_wall() {
    for (name, wall, code) in [
        ("login_wall.html", Wall::Login, ErrorCode::LoginRequired),
        ("not_found.html", Wall::NotFound, ErrorCode::NotFound),
        ("blocked.html", Wall::Blocked, ErrorCode::Blocked),
    ] {
        let body = fixture(name);
        assert_eq!(detect(&body), Some(wall), "{name}");
        assert_eq!(parse_page(&body).unwrap_err().code(), code, "{name} page");
        assert_eq!(
            parse_events(&body).unwrap_err().code(),
            code,
            "{name} events"
        );
        assert_eq!(parse_event(&body).unwrap_err().code(), code, "{name} event");
    }
}

#[test]
fn content_pages_are_not_walls() {
    // Every logged-out page carries a login form; that alone is not a wall.
    for name in [
        "page_2023.html",
        "page_classic.html",
        "page_2026.html",
        "page_de.html",
        "events_upcoming.html",
        "event_2023.html",
        "event_2026_online.html",
        "changed.html",
    ] {
        assert_eq!(detect(&fixture(name)), None, "{name}");
    }
}

#[test]
fn markers_in_their_many_spellings() {
    let walls = [
        (
            "<title>Log in or sign up to view</title><body>x</body>",
            Wall::Login,
        ),
        ("<title>Facebook – log in or sign up</title>", Wall::Login),
        (
            "<title id=\"pageTitle\">Log in to Facebook</title>",
            Wall::Login,
        ),
        ("<title>Bei Facebook anmelden</title>", Wall::Login),
        ("<div>You must log in to continue.</div>", Wall::Login),
        (
            "<form id=\"login_form\"><input type=\"password\" name=\"pass\"></form>",
            Wall::Login,
        ),
        (
            "<meta http-equiv=\"refresh\" content=\"0; URL=/cookie/consent-page/?next=x\">",
            Wall::Login,
        ),
        ("<h2>You’re Temporarily Blocked</h2>", Wall::Blocked),
        ("<h2>You're Temporarily Blocked</h2>", Wall::Blocked),
        ("<title>Security Check</title>", Wall::Blocked),
        (
            "<form action=\"/checkpoint/block/?next=x\"></form>",
            Wall::Blocked,
        ),
        ("<title>Just a moment...</title>", Wall::Blocked),
        (
            "<span>This content isn't available right now</span>",
            Wall::NotFound,
        ),
        (
            "<span>This content isn’t available at the moment</span>",
            Wall::NotFound,
        ),
        (
            "{\"message\":\"This content isn\\u2019t available right now\"}",
            Wall::NotFound,
        ),
        (
            "<span>This page isn&#039;t available</span>",
            Wall::NotFound,
        ),
        (
            "<span>The link you followed may be broken, or the page may have been removed.</span>",
            Wall::NotFound,
        ),
        ("<title>Page Not Found | Facebook</title>", Wall::NotFound),
    ];
    for (body, wall) in walls {
        assert_eq!(detect(body), Some(wall), "{body}");
    }
    for body in [
        "",
        "<html><title>Meedan | Facebook</title></html>",
        "checkpoint",
        "/login",
    ] {
        assert_eq!(detect(body), None, "{body}");
    }
    // A login form on a page that says what it is (og:title) is the header's, not a wall.
    let page = "<meta property=\"og:title\" content=\"Club\"><form id=\"login_form\"><input type=\"password\"></form>";
    assert_eq!(detect(page), None);
}

#[test]
fn redirects_and_statuses() {
    let code = |location: &str| classify_redirect(location).map(|e| e.code());
    assert_eq!(
        code("/login/?next=https%3A%2F%2Fwww.facebook.com%2Fheymeedan%2F"),
        Some(ErrorCode::LoginRequired)
    );
    assert_eq!(
        code("https://www.facebook.com/login.php?next=x"),
        Some(ErrorCode::LoginRequired)
    );
    assert_eq!(
        code("https://m.facebook.com/login/"),
        Some(ErrorCode::LoginRequired)
    );
    assert_eq!(
        code("/cookie/consent-page/?next=x"),
        Some(ErrorCode::LoginRequired)
    );
    assert_eq!(
        code("https://www.facebook.com/checkpoint/?next"),
        Some(ErrorCode::Blocked)
    );
    assert_eq!(code("https://www.facebook.com/heymeedan/"), None);
    assert_eq!(code("https://login.example/login"), None);
    assert_eq!(code("::::"), None);
    assert_eq!(
        classify_status(404).map(|e| e.code()),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        classify_status(410).map(|e| e.code()),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(classify_status(200).map(|e| e.code()), None);
    assert_eq!(classify_status(500).map(|e| e.code()), None);
}
