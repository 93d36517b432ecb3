//! Songstats: artists, their current and historic stats, artist search, tracks and their stats —
//! through Songstats' official Enterprise API, with the operator's API key.
//!
//! Nothing is scraped: every action is one request to the API (`api`), whose answer the pure
//! parsers of `parse` turn into the records of `model`; `input` checks the parameters first. The
//! key is a [`Secret`] of the site's state, sent in the `apikey` header and nowhere else. Songstats
//! bills per request, so answers are cached for hours and few requests are in flight at once.

pub mod actions;
pub mod api;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod input;
pub mod model;
pub mod parse;

use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::{Secret, SiteDescription, SiteState, item, list, register_site};
use serde::Deserialize;
use url::Url;

use crate::actions::{
    ARTIST_IDS, TRACK_IDS, artist, historic_stats, search, stats, track, track_stats,
};

const HOUR: Duration = Duration::from_secs(3600);

/// An action's own details followed by what every action says about the API behind it.
macro_rules! concat_about {
    ($text:literal) => {
        concat!(
            $text,
            " Songstats' official Enterprise API, with the operator's key \
             (TECHNO_SCRAPER_SONGSTATS_API_KEY; without it every action answers not_configured, \
             and a key Songstats refuses answers not_configured too). Songstats bills every \
             request: answers are cached (see cache_ttl_s) and at most 4 requests are in flight."
        )
    };
}

/// Songstats as the registry and the catalogue see it.
pub static SITE: SiteDescription =
    SiteDescription::new("songstats", "Songstats", "https://songstats.com")
        .hosts(api::HOSTS)
        .headers(&[("accept", "application/json")])
        .state::<Songstats>()
        .probe("artist", "songstats_artist_id=pod5zlug")
        .probe_settings(&[("api_key", "probe-key")])
        .max_in_flight(4)
        .actions(&[
            item!(artist)
                .summary("An artist's profile: name, picture, country, bio, genres and links to every platform")
                .details(concat_about!(
                    "Name the artist by exactly one of songstats_artist_id, spotify_artist_id or \
                     apple_music_artist_id (each also takes the artist's URL on that platform)."
                ))
                .one_of(&[ARTIST_IDS])
                .example("spotify_artist_id=28j8lBWDdDSHSSt5oPlsX2")
                .cache_ttl(HOUR.saturating_mul(6)),
            item!(stats)
                .summary("An artist's current numbers per source (followers, streams, playlists, DJ charts, 1001Tracklists supports...)")
                .details(concat_about!(
                    "data is a list of {source, metrics}: metrics keeps every number Songstats gives \
                     under its own names, which differ from source to source. One request answers \
                     every source (source=all, the default) or one."
                ))
                .one_of(&[ARTIST_IDS])
                .example("songstats_artist_id=pod5zlug&source=spotify")
                .cache_ttl(HOUR),
            item!(historic_stats)
                .summary("An artist's daily numbers per source between two dates")
                .details(concat_about!(
                    "data is a list of {source, history[]}: each point is a date (YYYY-MM-DD) with \
                     Songstats' metrics of that day. Without dates Songstats picks its default span; \
                     start_date must not be after end_date."
                ))
                .one_of(&[ARTIST_IDS])
                .example("songstats_artist_id=pod5zlug&source=spotify&start_date=2025-01-01&end_date=2025-01-31")
                .cache_ttl(HOUR.saturating_mul(3)),
            list!(search)
                .summary("Artists whose name matches a query, with their Songstats ids")
                .details(concat_about!(
                    "Paged with Songstats' limit and offset: next_cursor is set while pages come back \
                     full. Use songstats_artist_id of a result with artist, stats and historic_stats."
                ))
                .example("q=disclosure")
                .cache_ttl(HOUR.saturating_mul(6)),
            item!(track)
                .summary("A track's metadata: title, artists, release date, labels, ISRC and links")
                .details(concat_about!(
                    "Name the track by exactly one of isrc, songstats_track_id or spotify_track_id \
                     (the last two also take the track's URL)."
                ))
                .one_of(&[TRACK_IDS])
                .example("isrc=GBAYE2100626")
                .cache_ttl(HOUR.saturating_mul(6)),
            item!(track_stats)
                .summary("A track's current numbers per source (streams, playlists, charts, DJ supports...)")
                .details(concat_about!(
                    "data is a list of {source, metrics}, as for an artist's stats. Name the track \
                     as for track."
                ))
                .one_of(&[TRACK_IDS])
                .example("isrc=GBAYE2100626&source=spotify")
                .cache_ttl(HOUR),
        ]);

register_site!(SITE);

/// Songstats' settings.
#[derive(Deserialize, JsonSchema)]
pub struct Settings {
    /// Your Songstats Enterprise API key (from api@songstats.com), sent in the apikey header only
    api_key: Secret,
    /// The Enterprise API's base URL: https on a songstats.com host (a bare host gets /enterprise/v1)
    #[serde(default = "default_base_url")]
    base_url: String,
}

fn default_base_url() -> String {
    api::DEFAULT_BASE_URL.to_owned()
}

/// What Songstats keeps across requests: the operator's key and where the API is.
pub struct Songstats {
    /// The key, sent in the `apikey` header of every request and never shown.
    key: Secret,
    /// The base URL every endpoint path is appended to.
    base: Url,
}

impl SiteState for Songstats {
    type Settings = Settings;

    fn build(settings: Settings) -> Result<Self, String> {
        let key = settings.api_key.expose();
        // A header value must be visible ASCII; say which setting is wrong, never what it holds.
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "{} must be printable ASCII without spaces",
                api::API_KEY_VARIABLE
            ));
        }
        Ok(Self {
            key: settings.api_key,
            base: api::base_url(&settings.base_url)?,
        })
    }
}
