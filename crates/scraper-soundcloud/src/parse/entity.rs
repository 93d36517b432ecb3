//! One entity — a user, a track or a playlist — as `resolve`, `users/{id}` and `tracks/{id}`
//! answer it.

use scraper_core::{ScrapeError, walls};

use crate::model::SearchItem;
use crate::parse::page::read_json;
use crate::raw::RawEntity;

/// Reads the entity in `body`, whatever its kind.
pub fn parse_entity(body: &str) -> Result<SearchItem, ScrapeError> {
    let raw: RawEntity = read_json(body)?;
    if let Some(item) = SearchItem::from_raw(&raw) {
        return Ok(item);
    }
    // DataDome answers its captcha as JSON (`{"url":"https://geo.captcha-delivery.com/..."}`).
    walls::ensure_not_challenged("soundcloud", body, false)?;
    Err(match raw.kind.0 {
        Some(kind) => ScrapeError::changed(format!(
            "SoundCloud answered a '{kind}' without id, or of an unknown kind"
        )),
        None => ScrapeError::changed(
            "SoundCloud answered an object that is not a user, track or playlist",
        ),
    })
}
