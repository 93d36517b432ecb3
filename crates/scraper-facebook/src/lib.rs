//! Facebook: pages, a page's events (upcoming or past) and single events, logged out.
//!
//! Every action is a plain navigation to a `https://www.facebook.com/...` page with a desktop
//! browser's headers ([`upstream`]), whose HTML is read by pure parsers ([`parse`]) into the
//! records of [`model`]. What to fetch comes from the parameters ([`input`]); what is not the page
//! asked for — a login wall, a checkpoint, "this content isn't available" — is recognised by its
//! URL, its status or its content ([`walls`]), never answered as an empty success. An optional
//! session cookie (an operator setting) gets past login walls; without it everything works
//! logged out.

mod actions;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod input;
pub mod model;
pub mod parse;
mod upstream;
pub mod walls;

use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::{ScrapeError, Secret, SiteDescription, SiteState, item, list, register_site};
use serde::Deserialize;

use crate::actions::{event, events, page};

/// A handler's context with this site's state.
type Cx = scraper_core::Cx<Facebook>;

/// Hosts this site contacts and accepts in URL parameters (`www.`, `m.`, `web.`, `mbasic.`...,
/// narrowed further by [`input`]); the session cookie goes to these hosts only.
const HOSTS: &[&str] = &["facebook.com", "*.facebook.com"];

/// What Facebook expects of a page navigation: without the `Sec-Fetch-*` headers of a browser
/// (and a browser's User-Agent, which the core sends), it answers HTTP 400.
const HEADERS: &[(&str, &str)] = &[
    (
        "accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    ),
    ("accept-language", "en-US,en;q=0.9"),
    ("sec-fetch-dest", "document"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-site", "none"),
    ("sec-fetch-user", "?1"),
];

/// Facebook as the registry and the catalogue see it.
pub static SITE: SiteDescription =
    SiteDescription::new("facebook", "Facebook", "https://www.facebook.com")
        .hosts(HOSTS)
        .param_hosts(HOSTS)
        .headers(HEADERS)
        // Facebook blocks bursts from one address quickly: stay well below the gateway's bound.
        .max_in_flight(2)
        .state::<Facebook>()
        // Facebook's own wall reading (walls.rs) runs in the parsers.
        .login_form_everywhere()
        .probe("page", "page=heymeedan")
        .actions(&[
            item!(page)
                .summary("A page: name, description, picture, likes, followers, category")
                .details(
                    "Read from the page's HTML as Facebook serves it logged out (the og:* tags, \
                     the embedded JSON, the classic layout's markup). `page` is the page's name \
                     as in its URL, its numeric id, or a facebook.com URL (www., m., web., \
                     mbasic.), including /pages/<Name>/<id>, /p/<Name>-<id> and \
                     profile.php?id=<id>. Counts shown rounded (\"3.7K followers\") are answered \
                     as numbers (3700). Some pages show only a login wall logged out: that is \
                     `login_required`, unless the operator set a session cookie.",
                )
                .example("page=heymeedan")
                .cache_ttl(Duration::from_secs(3600)),
            list!(events)
                .summary("A page's events, upcoming or past, in Facebook's order")
                .details(
                    "The page's events tab (/<page>/upcoming_hosted_events or \
                     /past_hosted_events; profile.php?id=<id>&sk=... for a page known by its id). \
                     Logged out, Facebook shows only the first ~8 events of a tab and offers no \
                     way to the rest: they are answered in Facebook's order, `next_cursor` is \
                     always null, and `meta.complete` is false when the page says more exist \
                     (or when `limit` cut the list). Start times come from Facebook's \
                     timestamps, in UTC.",
                )
                .example("page=GrandStrandHashing&when=upcoming")
                .cache_ttl(Duration::from_secs(900)),
            item!(event)
                .summary("One event: time, place, description, tickets, hosts")
                .details(
                    "The event page https://www.facebook.com/events/<id>/ read from the JSON it \
                     embeds (2023 and 2026 layouts). Give `id` (the numeric event id) or `url` \
                     (an event URL on facebook.com, tracking query strings and recurring \
                     occurrences included). `end_time` is null when the host set no end; \
                     `place` is null for online events.",
                )
                .one_of(&[&["id", "url"]])
                .example("id=602005831971873")
                .cache_ttl(Duration::from_secs(900)),
        ]);

register_site!(SITE);

/// Facebook's settings.
#[derive(Deserialize, JsonSchema)]
struct Settings {
    /// Cookie of a logged-in session ("c_user=...; xs=...", as RSSHub's FACEBOOK_COOKIE), sent to facebook.com only, to get past login walls
    cookie: Option<Secret>,
}

/// What Facebook keeps across requests: the operator's session cookie, if any.
struct Facebook {
    cookie: Option<Secret>,
}

impl SiteState for Facebook {
    type Settings = Settings;

    fn build(settings: Settings) -> Result<Self, String> {
        let cookie = settings.cookie.filter(|c| !c.expose().trim().is_empty());
        if let Some(cookie) = &cookie {
            check_cookie(cookie.expose())
                .map_err(|why| format!("{} {why}", SITE.setting_env_var("cookie")))?;
        }
        Ok(Self { cookie })
    }
}

impl Facebook {
    /// The `Cookie` header value, when the operator set one.
    fn cookie(&self) -> Option<&str> {
        self.cookie.as_ref().map(|c| c.expose().trim())
    }

    /// `error`, saying what a login wall means when a session cookie was sent.
    fn explain(&self, error: ScrapeError) -> ScrapeError {
        match error {
            ScrapeError::LoginRequired(detail) if self.cookie.is_some() => {
                ScrapeError::LoginRequired(format!(
                    "{detail}; the session cookie ({}) was sent and not accepted: it has \
                     probably expired",
                    SITE.setting_env_var("cookie")
                ))
            }
            other => other,
        }
    }
}

/// Why a cookie setting is unusable (never quoting it): it must be a `Cookie` header value with a
/// logged-in session's `c_user` and `xs`.
fn check_cookie(cookie: &str) -> Result<(), &'static str> {
    let cookie = cookie.trim();
    if !cookie
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        return Err("must be a Cookie header value (printable ASCII on one line)");
    }
    let has = |name: &str| {
        cookie.split(';').any(|pair| {
            pair.split_once('=')
                .is_some_and(|(k, v)| k.trim() == name && !v.trim().is_empty())
        })
    };
    if has("c_user") && has("xs") {
        Ok(())
    } else {
        Err("must hold a logged-in session's c_user and xs (\"c_user=...; xs=...\")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_need_a_session() {
        assert!(check_cookie("c_user=100001234567890; xs=12%3Aabc%3A2%3A1700000000").is_ok());
        assert!(check_cookie(" datr=x; c_user=1;xs=a ").is_ok());
        assert!(check_cookie("c_user=1").is_err());
        assert!(check_cookie("xs=1; c_user=").is_err());
        assert!(check_cookie("c_user=1; xs=a\r\nX-Evil: 1").is_err());
        assert!(check_cookie("c_user=1; xs=é").is_err());
    }
}
