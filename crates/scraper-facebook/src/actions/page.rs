//! `page`: a Facebook page (name, description, picture, counts, category).

use schemars::JsonSchema;
use scraper_core::ScrapeError;
use serde::Deserialize;

use super::load_page;
use crate::Cx;
use crate::input::parse_page_ref;
use crate::model::Page;

/// Parameters of `page`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct PageParams {
    /// The page: its name as in its URL (heymeedan), its numeric id, or its facebook.com URL.
    page: String,
}

/// `page`: the page `p.page` designates.
pub(crate) async fn page(cx: Cx, p: PageParams) -> Result<Page, ScrapeError> {
    let target = parse_page_ref(&p.page)?;
    load_page(&cx, &target)
        .await
        .map_err(|e| cx.state().explain(e))
}
