//! The pure parsers on our fixtures, snapshotted as the records we answer (reviewed specs), and
//! on hostile input, which must fail cleanly and never panic.

use scraper_beatport::parse::catalog::{CatalogRelease, CatalogTrack, Paged};
use scraper_beatport::parse::pages;
use scraper_beatport::parse::search::Kind;

use super::fixture;

#[test]
fn genre_top100_page_is_read_by_its_query_key() {
    let (chart, session) = pages::top100(&fixture("genre_top100_page.html"), Some(6)).unwrap();
    // The hype chart comes first in the page; the Top 100 is chosen by its key, not its index.
    assert_eq!(
        chart.tracks.iter().map(|t| t.id).collect::<Vec<_>>(),
        [30100001, 30100002, 30100003]
    );
    assert_eq!(
        (chart.page, chart.per_page, chart.count, chart.has_next),
        (1, 100, Some(3), true)
    );
    assert_eq!(session.unwrap().access_token, "fixture-token-1");
    insta::assert_json_snapshot!("top100_genre_page", chart.tracks);
    assert!(
        pages::top100(&fixture("genre_top100_page.html"), Some(12)).is_err(),
        "another genre's page is not this genre's chart"
    );
    assert!(pages::top100(&fixture("genre_top100_page.html"), None).is_err());
}

#[test]
fn search_pages() {
    let tracks = pages::search(&fixture("search_tracks_page.html"), &[Kind::Tracks]).unwrap();
    insta::assert_json_snapshot!("search_tracks_page", tracks[0].1.items);
    // A results query under another key is still found, by its members.
    let renamed = fixture("search_tracks_page.html").replace("search-tracks-q=", "tracks-q=");
    let again = pages::search(&renamed, &[Kind::Tracks]).unwrap();
    assert_eq!(again[0].1.items, tracks[0].1.items);
    let all = pages::search(&fixture("search_all_page.html"), &Kind::ALL).unwrap();
    let items: Vec<_> = all.into_iter().flat_map(|(_, hits)| hits.items).collect();
    insta::assert_json_snapshot!("search_all_page", items);
}

#[test]
fn release_page_and_api_answers() {
    let page = pages::release(&fixture("release_page.html"), 5100001).unwrap();
    let release = page.release.unwrap();
    assert_eq!(release.track_count(), Some(3));
    assert_eq!(page.tracks.as_ref().map(|p| p.results.len()), Some(2));
    insta::assert_json_snapshot!("release_page", release.into_release());
    assert!(
        pages::release(&fixture("release_page.html"), 5100002)
            .unwrap()
            .release
            .is_none()
    );

    let track: CatalogTrack = serde_json::from_str(&fixture("api_track.json")).unwrap();
    insta::assert_json_snapshot!("api_track", track.into_track());
    let releases: Paged<CatalogRelease> =
        serde_json::from_str(&fixture("api_releases_p2.json")).unwrap();
    let releases: Vec<_> = releases
        .results
        .into_iter()
        .map(CatalogRelease::into_release)
        .collect();
    insta::assert_json_snapshot!("api_release_without_label", releases);
}

#[test]
fn track_page() {
    let (track, session) = pages::track(&fixture("track_page.html"), 30100001).unwrap();
    assert_eq!(track.map(|t| t.id), Some(30100001));
    assert!(session.is_some());
    let (track, _) = pages::track(&fixture("track_page.html"), 30100002).unwrap();
    assert!(
        track.is_none(),
        "another track's page does not answer for this one"
    );
}

#[test]
fn hostile_input_never_panics() {
    let page = fixture("genre_top100_page.html");
    let mut inputs: Vec<String> = vec![
        String::new(),
        "null".into(),
        "<html>".into(),
        fixture("challenge.html"),
        "\u{0}\u{feff}<script id=\"__NEXT_DATA__\" type=\"application/json\">".into(),
        page.replace("\"results\":[", "\"results\":{"),
        page.replace("\"id\":30100001", "\"id\":\"30100001\""),
        page.replace("\"id\":30100001", "\"id\":-1"),
        page.replace("\"page\":\"1\"", "\"page\":[]"),
        format!(
            "{}{}",
            "<script id=\"__NEXT_DATA__\">",
            "{\"props\":".repeat(50_000)
        ),
    ];
    // Truncated at every few bytes (on character boundaries).
    inputs.extend(
        (0..page.len())
            .step_by(997)
            .filter(|i| page.is_char_boundary(*i))
            .map(|i| page[..i].to_owned()),
    );
    for input in &inputs {
        let _ = pages::top100(input, Some(6));
        let _ = pages::release(input, 5100001);
        let _ = pages::track(input, 30100001);
        let _ = pages::search(input, &Kind::ALL);
        let _ = pages::anon_session(input);
    }
    for body in [
        "",
        "[]",
        "{\"results\":7}",
        "{\"id\":null}",
        &"[".repeat(100_000),
    ] {
        let _ = serde_json::from_str::<Paged<CatalogTrack>>(body);
        assert!(
            serde_json::from_str::<CatalogTrack>(body).is_err(),
            "{body:.20}"
        );
        let _ = pages::ChartPage::from_json(body);
    }
}
