//! The actions: each reads its typed parameters, checks what a type cannot (the form of an id,
//! the order of the dates, a cursor's contents), makes one request to the Enterprise API and
//! parses the answer with the pure parsers of `parse`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use scraper_core::{Cx, Page, PageRequest, ScrapeError};
use serde::Deserialize;

use crate::Songstats;
use crate::api::{
    self, ARTIST_HISTORIC_STATS, ARTIST_INFO, ARTIST_SEARCH, ARTIST_STATS, TRACK_INFO, TRACK_STATS,
};
use crate::input::{ArtistId, DateRange, SearchCursor, SearchPage, Source, TrackId};
use crate::model::{Artist, SearchItem, SourceHistory, SourceStats, Track};
use crate::parse::{
    parse_artist, parse_historic_stats, parse_search_page, parse_stats, parse_track,
};

/// The one-of group of the artist actions.
pub(crate) const ARTIST_IDS: &[&str] = &ArtistId::PARAMS;
/// The one-of group of the track actions.
pub(crate) const TRACK_IDS: &[&str] = &TrackId::PARAMS;

/// Parameters of `artist` (one of the three ids).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ArtistParams {
    /// Songstats' artist id (like pod5zlug), or the artist's songstats.com URL.
    pub songstats_artist_id: Option<String>,
    /// Spotify artist id (22 letters and digits), open.spotify.com/artist/ URL or spotify:artist: URI.
    pub spotify_artist_id: Option<String>,
    /// Apple Music artist id (digits), or the artist's music.apple.com URL.
    pub apple_music_artist_id: Option<String>,
}

/// Parameters of `stats` (one of the three ids).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct StatsParams {
    /// Songstats' artist id (like pod5zlug), or the artist's songstats.com URL.
    pub songstats_artist_id: Option<String>,
    /// Spotify artist id (22 letters and digits), open.spotify.com/artist/ URL or spotify:artist: URI.
    pub spotify_artist_id: Option<String>,
    /// Apple Music artist id (digits), or the artist's music.apple.com URL.
    pub apple_music_artist_id: Option<String>,
    /// The source to report (tracklist is 1001Tracklists), or all of them.
    #[serde(default)]
    pub source: Source,
}

/// Parameters of `historic_stats` (one of the three ids).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct HistoricStatsParams {
    /// Songstats' artist id (like pod5zlug), or the artist's songstats.com URL.
    pub songstats_artist_id: Option<String>,
    /// Spotify artist id (22 letters and digits), open.spotify.com/artist/ URL or spotify:artist: URI.
    pub spotify_artist_id: Option<String>,
    /// Apple Music artist id (digits), or the artist's music.apple.com URL.
    pub apple_music_artist_id: Option<String>,
    /// The source to report (tracklist is 1001Tracklists), or all of them.
    #[serde(default)]
    pub source: Source,
    /// First day, YYYY-MM-DD (inclusive; none: Songstats' default span).
    pub start_date: Option<NaiveDate>,
    /// Last day, YYYY-MM-DD (inclusive, not before start_date).
    pub end_date: Option<NaiveDate>,
}

/// Parameters of `search`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchParams {
    /// The artist's name, or part of it.
    pub q: String,
}

/// Parameters of `track` (one of the three ids).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TrackParams {
    /// The track's ISRC (CC-XXX-YY-NNNNN, dashes optional).
    pub isrc: Option<String>,
    /// Songstats' track id, or the track's songstats.com URL.
    pub songstats_track_id: Option<String>,
    /// Spotify track id (22 letters and digits), open.spotify.com/track/ URL or spotify:track: URI.
    pub spotify_track_id: Option<String>,
}

/// Parameters of `track_stats` (one of the three ids).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TrackStatsParams {
    /// The track's ISRC (CC-XXX-YY-NNNNN, dashes optional).
    pub isrc: Option<String>,
    /// Songstats' track id, or the track's songstats.com URL.
    pub songstats_track_id: Option<String>,
    /// Spotify track id (22 letters and digits), open.spotify.com/track/ URL or spotify:track: URI.
    pub spotify_track_id: Option<String>,
    /// The source to report (tracklist is 1001Tracklists), or all of them.
    #[serde(default)]
    pub source: Source,
}

/// `artist`: an artist's profile.
pub async fn artist(cx: Cx<Songstats>, p: ArtistParams) -> Result<Artist, ScrapeError> {
    let id = ArtistId::from_params(
        p.songstats_artist_id.as_deref(),
        p.spotify_artist_id.as_deref(),
        p.apple_music_artist_id.as_deref(),
    )?;
    api::call(&cx, ARTIST_INFO, &[pair(id.query_pair())], parse_artist).await
}

/// `stats`: an artist's current numbers, per source.
pub async fn stats(cx: Cx<Songstats>, p: StatsParams) -> Result<Vec<SourceStats>, ScrapeError> {
    let id = ArtistId::from_params(
        p.songstats_artist_id.as_deref(),
        p.spotify_artist_id.as_deref(),
        p.apple_music_artist_id.as_deref(),
    )?;
    let query = [pair(id.query_pair()), source(p.source)];
    api::call(&cx, ARTIST_STATS, &query, parse_stats).await
}

/// `historic_stats`: an artist's daily numbers, per source.
pub async fn historic_stats(
    cx: Cx<Songstats>,
    p: HistoricStatsParams,
) -> Result<Vec<SourceHistory>, ScrapeError> {
    let id = ArtistId::from_params(
        p.songstats_artist_id.as_deref(),
        p.spotify_artist_id.as_deref(),
        p.apple_music_artist_id.as_deref(),
    )?;
    let range = DateRange::new(p.start_date, p.end_date)?;
    let mut query = vec![pair(id.query_pair()), source(p.source)];
    query.extend(range.query_pairs());
    api::call(&cx, ARTIST_HISTORIC_STATS, &query, parse_historic_stats).await
}

/// `search`: one page of the artists matching `q`.
pub async fn search(
    cx: Cx<Songstats>,
    p: SearchParams,
    page: PageRequest<SearchCursor>,
) -> Result<Page<SearchItem, SearchCursor>, ScrapeError> {
    let want = SearchPage::resolve(&page)?;
    let mut query = vec![("q", p.q)];
    query.extend(want.query_pairs());
    let (mut items, answered) = api::call(&cx, ARTIST_SEARCH, &query, parse_search_page).await?;
    // A Songstats that ignored `limit` answered more: the rest is the next page's.
    items.truncate(usize::try_from(want.limit).unwrap_or(usize::MAX));
    Ok(Page::new(items).next(want.next(answered)))
}

/// `track`: a track's metadata.
pub async fn track(cx: Cx<Songstats>, p: TrackParams) -> Result<Track, ScrapeError> {
    let id = TrackId::from_params(
        p.isrc.as_deref(),
        p.songstats_track_id.as_deref(),
        p.spotify_track_id.as_deref(),
    )?;
    api::call(&cx, TRACK_INFO, &[pair(id.query_pair())], parse_track).await
}

/// `track_stats`: a track's current numbers, per source.
pub async fn track_stats(
    cx: Cx<Songstats>,
    p: TrackStatsParams,
) -> Result<Vec<SourceStats>, ScrapeError> {
    let id = TrackId::from_params(
        p.isrc.as_deref(),
        p.songstats_track_id.as_deref(),
        p.spotify_track_id.as_deref(),
    )?;
    let query = [pair(id.query_pair()), source(p.source)];
    api::call(&cx, TRACK_STATS, &query, parse_stats).await
}

fn pair((name, value): (&'static str, &str)) -> (&'static str, String) {
    (name, value.to_owned())
}

/// The `source` pair, always sent: the stats endpoints require it.
fn source(source: Source) -> (&'static str, String) {
    ("source", source.as_str().to_owned())
}
