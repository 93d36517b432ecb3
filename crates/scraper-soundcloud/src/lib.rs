//! SoundCloud: profiles, search, a user's tracks and single tracks — through the api-v2 JSON API
//! the web app uses, with the web app's public `client_id` discovered from the homepage.

mod actions;
mod api;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod lenient;
pub mod model;
mod paging;
pub mod parse;
mod raw;
mod target;

use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::{Credential, Secret, SiteDescription, SiteState, item, list, register_site};
use serde::Deserialize;

use crate::actions::{profile, search, track, tracks};
use crate::parse::client_id::is_client_id;

/// The soundcloud.com hosts whose page URLs a client may pass in `user` and `url`.
const PAGE_HOSTS: &[&str] = &["soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"];

/// SoundCloud as the registry and the catalogue see it.
pub static SITE: SiteDescription =
    SiteDescription::new("soundcloud", "SoundCloud", "https://soundcloud.com")
        .hosts(&[
            "soundcloud.com",
            "www.soundcloud.com",
            "m.soundcloud.com",
            "api-v2.soundcloud.com",
            "a-v2.sndcdn.com",
        ])
        .param_hosts(PAGE_HOSTS)
        .headers(&[
            ("origin", "https://soundcloud.com"),
            ("referer", "https://soundcloud.com/"),
        ])
        .secret_query_params(&["client_id"])
        .state::<SoundCloud>()
        .probe("profile", "user=dubmatix")
        .probe_settings(&[("client_id", "probeclientid0123456789")])
        .actions(&[
            item!(profile)
                .summary("A user's profile, with the links shown on it")
                .example("user=dubmatix")
                .cache_ttl(Duration::from_secs(600)),
            list!(search)
                .summary("Users, tracks or playlists matching a query")
                .example("q=dubmatix&type=users")
                .cache_ttl(Duration::from_secs(300)),
            list!(tracks)
                .summary("A user's public tracks, newest first")
                .example("user=dubmatix")
                .cache_ttl(Duration::from_secs(300)),
            item!(track)
                .summary("One track, by URL or id")
                .one_of(&[&["url", "id"]])
                .example("url=https%3A%2F%2Fsoundcloud.com%2Fblakewhiten%2Fhard-to-break")
                .cache_ttl(Duration::from_secs(600)),
        ]);

register_site!(SITE);

/// SoundCloud's settings.
#[derive(Deserialize, JsonSchema)]
struct Settings {
    /// Use this api-v2 client_id instead of discovering one from the homepage (a refused one is still replaced)
    client_id: Option<Secret>,
}

/// What SoundCloud keeps across requests: the api-v2 client_id, shared by every request.
struct SoundCloud {
    client_id: Credential<String>,
}

impl SiteState for SoundCloud {
    type Settings = Settings;

    fn build(settings: Settings) -> Result<Self, String> {
        let pinned = settings.client_id.map(|id| id.expose().to_owned());
        if pinned.as_deref().is_some_and(|id| !is_client_id(id)) {
            return Err(format!(
                "{} must be 20-64 ASCII letters and digits",
                SITE.setting_env_var("client_id")
            ));
        }
        Ok(Self {
            client_id: Credential::new("client_id").with(pinned),
        })
    }
}
