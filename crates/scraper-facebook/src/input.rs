//! The parameters of the Facebook actions — `page` (a name, a numeric id or a facebook.com URL),
//! `when`, an event's `url` or `id` — read into what to fetch, and the canonical URLs fetched.
//!
//! Accepted hosts: `facebook.com` with `www.`, `m.`, `mobile.`, `touch.`, `web.`, `mbasic.` and
//! the locale hosts (`de-de.facebook.com`). Refused, as `invalid_params` naming the parameter and
//! before anything is fetched: any other host (`fb.com`, `fb.me`, `l.facebook.com`, lookalikes),
//! IP literals, ports, credentials, and paths that are not a page: Facebook's own routes
//! ([`RESERVED`]: `login`, `watch`, `groups`, `events` for a page, `share` links...).

use scraper_core::ScrapeError;
use scraper_core::refs::{looks_like_url, parse_handle, parse_site_url};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::parse::json::is_numeric_id;

/// Host patterns a user URL may name (then narrowed to [`SUBDOMAINS`] and locale hosts).
const HOST_PATTERNS: &[&str] = &["facebook.com", "*.facebook.com"];

/// The subdomains of facebook.com that serve pages and events.
pub const SUBDOMAINS: &[&str] = &["www", "m", "mobile", "touch", "web", "mbasic"];

/// First path segments that are Facebook's routes, not pages (lowercase).
pub const RESERVED: &[&str] = &[
    "about",
    "ad_campaign",
    "ads",
    "ajax",
    "api",
    "apps",
    "bookmarks",
    "business",
    "campaign",
    "checkpoint",
    "comment",
    "composer",
    "cookie",
    "dialog",
    "docs",
    "events",
    "events.php",
    "facebook",
    "find-friends",
    "friends",
    "fundraisers",
    "gaming",
    "games",
    "graph",
    "groups",
    "hashtag",
    "help",
    "home",
    "home.php",
    "jobs",
    "l.php",
    "legal",
    "live",
    "login",
    "login.php",
    "logout",
    "marketplace",
    "me",
    "media",
    "memories",
    "messages",
    "notes",
    "notifications",
    "oauth",
    "p",
    "pages",
    "people",
    "permalink.php",
    "pg",
    "photo",
    "photo.php",
    "photos",
    "plugins",
    "policies",
    "policy",
    "privacy",
    "profile.php",
    "r.php",
    "recover",
    "reel",
    "reels",
    "reg",
    "saved",
    "search",
    "settings",
    "share",
    "sharer",
    "sharer.php",
    "signup",
    "stories",
    "story.php",
    "terms",
    "tr",
    "video.php",
    "videos",
    "watch",
    "x",
];

/// Which events of a page: the `when` parameter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum When {
    /// Events to come (`/upcoming_hosted_events`), the default.
    #[default]
    Upcoming,
    /// Events that took place (`/past_hosted_events`).
    Past,
}

impl When {
    /// Reads `when`: `upcoming` (also when absent or empty) or `past`.
    pub fn parse(input: Option<&str>) -> Result<Self, ScrapeError> {
        match input
            .map(str::trim)
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "" | "upcoming" => Ok(Self::Upcoming),
            "past" => Ok(Self::Past),
            _ => Err(ScrapeError::invalid_param(
                "when",
                "parameter 'when' must be upcoming or past",
            )),
        }
    }

    /// The events tab of a page for this value (`upcoming_hosted_events`, `past_hosted_events`).
    pub fn tab(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming_hosted_events",
            Self::Past => "past_hosted_events",
        }
    }
}

/// What a `page` parameter designates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRef {
    /// A page's vanity name, as in `https://www.facebook.com/heymeedan`.
    Slug(String),
    /// A numeric id: a page's, or the profile id of a page of the 2021+ kind.
    Id(String),
    /// A page known by a path without a vanity name, fetched under it: `/pages/<Name>/<id>/`,
    /// `/pages/category/<Category>/<name>-<id>/`, `/people/<Name>/<id>/`, `/p/<Name>-<id>/`,
    /// `/<Name>-<id>/`.
    Path {
        /// The path, percent-encoded, with a trailing slash.
        path: String,
        /// The numeric id at its end.
        id: String,
    },
}

impl PageRef {
    /// The page to fetch for the `page` action: `https://www.facebook.com/<slug>/`,
    /// `https://www.facebook.com/<id>/` (Facebook redirects it to the vanity name), or the
    /// classic path.
    pub fn page_url(&self) -> String {
        match self {
            Self::Slug(slug) => format!("https://www.facebook.com/{slug}/"),
            Self::Id(id) => format!("https://www.facebook.com/{id}/"),
            Self::Path { path, .. } => format!("https://www.facebook.com{path}"),
        }
    }

    /// The events tab to fetch for the `events` action:
    /// `https://www.facebook.com/<slug>/upcoming_hosted_events` (or `past_hosted_events`), and
    /// `https://www.facebook.com/profile.php?id=<id>&sk=upcoming_hosted_events` for an id.
    pub fn events_url(&self, when: When) -> String {
        match self {
            Self::Slug(slug) => format!("https://www.facebook.com/{slug}/{}", when.tab()),
            Self::Id(id) | Self::Path { id, .. } => format!(
                "https://www.facebook.com/profile.php?id={id}&sk={}",
                when.tab()
            ),
        }
    }

    /// The numeric id, when the parameter named one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Slug(_) => None,
            Self::Id(id) | Self::Path { id, .. } => Some(id),
        }
    }
}

/// Reads the `page` parameter: a vanity name (`heymeedan`, `@heymeedan`), a numeric id, or a URL
/// of a page on facebook.com (`/heymeedan`, `/heymeedan/events`, `/pg/heymeedan/about`,
/// `/pages/Meedan/105510962816034`, `/pages/category/Media/Meedan-105510962816034/`,
/// `/profile.php?id=100067935271247`, `/people/Name/100067935271247/`,
/// `/p/Name-100067935271247/`, `/<Name>-<id>/`, with any query string).
pub fn parse_page_ref(input: &str) -> Result<PageRef, ScrapeError> {
    const PARAM: &str = "page";
    let input = input.trim();
    if !looks_like_url(input) {
        let handle = parse_handle(PARAM, input).map_err(|_| not_a_page(None))?;
        if is_numeric_id(handle) {
            return Ok(PageRef::Id(handle.to_owned()));
        }
        return slug(handle).ok_or_else(|| not_a_page(None));
    }
    let url = facebook_url(PARAM, input)?;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let first = segments.first().map(|s| s.to_ascii_lowercase());
    match (first.as_deref(), segments.as_slice()) {
        (Some("profile.php"), _) => url
            .query_pairs()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.trim().to_owned())
            .filter(|id| is_numeric_id(id))
            .map(PageRef::Id)
            .ok_or_else(|| not_a_page(Some("a profile.php URL needs a numeric id=..."))),
        (Some("pages"), [_, category, _, name, ..])
            if category.eq_ignore_ascii_case("category") =>
        {
            classic_path(&segments[..4], name)
        }
        (Some("pages"), [_, _, id, ..]) if is_numeric_id(id) => classic_path(&segments[..3], id),
        (Some("people"), [_, _, id, ..]) if is_numeric_id(id) => classic_path(&segments[..3], id),
        (Some("pg"), [_, name, ..]) => slug(name).ok_or_else(|| not_a_page(None)),
        // A page without a vanity name as Facebook links it since 2023: `/p/<Name>-<id>/`.
        (Some("p"), [_, name, ..]) => classic_path(&segments[..2], name),
        (Some("events" | "events.php" | "event.php"), _) => Err(not_a_page(Some(
            "this is an event URL: use the event action with it",
        ))),
        (Some("groups"), _) => Err(not_a_page(Some("groups are not supported"))),
        (Some(route), _) if RESERVED.contains(&route) => Err(not_a_page(Some(&format!(
            "/{route} is one of Facebook's own routes, not a page"
        )))),
        (Some(_), [name, ..]) if is_numeric_id(name) => Ok(PageRef::Id((*name).to_owned())),
        // A page without a vanity name: `/<Name>-<id>/` (the name often percent-encoded; vanity
        // names have no `-`).
        (Some(_), [name, ..])
            if name
                .rsplit_once('-')
                .is_some_and(|(_, id)| is_numeric_id(id)) =>
        {
            classic_path(&segments[..1], name)
        }
        (Some(_), [name, ..]) => slug(name).ok_or_else(|| not_a_page(None)),
        _ => Err(not_a_page(Some("the URL names no page"))),
    }
}

/// A path kept as it is (`/pages/...`, `/people/...`, `/<Name>-<id>`), with the numeric id at
/// its end.
fn classic_path(segments: &[&str], last: &str) -> Result<PageRef, ScrapeError> {
    let id = last.rsplit('-').next().unwrap_or(last);
    if !is_numeric_id(id) {
        return Err(not_a_page(Some(
            "a page URL without a vanity name ends with the page's numeric id",
        )));
    }
    Ok(PageRef::Path {
        path: format!("/{}/", segments.join("/")),
        id: id.to_owned(),
    })
}

/// A vanity name: letters, digits, `.`, `-`, `_`, not one of Facebook's routes.
fn slug(name: &str) -> Option<PageRef> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && name.bytes().any(|b| b.is_ascii_alphabetic())
        && !name.starts_with('.')
        && !name.to_ascii_lowercase().ends_with(".php")
        && !RESERVED.contains(&name.to_ascii_lowercase().as_str());
    valid.then(|| PageRef::Slug(name.to_owned()))
}

fn not_a_page(why: Option<&str>) -> ScrapeError {
    let base = "parameter 'page' must be a Facebook page: a name like heymeedan, a numeric id or a \
                page URL on facebook.com";
    ScrapeError::invalid_param(
        "page",
        match why {
            Some(why) => format!("{base} ({why})"),
            None => base.to_owned(),
        },
    )
}

/// A URL on one of the accepted facebook.com hosts, or `invalid_params` for `param`.
fn facebook_url(param: &'static str, input: &str) -> Result<Url, ScrapeError> {
    let url = parse_site_url(param, input, HOST_PATTERNS)?;
    let host = url.host_str().unwrap_or_default();
    let sub = host.strip_suffix("facebook.com").unwrap_or(host);
    let sub = sub.strip_suffix('.').unwrap_or(sub);
    let locale = sub.len() == 5
        && sub.as_bytes()[2] == b'-'
        && sub
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 2 || b.is_ascii_lowercase());
    if sub.is_empty() || SUBDOMAINS.contains(&sub) || locale {
        Ok(url)
    } else {
        Err(ScrapeError::invalid_param(
            param,
            format!(
                "parameter '{param}' must be a URL of www.facebook.com (or m., web., mbasic.), \
                 not of {host}"
            ),
        ))
    }
}

/// The page of event `id`: `https://www.facebook.com/events/<id>/`.
pub fn event_url(id: &str) -> String {
    format!("https://www.facebook.com/events/{id}/")
}

/// Reads an event's `id` parameter: Facebook's numeric event id.
pub fn parse_event_id(input: &str) -> Result<String, ScrapeError> {
    let id = input.trim();
    if is_numeric_id(id) {
        Ok(id.to_owned())
    } else {
        Err(ScrapeError::invalid_param(
            "id",
            "parameter 'id' must be a numeric Facebook event id (give links as 'url')",
        ))
    }
}

/// Reads an event's `url` parameter into the event's id: `/events/<id>/` on an accepted host,
/// with any query (`?ref=...`, `?event_time_id=...`), the canonical
/// `/events/<venue>/<name>/<id>/`, a recurring event's `/events/<id>/<occurrence>/` (the first
/// id), `/events/s/<name>/<id>/`, and the old `event.php?eid=<id>`. A bare numeric id is taken too.
pub fn parse_event_url(input: &str) -> Result<String, ScrapeError> {
    const PARAM: &str = "url";
    let input = input.trim();
    if is_numeric_id(input) {
        return Ok(input.to_owned());
    }
    let url = facebook_url(PARAM, input)?;
    event_id_in_path(&url).ok_or_else(|| {
        ScrapeError::invalid_param(
            PARAM,
            "parameter 'url' must be the URL of a Facebook event: \
             https://www.facebook.com/events/<id>/",
        )
    })
}

/// The event id in a facebook.com URL's path (`/events/.../<id>/...`, `event.php?eid=<id>`).
pub(crate) fn event_id_in_path(url: &Url) -> Option<String> {
    let mut segments = url.path_segments()?.filter(|s| !s.is_empty());
    match segments.next()?.to_ascii_lowercase().as_str() {
        "events" => segments.find(|s| is_numeric_id(s)).map(str::to_owned),
        "event.php" => url
            .query_pairs()
            .find(|(k, _)| k == "eid")
            .map(|(_, v)| v.into_owned())
            .filter(|id| is_numeric_id(id)),
        _ => None,
    }
}
