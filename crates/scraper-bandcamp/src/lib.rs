//! Bandcamp: search, artists and labels with their releases, albums and tracks — from the HTML
//! search page (the JSON search API as fallback), the mobile API's band_details, and the
//! `data-tralbum` / ld+json data of album and track pages.

use std::time::Duration;

use scraper_core::{
    ActionDescription, Context, Output, ParamDescription, ParamType, Params, ScrapeError, Scraper,
    Setting, SiteDescription, SiteSettings, register_site,
};

mod api;
mod artist;
pub mod model;
pub mod parse;
mod search;
mod urls;

/// Bandcamp's description: hosts, the custom-domain setting, actions.
pub static SITE: SiteDescription = SiteDescription::new(
    "bandcamp",
    "Bandcamp",
    "https://bandcamp.com",
    &["bandcamp.com", "*.bandcamp.com"],
    &ACTIONS,
)
.settings(&[Setting::new(
    "allow_custom_domains",
    "Accept artist URLs that clients give on the artists' own domains (not *.bandcamp.com); such a name must resolve to public addresses and serve a Bandcamp page. Bandcamp's own redirects from a *.bandcamp.com site to its domain are followed either way, under the same checks",
)
.kind(ParamType::Boolean)
.default("false")]);

static ACTIONS: [ActionDescription; 4] = [
    ActionDescription::list(
        "search",
        "Artists, labels, albums and tracks matching a query",
    )
    .params(&[
        ParamDescription::string("q")
            .required()
            .describe("What to search for."),
        ParamDescription::string("type")
            .allowed(&["artists", "labels", "albums", "tracks", "all"])
            .default("all")
            .describe("Which kind of hits to answer."),
    ])
    .example("q=C418&type=all")
    .cache_ttl(Duration::from_secs(600)),
    ActionDescription::item("artist", "An artist or label with its links and releases")
        .params(&[
            ParamDescription::string("url").describe(
                "A URL of the artist's or label's Bandcamp site (https://<name>.bandcamp.com).",
            ),
            ParamDescription::string("subdomain")
                .describe("The name before .bandcamp.com (infiniteammo)."),
            ParamDescription::integer("id")
                .range(1, i64::MAX)
                .describe("Bandcamp's band id (the `id` of an artist or label search hit)."),
        ])
        .one_of(&["url", "subdomain", "id"])
        .example("subdomain=infiniteammo")
        .cache_ttl(Duration::from_secs(1800)),
    ActionDescription::item("album", "An album with its tracks")
        .params(&[ParamDescription::string("url")
            .required()
            .describe("The album's URL (https://<artist>.bandcamp.com/album/<name>).")])
        .example("url=https://macbenson.bandcamp.com/album/coming-of-age")
        .cache_ttl(Duration::from_secs(1800)),
    ActionDescription::item("track", "A track")
        .params(&[ParamDescription::string("url")
            .required()
            .describe("The track's URL (https://<artist>.bandcamp.com/track/<name>).")])
        .example("url=https://teaganbear.bandcamp.com/track/just-for-the-halibut")
        .cache_ttl(Duration::from_secs(1800)),
];

register_site!(SITE, build);

fn build(settings: &SiteSettings) -> Result<Box<dyn Scraper>, String> {
    Ok(Box::new(Bandcamp {
        allow_custom_domains: settings.flag("allow_custom_domains"),
    }))
}

/// The Bandcamp scraper.
#[derive(Debug, Clone, Copy, Default)]
struct Bandcamp {
    /// Whether URLs on artists' own domains are accepted (off unless the operator says so).
    allow_custom_domains: bool,
}

#[scraper_core::async_trait]
impl Scraper for Bandcamp {
    async fn scrape(
        &self,
        ctx: &Context,
        action: &str,
        params: &Params,
    ) -> Result<Output, ScrapeError> {
        match action {
            "search" => {
                let q = params.required_str("q")?;
                let filter = params.str("type").unwrap_or("all");
                search::search(ctx, q, filter, params.limit(), params.cursor()).await
            }
            "artist" => {
                Output::item(&artist::artist(ctx, params, self.allow_custom_domains).await?)
            }
            "album" => {
                let page = urls::parse_release_url(
                    "url",
                    params.required_str("url")?,
                    "album",
                    self.allow_custom_domains,
                )?;
                let response = api::site_page(ctx, &page, "url").await?;
                let mut album = parse::tralbum::parse_album_page(&response.text())?;
                album.url = album.url.or_else(|| Some(page.url.to_string()));
                Output::item(&album)
            }
            "track" => {
                let page = urls::parse_release_url(
                    "url",
                    params.required_str("url")?,
                    "track",
                    self.allow_custom_domains,
                )?;
                let response = api::site_page(ctx, &page, "url").await?;
                let mut track = parse::tralbum::parse_track_page(&response.text())?;
                track.url = track.url.or_else(|| Some(page.url.to_string()));
                Output::item(&track)
            }
            other => Err(ScrapeError::internal(format!(
                "bandcamp has no action '{other}'"
            ))),
        }
    }
}
