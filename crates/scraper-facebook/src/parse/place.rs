//! Facebook's `event_place` object, shared by the events tab and the event page: a venue page, a
//! free-form place the host typed, or the placeholder of an online event; merged field by field
//! when a page spreads it over several objects.

use serde::Deserialize;

use super::json::{Id, Lenient, non_empty};
use crate::model::{EventPlace, PlaceSummary};

/// `event_place` as Facebook embeds it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PlaceJson {
    id: Lenient<Id>,
    name: Lenient<String>,
    contextual_name: Lenient<String>,
    city: Lenient<CityJson>,
    location: Lenient<LocationJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CityJson {
    contextual_name: Lenient<String>,
    name: Lenient<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LocationJson {
    latitude: Lenient<f64>,
    longitude: Lenient<f64>,
    reverse_geocode: Lenient<ReverseGeocodeJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReverseGeocodeJson {
    city: Lenient<String>,
}

/// A place assembled from one or more `event_place` objects: the first value of each field wins.
#[derive(Debug, Default)]
pub(crate) struct PlaceParts {
    name: Option<String>,
    city: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    has_id: bool,
}

impl PlaceParts {
    /// Adds what `place` knows that is still missing.
    pub(crate) fn merge(&mut self, place: &PlaceJson) {
        let name = non_empty(place.name.get().map(String::as_str))
            .or_else(|| non_empty(place.contextual_name.get().map(String::as_str)));
        self.name = self.name.take().or(name);
        let city = place.city.get().and_then(|c| {
            non_empty(c.contextual_name.get().map(String::as_str))
                .or_else(|| non_empty(c.name.get().map(String::as_str)))
        });
        let location = place.location.get();
        let geocoded = location
            .and_then(|l| l.reverse_geocode.get())
            .and_then(|g| non_empty(g.city.get().map(String::as_str)));
        self.city = self.city.take().or(city).or(geocoded);
        let finite = |v: Option<&f64>| v.copied().filter(|v| v.is_finite());
        if self.latitude.is_none() || self.longitude.is_none() {
            let lat = location.and_then(|l| finite(l.latitude.get()));
            let lon = location.and_then(|l| finite(l.longitude.get()));
            if let (Some(lat), Some(lon)) = (lat, lon)
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon)
            {
                self.latitude = Some(lat);
                self.longitude = Some(lon);
            }
        }
        self.has_id |= place.id.get().and_then(Id::non_empty).is_some();
    }

    /// Whether this is only the placeholder Facebook puts on online events (a free-form
    /// "Online event" without id, city or coordinates).
    fn is_online_placeholder(&self, is_online: Option<bool>) -> bool {
        is_online == Some(true) && !self.has_id && self.city.is_none() && self.latitude.is_none()
    }

    /// The place of an event page; `None` when there is none or only the online placeholder.
    pub(crate) fn into_event_place(self, is_online: Option<bool>) -> Option<EventPlace> {
        let empty = self.name.is_none() && self.city.is_none() && self.latitude.is_none();
        if empty || self.is_online_placeholder(is_online) {
            return None;
        }
        Some(EventPlace {
            name: self.name,
            city: self.city,
            latitude: self.latitude,
            longitude: self.longitude,
        })
    }

    /// The place of an events-list item; `None` as for [`Self::into_event_place`].
    pub(crate) fn into_summary(self, is_online: Option<bool>) -> Option<PlaceSummary> {
        self.into_event_place(is_online)
            .map(|p| PlaceSummary {
                name: p.name,
                city: p.city,
            })
            .filter(|p| p.name.is_some() || p.city.is_some())
    }
}
