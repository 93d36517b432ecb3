//! One entity — a user, a track or a playlist — as `resolve`, `users/{id}` and `tracks/{id}`
//! answer it.

use scraper_core::ScrapeError;

use crate::model::SearchItem;
use crate::parse::page::read_json;
use crate::raw::RawEntity;

/// Reads the entity in `body`, whatever its kind.
pub fn parse_entity(body: &str) -> Result<SearchItem, ScrapeError> {
    let raw: RawEntity = read_json(body)?;
    let kind = raw.kind.0.clone();
    SearchItem::from_raw(&raw).ok_or_else(|| match kind {
        Some(kind) => ScrapeError::changed(format!("SoundCloud answered a '{kind}' without id, or of an unknown kind")),
        None => ScrapeError::changed("SoundCloud answered an object that is not a user, track or playlist"),
    })
}
