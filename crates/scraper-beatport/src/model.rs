//! The records Beatport answers, with exactly the field names of docs/API.md, and the small
//! normalisations every upstream shape shares (URLs, artwork sizes, dates).

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Number;

/// The site's public origin; entity URLs are built on it.
pub const WEB: &str = "https://www.beatport.com";

/// Square size put into `dynamic_uri` artwork templates (`{w}x{h}`): Beatport's own cover size.
pub const ARTWORK_SIZE: u32 = 1400;

/// Square size for artist and label pictures.
pub const PICTURE_SIZE: u32 = 500;

/// A named Beatport entity: artist, remixer, label, release or genre.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Entity {
    /// Beatport's numeric id.
    pub id: u64,
    /// The name shown to people.
    pub name: String,
}

/// A price as Beatport shows it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Price {
    /// The amount (`1.69`).
    pub value: Option<Number>,
    /// ISO 4217 code (`USD`).
    pub currency: Option<String>,
    /// The amount as displayed (`$1.69`).
    pub display: Option<String>,
}

/// A track, from any of Beatport's shapes.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Track {
    /// `"track"` in search results (where items of several types mix), absent elsewhere.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["track"]))]
    pub kind: Option<&'static str>,
    /// Chart position (Top 100) or position on its release; absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Beatport's numeric track id.
    pub id: u64,
    /// The track name without its mix (`Back It Up`).
    pub title: String,
    /// The mix (`Original Mix`, `Roy Rosenfeld Extended Remix`).
    pub mix_name: Option<String>,
    /// The track's page.
    pub url: String,
    /// Main artists.
    pub artists: Vec<Entity>,
    /// Remixers.
    pub remixers: Vec<Entity>,
    /// Tempo, as Beatport gives it.
    pub bpm: Option<Number>,
    /// Musical key (`Ab Minor`).
    pub key: Option<String>,
    /// Genre.
    pub genre: Option<Entity>,
    /// Sub-genre, when the track has one.
    pub sub_genre: Option<Entity>,
    /// The label of its release.
    pub label: Option<Entity>,
    /// Its release.
    pub release: Option<Entity>,
    /// Duration in milliseconds.
    pub length_ms: Option<u64>,
    /// Date it went on sale, `YYYY-MM-DD`.
    pub publish_date: Option<String>,
    /// ISRC.
    pub isrc: Option<String>,
    /// The release cover at a concrete size.
    pub artwork_url: Option<String>,
    /// Price.
    pub price: Option<Price>,
}

/// A release (single, EP, album, compilation).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Release {
    /// `"release"` in search results, absent elsewhere.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["release"]))]
    pub kind: Option<&'static str>,
    /// Beatport's numeric release id.
    pub id: u64,
    /// The release name.
    pub title: String,
    /// The release's page.
    pub url: String,
    /// Release artists.
    pub artists: Vec<Entity>,
    /// Remixers credited on the release.
    pub remixers: Vec<Entity>,
    /// Its label; `null` for a release without one.
    pub label: Option<Entity>,
    /// Catalog number.
    pub catalog_number: Option<String>,
    /// UPC/EAN.
    pub upc: Option<String>,
    /// Release date, `YYYY-MM-DD`.
    pub release_date: Option<String>,
    /// Date it went on sale on Beatport, `YYYY-MM-DD`.
    pub publish_date: Option<String>,
    /// Number of tracks.
    pub track_count: Option<u32>,
    /// Release type (`Single`, `EP`, `Album`, ...).
    pub release_type: Option<String>,
    /// The cover at a concrete size.
    pub artwork_url: Option<String>,
    /// Its tracks, in release order (the `release` action only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracks: Option<Vec<Track>>,
}

/// An artist or label in search results.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Profile {
    /// `"artist"` or `"label"`.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["artist", "label"]))]
    pub kind: &'static str,
    /// Beatport's numeric id.
    pub id: u64,
    /// The name shown to people.
    pub name: String,
    /// The artist's or label's page.
    pub url: String,
    /// Picture at a concrete size.
    pub image_url: Option<String>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum SearchItem {
    /// A track.
    Track(Track),
    /// A release.
    Release(Release),
    /// An artist or a label.
    Profile(Profile),
}

/// A genre of the `genres` list.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Genre {
    /// Beatport's numeric genre id (`6`).
    pub id: u64,
    /// Its name (`Techno (Peak Time / Driving)`).
    pub name: String,
    /// The slug in its URLs (`techno-peak-time-driving`).
    pub slug: String,
}

/// The page of an entity (`track`, `release`, `artist`, `label`, `genre`).
pub fn entity_url(kind: &str, slug: Option<&str>, name: &str, id: u64) -> String {
    let slug = match slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => slug.to_owned(),
        None => slugify(name),
    };
    format!("{WEB}/{kind}/{slug}/{id}")
}

/// A URL slug from a name, the way Beatport makes them (`Roy Rosenfeld` → `roy-rosenfeld`);
/// `-` when nothing is left (Beatport resolves entities by id whatever the slug).
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "-".to_owned()
    } else {
        slug
    }
}

/// A concrete image URL: the `{w}x{h}` template filled with `size`, else the fixed URI.
pub fn image_url(dynamic_uri: Option<&str>, uri: Option<&str>, size: u32) -> Option<String> {
    let usable = |s: &&str| s.starts_with("https://") || s.starts_with("http://");
    if let Some(template) = dynamic_uri.filter(usable)
        && (template.contains("{w}") || template.contains("{h}"))
    {
        let size = size.to_string();
        return Some(template.replace("{w}", &size).replace("{h}", &size));
    }
    uri.filter(usable).map(str::to_owned)
}

/// The `YYYY-MM-DD` part of a date or timestamp (`2024-09-13T00:00:00` → `2024-09-13`);
/// `None` for anything that does not start with a calendar date.
pub fn date_only(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    let date = text.get(..10)?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(date.to_owned())
}

/// Text with surrounding whitespace trimmed; `None` when nothing is left.
pub fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Milliseconds from Beatport's `"5:27"` / `"1:02:03"` length text.
pub fn length_text_ms(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut parts = 0;
    for part in text.trim().split(':') {
        let value: u64 = part.trim().parse().ok()?;
        if parts > 0 && value >= 60 {
            return None;
        }
        total = total.checked_mul(60)?.checked_add(value)?;
        parts += 1;
    }
    if (2..=3).contains(&parts) {
        total.checked_mul(1000)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_urls_and_images() {
        assert_eq!(slugify("Roy Rosenfeld"), "roy-rosenfeld");
        assert_eq!(slugify("Omar+"), "omar");
        assert_eq!(slugify("  ...  "), "-");
        assert_eq!(
            slugify("Techno (Peak Time / Driving)"),
            "techno-peak-time-driving"
        );
        assert_eq!(
            entity_url("track", Some("back-it-up"), "x", 1),
            "https://www.beatport.com/track/back-it-up/1"
        );
        assert_eq!(
            entity_url("track", None, "Back It Up", 1),
            "https://www.beatport.com/track/back-it-up/1"
        );
        let dynamic = "https://geo-media.beatport.com/image_size/{w}x{h}/a.jpg";
        assert_eq!(
            image_url(Some(dynamic), Some("https://x/1400x1400/a.jpg"), 1400).as_deref(),
            Some("https://geo-media.beatport.com/image_size/1400x1400/a.jpg")
        );
        assert_eq!(
            image_url(None, Some("https://x/a.jpg"), 1400).as_deref(),
            Some("https://x/a.jpg")
        );
        assert_eq!(image_url(Some("javascript:{w}"), None, 1), None);
    }

    #[test]
    fn dates_and_lengths() {
        assert_eq!(
            date_only(Some("2024-09-13T00:00:00")).as_deref(),
            Some("2024-09-13")
        );
        assert_eq!(date_only(Some("2025-03-21")).as_deref(), Some("2025-03-21"));
        assert_eq!(date_only(Some("2025-02-30")), None);
        assert_eq!(date_only(Some("soon")), None);
        assert_eq!(date_only(Some("é")), None);
        assert_eq!(length_text_ms("3:57"), Some(237_000));
        assert_eq!(length_text_ms("1:02:03"), Some(3_723_000));
        assert_eq!(length_text_ms("7"), None);
        assert_eq!(length_text_ms("3:75"), None);
        assert_eq!(length_text_ms("99999999999999999999:00"), None);
    }
}
