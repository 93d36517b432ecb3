//! The `events` parser: a page's events tab (`/<page>/upcoming_hosted_events`,
//! `/<page>/past_hosted_events`) to an [`EventsTab`]. The events are the collection's
//! `pageItems.edges[].node.node` objects (`__typename: "Event"`), in Facebook's order; each
//! edge's `actions_renderer.event.start_timestamp` gives the start (the visible
//! `day_time_sentence` has no year and is never parsed); `page_info.has_next_page` and
//! `items.count` say whether more exist than the page shows logged out.

use std::collections::HashSet;

use scraper_core::ScrapeError;
use serde::Deserialize;

use super::json::{self, Id, Lenient, non_empty};
use super::place::{PlaceJson, PlaceParts};
use super::time::rfc3339;
use crate::input::event_url;
use crate::model::{EventSummary, EventsTab};
use crate::walls::wall_or_changed;

/// Reads an events tab. A tab without events is an empty list; a page without the events
/// collection is the wall's error or `upstream_changed`.
pub fn parse_events(body: &str) -> Result<EventsTab, ScrapeError> {
    let mut collections: Vec<CollectionJson> = json::objects(body, "collection")
        .filter(|c: &CollectionJson| c.page_items.get().is_some() || c.items.get().is_some())
        .collect();
    let with_items = collections
        .iter()
        .position(|c| c.page_items.get().is_some())
        .unwrap_or(0);
    let collection = (!collections.is_empty())
        .then(|| collections.swap_remove(with_items))
        .or_else(|| {
            json::objects::<PageItemsJson>(body, "pageItems")
                .find(|p| p.edges.get().is_some())
                .map(|items| CollectionJson {
                    items: Lenient(None),
                    page_items: Lenient(Some(items)),
                })
        });
    let Some(collection) = collection else {
        return Err(wall_or_changed(
            body,
            "facebook's events tab has no events collection (no \"pageItems\")",
        ));
    };
    let total = collection.items.get().and_then(|i| i.count.get().copied());
    let Some(page_items) = collection.page_items.into_inner() else {
        return match total {
            Some(0) => Ok(EventsTab {
                events: Vec::new(),
                has_more: false,
            }),
            _ => Err(wall_or_changed(
                body,
                "facebook's events collection has no \"pageItems\"",
            )),
        };
    };
    let edges = page_items.edges.into_inner().unwrap_or_default();
    let edge_count = edges.len();
    let mut seen = HashSet::new();
    let events: Vec<EventSummary> = edges
        .into_iter()
        .filter_map(|edge| summary(edge.into_inner()?))
        .filter(|event| seen.insert(event.id.clone()))
        .collect();
    if events.is_empty() && edge_count > 0 {
        return Err(ScrapeError::changed(
            "facebook's events collection has edges but no event with an id and a name",
        ));
    }
    let next_page = page_items
        .page_info
        .get()
        .and_then(|p| p.has_next_page.get().copied())
        == Some(true);
    let more_than_shown = total.is_some_and(|n| n > edge_count as u64);
    Ok(EventsTab {
        events,
        has_more: next_page || more_than_shown,
    })
}

/// One edge as an event, when it is one with an id and a name.
fn summary(edge: EdgeJson) -> Option<EventSummary> {
    let node = edge.node.into_inner()?;
    let event = node.node.into_inner()?;
    if let Some(typename) = event.typename.get()
        && typename != "Event"
    {
        return None;
    }
    let id = event.id.get().and_then(Id::non_empty)?.to_owned();
    let name = non_empty(event.name.get().map(String::as_str))?;
    let actions = node
        .actions_renderer
        .into_inner()
        .and_then(|a| a.event.into_inner());
    let start = event
        .start_timestamp
        .get()
        .copied()
        .or_else(|| {
            actions
                .as_ref()
                .and_then(|a| a.start_timestamp.get().copied())
        })
        .and_then(rfc3339);
    let is_online = event.is_online.get().copied().or_else(|| {
        actions
            .as_ref()
            .and_then(|a| a.is_online_or_detected_online.get().copied())
    });
    let mut place = PlaceParts::default();
    if let Some(event_place) = event.event_place.get() {
        place.merge(event_place);
    }
    Some(EventSummary {
        url: event_url(&id),
        id,
        name,
        start_time: start,
        is_canceled: event.is_canceled.get().copied(),
        place: place.into_summary(is_online),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CollectionJson {
    items: Lenient<ItemsJson>,
    #[serde(rename = "pageItems")]
    page_items: Lenient<PageItemsJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ItemsJson {
    count: Lenient<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageItemsJson {
    edges: Lenient<Vec<Lenient<EdgeJson>>>,
    page_info: Lenient<PageInfoJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageInfoJson {
    has_next_page: Lenient<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EdgeJson {
    node: Lenient<EdgeNodeJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EdgeNodeJson {
    node: Lenient<EventNodeJson>,
    actions_renderer: Lenient<ActionsJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EventNodeJson {
    #[serde(rename = "__typename")]
    typename: Lenient<String>,
    id: Lenient<Id>,
    name: Lenient<String>,
    is_canceled: Lenient<bool>,
    is_online: Lenient<bool>,
    start_timestamp: Lenient<i64>,
    event_place: Lenient<PlaceJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActionsJson {
    event: Lenient<ActionsEventJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActionsEventJson {
    start_timestamp: Lenient<i64>,
    is_online_or_detected_online: Lenient<bool>,
}
