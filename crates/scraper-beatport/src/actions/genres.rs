//! `genres`: Beatport's genres from `catalog/genres/`, paged with Beatport's own paging.

use scraper_core::{Context, Output, Params, ScrapeError};

use crate::input::PageCursor;
use crate::model::{Genre, WEB};
use crate::parse::catalog::{CatalogGenre, Paged};
use crate::upstream::{Upstream, api_url};

/// Runs `genres`.
pub async fn run(up: &Upstream, ctx: &Context, params: &Params) -> Result<Output, ScrapeError> {
    let want = PageCursor::from_params(params)?;
    let query = [
        ("page", want.page.to_string()),
        ("per_page", want.per_page.to_string()),
    ];
    let paged: Paged<CatalogGenre> = up
        .api(
            ctx,
            &api_url("genres/", &query)?,
            None,
            &format!("{WEB}/"),
            "the Beatport genres",
        )
        .await?;
    let more = want.has_more(paged.results.len(), paged.count, paged.next.as_deref());
    let count = paged.count;
    let genres: Vec<Genre> = paged
        .results
        .into_iter()
        .filter_map(CatalogGenre::into_genre)
        .collect();
    let next = if more { want.next()? } else { None };
    let output = Output::list(&genres, next)?;
    Ok(match count {
        Some(count) => output.with_meta("total_results", count),
        None => output,
    })
}
