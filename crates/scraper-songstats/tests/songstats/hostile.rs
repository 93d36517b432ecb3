//! Hostile input: empty, truncated, huge, deeply nested and wrongly shaped bodies and parameters
//! never panic, and never turn into a record where the member was missing.

use std::time::Instant;

use scraper_core::ErrorCode;
use scraper_core::PageRequest;
use scraper_songstats::input::{ArtistId, SearchCursor, SearchPage, TrackId};
use scraper_songstats::parse::{
    classify_error, parse_artist, parse_historic_stats, parse_search, parse_stats, parse_track,
};

use crate::support::{FIXTURES, fixture};

/// Every parser and the classifier on one body: whatever they answer, they must not panic.
fn everything(body: &str) {
    let _ = parse_artist(body);
    let _ = parse_stats(body);
    let _ = parse_historic_stats(body);
    let _ = parse_search(body);
    let _ = parse_track(body);
    for status in [200, 400, 401, 404, 429, 500, 999] {
        let _ = classify_error(status, body);
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
fn truncated_fixtures_are_errors_not_records() {
    let body = fixture("artist_info.json");
    for cut in 0..body.len() - 1 {
        let e = parse_artist(&body[..cut]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::UpstreamChanged, "cut at {cut}: {e}");
    }
}

#[test]
fn odd_bodies_never_panic() {
    let odd = [
        String::new(),
        " ".into(),
        "\0\0\0".into(),
        "null".into(),
        "true".into(),
        "[]".into(),
        "{}".into(),
        "{".into(),
        "}{".into(),
        "\u{feff}{}".into(),
        r#"{"result":null}"#.into(),
        r#"{"result":{"x":1},"message":[1,2,{}]}"#.into(),
        r#"{"result":"success","artist_info":[]}"#.into(),
        r#"{"result":"success","artist_info":{"songstats_artist_id":{},"name":[]}}"#.into(),
        r#"{"result":"success","stats":"spotify"}"#.into(),
        r#"{"result":"success","stats":[null,1,"x",[],{"source":{}}]}"#.into(),
        r#"{"result":"success","stats":[{"source":"x","data":{"history":{"date":1}}}]}"#.into(),
        r#"{"result":"success","results":{"a":1}}"#.into(),
        r#"{"result":"success","track_info":{"songstats_track_id":"a","title":"b","artists":{},"labels":7,"links":"x"}}"#.into(),
        r#"{"result":"error","message":"\ud800"}"#.into(),
        "<html><body>Service Unavailable</body></html>".into(),
        "a".repeat(1 << 20),
    ];
    for body in &odd {
        everything(body);
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for depth in [100, 10_000, 200_000] {
        let body = format!(
            r#"{{"result":"success","stats":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        everything(&body);
        let unbalanced = format!(r#"{{"stats":{}"#, "{\"a\":".repeat(depth));
        everything(&unbalanced);
    }
}

#[test]
fn huge_answers_parse_in_time() {
    let mut body = String::from(r#"{"result":"success","results":["#);
    for i in 0..50_000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"songstats_artist_id":"id{i}","name":"Artist {i}","avatar":"https://i.scdn.co/image/{i}","site_url":"https://songstats.com/artist/id{i}/a"}}"#
        ));
    }
    body.push_str("]}");
    let started = Instant::now();
    let hits = parse_search(&body).unwrap();
    assert_eq!(hits.len(), 50_000);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn hostile_parameters_never_panic() {
    let odd = [
        "",
        " ",
        "\0",
        "é",
        "💿💿💿",
        "-",
        "--",
        "------------",
        "http://",
        "https://",
        "//",
        "spotify:",
        "spotify:artist:",
        "https://open.spotify.com",
        "https://open.spotify.com/intl-de",
        "https://open.spotify.com/artist",
        "https://music.apple.com/artist/",
        "https://songstats.com/artist",
        "http://[::1]/artist/x",
        "https://songstats.com:443/artist/x",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "2025-02-29",
        "9999-99-99",
        "+2025-01-01",
    ];
    let long = "9".repeat(100_000);
    for text in odd.iter().copied().chain([long.as_str()]) {
        let t = Some(text);
        let _ = ArtistId::from_params(t, None, None);
        let _ = ArtistId::from_params(None, t, None);
        let _ = ArtistId::from_params(None, None, t);
        let _ = TrackId::from_params(t, None, None);
        let _ = TrackId::from_params(None, t, None);
        let _ = TrackId::from_params(None, None, t);
    }
    for limit in [0, 1, 100, 101, usize::MAX] {
        for offset in [
            None,
            Some(0),
            Some(1),
            Some(100_000),
            Some(100_001),
            Some(u32::MAX),
        ] {
            let request = PageRequest {
                limit,
                cursor: offset.map(|offset| SearchCursor { offset }),
            };
            if let Ok(page) = SearchPage::resolve(&request) {
                for answered in [0, 1, usize::MAX] {
                    let _ = page.next(answered);
                }
            }
        }
    }
}
