//! The shared upstream client: routes each request (or to the test override), follows redirects
//! itself with a host check per hop, retries transient failures, caps the body while reading,
//! recognises bot challenges, and traces every attempt.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{
    HOST, HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER, USER_AGENT,
};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::{Host, Url};

use super::headers::{BROWSER_HEADERS, BROWSER_USER_AGENT, parse_retry_after};
use super::message::{Request, Response};
use super::redact::redact_url;
use super::retry::{AttemptError, Failure, Schedule, is_transient_status};
use crate::describe::{SiteDescription, host_matches};
use crate::error::ScrapeError;
use crate::net::{NonPublicAddress, PublicOnlyResolver};
use crate::walls;

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

    fn record(&self, attempt: u32) {
        self.max_attempts.fetch_max(attempt, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// The one upstream client of the process; cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    settings: Arc<HttpSettings>,
    /// One semaphore per site slug, bounding its requests in flight.
    in_flight: Arc<Mutex<HashMap<&'static str, Arc<Semaphore>>>>,
}

/// The part of a request that stays the same across retries of one hop.
struct Hop<'a> {
    site: &'a SiteDescription,
    method: &'a Method,
    url: &'a Url,
    headers: &'a HeaderMap,
    body: Option<&'a Bytes>,
    deadline: Instant,
    stats: &'a Stats,
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
        site: &SiteDescription,
        request: Request,
        deadline: Instant,
        stats: &Stats,
    ) -> Result<Response, ScrapeError> {
        let mut url = request.url.map_err(ScrapeError::Internal)?;
        let mut method = request.method;
        let mut body = request.body;
        let mut headers = self.headers_for(site, &request.headers)?;
        for hop in 0..=self.settings.max_redirects {
            self.check_destination(site, &url, &request.extra_hosts)?;
            let response = self
                .fetch_hop(&Hop {
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
            let next = url.join(&location).map_err(|_| {
                ScrapeError::changed(format!(
                    "{} redirected to an unreadable location",
                    site.slug
                ))
            })?;
            if request.hand_back_foreign_redirects
                && self
                    .check_destination(site, &next, &request.extra_hosts)
                    .is_err()
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
        Err(ScrapeError::changed(format!(
            "{} redirected more than {} times",
            site.slug, self.settings.max_redirects
        )))
    }

    /// Refuses a destination outside the site's hosts (and the request's vetted extra hosts).
    fn check_destination(
        &self,
        site: &SiteDescription,
        url: &Url,
        extra: &[String],
    ) -> Result<(), ScrapeError> {
        let refused =
            |why: String| ScrapeError::changed(format!("{}: refused to contact {why}", site.slug));
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused(format!("a {} URL", url.scheme())));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused("a URL with credentials".into()));
        }
        let host = match url.host() {
            Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(_) => return Err(refused("an IP address".into())),
            None => return Err(refused("a URL without host".into())),
        };
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        if site.allows_host(&host) || host_matches(&extra, &host) {
            Ok(())
        } else {
            Err(refused(format!("foreign host {host}")))
        }
    }

    /// Browser defaults < operator User-Agent < the site's headers < the request's headers.
    fn headers_for(
        &self,
        site: &SiteDescription,
        extra: &[(String, String)],
    ) -> Result<HeaderMap, ScrapeError> {
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
                .map_err(|_| ScrapeError::internal(format!("invalid header name {name:?}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| ScrapeError::internal(format!("invalid value for header {name}")))?;
            map.insert(name, value);
        }
        Ok(map)
    }

    /// One hop: attempts with retries through tokio-retry.
    async fn fetch_hop(&self, hop: &Hop<'_>) -> Result<Response, ScrapeError> {
        let retry_after = Arc::new(Mutex::new(None));
        let schedule = Schedule::new(
            self.settings.backoff_base,
            self.settings.backoff_max,
            self.settings.max_attempts.max(1),
            hop.deadline,
            retry_after.clone(),
        );
        let attempt = AtomicU32::new(0);
        let result = tokio_retry::RetryIf::start(
            schedule,
            || async {
                let n = attempt.fetch_add(1, Ordering::Relaxed) + 1;
                self.attempt(hop, n, &retry_after).await
            },
            AttemptError::is_transient,
        )
        .await;
        let attempts = attempt.load(Ordering::Relaxed);
        result.map_err(|e| match e {
            AttemptError::Permanent(e) => e,
            AttemptError::Transient(failure) => exhausted(hop, failure, attempts),
        })
    }

    /// One attempt of one hop.
    async fn attempt(
        &self,
        hop: &Hop<'_>,
        n: u32,
        retry_after: &Mutex<Option<Duration>>,
    ) -> Result<Response, AttemptError> {
        let started = Instant::now();
        let remaining = hop.deadline.saturating_duration_since(started);
        if remaining.is_zero() {
            return Err(AttemptError::Permanent(deadline_passed(hop.site)));
        }
        // Wait for a turn among the site's requests in flight, within the deadline.
        let _permit = match self.turn(hop.site.slug) {
            None => None,
            Some(semaphore) => {
                match tokio::time::timeout(remaining, semaphore.acquire_owned()).await {
                    Ok(Ok(permit)) => Some(permit),
                    _ => return Err(AttemptError::Permanent(deadline_passed(hop.site))),
                }
            }
        };
        let remaining = hop.deadline.saturating_duration_since(Instant::now());
        hop.stats.record(n);
        let timeout = self.settings.attempt_timeout.min(remaining);
        let outcome = tokio::time::timeout(timeout, self.exchange(hop)).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let url = redact_url(hop.url, hop.site.secret_query_params);
        let response = match outcome {
            Err(_) => {
                tracing::warn!(target: "upstream", site = hop.site.slug, url, status = "timeout", attempt = n, duration_ms, "upstream attempt");
                return Err(if Instant::now() >= hop.deadline {
                    AttemptError::Permanent(deadline_passed(hop.site))
                } else {
                    AttemptError::Transient(Failure::Timeout)
                });
            }
            Ok(Err(e)) => {
                tracing::warn!(target: "upstream", site = hop.site.slug, url, status = "error", attempt = n, duration_ms, error = %e, "upstream attempt");
                return Err(e);
            }
            Ok(Ok(response)) => response,
        };
        tracing::info!(target: "upstream", site = hop.site.slug, url, status = response.status, attempt = n, duration_ms, "upstream attempt");
        if let Some(vendor) = challenge_in(&response) {
            return Err(AttemptError::Permanent(ScrapeError::blocked(format!(
                "{} answered a {vendor} bot challenge (HTTP {})",
                hop.site.slug, response.status
            ))));
        }
        if is_transient_status(response.status) {
            let told = response
                .header(RETRY_AFTER.as_str())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            if let Ok(mut slot) = retry_after.lock() {
                *slot = told;
            }
            return Err(AttemptError::Transient(Failure::Status {
                status: response.status,
                retry_after: told,
            }));
        }
        Ok(response)
    }

    /// The semaphore bounding `site`'s requests in flight, when there is a bound.
    fn turn(&self, site: &'static str) -> Option<Arc<Semaphore>> {
        let limit = self.settings.max_concurrent_per_site;
        if limit == 0 {
            return None;
        }
        let mut map = self.in_flight.lock().ok()?;
        Some(
            map.entry(site)
                .or_insert_with(|| Arc::new(Semaphore::new(limit)))
                .clone(),
        )
    }

    /// Sends one HTTP request and reads the body up to the cap.
    async fn exchange(&self, hop: &Hop<'_>) -> Result<Response, AttemptError> {
        let (target, host) = self.route(hop.url);
        let mut builder = self
            .inner
            .request(hop.method.clone(), target)
            .headers(hop.headers.clone());
        if let Some(host) = host {
            builder = builder.header(HOST, host);
        }
        if let Some(body) = hop.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| transport_error(hop.site, &e))?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let cap = self.settings.max_body_bytes;
        let too_large = || {
            AttemptError::Permanent(ScrapeError::changed(format!(
                "{} answered more than {} bytes; refused",
                hop.site.slug, cap
            )))
        };
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(too_large());
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(hop.site, &e))?
        {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            url: hop.url.clone(),
            body: body.freeze(),
        })
    }

    /// Where the request really goes, and the Host header to keep when it is overridden.
    fn route(&self, url: &Url) -> (Url, Option<HeaderValue>) {
        let Some(base) = &self.settings.upstream_override else {
            return (url.clone(), None);
        };
        let mut target = base.clone();
        target.set_path(url.path());
        target.set_query(url.query());
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => String::new(),
        };
        (target, HeaderValue::from_str(&host).ok())
    }
}

/// The vendor of a bot challenge in an HTML answer, or in any refused (403/429/503) answer.
fn challenge_in(response: &Response) -> Option<&'static str> {
    let refused = matches!(response.status, 403 | 429 | 503);
    if !(refused || response.is_html()) {
        return None;
    }
    walls::detect_bot_challenge(&response.text())
}

fn transport_error(site: &SiteDescription, e: &reqwest::Error) -> AttemptError {
    if let Some(refusal) = source_of::<NonPublicAddress>(e) {
        return AttemptError::Permanent(ScrapeError::changed(format!("{}: {refusal}", site.slug)));
    }
    if e.is_timeout() {
        AttemptError::Transient(Failure::Timeout)
    } else if e.is_connect() || e.is_request() || e.is_body() || e.is_decode() {
        AttemptError::Transient(Failure::Connect(error_chain(e)))
    } else {
        AttemptError::Permanent(ScrapeError::UpstreamUnavailable {
            detail: format!("request to {} failed: {}", site.slug, error_chain(e)),
            retry_after: None,
        })
    }
}

/// The first error of type `T` in the chain of `e`.
fn source_of<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(e);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}

/// An error and its sources on one line, for logs and details.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn deadline_passed(site: &SiteDescription) -> ScrapeError {
    ScrapeError::UpstreamTimeout(format!(
        "the request's deadline passed while waiting for {}",
        site.slug
    ))
}

/// The error after the last transient failure.
fn exhausted(hop: &Hop<'_>, failure: Failure, attempts: u32) -> ScrapeError {
    let site = hop.site.slug;
    let times = if attempts == 1 {
        "once".to_owned()
    } else {
        format!("{attempts} times")
    };
    match failure {
        Failure::Status {
            status: 429,
            retry_after,
        } => ScrapeError::RateLimited {
            detail: format!("{site} answered 429 {times}"),
            retry_after,
        },
        Failure::Status {
            status,
            retry_after,
        } => ScrapeError::UpstreamUnavailable {
            detail: format!("{site} answered {status} {times}"),
            retry_after,
        },
        Failure::Timeout if Instant::now() >= hop.deadline => deadline_passed(hop.site),
        Failure::Timeout => {
            ScrapeError::UpstreamTimeout(format!("{site} did not answer in time, {times}"))
        }
        Failure::Connect(e) => ScrapeError::UpstreamUnavailable {
            detail: format!("could not reach {site} ({times}): {e}"),
            retry_after: None,
        },
    }
}
