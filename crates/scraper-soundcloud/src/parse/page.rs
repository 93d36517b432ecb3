//! A page of a collection (`search*`, `users/{id}/tracks`): its records, the upstream's link to
//! the next page, and the total count searches report.

use scraper_core::{ScrapeError, walls};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::SearchItem;
use crate::raw::RawPage;

/// One upstream page, parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpstreamPage {
    /// The records of known kinds, in upstream order (may be empty on a page that has a next).
    pub items: Vec<SearchItem>,
    /// SoundCloud's link to the next page (without client_id), when there is one.
    pub next_href: Option<String>,
    /// `total_results` of a search.
    pub total_results: Option<u64>,
}

/// Reads a collection page.
pub fn parse_page(body: &str) -> Result<UpstreamPage, ScrapeError> {
    let raw: RawPage = read_json(body)?;
    let Some(collection) = raw.collection else {
        walls::ensure_not_challenged("soundcloud", body, false)?;
        return Err(ScrapeError::changed(
            "SoundCloud answered a page without 'collection'",
        ));
    };
    Ok(UpstreamPage {
        items: collection
            .0
            .iter()
            .filter_map(SearchItem::from_raw)
            .collect(),
        next_href: raw.next_href.non_blank(),
        total_results: raw.total_results.0,
    })
}

/// Parses a JSON body; a captcha or challenge page is `blocked`, anything else that is not the
/// expected JSON object is `upstream_changed`.
pub(crate) fn read_json<T: DeserializeOwned>(body: &str) -> Result<T, ScrapeError> {
    if !body.trim_start().starts_with('{') {
        walls::ensure_not_challenged("soundcloud", body, false)?;
        return Err(ScrapeError::changed(
            "SoundCloud answered something other than a JSON object",
        ));
    }
    serde_json::from_str(body).map_err(|e| {
        walls::ensure_not_challenged("soundcloud", body, false)
            .err()
            .unwrap_or_else(|| {
                ScrapeError::changed(format!(
                    "SoundCloud answered JSON of an unexpected shape: {e}"
                ))
            })
    })
}
