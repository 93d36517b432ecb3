//! Hostile input: empty, truncated, huge and wrongly shaped bodies never panic, and never turn
//! into a silent empty result where content was expected.

use std::time::Instant;

use scraper_bandcamp::parse::autocomplete::parse_autocomplete;
use scraper_bandcamp::parse::band_details::parse_band_details;
use scraper_bandcamp::parse::band_page::parse_band_page;
use scraper_bandcamp::parse::search::parse_search_page;
use scraper_bandcamp::parse::tralbum::{parse_album_page, parse_track_page};
use scraper_core::ErrorCode;

use crate::support::fixture;

const FIXTURES: &[&str] = &[
    "search_all_page1.html",
    "search_tracks_last_page.html",
    "search_no_results.html",
    "autocomplete.json",
    "band_details.json",
    "band_details_label.json",
    "band_music_grid.html",
    "band_home_track.html",
    "band_stub.html",
    "album.html",
    "track_on_album.html",
    "challenge.html",
];

/// Every parser on one body: whatever it answers, it must not panic.
fn every_parser(body: &str) {
    let _ = parse_search_page(body);
    let _ = parse_autocomplete(body);
    let _ = parse_band_details(body);
    let _ = parse_band_page(body, "https://x.bandcamp.com");
    let _ = parse_album_page(body);
    let _ = parse_track_page(body);
}

#[test]
fn truncated_fixtures_never_panic() {
    for name in FIXTURES {
        let body = fixture(name);
        let bytes = body.as_bytes();
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            every_parser(&String::from_utf8_lossy(&bytes[..cut]));
        }
    }
}

#[test]
fn odd_bodies_never_panic() {
    let odd = [
        String::new(),
        " ".into(),
        "\0\0\0".into(),
        "null".into(),
        "[]".into(),
        "{}".into(),
        "<".into(),
        "<html".into(),
        "data-tralbum=\"".into(),
        " data-tralbum=\"{&quot;".into(),
        " data-band=\"{}\"".into(),
        " data-band=\"{&quot;id&quot;:-1}\"".into(),
        " data-band=\"{&quot;id&quot;:1e400}\"".into(),
        "<ul class=\"result-items\"><li class=\"searchresult\" data-search=\"{&quot;type&quot;:&quot;a&quot;}\"></li>".into(),
        "<ol id=\"music-grid\" data-client-items=\"[{&quot;page_url&quot;: 5}]\"><li data-item-id=\"album-\"><a href=\"javascript:x\"></a></li>".into(),
        "<div id=\"discography\"><ul><li><div class=\"trackTitle\"><a>no href</a></div></li>".into(),
        "é".repeat(10_000),
        "<div>".repeat(20_000),
    ];
    for body in &odd {
        every_parser(body);
    }
}

#[test]
fn wrong_shapes_are_upstream_changed_not_empty() {
    let tralbum = |json: &str| format!(" data-tralbum=\"{}\"", json.replace('"', "&quot;"));
    for body in [
        tralbum(r#"{"id": "x", "item_type": "album"}"#),
        tralbum(r#"{"id": 1, "item_type": "album", "trackinfo": {"a": 1}}"#),
        tralbum(r#"{"id": 1, "item_type": "album", "current": []}"#),
        tralbum(r#"{"id": 1, "item_type": "album", "current": {"title": null}}"#),
        tralbum("[]"),
    ] {
        assert_eq!(
            parse_album_page(&body).unwrap_err().code(),
            ErrorCode::UpstreamChanged,
            "{body}"
        );
    }
    // A page that is neither a search page nor a challenge is not "no results".
    assert_eq!(
        parse_search_page("<html><body>maintenance</body></html>")
            .unwrap_err()
            .code(),
        ErrorCode::UpstreamChanged
    );
    assert_eq!(
        parse_band_details(r#"{"id": 1, "name": "x", "discography": "none"}"#)
            .unwrap_err()
            .code(),
        ErrorCode::UpstreamChanged
    );
}

#[test]
fn huge_search_page_parses_in_reasonable_time() {
    let page = fixture("search_all_page1.html");
    let start = page.find("<li class=\"searchresult").unwrap();
    let end = page[..page.find("class=\"pager_controls\"").unwrap()]
        .rfind("</ul>")
        .unwrap();
    let many = page[start..end].repeat(1_000);
    let huge = format!("{}{many}{}", &page[..start], &page[end..]);
    assert!(huge.len() > 4 * 1024 * 1024);
    let began = Instant::now();
    let parsed = parse_search_page(&huge).unwrap();
    assert_eq!(parsed.items.len(), 6 * 1_000);
    assert!(began.elapsed().as_secs() < 30, "took {:?}", began.elapsed());
}

#[test]
fn huge_album_page_parses_in_reasonable_time() {
    let padding = "<div class=\"filler\">la</div>\n".repeat(300_000);
    let body = format!("{padding}{}", fixture("album.html"));
    let began = Instant::now();
    assert_eq!(parse_album_page(&body).unwrap().tracks.len(), 3);
    assert!(began.elapsed().as_secs() < 5, "took {:?}", began.elapsed());
}
