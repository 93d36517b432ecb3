//! The records the Facebook actions answer, with exactly the field names of docs/API.md. Ids are
//! Facebook's own, as strings; timestamps are RFC 3339 in UTC; absent values are `null`.

use serde::Serialize;

/// A Facebook page (`page` action).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Page {
    /// Facebook's numeric id of the page, as a string (the id its app links name).
    pub id: String,
    /// The page's name as shown to people.
    pub name: String,
    /// The page's address on facebook.com (its vanity URL when it has one).
    pub url: String,
    /// What the page says about itself, without the counts Facebook puts in front of it.
    pub description: Option<String>,
    /// The page's profile picture.
    pub image_url: Option<String>,
    /// How many people like the page ("3.7K likes" is 3700; the exact count when the page
    /// shows one).
    pub likes_count: Option<u64>,
    /// How many people follow the page ("3.7K followers" is 3700).
    pub followers_count: Option<u64>,
    /// The page's category as Facebook shows it ("Media", "Nonprofit Organization"), in the
    /// page's language.
    pub category: Option<String>,
}

/// Where an event in a page's events list takes place.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlaceSummary {
    /// The venue's name (or the free-form place the host typed).
    pub name: Option<String>,
    /// The city, as Facebook names it ("Myrtle Beach", "Belleville, ON").
    pub city: Option<String>,
}

/// One event of a page's events list (`events` action).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventSummary {
    /// Facebook's numeric id of the event, as a string.
    pub id: String,
    /// The event's name.
    pub name: String,
    /// The event's page: `https://www.facebook.com/events/<id>/`.
    pub url: String,
    /// When the event starts (RFC 3339, UTC), from Facebook's timestamp.
    pub start_time: Option<String>,
    /// Whether the host canceled the event.
    pub is_canceled: Option<bool>,
    /// Where it takes place; `null` for online events and events without a place.
    pub place: Option<PlaceSummary>,
}

/// A page's events tab as one page of a list: the events Facebook shows logged out, in its
/// order, and whether it says that more exist (logged out, it shows only the first ~8).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventsTab {
    /// The events, in Facebook's order.
    pub events: Vec<EventSummary>,
    /// Whether Facebook says more events exist than it showed (`meta.complete` is its negation).
    pub has_more: bool,
}

impl EventsTab {
    /// `meta.complete`: every event of the tab is in `events`.
    pub fn complete(&self) -> bool {
        !self.has_more
    }
}

/// Where an event takes place, with its coordinates when Facebook knows them.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventPlace {
    /// The venue's name (or the free-form place the host typed).
    pub name: Option<String>,
    /// The city, as Facebook names it ("Calgary", "Myrtle Beach, SC").
    pub city: Option<String>,
    /// The venue's latitude in degrees.
    pub latitude: Option<f64>,
    /// The venue's longitude in degrees.
    pub longitude: Option<f64>,
}

/// A host of an event: a page or a person.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Host {
    /// Facebook's id of the host (numeric, or an opaque `pfbid…` for some people).
    pub id: String,
    /// The host's name.
    pub name: String,
}

/// A single event (`event` action).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Event {
    /// Facebook's numeric id of the event, as a string.
    pub id: String,
    /// The event's name.
    pub name: String,
    /// The event's page: `https://www.facebook.com/events/<id>/`.
    pub url: String,
    /// When the event starts (RFC 3339, UTC).
    pub start_time: Option<String>,
    /// When the event ends (RFC 3339, UTC); `null` when the host gave no end.
    pub end_time: Option<String>,
    /// The event's time zone as Facebook displays it ("MDT", "UTC-06").
    pub timezone: Option<String>,
    /// The event's description.
    pub description: Option<String>,
    /// Where it takes place; `null` for online events and events without a place.
    pub place: Option<EventPlace>,
    /// Where to buy tickets, when the host gave a ticket link.
    pub ticket_url: Option<String>,
    /// Who hosts the event, in Facebook's order.
    pub hosts: Vec<Host>,
    /// Whether the event happens online.
    pub is_online: Option<bool>,
    /// Whether the host canceled the event.
    pub is_canceled: Option<bool>,
}
