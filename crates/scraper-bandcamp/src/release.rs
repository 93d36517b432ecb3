//! The album and track actions: the page a client names (checked before anything is fetched)
//! and its `data-tralbum` / ld+json data.

use schemars::JsonSchema;
use scraper_core::{Cx, ScrapeError};
use serde::Deserialize;

use crate::model::{Album, Track};
use crate::parse::tralbum::{parse_album_page, parse_track_page};
use crate::urls::parse_release_url;
use crate::{Bandcamp, api};

/// Parameters of `album`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AlbumParams {
    /// The album's URL (https://<artist>.bandcamp.com/album/<name>).
    url: String,
}

/// Parameters of `track`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct TrackParams {
    /// The track's URL (https://<artist>.bandcamp.com/track/<name>).
    url: String,
}

/// The album action.
pub(crate) async fn album(cx: Cx<Bandcamp>, p: AlbumParams) -> Result<Album, ScrapeError> {
    let allow_custom = cx.state().allow_custom_domains;
    let page = parse_release_url("url", &p.url, "album", allow_custom)?;
    let response = api::site_page(&cx, &page, "url").await?;
    let mut album = parse_album_page(&response.text())?;
    album.url = album.url.or_else(|| Some(page.url.to_string()));
    Ok(album)
}

/// The track action.
pub(crate) async fn track(cx: Cx<Bandcamp>, p: TrackParams) -> Result<Track, ScrapeError> {
    let allow_custom = cx.state().allow_custom_domains;
    let page = parse_release_url("url", &p.url, "track", allow_custom)?;
    let response = api::site_page(&cx, &page, "url").await?;
    let mut track = parse_track_page(&response.text())?;
    track.url = track.url.or_else(|| Some(page.url.to_string()));
    Ok(track)
}
