//! SoundCloud: profiles, search, a user's tracks and single tracks — through the api-v2 JSON API
//! the web app uses, with the web app's public `client_id` discovered from the homepage.

mod actions;
mod api;
mod lenient;
pub mod model;
mod paging;
pub mod parse;
mod raw;
mod target;

use std::time::Duration;

use scraper_core::{
    ActionDescription, Context, Output, ParamDescription, Params, ScrapeError, Scraper, Setting,
    SiteDescription, SiteSettings, register_site,
};

use crate::api::ClientIds;
use crate::parse::client_id::is_client_id;

/// SoundCloud as the registry and the catalogue see it.
pub static SITE: SiteDescription = SiteDescription::new(
    "soundcloud",
    "SoundCloud",
    "https://soundcloud.com",
    &["soundcloud.com", "www.soundcloud.com", "m.soundcloud.com", "api-v2.soundcloud.com", "a-v2.sndcdn.com"],
    &ACTIONS,
)
.settings(&[Setting::new(
    "client_id",
    "Use this api-v2 client_id instead of discovering one from the homepage (a refused one is still replaced)",
)
.secret()])
.headers(&[("origin", "https://soundcloud.com"), ("referer", "https://soundcloud.com/")])
.secret_query_params(&["client_id"]);

static ACTIONS: [ActionDescription; 4] = [
    ActionDescription::item("profile", "A user's profile, with the links shown on it")
        .params(&[ParamDescription::string("user")
            .required()
            .describe("Handle (dubmatix), numeric id (542134) or profile URL")])
        .example("user=dubmatix")
        .cache_ttl(Duration::from_secs(600)),
    ActionDescription::list("search", "Users, tracks or playlists matching a query")
        .params(&[
            ParamDescription::string("q")
                .required()
                .describe("What to search for"),
            ParamDescription::string("type")
                .allowed(&["users", "tracks", "playlists", "all"])
                .default("users")
                .describe("What to search: users (default), tracks, playlists, or all of them"),
        ])
        .example("q=dubmatix&type=users")
        .cache_ttl(Duration::from_secs(300)),
    ActionDescription::list("tracks", "A user's public tracks, newest first")
        .params(&[ParamDescription::string("user")
            .required()
            .describe("Handle (dubmatix), numeric id (542134) or profile URL")])
        .example("user=dubmatix")
        .cache_ttl(Duration::from_secs(300)),
    ActionDescription::item("track", "One track, by URL or id")
        .params(&[
            ParamDescription::string("url").describe(
                "Track URL (https://soundcloud.com/<user>/<track>); a #t= fragment is ignored",
            ),
            ParamDescription::integer("id")
                .range(1, i64::MAX)
                .describe("Numeric track id"),
        ])
        .one_of(&["url", "id"])
        .example("url=https%3A%2F%2Fsoundcloud.com%2Fblakewhiten%2Fhard-to-break")
        .cache_ttl(Duration::from_secs(600)),
];

register_site!(SITE, build);

fn build(settings: &SiteSettings) -> Result<Box<dyn Scraper>, String> {
    let pinned = settings.get("client_id");
    if pinned.is_some_and(|id| !is_client_id(id)) {
        return Err(format!(
            "{} must be 20-64 ASCII letters and digits",
            SITE.setting_env_var("client_id")
        ));
    }
    Ok(Box::new(SoundCloud {
        ids: ClientIds::new(pinned),
    }))
}

/// The SoundCloud scraper: one per process, sharing its client_id across requests.
#[derive(Debug)]
pub struct SoundCloud {
    ids: ClientIds,
}

#[scraper_core::async_trait]
impl Scraper for SoundCloud {
    async fn scrape(
        &self,
        ctx: &Context,
        action: &str,
        params: &Params,
    ) -> Result<Output, ScrapeError> {
        let api = actions::Api {
            ctx,
            ids: &self.ids,
        };
        match action {
            "profile" => api.profile(params).await,
            "search" => api.search(params).await,
            "tracks" => api.tracks(params).await,
            "track" => api.track(params).await,
            other => Err(ScrapeError::internal(format!(
                "soundcloud has no action '{other}'"
            ))),
        }
    }
}
