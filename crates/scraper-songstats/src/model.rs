//! The records the Songstats actions answer, with exactly the field names of docs/API.md (plus a
//! few extra fields API.md allows). Songstats' ids are strings; absent values are `null` or `[]`.
//! Metrics are kept as Songstats gives them: their names vary by source, so none is hard-coded.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// An artist's profile (`artist` action).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Artist {
    /// Songstats' id of the artist (`wjcgfd9i`), the id every other artist action accepts.
    pub songstats_artist_id: String,
    /// The name shown to people.
    pub name: String,
    /// The artist's picture.
    pub avatar_url: Option<String>,
    /// The artist's page on songstats.com.
    pub url: Option<String>,
    /// The artist's country, as Songstats gives it (an ISO code or a name).
    pub country: Option<String>,
    /// The biography Songstats shows.
    pub bio: Option<String>,
    /// Genres, as Songstats spells them.
    pub genres: Vec<String>,
    /// The artist's profiles on the platforms Songstats follows.
    pub links: Vec<Link>,
}

/// A profile of an artist or track on one platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Link {
    /// The platform, as Songstats names its sources (`spotify`, `beatport`, `tracklist`...).
    pub source: Option<String>,
    /// The profile's address on that platform.
    pub url: String,
    /// The entity's id on that platform (a Spotify id, a Beatport number...), as a string.
    pub external_id: Option<String>,
}

/// One source's current numbers (`stats` action).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourceStats {
    /// The source (`spotify`, `tiktok`, `tracklist`...).
    pub source: String,
    /// Every metric Songstats gives for this source, under Songstats' names
    /// (`followers_total`, `monthly_listeners_current`, `dj_charts_total`...): they vary by source.
    pub metrics: Map<String, Value>,
}

/// One source's daily history (`historic_stats` action).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourceHistory {
    /// The source (`spotify`, `tiktok`, `tracklist`...).
    pub source: String,
    /// The data points, in Songstats' order (oldest first).
    pub history: Vec<HistoryPoint>,
}

/// The metrics of one source on one day.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct HistoryPoint {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Every metric Songstats gives for that day, under Songstats' names, next to `date`.
    #[serde(flatten)]
    pub metrics: Map<String, Value>,
}

/// One artist found by a search (`search` action).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SearchItem {
    /// Songstats' id of the artist, for the `artist`, `stats` and `historic_stats` actions.
    pub songstats_artist_id: String,
    /// The name shown to people.
    pub name: String,
    /// The artist's picture.
    pub avatar_url: Option<String>,
    /// The artist's page on songstats.com.
    pub url: Option<String>,
}

/// A track's metadata (`track` action).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Track {
    /// Songstats' id of the track.
    pub songstats_track_id: String,
    /// The title, with its mix name when Songstats includes it.
    pub title: String,
    /// The credited artists, in Songstats' order.
    pub artists: Vec<TrackArtist>,
    /// The release date, as Songstats gives it (`YYYY-MM-DD`).
    pub release_date: Option<String>,
    /// The labels that released it.
    pub labels: Vec<Label>,
    /// The track on the platforms Songstats follows.
    pub links: Vec<Link>,
    /// The track's ISRC, when Songstats gives one.
    pub isrc: Option<String>,
    /// The artwork.
    pub artwork_url: Option<String>,
    /// The track's page on songstats.com.
    pub url: Option<String>,
    /// Genres, as Songstats spells them.
    pub genres: Vec<String>,
}

/// An artist credited on a track.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrackArtist {
    /// Songstats' id of the artist, when Songstats gives one.
    pub songstats_artist_id: Option<String>,
    /// The name shown to people.
    pub name: String,
    /// The artist's picture, when Songstats gives one here.
    pub avatar_url: Option<String>,
    /// The artist's page on songstats.com, when Songstats gives one here.
    pub url: Option<String>,
}

/// A label a track was released on.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Label {
    /// Songstats' id of the label, when Songstats gives one.
    pub songstats_label_id: Option<String>,
    /// The label's name.
    pub name: String,
}
