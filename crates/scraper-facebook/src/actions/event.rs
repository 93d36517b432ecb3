//! `event`: one Facebook event, by its id or its URL.

use schemars::JsonSchema;
use scraper_core::ScrapeError;
use serde::Deserialize;

use crate::Cx;
use crate::input::{event_url, parse_event_id, parse_event_url};
use crate::model::Event;
use crate::parse::parse_event;
use crate::upstream::{Fetched, navigate};

/// Parameters of `event` (one of `id` and `url`).
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct EventParams {
    /// The event's numeric id (602005831971873).
    id: Option<String>,
    /// The event's facebook.com URL (https://www.facebook.com/events/602005831971873/).
    url: Option<String>,
}

/// `event`: the event page `https://www.facebook.com/events/<id>/`, read.
pub(crate) async fn event(cx: Cx, p: EventParams) -> Result<Event, ScrapeError> {
    let id = match (p.id.as_deref(), p.url.as_deref()) {
        (Some(id), _) => parse_event_id(id)?,
        (None, Some(url)) => parse_event_url(url)?,
        // The core enforces the one-of group before the handler runs.
        (None, None) => {
            return Err(ScrapeError::InvalidParams {
                param: None,
                reason: "give one of 'id' or 'url'".into(),
            });
        }
    };
    let read = async {
        match navigate(&cx, &event_url(&id)).await? {
            Fetched::Page(body) => parse_event(&body),
            Fetched::Missing(error) => Err(error),
        }
    };
    read.await.map_err(|e| cx.state().explain(e))
}
