//! Beatport: search, tracks, releases, an artist's or label's releases, genre Top 100 charts and
//! genres — read from the Next.js data of www.beatport.com pages, and from the v4 catalog API
//! with the anonymous token those pages carry.

use std::time::Duration;

use scraper_core::{
    ActionDescription, Context, Output, ParamDescription, Params, ScrapeError, Scraper,
    SiteDescription, SiteSettings, register_site,
};

pub mod actions;
pub mod input;
pub mod model;
pub mod parse;
pub mod token;
pub mod upstream;

/// Beatport's description: hosts, actions and their parameters.
pub static SITE: SiteDescription = SiteDescription::new(
    "beatport",
    "Beatport",
    "https://www.beatport.com",
    &["www.beatport.com", "beatport.com", "api.beatport.com"],
    &ACTIONS,
);

const HOUR: Duration = Duration::from_secs(3600);

static SEARCH_PARAMS: [ParamDescription; 2] = [
    ParamDescription::string("q")
        .required()
        .describe("What to search for."),
    ParamDescription::string("type")
        .allowed(&["tracks", "releases", "artists", "labels", "all"])
        .default("all")
        .describe("Which kind of results; `all` shares each page equally between the four kinds."),
];

static ID_TRACK: [ParamDescription; 1] = [ParamDescription::string("id")
    .required()
    .describe("Beatport track id, or the track's beatport.com URL.")];

static ID_RELEASE: [ParamDescription; 1] = [ParamDescription::string("id")
    .required()
    .describe("Beatport release id, or the release's beatport.com URL.")];

static RELEASES_PARAMS: [ParamDescription; 4] = [
    ParamDescription::string("artist_id")
        .describe("Beatport artist id, or the artist's beatport.com URL."),
    ParamDescription::string("label_id")
        .describe("Beatport label id, or the label's beatport.com URL."),
    ParamDescription::date("start_date").describe("Earliest publish date, YYYY-MM-DD (inclusive)."),
    ParamDescription::date("end_date").describe("Latest publish date, YYYY-MM-DD (inclusive)."),
];

static TOP100_PARAMS: [ParamDescription; 1] = [ParamDescription::string("genre_id").describe(
    "Beatport genre id (6 is Techno (Peak Time / Driving)) or a genre URL; without it, the overall Top 100.",
)];

static ACTIONS: [ActionDescription; 6] = [
    ActionDescription::list(
        "search",
        "Search Beatport's tracks, releases, artists and labels",
    )
    .params(&SEARCH_PARAMS)
    .example("q=charlotte+de+witte&type=tracks")
    .cache_ttl(Duration::from_secs(600)),
    ActionDescription::item(
        "track",
        "A track: artists, remixers, BPM, key, genre, label, release, ISRC, price",
    )
    .params(&ID_TRACK)
    .example("id=20209656")
    .cache_ttl(HOUR),
    ActionDescription::item(
        "release",
        "A release with its label, catalog number, UPC and tracks",
    )
    .params(&ID_RELEASE)
    .example("id=4971359")
    .cache_ttl(HOUR),
    ActionDescription::list(
        "releases",
        "An artist's or a label's releases, newest first, within a publish-date range",
    )
    .params(&RELEASES_PARAMS)
    .one_of(&["artist_id", "label_id"])
    .example("label_id=586&start_date=2025-01-01&end_date=2025-03-31")
    .cache_ttl(Duration::from_secs(1800)),
    ActionDescription::list(
        "top100",
        "The Top 100 tracks of a genre, or the overall Top 100, with chart positions",
    )
    .params(&TOP100_PARAMS)
    .example("genre_id=6&limit=100")
    .cache_ttl(Duration::from_secs(600)),
    ActionDescription::list("genres", "Beatport's genres with their ids and slugs")
        .example("")
        .cache_ttl(Duration::from_secs(86_400)),
];

register_site!(SITE, build);

fn build(_: &SiteSettings) -> Result<Box<dyn Scraper>, String> {
    Ok(Box::new(Beatport::default()))
}

/// The Beatport scraper; its one piece of state is the anonymous API token.
#[derive(Debug, Default)]
pub struct Beatport {
    upstream: upstream::Upstream,
}

#[scraper_core::async_trait]
impl Scraper for Beatport {
    async fn scrape(
        &self,
        ctx: &Context,
        action: &str,
        params: &Params,
    ) -> Result<Output, ScrapeError> {
        let up = &self.upstream;
        match action {
            "search" => actions::search::run(ctx, params).await,
            "track" => actions::track::run(up, ctx, params).await,
            "release" => actions::release::run(up, ctx, params).await,
            "releases" => actions::releases::run(up, ctx, params).await,
            "top100" => actions::top100::run(up, ctx, params).await,
            "genres" => actions::genres::run(up, ctx, params).await,
            other => Err(ScrapeError::internal(format!(
                "beatport has no handler for action '{other}'"
            ))),
        }
    }
}
