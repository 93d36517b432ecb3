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
use super::headers::{BROWSER_HEADERS, BROWSER_USER_AGENT};
use super::message::{Request, Response};
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
    /// An outgoing proxy for every upstream request (`http://`, `https://` or `socks5://`).
    pub proxy: Option<String>,
    /// Upstream requests in flight at once per site (0: no limit); more wait their turn.
    pub max_concurrent_per_site: usize,
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
}

impl HttpClient {
    /// Builds the client. Fails only on an unusable proxy setting or TLS initialisation.
    pub fn new(settings: HttpSettings) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(8)
            .tcp_nodelay(true)
            .http1_title_case_headers();
        if settings.upstream_override.is_none() {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        if let Some(proxy) = &settings.proxy {
            builder = builder.proxy(reqwest::Proxy::all(proxy)?);
        }
        Ok(Self {
            inner: builder.build()?,
            settings: Arc::new(settings),
            in_flight: Arc::default(),
        })
    }

    /// The settings the client was built with.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
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
