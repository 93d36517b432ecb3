//! One hop of a request, attempted until it succeeds, fails for good or runs out of attempts or
//! time: a turn among the site's requests in flight, the exchange with the body capped while it
//! is read, bot-challenge recognition, and the tracing of every attempt.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{HOST, HeaderMap, RETRY_AFTER};
use tokio::time::Instant;
use url::Url;

use super::FetchError;
use super::client::{HttpClient, Stats};
use super::headers::parse_retry_after;
use super::message::Response;
use super::redact::redact_url;
use super::retry::{AttemptError, Failure, Schedule, is_transient_status};
use super::route::route;
use crate::net::NonPublicAddress;
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
        let _permit = match self.turn(hop.site) {
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
            return Err(AttemptError::Permanent(FetchError::Challenge {
                site: hop.site.slug,
                vendor,
                status: response.status,
            }));
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
        let cap = self.settings.max_body_bytes;
        let too_large = || {
            AttemptError::Permanent(FetchError::BodyTooLarge {
                site: hop.site.slug,
                limit: cap,
            })
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
}

/// The vendor of a bot challenge in an HTML answer, or in any refused (403/429/503) answer.
fn challenge_in(response: &Response) -> Option<&'static str> {
    let refused = matches!(response.status, 403 | 429 | 503);
    if !(refused || response.is_html()) {
        return None;
    }
    walls::detect_bot_challenge(&response.text())
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
