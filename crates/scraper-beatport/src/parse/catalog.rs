//! Beatport's catalog shape — what `api.beatport.com/v4/catalog/...` answers and what pages
//! embed in their react-query data (`id, name, mix_name, artists[], release{label}`, ...) —
//! and its conversion into our records. Only the fields we answer are read.

use serde::{Deserialize, Deserializer};
use serde_json::Number;
use url::Url;

use crate::model::{
    ARTWORK_SIZE, Entity, Genre, Price, Release, Track, date_only, entity_url, image_url,
    length_text_ms, non_empty,
};

/// `null` or a missing list read as an empty list.
pub(crate) fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A page number that Beatport writes as a number or as a string (`"page": "1"`).
pub(crate) fn page_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// One page of a catalog list (`results` plus Beatport's own paging members).
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Paged<T> {
    /// The records of this page.
    #[serde(deserialize_with = "list", default = "Vec::new")]
    pub results: Vec<T>,
    /// Link to the next page, often on `api-internal.beatportprod.com` and without scheme.
    #[serde(default)]
    pub next: Option<String>,
    /// Total number of records.
    #[serde(default)]
    pub count: Option<u64>,
    /// This page's number (1-based).
    #[serde(default, deserialize_with = "page_number")]
    pub page: Option<u32>,
    /// Records per page.
    #[serde(default, deserialize_with = "page_number")]
    pub per_page: Option<u32>,
}

/// A `{id, name}` member (artist, label, genre, key, type).
#[derive(Debug, Deserialize)]
pub struct Named {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
}

impl Named {
    fn entity(&self) -> Option<Entity> {
        Some(Entity {
            id: self.id?,
            name: self
                .name
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

fn entities(list: &[Named]) -> Vec<Entity> {
    list.iter().filter_map(Named::entity).collect()
}

/// An image with its fixed and templated URIs.
#[derive(Debug, Deserialize)]
pub struct Image {
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    dynamic_uri: Option<String>,
}

impl Image {
    fn url(&self, size: u32) -> Option<String> {
        image_url(self.dynamic_uri.as_deref(), self.uri.as_deref(), size)
    }
}

/// A price as Beatport writes it.
#[derive(Debug, Deserialize)]
pub struct RawPrice {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    value: Option<Number>,
    #[serde(default)]
    display: Option<String>,
}

impl RawPrice {
    pub(crate) fn price(&self) -> Option<Price> {
        let price = Price {
            value: self.value.clone(),
            currency: non_empty(self.code.as_deref()),
            display: non_empty(self.display.as_deref()),
        };
        (price.value.is_some() || price.display.is_some()).then_some(price)
    }
}

/// A track in the catalog shape.
#[derive(Debug, Deserialize)]
pub struct CatalogTrack {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    mix_name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default, deserialize_with = "list")]
    artists: Vec<Named>,
    #[serde(default, deserialize_with = "list")]
    remixers: Vec<Named>,
    #[serde(default)]
    bpm: Option<Number>,
    #[serde(default)]
    key: Option<Named>,
    #[serde(default)]
    genre: Option<Named>,
    #[serde(default)]
    sub_genre: Option<Named>,
    #[serde(default)]
    release: Option<CatalogRelease>,
    #[serde(default)]
    length_ms: Option<u64>,
    #[serde(default)]
    length: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    isrc: Option<String>,
    #[serde(default)]
    price: Option<RawPrice>,
    /// Position on its release (release track lists only).
    #[serde(default)]
    pub number: Option<u32>,
}

impl CatalogTrack {
    /// The track's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The id of its release, when it says.
    pub fn release_id(&self) -> Option<u64> {
        self.release.as_ref().map(|r| r.id)
    }

    /// Our record of this track.
    pub fn into_track(self) -> Track {
        let title = self
            .name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let release = self.release.as_ref();
        Track {
            kind: None,
            position: None,
            id: self.id,
            url: entity_url("track", self.slug.as_deref(), &title, self.id),
            title,
            mix_name: non_empty(self.mix_name.as_deref()),
            artists: entities(&self.artists),
            remixers: entities(&self.remixers),
            bpm: self.bpm,
            key: self.key.as_ref().and_then(|k| non_empty(k.name.as_deref())),
            genre: self.genre.as_ref().and_then(Named::entity),
            sub_genre: self.sub_genre.as_ref().and_then(Named::entity),
            label: release
                .and_then(|r| r.label.as_ref())
                .and_then(Named::entity),
            release: release.map(|r| Entity {
                id: r.id,
                name: r
                    .name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned(),
            }),
            length_ms: self
                .length_ms
                .or_else(|| self.length.as_deref().and_then(length_text_ms)),
            publish_date: date_only(self.publish_date.as_deref()),
            isrc: non_empty(self.isrc.as_deref()),
            artwork_url: release
                .and_then(|r| r.image.as_ref())
                .and_then(|i| i.url(ARTWORK_SIZE)),
            price: self.price.as_ref().and_then(RawPrice::price),
        }
    }
}

/// A release in the catalog shape (also the short form nested in a track).
#[derive(Debug, Deserialize)]
pub struct CatalogRelease {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default, deserialize_with = "list")]
    artists: Vec<Named>,
    #[serde(default, deserialize_with = "list")]
    remixers: Vec<Named>,
    #[serde(default)]
    label: Option<Named>,
    #[serde(default)]
    catalog_number: Option<String>,
    #[serde(default)]
    upc: Option<String>,
    #[serde(default)]
    new_release_date: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    track_count: Option<u32>,
    #[serde(default)]
    image: Option<Image>,
    #[serde(rename = "type", default)]
    kind: Option<Named>,
    /// The release's track URLs, as release pages list them.
    #[serde(default, deserialize_with = "list")]
    pub tracks: Vec<serde_json::Value>,
}

impl CatalogRelease {
    /// The release's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How many tracks Beatport says it has.
    pub fn track_count(&self) -> Option<u32> {
        self.track_count
    }

    /// Our record of this release (without tracks).
    pub fn into_release(self) -> Release {
        let title = self
            .name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let publish_date = date_only(self.publish_date.as_deref());
        Release {
            kind: None,
            id: self.id,
            url: entity_url("release", self.slug.as_deref(), &title, self.id),
            title,
            artists: entities(&self.artists),
            remixers: entities(&self.remixers),
            label: self.label.as_ref().and_then(Named::entity),
            catalog_number: non_empty(self.catalog_number.as_deref()),
            upc: non_empty(self.upc.as_deref()),
            release_date: date_only(self.new_release_date.as_deref())
                .or_else(|| publish_date.clone()),
            publish_date,
            track_count: self.track_count,
            release_type: self
                .kind
                .as_ref()
                .and_then(|k| non_empty(k.name.as_deref())),
            artwork_url: self.image.as_ref().and_then(|i| i.url(ARTWORK_SIZE)),
            tracks: None,
        }
    }
}

/// A genre of `catalog/genres/`.
#[derive(Debug, Deserialize)]
pub struct CatalogGenre {
    #[serde(flatten)]
    named: Named,
}

impl CatalogGenre {
    /// Our record of this genre; `None` without an id.
    pub fn into_genre(self) -> Option<Genre> {
        let entity = self.named.entity()?;
        let slug = match non_empty(self.named.slug.as_deref()) {
            Some(slug) => slug,
            None => crate::model::slugify(&entity.name),
        };
        Some(Genre {
            id: entity.id,
            name: entity.name,
            slug,
        })
    }
}

/// Beatport's `next` link made fetchable: `api-internal.beatportprod.com` (the host the site's
/// servers use, often written without scheme) becomes `api.beatport.com`; a link to any other
/// host is ignored.
pub fn rewrite_next(next: &str) -> Option<Url> {
    let next = next.trim();
    if next.is_empty() {
        return None;
    }
    let text = if next.contains("://") {
        next.to_owned()
    } else {
        format!("https://{}", next.trim_start_matches('/'))
    };
    let mut url = Url::parse(&text).ok()?;
    match url.host_str()? {
        "api-internal.beatportprod.com" | "api.beatport.com" => {}
        _ => return None,
    }
    url.set_scheme("https").ok()?;
    url.set_host(Some("api.beatport.com")).ok()?;
    url.set_port(None).ok()?;
    url.set_fragment(None);
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_move_to_the_public_api() {
        let u = rewrite_next(
            "api-internal.beatportprod.com/v4/catalog/genres/12/top/100/?per_page=100&page=2",
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://api.beatport.com/v4/catalog/genres/12/top/100/?per_page=100&page=2"
        );
        let u = rewrite_next(
            "http://api-internal.beatportprod.com:8080/v4/catalog/releases/1/tracks/?page=2",
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://api.beatport.com/v4/catalog/releases/1/tracks/?page=2"
        );
        assert!(rewrite_next("https://evil.example/v4/catalog/").is_none());
        assert!(rewrite_next("").is_none());
        assert!(rewrite_next("api-internal.beatportprod.com.evil.example/x").is_none());
    }

    #[test]
    fn pages_numbers_come_as_text_or_numbers() {
        let p: Paged<u8> =
            serde_json::from_str(r#"{"results":[1],"page":"2","per_page":25,"count":100}"#)
                .unwrap();
        assert_eq!(
            (p.page, p.per_page, p.count),
            (Some(2), Some(25), Some(100))
        );
        let p: Paged<u8> = serde_json::from_str(r#"{"results":null}"#).unwrap();
        assert!(p.results.is_empty());
    }
}
