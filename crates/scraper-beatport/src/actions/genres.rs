//! `genres`: Beatport's genres from `catalog/genres/`, paged with Beatport's own paging.

use schemars::JsonSchema;
use scraper_core::{Cx, Page, PageRequest, ScrapeError};
use serde::Deserialize;

use crate::Beatport;
use crate::input::PageCursor;
use crate::model::{Genre, WEB};
use crate::parse::catalog::{CatalogGenre, Paged};
use crate::upstream::{self, api_url};

/// Parameters of `genres`: none besides `limit` and `cursor`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GenresParams {}

/// `genres`: one page of Beatport's genres.
pub async fn genres(
    cx: Cx<Beatport>,
    _: GenresParams,
    page: PageRequest<PageCursor>,
) -> Result<Page<Genre, PageCursor>, ScrapeError> {
    let want = PageCursor::resolve(&page)?;
    let query = [
        ("page", want.page.to_string()),
        ("per_page", want.per_page.to_string()),
    ];
    let paged: Paged<CatalogGenre> = upstream::api(
        &cx,
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
    Ok(Page::new(genres)
        .next(if more { want.next() } else { None })
        .meta("total_results", count))
}
