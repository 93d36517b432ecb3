//! The mobile API's `band_details` answer: name, location, bio, links and discography of a band
//! or label. Errors come as HTTP 200 with `{"error": true, "error_message": ".. not found"}`.

use scraper_core::ScrapeError;
use serde::{Deserialize, Serialize};

use super::dates;
use super::html::{challenge_or, non_blank, prose};
use crate::model::{Link, artwork_url, picture_url};

/// What `band_details` says about a band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandDetails {
    /// The band id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its Bandcamp site.
    pub url: Option<String>,
    /// Where it is based.
    pub location: Option<String>,
    /// Its bio.
    pub bio: Option<String>,
    /// Its picture.
    pub image_url: Option<String>,
    /// Its own links.
    pub links: Vec<Link>,
    /// Its releases, in the band's order.
    pub discography: Vec<DiscographyItem>,
    /// Whether it lists a roster of artists (only labels do).
    pub has_roster: bool,
}

/// One release in `discography`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscographyItem {
    /// The album or track id.
    pub id: u64,
    /// `album` or `track`.
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// Its artist (the band's name when the release names none).
    pub artist: Option<String>,
    /// RFC 3339 release date.
    pub release_date: Option<String>,
    /// The artwork id.
    pub art_id: Option<u64>,
    /// Its artwork.
    pub artwork_url: Option<String>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    error: bool,
    error_message: Option<String>,
    id: Option<u64>,
    name: Option<String>,
    bio_image_id: Option<u64>,
    bio: Option<String>,
    bandcamp_url: Option<String>,
    #[serde(default)]
    sites: Vec<RawSite>,
    #[serde(default)]
    discography: Vec<RawRelease>,
    location: Option<String>,
    #[serde(default)]
    artists: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawSite {
    url: Option<String>,
    title: Option<String>,
}

#[derive(Deserialize)]
struct RawRelease {
    item_id: Option<u64>,
    item_type: Option<String>,
    artist_name: Option<String>,
    band_name: Option<String>,
    title: Option<String>,
    art_id: Option<u64>,
    release_date: Option<String>,
}

/// Parses a `band_details` answer; its error form is `not_found` ("... not found") or
/// `upstream_changed` (anything else).
pub fn parse_band_details(body: &str) -> Result<BandDetails, ScrapeError> {
    let raw: Raw = serde_json::from_str(body).map_err(|e| {
        let changed = ScrapeError::changed(format!(
            "bandcamp's band_details answered an unexpected shape: {e}"
        ));
        challenge_or(body, changed)
    })?;
    if raw.error {
        let message = raw.error_message.unwrap_or_default();
        return Err(if message.contains("not found") {
            ScrapeError::not_found(format!("bandcamp says: {message}"))
        } else {
            ScrapeError::changed(format!(
                "bandcamp's band_details refused the request: {message}"
            ))
        });
    }
    let (Some(id), Some(name)) = (raw.id, raw.name.and_then(non_blank)) else {
        return Err(ScrapeError::changed(
            "bandcamp's band_details answered without id or name",
        ));
    };
    let links = raw
        .sites
        .into_iter()
        .filter_map(|s| {
            let url = s
                .url
                .map(|u| u.trim().to_owned())
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))?;
            Some(Link {
                title: s.title.and_then(non_blank),
                url,
            })
        })
        .collect();
    let discography = raw
        .discography
        .into_iter()
        .filter_map(|r| {
            let kind = match r.item_type.as_deref() {
                Some("album") => "album",
                Some("track") => "track",
                _ => return None,
            };
            Some(DiscographyItem {
                id: r.item_id?,
                kind,
                title: r.title.and_then(non_blank)?,
                artist: r
                    .artist_name
                    .and_then(non_blank)
                    .or_else(|| r.band_name.and_then(non_blank)),
                release_date: r.release_date.as_deref().and_then(dates::from_gmt),
                art_id: r.art_id,
                artwork_url: r.art_id.filter(|a| *a > 0).map(artwork_url),
            })
        })
        .collect();
    Ok(BandDetails {
        id,
        name,
        url: raw.bandcamp_url.and_then(non_blank),
        location: raw.location.and_then(non_blank),
        bio: prose(raw.bio.as_deref()),
        image_url: raw.bio_image_id.filter(|i| *i > 0).map(picture_url),
        links,
        discography,
        has_roster: !raw.artists.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ErrorCode;

    #[test]
    fn error_forms() {
        let not_found = r#"{"error": true, "error_message": "band_id 12 not found"}"#;
        assert_eq!(
            parse_band_details(not_found).unwrap_err().code(),
            ErrorCode::NotFound
        );
        let other = r#"{"error": true, "error_message": "invalid int"}"#;
        assert_eq!(
            parse_band_details(other).unwrap_err().code(),
            ErrorCode::UpstreamChanged
        );
        for bad in [
            "",
            "null",
            "[1]",
            "{\"id\": \"x\"}",
            "{\"id\": 5}",
            "{\"name\": \"x\"}",
            "{\"id\": 5, \"name\": \"x\", \"sites\": 3}",
        ] {
            assert_eq!(
                parse_band_details(bad).unwrap_err().code(),
                ErrorCode::UpstreamChanged,
                "{bad}"
            );
        }
    }

    #[test]
    fn minimal_answer() {
        let d = parse_band_details(r#"{"id": 5, "name": "N", "discography": [{"item_type": "merch", "item_id": 1, "title": "t"}]}"#).unwrap();
        assert_eq!(d.id, 5);
        assert!(d.discography.is_empty());
        assert!(d.links.is_empty());
        assert!(!d.has_roster);
    }
}
