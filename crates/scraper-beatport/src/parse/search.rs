//! Beatport's search shape — what the search pages embed (`track_id, track_name, key_name`,
//! `length` in ms, `release{release_id}`, `label{label_id, label_name}`, `genre[]`, artists
//! typed `Artist`/`Remixer`) — and its conversion into the same records as the catalog shape.

use serde::Deserialize;
use serde_json::Number;

use super::catalog::{RawPrice, list};
use crate::model::{
    ARTWORK_SIZE, Entity, PICTURE_SIZE, Profile, Release, SearchItem, Track, date_only, entity_url,
    image_url, non_empty,
};

/// One value or a list of them (Beatport writes `genre` both ways).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    fn first(&self) -> Option<&T> {
        match self {
            Self::Many(items) => items.first(),
            Self::One(item) => Some(item),
        }
    }
}

#[derive(Debug, Deserialize)]
struct SearchArtist {
    #[serde(default)]
    artist_id: Option<u64>,
    #[serde(default)]
    artist_name: Option<String>,
    #[serde(default)]
    artist_type_name: Option<String>,
}

impl SearchArtist {
    fn entity(&self) -> Option<Entity> {
        Some(Entity {
            id: self.artist_id?,
            name: self
                .artist_name
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned(),
        })
    }

    fn is_remixer(&self) -> bool {
        self.artist_type_name
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("remixer"))
    }
}

/// Main artists and remixers from one typed list.
fn credits(artists: &[SearchArtist]) -> (Vec<Entity>, Vec<Entity>) {
    let main = artists
        .iter()
        .filter(|a| !a.is_remixer())
        .filter_map(SearchArtist::entity)
        .collect();
    let remixers = artists
        .iter()
        .filter(|a| a.is_remixer())
        .filter_map(SearchArtist::entity)
        .collect();
    (main, remixers)
}

#[derive(Debug, Deserialize)]
struct SearchLabel {
    #[serde(default)]
    label_id: Option<u64>,
    #[serde(default)]
    label_name: Option<String>,
}

impl SearchLabel {
    fn entity(&self) -> Option<Entity> {
        Some(Entity {
            id: self.label_id?,
            name: self
                .label_name
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
struct SearchGenre {
    #[serde(default, alias = "sub_genre_id")]
    genre_id: Option<u64>,
    #[serde(default, alias = "sub_genre_name")]
    genre_name: Option<String>,
}

impl SearchGenre {
    fn entity(&self) -> Option<Entity> {
        Some(Entity {
            id: self.genre_id?,
            name: self
                .genre_name
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
struct SearchTrackRelease {
    release_id: u64,
    #[serde(default)]
    release_name: Option<String>,
    #[serde(default)]
    release_image_uri: Option<String>,
    #[serde(default)]
    release_image_dynamic_uri: Option<String>,
}

/// A track in the search shape.
#[derive(Debug, Deserialize)]
pub struct SearchTrack {
    track_id: u64,
    #[serde(default)]
    track_name: Option<String>,
    #[serde(default)]
    mix_name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default, deserialize_with = "list")]
    artists: Vec<SearchArtist>,
    #[serde(default)]
    bpm: Option<Number>,
    #[serde(default)]
    key_name: Option<String>,
    #[serde(default)]
    genre: Option<OneOrMany<SearchGenre>>,
    #[serde(default)]
    sub_genre: Option<OneOrMany<SearchGenre>>,
    #[serde(default)]
    release: Option<SearchTrackRelease>,
    #[serde(default)]
    label: Option<SearchLabel>,
    #[serde(default)]
    length: Option<Number>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    isrc: Option<String>,
    #[serde(default)]
    price: Option<RawPrice>,
}

impl SearchTrack {
    /// Our record of this track.
    pub fn into_track(self) -> Track {
        let title = self
            .track_name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let (artists, remixers) = credits(&self.artists);
        let release = self.release.as_ref();
        Track {
            kind: Some("track"),
            position: None,
            id: self.track_id,
            url: entity_url("track", self.slug.as_deref(), &title, self.track_id),
            title,
            mix_name: non_empty(self.mix_name.as_deref()),
            artists,
            remixers,
            bpm: self.bpm,
            key: non_empty(self.key_name.as_deref()),
            genre: self
                .genre
                .as_ref()
                .and_then(OneOrMany::first)
                .and_then(SearchGenre::entity),
            sub_genre: self
                .sub_genre
                .as_ref()
                .and_then(OneOrMany::first)
                .and_then(SearchGenre::entity),
            label: self.label.as_ref().and_then(SearchLabel::entity),
            release: release.map(|r| Entity {
                id: r.release_id,
                name: r
                    .release_name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned(),
            }),
            length_ms: self
                .length
                .as_ref()
                .and_then(|n| n.as_u64().or_else(|| n.as_f64().map(|f| f.round() as u64))),
            publish_date: date_only(self.publish_date.as_deref()),
            isrc: non_empty(self.isrc.as_deref()),
            artwork_url: release.and_then(|r| {
                image_url(
                    r.release_image_dynamic_uri.as_deref(),
                    r.release_image_uri.as_deref(),
                    ARTWORK_SIZE,
                )
            }),
            price: self.price.as_ref().and_then(RawPrice::price),
        }
    }
}

/// A release in the search shape.
#[derive(Debug, Deserialize)]
pub struct SearchRelease {
    release_id: u64,
    #[serde(default)]
    release_name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default, deserialize_with = "list")]
    artists: Vec<SearchArtist>,
    #[serde(default)]
    label: Option<SearchLabel>,
    #[serde(default)]
    catalog_number: Option<String>,
    #[serde(default)]
    upc: Option<String>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    track_count: Option<u32>,
    #[serde(default)]
    release_type: Option<String>,
    #[serde(default)]
    release_image_uri: Option<String>,
    #[serde(default)]
    release_image_dynamic_uri: Option<String>,
}

impl SearchRelease {
    /// Our record of this release.
    pub fn into_release(self) -> Release {
        let title = self
            .release_name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let (artists, remixers) = credits(&self.artists);
        let publish_date = date_only(self.publish_date.as_deref());
        Release {
            kind: Some("release"),
            id: self.release_id,
            url: entity_url("release", self.slug.as_deref(), &title, self.release_id),
            title,
            artists,
            remixers,
            label: self.label.as_ref().and_then(SearchLabel::entity),
            catalog_number: non_empty(self.catalog_number.as_deref()),
            upc: non_empty(self.upc.as_deref()),
            release_date: date_only(self.release_date.as_deref()).or_else(|| publish_date.clone()),
            publish_date,
            track_count: self.track_count,
            release_type: non_empty(self.release_type.as_deref()),
            artwork_url: image_url(
                self.release_image_dynamic_uri.as_deref(),
                self.release_image_uri.as_deref(),
                ARTWORK_SIZE,
            ),
            tracks: None,
        }
    }
}

/// An artist in the search shape.
#[derive(Debug, Deserialize)]
pub struct SearchArtistHit {
    artist_id: u64,
    #[serde(default)]
    artist_name: Option<String>,
    #[serde(default)]
    artist_image_uri: Option<String>,
    #[serde(default)]
    artist_image_dynamic_uri: Option<String>,
}

impl SearchArtistHit {
    /// Our record of this artist.
    pub fn into_profile(self) -> Profile {
        let name = self
            .artist_name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        Profile {
            kind: "artist",
            id: self.artist_id,
            url: entity_url("artist", None, &name, self.artist_id),
            name,
            image_url: image_url(
                self.artist_image_dynamic_uri.as_deref(),
                self.artist_image_uri.as_deref(),
                PICTURE_SIZE,
            ),
        }
    }
}

/// A label in the search shape.
#[derive(Debug, Deserialize)]
pub struct SearchLabelHit {
    label_id: u64,
    #[serde(default)]
    label_name: Option<String>,
    #[serde(default)]
    label_image_uri: Option<String>,
    #[serde(default)]
    label_image_dynamic_uri: Option<String>,
}

impl SearchLabelHit {
    /// Our record of this label.
    pub fn into_profile(self) -> Profile {
        let name = self
            .label_name
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        Profile {
            kind: "label",
            id: self.label_id,
            url: entity_url("label", None, &name, self.label_id),
            name,
            image_url: image_url(
                self.label_image_dynamic_uri.as_deref(),
                self.label_image_uri.as_deref(),
                PICTURE_SIZE,
            ),
        }
    }
}

/// One type's results: a plain list, or `{data: [...], count}`.
#[derive(Debug, Deserialize)]
#[serde(untagged, bound(deserialize = "T: Deserialize<'de>"))]
enum Section<T> {
    Plain(Vec<T>),
    Wrapped {
        #[serde(default = "Vec::new", deserialize_with = "list")]
        data: Vec<T>,
        #[serde(default)]
        count: Option<u64>,
    },
}

impl<T> Section<T> {
    fn split(self) -> (Vec<T>, Option<u64>) {
        match self {
            Self::Plain(items) => (items, None),
            Self::Wrapped { data, count } => (data, count),
        }
    }
}

/// The results of one search type, already converted.
#[derive(Debug, Default)]
pub struct Hits {
    /// The records, in Beatport's order.
    pub items: Vec<SearchItem>,
    /// How many results Beatport says there are, when it says.
    pub total: Option<u64>,
}

/// Which of Beatport's search types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Tracks.
    Tracks,
    /// Releases.
    Releases,
    /// Artists.
    Artists,
    /// Labels.
    Labels,
}

impl Kind {
    /// Every type, in the order `type=all` answers them.
    pub const ALL: [Kind; 4] = [Kind::Tracks, Kind::Releases, Kind::Artists, Kind::Labels];

    /// The type's name in Beatport's URLs and data (`tracks`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tracks => "tracks",
            Self::Releases => "releases",
            Self::Artists => "artists",
            Self::Labels => "labels",
        }
    }

    /// The type of that name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Reads one type's results from raw JSON (a list or `{data, count}`).
pub fn hits(kind: Kind, raw: &str) -> Result<Hits, serde_json::Error> {
    fn read<T: for<'de> Deserialize<'de>>(
        raw: &str,
        convert: fn(T) -> SearchItem,
    ) -> Result<Hits, serde_json::Error> {
        let (items, total) = serde_json::from_str::<Section<T>>(raw)?.split();
        Ok(Hits {
            items: items.into_iter().map(convert).collect(),
            total,
        })
    }
    match kind {
        Kind::Tracks => read::<SearchTrack>(raw, |t| SearchItem::Track(t.into_track())),
        Kind::Releases => read::<SearchRelease>(raw, |r| SearchItem::Release(r.into_release())),
        Kind::Artists => read::<SearchArtistHit>(raw, |a| SearchItem::Profile(a.into_profile())),
        Kind::Labels => read::<SearchLabelHit>(raw, |l| SearchItem::Profile(l.into_profile())),
    }
}
