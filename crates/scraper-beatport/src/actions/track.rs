//! `track`: one track, from `catalog/tracks/{id}/` with the held token, or — when no token is
//! held yet — from the track's page, which also carries a token for later calls.

use scraper_core::{Context, Output, Params, ScrapeError};

use crate::input::entity_id;
use crate::model::WEB;
use crate::parse::catalog::CatalogTrack;
use crate::parse::pages;
use crate::upstream::{self, Upstream, api_url};

/// Runs `track`.
pub async fn run(up: &Upstream, ctx: &Context, params: &Params) -> Result<Output, ScrapeError> {
    let id = entity_id("id", params.required_str("id")?, "track")?;
    let what = format!("Beatport track {id}");
    let page_url = format!("{WEB}/track/-/{id}");
    let mut fresh = None;
    if !up.has_token() {
        let html = upstream::page(ctx, &page_url, &what).await?;
        let (track, session) = pages::track(&html, id)?;
        fresh = up.offer(session.as_ref());
        if let Some(track) = track {
            return Output::item(&track);
        }
    }
    let track: CatalogTrack = up
        .api(
            ctx,
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
    Output::item(&track.into_track())
}
