//! The parameter forms: `page` (names, ids, every kind of page URL), an event's `url` and `id`,
//! `when`; what is refused, naming the parameter; and the canonical URLs phase 2 fetches.

use scraper_core::ErrorCode;
use scraper_facebook::input::{
    PageRef, When, event_url, parse_event_id, parse_event_url, parse_page_ref,
};

#[test]
fn page_forms() {
    let slug = |s: &str| PageRef::Slug(s.to_owned());
    let id = |s: &str| PageRef::Id(s.to_owned());
    let path = |p: &str, i: &str| PageRef::Path {
        path: p.to_owned(),
        id: i.to_owned(),
    };
    let table: Vec<(&str, PageRef)> = vec![
        ("heymeedan", slug("heymeedan")),
        (" @heymeedan ", slug("heymeedan")),
        ("klangkeller.offenbach", slug("klangkeller.offenbach")),
        ("54421674438", id("54421674438")),
        ("https://www.facebook.com/heymeedan", slug("heymeedan")),
        ("https://www.facebook.com/heymeedan/", slug("heymeedan")),
        ("http://facebook.com/heymeedan", slug("heymeedan")),
        ("facebook.com/heymeedan", slug("heymeedan")),
        ("www.facebook.com/heymeedan?fref=ts", slug("heymeedan")),
        (
            "https://m.facebook.com/heymeedan?mibextid=ZbWKwL",
            slug("heymeedan"),
        ),
        ("https://web.facebook.com/heymeedan/", slug("heymeedan")),
        ("https://mbasic.facebook.com/heymeedan", slug("heymeedan")),
        ("https://de-de.facebook.com/heymeedan", slug("heymeedan")),
        (
            "https://WWW.Facebook.COM/HeyMeedan#about",
            slug("HeyMeedan"),
        ),
        (
            "https://www.facebook.com/heymeedan/events",
            slug("heymeedan"),
        ),
        (
            "https://www.facebook.com/GrandStrandHashing/upcoming_hosted_events",
            slug("GrandStrandHashing"),
        ),
        (
            "https://www.facebook.com/pg/heymeedan/about/",
            slug("heymeedan"),
        ),
        (
            "https://www.facebook.com/heymeedan/posts/123456789",
            slug("heymeedan"),
        ),
        ("https://www.facebook.com/54421674438", id("54421674438")),
        (
            "https://www.facebook.com/profile.php?id=100067935271247",
            id("100067935271247"),
        ),
        (
            "https://www.facebook.com/profile.php?id=100067935271247&sk=events",
            id("100067935271247"),
        ),
        (
            "https://www.facebook.com/pages/Meedan/105510962816034",
            path("/pages/Meedan/105510962816034/", "105510962816034"),
        ),
        (
            "https://www.facebook.com/pages/Meedan/105510962816034/?ref=page_internal",
            path("/pages/Meedan/105510962816034/", "105510962816034"),
        ),
        (
            "https://www.facebook.com/pages/category/Media/Meedan-105510962816034/",
            path(
                "/pages/category/Media/Meedan-105510962816034/",
                "105510962816034",
            ),
        ),
        (
            "https://www.facebook.com/people/Warehouse-Collective/100051234567890/",
            path(
                "/people/Warehouse-Collective/100051234567890/",
                "100051234567890",
            ),
        ),
        (
            // A page without a vanity name, as Facebook links it (the name percent-encoded).
            "https://www.facebook.com/%D8%A7%D9%84%D9%85%D8%B1%D9%83%D8%B2-179240385797/",
            path(
                "/%D8%A7%D9%84%D9%85%D8%B1%D9%83%D8%B2-179240385797/",
                "179240385797",
            ),
        ),
        (
            "https://www.facebook.com/p/Warehouse-Collective-100051234567890/?mibextid=ZbWKwL",
            path(
                "/p/Warehouse-Collective-100051234567890/",
                "100051234567890",
            ),
        ),
        (
            "https://www.facebook.com/Some-Club-Name-179240385797/?ref=br_rs",
            path("/Some-Club-Name-179240385797/", "179240385797"),
        ),
    ];
    for (input, want) in table {
        assert_eq!(parse_page_ref(input).ok(), Some(want), "{input}");
    }
}

#[test]
fn what_is_not_a_page_is_refused_naming_the_parameter() {
    let refused = [
        "",
        "   ",
        "hey meedan",
        "login",
        "watch",
        "groups",
        "profile.php",
        "index.php",
        "...",
        "0",
        "https://fb.com/heymeedan",
        "https://fb.me/heymeedan",
        "https://facebook.com.evil.example/heymeedan",
        "https://evilfacebook.com/heymeedan",
        "https://www.facebook.com@evil.example/heymeedan",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example",
        "https://graph.facebook.com/heymeedan",
        "https://developers.facebook.com/docs",
        "https://www.facebook.com:8443/heymeedan",
        "https://user:pw@www.facebook.com/heymeedan",
        "http://127.0.0.1/heymeedan",
        "ftp://www.facebook.com/heymeedan",
        "javascript:alert(1)",
        "https://www.facebook.com/",
        "https://www.facebook.com/login/?next=x",
        "https://www.facebook.com/watch/?v=1",
        "https://www.facebook.com/groups/123456",
        "https://www.facebook.com/events/602005831971873/",
        "https://www.facebook.com/share/1AbCdEf/",
        "https://www.facebook.com/profile.php",
        "https://www.facebook.com/profile.php?id=abc",
        "https://www.facebook.com/pages/Meedan",
        "https://www.facebook.com/photo.php?fbid=1",
        "https://www.facebook.com/hashtag/techno",
        "https://www.facebook.com/%D8%A7%D9%84%D9%85/",
        "https://www.facebook.com/marketplace/item/123",
        "https://www.facebook.com/p/",
        "https://www.facebook.com/p/WithoutAnId/",
        "https://www.instagram.com/heymeedan",
    ];
    for input in refused {
        let err = parse_page_ref(input).expect_err(input);
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{input}");
        assert_eq!(err.param(), Some("page"), "{input}");
        assert!(err.to_string().contains("'page'"), "{input}: {err}");
    }
}

#[test]
fn canonical_urls() {
    let slug = parse_page_ref("https://m.facebook.com/heymeedan?fref=ts").unwrap();
    assert_eq!(slug.page_url(), "https://www.facebook.com/heymeedan/");
    assert_eq!(
        slug.events_url(When::Upcoming),
        "https://www.facebook.com/heymeedan/upcoming_hosted_events"
    );
    assert_eq!(
        slug.events_url(When::Past),
        "https://www.facebook.com/heymeedan/past_hosted_events"
    );
    let id = parse_page_ref("100067935271247").unwrap();
    assert_eq!(id.page_url(), "https://www.facebook.com/100067935271247/");
    assert_eq!(
        id.events_url(When::Upcoming),
        "https://www.facebook.com/profile.php?id=100067935271247&sk=upcoming_hosted_events"
    );
    assert_eq!(id.id(), Some("100067935271247"));
    let classic = parse_page_ref("https://www.facebook.com/pages/Meedan/105510962816034").unwrap();
    assert_eq!(
        classic.page_url(),
        "https://www.facebook.com/pages/Meedan/105510962816034/"
    );
    assert_eq!(
        event_url("602005831971873"),
        "https://www.facebook.com/events/602005831971873/"
    );
}

#[test]
fn event_urls_and_ids() {
    let table = [
        "https://www.facebook.com/events/602005831971873/",
        "https://www.facebook.com/events/602005831971873",
        "www.facebook.com/events/602005831971873/?ref=newsfeed",
        "https://m.facebook.com/events/602005831971873?acontext=%7B%7D",
        "https://web.facebook.com/events/602005831971873/",
        "https://mbasic.facebook.com/events/602005831971873/",
        "https://www.facebook.com/events/602005831971873/?event_time_id=602005841971872",
        "https://www.facebook.com/events/602005831971873/602005841971872/",
        "https://www.facebook.com/events/scotiabank-saddledome/pitbull/602005831971873/",
        "https://facebook.com/events/s/pitbull/602005831971873/",
        "https://www.facebook.com/events/602005831971873/permalink/700000000000001/",
        "https://www.facebook.com/event.php?eid=602005831971873",
        "602005831971873",
    ];
    for input in table {
        assert_eq!(
            parse_event_url(input).ok().as_deref(),
            Some("602005831971873"),
            "{input}"
        );
    }
    for input in [
        "",
        "https://www.facebook.com/heymeedan",
        "https://www.facebook.com/events/",
        "https://www.facebook.com/events/calendar",
        "https://fb.me/e/1AbCdEf",
        "https://evil.example/events/602005831971873/",
        "https://www.facebook.com.evil.example/events/602005831971873/",
        "javascript:alert(1)",
    ] {
        let err = parse_event_url(input).expect_err(input);
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{input}");
        assert_eq!(err.param(), Some("url"), "{input}");
    }
    assert_eq!(
        parse_event_id(" 602005831971873 ").unwrap(),
        "602005831971873"
    );
    for input in [
        "",
        "0",
        "abc",
        "60200583197187x",
        "https://www.facebook.com/events/1/",
        "1".repeat(30).as_str(),
    ] {
        let err = parse_event_id(input).expect_err(input);
        assert_eq!(err.param(), Some("id"), "{input}");
    }
}

#[test]
fn when() {
    assert_eq!(When::parse(None).unwrap(), When::Upcoming);
    assert_eq!(When::parse(Some("")).unwrap(), When::Upcoming);
    assert_eq!(When::parse(Some("PAST")).unwrap(), When::Past);
    let err = When::parse(Some("tomorrow")).unwrap_err();
    assert_eq!(err.param(), Some("when"));
}
