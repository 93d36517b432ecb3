//! `GET /artists/info` and `GET /artists/search`.
//!
//! Shapes, from public clients of the Enterprise API: `artist_info{songstats_artist_id, avatar,
//! name, site_url}` with `links[]{source, external_id, url}` and `genres[]` beside it in the
//! envelope (`neomusic/songstats-js-api-client` `src/types/artist.ts`), or inside it together with
//! `country` and `bio` (`DonMikone/PySongstats` `songstats/client.py`, which reads
//! `artist_info.{links, genres, country, bio}`): both places are read, the entity's first.
//! Search answers `results[]{songstats_artist_id, avatar, name, site_url}`
//! (`neomusic/songstats-js-api-client` `src/types/search.ts`; the official Python SDK's tests
//! answer `{"result": "success", "results": []}`). Some third-party descriptions of the API show
//! an artist's fields at the top of the answer, without `artist_info`: read too, when they hold
//! the artist's id and name.

use scraper_core::ScrapeError;
use serde_json::Value;

use super::envelope::{member, success_document};
use super::json::{Object, as_text, field, links, text, texts};
use crate::model::{Artist, SearchItem};

/// The artist of an `/artists/info` answer.
pub fn parse_artist(body: &str) -> Result<Artist, ScrapeError> {
    let doc = success_document(body)?;
    let info = match member(&doc, &["artist_info"]) {
        Ok(Value::Object(info)) => info,
        Ok(_) => {
            return Err(ScrapeError::changed(
                "songstats 'artist_info' is not an object",
            ));
        }
        // Some descriptions of the API show the artist's fields at the top of the answer.
        Err(_) if identity(&doc).is_some() => &doc,
        Err(e) => return Err(e),
    };
    let (songstats_artist_id, name) = identity(info)
        .ok_or_else(|| ScrapeError::changed(missing_identity(info, "artist_info")))?;
    Ok(Artist {
        songstats_artist_id,
        name,
        avatar_url: text(info, AVATAR),
        url: text(info, SITE_URL),
        country: field(info, &doc, &["country", "country_code"]).and_then(as_text),
        bio: field(info, &doc, &["bio", "biography"]).and_then(as_text),
        genres: texts(field(info, &doc, &["genres"])),
        links: links(field(info, &doc, &["links"])),
    })
}

/// The artists of an `/artists/search` answer, in Songstats' order; hits without an id or a
/// name are left out (nothing could be asked about them).
pub fn parse_search(body: &str) -> Result<Vec<SearchItem>, ScrapeError> {
    parse_search_page(body).map(|(items, _)| items)
}

/// Like [`parse_search`], with how many hits Songstats answered (those left out included), which
/// says whether the page was full.
pub fn parse_search_page(body: &str) -> Result<(Vec<SearchItem>, usize), ScrapeError> {
    let doc = success_document(body)?;
    let Value::Array(results) = member(&doc, &["results", "artists"])? else {
        return Err(ScrapeError::changed("songstats 'results' is not a list"));
    };
    let items = results
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|hit| {
            let (songstats_artist_id, name) = identity(hit)?;
            Some(SearchItem {
                songstats_artist_id,
                name,
                avatar_url: text(hit, AVATAR),
                url: text(hit, SITE_URL),
            })
        })
        .collect();
    Ok((items, results.len()))
}

/// Where Songstats puts a picture (`avatar`; other spellings for leniency).
pub(super) const AVATAR: &[&str] = &["avatar", "avatar_url", "image_url", "image"];
/// Where Songstats puts its own page of the entity.
pub(super) const SITE_URL: &[&str] = &["site_url", "url", "songstats_url"];

/// The id and name of an artist object.
fn identity(o: &Object) -> Option<(String, String)> {
    Some((text(o, &["songstats_artist_id"])?, text(o, &["name"])?))
}

/// Which of the identifying fields `o` lacks.
fn missing_identity(o: &Object, what: &str) -> String {
    let missing: Vec<&str> = ["songstats_artist_id", "name"]
        .into_iter()
        .filter(|k| text(o, &[k]).is_none())
        .collect();
    format!("songstats '{what}' has no '{}'", missing.join("' or '"))
}
