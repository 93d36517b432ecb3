//! What the engine answers: a [`Success`] (the data as serialised JSON, the next cursor and
//! `meta`), written out as the API's envelope without re-serialising the data, or a [`Failure`].

use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::action::{ActionDescription, ActionKind};
use crate::error::ScrapeError;
use crate::params::{RawParams, Validated};
use crate::site::SiteDescription;

/// One scrape asked for.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// The site slug from the request.
    pub site: String,
    /// The action name from the request.
    pub action: String,
    /// The parameters as sent.
    pub params: RawParams,
    /// The request's id, for logs.
    pub request_id: String,
    /// Skip the cache (the client sent `Cache-Control: no-cache`).
    pub bypass_cache: bool,
}

/// `meta` of a successful answer.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The site slug.
    pub site: &'static str,
    /// The action name.
    pub action: &'static str,
    /// Whether the answer came from the cache.
    pub cached: bool,
    /// When the data was fetched upstream (RFC 3339, UTC).
    pub fetched_at: Arc<str>,
    /// The most attempts any one upstream request needed (1 = no retry; 0 when cached).
    pub attempts: u32,
    /// Upstream requests sent for this answer, retries included (0 when cached).
    pub upstream_requests: u32,
    /// Site-specific members (`total_results`, ...).
    #[serde(flatten)]
    pub extra: Arc<Map<String, Value>>,
}

/// A successful scrape.
#[derive(Debug, Clone)]
pub struct Success {
    /// The site's description.
    pub site: &'static SiteDescription,
    /// The action's description.
    pub action: &'static ActionDescription,
    /// The validated parameters (to build `next_url`).
    pub params: Validated,
    /// The record or the list, as JSON.
    pub data: Arc<RawValue>,
    /// The next page's cursor (list actions).
    pub next_cursor: Option<String>,
    /// `meta`.
    pub meta: Meta,
}

#[derive(Serialize)]
struct ItemEnvelope<'a> {
    data: &'a RawValue,
    meta: &'a Meta,
}

#[derive(Serialize)]
struct ListEnvelope<'a> {
    data: &'a RawValue,
    next_cursor: Option<&'a str>,
    next_url: Option<&'a str>,
    meta: &'a Meta,
}

impl Success {
    /// The response body of the public API; `next_url` is the absolute URL of the next page.
    pub fn to_body(&self, next_url: Option<&str>) -> Vec<u8> {
        let written = match self.action.kind {
            ActionKind::Item => serde_json::to_vec(&ItemEnvelope {
                data: &self.data,
                meta: &self.meta,
            }),
            ActionKind::List => serde_json::to_vec(&ListEnvelope {
                data: &self.data,
                next_cursor: self.next_cursor.as_deref(),
                next_url,
                meta: &self.meta,
            }),
        };
        // Only raw JSON, strings and numbers are written: this cannot fail.
        written.unwrap_or_default()
    }

    /// The envelope as a JSON value (for the CLI and MCP, which need a tree).
    pub fn to_value(&self, next_url: Option<&str>) -> Value {
        serde_json::from_slice(&self.to_body(next_url)).unwrap_or(Value::Null)
    }
}

/// A failed scrape, with what is known of where it failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Why.
    pub error: ScrapeError,
    /// The site, as asked.
    pub site: Option<String>,
    /// The action, as asked.
    pub action: Option<String>,
    /// The most attempts any one upstream request needed.
    pub attempts: u32,
}
