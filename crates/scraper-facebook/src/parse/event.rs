//! The `event` parser: an event page (`https://www.facebook.com/events/<id>/`) to an [`Event`].
//!
//! Facebook spreads an event over many `"event"` objects (the root query, renderers, the deferred
//! fragments `{"path":["event"],"data":{...}}` that carry `tz_display_name` and `end_timestamp`),
//! and the same page embeds other events (suggestions) under the same key. The parser finds the
//! page's event id first, then merges, in document order, every object of that id and every
//! fragment of the root event: the first value of each field wins. Works for the 2023 and the
//! 2026 layouts.

use scraper_core::ScrapeError;
use serde::Deserialize;

use super::html::{self, Head};
use super::json::{self, Id, Lenient, Text, is_numeric_id, non_empty};
use super::place::{PlaceJson, PlaceParts};
use super::time::rfc3339;
use crate::input::event_url;
use crate::model::{Event, Host};
use crate::walls::wall_or_changed;

/// Reads an event page. The event's id and name are required; every other field is optional.
///
/// Errors: the wall's error (`login_required`, `blocked`, `not_found`) when the body is one,
/// else `upstream_changed` naming what is missing.
pub fn parse_event(body: &str) -> Result<Event, ScrapeError> {
    let head = Head::read(body);
    let Some(id) = event_id(body, &head) else {
        return Err(wall_or_changed(
            body,
            "facebook's event page names no event id (no og:url, eventID or \"event\" object)",
        ));
    };
    let mut parts = Parts::default();
    for (_, event) in event_objects(body, &id) {
        parts.merge(event);
    }
    if parts.matched == 0 {
        return Err(wall_or_changed(
            body,
            &format!("facebook's event page has no \"event\" object for event {id}"),
        ));
    }
    let Some(name) = parts.name.take().or_else(|| {
        head.meta("og:title")
            .and_then(html::clean)
            .filter(|t| !t.eq_ignore_ascii_case("facebook"))
    }) else {
        return Err(wall_or_changed(
            body,
            &format!("facebook's \"event\" objects for event {id} have no name"),
        ));
    };
    let hosts = parts
        .hosts
        .take()
        .or_else(|| parts.creator.take().map(|c| vec![c]))
        .unwrap_or_default();
    Ok(Event {
        url: event_url(&id),
        id,
        name,
        start_time: parts.start.or(parts.current_start).and_then(rfc3339),
        end_time: parts.end.and_then(rfc3339),
        timezone: parts.timezone,
        description: parts.description,
        place: parts.place.into_event_place(parts.is_online),
        ticket_url: parts.ticket_url,
        hosts,
        is_online: parts.is_online,
        is_canceled: parts.is_canceled,
    })
}

/// The page's event id: its `og:url`/canonical link (`/events/<slug>/<slug>/<id>/`), the route's
/// `eventID`/`event_id`, or the first `"event"` object with a day-time sentence.
fn event_id(body: &str, head: &Head) -> Option<String> {
    let from_url = head
        .meta("og:url")
        .into_iter()
        .chain(head.link("canonical"))
        .find_map(|url| {
            url::Url::parse(url)
                .ok()
                .and_then(|u| crate::input::event_id_in_path(&u))
        });
    if from_url.is_some() {
        return from_url;
    }
    for key in ["eventID", "event_id"] {
        if let Some(id) = json::strings(body, key).find(|id| is_numeric_id(id)) {
            return Some(id);
        }
    }
    json::objects::<EventJson>(body, "event")
        .filter(|e| e.day_time_sentence.get().is_some())
        .find_map(|e| {
            e.id.into_inner()
                .map(|id| id.0)
                .filter(|id| is_numeric_id(id))
        })
}

/// The objects that describe event `id`, in document order: `"event"` objects of that id, and
/// the root event's deferred fragments (which may carry no id).
fn event_objects<'a>(body: &'a str, id: &'a str) -> Vec<(usize, EventJson)> {
    let same = |event: &EventJson, missing_ok: bool| match event.id.get().and_then(Id::non_empty) {
        Some(other) => other == id,
        None => missing_ok,
    };
    let mut objects: Vec<(usize, EventJson)> = json::value_starts(body, "event")
        .filter(|&at| body.as_bytes().get(at) == Some(&b'{'))
        .filter_map(|at| json::parse_at::<EventJson>(body, at).map(|(e, _)| (at, e)))
        .filter(|(_, e)| same(e, false))
        .collect();
    let fragments = json::value_starts(body, "path")
        .filter(|&at| body.as_bytes().get(at) == Some(&b'['))
        .filter_map(|at| json::parse_at::<Vec<Lenient<String>>>(body, at))
        .filter(|(path, _)| path.len() == 1 && path[0].get().map(String::as_str) == Some("event"))
        .filter_map(|(_, end)| json::sibling_value(body, end, "data"))
        .filter(|&at| body.as_bytes().get(at) == Some(&b'{'))
        .filter_map(|at| json::parse_at::<EventJson>(body, at).map(|(e, _)| (at, e)))
        .filter(|(_, e)| same(e, true));
    objects.extend(fragments);
    objects.sort_by_key(|(at, _)| *at);
    objects
}

/// An event as assembled so far.
#[derive(Debug, Default)]
struct Parts {
    matched: usize,
    name: Option<String>,
    start: Option<i64>,
    current_start: Option<i64>,
    end: Option<i64>,
    timezone: Option<String>,
    description: Option<String>,
    ticket_url: Option<String>,
    hosts: Option<Vec<Host>>,
    creator: Option<Host>,
    is_online: Option<bool>,
    is_canceled: Option<bool>,
    place: PlaceParts,
}

impl Parts {
    fn merge(&mut self, event: EventJson) {
        self.matched += 1;
        let positive = |v: &Lenient<i64>| v.get().copied().filter(|t| *t > 0);
        self.name = self
            .name
            .take()
            .or_else(|| non_empty(event.name.get().map(String::as_str)));
        self.start = self.start.or_else(|| positive(&event.start_timestamp));
        self.current_start = self
            .current_start
            .or_else(|| positive(&event.current_start_timestamp));
        self.end = self.end.or_else(|| positive(&event.end_timestamp));
        self.timezone = self.timezone.take().or_else(|| {
            non_empty(event.tz_display_name.get().map(String::as_str))
                .or_else(|| non_empty(event.timezone.get().map(String::as_str)))
        });
        self.description = self
            .description
            .take()
            .or_else(|| event.event_description.get().and_then(Text::non_empty));
        self.ticket_url = self.ticket_url.take().or_else(|| {
            non_empty(event.event_buy_ticket_url.get().map(String::as_str))
                .and_then(|u| ticket_url(&u))
        });
        if self.hosts.is_none() {
            let hosts: Vec<Host> = event
                .event_hosts_that_can_view_guestlist
                .into_inner()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|h| h.into_inner().and_then(HostJson::into_host))
                .fold(Vec::new(), |mut hosts, host| {
                    if !hosts.iter().any(|h: &Host| h.id == host.id) {
                        hosts.push(host);
                    }
                    hosts
                });
            self.hosts = (!hosts.is_empty()).then_some(hosts);
        }
        self.creator = self.creator.take().or_else(|| {
            event
                .event_creator
                .into_inner()
                .and_then(HostJson::into_host)
        });
        self.is_online = self.is_online.or_else(|| event.is_online.get().copied());
        self.is_canceled = self
            .is_canceled
            .or_else(|| event.is_canceled.get().copied());
        if let Some(place) = event.event_place.get() {
            self.place.merge(place);
        }
    }
}

/// A ticket link, unwrapped from Facebook's link shim (`l.facebook.com/l.php?u=...`).
fn ticket_url(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let shim = matches!(url.host_str(), Some("l.facebook.com" | "lm.facebook.com"))
        && url.path() == "/l.php";
    if shim
        && let Some((_, target)) = url.query_pairs().find(|(k, _)| k == "u")
        && (target.starts_with("https://") || target.starts_with("http://"))
    {
        return Some(target.into_owned());
    }
    Some(raw.to_owned())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EventJson {
    id: Lenient<Id>,
    name: Lenient<String>,
    day_time_sentence: Lenient<String>,
    start_timestamp: Lenient<i64>,
    current_start_timestamp: Lenient<i64>,
    end_timestamp: Lenient<i64>,
    tz_display_name: Lenient<String>,
    timezone: Lenient<String>,
    event_place: Lenient<PlaceJson>,
    event_description: Lenient<Text>,
    event_buy_ticket_url: Lenient<String>,
    event_hosts_that_can_view_guestlist: Lenient<Vec<Lenient<HostJson>>>,
    event_creator: Lenient<HostJson>,
    is_online: Lenient<bool>,
    is_canceled: Lenient<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HostJson {
    id: Lenient<Id>,
    name: Lenient<String>,
}

impl HostJson {
    fn into_host(self) -> Option<Host> {
        Some(Host {
            id: self.id.get().and_then(Id::non_empty)?.to_owned(),
            name: non_empty(self.name.get().map(String::as_str))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_links_leave_the_shim() {
        assert_eq!(
            ticket_url(
                "https://l.facebook.com/l.php?u=https%3A%2F%2Ftickets.example%2Fe%2F1&h=AT0"
            )
            .as_deref(),
            Some("https://tickets.example/e/1")
        );
        assert_eq!(
            ticket_url("https://tickets.example/e/1").as_deref(),
            Some("https://tickets.example/e/1")
        );
        assert_eq!(ticket_url("javascript:alert(1)"), None);
    }
}
