//! Pure parsers of whole Beatport pages (genre and overall Top 100, search, release, track):
//! each picks the react-query entry it needs by its `queryKey` and reads it into our records.

use scraper_core::ScrapeError;
use serde::de::DeserializeOwned;

use super::catalog::{CatalogRelease, CatalogTrack, Paged};
use super::next_data::{self, AnonSession, NextData};
use super::search::{self, Hits, Kind};
use crate::model::Track;

fn read<T: DeserializeOwned>(raw: &str, what: &str) -> Result<T, ScrapeError> {
    serde_json::from_str(raw).map_err(|e| {
        ScrapeError::changed(format!(
            "the beatport {what} data has an unexpected shape: {e}"
        ))
    })
}

fn missing(data: &NextData<'_>, what: &str) -> ScrapeError {
    ScrapeError::changed(format!(
        "the beatport page holds no {what} (queries: {})",
        data.keys().join(", ")
    ))
}

/// A chart page as Beatport sent it.
#[derive(Debug)]
pub struct ChartPage {
    /// The tracks of this page, in chart order.
    pub tracks: Vec<Track>,
    /// The page Beatport says this is (1-based).
    pub page: u32,
    /// Its page size.
    pub per_page: u32,
    /// Tracks in the whole chart, when said.
    pub count: Option<u64>,
    /// Whether Beatport links a next page.
    pub has_next: bool,
}

impl ChartPage {
    /// Reads a catalog list page of tracks (a page's query data or an API answer).
    pub fn from_json(raw: &str) -> Result<Self, ScrapeError> {
        let paged: Paged<CatalogTrack> = read(raw, "chart")?;
        let page = paged.page.unwrap_or(1).max(1);
        let per_page = paged.per_page.filter(|n| *n > 0).unwrap_or(
            u32::try_from(paged.results.len())
                .unwrap_or(u32::MAX)
                .max(1),
        );
        Ok(Self {
            tracks: paged
                .results
                .into_iter()
                .map(CatalogTrack::into_track)
                .collect(),
            page,
            per_page,
            count: paged.count,
            has_next: paged.next.as_deref().is_some_and(|n| !n.trim().is_empty()),
        })
    }
}

/// Whether a query key is the Top 100 of `genre` (or the overall Top 100).
fn is_top100_key(key: &str, genre: Option<u64>) -> bool {
    let prefix = match genre {
        Some(id) => format!("genre-{id}-top-100"),
        None => "top-100".to_owned(),
    };
    key.starts_with(&prefix) && key.contains("tracks") && !key.contains("hype=true")
}

/// Reads a Top 100 page (`/genre/<slug>/<id>/top-100`, or `/top-100` when `genre` is `None`).
pub fn top100(
    html: &str,
    genre: Option<u64>,
) -> Result<(ChartPage, Option<AnonSession>), ScrapeError> {
    let data = next_data::parse(html)?;
    let raw = data
        .query(|k| is_top100_key(k, genre))
        .ok_or_else(|| missing(&data, "Top 100"))?;
    Ok((ChartPage::from_json(raw.get())?, data.anon_session))
}

/// Only the anonymous session of a page.
pub fn anon_session(html: &str) -> Result<Option<AnonSession>, ScrapeError> {
    Ok(next_data::parse(html)?.anon_session)
}

/// Reads a track page (`/track/<slug>/<id>`); `None` when it does not hold the track itself.
pub fn track(html: &str, id: u64) -> Result<(Option<Track>, Option<AnonSession>), ScrapeError> {
    let data = next_data::parse(html)?;
    let exact = format!("track-{id}");
    let candidates = data.track.into_iter().chain(data.query(|k| k == exact));
    let track = candidates
        .filter_map(|raw| serde_json::from_str::<CatalogTrack>(raw.get()).ok())
        .find(|t| t.id() == id)
        .map(CatalogTrack::into_track);
    Ok((track, data.anon_session))
}

/// What a release page holds.
#[derive(Debug)]
pub struct ReleasePage {
    /// The release, when the page holds it.
    pub release: Option<CatalogRelease>,
    /// Its tracks, when the page embeds a list of them (maybe only a first page).
    pub tracks: Option<Paged<CatalogTrack>>,
    /// The page's anonymous API session.
    pub anon_session: Option<AnonSession>,
}

/// Reads a release page (`/release/<slug>/<id>`).
pub fn release(html: &str, id: u64) -> Result<ReleasePage, ScrapeError> {
    let data = next_data::parse(html)?;
    let exact = format!("release-{id}");
    let release = data
        .release
        .into_iter()
        .chain(data.query(|k| k == exact))
        .filter_map(|raw| serde_json::from_str::<CatalogRelease>(raw.get()).ok())
        .find(|r| r.id() == id);
    let tracks = data
        .query(|k| k.contains("track") && k.contains(&id.to_string()))
        .or_else(|| data.query(|k| k.contains("track")))
        .and_then(|raw| serde_json::from_str::<Paged<CatalogTrack>>(raw.get()).ok())
        .filter(|p| !p.results.is_empty());
    Ok(ReleasePage {
        release,
        tracks,
        anon_session: data.anon_session,
    })
}

/// Reads a search page: `/search?q=` when `kinds` lists several types (each type's section of
/// the overview), `/search/<type>?q=` for one.
pub fn search(html: &str, kinds: &[Kind]) -> Result<Vec<(Kind, Hits)>, ScrapeError> {
    let data = next_data::parse(html)?;
    // The results' query by its key; failing that, the one whose data has the results' members.
    let by_content = || {
        data.entries().map(|(_, raw)| raw).find(|raw| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get()).is_ok_and(
                |m| {
                    m.get("data").is_some_and(serde_json::Value::is_array)
                        || Kind::ALL.iter().any(|k| {
                            m.get(k.as_str())
                                .is_some_and(|v| v.is_object() || v.is_array())
                        })
                },
            )
        })
    };
    let raw = data
        .query(|k| k.to_ascii_lowercase().contains("search"))
        .or_else(by_content)
        .ok_or_else(|| missing(&data, "search results"))?;
    let members: serde_json::Map<String, serde_json::Value> = read(raw.get(), "search")?;
    let mut out = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let section = members
            .get(kind.as_str())
            .or_else(|| (kinds.len() == 1).then(|| members.get("data")).flatten());
        let hits = match section {
            None | Some(serde_json::Value::Null) => Hits::default(),
            Some(value) => {
                let mut hits = search::hits(*kind, &value.to_string()).map_err(|e| {
                    ScrapeError::changed(format!(
                        "the beatport {} search results have an unexpected shape: {e}",
                        kind.as_str()
                    ))
                })?;
                if hits.total.is_none() && kinds.len() == 1 {
                    hits.total = members.get("count").and_then(serde_json::Value::as_u64);
                }
                hits
            }
        };
        out.push((*kind, hits));
    }
    Ok(out)
}
