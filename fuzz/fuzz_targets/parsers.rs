//! Every pure parser of every site on hostile bodies: the first byte picks the parser, the rest
//! is the body (read as UTF-8, invalid bytes replaced, as `Response::text` does). A parser may
//! fail; it may not panic, loop or blow up. Seeded from the sites' fixtures by `cargo xtask fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper_beatport::parse::search::Kind;

/// One parser: its name (for the seeds) and a call.
type Parser = (&'static str, fn(&str));

/// The parsers, by selector byte (modulo their number). Append only: seeds carry the index.
pub const PARSERS: &[Parser] = &[
    ("bandcamp/band_details", |b| drop(scraper_bandcamp::parse::band_details::parse_band_details(b))),
    ("bandcamp/search", |b| drop(scraper_bandcamp::parse::search::parse_search_page(b))),
    ("bandcamp/album", |b| drop(scraper_bandcamp::parse::tralbum::parse_album_page(b))),
    ("bandcamp/track", |b| drop(scraper_bandcamp::parse::tralbum::parse_track_page(b))),
    ("bandcamp/autocomplete", |b| drop(scraper_bandcamp::parse::autocomplete::parse_autocomplete(b))),
    ("bandcamp/band_page", |b| {
        let _ = scraper_bandcamp::parse::band_page::is_bandcamp_page(b);
        drop(scraper_bandcamp::parse::band_page::parse_band_page(b, "https://x.bandcamp.com"));
    }),
    ("beatport/next_data", |b| {
        let _ = scraper_beatport::parse::next_data::locate(b);
        if let Ok(data) = scraper_beatport::parse::next_data::parse(b) {
            let _ = data.keys();
        }
    }),
    ("beatport/track", |b| {
        drop(scraper_beatport::parse::pages::track(b, 20_209_656));
        drop(scraper_beatport::parse::pages::anon_session(b));
    }),
    ("beatport/release", |b| drop(scraper_beatport::parse::pages::release(b, 4_971_359))),
    ("beatport/search", |b| drop(scraper_beatport::parse::pages::search(b, &Kind::ALL))),
    ("beatport/top100", |b| {
        drop(scraper_beatport::parse::pages::top100(b, Some(6)));
        drop(scraper_beatport::parse::pages::top100(b, None));
    }),
    ("beatport/catalog", |b| {
        drop(scraper_beatport::parse::pages::ChartPage::from_json(b));
        drop(serde_json::from_str::<scraper_beatport::parse::catalog::CatalogTrack>(b).map(|t| t.into_track()));
        drop(serde_json::from_str::<scraper_beatport::parse::catalog::CatalogRelease>(b).map(|r| r.into_release()));
        drop(serde_json::from_str::<scraper_beatport::parse::catalog::CatalogGenre>(b).map(|g| g.into_genre()));
        let _ = scraper_beatport::parse::catalog::rewrite_next(b);
        for kind in Kind::ALL {
            drop(scraper_beatport::parse::search::hits(kind, b));
        }
    }),
    ("facebook/page", |b| drop(scraper_facebook::parse::parse_page(b))),
    ("facebook/events", |b| drop(scraper_facebook::parse::parse_events(b))),
    ("facebook/event", |b| drop(scraper_facebook::parse::parse_event(b))),
    ("facebook/counts", |b| {
        let _ = scraper_facebook::parse::counts::parse_count(b);
        let _ = scraper_facebook::parse::counts::find_counts(b);
    }),
    ("instagram/profile", |b| drop(scraper_instagram::parse::profile::parse_web_profile_info(b))),
    ("instagram/feed", |b| drop(scraper_instagram::parse::feed::parse_feed_page(b))),
    ("instagram/timeline", |b| drop(scraper_instagram::parse::timeline::parse_timeline_page(b))),
    ("instagram/refusal", |b| {
        let _ = scraper_instagram::parse::refusal::classify_body(b);
        for status in [200, 302, 401, 403, 404, 429, 560] {
            let _ = scraper_instagram::parse::refusal::classify(status, Some(b), b);
        }
        let _ = scraper_instagram::parse::shortcode::shortcode_from_id(b);
        let _ = scraper_instagram::parse::shortcode::id_from_shortcode(b);
    }),
    ("songstats/artist", |b| drop(scraper_songstats::parse::parse_artist(b))),
    ("songstats/search", |b| {
        drop(scraper_songstats::parse::parse_search(b));
        drop(scraper_songstats::parse::parse_search_page(b));
    }),
    ("songstats/stats", |b| {
        drop(scraper_songstats::parse::parse_stats(b));
        drop(scraper_songstats::parse::parse_historic_stats(b));
    }),
    ("songstats/track", |b| drop(scraper_songstats::parse::parse_track(b))),
    ("songstats/error", |b| {
        for status in [200, 400, 401, 403, 404, 429, 500] {
            let _ = scraper_songstats::parse::classify_error(status, b);
        }
    }),
    ("soundcloud/client_id", |b| {
        let _ = scraper_soundcloud::parse::client_id::parse_hydration_client_id(b);
        let _ = scraper_soundcloud::parse::client_id::asset_script_urls(b);
        let _ = scraper_soundcloud::parse::client_id::parse_bundle_client_id(b);
    }),
    ("soundcloud/page", |b| drop(scraper_soundcloud::parse::page::parse_page(b))),
    ("soundcloud/entity", |b| {
        drop(scraper_soundcloud::parse::entity::parse_entity(b));
        drop(scraper_soundcloud::parse::entity::parse_owner(b));
    }),
    ("soundcloud/web_profiles", |b| drop(scraper_soundcloud::parse::web_profiles::parse_web_profiles(b))),
    ("core/walls", |b| {
        let _ = scraper_core::walls::detect_bot_challenge(b);
        let _ = scraper_core::walls::detect_captcha(b);
        let _ = scraper_core::walls::detect_login_wall(b, &["id=\"loginForm\""]);
    }),
];

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let (_, parse) = PARSERS[usize::from(*selector) % PARSERS.len()];
    parse(&String::from_utf8_lossy(body));
});
