//! `release`: a release from its page (`pageProps.release`, else `catalog/releases/{id}/` with the
//! page's token), with its tracks from the page when it holds them all, else from
//! `catalog/releases/{id}/tracks/` following Beatport's `next` links (rewritten to the public
//! API host).

use std::sync::Arc;

use schemars::JsonSchema;
use scraper_core::{Cx, ScrapeError};
use serde::Deserialize;

use crate::Beatport;
use crate::input::entity_id;
use crate::model::{Release, WEB};
use crate::parse::catalog::{CatalogRelease, CatalogTrack, Paged, rewrite_next};
use crate::parse::pages;
use crate::upstream::{self, api_url};

/// Most track pages followed for one release (100 tracks each).
const MAX_TRACK_PAGES: usize = 20;

/// Parameters of `release`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReleaseParams {
    /// Beatport release id, or the release's beatport.com URL.
    pub id: String,
}

/// `release`: the release with its tracks.
pub async fn release(cx: Cx<Beatport>, p: ReleaseParams) -> Result<Release, ScrapeError> {
    let id = entity_id("id", &p.id, "release")?;
    let what = format!("Beatport release {id}");
    let page_url = format!("{WEB}/release/-/{id}");
    let html = upstream::page(&cx, &page_url, &what).await?;
    let page = cx.parse(&html, move |h| pages::release(h, id)).await?;
    let mut fresh = upstream::offer(cx.state(), page.anon_session.as_ref());
    let release = match page.release {
        Some(release) => release,
        None => {
            let api = api_url(&format!("releases/{id}/"), &[])?;
            let release: CatalogRelease =
                upstream::api(&cx, &api, fresh.take(), &page_url, &what).await?;
            if release.id() != id {
                return Err(ScrapeError::changed(format!(
                    "beatport answered release {} for {what}",
                    release.id()
                )));
            }
            release
        }
    };
    let expected = release.track_count();
    let embedded = page.tracks.map(|p| (p.results, p.next)).unwrap_or_default();
    let mut tracks: Vec<CatalogTrack> = embedded
        .0
        .into_iter()
        .filter(|t| t.release_id().is_none_or(|r| r == id))
        .collect();
    let complete = match expected {
        Some(n) => tracks.len() >= n as usize,
        None => !tracks.is_empty() && embedded.1.is_none(),
    };
    if !complete {
        tracks = all_tracks(&cx, id, fresh, &page_url, &what).await?;
    }
    if tracks.iter().all(|t| t.number.is_some()) {
        tracks.sort_by_key(|t| t.number);
    }
    let mut release = release.into_release();
    release.tracks = Some(
        tracks
            .into_iter()
            .zip(1..)
            .map(|(t, position)| {
                let mut track = t.into_track();
                track.position = Some(position);
                track
            })
            .collect(),
    );
    Ok(release)
}

/// Every track of release `id` from the catalog API, page after page.
async fn all_tracks(
    cx: &Cx<Beatport>,
    id: u64,
    mut fresh: Option<Arc<String>>,
    token_page: &str,
    what: &str,
) -> Result<Vec<CatalogTrack>, ScrapeError> {
    let own_path = format!("/v4/catalog/releases/{id}/tracks");
    let mut url = api_url(
        &format!("releases/{id}/tracks/"),
        &[("page", "1".to_owned()), ("per_page", "100".to_owned())],
    )?;
    let mut tracks = Vec::new();
    for _ in 0..MAX_TRACK_PAGES {
        let page: Paged<CatalogTrack> =
            upstream::api(cx, &url, fresh.take(), token_page, what).await?;
        let empty = page.results.is_empty();
        tracks.extend(page.results);
        let next = page
            .next
            .as_deref()
            .and_then(rewrite_next)
            .filter(|n| n.path().trim_end_matches('/') == own_path);
        match next {
            Some(next) if !empty => url = next,
            _ => break,
        }
    }
    Ok(tracks)
}
