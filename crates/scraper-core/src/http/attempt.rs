//! One hop of a request, attempted until it succeeds, fails for good or runs out of attempts,
//! time or the site's retry budget: the site's circuit breaker, a turn among its requests in
//! flight, its rate limit, the exchange with the body capped while it is read, bot-challenge
//! recognition, and the tracing and metrics of every attempt.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HOST, HeaderMap, RETRY_AFTER};
use tokio::time::Instant;
use url::Url;

use super::FetchError;
use super::budget::{ReadError, Shortfall, read_body};
use super::client::{HttpClient, Stats};
use super::headers::parse_retry_after;
use super::message::Response;
use super::redact::redact_url;
use super::retry::{AttemptError, Failure, Schedule, is_transient_status};
use super::route::route;
use crate::breaker::Verdict;
use crate::net::NonPublicAddress;
use crate::ratelimit::TooLate;
use crate::site::SiteDescription;
use crate::walls;

/// The part of a request that stays the same across retries of one hop.
pub(super) struct Hop<'a> {
    pub(super) site: &'static SiteDescription,
    pub(super) method: &'a Method,
    pub(super) url: &'a Url,
    pub(super) headers: &'a HeaderMap,
    pub(super) body: Option<&'a Bytes>,
    pub(super) deadline: Instant,
    pub(super) stats: &'a Stats,
}

impl HttpClient {
    /// One hop: attempts with retries through tokio-retry.
    pub(super) async fn send_hop(&self, hop: &Hop<'_>) -> Result<Response, FetchError> {
        let retry_after = Arc::new(Mutex::new(None));
        let schedule = Schedule::new(
            self.settings.backoff_base,
            self.settings.backoff_max,
            self.settings.max_attempts.max(1),
            hop.deadline,
            retry_after.clone(),
        );
        let attempt = AtomicU32::new(0);
        let max_attempts = self.settings.max_attempts.max(1);
        let result = tokio_retry::RetryIf::start(
            schedule,
            || async {
                let n = attempt.fetch_add(1, Ordering::Relaxed) + 1;
                self.attempt(hop, n, &retry_after).await
            },
            |e: &AttemptError| {
                // A retry spends the site's retry budget (the last attempt stops by itself).
                e.is_transient()
                    && (attempt.load(Ordering::Relaxed) >= max_attempts || self.may_retry(hop.site))
            },
        )
        .await;
        let attempts = attempt.load(Ordering::Relaxed);
        result.map_err(|e| match e {
            AttemptError::Permanent(e) => e,
            AttemptError::Transient(failure) => exhausted(hop, failure, attempts),
        })
    }

    /// One attempt of one hop: the site's circuit (refused at once while open), a turn among
    /// its requests in flight and its rate limit (both within the deadline), the exchange, the
    /// challenge check, and the verdict told to the breaker and the metrics.
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
        let guard = self.guard(hop.site.slug);
        let ticket = match guard.map(|g| g.breaker.acquire()).transpose() {
            Ok(ticket) => ticket,
            Err(refusal) => {
                return Err(AttemptError::Permanent(FetchError::CircuitOpen {
                    site: hop.site.slug,
                    failures: refusal.failures,
                    retry_after: refusal.retry_after,
                }));
            }
        };
        // Wait for a turn among the site's requests in flight, within the deadline.
        let _permit = match self.turn(hop.site) {
            None => None,
            Some(semaphore) => {
                match tokio::time::timeout(remaining, semaphore.acquire_owned()).await {
                    Ok(Ok(permit)) => Some(permit),
                    _ => return Err(AttemptError::Permanent(deadline_passed(hop.site))),
                }
            }
        };
        // Then for the site's rate limit: the wait counts against the deadline.
        if let Some(rate) = guard.and_then(|g| g.rate.as_ref()) {
            match rate.until_ready(hop.deadline).await {
                Ok(waited) if !waited.is_zero() => {
                    if let Some(metrics) = self.metrics() {
                        metrics.rate_limit_wait(hop.site.slug, waited.as_secs_f64());
                    }
                }
                Ok(_) => {}
                Err(TooLate) => {
                    return Err(AttemptError::Permanent(FetchError::Timeout {
                        site: hop.site.slug,
                        detail: format!(
                            "the request's deadline would pass waiting for {}'s rate limit ({} requests per second)",
                            hop.site.slug,
                            rate.per_second()
                        ),
                    }));
                }
            }
        }
        if n == 1
            && let Some(guard) = guard
        {
            guard.budget.deposit();
        }
        let sent = Instant::now();
        let remaining = hop.deadline.saturating_duration_since(sent);
        hop.stats.record(n);
        let timeout = self.settings.attempt_timeout.min(remaining);
        let outcome = tokio::time::timeout(timeout, self.exchange(hop)).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let url = redact_url(hop.url, hop.site.secret_query_params);
        let (result, label, verdict, bytes) = match outcome {
            Err(_) => {
                tracing::warn!(target: "upstream", site = hop.site.slug, url, status = "timeout", attempt = n, duration_ms, "upstream attempt");
                let error = if Instant::now() >= hop.deadline {
                    AttemptError::Permanent(deadline_passed(hop.site))
                } else {
                    AttemptError::Transient(Failure::Timeout)
                };
                (Err(error), "timeout", Verdict::Down, 0)
            }
            Ok(Err(e)) => {
                tracing::warn!(target: "upstream", site = hop.site.slug, url, status = "error", attempt = n, duration_ms, error = %e, "upstream attempt");
                let (label, verdict) = match &e {
                    AttemptError::Transient(Failure::Timeout) => ("timeout", Verdict::Down),
                    AttemptError::Transient(_) => ("error", Verdict::Down),
                    AttemptError::Permanent(FetchError::BodyTooLarge { .. }) => {
                        ("too_large", Verdict::Up)
                    }
                    AttemptError::Permanent(_) => ("error", Verdict::Neutral),
                };
                (Err(e), label, verdict, 0)
            }
            Ok(Ok(response)) => {
                tracing::info!(target: "upstream", site = hop.site.slug, url, status = response.status, attempt = n, duration_ms, "upstream attempt");
                let bytes = response.body.len();
                let status = response.status;
                if let Some(vendor) = challenge_in(&response) {
                    let error = AttemptError::Permanent(FetchError::Challenge {
                        site: hop.site.slug,
                        vendor,
                        status,
                    });
                    (Err(error), "challenge", Verdict::Neutral, bytes)
                } else if is_transient_status(status) {
                    let told = response
                        .header(RETRY_AFTER.as_str())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    if let Ok(mut slot) = retry_after.lock() {
                        *slot = told;
                    }
                    let error = AttemptError::Transient(Failure::Status {
                        status,
                        retry_after: told,
                    });
                    let (label, verdict) = status_verdict(status);
                    (Err(error), label, verdict, bytes)
                } else {
                    let (label, verdict) = status_verdict(status);
                    (Ok(response), label, verdict, bytes)
                }
            }
        };
        if let Some(metrics) = self.metrics() {
            metrics.upstream_attempt(hop.site.slug, label, sent.elapsed().as_secs_f64(), bytes);
        }
        if let Some(ticket) = ticket
            && ticket.record(verdict)
        {
            tracing::warn!(
                site = hop.site.slug,
                "circuit opened: the upstream keeps failing"
            );
            if let Some(metrics) = self.metrics() {
                metrics.circuit_opened(hop.site.slug);
            }
        }
        result
    }

    /// Sends one HTTP request and reads the body up to the cap.
    async fn exchange(&self, hop: &Hop<'_>) -> Result<Response, AttemptError> {
        let (target, host) = route(self.settings.upstream_override.as_ref(), hop.url);
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
        // The body: sized from Content-Length, under the cap and the process's byte budget,
        // whose wait ends before this attempt's timeout so that it is told apart from the
        // upstream's slowness (and not retried: the budget is ours).
        let cap = self.settings.max_body_bytes;
        let until = Instant::now()
            .checked_add(self.settings.attempt_timeout)
            .map_or(hop.deadline, |end| end.min(hop.deadline))
            .checked_sub(Duration::from_millis(5))
            .unwrap_or(hop.deadline);
        let body = read_body(response, cap, &self.budget, until)
            .await
            .map_err(|e| match e {
                ReadError::Transport(e) => transport_error(hop.site, &e),
                ReadError::TooLarge { limit } => AttemptError::Permanent(FetchError::BodyTooLarge {
                    site: hop.site.slug,
                    limit,
                }),
                ReadError::Budget(Shortfall::TooLarge) => {
                    AttemptError::Permanent(FetchError::BodyTooLarge {
                        site: hop.site.slug,
                        limit: self.budget.total(),
                    })
                }
                ReadError::Budget(Shortfall::TooLate) => {
                    AttemptError::Permanent(FetchError::Timeout {
                        site: hop.site.slug,
                        detail: format!(
                            "the request's deadline passed while waiting for memory to read {}'s answer (upstream bodies held at once are limited to {} MiB)",
                            hop.site.slug,
                            self.budget.total() / (1024 * 1024)
                        ),
                    })
                }
            })?;
        Ok(Response {
            status,
            headers,
            url: hop.url.clone(),
            body,
            text: std::sync::OnceLock::new(),
        })
    }
}

/// Larger HTML answers are the pages asked for, not interstitials: only their head is searched.
const SMALL_PAGE: usize = 64 * 1024;
/// Where a challenge page keeps its markers (title, first scripts).
const PAGE_HEAD: usize = 16 * 1024;

/// The vendor of a bot challenge in a refused (403/429/503) answer, or in an HTML answer —
/// searched whole when small, in its head when large, so that a good page pays microseconds —
/// in one pass over the bytes (no UTF-8 check, no copy).
fn challenge_in(response: &Response) -> Option<&'static str> {
    let refused = matches!(response.status, 403 | 429 | 503);
    if !(refused || response.is_html()) {
        return None;
    }
    let body = response.bytes();
    let scanned = if refused || body.len() <= SMALL_PAGE {
        body
    } else {
        &body[..PAGE_HEAD]
    };
    walls::detect_bot_challenge(scanned)
}

/// The metrics label of a status and what it says of the site's health (only a 5xx says it
/// is down; a 429 says nothing either way).
fn status_verdict(status: u16) -> (&'static str, Verdict) {
    match status {
        429 => ("429", Verdict::Neutral),
        500..=599 => ("5xx", Verdict::Down),
        200..=299 => ("2xx", Verdict::Up),
        300..=399 => ("3xx", Verdict::Up),
        400..=499 => ("4xx", Verdict::Up),
        _ => ("other", Verdict::Up),
    }
}

fn transport_error(site: &'static SiteDescription, e: &reqwest::Error) -> AttemptError {
    if let Some(refusal) = source_of::<NonPublicAddress>(e) {
        return AttemptError::Permanent(FetchError::NonPublicAddress {
            site: site.slug,
            detail: refusal.to_string(),
        });
    }
    if e.is_timeout() {
        AttemptError::Transient(Failure::Timeout)
    } else if e.is_connect() || e.is_request() || e.is_body() || e.is_decode() {
        AttemptError::Transient(Failure::Connect(error_chain(e)))
    } else {
        AttemptError::Permanent(FetchError::Connect {
            site: site.slug,
            detail: format!(": {}", error_chain(e)),
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

fn deadline_passed(site: &'static SiteDescription) -> FetchError {
    FetchError::Timeout {
        site: site.slug,
        detail: format!(
            "the request's deadline passed while waiting for {}",
            site.slug
        ),
    }
}

/// The error after the last transient failure.
fn exhausted(hop: &Hop<'_>, failure: Failure, attempts: u32) -> FetchError {
    let site = hop.site.slug;
    let times = if attempts == 1 {
        "once".to_owned()
    } else {
        format!("{attempts} times")
    };
    match failure {
        Failure::Status {
            status,
            retry_after,
        } => FetchError::Status {
            site,
            status,
            times,
            retry_after,
        },
        Failure::Timeout if Instant::now() >= hop.deadline => deadline_passed(hop.site),
        Failure::Timeout => FetchError::Timeout {
            site,
            detail: format!("{site} did not answer in time, {times}"),
        },
        Failure::Connect(e) => FetchError::Connect {
            site,
            detail: format!(" ({times}): {e}"),
        },
    }
}
