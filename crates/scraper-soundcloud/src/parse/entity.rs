//! One entity — a user, a track or a playlist — as `resolve`, `users/{id}` and `tracks/{id}`
//! answer it.

use scraper_core::{ScrapeError, walls};

use crate::model::{Profile, SearchItem};
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

/// The user in `body`, or the owner of the track or playlist in it (as its `user` member gives
/// it: complete in `resolve` answers, reduced elsewhere).
pub fn parse_owner(body: &str) -> Result<Profile, ScrapeError> {
    let raw: RawEntity = read_json(body)?;
    let owner = match raw.kind.0.as_deref() {
        Some("user") => Profile::from_raw(&raw),
        Some("track" | "playlist") => raw.user.0.as_deref().and_then(Profile::from_raw),
        _ => None,
    };
    if let Some(owner) = owner {
        return Ok(owner);
    }
    walls::ensure_not_challenged("soundcloud", body, false)?;
    Err(ScrapeError::changed(
        "SoundCloud answered a page without a user or an owner with an id",
    ))
}
