//! Calls to api-v2 with a `client_id`: the id is discovered once (homepage hydration, else the
//! JS bundles), kept for every request, and rediscovered once when SoundCloud refuses it.

use std::sync::{Arc, PoisonError, RwLock};

use scraper_core::{Context, Request, Response, ScrapeError, walls};
use tokio::sync::Mutex;
use url::Url;

use crate::parse::client_id::{
    asset_script_urls, parse_bundle_client_id, parse_hydration_client_id,
};

/// The API every data request goes to.
pub(crate) const API_BASE: &str = "https://api-v2.soundcloud.com";
/// The page that names the web app's client_id.
const HOMEPAGE: &str = "https://soundcloud.com/";
/// JS bundles tried, from the last one the homepage loads, when the hydration has no id.
const MAX_BUNDLES: usize = 4;
/// The id sits near the start of its bundle; like NewPipe, read only the head of each.
const BUNDLE_RANGE: &str = "bytes=0-50000";

/// The client_id in use, shared by every request of the process.
#[derive(Debug, Default)]
pub(crate) struct ClientIds {
    current: RwLock<Option<Arc<str>>>,
    /// Held while discovering, so concurrent requests wait for one discovery instead of each
    /// fetching the homepage.
    discovery: Mutex<()>,
}

impl ClientIds {
    /// Starts with the operator's pinned id, or with none (discovered on first use).
    pub(crate) fn new(pinned: Option<&str>) -> Self {
        Self {
            current: RwLock::new(pinned.map(Arc::from)),
            discovery: Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Arc<str>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self, id: Arc<str>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(id);
    }

    /// The id to use, discovering one when there is none yet.
    async fn get(&self, ctx: &Context) -> Result<Arc<str>, ScrapeError> {
        if let Some(id) = self.current() {
            return Ok(id);
        }
        let _one_at_a_time = self.discovery.lock().await;
        if let Some(id) = self.current() {
            return Ok(id);
        }
        let id: Arc<str> = discover(ctx).await?.into();
        self.store(id.clone());
        Ok(id)
    }

    /// A fresh id after SoundCloud refused `stale` (unless another request already replaced it).
    async fn refresh(&self, ctx: &Context, stale: &str) -> Result<Arc<str>, ScrapeError> {
        let _one_at_a_time = self.discovery.lock().await;
        if let Some(id) = self.current().filter(|id| &**id != stale) {
            return Ok(id);
        }
        tracing::info!(
            site = "soundcloud",
            "the client_id was refused; discovering a fresh one"
        );
        let id: Arc<str> = discover(ctx).await?.into();
        self.store(id.clone());
        Ok(id)
    }

    /// `GET url` on api-v2 with the client_id, without retry on refusal (best-effort extras).
    pub(crate) async fn get_json_once(
        &self,
        ctx: &Context,
        url: &Url,
    ) -> Result<Response, ScrapeError> {
        send(ctx, url, &self.get(ctx).await?).await
    }

    /// `GET url` on api-v2 with the client_id; on 401/403 the id is rediscovered and the request
    /// sent once more. A refusal that survives the refresh is `blocked`. Other statuses are the
    /// caller's to read.
    pub(crate) async fn get_json(&self, ctx: &Context, url: &Url) -> Result<Response, ScrapeError> {
        let id = self.get(ctx).await?;
        let response = send(ctx, url, &id).await?;
        if !matches!(response.status(), 401 | 403) {
            return Ok(response);
        }
        let fresh = self.refresh(ctx, &id).await?;
        let response = send(ctx, url, &fresh).await?;
        match response.status() {
            401 | 403 => Err(ScrapeError::blocked(format!(
                "SoundCloud refused the request (HTTP {}) even with a freshly discovered client_id",
                response.status()
            ))),
            _ => Ok(response),
        }
    }
}

async fn send(ctx: &Context, url: &Url, client_id: &str) -> Result<Response, ScrapeError> {
    let mut url = without_client_id(url);
    url.query_pairs_mut().append_pair("client_id", client_id);
    ctx.fetch(
        Request::get_url(url).header("accept", "application/json, text/javascript, */*; q=0.1"),
    )
    .await
}

/// `url` without any `client_id` query parameter (a cursor or `next_href` never keeps one).
pub(crate) fn without_client_id(url: &Url) -> Url {
    let mut clean = url.clone();
    if url.query_pairs().any(|(k, _)| k == "client_id") {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "client_id")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        clean.set_query(None);
        if !kept.is_empty() {
            clean.query_pairs_mut().extend_pairs(kept);
        }
    }
    clean
}

/// Finds the web app's client_id: the homepage's hydration data, else its JS bundles, last first.
async fn discover(ctx: &Context) -> Result<String, ScrapeError> {
    let home = ctx.get(HOMEPAGE).await?;
    let body = home.text();
    if !home.is_success() {
        walls::ensure_not_challenged("soundcloud", &body, false)?;
        home.error_for_status("the SoundCloud homepage")?;
    }
    walls::ensure_not_challenged("soundcloud", &body, body.contains("__sc_hydration"))?;
    if let Some(id) = parse_hydration_client_id(&body) {
        tracing::debug!(
            site = "soundcloud",
            source = "hydration",
            "client_id discovered"
        );
        return Ok(id);
    }
    let mut last_error = None;
    for script in asset_script_urls(&body).iter().rev().take(MAX_BUNDLES) {
        match ctx
            .fetch(
                Request::get(script)
                    .header("range", BUNDLE_RANGE)
                    .header("accept", "*/*"),
            )
            .await
        {
            Ok(js) if js.is_success() => {
                if let Some(id) = parse_bundle_client_id(&js.text()) {
                    tracing::debug!(
                        site = "soundcloud",
                        source = "bundle",
                        "client_id discovered"
                    );
                    return Ok(id);
                }
            }
            Ok(_) => {}
            Err(e @ ScrapeError::UpstreamTimeout(_)) => return Err(e),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        ScrapeError::changed(
            "found no client_id in the SoundCloud homepage nor in the scripts it loads",
        )
    }))
}
