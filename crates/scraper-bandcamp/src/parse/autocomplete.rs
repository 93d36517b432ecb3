//! The JSON search API (`api/bcsearch_public_api/1/autocomplete_elastic`): one list of up to
//! ~50 hits of every type, the fallback source when the HTML search page cannot be had.

use scraper_core::ScrapeError;
use serde::Deserialize;

use super::html::{challenge_or, clean_url, non_blank};
use crate::model::{Kind, SearchItem, thumbnail_url};

#[derive(Deserialize)]
struct Answer {
    auto: Option<Auto>,
}

#[derive(Deserialize)]
struct Auto {
    #[serde(default)]
    results: Vec<Hit>,
}

#[derive(Deserialize)]
struct Hit {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<u64>,
    name: Option<String>,
    art_id: Option<u64>,
    img: Option<String>,
    band_name: Option<String>,
    album_name: Option<String>,
    item_url_root: Option<String>,
    item_url_path: Option<String>,
    location: Option<String>,
    is_label: Option<bool>,
    tag_names: Option<Vec<String>>,
    genre_name: Option<String>,
}

/// Parses an autocomplete answer into search items (fans and unknown types are left out).
pub fn parse_autocomplete(body: &str) -> Result<Vec<SearchItem>, ScrapeError> {
    let answer: Answer = serde_json::from_str(body).map_err(|e| {
        let changed = ScrapeError::changed(format!(
            "bandcamp's search API answered an unexpected shape: {e}"
        ));
        challenge_or(body, changed)
    })?;
    let auto = answer
        .auto
        .ok_or_else(|| ScrapeError::changed("bandcamp's search API answered without results"))?;
    Ok(auto.results.into_iter().filter_map(item).collect())
}

fn item(hit: Hit) -> Option<SearchItem> {
    let kind = match (hit.kind.as_deref()?, hit.is_label) {
        ("b", Some(true)) => Kind::Label,
        ("b", _) => Kind::Artist,
        ("a", _) => Kind::Album,
        ("t", _) => Kind::Track,
        _ => return None,
    };
    let is_band = matches!(kind, Kind::Artist | Kind::Label);
    let url = if is_band {
        hit.item_url_root
    } else {
        hit.item_url_path.or(hit.item_url_root)
    };
    let image_url = match (is_band, hit.art_id) {
        (false, Some(art_id)) => Some(thumbnail_url(art_id)),
        _ => hit.img.filter(|i| i.starts_with("https://")),
    };
    Some(SearchItem {
        kind,
        id: hit.id?,
        name: hit.name.and_then(non_blank)?,
        url: url.map(|u| clean_url(&u)),
        artist: if is_band {
            None
        } else {
            hit.band_name.and_then(non_blank)
        },
        album: if kind == Kind::Track {
            hit.album_name.and_then(non_blank)
        } else {
            None
        },
        location: hit.location.and_then(non_blank),
        genre: hit.genre_name.and_then(non_blank),
        tags: hit.tag_names.unwrap_or_default(),
        image_url,
        release_date: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_shapes_are_upstream_changed() {
        for body in [
            "",
            "[]",
            "{\"auto\": 3}",
            "{\"auto\": {\"results\": [",
            "{}",
        ] {
            assert_eq!(
                parse_autocomplete(body).unwrap_err().code(),
                scraper_core::ErrorCode::UpstreamChanged,
                "{body}"
            );
        }
        let odd = r#"{"auto":{"results":[{"type":"f","id":1,"name":"a fan"},{"type":"a","name":"no id"},{"type":"t","id":5,"name":"ok"}]}}"#;
        let items = parse_autocomplete(odd).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].id, 5);
    }
}
