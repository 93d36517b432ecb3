//! Hostile input: empty, truncated, huge, deeply nested and wrongly typed bodies never panic,
//! and never turn into a silent empty result where content was expected.

use std::time::Instant;

use scraper_core::ErrorCode;
use scraper_instagram::parse::feed::parse_feed_page;
use scraper_instagram::parse::profile::parse_web_profile_info;
use scraper_instagram::parse::refusal::classify;
use scraper_instagram::parse::timeline::parse_timeline_page;

use crate::support::{FIXTURES, fixture};

/// Every parser and the classifier on one body: whatever they answer, they must not panic.
fn everything(body: &str) {
    let _ = parse_web_profile_info(body);
    let _ = parse_timeline_page(body);
    let _ = parse_feed_page(body);
    for status in [200, 401, 429] {
        let _ = classify(status, Some(body), body);
    }
}

#[test]
fn truncated_fixtures_never_panic() {
    for name in FIXTURES {
        let body = fixture(name);
        let bytes = body.as_bytes();
        let step = (bytes.len() / 120).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            everything(&String::from_utf8_lossy(&bytes[..cut]));
        }
    }
}

#[test]
fn truncated_answers_are_errors_not_empty_pages() {
    for (name, parse) in [
        (
            "web_profile_info_public.json",
            (|b: &str| parse_web_profile_info(b).map(|_| ())) as fn(&str) -> Result<(), _>,
        ),
        ("graphql_timeline_page.json", |b| {
            parse_timeline_page(b).map(|_| ())
        }),
        ("feed_user_page.json", |b| parse_feed_page(b).map(|_| ())),
    ] {
        let body = fixture(name);
        let cut = &body[..body.len() / 2];
        assert_eq!(
            parse(cut).unwrap_err().code(),
            ErrorCode::UpstreamChanged,
            "{name}"
        );
    }
}

#[test]
fn odd_bodies_never_panic() {
    let odd = [
        String::new(),
        " ".into(),
        "\u{feff}".into(),
        "\0\0\0".into(),
        "null".into(),
        "true".into(),
        "12".into(),
        "\"x\"".into(),
        "[]".into(),
        "{}".into(),
        "{".into(),
        "}".into(),
        "for (;;);".into(),
        "for (;;);{\"data\":".into(),
        "{\"data\":{\"user\":{\"id\":1e400,\"username\":\"x\"}}}".into(),
        "{\"data\":{\"user\":{\"id\":-1,\"username\":\"\\ud800\"}}}".into(),
        "{\"data\":{\"user\":{\"id\":\"1\",\"username\":\"x\",\"edge_owner_to_timeline_media\":{\"edges\":[{\"node\":{\"id\":\"99999999999999999999999\",\"shortcode\":\"@@@\"}}]}}}}".into(),
        "{\"items\":[{\"pk\":18446744073709551616,\"code\":\"A\",\"taken_at\":1e300,\"like_count\":-5,\"media_type\":\"2\"}]}".into(),
        "{\"items\":[{\"pk\":\"1\",\"code\":\"B\",\"taken_at\":99999999999999999,\"image_versions2\":{\"candidates\":[{\"url\":5,\"width\":\"x\"},{\"url\":\"u\",\"width\":18446744073709551615,\"height\":18446744073709551615}]}}]}".into(),
        "{\"data\":{\"xdt_api__v1__feed__user_timeline_graphql_connection\":{\"edges\":{},\"page_info\":[]}}}".into(),
        "{\"message\":null,\"require_login\":\"yes\",\"errors\":\"x\",\"challenge\":[]}".into(),
        "{\"a\":1,\"a\":2}".into(),
        "{\"items\":[],\"items\":[]}".into(),
        "é".repeat(10_000),
        "<html>".repeat(20_000),
    ];
    for body in &odd {
        everything(body);
    }
}

#[test]
fn wrong_shapes_are_upstream_changed_not_empty() {
    for body in [
        "{}",
        "[]",
        "null",
        r#"{"data": null}"#,
        r#"{"data": {"user": []}}"#,
        r#"{"status": "ok"}"#,
    ] {
        assert_eq!(
            parse_web_profile_info(body).unwrap_err().code(),
            ErrorCode::UpstreamChanged,
            "{body}"
        );
    }
    for body in [
        "{}",
        r#"{"data": {}}"#,
        r#"{"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": null}}"#,
        r#"{"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": {"edges": "x"}}}"#,
        r#"{"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": {"page_info": {}}}}"#,
    ] {
        assert_eq!(
            parse_timeline_page(body).unwrap_err().code(),
            ErrorCode::UpstreamChanged,
            "{body}"
        );
    }
    for body in [
        "{}",
        r#"{"items": null, "status": "ok"}"#,
        r#"{"items": {"0": {}}, "status": "ok"}"#,
        r#"{"status": "fail"}"#,
    ] {
        assert_eq!(
            parse_feed_page(body).unwrap_err().code(),
            ErrorCode::UpstreamChanged,
            "{body}"
        );
    }
}

#[test]
fn wrong_types_lose_one_field_not_the_post() {
    let body = r#"{"items": [{"pk": "3215769692664507668", "code": "CygtX9ivC0U",
        "taken_at": "soon", "caption": "not an object", "like_count": {"count": 3},
        "comment_count": "12", "media_type": [2], "image_versions2": {"candidates": "none"}}],
        "more_available": "maybe", "next_max_id": {"x": 1}}"#;
    let page = parse_feed_page(body).unwrap();
    let post = &page.posts[0];
    assert_eq!(post.shortcode, "CygtX9ivC0U");
    assert_eq!(
        (
            post.taken_at.as_deref(),
            post.caption.as_deref(),
            post.like_count
        ),
        (None, None, None)
    );
    assert_eq!(post.comment_count, Some(12), "a digit string is a count");
    assert_eq!(
        (post.media_type, post.is_video, post.display_url.as_deref()),
        (None, None, None)
    );
    assert!(!page.has_more);
    assert_eq!(page.next, None);
}

#[test]
fn deep_nesting_never_overflows() {
    let depth = 50_000;
    let lists = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let bodies = [
        lists.clone(),
        objects.clone(),
        format!(
            "{{\"data\":{{\"user\":{{\"id\":\"1\",\"username\":\"x\",\"biography\":{objects}}}}}}}"
        ),
        format!(
            "{{\"data\":{{\"user\":{{\"id\":\"1\",\"username\":\"x\",\"edge_owner_to_timeline_media\":{{\"edges\":[{{\"node\":{lists}}}]}}}}}}}}"
        ),
        format!("{{\"items\":[{{\"pk\":\"1\",\"code\":\"B\",\"extra\":{lists}}}]}}"),
        format!("{{\"message\":{objects},\"errors\":[{lists}]}}"),
        "[".repeat(depth),
        "{\"a\":".repeat(depth),
    ];
    for body in &bodies {
        everything(body);
    }
    // What we skip costs no stack and does not fail the answer.
    let info = parse_web_profile_info(&bodies[2]).unwrap();
    assert_eq!(info.profile.bio, None);
    assert_eq!(parse_feed_page(&bodies[4]).unwrap().posts.len(), 1);
}

#[test]
fn huge_answers_parse_in_reasonable_time() {
    // A 12-post page whose captions are megabytes long.
    let caption = "techno ".repeat(300_000);
    let item = |i: u64| {
        format!(
            r#"{{"pk":"{}","code":"","taken_at":1700000000,"caption":{{"text":"{caption}"}},"media_type":1}}"#,
            3_000_000_000_000_000_000u64 + i
        )
    };
    let items: Vec<String> = (0..12).map(item).collect();
    let body = format!(
        r#"{{"items":[{}],"more_available":true,"next_max_id":"x"}}"#,
        items.join(",")
    );
    assert!(body.len() > 20 * 1024 * 1024);
    let began = Instant::now();
    let page = parse_feed_page(&body).unwrap();
    assert_eq!(page.posts.len(), 12);
    assert!(began.elapsed().as_secs() < 20, "took {:?}", began.elapsed());
    let began = Instant::now();
    assert!(classify(200, None, &body).is_none());
    assert!(began.elapsed().as_secs() < 20, "took {:?}", began.elapsed());

    // 100 000 edges.
    let edge = r#"{"node":{"__typename":"GraphImage","id":"2837357660084836649","shortcode":"CdgUcJGFxkp","taken_at_timestamp":1652459710}}"#;
    let edges = vec![edge; 100_000].join(",");
    let body = format!(
        r#"{{"data":{{"user":{{"id":"1","username":"x","edge_owner_to_timeline_media":{{"count":1,"edges":[{edges}]}}}}}}}}"#
    );
    let began = Instant::now();
    assert_eq!(
        parse_web_profile_info(&body).unwrap().timeline.posts.len(),
        100_000
    );
    assert!(began.elapsed().as_secs() < 20, "took {:?}", began.elapsed());
}
