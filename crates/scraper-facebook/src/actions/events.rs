//! `events`: a page's events tab, upcoming or past, as one page of a list.
//!
//! Where the tab is: `/<name>/upcoming_hosted_events` for a page given by name (what
//! hashtracks-web and most scrapers fetch, and what Facebook links), and
//! `profile.php?id=<id>&sk=upcoming_hosted_events` for a page given by id or by a path without a
//! name (`/pages/<Name>/<id>`, `/p/<Name>-<id>`, `/people/...`): that is the tab's own address
//! for a page of the 2021+ kind without a vanity name (facebook-event-scraper and others fetch it
//! so), and one request when it answers. When it is not the tab (404, or a page without the
//! events collection: a classic page id, or Facebook showing the page's timeline instead), the
//! page says where it lives: the answer's own `og:url`, or else the page fetched by its id or
//! path (which Facebook redirects to its name), and its tab there is the last address tried. We
//! do not read the name from the page first: that would cost two requests every time, for the
//! rarer case. At most three requests.

use schemars::JsonSchema;
use scraper_core::{ErrorCode, Page, PageRequest, ScrapeError};
use serde::{Deserialize, Serialize};

use super::load_page;
use crate::Cx;
use crate::input::{PageRef, When, parse_page_ref};
use crate::model::{self, EventSummary, EventsTab};
use crate::parse::{parse_events, parse_page};
use crate::upstream::{Fetched, navigate};

/// Parameters of `events`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct EventsParams {
    /// The page: its name as in its URL (GrandStrandHashing), its numeric id, or its facebook.com
    /// URL.
    page: String,
    /// Which events: upcoming (the default) or past.
    #[serde(default)]
    when: When,
}

/// The state of a next page, which never exists: logged out, Facebook shows the first events of
/// a tab and offers no way to the others, so `next_cursor` is always null (and any cursor a
/// client passes is refused as not one of ours).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum NoNextPage {}

/// `events`: the events of the tab, in Facebook's order, at most `limit`; `meta.complete` says
/// whether they are all of them.
pub(crate) async fn events(
    cx: Cx,
    p: EventsParams,
    page: PageRequest<NoNextPage>,
) -> Result<Page<EventSummary, NoNextPage>, ScrapeError> {
    let target = parse_page_ref(&p.page)?;
    let tab = load_tab(&cx, &target, p.when)
        .await
        .map_err(|e| cx.state().explain(e))?;
    let shown = tab.events.len();
    let mut events = tab.events;
    events.truncate(page.limit);
    let complete = !tab.has_more && events.len() == shown;
    Ok(Page::new(events).meta("complete", complete))
}

/// What an address answered for an events tab.
enum Tab {
    /// The tab.
    Events(EventsTab),
    /// Not the tab: nothing there (404, "not available") or a page without the events collection,
    /// read as a page when it is one (it names where the page lives).
    Elsewhere {
        error: ScrapeError,
        page: Option<Box<model::Page>>,
    },
}

/// The events tab of `target` (see the module's doc for where it is looked for).
async fn load_tab(cx: &Cx, target: &PageRef, when: When) -> Result<EventsTab, ScrapeError> {
    let first = target.events_url(when);
    let (error, hint) = match tab_at(cx, &first).await? {
        Tab::Events(tab) => return Ok(tab),
        Tab::Elsewhere { error, page } => (error, page),
    };
    let page = match (hint, target) {
        (Some(page), _) => *page,
        // A name that has no tab has no page either: no second guess.
        (None, PageRef::Slug(_)) => return Err(error),
        (None, _) => load_page(cx, target).await?,
    };
    let second = tab_url(&page, when);
    if second == first {
        return Err(error);
    }
    match tab_at(cx, &second).await? {
        Tab::Events(tab) => Ok(tab),
        Tab::Elsewhere { error, .. } => Err(error),
    }
}

/// The events tab of a page read from Facebook: under its name when its URL has one, else by id.
fn tab_url(page: &model::Page, when: When) -> String {
    match parse_page_ref(&page.url) {
        Ok(named @ PageRef::Slug(_)) => named.events_url(when),
        _ => PageRef::Id(page.id.clone()).events_url(when),
    }
}

/// Fetches `url` as an events tab. Walls (login, checkpoint) end the search: they would stand in
/// front of any other address too.
async fn tab_at(cx: &Cx, url: &str) -> Result<Tab, ScrapeError> {
    let body = match navigate(cx, url).await? {
        Fetched::Page(body) => body,
        Fetched::Missing(error) => return Ok(Tab::Elsewhere { error, page: None }),
    };
    match parse_events(&body) {
        Ok(tab) => Ok(Tab::Events(tab)),
        Err(error) => match error.code() {
            ErrorCode::UpstreamChanged => Ok(Tab::Elsewhere {
                page: parse_page(&body).ok().map(Box::new),
                error,
            }),
            ErrorCode::NotFound => Ok(Tab::Elsewhere { error, page: None }),
            _ => Err(error),
        },
    }
}
