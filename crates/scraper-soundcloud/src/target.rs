//! What a `user` or `url` parameter designates, read before any request: a handle, a numeric id,
//! or a soundcloud.com URL reduced to the canonical form `resolve` knows.

use scraper_core::refs::looks_like_url;
use scraper_core::{
    EntityRef, ScrapeError, SiteDescription, parse_entity_ref, parse_handle, parse_site_url,
};
use url::Url;

/// Hosts whose URLs a client may pass: the site's page hosts ([`SiteDescription::param_hosts`])
/// and the API hosts, whose URLs are only read for the id they name (`/users/<id>`,
/// `/tracks/<id>`), never fetched as given.
const URL_HOSTS: &[&str] = &[
    "soundcloud.com",
    "www.soundcloud.com",
    "m.soundcloud.com",
    "api.soundcloud.com",
    "api-v2.soundcloud.com",
];

/// First path segments of soundcloud.com that are app pages, not users.
const RESERVED: &[&str] = &[
    "charts",
    "discover",
    "feed",
    "jobs",
    "logout",
    "messages",
    "mobile",
    "notifications",
    "pages",
    "people",
    "playlists",
    "popular",
    "pro",
    "search",
    "settings",
    "signin",
    "stations",
    "stream",
    "tags",
    "terms-of-use",
    "tracks",
    "upload",
    "you",
];

/// A user, as `user` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UserRef {
    /// A numeric id: `users/{id}` directly.
    Id(u64),
    /// A handle (lowercase): `resolve?url=https://soundcloud.com/<handle>`.
    Handle(String),
    /// A track or playlist page (canonical URL): the user is its owner, read from `resolve`.
    Page(String),
}

impl UserRef {
    /// The profile URL `resolve` takes, for a handle.
    pub(crate) fn page_url(handle: &str) -> String {
        format!("https://soundcloud.com/{handle}")
    }
}

/// A track, as `url` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TrackRef {
    /// A numeric id (`api.soundcloud.com/tracks/123` URLs).
    Id(u64),
    /// The track page, canonical: `https://soundcloud.com/<user>/<track>[/<secret>]`.
    Page(String),
}

/// Tabs of a profile page (`/<handle>/tracks`, ...): they designate the user, not content.
const PROFILE_TABS: &[&str] = &[
    "albums",
    "comments",
    "followers",
    "following",
    "likes",
    "popular-tracks",
    "reposts",
    "sets",
    "spotlight",
    "toptracks",
    "tracks",
];

/// Reads `user`: a handle, a numeric id, or a URL: a profile (or one of its tabs), or a track or
/// playlist page, which designates its owner.
pub(crate) fn user_ref(input: &str, site: &SiteDescription) -> Result<UserRef, ScrapeError> {
    if !looks_like_url(input) {
        return match parse_entity_ref("user", input, site)? {
            EntityRef::Id(id) => Ok(UserRef::Id(id)),
            EntityRef::Handle(handle) => Ok(UserRef::Handle(handle.to_ascii_lowercase())),
            EntityRef::Url(_) => Err(not_a("user", "a SoundCloud user")),
        };
    }
    let url = parse_site_url("user", input, URL_HOSTS)?;
    let segments = segments(&url);
    if is_api_host(&url) {
        return match segments.as_slice() {
            ["users", id] => id
                .parse()
                .map(UserRef::Id)
                .map_err(|_| not_a("user", "a SoundCloud user")),
            _ => Err(not_a("user", "a SoundCloud user")),
        };
    }
    let Some((first, rest)) = segments.split_first() else {
        return Err(not_a("user", "a SoundCloud profile"));
    };
    if RESERVED.contains(first) {
        return Err(not_a("user", "a SoundCloud profile"));
    }
    let handle = parse_handle("user", first)
        .map_err(|_| not_a("user", "a SoundCloud profile"))?
        .to_ascii_lowercase();
    match rest {
        [tab, ..] if PROFILE_TABS.contains(tab) && !matches!(rest, ["sets", _, ..]) => {
            Ok(UserRef::Handle(handle))
        }
        [_, ..] => {
            Ok(content_page("user", &segments).map_or(UserRef::Handle(handle), UserRef::Page))
        }
        [] => Ok(UserRef::Handle(handle)),
    }
}

/// Reads a track `url`: `https://soundcloud.com/<user>/<track>` (query and fragment such as
/// `#t=130` dropped, `m.`/`www.` hosts folded), or an API URL of a track id.
pub(crate) fn track_ref(input: &str) -> Result<TrackRef, ScrapeError> {
    let url = parse_site_url("url", input, URL_HOSTS)?;
    let segments = segments(&url);
    if is_api_host(&url) {
        return match segments.as_slice() {
            ["tracks", id] => id
                .parse()
                .map(TrackRef::Id)
                .map_err(|_| not_a("url", "a SoundCloud track")),
            _ => Err(not_a("url", "a SoundCloud track")),
        };
    }
    match segments.as_slice() {
        [_, "sets", ..] => Err(not_a("url", "a SoundCloud track")),
        _ => content_page("url", &segments).map(TrackRef::Page),
    }
}

/// The canonical URL of a track (`/<user>/<track>[/<secret>]`) or playlist
/// (`/<user>/sets/<playlist>[/<secret>]`) page: permalinks lowercased, a secret token kept as is.
fn content_page(param: &'static str, segments: &[&str]) -> Result<String, ScrapeError> {
    let bad = || not_a(param, "a SoundCloud track");
    let (user, rest) = segments.split_first().ok_or_else(bad)?;
    let (permalinks, secret): (Vec<&str>, Option<&str>) = match rest {
        ["sets", playlist] => (vec![user, "sets", playlist], None),
        ["sets", playlist, secret] => (vec![user, "sets", playlist], Some(secret)),
        [track] => (vec![user, track], None),
        [track, secret] => (vec![user, track], Some(secret)),
        _ => return Err(bad()),
    };
    if RESERVED.contains(user) || (permalinks.len() == 2 && PROFILE_TABS.contains(&permalinks[1])) {
        return Err(bad());
    }
    let mut page = String::from("https://soundcloud.com");
    for part in permalinks {
        page.push('/');
        page.push_str(
            &parse_handle(param, part)
                .map_err(|_| bad())?
                .to_ascii_lowercase(),
        );
    }
    if let Some(secret) = secret {
        page.push('/');
        page.push_str(parse_handle(param, secret).map_err(|_| bad())?);
    }
    Ok(page)
}

fn is_api_host(url: &Url) -> bool {
    matches!(
        url.host_str(),
        Some("api.soundcloud.com" | "api-v2.soundcloud.com")
    )
}

fn segments(url: &Url) -> Vec<&str> {
    url.path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

fn not_a(param: &'static str, what: &str) -> ScrapeError {
    ScrapeError::invalid_param(
        param,
        format!("parameter '{param}' must be the URL of {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(input: &str) -> Result<UserRef, ScrapeError> {
        user_ref(input, &crate::SITE)
    }

    #[test]
    fn page_hosts_are_url_hosts() {
        for host in crate::SITE.url_hosts() {
            assert!(URL_HOSTS.contains(host), "{host}");
        }
        assert!(!crate::SITE.url_hosts().contains(&"api-v2.soundcloud.com"));
    }

    #[test]
    fn users_from_handles_ids_and_urls() {
        let handle = |h: &str| UserRef::Handle(h.into());
        assert_eq!(user("dubmatix").unwrap(), handle("dubmatix"));
        assert_eq!(user("@DubMatix").unwrap(), handle("dubmatix"));
        assert_eq!(user("542134").unwrap(), UserRef::Id(542134));
        assert_eq!(
            user("https://soundcloud.com/dubmatix").unwrap(),
            handle("dubmatix")
        );
        assert_eq!(
            user("http://m.soundcloud.com/dubmatix/?ref=x#about").unwrap(),
            handle("dubmatix")
        );
        assert_eq!(
            user("https://soundcloud.com/dubmatix/tracks").unwrap(),
            handle("dubmatix")
        );
        assert_eq!(
            user("https://soundcloud.com/dubmatix/sets").unwrap(),
            handle("dubmatix")
        );
        assert_eq!(
            user("https://soundcloud.com/dubmatix/popular-tracks").unwrap(),
            handle("dubmatix")
        );
        assert_eq!(
            user("https://soundcloud.com/dubmatix/a/b/c/d").unwrap(),
            handle("dubmatix")
        );
        let page = |p: &str| UserRef::Page(p.into());
        assert_eq!(
            user("soundcloud.com/User-722618400/A-Real-Playa#t=3").unwrap(),
            page("https://soundcloud.com/user-722618400/a-real-playa")
        );
        assert_eq!(
            user("https://www.soundcloud.com/dubmatix/sets/x").unwrap(),
            page("https://soundcloud.com/dubmatix/sets/x")
        );
        assert_eq!(
            user("https://soundcloud.com/a/b/s-SeCrEt").unwrap(),
            page("https://soundcloud.com/a/b/s-SeCrEt")
        );
        assert_eq!(
            user("https://api.soundcloud.com/users/542134").unwrap(),
            UserRef::Id(542134)
        );
    }

    #[test]
    fn users_refused_before_any_request() {
        for bad in [
            "https://example.com/dubmatix",
            "https://soundcloud.com/",
            "https://soundcloud.com/discover",
            "https://soundcloud.com/search?q=x",
            "https://a-v2.sndcdn.com/assets/x.js",
            "https://api-v2.soundcloud.com/resolve?url=x",
            "dub matix",
            "https://soundcloud.com:444/dubmatix",
        ] {
            let err = user(bad).unwrap_err();
            assert_eq!(err.param(), Some("user"), "{bad}");
        }
    }

    #[test]
    fn tracks_from_urls() {
        let page = |p: &str| TrackRef::Page(p.into());
        assert_eq!(
            track_ref("https://soundcloud.com/blakewhiten/hard-to-break#t=130").unwrap(),
            page("https://soundcloud.com/blakewhiten/hard-to-break")
        );
        assert_eq!(
            track_ref("https://m.soundcloud.com/BlakeWhiten/Hard-To-Break/?si=abc&utm_source=x")
                .unwrap(),
            page("https://soundcloud.com/blakewhiten/hard-to-break")
        );
        assert_eq!(
            track_ref("https://soundcloud.com/a/b/s-AbC12").unwrap(),
            page("https://soundcloud.com/a/b/s-AbC12")
        );
        assert_eq!(
            track_ref("https://api.soundcloud.com/tracks/2167944333").unwrap(),
            TrackRef::Id(2167944333)
        );
        for bad in [
            "https://soundcloud.com/blakewhiten",
            "https://soundcloud.com/blakewhiten/sets/album",
            "https://soundcloud.com/discover/sets/x",
            "https://soundcloud.com/a/b/c/d",
            "https://evil.example/a/b",
            "https://api.soundcloud.com/users/1",
            "blakewhiten",
        ] {
            assert_eq!(track_ref(bad).unwrap_err().param(), Some("url"), "{bad}");
        }
    }
}
