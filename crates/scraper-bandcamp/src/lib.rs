//! Bandcamp: search, artists and labels with their releases, albums and tracks — from the HTML
//! search page (the JSON search API as fallback), the mobile API's band_details, and the
//! `data-tralbum` / ld+json data of album and track pages.

use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::{SiteDescription, SiteState, item, list, register_site};
use serde::Deserialize;

mod api;
mod artist;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod model;
pub mod parse;
mod release;
mod search;
mod urls;

/// Bandcamp's description: hosts, the custom-domain setting, actions.
pub static SITE: SiteDescription =
    SiteDescription::new("bandcamp", "Bandcamp", "https://bandcamp.com")
        .hosts(&["bandcamp.com", "*.bandcamp.com"])
        // Clients name artists' and labels' sites; bandcamp.com itself only serves our API calls.
        .param_hosts(&["*.bandcamp.com"])
        .state::<Bandcamp>()
        .probe(
            "album",
            "url=https://macbenson.bandcamp.com/album/coming-of-age",
        )
        .actions(&[
            list!("search" => search::search)
                .summary("Artists, labels, albums and tracks matching a query")
                .example("q=C418&type=all")
                .cache_ttl(Duration::from_secs(600)),
            item!("artist" => artist::artist)
                .summary("An artist or label with its links and releases")
                .one_of(&[&["url", "subdomain", "id"]])
                .example("subdomain=infiniteammo")
                .cache_ttl(Duration::from_secs(1800)),
            item!("album" => release::album)
                .summary("An album with its tracks")
                .example("url=https://macbenson.bandcamp.com/album/coming-of-age")
                .cache_ttl(Duration::from_secs(1800)),
            item!("track" => release::track)
                .summary("A track")
                .example("url=https://teaganbear.bandcamp.com/track/just-for-the-halibut")
                .cache_ttl(Duration::from_secs(1800)),
        ]);

register_site!(SITE);

/// Bandcamp's settings.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
pub struct Settings {
    // One line: the doc comment is the setting's description, line breaks included.
    /// Accept artist URLs that clients give on the artists' own domains (not *.bandcamp.com); such a name must resolve to public addresses and serve a Bandcamp page. Bandcamp's own redirects from a *.bandcamp.com site to its domain are followed either way, under the same checks
    #[serde(default)]
    pub allow_custom_domains: bool,
}

/// What the Bandcamp actions share across requests: the operator's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bandcamp {
    /// Whether URLs on artists' own domains are accepted (off unless the operator says so).
    allow_custom_domains: bool,
}

impl SiteState for Bandcamp {
    type Settings = Settings;

    fn build(settings: Settings) -> Result<Self, String> {
        Ok(Self {
            allow_custom_domains: settings.allow_custom_domains,
        })
    }
}
