//! The parsers on our own fixtures (modelled on the documented shapes, invented content),
//! snapshotted as normalised records: the .snap files are the spec of what each answer turns
//! into. Then the lenient readings the documentation leaves room for.

use insta::assert_json_snapshot;
use scraper_core::ErrorCode;
use scraper_core::PageRequest;
use scraper_songstats::input::SearchPage;
use scraper_songstats::parse::{
    parse_artist, parse_historic_stats, parse_search, parse_stats, parse_track,
};
use serde_json::json;

use crate::support::fixture;

#[test]
fn artist_info_with_everything_inside() {
    let artist = parse_artist(&fixture("artist_info.json")).unwrap();
    assert_eq!(artist.songstats_artist_id, "k3v9x2qa");
    assert_eq!(artist.country.as_deref(), Some("DE"));
    let sources: Vec<_> = artist
        .links
        .iter()
        .map(|l| l.source.as_deref().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "spotify",
            "apple_music",
            "beatport",
            "tracklist",
            "instagram"
        ],
        "the songkick link has no URL"
    );
    assert_eq!(
        artist.links[2].external_id.as_deref(),
        Some("812345"),
        "numeric ids become strings"
    );
    assert_json_snapshot!("artist_info", artist);
}

#[test]
fn artist_info_with_links_beside_it() {
    let artist = parse_artist(&fixture("artist_info_links_beside.json")).unwrap();
    assert_eq!(artist.links.len(), 2);
    assert_eq!(artist.genres, ["Minimal", "Deep House"]);
    assert_eq!(artist.country, None);
    assert_json_snapshot!("artist_info_links_beside", artist);
}

#[test]
fn current_stats_keep_every_metric_of_every_source() {
    let stats = parse_stats(&fixture("artist_stats.json")).unwrap();
    let sources: Vec<_> = stats.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(
        sources,
        ["spotify", "beatport", "tracklist", "youtube", "tiktok"]
    );
    assert_eq!(stats[0].metrics.len(), 14);
    assert_eq!(stats[0].metrics["monthly_listeners_current"], 612_044);
    assert_eq!(stats[3].metrics["engagement_rate_total"], 2.37);
    assert_json_snapshot!("artist_stats", stats);
}

#[test]
fn historic_stats_per_source_and_day() {
    let history = parse_historic_stats(&fixture("artist_historic_stats.json")).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].history.len(), 3);
    assert_eq!(history[1].history[2].date, "2025-03-03");
    assert!(
        !history[0].history[0].metrics.contains_key("date"),
        "the date is not a metric"
    );
    assert_json_snapshot!("artist_historic_stats", history);
}

#[test]
fn search_pages_and_their_cursors() {
    let first_page = SearchPage::resolve(&PageRequest {
        limit: 5,
        cursor: None,
    })
    .unwrap();
    let full = parse_search(&fixture("search_full_page.json")).unwrap();
    assert_eq!(full.len(), 5);
    let cursor = first_page
        .next(full.len())
        .expect("a full page has a next one");
    assert_json_snapshot!("search_full_page", full);

    let second_page = SearchPage::resolve(&PageRequest {
        limit: 5,
        cursor: Some(cursor),
    })
    .unwrap();
    assert_eq!(
        second_page.query_pairs(),
        [("limit", "5".to_owned()), ("offset", "5".to_owned())]
    );
    let last = parse_search(&fixture("search_last_page.json")).unwrap();
    assert_eq!(last.len(), 2);
    assert_eq!(last[1].avatar_url, None);
    assert_eq!(second_page.next(last.len()), None);
    assert_json_snapshot!("search_last_page", last);
}

#[test]
fn track_info_with_artists_labels_and_links() {
    let track = parse_track(&fixture("track_info.json")).unwrap();
    assert_eq!(track.artists.len(), 2);
    assert_eq!(track.labels[0].name, "Subterrane Records");
    assert_eq!(
        track.isrc.as_deref(),
        Some("DEA622400123"),
        "from the links"
    );
    assert_json_snapshot!("track_info", track);
}

#[test]
fn a_success_without_its_member_is_a_changed_api() {
    let body = fixture("success_without_member.json");
    let errors = [
        ("artist_info", parse_artist(&body).unwrap_err()),
        ("stats", parse_stats(&body).unwrap_err()),
        ("stats", parse_historic_stats(&body).unwrap_err()),
        ("results", parse_search(&body).unwrap_err()),
        ("track_info", parse_track(&body).unwrap_err()),
    ];
    for (member, e) in errors {
        assert_eq!(e.code(), ErrorCode::UpstreamChanged, "{member}: {e}");
        assert!(e.to_string().contains(&format!("'{member}'")), "{e}");
    }
}

#[test]
fn a_missing_identity_is_a_changed_api_naming_it() {
    let e = parse_artist(r#"{"result":"success","artist_info":{"name":"X"}}"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UpstreamChanged);
    assert!(e.to_string().contains("songstats_artist_id"), "{e}");
    let e =
        parse_track(r#"{"result":"success","track_info":{"songstats_track_id":"a"}}"#).unwrap_err();
    assert!(e.to_string().contains("'title'"), "{e}");
    assert!(!e.to_string().contains("songstats_track_id"), "{e}");
}

#[test]
fn error_envelopes_never_become_records() {
    let body = fixture("error_result_error_200.json");
    assert_eq!(
        parse_artist(&body).unwrap_err().code(),
        ErrorCode::NotConfigured
    );
    let body = r#"{"result":"error","message":"Artist not found"}"#;
    assert_eq!(parse_stats(body).unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn track_stats_per_source() {
    let stats = parse_stats(&fixture("track_stats.json")).unwrap();
    let sources: Vec<_> = stats.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(sources, ["spotify", "beatport", "tracklist", "shazam"]);
    assert_eq!(
        stats[1].metrics["overall_chart_peak"],
        serde_json::Value::Null
    );
    assert_json_snapshot!("track_stats", stats);
}

#[test]
fn flat_answers_of_third_party_descriptions() {
    // The entity's fields at the top of the answer, without `artist_info`/`track_info`/`stats`.
    let artist = parse_artist(
        &json!({"songstats_artist_id": "abc123", "name": "Flat", "image_url": "https://i.example/a.jpg",
                "genres": ["Techno"], "links": {"spotify": "https://open.spotify.com/artist/x"}})
        .to_string(),
    )
    .unwrap();
    assert_eq!(
        (artist.songstats_artist_id.as_str(), artist.name.as_str()),
        ("abc123", "Flat")
    );
    assert_eq!(
        artist.avatar_url.as_deref(),
        Some("https://i.example/a.jpg")
    );
    assert_eq!(artist.links[0].source.as_deref(), Some("spotify"));
    let track = parse_track(
        &json!({"songstats_track_id": "t1", "title": "Flat Track", "artists": ["A"], "isrc": "USRC17607839"})
            .to_string(),
    )
    .unwrap();
    assert_eq!(
        (track.title.as_str(), track.artists[0].name.as_str()),
        ("Flat Track", "A")
    );
    let stats = parse_stats(
        &json!({"songstats_artist_id": "abc123", "source": "spotify", "followers": 5,
                "chart_positions": [{"chart": "Global Top 50", "position": 23}]})
        .to_string(),
    )
    .unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].source, "spotify");
    let names: Vec<_> = stats[0].metrics.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["followers", "chart_positions"],
        "envelope and ids are not metrics"
    );

    // Without the identifying fields, a flat answer is still a changed API.
    for body in [
        r#"{"result":"success","name":"No id"}"#,
        r#"{"title":"No id"}"#,
    ] {
        assert_eq!(
            parse_artist(body).unwrap_err().code(),
            ErrorCode::UpstreamChanged
        );
        assert_eq!(
            parse_track(body).unwrap_err().code(),
            ErrorCode::UpstreamChanged
        );
        assert_eq!(
            parse_stats(body).unwrap_err().code(),
            ErrorCode::UpstreamChanged
        );
    }
    let e = parse_track(r#"{"songstats_track_id":"t1"}"#).unwrap_err();
    assert!(e.to_string().contains("'title'"), "{e}");
}

#[test]
fn track_stats_share_the_shape_of_artist_stats() {
    let body = json!({
        "result": "success",
        "message": "Data Retrieved.",
        "stats": [{"source": "shazam", "data": {"shazams_total": 120344, "charts_current": 2}}],
        "track_info": {"songstats_track_id": "t9hx2m4c", "title": "Concrete Tide"}
    });
    let stats = parse_stats(&body.to_string()).unwrap();
    assert_eq!(stats[0].source, "shazam");
    assert_eq!(stats[0].metrics["shazams_total"], 120_344);
}

#[test]
fn lenient_where_the_documentation_is_vague() {
    // No envelope, ids as numbers, stats keyed by source, metrics beside `source`.
    let stats = parse_stats(
        &json!({"stats": {
            "spotify": {"data": {"followers_total": 5.0}},
            "deezer": {"followers_total": 7},
            "": {"followers_total": 1},
            "broken": 3
        }})
        .to_string(),
    )
    .unwrap();
    assert_eq!(stats.len(), 2);
    assert_eq!(stats[1].source, "deezer");
    assert_eq!(stats[1].metrics["followers_total"], 7);

    // Items and points without what identifies them are left out, not fatal.
    let history = parse_historic_stats(
        &json!({"result": "success", "stats": [
            {"data": {"history": []}},
            {"source": "tiktok", "data": {"history": [{"followers_total": 1}, {"date": "2025-01-02", "followers_total": 2}]}},
            {"source": "deezer", "data": [{"date": "2025-01-01", "fans": 3}]},
            {"source": "amazon"}
        ]})
        .to_string(),
    )
    .unwrap();
    let shape: Vec<_> = history
        .iter()
        .map(|h| (h.source.as_str(), h.history.len()))
        .collect();
    assert_eq!(shape, [("tiktok", 1), ("deezer", 1), ("amazon", 0)]);

    // Bare names for artists and labels, links as an object, a numeric id.
    let track = parse_track(
        &json!({"result": "success", "track_info": {
            "songstats_track_id": 1234,
            "title": "  Spaces  ",
            "artists": ["A", {"name": "B", "songstats_artist_id": 9}, {"songstats_artist_id": "x"}, null],
            "labels": ["L"],
            "links": {"spotify": "https://open.spotify.com/track/x", "beatport": {"url": "https://beatport.com/t/1", "external_id": 1}},
            "isrc": "dea622400123"
        }})
        .to_string(),
    )
    .unwrap();
    assert_eq!(track.songstats_track_id, "1234");
    assert_eq!(track.title, "Spaces");
    let names: Vec<_> = track.artists.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    assert_eq!(track.artists[1].songstats_artist_id.as_deref(), Some("9"));
    assert_eq!(track.labels[0].name, "L");
    assert_eq!(track.links.len(), 2);
    assert_eq!(track.links[1].source.as_deref(), Some("beatport"));
    assert_eq!(track.isrc.as_deref(), Some("DEA622400123"));

    // Search hits without an id or a name are left out; an empty list is a valid answer.
    let hits = parse_search(
        &json!({"result": "success", "results": [
            {"songstats_artist_id": "a1", "name": "Ok"},
            {"name": "no id"},
            {"songstats_artist_id": "b2"},
            "garbage"
        ]})
        .to_string(),
    )
    .unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        parse_search(r#"{"result":"success","results":[]}"#)
            .unwrap()
            .is_empty()
    );
}
