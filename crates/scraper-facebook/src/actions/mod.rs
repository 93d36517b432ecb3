//! The three actions as typed handlers — [`page`], [`events`], [`event`] — and what they share:
//! loading a page by whichever address its parameter gives.

mod event;
mod events;
mod page;

pub(crate) use event::event;
pub(crate) use events::events;
pub(crate) use page::page;

use scraper_core::{ErrorCode, ScrapeError};

use crate::Cx;
use crate::input::PageRef;
use crate::model::Page;
use crate::parse::parse_page;
use crate::upstream::{Fetched, navigate};

/// `profile.php?id=<id>`: the address of a page (of the 2021+ kind) by its profile id.
fn profile_url(id: &str) -> String {
    format!("https://www.facebook.com/profile.php?id={id}")
}

/// The page `target` designates, fetched and read. A numeric id is asked for as `/<id>/` (which
/// Facebook redirects to the page's name), then as `profile.php?id=<id>` when the first address
/// has nothing (404, or "this content isn't available").
async fn load_page(cx: &Cx, target: &PageRef) -> Result<Page, ScrapeError> {
    let mut addresses = vec![target.page_url()];
    if let PageRef::Id(id) = target {
        addresses.push(profile_url(id));
    }
    let mut missing = None;
    for address in addresses {
        let error = match navigate(cx, &address).await? {
            Fetched::Page(body) => match parse_page(&body) {
                // "This content isn't available" under one address: the next one may have it.
                Err(error) if error.code() == ErrorCode::NotFound => error,
                read => return read,
            },
            Fetched::Missing(error) => error,
        };
        missing = Some(error);
    }
    Err(missing.unwrap_or_else(|| ScrapeError::not_found("facebook has no such page")))
}
