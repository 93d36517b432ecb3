//! `search`: Beatport's search pages (`/search/<type>?q=&page=&per-page=` for one type,
//! `/search?q=` for all), paged with Beatport's own page number and page size.

use schemars::JsonSchema;
use scraper_core::{Cx, Page, PageRequest, Request, ScrapeError};
use serde::{Deserialize, Serialize};

use crate::Beatport;
use crate::input::{PageCursor, normalise_query};
use crate::model::{SearchItem, WEB};
use crate::parse::pages;
use crate::parse::search::Kind;
use crate::upstream;

/// Parameters of `search`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchParams {
    /// What to search for.
    pub q: String,
    /// Which kind of results; `all` shares each page equally between the four kinds.
    #[serde(rename = "type", default)]
    pub kind: SearchType,
}

/// The kinds of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchType {
    /// Tracks.
    Tracks,
    /// Releases.
    Releases,
    /// Artists.
    Artists,
    /// Labels.
    Labels,
    /// All four kinds, each an equal share of the page.
    #[default]
    All,
}

impl SearchType {
    /// The one Beatport search type asked for; `None` for all of them.
    pub fn kind(self) -> Option<Kind> {
        match self {
            Self::Tracks => Some(Kind::Tracks),
            Self::Releases => Some(Kind::Releases),
            Self::Artists => Some(Kind::Artists),
            Self::Labels => Some(Kind::Labels),
            Self::All => None,
        }
    }
}

/// `search`: one page of results.
pub async fn search(
    cx: Cx<Beatport>,
    p: SearchParams,
    page: PageRequest<PageCursor>,
) -> Result<Page<SearchItem, PageCursor>, ScrapeError> {
    let q = normalise_query(&p.q);
    if q.is_empty() {
        return Err(ScrapeError::invalid_param(
            "q",
            "parameter 'q' has nothing to search for",
        ));
    }
    let want = PageCursor::resolve(&page)?;
    let (path, kinds, per_type) = match p.kind.kind() {
        Some(kind) => (
            format!("{WEB}/search/{}", kind.as_str()),
            vec![kind],
            want.per_page,
        ),
        // Each type gets an equal share of the page; below 4 items, the first types only.
        None => {
            let types = usize::try_from(want.per_page)
                .unwrap_or(4)
                .min(Kind::ALL.len());
            (
                format!("{WEB}/search"),
                Kind::ALL[..types].to_vec(),
                (want.per_page / 4).max(1),
            )
        }
    };
    let request = Request::get(&path).query(&[
        ("q", q.clone()),
        ("page", want.page.to_string()),
        ("per-page", per_type.to_string()),
    ]);
    let html =
        upstream::page_request(&cx, request, &format!("the Beatport search for '{q}'")).await?;
    let mut items: Vec<SearchItem> = Vec::new();
    let mut more = false;
    let mut total = Some(0u64);
    for (kind, mut hits) in pages::search(&html.text(), &kinds)? {
        let per_type = per_type as usize;
        if hits.items.len() > per_type {
            tracing::warn!(
                site = "beatport",
                kind = kind.as_str(),
                got = hits.items.len(),
                per_type,
                "beatport ignored per-page; extra results dropped"
            );
            hits.items.truncate(per_type);
        }
        more |= match hits.total {
            Some(t) => u64::from(want.page - 1) * per_type as u64 + (hits.items.len() as u64) < t,
            None => hits.items.len() >= per_type,
        };
        total = total.zip(hits.total).map(|(a, b)| a + b);
        items.extend(hits.items);
    }
    Ok(Page::new(items)
        .next(if more { want.next() } else { None })
        .meta("total_results", total))
}
