//! Why an upstream request failed, with its cause kept ([`FetchError`]), and the one mapping of
//! those causes to the API's error codes (`From<FetchError> for ScrapeError`). A site that needs
//! to tell causes apart (an oversized answer from a refused host, say) matches on the variant.

use std::time::Duration;

use crate::error::ScrapeError;

/// Why an upstream request failed. Every message names the site.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The destination is not one the site may contact (a foreign host, an IP literal, another
    /// scheme, credentials in the URL) — checked before sending and on every redirect.
    #[error("{site}: refused to contact {what}")]
    HostRefused {
        /// The site.
        site: &'static str,
        /// What was refused.
        what: String,
    },
    /// The host name resolves only to addresses that are not public.
    #[error("{site}: {detail}")]
    NonPublicAddress {
        /// The site.
        site: &'static str,
        /// The name and what it resolved to.
        detail: String,
    },
    /// The answer is larger than the body cap.
    #[error("{site} answered more than {limit} bytes; refused")]
    BodyTooLarge {
        /// The site.
        site: &'static str,
        /// The cap, in bytes.
        limit: usize,
    },
    /// More redirects than allowed, or a redirect to an unreadable location.
    #[error("{site} {detail}")]
    Redirect {
        /// The site.
        site: &'static str,
        /// What happened.
        detail: String,
    },
    /// The request's deadline passed, or the upstream did not answer in time.
    #[error("{detail}")]
    Timeout {
        /// The site.
        site: &'static str,
        /// What happened.
        detail: String,
    },
    /// The upstream kept answering a transient status (429, 5xx) until the attempts ran out.
    #[error("{site} answered {status} {times}")]
    Status {
        /// The site.
        site: &'static str,
        /// The last status.
        status: u16,
        /// "once", "3 times".
        times: String,
        /// When the upstream said to come back.
        retry_after: Option<Duration>,
    },
    /// The connection failed until the attempts ran out, or failed in a way not worth retrying.
    #[error("could not reach {site}{detail}")]
    Connect {
        /// The site.
        site: &'static str,
        /// How many times (` (3 times): `) or `: `, then the error chain.
        detail: String,
    },
    /// The answer is a bot challenge (Cloudflare, DataDome, ...).
    #[error("{site} answered a {vendor} bot challenge (HTTP {status})")]
    Challenge {
        /// The site.
        site: &'static str,
        /// Who set the challenge.
        vendor: &'static str,
        /// The status it came with.
        status: u16,
    },
    /// The site's circuit breaker is open: its upstream failed too often in a row, and requests
    /// fail at once until the cool-down ends.
    #[error("circuit open for {site} after {failures} consecutive upstream failures")]
    CircuitOpen {
        /// The site.
        site: &'static str,
        /// The failures in a row that opened it.
        failures: u32,
        /// The rest of the cool-down.
        retry_after: Duration,
    },
    /// The request could not be built (a bug in the site: a bad URL, a bad header).
    #[error("{0}")]
    Invalid(String),
}

impl FetchError {
    /// The site the request was for.
    pub fn site(&self) -> Option<&'static str> {
        match self {
            Self::HostRefused { site, .. }
            | Self::NonPublicAddress { site, .. }
            | Self::BodyTooLarge { site, .. }
            | Self::Redirect { site, .. }
            | Self::Timeout { site, .. }
            | Self::Status { site, .. }
            | Self::Connect { site, .. }
            | Self::Challenge { site, .. }
            | Self::CircuitOpen { site, .. } => Some(site),
            Self::Invalid(_) => None,
        }
    }
}

impl From<FetchError> for ScrapeError {
    fn from(e: FetchError) -> Self {
        let detail = e.to_string();
        match e {
            FetchError::HostRefused { .. }
            | FetchError::NonPublicAddress { .. }
            | FetchError::BodyTooLarge { .. }
            | FetchError::Redirect { .. } => ScrapeError::UpstreamChanged(detail),
            FetchError::Timeout { .. } => ScrapeError::UpstreamTimeout(detail),
            FetchError::Status {
                status: 429,
                retry_after,
                ..
            } => ScrapeError::RateLimited {
                detail,
                retry_after,
            },
            FetchError::Status { retry_after, .. } => ScrapeError::UpstreamUnavailable {
                detail,
                retry_after,
            },
            FetchError::Connect { .. } => ScrapeError::UpstreamUnavailable {
                detail,
                retry_after: None,
            },
            FetchError::Challenge { .. } => ScrapeError::Blocked(detail),
            FetchError::CircuitOpen { retry_after, .. } => ScrapeError::UpstreamUnavailable {
                detail,
                retry_after: Some(retry_after),
            },
            FetchError::Invalid(_) => ScrapeError::Internal(detail),
        }
    }
}
