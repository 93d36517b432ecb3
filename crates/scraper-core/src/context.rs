//! What one scrape works through: [`Context`] (the shared HTTP client bound to the site, the
//! request's deadline and counters) and [`Cx`], the same with the site's typed state, which is
//! what an action handler receives.

use std::ops::Deref;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::action::ActionDescription;
use crate::http::{FetchError, HttpClient, Request, Response, Stats};
use crate::site::SiteDescription;

/// One scrape's view of the world; cheap to clone.
#[derive(Debug, Clone)]
pub struct Context {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    site: &'static SiteDescription,
    action: &'static ActionDescription,
    http: HttpClient,
    deadline: Instant,
    stats: Stats,
    request_id: Arc<str>,
    /// The body of the scrape's last upstream answer (a shared buffer, not a copy), for the
    /// engine's second look when the action fails (`hindsight.rs`).
    last_page: LastPage,
}

/// The last upstream body of a scrape.
#[derive(Default)]
struct LastPage(Mutex<Option<Bytes>>);

impl std::fmt::Debug for LastPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.0.lock().ok().and_then(|p| p.as_ref().map(Bytes::len));
        f.debug_tuple("LastPage").field(&len).finish()
    }
}

impl Context {
    /// A context for one scrape.
    pub fn new(
        site: &'static SiteDescription,
        action: &'static ActionDescription,
        http: HttpClient,
        deadline: Instant,
        request_id: impl Into<Arc<str>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                site,
                action,
                http,
                deadline,
                stats: Stats::default(),
                request_id: request_id.into(),
                last_page: LastPage::default(),
            }),
        }
    }

    /// Sends an upstream request (retries, redirects, host checks and challenge detection
    /// included). The error keeps its cause; `?` turns it into a [`crate::ScrapeError`].
    pub async fn fetch(&self, request: Request) -> Result<Response, FetchError> {
        let inner = &*self.inner;
        let result = inner
            .http
            .fetch(inner.site, request, inner.deadline, &inner.stats)
            .await;
        if let Ok(response) = &result
            && let Ok(mut last) = inner.last_page.0.lock()
        {
            *last = Some(response.body.clone());
        }
        result
    }

    /// `GET url`.
    pub async fn get(&self, url: impl AsRef<str>) -> Result<Response, FetchError> {
        self.fetch(Request::get(url)).await
    }

    /// The site being scraped.
    pub fn site(&self) -> &'static SiteDescription {
        self.inner.site
    }

    /// The action being run.
    pub fn action(&self) -> &'static ActionDescription {
        self.inner.action
    }

    /// When the scrape must be done.
    pub fn deadline(&self) -> Instant {
        self.inner.deadline
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.inner
            .deadline
            .saturating_duration_since(Instant::now())
    }

    /// The id of the client request this scrape serves.
    pub fn request_id(&self) -> &str {
        &self.inner.request_id
    }

    /// The body of the scrape's last upstream answer, when there was one.
    pub fn last_page(&self) -> Option<Bytes> {
        self.inner.last_page.0.lock().ok()?.clone()
    }

    /// Upstream counters of this scrape so far.
    pub fn stats(&self) -> &Stats {
        &self.inner.stats
    }
}

/// A [`Context`] with the site's state: what an action handler receives (by value; cloning is
/// cheap). It dereferences to the [`Context`].
#[derive(Debug)]
pub struct Cx<S> {
    context: Context,
    state: Arc<S>,
}

impl<S> Clone for Cx<S> {
    fn clone(&self) -> Self {
        Self {
            context: self.context.clone(),
            state: self.state.clone(),
        }
    }
}

impl<S> Cx<S> {
    pub(crate) fn new(context: Context, state: Arc<S>) -> Self {
        Self { context, state }
    }

    /// The site's state (its settings, credentials, ...).
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The untyped context.
    pub fn context(&self) -> &Context {
        &self.context
    }
}

impl<S> Deref for Cx<S> {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.context
    }
}
