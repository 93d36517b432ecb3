//! Hostile input never panics, never hangs, and never comes out as an empty success: empty and
//! binary-ish bodies, JSON cut anywhere inside a script tag, unbalanced braces, deeply nested
//! arrays, huge pages, absurd numbers.

use std::time::{Duration, Instant};

use scraper_core::ErrorCode;
use scraper_facebook::parse::counts::{find_counts, parse_count};
use scraper_facebook::parse::{parse_event, parse_events, parse_page};
use scraper_facebook::walls;

use crate::support::fixture;

/// How long the parsers may take on a few MB of hostile input: a guard against hangs and
/// quadratic scans, not a speed claim (the criterion bench makes those). Unoptimised test builds
/// on a loaded 2-core CI machine are ten times slower than release ones.
const PATIENCE: Duration = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 5 });

/// Runs every parser on `body`; none may panic, and none may take long.
fn all_parsers(body: &str) {
    let start = Instant::now();
    let _ = parse_page(body);
    let _ = parse_events(body);
    let _ = parse_event(body);
    let _ = walls::detect(body);
    assert!(
        start.elapsed() < PATIENCE,
        "{} bytes took {:?}",
        body.len(),
        start.elapsed()
    );
}

#[test]
fn empty_and_garbage() {
    for body in [
        "",
        " ",
        "<",
        ">",
        "{",
        "}",
        "\"",
        "\\",
        "<html>",
        "<script>",
        "<script type=\"application/json\">",
        "null",
        "[]",
        "{}",
        "\u{0}\u{1}\u{fffd}",
        "é\"event\":{\"id\":\"é",
        "\"event\":",
        "\"event\": ",
        "\"event\":{",
        "\"pageItems\":{\"edges\":[{\"node\":",
        "\"path\":[\"event\"],\"data\":",
        "\"path\":[\"event\"],\"data\":{\"id\":",
    ] {
        all_parsers(body);
        assert!(parse_page(body).is_err(), "{body:?}");
        assert!(parse_events(body).is_err(), "{body:?}");
        assert!(parse_event(body).is_err(), "{body:?}");
    }
}

#[test]
fn json_cut_anywhere_in_a_script_tag() {
    for name in [
        "events_upcoming.html",
        "event_2023.html",
        "event_2026_online.html",
        "page_2023.html",
        "page_classic.html",
    ] {
        let body = fixture(name);
        let mut cut = 0;
        while cut < body.len() {
            if body.is_char_boundary(cut) {
                all_parsers(&body[..cut]);
                // The same page with the rest of the document after the cut JSON.
                let glued = format!("{}</script>{}", &body[..cut], &body[cut..]);
                all_parsers(&glued);
            }
            cut += 149;
        }
    }
}

#[test]
fn a_cut_page_gives_an_error_or_the_right_records() {
    let event = fixture("event_2023.html");
    let tab = fixture("events_upcoming.html");
    let all_ids: Vec<String> = parse_events(&tab)
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.id)
        .collect();
    for cut in (0..event.len().max(tab.len())).step_by(61) {
        if let Some(body) = event.get(..cut)
            && let Ok(found) = parse_event(body)
        {
            assert_eq!(found.id, "612345678901234", "cut at {cut}");
        }
        if let Some(body) = tab.get(..cut)
            && let Ok(found) = parse_events(body)
        {
            let ids: Vec<String> = found.events.into_iter().map(|e| e.id).collect();
            assert_eq!(
                ids, all_ids,
                "cut at {cut}: a collection is whole or absent"
            );
        }
    }
}

#[test]
fn truncated_event_json_is_not_an_event() {
    let body = fixture("event_2023.html");
    let at = body.find("\"event\":{").unwrap();
    // Everything from the first event object on is cut: no event is left.
    let result = parse_event(&body[..at + 40]);
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn unbalanced_braces() {
    let body = fixture("events_upcoming.html");
    let unbalanced = body
        .replacen("\"pageItems\":{", "\"pageItems\":{{{{", 1)
        .replacen("</script>", "}}}}]]]]</script>", 3);
    all_parsers(&unbalanced);
    assert_eq!(
        parse_events(&unbalanced)
            .map(|t| t.events.len())
            .unwrap_or(0),
        0,
        "a broken collection gives no events"
    );
    let noise = format!(
        "<script>{}</script>{}",
        "{\"event\":{".repeat(10_000),
        "}".repeat(50_000)
    );
    all_parsers(&noise);
    assert!(parse_event(&noise).is_err());
}

#[test]
fn deeply_nested_arrays_and_objects() {
    // Far beyond any recursion limit: a recursive reader would overflow its stack here.
    let depth = 50_000;
    for key in [
        "event",
        "pageItems",
        "collection",
        "profile_social_context",
        "path",
        "context_item",
    ] {
        let arrays = format!("\"{key}\":{}{}", "[".repeat(depth), "]".repeat(depth));
        all_parsers(&arrays);
        let objects = format!("\"{key}\":{}", "{\"a\":".repeat(depth));
        all_parsers(&objects);
        let mixed = format!(
            "{{\"{key}\":{{\"id\":\"1\",\"x\":{}}}}}",
            "[{\"b\":".repeat(depth / 2)
        );
        all_parsers(&mixed);
    }
}

#[test]
fn huge_pages() {
    // ~16 MB: a real fixture buried in script noise; then a few MB of pure noise.
    let body = fixture("events_upcoming.html");
    let noise = format!(
        "<script type=\"application/json\">{{\"require\":[[\"x\",{{\"event\":null,\"data\":\"{}\"}}]]}}</script>",
        "a".repeat(1024)
    );
    let big = format!("{}{}", noise.repeat(16 * 1024), body);
    let start = Instant::now();
    let tab = parse_events(&big).unwrap();
    assert_eq!(tab.events.len(), 5);
    assert!(start.elapsed() < PATIENCE);
    let keys = "\"event\":{\"id\":\"1\"},".repeat(200_000);
    all_parsers(&keys);
    let braces = "{".repeat(4 * 1024 * 1024);
    all_parsers(&braces);
    let text = "3.7K likes · ".repeat(50_000);
    all_parsers(&format!(
        "<html><head><meta property=\"og:description\" content=\"{text}\"></head></html>"
    ));
}

#[test]
fn absurd_numbers() {
    for text in [
        "99999999999999999999999999999999999999999999 likes",
        "18446744073709551616 followers",
        "9999999999999999999B likes",
        "1.9999999999999999999999K likes",
        "3.7.8.9K likes",
        "3,,7K likes",
        "...K likes",
        "1e400 likes",
        "1 1 1 1 1 1 likes",
    ] {
        let _ = find_counts(text);
    }
    assert_eq!(
        parse_count("99999999999999999999999999999999999999999999"),
        None
    );
    let long = "9".repeat(10_000);
    assert_eq!(parse_count(&long), None);
    let _ = find_counts(&format!("{long} likes"));
}

#[test]
fn walls_are_never_an_empty_success() {
    for name in ["login_wall.html", "not_found.html", "blocked.html"] {
        let body = fixture(name);
        let err = parse_events(&body).unwrap_err();
        assert_ne!(err.code(), ErrorCode::UpstreamChanged, "{name}");
    }
}
