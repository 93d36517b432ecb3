//! Beatport: search, tracks, releases, an artist's or label's releases, genre Top 100 charts and
//! genres — read from the Next.js data of www.beatport.com pages, and from the v4 catalog API
//! with the anonymous token those pages carry.

use std::time::Duration;

use scraper_core::{Credential, NoSettings, SiteDescription, SiteState, item, list, register_site};

pub mod actions;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod input;
pub mod model;
pub mod parse;
pub mod token;
pub mod upstream;

use actions::genres::genres;
use actions::release::release;
use actions::releases::releases;
use actions::search::search;
use actions::top100::top100;
use actions::track::track;

/// Beatport's description: hosts and actions (their parameters and records are their types).
pub static SITE: SiteDescription =
    SiteDescription::new("beatport", "Beatport", "https://www.beatport.com")
        .hosts(&["www.beatport.com", "beatport.com", "api.beatport.com"])
        .param_hosts(input::WEB_HOSTS)
        .state::<Beatport>()
        .probe("track", "id=20209656")
        .actions(&[
            list!(search)
                .summary("Search Beatport's tracks, releases, artists and labels")
                .example("q=charlotte+de+witte&type=tracks")
                .cache_ttl(Duration::from_secs(600)),
            item!(track)
                .summary("A track: artists, remixers, BPM, key, genre, label, release, ISRC, price")
                .example("id=20209656")
                .cache_ttl(HOUR),
            item!(release)
                .summary("A release with its label, catalog number, UPC and tracks")
                .example("id=4971359")
                .cache_ttl(HOUR),
            list!(releases)
                .summary(
                    "An artist's or a label's releases, newest first, within a publish-date range",
                )
                .one_of(&[&["artist_id", "label_id"]])
                .example("label_id=586&start_date=2025-01-01&end_date=2025-03-31")
                .cache_ttl(Duration::from_secs(1800)),
            list!(top100)
                .summary(
                    "The Top 100 tracks of a genre, or the overall Top 100, with chart positions",
                )
                .default_limit(100)
                .example("genre_id=6&limit=100")
                .cache_ttl(Duration::from_secs(600)),
            list!(genres)
                .summary("Beatport's genres with their ids and slugs")
                .example("")
                .cache_ttl(Duration::from_secs(86_400)),
        ]);

register_site!(SITE);

const HOUR: Duration = Duration::from_secs(3600);

/// What Beatport keeps across requests: the anonymous API token every page carries.
#[derive(Debug)]
pub struct Beatport {
    /// The token, shared by every request, replaced a minute before it expires or once refused.
    pub token: Credential<String>,
}

impl SiteState for Beatport {
    type Settings = NoSettings;

    fn build(_: NoSettings) -> Result<Self, String> {
        Ok(Self {
            token: token::credential(),
        })
    }
}
