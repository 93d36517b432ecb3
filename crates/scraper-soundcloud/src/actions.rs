//! The four actions: which api-v2 endpoints each calls, in what order, and how their answers
//! become our records.

use scraper_core::{Context, Output, Params, ScrapeError};
use url::Url;

use crate::SITE;
use crate::api::{API_BASE, ClientIds};
use crate::model::{Link, Profile, SearchItem, Track};
use crate::paging::Listing;
use crate::parse::entity::{parse_entity, parse_owner};
use crate::parse::web_profiles::parse_web_profiles;
use crate::target::{TrackRef, UserRef, track_ref, user_ref};

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

/// One scrape's view of SoundCloud.
pub(crate) struct Api<'a> {
    pub(crate) ctx: &'a Context,
    pub(crate) ids: &'a ClientIds,
}

impl Api<'_> {
    /// `profile`: the user (by `users/{id}` or `resolve`) and, best effort, their web profiles.
    pub(crate) async fn profile(&self, params: &Params) -> Result<Output, ScrapeError> {
        let profile = match user_ref(params.required_str("user")?, &SITE)? {
            UserRef::Id(id) => {
                let (user, links) = futures::join!(self.user_by_id(id), self.links(id));
                Profile {
                    links: Some(links),
                    ..user?
                }
            }
            UserRef::Handle(handle) => {
                let user = self.user_by_handle(&handle).await?;
                Profile {
                    links: Some(self.links(user.id).await),
                    ..user
                }
            }
            UserRef::Page(page) => {
                let user = self.owner_of(&page, true).await?;
                Profile {
                    links: Some(self.links(user.id).await),
                    ..user
                }
            }
        };
        Output::item(&profile)
    }

    /// `search`: one of the search endpoints, paged.
    pub(crate) async fn search(&self, params: &Params) -> Result<Output, ScrapeError> {
        let limit = params.limit();
        let path = match params.str("type") {
            Some("tracks") => "search/tracks",
            Some("playlists") => "search/playlists",
            Some("all") => "search",
            _ => "search/users",
        };
        let (start, skip) = match params.cursor() {
            Some(cursor) => {
                let (url, skip) = SEARCH.resume_from(cursor)?;
                if url.path().trim_start_matches('/') != path {
                    return Err(foreign_cursor("a search of another type"));
                }
                (url, skip)
            }
            None => {
                let q = params.required_str("q")?;
                let size = SEARCH.page_size(limit).to_string();
                (
                    endpoint(
                        path,
                        &[
                            ("q", q),
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
            .fill(
                self.ctx,
                self.ids,
                start,
                skip,
                params.cursor().is_some(),
                limit,
            )
            .await?;
        Ok(Output::list(&filled.items, filled.next_cursor)?
            .with_meta("total_results", filled.total_results))
    }

    /// `tracks`: `users/{id}/tracks`, paged; a numeric id needs no user lookup first.
    pub(crate) async fn tracks(&self, params: &Params) -> Result<Output, ScrapeError> {
        let limit = params.limit();
        let user = user_ref(params.required_str("user")?, &SITE)?;
        let (start, skip) = match params.cursor() {
            // Continuing needs no user lookup; a numeric id must match the cursor's user.
            Some(cursor) => {
                let (url, skip) = USER_TRACKS.resume_from(cursor)?;
                if let UserRef::Id(id) = user
                    && url.path() != format!("/users/{id}/tracks")
                {
                    return Err(foreign_cursor("another user's tracks"));
                }
                (url, skip)
            }
            None => {
                let id = match user {
                    UserRef::Id(id) => id,
                    UserRef::Handle(handle) => self.user_by_handle(&handle).await?.id,
                    UserRef::Page(page) => self.owner_of(&page, false).await?.id,
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
            .fill(
                self.ctx,
                self.ids,
                start,
                skip,
                params.cursor().is_some(),
                limit,
            )
            .await?;
        let tracks: Vec<Track> = filled
            .items
            .into_iter()
            .filter_map(|item| match item {
                SearchItem::Track(track) => Some(track),
                _ => None,
            })
            .collect();
        Output::list(&tracks, filled.next_cursor)
    }

    /// `track`: `tracks/{id}`, or `resolve` of the track page.
    pub(crate) async fn track(&self, params: &Params) -> Result<Output, ScrapeError> {
        let (url, what) = match (params.int("id"), params.str("url")) {
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
        match self.entity(&url, &what).await? {
            SearchItem::Track(track) => Output::item(&track),
            other => Err(ScrapeError::invalid_param(
                "url",
                format!(
                    "parameter 'url' names a SoundCloud {}, not a track",
                    kind_name(&other)
                ),
            )),
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
        let response = self.ids.get_json(self.ctx, &url).await?;
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
        let response = self.ids.get_json(self.ctx, url).await?;
        response.error_for_status(what)?;
        parse_entity(&response.text())
    }

    /// The user's web profiles; empty when they could not be had (this never fails the profile,
    /// and a refusal here does not cost a client_id rediscovery).
    async fn links(&self, id: u64) -> Vec<Link> {
        let outcome = match endpoint(&format!("users/{id}/web-profiles"), &[]) {
            Ok(url) => match self.ids.get_json_once(self.ctx, &url).await {
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

fn foreign_cursor(whose: &str) -> ScrapeError {
    ScrapeError::invalid_param("cursor", format!("parameter 'cursor' belongs to {whose}"))
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
