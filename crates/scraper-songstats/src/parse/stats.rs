//! `GET /artists/stats`, `GET /tracks/stats` and `GET /artists/historic_stats`.
//!
//! Shapes: current stats are `stats[]{source, data{<metric>: <number>...}}`, historic stats
//! `stats[]{source, data{history[]{date, <metric>...}}}`, next to `artist_info` and `source_ids`
//! (`neomusic/songstats-js-api-client` `src/types/stats.ts` and `historic-stats.ts`; public
//! scripts that read live answers as `stats[i].data` and `stats[0].data.history`). Metric names
//! vary by source (`monthly_listeners_current` on Spotify, `dj_charts_total` on Beatport,
//! `subscribers_total` on YouTube...), so every member of `data` is kept as Songstats gives it,
//! lists of playlists and charts included. For leniency, `stats` may also be an object keyed by
//! source, an item may carry its metrics beside `source` instead of in `data`, and a history may
//! be `data` itself or sit beside `source`; an answer without `stats` that names one `source` at
//! its top is that source's item.

use scraper_core::ScrapeError;
use serde_json::Value;

use super::envelope::{success_document, take_member};
use super::json::{Object, as_text, text};
use crate::model::{HistoryPoint, SourceHistory, SourceStats};

/// The current stats of an `/artists/stats` or `/tracks/stats` answer, one item per source in
/// Songstats' order; items without a source are left out.
pub fn parse_stats(body: &str) -> Result<Vec<SourceStats>, ScrapeError> {
    let items = source_items(stats_member(body)?)?;
    Ok(items
        .into_iter()
        .map(|(source, mut item)| SourceStats {
            source,
            metrics: match item.shift_remove("data") {
                Some(Value::Object(data)) => data,
                _ => {
                    item.shift_remove("source");
                    item
                }
            },
        })
        .collect())
}

/// The history of an `/artists/historic_stats` answer, one item per source; points without a
/// date are left out.
pub fn parse_historic_stats(body: &str) -> Result<Vec<SourceHistory>, ScrapeError> {
    let items = source_items(stats_member(body)?)?;
    Ok(items
        .into_iter()
        .map(|(source, mut item)| {
            let points = match item.shift_remove("data") {
                Some(Value::Object(mut data)) => data.shift_remove("history"),
                Some(list @ Value::Array(_)) => Some(list),
                _ => item.shift_remove("history"),
            };
            SourceHistory {
                source,
                history: match points {
                    Some(Value::Array(points)) => points.into_iter().filter_map(point).collect(),
                    _ => Vec::new(),
                },
            }
        })
        .collect())
}

/// The `stats` member of an answer. An answer without one that names a `source` at its top is
/// taken as that one source's item (some third-party descriptions of the API show it so), without
/// the envelope's and the entity's members.
fn stats_member(body: &str) -> Result<Value, ScrapeError> {
    let mut doc = success_document(body)?;
    match take_member(&mut doc, &["stats"]) {
        Ok(stats) => Ok(stats),
        Err(_) if text(&doc, &["source"]).is_some() => {
            for envelope in ENVELOPE {
                doc.shift_remove(*envelope);
            }
            Ok(Value::Array(vec![Value::Object(doc)]))
        }
        Err(e) => Err(e),
    }
}

/// Members of a flat stats answer that are not metrics.
const ENVELOPE: &[&str] = &[
    "result",
    "message",
    "songstats_artist_id",
    "songstats_track_id",
    "artist_info",
    "track_info",
    "source_ids",
];

/// The `(source, item)` pairs of a `stats` member: a list of `{source, ...}` or an object keyed
/// by source.
fn source_items(stats: Value) -> Result<Vec<(String, Object)>, ScrapeError> {
    match stats {
        Value::Array(items) => Ok(items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(o) => Some((text(&o, &["source"])?, o)),
                _ => None,
            })
            .collect()),
        Value::Object(by_source) => Ok(by_source
            .into_iter()
            .filter_map(|(key, item)| {
                let Value::Object(o) = item else { return None };
                let source = text(&o, &["source"]).unwrap_or_else(|| key.trim().to_owned());
                (!source.is_empty()).then_some((source, o))
            })
            .collect()),
        _ => Err(ScrapeError::changed("songstats 'stats' is not a list")),
    }
}

/// One day of a history: its `date` and every other member.
fn point(value: Value) -> Option<HistoryPoint> {
    let Value::Object(mut o) = value else {
        return None;
    };
    let date = o.shift_remove("date").as_ref().and_then(as_text)?;
    Some(HistoryPoint { date, metrics: o })
}
