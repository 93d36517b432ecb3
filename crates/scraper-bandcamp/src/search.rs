//! The search action: pages of `limit` hits cut from Bandcamp's HTML result pages (18 hits
//! each), resumed exactly by a cursor holding (page, index); the JSON search API serves a fresh
//! search when the HTML page cannot be had, and then keeps serving that listing.

use scraper_core::{Context, ErrorCode, Output, ScrapeError, cursor};
use serde::{Deserialize, Serialize};

use crate::api;
use crate::model::SearchItem;

/// HTML pages one call may read before it answers what it has (a narrow filter can need many).
const MAX_PAGES_PER_CALL: u32 = 8;

/// The deepest HTML result page a cursor may point at (Bandcamp shows far fewer).
const MAX_PAGE: u32 = 1_000;

/// Where a listing continues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    /// The source: `h` (HTML pages) or `a` (the JSON search API).
    s: Source,
    /// The query, to refuse a cursor of another search.
    q: String,
    /// The type filter, likewise.
    t: String,
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
type Found = (Vec<SearchItem>, Option<State>);

/// Runs a search for `q` narrowed to `filter` (artists, labels, albums, tracks or all).
pub(crate) async fn search(
    ctx: &Context,
    q: &str,
    filter: &str,
    limit: usize,
    cursor: Option<&str>,
) -> Result<Output, ScrapeError> {
    let (items, next) = match cursor {
        Some(text) => {
            let state: State = cursor::decode(text)?;
            if state.q != q || state.t != filter {
                return Err(cursor_refused());
            }
            match state.s {
                Source::Html if (1..=MAX_PAGE).contains(&state.p) => {
                    html(ctx, q, filter, limit, state.p, state.i).await?
                }
                Source::Html => return Err(cursor_refused()),
                Source::Api => api_search(ctx, q, filter, limit, state.i).await?,
            }
        }
        None => match html(ctx, q, filter, limit, 1, 0).await {
            Ok(found) => found,
            Err(e) if falls_back(&e) => {
                tracing::info!(target: "bandcamp", error = %e, "the HTML search failed; trying the JSON search API");
                api_search(ctx, q, filter, limit, 0).await.map_err(|_| e)?
            }
            Err(e) => return Err(e),
        },
    };
    let next = next.map(|state| cursor::encode(&state)).transpose()?;
    Output::list(&items, next)
}

fn cursor_refused() -> ScrapeError {
    ScrapeError::invalid_param(
        "cursor",
        "parameter 'cursor' is not a cursor of this search (its q or type differ)",
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

/// The HTML `item_type` that narrows the search upstream.
fn item_type(filter: &str) -> Option<&'static str> {
    match filter {
        "artists" | "labels" => Some("b"),
        "albums" => Some("a"),
        "tracks" => Some("t"),
        _ => None,
    }
}

async fn html(
    ctx: &Context,
    q: &str,
    filter: &str,
    limit: usize,
    first_page: u32,
    first_index: usize,
) -> Result<Found, ScrapeError> {
    let state = |p: u32, i: usize| State {
        s: Source::Html,
        q: q.to_owned(),
        t: filter.to_owned(),
        p,
        i,
    };
    let mut out = Vec::with_capacity(limit);
    let (mut page, mut index) = (first_page, first_index);
    for fetched in 1..=MAX_PAGES_PER_CALL {
        let parsed = match api::search_page(ctx, q, item_type(filter), page).await {
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
            if hits[index].kind.matches(filter) {
                out.push(hits[index].clone());
            }
            index += 1;
        }
        if out.len() == limit {
            let next_here = (index..hits.len()).find(|&j| hits[j].kind.matches(filter));
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
    filter: &str,
    limit: usize,
    offset: usize,
) -> Result<Found, ScrapeError> {
    // Unfiltered upstream, filtered here: the API's filters are coarser (artists and labels
    // together) and an unfiltered answer serves every type of the same query.
    let hits: Vec<SearchItem> = api::autocomplete(ctx, q, "")
        .await?
        .into_iter()
        .filter(|h| h.kind.matches(filter))
        .collect();
    let page: Vec<SearchItem> = hits.iter().skip(offset).take(limit).cloned().collect();
    let next = offset + page.len();
    let state = (next < hits.len()).then(|| State {
        s: Source::Api,
        q: q.to_owned(),
        t: filter.to_owned(),
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
        let state = State {
            s: Source::Html,
            q: "C418".into(),
            t: "all".into(),
            p: 2,
            i: 7,
        };
        let text = cursor::encode(&state).unwrap();
        assert_eq!(cursor::decode::<State>(&text).unwrap(), state);
        assert!(cursor::decode::<State>("eyJzIjoieiJ9").is_err());
    }
}
