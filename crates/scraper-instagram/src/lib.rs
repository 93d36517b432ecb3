//! Instagram: profiles and posts, logged out first, with an operator session when one is given.
//!
//! - [`model`]: the records the actions answer; [`input`]: the `user` parameter;
//!   [`request`]: the upstream requests as values; [`parse`]: the pure parsers of Instagram's
//!   three answers — `web_profile_info`, the GraphQL user timeline and the REST user feed — and
//!   the classifier of its refusals.
//! - `session`: the settings (ids that rotate, the optional `sessionid`) and the state built
//!   from them; `api`: the upstream calls; `paging`: the walk over the three sources of posts
//!   and the cursor; `actions`: the typed handlers.

mod actions;
mod api;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod input;
pub mod model;
mod paging;
pub mod parse;
pub mod request;
mod session;

use std::time::Duration;

use scraper_core::{SiteDescription, item, list, register_site};

use crate::actions::{posts, profile};
use crate::session::Instagram;

/// Instagram as the registry and the catalogue see it.
pub static SITE: SiteDescription =
    SiteDescription::new("instagram", "Instagram", "https://www.instagram.com")
        .hosts(&[
            "www.instagram.com",
            "instagram.com",
            "i.instagram.com",
            "m.instagram.com",
        ])
        .param_hosts(&input::HOSTS)
        .headers(&[
            ("sec-fetch-dest", "empty"),
            ("sec-fetch-mode", "cors"),
            ("sec-fetch-site", "same-origin"),
        ])
        // Instagram blocks addresses that ask much at once.
        .max_in_flight(2)
        .state::<Instagram>()
        .probe("profile", "user=nasa")
        .actions(&[
            item!(profile)
                .summary("An account's profile: name, bio, link, counts, verified, private and business flags")
                .details(
                    "From Instagram's web_profile_info, as its web client asks for it. A private account is answered too, with private: true. \
                     Instagram limits logged-out clients quickly (HTTP 401 or 429, then login walls for a while): answers are cached for an hour, \
                     at most 2 requests go to Instagram at once, and an operator may set TECHNO_SCRAPER_INSTAGRAM_SESSIONID (a logged-in session's \
                     cookie) for the calls to work where Instagram asks for a login.",
                )
                .example("user=nasa")
                .cache_ttl(Duration::from_secs(3600)),
            list!(posts)
                .summary("An account's posts, newest first (pinned posts first), paged")
                .details(
                    "Three sources are tried in order for every page, each failure falling through to the next: the GraphQL user timeline, \
                     the 12 posts of web_profile_info (first page only), and the REST user feed; the error reported when all fail is the most \
                     telling one. Instagram serves 12 posts a request: a larger limit costs more requests. A private account answers the \
                     private error code; logged out, Instagram may show an account's posts only to logged-in visitors (login_required) \
                     unless TECHNO_SCRAPER_INSTAGRAM_SESSIONID is set. Answers are cached for 15 minutes; at most 2 requests go to Instagram \
                     at once. Media URLs (display_url) expire after some days.",
                )
                .example("user=nasa&limit=12")
                .cache_ttl(Duration::from_secs(900)),
        ]);

register_site!(SITE);
