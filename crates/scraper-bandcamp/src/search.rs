//! The search action: pages of `limit` hits cut from Bandcamp's HTML result pages (18 hits
//! each), resumed exactly by a cursor holding (page, index); the JSON search API serves a fresh
//! search when the HTML page cannot be had, and then keeps serving that listing.

use schemars::JsonSchema;
use scraper_core::{Context, Cx, ErrorCode, Page, PageRequest, ScrapeError};
use serde::{Deserialize, Serialize};

use crate::Bandcamp;
use crate::api;
use crate::model::{Kind, SearchItem};

/// HTML pages one call may read before it answers what it has (a narrow filter can need many).
const MAX_PAGES_PER_CALL: u32 = 8;

/// The deepest HTML result page a cursor may point at (Bandcamp shows far fewer).
const MAX_PAGE: u32 = 1_000;

/// Parameters of `search`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SearchParams {
    /// What to search for.
    q: String,
    /// Which kind of hits to answer.
    #[serde(default, rename = "type")]
    kind: SearchType,
}

/// Which kind of hits a search answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SearchType {
    /// Artists only.
    Artists,
    /// Labels only.
    Labels,
    /// Albums only.
    Albums,
    /// Tracks only.
    Tracks,
    /// Every kind.
    #[default]
    All,
}

impl SearchType {
    /// Whether a hit of `kind` passes.
    fn admits(self, kind: Kind) -> bool {
        match self {
            Self::Artists => kind == Kind::Artist,
            Self::Labels => kind == Kind::Label,
            Self::Albums => kind == Kind::Album,
            Self::Tracks => kind == Kind::Track,
            Self::All => true,
        }
    }

    /// The HTML `item_type` that narrows the search upstream.
    fn item_type(self) -> Option<&'static str> {
        match self {
            Self::Artists | Self::Labels => Some("b"),
            Self::Albums => Some("a"),
            Self::Tracks => Some("t"),
            Self::All => None,
        }
    }
}

/// Where a listing continues (the core binds it to `q` and `type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cursor {
    /// The source: `h` (HTML pages) or `a` (the JSON search API).
    s: Source,
    /// HTML: the 1-based page number.
    #[serde(default)]
    p: u32,
    /// HTML: the index of the next hit on page `p`; JSON: the offset of the next hit.
    #[serde(default)]
    i: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Source {
    #[serde(rename = "h")]
    Html,
    #[serde(rename = "a")]
    Api,
}

/// One answer: the hits and where the next page starts.
type Found = (Vec<SearchItem>, Option<Cursor>);

/// The search action: a search for `q` narrowed to `type`.
pub(crate) async fn search(
    cx: Cx<Bandcamp>,
    p: SearchParams,
    page: PageRequest<Cursor>,
) -> Result<Page<SearchItem, Cursor>, ScrapeError> {
    let (q, filter, limit) = (p.q.as_str(), p.kind, page.limit);
    let (items, next) = match page.cursor {
        Some(Cursor {
            s: Source::Html,
            p,
            i,
        }) if (1..=MAX_PAGE).contains(&p) => html(&cx, q, filter, limit, p, i).await?,
        Some(Cursor {
            s: Source::Html, ..
        }) => return Err(cursor_refused()),
        Some(Cursor {
            s: Source::Api, i, ..
        }) => api_search(&cx, q, filter, limit, i).await?,
        None => match html(&cx, q, filter, limit, 1, 0).await {
            Ok(found) => found,
            Err(e) if falls_back(&e) => {
                tracing::info!(target: "bandcamp", error = %e, "the HTML search failed; trying the JSON search API");
                api_search(&cx, q, filter, limit, 0).await.map_err(|_| e)?
            }
            Err(e) => return Err(e),
        },
    };
    Ok(Page::new(items).next(next))
}

/// A cursor whose page is out of range: forged, since we never give out such a one.
fn cursor_refused() -> ScrapeError {
    ScrapeError::invalid_param(
        "cursor",
        "parameter 'cursor' is not a cursor this service gave out",
    )
}

/// Errors of the HTML page after which the JSON API is worth a try.
fn falls_back(e: &ScrapeError) -> bool {
    matches!(
        e.code(),
        ErrorCode::Blocked
            | ErrorCode::UpstreamChanged
            | ErrorCode::NotFound
            | ErrorCode::UpstreamUnavailable
            | ErrorCode::RateLimited
    )
}

async fn html(
    ctx: &Context,
    q: &str,
    filter: SearchType,
    limit: usize,
    first_page: u32,
    first_index: usize,
) -> Result<Found, ScrapeError> {
    let state = |p: u32, i: usize| Cursor {
        s: Source::Html,
        p,
        i,
    };
    let mut out = Vec::with_capacity(limit);
    let (mut page, mut index) = (first_page, first_index);
    for fetched in 1..=MAX_PAGES_PER_CALL {
        let parsed = match api::search_page(ctx, q, filter.item_type(), page).await {
            Ok(parsed) => parsed,
            Err(e) if out.is_empty() => return Err(e),
            Err(e) => {
                // What we have is good; the client resumes at the page that failed.
                tracing::info!(target: "bandcamp", error = %e, page, "a later search page failed; answering a short page");
                return Ok((out, Some(state(page, 0))));
            }
        };
        let hits = &parsed.items;
        while index < hits.len() && out.len() < limit {
            if filter.admits(hits[index].kind) {
                out.push(hits[index].clone());
            }
            index += 1;
        }
        if out.len() == limit {
            let next_here = (index..hits.len()).find(|&j| filter.admits(hits[j].kind));
            return Ok(match next_here {
                Some(j) => (out, Some(state(page, j))),
                None => (
                    out,
                    parsed.has_next.then(|| state(page.saturating_add(1), 0)),
                ),
            });
        }
        if !parsed.has_next {
            return Ok((out, None));
        }
        page = page.saturating_add(1);
        index = 0;
        if fetched == MAX_PAGES_PER_CALL {
            break;
        }
    }
    Ok((out, Some(state(page, 0))))
}

async fn api_search(
    ctx: &Context,
    q: &str,
    filter: SearchType,
    limit: usize,
    offset: usize,
) -> Result<Found, ScrapeError> {
    // Unfiltered upstream, filtered here: the API's filters are coarser (artists and labels
    // together) and an unfiltered answer serves every type of the same query.
    let hits: Vec<SearchItem> = api::autocomplete(ctx, q, "")
        .await?
        .into_iter()
        .filter(|h| filter.admits(h.kind))
        .collect();
    let page: Vec<SearchItem> = hits.iter().skip(offset).take(limit).cloned().collect();
    let next = offset + page.len();
    let state = (next < hits.len()).then_some(Cursor {
        s: Source::Api,
        p: 0,
        i: next,
    });
    Ok((page, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let cursor = Cursor {
            s: Source::Html,
            p: 2,
            i: 7,
        };
        let json = serde_json::to_value(&cursor).unwrap();
        assert_eq!(json, serde_json::json!({"s": "h", "p": 2, "i": 7}));
        assert_eq!(serde_json::from_value::<Cursor>(json).unwrap(), cursor);
        assert!(serde_json::from_value::<Cursor>(serde_json::json!({"s": "z"})).is_err());
    }

    #[test]
    fn types_admit_their_kinds() {
        let kinds = [Kind::Artist, Kind::Label, Kind::Album, Kind::Track];
        let admitted = |t: SearchType| -> Vec<Kind> {
            kinds.iter().copied().filter(|k| t.admits(*k)).collect()
        };
        assert_eq!(admitted(SearchType::All), kinds);
        assert_eq!(admitted(SearchType::Artists), [Kind::Artist]);
        assert_eq!(admitted(SearchType::Labels), [Kind::Label]);
        assert_eq!(admitted(SearchType::Albums), [Kind::Album]);
        assert_eq!(admitted(SearchType::Tracks), [Kind::Track]);
        assert_eq!(SearchType::Labels.item_type(), Some("b"));
        assert_eq!(SearchType::All.item_type(), None);
    }
}
