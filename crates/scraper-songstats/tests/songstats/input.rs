//! Our parameters, as tables: what each form accepts, what it is sent to Songstats as, and which
//! parameter a refusal names.

use chrono::NaiveDate;
use scraper_core::{ErrorCode, PageRequest};
use scraper_songstats::input::{ArtistId, DateRange, SearchCursor, SearchPage, Source, TrackId};

/// The three parameters of a one-of group, as given.
type Given<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

#[test]
fn sources_are_the_documented_list() {
    let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "all",
            "spotify",
            "apple_music",
            "amazon",
            "deezer",
            "youtube",
            "tiktok",
            "instagram",
            "shazam",
            "tracklist",
            "beatport",
            "traxsource",
            "itunes",
            "tidal",
            "soundcloud",
            "facebook",
            "twitter",
            "songkick",
            "bandsintown",
        ]
    );
    assert_eq!(Source::default(), Source::All);
    for source in Source::ALL {
        assert_eq!(
            serde_json::to_value(source).unwrap(),
            source.as_str(),
            "serde and as_str agree"
        );
    }
}

#[test]
fn date_ranges() {
    let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let range = DateRange::new(d("2025-01-01"), d("2025-03-31")).unwrap();
    assert_eq!(
        range.query_pairs(),
        [
            ("start_date", "2025-01-01".to_owned()),
            ("end_date", "2025-03-31".to_owned())
        ]
    );
    assert!(DateRange::new(d("2025-01-01"), d("2025-01-01")).is_ok());
    assert!(DateRange::new(None, None).unwrap().query_pairs().is_empty());
    assert_eq!(
        DateRange::new(None, d("2025-02-01")).unwrap().query_pairs(),
        [("end_date", "2025-02-01".to_owned())]
    );
    let e = DateRange::new(d("2025-03-01"), d("2025-02-28")).unwrap_err();
    assert_eq!(
        (e.code(), e.param()),
        (ErrorCode::InvalidParams, Some("end_date"))
    );
    assert_eq!(
        e.to_string(),
        "parameter 'end_date' (2025-02-28) must not be before 'start_date' (2025-03-01)"
    );
}

#[test]
fn artist_id_forms() {
    let accepted = [
        (
            (Some("k3v9x2qa"), None, None),
            ("songstats_artist_id", "k3v9x2qa"),
        ),
        (
            (Some(" k3v9x2qa "), Some(""), None),
            ("songstats_artist_id", "k3v9x2qa"),
        ),
        (
            (
                Some("https://songstats.com/artist/k3v9x2qa/marlen-vosk"),
                None,
                None,
            ),
            ("songstats_artist_id", "k3v9x2qa"),
        ),
        (
            (None, Some("4aZr1Qx9TtYb7KcP0mLw2e"), None),
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            (
                None,
                Some("https://open.spotify.com/artist/4aZr1Qx9TtYb7KcP0mLw2e?si=abc"),
                None,
            ),
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            (
                None,
                Some("open.spotify.com/intl-de/artist/4aZr1Qx9TtYb7KcP0mLw2e/"),
                None,
            ),
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            (None, Some("spotify:artist:4aZr1Qx9TtYb7KcP0mLw2e"), None),
            ("spotify_artist_id", "4aZr1Qx9TtYb7KcP0mLw2e"),
        ),
        (
            (None, None, Some("1487203355")),
            ("apple_music_artist_id", "1487203355"),
        ),
        (
            (
                None,
                None,
                Some("https://music.apple.com/us/artist/marlen-vosk/1487203355"),
            ),
            ("apple_music_artist_id", "1487203355"),
        ),
        (
            (
                None,
                None,
                Some("https://itunes.apple.com/us/artist/marlen-vosk/id1487203355"),
            ),
            ("apple_music_artist_id", "1487203355"),
        ),
    ];
    for ((songstats, spotify, apple), pair) in accepted {
        let id = ArtistId::from_params(songstats, spotify, apple)
            .unwrap_or_else(|e| panic!("{songstats:?} {spotify:?} {apple:?}: {e}"));
        assert_eq!(id.query_pair(), pair);
    }

    let refused: [(Given<'_>, Option<&str>, &str); 14] = [
        ((None, None, None), None, "give one of"),
        ((Some(""), Some("  "), None), None, "give one of"),
        (
            (Some("a"), Some("4aZr1Qx9TtYb7KcP0mLw2e"), None),
            None,
            "only one",
        ),
        (
            (Some("k3v9 x2qa"), None, None),
            Some("songstats_artist_id"),
            "songstats",
        ),
        (
            (Some("https://evil.example/artist/k3v9x2qa"), None, None),
            Some("songstats_artist_id"),
            "evil.example",
        ),
        (
            (Some("https://songstats.com/track/k3v9x2qa"), None, None),
            Some("songstats_artist_id"),
            "artist",
        ),
        (
            (None, Some("4aZr1Qx9TtYb7KcP0mLw2"), None),
            Some("spotify_artist_id"),
            "22",
        ),
        (
            (None, Some("4aZr1Qx9TtYb7KcP0mLw2e!"), None),
            Some("spotify_artist_id"),
            "22",
        ),
        (
            (
                None,
                Some("https://open.spotify.com/track/4aZr1Qx9TtYb7KcP0mLw2e"),
                None,
            ),
            Some("spotify_artist_id"),
            "artist",
        ),
        (
            (
                None,
                Some("https://open.spotify.com.evil.example/artist/4aZr1Qx9TtYb7KcP0mLw2e"),
                None,
            ),
            Some("spotify_artist_id"),
            "open.spotify.com",
        ),
        (
            (
                None,
                Some("https://spotify.com@evil.example/artist/4aZr1Qx9TtYb7KcP0mLw2e"),
                None,
            ),
            Some("spotify_artist_id"),
            "spotify",
        ),
        (
            (None, Some("spotify:track:4aZr1Qx9TtYb7KcP0mLw2e"), None),
            Some("spotify_artist_id"),
            "artist",
        ),
        (
            (None, None, Some("12ab")),
            Some("apple_music_artist_id"),
            "digits",
        ),
        (
            (
                None,
                None,
                Some("https://music.apple.com/us/album/x/1487203355"),
            ),
            Some("apple_music_artist_id"),
            "artist",
        ),
    ];
    for ((songstats, spotify, apple), param, says) in refused {
        let e = ArtistId::from_params(songstats, spotify, apple).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParams);
        assert_eq!(e.param(), param, "{songstats:?} {spotify:?} {apple:?}: {e}");
        assert!(e.to_string().contains(says), "'{e}' should say '{says}'");
    }
    assert_eq!(
        ArtistId::parse("name", "x").unwrap_err().code(),
        ErrorCode::InvalidParams
    );
}

#[test]
fn track_id_forms() {
    let accepted = [
        ((Some("USRC17607839"), None, None), ("isrc", "USRC17607839")),
        (
            (Some("us-rc1-76-07839"), None, None),
            ("isrc", "USRC17607839"),
        ),
        (
            (Some(" dea622400123 "), None, None),
            ("isrc", "DEA622400123"),
        ),
        (
            (None, Some("t9hx2m4c"), None),
            ("songstats_track_id", "t9hx2m4c"),
        ),
        (
            (
                None,
                Some("https://songstats.com/track/t9hx2m4c/concrete-tide"),
                None,
            ),
            ("songstats_track_id", "t9hx2m4c"),
        ),
        (
            (None, None, Some("3cPq8Zr1VwKm5XyT0bNe6d")),
            ("spotify_track_id", "3cPq8Zr1VwKm5XyT0bNe6d"),
        ),
        (
            (
                None,
                None,
                Some("https://open.spotify.com/track/3cPq8Zr1VwKm5XyT0bNe6d"),
            ),
            ("spotify_track_id", "3cPq8Zr1VwKm5XyT0bNe6d"),
        ),
    ];
    for ((isrc, songstats, spotify), pair) in accepted {
        let id = TrackId::from_params(isrc, songstats, spotify)
            .unwrap_or_else(|e| panic!("{isrc:?} {songstats:?} {spotify:?}: {e}"));
        assert_eq!(id.query_pair(), pair);
    }

    let refused = [
        (Some("USRC1760783"), "isrc"),
        (Some("USRC176078390"), "isrc"),
        (Some("U1RC17607839"), "isrc"),
        (Some("USRC17A07839"), "isrc"),
        (Some("USR-C17-60-7839"), "isrc"),
        (Some("US-RC1-7607839"), "isrc"),
        (Some("ÜSRC17607839"), "isrc"),
        (Some("-USRC17607839"), "isrc"),
    ];
    for (isrc, param) in refused {
        let e = TrackId::from_params(isrc, None, None).unwrap_err();
        assert_eq!(e.param(), Some(param), "{isrc:?}: {e}");
        assert!(e.to_string().contains("CC-XXX-YY-NNNNN"), "{e}");
    }
    let e = TrackId::from_params(
        None,
        None,
        Some("https://open.spotify.com/artist/3cPq8Zr1VwKm5XyT0bNe6d"),
    )
    .unwrap_err();
    assert_eq!(e.param(), Some("spotify_track_id"));
    let e = TrackId::from_params(Some("USRC17607839"), Some("t9hx2m4c"), None).unwrap_err();
    assert_eq!((e.code(), e.param()), (ErrorCode::InvalidParams, None));
    assert!(
        e.to_string()
            .contains("'isrc' or 'songstats_track_id' or 'spotify_track_id'"),
        "{e}"
    );
}

#[test]
fn search_paging() {
    let resolve = |limit: usize, offset: Option<u32>| {
        SearchPage::resolve(&PageRequest {
            limit,
            cursor: offset.map(|offset| SearchCursor { offset }),
        })
    };
    let first = resolve(20, None).unwrap();
    assert_eq!((first.limit, first.offset), (20, 0));
    assert_eq!(
        first.query_pairs(),
        [("limit", "20".to_owned()), ("offset", "0".to_owned())]
    );

    // A full page has a next one, a short page does not; cursors carry the offset, and a cursor
    // may be followed with another limit.
    let mut page = resolve(7, None).unwrap();
    for expected in [7, 14, 21] {
        let next = page.next(7).unwrap();
        page = resolve(7, Some(next.offset)).unwrap();
        assert_eq!(page.offset, expected);
    }
    assert_eq!(page.next(6), None);
    assert_eq!(page.next(0), None);
    assert_eq!(
        page.next(8),
        Some(SearchCursor { offset: 28 }),
        "more than asked is still full"
    );
    assert_eq!(resolve(3, Some(21)).unwrap().offset, 21);
    assert_eq!(
        resolve(100, Some(99_950)).unwrap().next(100),
        None,
        "no cursor past the bound"
    );

    let e = resolve(20, Some(100_001)).unwrap_err();
    assert_eq!(
        (e.param(), e.to_string().as_str()),
        (
            Some("cursor"),
            "parameter 'cursor' is not a cursor this service gave out"
        )
    );
}
