//! The parsers on our own fixtures (modelled on real pages, invented content), snapshotted as
//! normalised records: the .snap files are the spec of what each page turns into.

use insta::assert_json_snapshot;
use scraper_bandcamp::model::Kind;
use scraper_bandcamp::parse::autocomplete::parse_autocomplete;
use scraper_bandcamp::parse::band_details::parse_band_details;
use scraper_bandcamp::parse::band_page::{is_bandcamp_page, parse_band_page};
use scraper_bandcamp::parse::search::parse_search_page;
use scraper_bandcamp::parse::tralbum::{parse_album_page, parse_track_page};
use scraper_core::ErrorCode;

use crate::support::fixture;

#[test]
fn search_page_of_every_type() {
    let page = parse_search_page(&fixture("search_all_page1.html")).unwrap();
    let kinds: Vec<Kind> = page.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Artist,
            Kind::Label,
            Kind::Album,
            Kind::Track,
            Kind::Track,
            Kind::Label
        ],
        "the fan is left out"
    );
    assert!(page.has_next);
    assert_json_snapshot!("search_all_page1", page);
}

#[test]
fn last_and_empty_search_pages() {
    let last = parse_search_page(&fixture("search_tracks_last_page.html")).unwrap();
    assert_eq!(last.items.len(), 2);
    assert!(!last.has_next);
    let empty = parse_search_page(&fixture("search_no_results.html")).unwrap();
    assert!(empty.items.is_empty());
    assert!(!empty.has_next);
}

#[test]
fn autocomplete_answer() {
    let items = parse_autocomplete(&fixture("autocomplete.json")).unwrap();
    assert_json_snapshot!("autocomplete", items);
}

#[test]
fn band_details_of_an_artist_and_a_label() {
    let artist = parse_band_details(&fixture("band_details.json")).unwrap();
    assert_json_snapshot!("band_details", artist);
    let label = parse_band_details(&fixture("band_details_label.json")).unwrap();
    assert!(label.has_roster);
    assert!(label.discography.is_empty());
    let missing = parse_band_details(&fixture("band_details_not_found.json")).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn music_grid_with_client_items() {
    let page = parse_band_page(
        &fixture("band_music_grid.html"),
        "https://nightferry.bandcamp.com",
    )
    .unwrap();
    assert!(page.has_grid);
    assert_json_snapshot!("band_music_grid", page);
}

#[test]
fn home_page_that_renders_a_track() {
    let body = fixture("band_home_track.html");
    let page = parse_band_page(&body, "https://nightferry.bandcamp.com").unwrap();
    assert_eq!(page.band_id, 1111111111);
    assert!(!page.has_grid);
    assert_json_snapshot!("band_home_track", page);
    let track = parse_track_page(&body).unwrap();
    assert_eq!(track.album, None, "a single is on no album");
    assert_json_snapshot!("track_single", track);
}

#[test]
fn stub_page_of_a_label() {
    let body = fixture("band_stub.html");
    assert!(is_bandcamp_page(&body));
    let page = parse_band_page(&body, "https://tidal.example").unwrap();
    assert_eq!(
        (page.band_id, page.name.as_deref(), page.is_label),
        (2222222222, Some("T I D A L"), None)
    );
    assert!(page.releases.is_empty());
    assert!(!is_bandcamp_page(&fixture("not_bandcamp.html")));
}

#[test]
fn album_page() {
    let album = parse_album_page(&fixture("album.html")).unwrap();
    assert_json_snapshot!("album", album);
}

#[test]
fn track_page_on_an_album() {
    let track = parse_track_page(&fixture("track_on_album.html")).unwrap();
    assert_json_snapshot!("track_on_album", track);
}

#[test]
fn the_challenge_page_is_blocked_everywhere() {
    let body = fixture("challenge.html");
    assert_eq!(
        parse_search_page(&body).unwrap_err().code(),
        ErrorCode::Blocked
    );
    assert_eq!(
        parse_autocomplete(&body).unwrap_err().code(),
        ErrorCode::Blocked
    );
    assert_eq!(
        parse_band_details(&body).unwrap_err().code(),
        ErrorCode::Blocked
    );
    assert_eq!(
        parse_band_page(&body, "https://x.bandcamp.com")
            .unwrap_err()
            .code(),
        ErrorCode::Blocked
    );
    assert_eq!(
        parse_album_page(&body).unwrap_err().code(),
        ErrorCode::Blocked
    );
    assert_eq!(
        parse_track_page(&body).unwrap_err().code(),
        ErrorCode::Blocked
    );
}
