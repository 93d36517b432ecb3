//! `releases`: an artist's or a label's releases, newest first, within an optional publish-date
//! range, from the catalog API and paged with Beatport's own `page`/`per_page`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use scraper_core::{Cx, Page, PageRequest, ScrapeError};
use serde::Deserialize;

use crate::Beatport;
use crate::input::{PageCursor, entity_id};
use crate::model::{Release, WEB};
use crate::parse::catalog::{CatalogRelease, Paged};
use crate::upstream::{self, api_url};

/// Bounds sent for an open side of the date range.
const EARLIEST: &str = "1970-01-01";
const LATEST: &str = "9999-12-31";

/// Parameters of `releases` (one of `artist_id` and `label_id`).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReleasesParams {
    /// Beatport artist id, or the artist's beatport.com URL.
    pub artist_id: Option<String>,
    /// Beatport label id, or the label's beatport.com URL.
    pub label_id: Option<String>,
    /// Earliest publish date, YYYY-MM-DD (inclusive).
    pub start_date: Option<NaiveDate>,
    /// Latest publish date, YYYY-MM-DD (inclusive).
    pub end_date: Option<NaiveDate>,
}

/// `releases`: one page of an artist's or a label's releases.
pub async fn releases(
    cx: Cx<Beatport>,
    p: ReleasesParams,
    page: PageRequest<PageCursor>,
) -> Result<Page<Release, PageCursor>, ScrapeError> {
    let (kind, id) = match (p.artist_id.as_deref(), p.label_id.as_deref()) {
        (Some(artist), _) => ("artist", entity_id("artist_id", artist, "artist")?),
        (None, Some(label)) => ("label", entity_id("label_id", label, "label")?),
        // The core enforces the one-of group before the handler runs.
        (None, None) => {
            return Err(ScrapeError::InvalidParams {
                param: None,
                reason: "give one of 'artist_id' or 'label_id'".into(),
            });
        }
    };
    let range = date_range(p.start_date, p.end_date)?;
    let want = PageCursor::resolve(&page)?;
    let mut query = vec![
        ("page", want.page.to_string()),
        ("per_page", want.per_page.to_string()),
        ("order_by", "-publish_date".to_owned()),
    ];
    if let Some(range) = range {
        query.push(("publish_date", range));
    }
    let path = match kind {
        "label" => format!("labels/{id}/releases/"),
        _ => {
            query.push(("artist_id", id.to_string()));
            "releases/".to_owned()
        }
    };
    let what = format!("Beatport {kind} {id}");
    let token_page = format!("{WEB}/{kind}/-/{id}/releases");
    let paged: Paged<CatalogRelease> =
        upstream::api(&cx, &api_url(&path, &query)?, None, &token_page, &what).await?;
    let more = want.has_more(paged.results.len(), paged.count, paged.next.as_deref());
    let count = paged.count;
    let releases: Vec<Release> = paged
        .results
        .into_iter()
        .map(CatalogRelease::into_release)
        .collect();
    Ok(Page::new(releases)
        .next(if more { want.next() } else { None })
        .meta("total_results", count))
}

/// Beatport's `publish_date` range (`2025-01-01:2025-03-31`), open sides filled; `None` without
/// dates. An end before the start is `invalid_params`.
pub fn date_range(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> Result<Option<String>, ScrapeError> {
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(ScrapeError::invalid_param(
            "end_date",
            "parameter 'end_date' is before 'start_date'",
        ));
    }
    let text = |d: Option<NaiveDate>, open: &str| {
        d.map_or_else(|| open.to_owned(), |d| d.format("%Y-%m-%d").to_string())
    };
    Ok((start.is_some() || end.is_some())
        .then(|| format!("{}:{}", text(start, EARLIEST), text(end, LATEST))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn date_ranges() {
        assert_eq!(date_range(None, None).unwrap(), None);
        assert_eq!(
            date_range(d("2025-01-01"), d("2025-03-31"))
                .unwrap()
                .as_deref(),
            Some("2025-01-01:2025-03-31")
        );
        assert_eq!(
            date_range(d("2025-01-01"), None).unwrap().as_deref(),
            Some("2025-01-01:9999-12-31")
        );
        assert_eq!(
            date_range(None, d("2025-03-31")).unwrap().as_deref(),
            Some("1970-01-01:2025-03-31")
        );
        assert_eq!(
            date_range(d("2025-01-01"), d("2025-01-01"))
                .unwrap()
                .as_deref(),
            Some("2025-01-01:2025-01-01")
        );
        let err = date_range(d("2025-03-31"), d("2025-01-01")).unwrap_err();
        assert_eq!(err.param(), Some("end_date"));
    }
}
