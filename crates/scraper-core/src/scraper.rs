//! The `Scraper` trait a site implements, the `Context` it works through, and the `Output` it answers.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::describe::{ActionDescription, SiteDescription};
use crate::error::ScrapeError;
use crate::http::{HttpClient, Request, Response, Stats};
use crate::params::Params;
use crate::settings::SiteSettings;

/// A site. One instance serves every request, concurrently: keep shared state behind locks.
#[async_trait::async_trait]
pub trait Scraper: Send + Sync + 'static {
    /// Runs `action` (already known to be one of the site's) with validated `params`.
    async fn scrape(
        &self,
        ctx: &Context,
        action: &str,
        params: &Params,
    ) -> Result<Output, ScrapeError>;
}

/// What one scrape may use: the shared HTTP client bound to this site, the site's settings and
/// the request's deadline.
#[derive(Debug, Clone)]
pub struct Context {
    site: &'static SiteDescription,
    action: &'static ActionDescription,
    http: HttpClient,
    settings: Arc<SiteSettings>,
    deadline: Instant,
    stats: Arc<Stats>,
    request_id: Arc<str>,
}

impl Context {
    /// A context for one scrape.
    pub fn new(
        site: &'static SiteDescription,
        action: &'static ActionDescription,
        http: HttpClient,
        settings: Arc<SiteSettings>,
        deadline: Instant,
        request_id: impl Into<Arc<str>>,
    ) -> Self {
        Self {
            site,
            action,
            http,
            settings,
            deadline,
            stats: Arc::default(),
            request_id: request_id.into(),
        }
    }

    /// Sends an upstream request (retries, redirects, host checks and challenge detection included).
    pub async fn fetch(&self, request: Request) -> Result<Response, ScrapeError> {
        self.http
            .fetch(self.site, request, self.deadline, &self.stats)
            .await
    }

    /// `GET url`.
    pub async fn get(&self, url: impl AsRef<str>) -> Result<Response, ScrapeError> {
        self.fetch(Request::get(url)).await
    }

    /// A setting of this site (its default applied), when set.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name)
    }

    /// The site being scraped.
    pub fn site(&self) -> &'static SiteDescription {
        self.site
    }

    /// The action being run.
    pub fn action(&self) -> &'static ActionDescription {
        self.action
    }

    /// When the scrape must be done.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The id of the client request this scrape serves.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Upstream counters of this scrape so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

/// A site's answer: one record, or a page of records.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// `data` is this object.
    Item(Value),
    /// `data` is this list.
    List(Page),
}

/// One page of a list action.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// The records, at most `limit` of them.
    pub items: Vec<Value>,
    /// The cursor of the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// Extra `meta` members (`total_results`, say).
    pub meta: Map<String, Value>,
}

impl Output {
    /// One record.
    pub fn item<T: Serialize>(record: &T) -> Result<Self, ScrapeError> {
        to_value(record).map(Self::Item)
    }

    /// A page of records.
    pub fn list<T: Serialize>(
        items: &[T],
        next_cursor: Option<String>,
    ) -> Result<Self, ScrapeError> {
        let items = items.iter().map(to_value).collect::<Result<_, _>>()?;
        Ok(Self::List(Page {
            items,
            next_cursor,
            meta: Map::new(),
        }))
    }

    /// Adds a `meta` member to a page (ignored on a single record).
    pub fn with_meta(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Self::List(page) = &mut self {
            page.meta.insert(key.to_owned(), value.into());
        }
        self
    }
}

fn to_value<T: Serialize>(record: &T) -> Result<Value, ScrapeError> {
    serde_json::to_value(record)
        .map_err(|e| ScrapeError::internal(format!("unserialisable record: {e}")))
}
