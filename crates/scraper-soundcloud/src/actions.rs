//! The four actions as typed handlers (their parameters, which api-v2 endpoints each calls, in
//! what order) and how the answers become our records.

use schemars::JsonSchema;
use scraper_core::{Context, Credential, Cx, Page, PageRequest, ScrapeError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::api::{API_BASE, get_json, get_json_once};
use crate::model::{Link, Profile, SearchItem, Track};
use crate::paging::{Listing, Resume, not_ours};
use crate::parse::entity::{parse_entity, parse_owner};
use crate::parse::web_profiles::parse_web_profiles;
use crate::target::{TrackRef, UserRef, track_ref, user_ref};
use crate::{SITE, SoundCloud};

/// A user's tracks: `users/{id}/tracks`.
const USER_TRACKS: Listing = Listing {
    accepts: is_user_tracks,
    min_page: 20,
    what: "this SoundCloud user",
};

/// Searches: `search`, `search/users`, `search/tracks`, `search/playlists`.
const SEARCH: Listing = Listing {
    accepts: is_search,
    min_page: 10,
    what: "this SoundCloud search",
};

fn is_user_tracks(url: &Url) -> bool {
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    matches!(segments.as_slice(), ["users", id, "tracks"] if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

fn is_search(url: &Url) -> bool {
    matches!(
        url.path(),
        "/search" | "/search/users" | "/search/tracks" | "/search/playlists"
    )
}

/// Parameters of `profile`.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct ProfileParams {
    /// Handle (dubmatix), numeric id (542134) or profile URL
    user: String,
}

/// `profile`: the user (by `users/{id}` or `resolve`) and, best effort, their web profiles.
pub(crate) async fn profile(cx: Cx<SoundCloud>, p: ProfileParams) -> Result<Profile, ScrapeError> {
    let api = Api::new(&cx);
    Ok(match user_ref(&p.user, &SITE)? {
        UserRef::Id(id) => {
            let (user, links) = futures::join!(api.user_by_id(id), api.links(id));
            Profile {
                links: Some(links),
                ..user?
            }
        }
        UserRef::Handle(handle) => {
            let user = api.user_by_handle(&handle).await?;
            Profile {
                links: Some(api.links(user.id).await),
                ..user
            }
        }
        UserRef::Page(page) => {
            let user = api.owner_of(&page, true).await?;
            Profile {
                links: Some(api.links(user.id).await),
                ..user
            }
        }
    })
}

/// What `search` looks for.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SearchType {
    /// Users.
    #[default]
    Users,
    /// Tracks.
    Tracks,
    /// Playlists and albums.
    Playlists,
    /// All of them, mixed.
    All,
}

impl SearchType {
    /// The api-v2 endpoint of this search.
    fn path(self) -> &'static str {
        match self {
            Self::Users => "search/users",
            Self::Tracks => "search/tracks",
            Self::Playlists => "search/playlists",
            Self::All => "search",
        }
    }
}

/// Parameters of `search`.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct SearchParams {
    /// What to search for
    q: String,
    /// What to search: users (default), tracks, playlists, or all of them
    #[serde(default, rename = "type")]
    kind: SearchType,
}

/// `search`: one of the search endpoints, paged.
pub(crate) async fn search(
    cx: Cx<SoundCloud>,
    p: SearchParams,
    page: PageRequest<Resume>,
) -> Result<Page<SearchItem, Resume>, ScrapeError> {
    let limit = page.limit;
    let from_cursor = page.cursor.is_some();
    let (start, skip) = match page.cursor {
        Some(cursor) => {
            let (url, skip) = SEARCH.resume_from(&cursor)?;
            // Bound to this search, so of its type unless forged.
            if url.path().trim_start_matches('/') != p.kind.path() {
                return Err(not_ours());
            }
            (url, skip)
        }
        None => {
            let size = SEARCH.page_size(limit).to_string();
            (
                endpoint(
                    p.kind.path(),
                    &[
                        ("q", &p.q),
                        ("limit", &size),
                        ("offset", "0"),
                        ("linked_partitioning", "1"),
                    ],
                )?,
                0,
            )
        }
    };
    let filled = SEARCH
        .fill(&cx, &cx.state().client_id, start, skip, from_cursor, limit)
        .await?;
    let mut answer = Page::new(filled.items).next(filled.next);
    // `null` when SoundCloud gave no total, as before.
    answer.meta.insert(
        "total_results".to_owned(),
        filled.total_results.map_or(Value::Null, Value::from),
    );
    Ok(answer)
}

/// Parameters of `tracks`.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct TracksParams {
    /// Handle (dubmatix), numeric id (542134) or profile URL
    user: String,
}

/// `tracks`: `users/{id}/tracks`, paged; a numeric id needs no user lookup first.
pub(crate) async fn tracks(
    cx: Cx<SoundCloud>,
    p: TracksParams,
    page: PageRequest<Resume>,
) -> Result<Page<Track, Resume>, ScrapeError> {
    let limit = page.limit;
    let user = user_ref(&p.user, &SITE)?;
    let from_cursor = page.cursor.is_some();
    let (start, skip) = match page.cursor {
        // Continuing needs no user lookup: the cursor is bound to this `user`.
        Some(cursor) => USER_TRACKS.resume_from(&cursor)?,
        None => {
            let api = Api::new(&cx);
            let id = match user {
                UserRef::Id(id) => id,
                UserRef::Handle(handle) => api.user_by_handle(&handle).await?.id,
                UserRef::Page(page) => api.owner_of(&page, false).await?.id,
            };
            let size = USER_TRACKS.page_size(limit).to_string();
            (
                endpoint(
                    &format!("users/{id}/tracks"),
                    &[("limit", &size), ("linked_partitioning", "1")],
                )?,
                0,
            )
        }
    };
    let filled = USER_TRACKS
        .fill(&cx, &cx.state().client_id, start, skip, from_cursor, limit)
        .await?;
    let tracks: Vec<Track> = filled
        .items
        .into_iter()
        .filter_map(|item| match item {
            SearchItem::Track(track) => Some(track),
            _ => None,
        })
        .collect();
    Ok(Page::new(tracks).next(filled.next))
}

/// Parameters of `track` (one of `url` and `id`).
#[derive(Deserialize, JsonSchema)]
pub(crate) struct TrackParams {
    /// Track URL (https://soundcloud.com/<user>/<track>); a #t= fragment is ignored
    url: Option<String>,
    /// Numeric track id
    #[schemars(range(min = 1, max = i64::MAX))]
    id: Option<u64>,
}

/// `track`: `tracks/{id}`, or `resolve` of the track page.
pub(crate) async fn track(cx: Cx<SoundCloud>, p: TrackParams) -> Result<Track, ScrapeError> {
    let (url, what) = match (p.id, p.url.as_deref()) {
        (Some(id), _) => (
            endpoint(&format!("tracks/{id}"), &[])?,
            format!("SoundCloud track {id}"),
        ),
        (None, Some(url)) => match track_ref(url)? {
            TrackRef::Id(id) => (
                endpoint(&format!("tracks/{id}"), &[])?,
                format!("SoundCloud track {id}"),
            ),
            TrackRef::Page(page) => (
                endpoint("resolve", &[("url", &page)])?,
                format!("the SoundCloud track {page}"),
            ),
        },
        (None, None) => {
            return Err(ScrapeError::invalid_param(
                "url",
                "give one of 'url' or 'id'",
            ));
        }
    };
    match Api::new(&cx).entity(&url, &what).await? {
        SearchItem::Track(track) => Ok(track),
        other => Err(ScrapeError::invalid_param(
            "url",
            format!(
                "parameter 'url' names a SoundCloud {}, not a track",
                kind_name(&other)
            ),
        )),
    }
}

/// One scrape's view of SoundCloud: the context and the shared client_id.
struct Api<'a> {
    cx: &'a Context,
    ids: &'a Credential<String>,
}

impl<'a> Api<'a> {
    fn new(cx: &'a Cx<SoundCloud>) -> Self {
        Self {
            cx,
            ids: &cx.state().client_id,
        }
    }

    async fn user_by_id(&self, id: u64) -> Result<Profile, ScrapeError> {
        let url = endpoint(&format!("users/{id}"), &[])?;
        self.user(&url, &format!("SoundCloud user {id}")).await
    }

    async fn user_by_handle(&self, handle: &str) -> Result<Profile, ScrapeError> {
        let url = endpoint("resolve", &[("url", &UserRef::page_url(handle))])?;
        self.user(&url, &format!("SoundCloud user '{handle}'"))
            .await
    }

    /// The owner of a track or playlist page; with `complete`, a reduced record is completed
    /// from `users/{id}`.
    async fn owner_of(&self, page: &str, complete: bool) -> Result<Profile, ScrapeError> {
        let url = endpoint("resolve", &[("url", page)])?;
        let response = get_json(self.cx, self.ids, &url).await?;
        response.error_for_status(&format!("the SoundCloud page {page}"))?;
        let owner = parse_owner(&response.text())?;
        let reduced = owner.track_count.is_none()
            || owner.followers_count.is_none()
            || owner.created_at.is_none();
        if complete && reduced {
            self.user_by_id(owner.id).await
        } else {
            Ok(owner)
        }
    }

    async fn user(&self, url: &Url, what: &str) -> Result<Profile, ScrapeError> {
        match self.entity(url, what).await? {
            SearchItem::User(profile) => Ok(profile),
            other => Err(ScrapeError::invalid_param(
                "user",
                format!(
                    "parameter 'user' names a SoundCloud {}, not a user",
                    kind_name(&other)
                ),
            )),
        }
    }

    /// One entity; 404 is `not_found` naming `what`.
    async fn entity(&self, url: &Url, what: &str) -> Result<SearchItem, ScrapeError> {
        let response = get_json(self.cx, self.ids, url).await?;
        response.error_for_status(what)?;
        parse_entity(&response.text())
    }

    /// The user's web profiles; empty when they could not be had (this never fails the profile,
    /// and a refusal here does not cost a client_id rediscovery).
    async fn links(&self, id: u64) -> Vec<Link> {
        let outcome = match endpoint(&format!("users/{id}/web-profiles"), &[]) {
            Ok(url) => match get_json_once(self.cx, self.ids, &url).await {
                Ok(response) if response.is_success() => parse_web_profiles(&response.text()),
                Ok(response) => Err(ScrapeError::changed(format!("HTTP {}", response.status()))),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        outcome.unwrap_or_else(|e| {
            tracing::warn!(site = "soundcloud", user = id, error = %e, "no web profiles; links left empty");
            Vec::new()
        })
    }
}

fn kind_name(item: &SearchItem) -> &'static str {
    match item {
        SearchItem::User(_) => "user",
        SearchItem::Track(_) => "track",
        SearchItem::Playlist(_) => "playlist",
    }
}

/// An api-v2 URL of `path` with query `pairs`.
fn endpoint(path: &str, pairs: &[(&str, &str)]) -> Result<Url, ScrapeError> {
    let mut url = Url::parse(API_BASE)
        .and_then(|base| base.join(path))
        .map_err(|e| ScrapeError::internal(format!("bad api-v2 path {path:?}: {e}")))?;
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
    Ok(url)
}
