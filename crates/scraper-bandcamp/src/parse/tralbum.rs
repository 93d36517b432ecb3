//! Album and track pages: the entity-encoded `data-tralbum` and `data-embed` JSON attributes,
//! and the `application/ld+json` block for tags and dates.

use scraper_core::ScrapeError;
use serde::Deserialize;

use super::dates;
use super::html::{
    absolute_url, challenge_or, clean_url, json_attr, ld_json_text, non_blank, prose,
};
use crate::model::{Album, AlbumTrack, Track, artwork_url};

#[derive(Deserialize)]
struct Tralbum {
    id: Option<u64>,
    item_type: Option<String>,
    artist: Option<String>,
    art_id: Option<u64>,
    url: Option<String>,
    album_url: Option<String>,
    album_release_date: Option<String>,
    current: Option<Current>,
    #[serde(default)]
    trackinfo: Vec<TrackInfo>,
}

#[derive(Deserialize)]
struct Current {
    title: Option<String>,
    about: Option<String>,
    credits: Option<String>,
    band_id: Option<u64>,
    release_date: Option<String>,
    publish_date: Option<String>,
}

#[derive(Deserialize)]
struct TrackInfo {
    id: Option<u64>,
    track_id: Option<u64>,
    title: Option<String>,
    track_num: Option<u32>,
    title_link: Option<String>,
    duration: Option<f64>,
}

#[derive(Deserialize)]
struct Embed {
    album_title: Option<String>,
}

#[derive(Deserialize, Default)]
struct LinkedData {
    name: Option<String>,
    #[serde(rename = "datePublished")]
    date_published: Option<String>,
    image: Option<serde_json::Value>,
    keywords: Option<serde_json::Value>,
    #[serde(rename = "inAlbum")]
    in_album: Option<InAlbum>,
}

#[derive(Deserialize)]
struct InAlbum {
    name: Option<String>,
}

/// What both page kinds share.
struct Page {
    tralbum: Tralbum,
    embed: Option<Embed>,
    linked: LinkedData,
}

fn read_page(body: &str, expected: &str) -> Result<Page, ScrapeError> {
    let tralbum: Tralbum = json_attr(body, "data-tralbum")
        .and_then(|t| {
            t.ok_or_else(|| {
                ScrapeError::changed(format!("bandcamp's {expected} page has no data-tralbum"))
            })
        })
        .map_err(|e| challenge_or(body, e))?;
    match tralbum.item_type.as_deref() {
        Some(kind) if kind == expected => {}
        Some(kind) => {
            return Err(ScrapeError::not_found(format!(
                "the page is a bandcamp {kind}, not an {expected}"
            )));
        }
        None => {
            return Err(ScrapeError::changed(format!(
                "bandcamp's {expected} page does not say what it is"
            )));
        }
    }
    // The embed and linked data only add details: a broken one is ignored, not fatal.
    let embed = json_attr(body, "data-embed").ok().flatten();
    let linked = ld_json_text(body)
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    Ok(Page {
        tralbum,
        embed,
        linked,
    })
}

impl Page {
    fn id_and_title(&self, what: &str) -> Result<(u64, String), ScrapeError> {
        let id = self
            .tralbum
            .id
            .ok_or_else(|| ScrapeError::changed(format!("bandcamp's {what} page has no id")))?;
        let title = self
            .tralbum
            .current
            .as_ref()
            .and_then(|c| c.title.clone())
            .or_else(|| self.linked.name.clone())
            .and_then(non_blank)
            .ok_or_else(|| ScrapeError::changed(format!("bandcamp's {what} page has no title")))?;
        Ok((id, title))
    }

    fn url(&self) -> Option<String> {
        self.tralbum
            .url
            .as_deref()
            .map(clean_url)
            .and_then(non_blank)
    }

    /// The site's origin, for the relative links of the page.
    fn origin(&self) -> Option<String> {
        let url = url::Url::parse(self.tralbum.url.as_deref()?).ok()?;
        Some(url.origin().ascii_serialization())
    }

    fn release_date(&self) -> Option<String> {
        let current = self.tralbum.current.as_ref();
        [
            current.and_then(|c| c.release_date.as_deref()),
            self.tralbum.album_release_date.as_deref(),
            self.linked.date_published.as_deref(),
            current.and_then(|c| c.publish_date.as_deref()),
        ]
        .into_iter()
        .flatten()
        .find_map(dates::from_gmt)
    }

    fn artwork_url(&self) -> Option<String> {
        match self.tralbum.art_id.filter(|a| *a > 0) {
            Some(art_id) => Some(artwork_url(art_id)),
            None => match &self.linked.image {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Array(a)) => {
                    a.first().and_then(|v| v.as_str()).map(str::to_owned)
                }
                _ => None,
            },
        }
    }

    /// The ld+json keywords, duplicates removed, first spelling kept.
    fn tags(&self) -> Vec<String> {
        let words: Vec<String> = match &self.linked.keywords {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str())
                .map(str::to_owned)
                .collect(),
            Some(serde_json::Value::String(s)) => {
                s.split(',').map(|w| w.trim().to_owned()).collect()
            }
            _ => Vec::new(),
        };
        let mut tags: Vec<String> = Vec::with_capacity(words.len());
        for word in words {
            if !word.is_empty() && !tags.contains(&word) {
                tags.push(word);
            }
        }
        tags
    }

    fn band_id(&self) -> Option<u64> {
        self.tralbum.current.as_ref().and_then(|c| c.band_id)
    }
}

/// Parses an album page. A page without `data-tralbum` is `upstream_changed`; a track page is
/// `not_found` (it is not an album); a bot challenge is `blocked`.
pub fn parse_album_page(body: &str) -> Result<Album, ScrapeError> {
    let page = read_page(body, "album")?;
    let (id, title) = page.id_and_title("album")?;
    let origin = page.origin();
    let tracks = page
        .tralbum
        .trackinfo
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let position = t
                .track_num
                .filter(|n| *n > 0)
                .unwrap_or_else(|| u32::try_from(i + 1).unwrap_or(u32::MAX));
            Some(AlbumTrack {
                position,
                id: t.track_id.or(t.id),
                title: t.title.clone().and_then(non_blank)?,
                duration_s: t.duration.filter(|d| d.is_finite() && *d > 0.0),
                url: origin
                    .as_deref()
                    .zip(t.title_link.as_deref())
                    .and_then(|(o, l)| absolute_url(o, l)),
            })
        })
        .collect();
    let current = page.tralbum.current.as_ref();
    Ok(Album {
        id,
        title,
        url: page.url(),
        artist: page.tralbum.artist.clone().and_then(non_blank),
        band_id: page.band_id(),
        release_date: page.release_date(),
        about: prose(current.and_then(|c| c.about.as_deref())),
        credits: prose(current.and_then(|c| c.credits.as_deref())),
        tags: page.tags(),
        artwork_url: page.artwork_url(),
        tracks,
    })
}

/// Parses a track page. A page without `data-tralbum` is `upstream_changed`; an album page is
/// `not_found` (it is not a track); a bot challenge is `blocked`.
pub fn parse_track_page(body: &str) -> Result<Track, ScrapeError> {
    let page = read_page(body, "track")?;
    let (id, title) = page.id_and_title("track")?;
    let info = page
        .tralbum
        .trackinfo
        .iter()
        .find(|t| t.track_id.or(t.id) == Some(id))
        .or(page.tralbum.trackinfo.first());
    let on_album = page
        .tralbum
        .album_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty());
    let album = if on_album {
        page.embed
            .as_ref()
            .and_then(|e| e.album_title.clone())
            .or_else(|| page.linked.in_album.as_ref().and_then(|a| a.name.clone()))
            .and_then(non_blank)
    } else {
        None
    };
    Ok(Track {
        id,
        title,
        url: page.url(),
        artist: page.tralbum.artist.clone().and_then(non_blank),
        album,
        duration_s: info
            .and_then(|t| t.duration)
            .filter(|d| d.is_finite() && *d > 0.0),
        release_date: page.release_date(),
        artwork_url: page.artwork_url(),
        band_id: page.band_id(),
        tags: page.tags(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ErrorCode;

    fn page(tralbum: &str) -> String {
        format!(
            r#"<script data-tralbum="{}"></script>"#,
            html_escape::encode_double_quoted_attribute(tralbum)
        )
    }

    #[test]
    fn kinds_are_checked() {
        let track = page(r#"{"id": 1, "item_type": "track", "current": {"title": "t"}}"#);
        assert_eq!(
            parse_album_page(&track).unwrap_err().code(),
            ErrorCode::NotFound
        );
        assert_eq!(parse_track_page(&track).unwrap().id, 1);
        let album = page(r#"{"id": 2, "item_type": "album", "current": {"title": "a"}}"#);
        assert_eq!(
            parse_track_page(&album).unwrap_err().code(),
            ErrorCode::NotFound
        );
        let album = parse_album_page(&album).unwrap();
        assert!(album.tracks.is_empty());
        assert_eq!(album.url, None);
    }

    #[test]
    fn broken_pages() {
        for body in [
            "",
            "<html></html>",
            &page(r#"{"id": 1}"#),
            &page(r#"{"item_type": "album"}"#),
            &page("[1,2"),
        ] {
            assert_eq!(
                parse_album_page(body).unwrap_err().code(),
                ErrorCode::UpstreamChanged,
                "{body}"
            );
        }
    }
}
