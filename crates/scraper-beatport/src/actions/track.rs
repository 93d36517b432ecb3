//! `track`: one track, from `catalog/tracks/{id}/` with the held token, or — when no token is
//! held yet — from the track's page, which also carries a token for later calls.

use schemars::JsonSchema;
use scraper_core::{Cx, ScrapeError};
use serde::Deserialize;

use crate::Beatport;
use crate::input::entity_id;
use crate::model::{Track, WEB};
use crate::parse::catalog::CatalogTrack;
use crate::parse::pages;
use crate::upstream::{self, api_url};

/// Parameters of `track`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TrackParams {
    /// Beatport track id, or the track's beatport.com URL.
    pub id: String,
}

/// `track`: the track.
pub async fn track(cx: Cx<Beatport>, p: TrackParams) -> Result<Track, ScrapeError> {
    let id = entity_id("id", &p.id, "track")?;
    let what = format!("Beatport track {id}");
    let page_url = format!("{WEB}/track/-/{id}");
    let mut fresh = None;
    if !upstream::has_token(cx.state()) {
        let html = upstream::page(&cx, &page_url, &what).await?;
        let (track, session) = cx.parse(&html, move |h| pages::track(h, id)).await?;
        fresh = upstream::offer(cx.state(), session.as_ref());
        if let Some(track) = track {
            return Ok(track);
        }
    }
    let track: CatalogTrack = upstream::api(
        &cx,
        &api_url(&format!("tracks/{id}/"), &[])?,
        fresh,
        &page_url,
        &what,
    )
    .await?;
    if track.id() != id {
        return Err(ScrapeError::changed(format!(
            "beatport answered track {} for {what}",
            track.id()
        )));
    }
    Ok(track.into_track())
}
