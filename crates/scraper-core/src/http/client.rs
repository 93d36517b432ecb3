//! The shared upstream client: one connection pool for every site, browser headers, and our own
//! redirect handling — each hop's destination checked (`route.rs`) and sent with retries
//! (`attempt.rs`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION, USER_AGENT};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use super::FetchError;
use super::attempt::Hop;
use super::budget::BodyBudget;
use super::headers::{BROWSER_HEADERS, BROWSER_USER_AGENT};
use super::message::{Request, Response};
use crate::guard::{Guards, SiteGuard};
use crate::metrics::Metrics;
use crate::net::PublicOnlyResolver;
use crate::site::SiteDescription;

/// How the upstream client behaves. Defaults suit a small VPS talking to public sites.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Longest wait for one attempt (connect, headers and body).
    pub attempt_timeout: Duration,
    /// Longest wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// First backoff delay (before jitter); doubles per retry.
    pub backoff_base: Duration,
    /// Largest backoff delay.
    pub backoff_max: Duration,
    /// Largest body read from an upstream, after decompression.
    pub max_body_bytes: usize,
    /// Redirects followed per request.
    pub max_redirects: usize,
    /// User-Agent sent instead of the built-in browser one.
    pub user_agent: Option<String>,
    /// Test hook: send every request here over plain HTTP, keeping Host, path and query.
    pub upstream_override: Option<Url>,
    /// An outgoing proxy for every upstream request (`http://`, `https://`, `socks5://` or
    /// `socks5h://`). Its own host name is resolved normally (a compose sidecar has a private
    /// address); the public-only rule applies to the targets — resolved by us for `socks5://`,
    /// by the proxy for the others.
    pub proxy: Option<String>,
    /// Upstream requests in flight at once per site (0: no limit); more wait their turn.
    pub max_concurrent_per_site: usize,
    /// Bytes of upstream bodies held in memory at once, all sites together (0: no limit); a
    /// body waits for its share within its deadline, and one larger than all of it is refused.
    pub body_budget_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 3,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(4),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: None,
            upstream_override: None,
            proxy: None,
            max_concurrent_per_site: 8,
            body_budget_bytes: 48 * 1024 * 1024,
        }
    }
}

/// Counters of one scrape, shared by all its upstream requests; they feed `meta.attempts`.
#[derive(Debug, Default)]
pub struct Stats {
    max_attempts: AtomicU32,
    requests: AtomicU32,
}

impl Stats {
    /// The most attempts any one upstream request of the scrape needed (0 when none was sent).
    pub fn attempts(&self) -> u32 {
        self.max_attempts.load(Ordering::Relaxed)
    }

    /// How many upstream requests (attempts included) the scrape sent.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(super) fn record(&self, attempt: u32) {
        self.max_attempts.fetch_max(attempt, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// The one upstream client of the process; cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    pub(super) inner: reqwest::Client,
    pub(super) settings: Arc<HttpSettings>,
    /// One semaphore per site slug, bounding its requests in flight.
    in_flight: Arc<Mutex<HashMap<&'static str, Arc<Semaphore>>>>,
    /// Each site's breaker, rate limit and retry budget, and the metrics (set by the engine).
    guards: Option<Arc<Guards>>,
    /// The bytes upstream bodies may hold at once.
    pub(super) budget: BodyBudget,
}

impl HttpClient {
    /// Builds the client. Fails only on an unusable proxy setting (an unsupported scheme, no
    /// host) or TLS initialisation; the message never quotes the proxy URL, which may carry a
    /// password.
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(8)
            .tcp_nodelay(true)
            .http1_title_case_headers();
        let proxy = settings.proxy.as_deref().map(proxy_of).transpose()?;
        if settings.upstream_override.is_none() {
            let resolver = PublicOnlyResolver::default()
                .resolving_freely(proxy.as_ref().and_then(|(_, host)| host.clone()));
            builder = builder.dns_resolver(Arc::new(resolver));
        }
        if let Some((proxy, _)) = proxy {
            builder = builder.proxy(proxy);
        }
        let inner = builder
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        Ok(Self {
            inner,
            budget: BodyBudget::new(settings.body_budget_bytes),
            settings: Arc::new(settings),
            in_flight: Arc::default(),
            guards: None,
        })
    }

    /// The same client, guarding each site with `guards` and reporting to their metrics.
    pub(crate) fn with_guards(mut self, guards: Arc<Guards>) -> Self {
        self.guards = Some(guards);
        self
    }

    /// The guards of a site, when the client has some.
    pub(super) fn guard(&self, slug: &str) -> Option<&SiteGuard> {
        self.guards.as_ref()?.site(slug)
    }

    /// The metrics, when the client reports to some.
    pub(super) fn metrics(&self) -> Option<&Metrics> {
        self.guards.as_ref().map(|g| &g.metrics)
    }

    /// Whether `site` may spend a retry now (its retry budget); counts the refusals.
    pub(super) fn may_retry(&self, site: &SiteDescription) -> bool {
        let Some(guard) = self.guard(site.slug) else {
            return true;
        };
        let allowed = guard.budget.try_retry();
        if !allowed && let Some(metrics) = self.metrics() {
            metrics.retry_denied(site.slug);
        }
        allowed
    }

    /// The settings the client was built with.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Bytes of upstream bodies held in memory right now, against
    /// [`HttpSettings::body_budget_bytes`].
    pub fn body_bytes_held(&self) -> usize {
        self.budget.in_use()
    }

    /// Sends `request` for `site`, following redirects within the site's hosts, retrying
    /// transient failures until `deadline`.
    pub async fn fetch(
        &self,
        site: &'static SiteDescription,
        request: Request,
        deadline: Instant,
        stats: &Stats,
    ) -> Result<Response, FetchError> {
        let result = self.follow(site, request, deadline, stats).await;
        if let Some(metrics) = self.metrics() {
            metrics.upstream_request(site.slug, outcome_label(&result));
        }
        result
    }

    /// [`Self::fetch`] without the metrics.
    async fn follow(
        &self,
        site: &'static SiteDescription,
        request: Request,
        deadline: Instant,
        stats: &Stats,
    ) -> Result<Response, FetchError> {
        let mut url = request.url.map_err(FetchError::Invalid)?;
        let mut method = request.method;
        let mut body = request.body;
        let mut headers = self.headers_for(site, &request.headers)?;
        for hop in 0..=self.settings.max_redirects {
            super::route::check_destination(site, &url, &request.extra_hosts)?;
            let response = self
                .send_hop(&Hop {
                    site,
                    method: &method,
                    url: &url,
                    headers: &headers,
                    body: body.as_ref(),
                    deadline,
                    stats,
                })
                .await?;
            let location = match response.status {
                301 | 302 | 303 | 307 | 308 => {
                    response.header(LOCATION.as_str()).map(str::to_owned)
                }
                _ => None,
            };
            let Some(location) = location else {
                return Ok(response);
            };
            if hop == self.settings.max_redirects {
                break;
            }
            let next = url.join(&location).map_err(|_| FetchError::Redirect {
                site: site.slug,
                detail: "redirected to an unreadable location".into(),
            })?;
            if request.hand_back_foreign_redirects
                && super::route::check_destination(site, &next, &request.extra_hosts).is_err()
            {
                return Ok(response);
            }
            if response.status == 303
                || (matches!(response.status, 301 | 302) && method == Method::POST)
            {
                method = Method::GET;
                body = None;
                headers.remove(reqwest::header::CONTENT_TYPE);
            }
            url = next;
        }
        Err(FetchError::Redirect {
            site: site.slug,
            detail: format!("redirected more than {} times", self.settings.max_redirects),
        })
    }

    /// Browser defaults < operator User-Agent < the site's headers < the request's headers.
    fn headers_for(
        &self,
        site: &SiteDescription,
        extra: &[(String, String)],
    ) -> Result<HeaderMap, FetchError> {
        let mut map = HeaderMap::new();
        let user_agent = self
            .settings
            .user_agent
            .as_deref()
            .unwrap_or(BROWSER_USER_AGENT);
        let defaults = BROWSER_HEADERS
            .iter()
            .copied()
            .chain([(USER_AGENT.as_str(), user_agent)]);
        let site_headers = site.headers.iter().copied();
        let request_headers = extra.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        for (name, value) in defaults.chain(site_headers).chain(request_headers) {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| FetchError::Invalid(format!("invalid header name {name:?}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| FetchError::Invalid(format!("invalid value for header {name}")))?;
            map.insert(name, value);
        }
        Ok(map)
    }

    /// The semaphore bounding `site`'s requests in flight, when there is a bound: the gateway's
    /// `upstream_concurrency`, or the site's own lower bound.
    pub(super) fn turn(&self, site: &'static SiteDescription) -> Option<Arc<Semaphore>> {
        let global = self.settings.max_concurrent_per_site;
        let limit = match (global, site.max_in_flight) {
            (0, None) => return None,
            (0, Some(own)) => own,
            (global, Some(own)) => global.min(own),
            (global, None) => global,
        }
        .max(1);
        let mut map = self.in_flight.lock().ok()?;
        Some(
            map.entry(site.slug)
                .or_insert_with(|| Arc::new(Semaphore::new(limit)))
                .clone(),
        )
    }
}

/// The proxy of the `upstream_proxy` setting, and its host name when it has one to resolve.
fn proxy_of(text: &str) -> Result<(reqwest::Proxy, Option<String>), String> {
    let url =
        Url::parse(text.trim()).map_err(|e| format!("the upstream proxy is not a URL ({e})"))?;
    let scheme = url.scheme();
    if !matches!(scheme, "http" | "https" | "socks5" | "socks5h") {
        return Err(format!(
            "the upstream proxy's scheme '{scheme}' is not supported: use http://, https://, socks5:// (names resolved here, public addresses only) or socks5h:// (names resolved by the proxy)"
        ));
    }
    let host = match url.host() {
        Some(url::Host::Domain(name)) => Some(name.trim_end_matches('.').to_ascii_lowercase()),
        Some(_) => None,
        None => return Err("the upstream proxy URL has no host".into()),
    };
    let proxy = reqwest::Proxy::all(url.as_str())
        .map_err(|_| format!("the upstream proxy ({scheme}://...) is not usable"))?;
    Ok((proxy, host))
}

/// The metrics label of how an upstream request ended.
fn outcome_label(result: &Result<Response, FetchError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(FetchError::HostRefused { .. } | FetchError::NonPublicAddress { .. }) => "refused",
        Err(FetchError::BodyTooLarge { .. }) => "too_large",
        Err(FetchError::Redirect { .. }) => "redirect",
        Err(FetchError::Timeout { .. }) => "timeout",
        Err(FetchError::Status { status: 429, .. }) => "rate_limited",
        Err(FetchError::Status { .. }) => "unavailable",
        Err(FetchError::Connect { .. }) => "connect_error",
        Err(FetchError::Challenge { .. }) => "challenge",
        Err(FetchError::CircuitOpen { .. }) => "circuit_open",
        Err(_) => "error",
    }
}
