//! `GET /tracks/info`.
//!
//! Shape: `track_info{songstats_track_id, avatar, title, release_date, site_url,
//! artists[]{name, songstats_artist_id}, labels[]{name, songstats_label_id}, genres[],
//! links[]{source, external_id, url, isrc?}}` (`DonMikone/PySongstats` `songstats/client.py`
//! and its tests; `neomusic/songstats-js-api-client` `src/types/artist.ts` `TrackInfo`). Links
//! and genres are also read beside `track_info` in the envelope, as for artists; artists and
//! labels given as bare names are taken too (one third-party schema lists them as strings), and
//! so is a track whose fields sit at the top of the answer, without `track_info`, when it has
//! its `songstats_track_id`.

use scraper_core::ScrapeError;
use serde_json::Value;

use super::artist::{AVATAR, SITE_URL};
use super::envelope::{member, success_document};
use super::json::{Object, as_text, field, links, text, texts};
use crate::model::{Label, Track, TrackArtist};

/// The track of a `/tracks/info` answer.
pub fn parse_track(body: &str) -> Result<Track, ScrapeError> {
    let doc = success_document(body)?;
    let info = match member(&doc, &["track_info"]) {
        Ok(Value::Object(info)) => info,
        Ok(_) => {
            return Err(ScrapeError::changed(
                "songstats 'track_info' is not an object",
            ));
        }
        // Some descriptions of the API show the track's fields at the top of the answer.
        Err(_) if text(&doc, &["songstats_track_id"]).is_some() => &doc,
        Err(e) => return Err(e),
    };
    let id = text(info, &["songstats_track_id"]);
    let title = text(info, &["title", "name"]);
    let (Some(songstats_track_id), Some(title)) = (id.clone(), title.clone()) else {
        let missing: Vec<&str> = [("songstats_track_id", &id), ("title", &title)]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k)
            .collect();
        return Err(ScrapeError::changed(format!(
            "songstats 'track_info' has no '{}'",
            missing.join("' or '")
        )));
    };
    let links = links(field(info, &doc, &["links"]));
    let isrc = text(info, &["isrc"]).or_else(|| {
        field(info, &doc, &["links"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .find_map(|l| text(l, &["isrc"]))
    });
    Ok(Track {
        songstats_track_id,
        title,
        artists: list(info, "artists", artist),
        release_date: text(info, &["release_date"]),
        labels: list(info, "labels", label),
        links,
        isrc: isrc.map(|i| i.to_ascii_uppercase()),
        artwork_url: text(info, AVATAR),
        url: text(info, SITE_URL),
        genres: texts(field(info, &doc, &["genres"])),
    })
}

/// The items of the list `key` of `info` that `read` accepts.
fn list<T>(info: &Object, key: &str, read: fn(&Value) -> Option<T>) -> Vec<T> {
    info.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(read).collect())
        .unwrap_or_default()
}

/// A credited artist: an object with at least a name, or a bare name.
fn artist(value: &Value) -> Option<TrackArtist> {
    match value {
        Value::Object(o) => Some(TrackArtist {
            name: text(o, &["name"])?,
            songstats_artist_id: text(o, &["songstats_artist_id"]),
            avatar_url: text(o, AVATAR),
            url: text(o, SITE_URL),
        }),
        other => Some(TrackArtist {
            name: as_text(other)?,
            songstats_artist_id: None,
            avatar_url: None,
            url: None,
        }),
    }
}

/// A label: an object with at least a name, or a bare name.
fn label(value: &Value) -> Option<Label> {
    match value {
        Value::Object(o) => Some(Label {
            name: text(o, &["name"])?,
            songstats_label_id: text(o, &["songstats_label_id"]),
        }),
        other => Some(Label {
            name: as_text(other)?,
            songstats_label_id: None,
        }),
    }
}
