//! The parsers on the real recorded traffic of ../shared/corpus/bandcamp, read in place (never
//! copied), and the whole site through the engine against replay.py with the recorded
//! expectations. Every test here skips cleanly when the corpus (or python3) is absent.

use scraper_bandcamp::model::Kind;
use scraper_bandcamp::parse::autocomplete::parse_autocomplete;
use scraper_bandcamp::parse::band_details::parse_band_details;
use scraper_bandcamp::parse::band_page::{is_bandcamp_page, parse_band_page};
use scraper_bandcamp::parse::search::parse_search_page;
use scraper_bandcamp::parse::tralbum::{parse_album_page, parse_track_page};
use scraper_core::ErrorCode;
use scraper_core::testing::corpus::{self, Replay};

use crate::support::recorded;

macro_rules! recorded_or_skip {
    ($name:expr) => {
        match recorded($name) {
            Some(exchange) => exchange,
            None => {
                eprintln!("skipped: ../shared/corpus/bandcamp/{} is not here", $name);
                return;
            }
        }
    };
}

#[test]
fn real_search_pages() {
    let (body, _) = recorded_or_skip!("search_c418.json");
    let page = parse_search_page(&body).unwrap();
    assert_eq!(page.items.len(), 18);
    assert!(page.has_next);
    let c418 = &page.items[0];
    assert_eq!(
        (c418.kind, c418.id, c418.name.as_str()),
        (Kind::Artist, 3385865266, "C418")
    );
    assert_eq!(c418.url.as_deref(), Some("https://c418.bandcamp.com"));
    assert_eq!(c418.genre.as_deref(), Some("Electronic"));
    assert!(c418.tags.contains(&"electronica".to_owned()));
    let one = &page.items[1];
    assert_eq!(
        (one.kind, one.id, one.name.as_str(), one.artist.as_deref()),
        (Kind::Album, 1694776990, "one", Some("C418"))
    );
    assert_eq!(
        one.image_url.as_deref(),
        Some("https://f4.bcbits.com/img/a1911559443_7.jpg")
    );
    assert_eq!(one.release_date.as_deref(), Some("2012-12-23T00:00:00Z"));

    let (body, _) = recorded_or_skip!("search_e_page1.json");
    let page = parse_search_page(&body).unwrap();
    let labels: Vec<_> = page
        .items
        .iter()
        .filter(|i| i.kind == Kind::Label)
        .map(|i| (i.name.as_str(), i.location.as_deref()))
        .collect();
    assert_eq!(
        labels[..2],
        [
            ("A L T E R", Some("London, UK")),
            ("S P I N S T E R", Some("North Carolina"))
        ]
    );
    assert_eq!(
        page.items[0].location.as_deref(),
        Some("New York, New York")
    );
    assert!(
        page.items
            .iter()
            .all(|i| i.url.as_deref().is_some_and(|u| !u.contains('?')))
    );

    let (body, _) = recorded_or_skip!("search_best_friends_basement.json");
    let page = parse_search_page(&body).unwrap();
    assert_eq!(page.items.len(), 14);
    assert!(!page.has_next);
    assert_eq!(page.items[0].name, "Best Friend's Basement");
    assert_eq!(page.items[0].artist.as_deref(), Some("Zach Benson"));

    let (body, _) = recorded_or_skip!("search_minecraft_volume_alpha.json");
    let page = parse_search_page(&body).unwrap();
    let track = &page.items[1];
    assert_eq!(
        (
            track.kind,
            track.name.as_str(),
            track.album.as_deref(),
            track.artist.as_deref()
        ),
        (
            Kind::Track,
            "Minecraft",
            Some("Minecraft - Volume Alpha"),
            Some("C418")
        )
    );
}

#[test]
fn real_autocomplete() {
    let (body, _) = recorded_or_skip!("autocomplete_c418.json");
    let items = parse_autocomplete(&body).unwrap();
    assert!(items.len() > 40);
    assert_eq!(
        (items[0].kind, items[0].id, items[0].genre.as_deref()),
        (Kind::Artist, 3385865266, Some("Electronic"))
    );
    assert_eq!(
        (items[1].kind, items[1].name.as_str()),
        (Kind::Album, "one")
    );
    let track = items.iter().find(|i| i.kind == Kind::Track).unwrap();
    assert_eq!(track.album.as_deref(), Some("2 years of failure"));
}

#[test]
fn real_band_details() {
    let (body, _) = recorded_or_skip!("band_details_alec_holowka.json");
    let d = parse_band_details(&body).unwrap();
    assert_eq!(
        (d.id, d.name.as_str(), d.location.as_deref()),
        (3321800855, "Alec Holowka", Some("Winnipeg, Manitoba"))
    );
    assert_eq!(d.discography.len(), 10);
    assert_eq!(d.discography[0].id, 816099561);
    assert_eq!(
        d.discography[0].release_date.as_deref(),
        Some("2017-03-06T00:00:00Z")
    );
    assert_eq!(d.links[0].url, "http://infiniteammo.com");
    let (body, _) = recorded_or_skip!("band_details_lobster_theremin.json");
    let d = parse_band_details(&body).unwrap();
    assert!(d.has_roster);
    assert_eq!(d.links.len(), 4);
    let (body, _) = recorded_or_skip!("band_details_error_not_found.json");
    assert_eq!(
        parse_band_details(&body).unwrap_err().code(),
        ErrorCode::NotFound
    );
    let (body, _) = recorded_or_skip!("band_details_error_invalid_int.json");
    assert_eq!(
        parse_band_details(&body).unwrap_err().code(),
        ErrorCode::UpstreamChanged
    );
}

#[test]
fn real_band_pages() {
    let (body, _) = recorded_or_skip!("band_infiniteammo_home.json");
    let page = parse_band_page(&body, "https://infiniteammo.bandcamp.com").unwrap();
    assert_eq!(
        (page.band_id, page.is_label, page.has_grid),
        (3321800855, Some(false), true)
    );
    assert_eq!(page.releases.len(), 10);
    assert_eq!(page.releases[0].id, Some(816099561));
    assert_eq!(
        page.releases[0].url,
        "https://infiniteammo.bandcamp.com/album/night-in-the-woods-vol-1-at-the-end-of-everything"
    );

    let (body, _) = recorded_or_skip!("band_macbenson_home.json");
    let page = parse_band_page(&body, "https://macbenson.bandcamp.com").unwrap();
    assert_eq!((page.band_id, page.has_grid), (1196681540, false));
    let urls: Vec<_> = page.releases.iter().map(|r| r.url.as_str()).collect();
    assert!(
        urls.contains(&"https://macbenson.bandcamp.com/album/coming-of-age"),
        "{urls:?}"
    );

    let (body, _) = recorded_or_skip!("band_lobstertheremin_home.json");
    assert!(is_bandcamp_page(&body));
    let page = parse_band_page(&body, "https://lobstertheremin.com").unwrap();
    assert_eq!(
        (page.band_id, page.name.as_deref()),
        (2735462545, Some("Lobster Theremin"))
    );

    let (body, _) = recorded_or_skip!("band_shirakumon_releases.json");
    assert_eq!(
        parse_band_page(&body, "https://shirakumon.bandcamp.com")
            .unwrap()
            .band_id,
        1581461772
    );
}

#[test]
fn real_album_and_track_pages() {
    let (body, _) = recorded_or_skip!("album_macbenson_coming_of_age.json");
    let album = parse_album_page(&body).unwrap();
    assert_eq!(
        (
            album.id,
            album.title.as_str(),
            album.artist.as_deref(),
            album.band_id
        ),
        (
            2833347880,
            "Coming of Age",
            Some("mac benson"),
            Some(1196681540)
        )
    );
    assert_eq!(album.tracks.len(), 5);
    assert_eq!(
        (album.tracks[4].position, album.tracks[4].title.as_str()),
        (5, "Don't Dance with Boys with Girlfriends")
    );
    assert!(
        album.tracks[1]
            .duration_s
            .is_some_and(|d| (199.0..=200.0).contains(&d))
    );
    assert_eq!(album.release_date.as_deref(), Some("2019-11-01T00:00:00Z"));
    assert_eq!(
        album.artwork_url.as_deref(),
        Some("https://f4.bcbits.com/img/a3697716070_10.jpg")
    );
    assert_eq!(
        album.tracks[0].url.as_deref(),
        Some("https://macbenson.bandcamp.com/track/coming-of-age")
    );

    let (body, _) = recorded_or_skip!("album_infiniteammo_night_in_the_woods_vol1.json");
    let album = parse_album_page(&body).unwrap();
    assert_eq!(
        (album.tracks.len(), album.tracks[61].title.as_str()),
        (62, "Eide")
    );

    let (body, _) = recorded_or_skip!("album_billwurtz_high_enough.json");
    let album = parse_album_page(&body).unwrap();
    assert!(album.tracks.is_empty(), "locked tracks are not listed");

    let (body, _) = recorded_or_skip!("track_teaganbear_just_for_the_halibut.json");
    let track = parse_track_page(&body).unwrap();
    assert_eq!(
        (
            track.id,
            track.title.as_str(),
            track.artist.as_deref(),
            track.album.as_deref()
        ),
        (
            3486455278,
            "Just for the Halibut",
            Some("Teaganbear"),
            Some("Old Singles")
        )
    );
    assert_eq!(track.release_date.as_deref(), Some("2020-01-01T00:00:00Z"));

    let (body, _) = recorded_or_skip!("band_macbenson_home.json");
    let single = parse_track_page(&body).unwrap();
    assert_eq!(
        (single.album, single.release_date.as_deref()),
        (None, Some("2023-04-14T00:00:00Z"))
    );
}

/// Every case of expect/bandcamp.json through the engine, upstream traffic served by replay.py,
/// with the settings of the crate's `corpus.env` (custom domains allowed, as `cargo xtask
/// corpus` runs the gateway).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_expectations_pass_through_the_engine() {
    let (Some(cases), Some(replay)) = (
        corpus::expectations("bandcamp"),
        Replay::start(&["bandcamp"]),
    ) else {
        eprintln!("skipped: ../shared/corpus (or python3 for replay.py) is not here");
        return;
    };
    let engine = corpus::engine("bandcamp", &replay);
    let failures = corpus::check(&engine, "bandcamp", &cases).await;
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!(
        "corpus expectations: all {} cases pass through the engine",
        cases.len()
    );
}
