//! What a `user` or `url` parameter designates, read before any request: a handle, a numeric id,
//! or a soundcloud.com URL reduced to the canonical form `resolve` knows.

use scraper_core::refs::looks_like_url;
use scraper_core::{
    EntityRef, ScrapeError, SiteDescription, parse_entity_ref, parse_handle, parse_site_url,
};
use url::Url;

/// Hosts whose URLs a client may pass. `api.soundcloud.com` and `api-v2` URLs only name ids.
const PAGE_HOSTS: &[&str] = &[
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

/// Reads `user`: a handle, a numeric id, or a profile URL (any page under the profile — a track
/// URL too — designates its user).
pub(crate) fn user_ref(input: &str, site: &SiteDescription) -> Result<UserRef, ScrapeError> {
    if !looks_like_url(input) {
        return match parse_entity_ref("user", input, site)? {
            EntityRef::Id(id) => Ok(UserRef::Id(id)),
            EntityRef::Handle(handle) => Ok(UserRef::Handle(handle.to_ascii_lowercase())),
            EntityRef::Url(_) => Err(not_a("user", "a SoundCloud user")),
        };
    }
    let url = parse_site_url("user", input, PAGE_HOSTS)?;
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
    match segments.first() {
        Some(first) if !RESERVED.contains(first) => {
            let handle =
                parse_handle("user", first).map_err(|_| not_a("user", "a SoundCloud profile"))?;
            Ok(UserRef::Handle(handle.to_ascii_lowercase()))
        }
        _ => Err(not_a("user", "a SoundCloud profile")),
    }
}

/// Reads a track `url`: `https://soundcloud.com/<user>/<track>` (query and fragment such as
/// `#t=130` dropped, `m.`/`www.` hosts folded), or an API URL of a track id.
pub(crate) fn track_ref(input: &str) -> Result<TrackRef, ScrapeError> {
    let url = parse_site_url("url", input, PAGE_HOSTS)?;
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
        [user, track, rest @ ..]
            if rest.len() <= 1 && !RESERVED.contains(user) && *track != "sets" =>
        {
            let user = parse_handle("url", user).map_err(|_| not_a("url", "a SoundCloud track"))?;
            let track =
                parse_handle("url", track).map_err(|_| not_a("url", "a SoundCloud track"))?;
            let mut page = format!(
                "https://soundcloud.com/{}/{}",
                user.to_ascii_lowercase(),
                track.to_ascii_lowercase()
            );
            if let [secret] = rest {
                page.push('/');
                page.push_str(
                    parse_handle("url", secret).map_err(|_| not_a("url", "a SoundCloud track"))?,
                );
            }
            Ok(TrackRef::Page(page))
        }
        _ => Err(not_a("url", "a SoundCloud track")),
    }
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

    static SITE: SiteDescription = SiteDescription::new(
        "soundcloud",
        "SoundCloud",
        "https://soundcloud.com",
        &[
            "soundcloud.com",
            "m.soundcloud.com",
            "api-v2.soundcloud.com",
            "a-v2.sndcdn.com",
        ],
        &[],
    );

    fn user(input: &str) -> Result<UserRef, ScrapeError> {
        user_ref(input, &SITE)
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
            user("soundcloud.com/user-722618400/a-real-playa").unwrap(),
            handle("user-722618400")
        );
        assert_eq!(
            user("https://www.soundcloud.com/dubmatix/sets/x").unwrap(),
            handle("dubmatix")
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
