//! `search`: Beatport's search pages (`/search/<type>?q=&page=&per-page=` for one type,
//! `/search?q=` for all), paged with Beatport's own page number and page size.

use scraper_core::{Context, Output, Params, Request, ScrapeError};

use crate::input::{PageCursor, normalise_query};
use crate::model::{SearchItem, WEB};
use crate::parse::pages;
use crate::parse::search::Kind;
use crate::upstream;

/// Runs `search`.
pub async fn run(ctx: &Context, params: &Params) -> Result<Output, ScrapeError> {
    let q = normalise_query(params.required_str("q")?);
    if q.is_empty() {
        return Err(ScrapeError::invalid_param(
            "q",
            "parameter 'q' has nothing to search for",
        ));
    }
    let want = PageCursor::from_params(params)?;
    let (path, kinds, per_type) = match params.str("type").and_then(Kind::from_name) {
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
        upstream::page_request(ctx, request, &format!("the Beatport search for '{q}'")).await?;
    let mut items: Vec<SearchItem> = Vec::new();
    let mut more = false;
    let mut total = Some(0u64);
    for (kind, mut hits) in pages::search(&html, &kinds)? {
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
    let next = if more { want.next()? } else { None };
    let output = Output::list(&items, next)?;
    Ok(match total {
        Some(total) => output.with_meta("total_results", total),
        None => output,
    })
}
