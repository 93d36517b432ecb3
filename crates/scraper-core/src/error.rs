//! The error model: one stable `code` per failure, exactly the codes of the public API
//! (docs/API.md). The gateway turns them into `application/problem+json` with an HTTP status.

use std::borrow::Cow;
use std::time::Duration;

/// The stable machine-readable codes of the public API. Clients branch on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// A parameter is missing, ill-typed or not allowed (a URL of a foreign host, say).
    InvalidParams,
    /// The API key is missing or wrong.
    Unauthorized,
    /// No site of that name is registered.
    UnknownSite,
    /// The site has no action of that name.
    UnknownAction,
    /// The upstream entity does not exist.
    NotFound,
    /// The entity exists but is private.
    Private,
    /// The upstream shows a login wall.
    LoginRequired,
    /// A bot challenge, captcha, checkpoint or policy page.
    Blocked,
    /// The page or JSON no longer has the expected shape.
    UpstreamChanged,
    /// The upstream kept answering 429 after retries.
    RateLimited,
    /// 5xx or connection failures after retries.
    UpstreamUnavailable,
    /// The request's deadline passed.
    UpstreamTimeout,
    /// The site needs configuration it lacks.
    NotConfigured,
    /// A bug on our side.
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of the API's table.
    pub const ALL: [ErrorCode; 14] = [
        Self::InvalidParams,
        Self::Unauthorized,
        Self::UnknownSite,
        Self::UnknownAction,
        Self::NotFound,
        Self::Private,
        Self::LoginRequired,
        Self::Blocked,
        Self::UpstreamChanged,
        Self::RateLimited,
        Self::UpstreamUnavailable,
        Self::UpstreamTimeout,
        Self::NotConfigured,
        Self::Internal,
    ];

    /// The code as it appears in the problem body.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidParams => "invalid_params",
            Self::Unauthorized => "unauthorized",
            Self::UnknownSite => "unknown_site",
            Self::UnknownAction => "unknown_action",
            Self::NotFound => "not_found",
            Self::Private => "private",
            Self::LoginRequired => "login_required",
            Self::Blocked => "blocked",
            Self::UpstreamChanged => "upstream_changed",
            Self::RateLimited => "rate_limited",
            Self::UpstreamUnavailable => "upstream_unavailable",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::NotConfigured => "not_configured",
            Self::Internal => "internal",
        }
    }

    /// A short human title, the problem's `title`.
    pub fn title(self) -> &'static str {
        match self {
            Self::InvalidParams => "Invalid parameters",
            Self::Unauthorized => "Missing or wrong API key",
            Self::UnknownSite => "Unknown site",
            Self::UnknownAction => "Unknown action",
            Self::NotFound => "Not found upstream",
            Self::Private => "Private upstream entity",
            Self::LoginRequired => "Upstream requires a login",
            Self::Blocked => "Blocked by upstream",
            Self::UpstreamChanged => "Upstream changed its format",
            Self::RateLimited => "Rate limited by upstream",
            Self::UpstreamUnavailable => "Upstream unavailable",
            Self::UpstreamTimeout => "Upstream timed out",
            Self::NotConfigured => "Site not configured",
            Self::Internal => "Internal error",
        }
    }

    /// Whether the same request may succeed if simply sent again later. A bot challenge
    /// (`blocked`) is not: retrying it at once only digs deeper.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::UpstreamUnavailable | Self::UpstreamTimeout
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a scrape failed. Messages are lowercase fragments that read well after "failed: ".
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ScrapeError {
    /// A parameter is missing, ill-typed, not allowed, or names a foreign host.
    #[error("{reason}")]
    InvalidParams {
        /// The parameter at fault, when there is one.
        param: Option<Cow<'static, str>>,
        /// What is wrong, naming the parameter.
        reason: String,
    },
    /// No valid API key was presented.
    #[error("a valid API key is required (X-API-Key or Authorization: Bearer)")]
    Unauthorized,
    /// The site is not in the registry.
    #[error("no site named '{site}' (known: {known})")]
    UnknownSite {
        /// The site asked for.
        site: String,
        /// The registered sites, comma-separated.
        known: String,
    },
    /// The action is not in the site's description.
    #[error("site '{site}' has no action '{action}' (known: {known})")]
    UnknownAction {
        /// The site asked for.
        site: String,
        /// The action asked for.
        action: String,
        /// The site's actions, comma-separated.
        known: String,
    },
    /// The upstream entity does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The entity exists but is private.
    #[error("{0}")]
    Private(String),
    /// The upstream answered with a login wall.
    #[error("{0}")]
    LoginRequired(String),
    /// The upstream answered with a bot challenge, captcha, checkpoint or policy page.
    #[error("{0}")]
    Blocked(String),
    /// The upstream answer no longer has the shape we parse.
    #[error("{0}")]
    UpstreamChanged(String),
    /// The upstream kept answering 429.
    #[error("{detail}")]
    RateLimited {
        /// What happened.
        detail: String,
        /// When the upstream said to come back.
        retry_after: Option<Duration>,
    },
    /// 5xx answers or connection failures after retries.
    #[error("{detail}")]
    UpstreamUnavailable {
        /// What happened.
        detail: String,
        /// When the upstream said to come back.
        retry_after: Option<Duration>,
    },
    /// The request's deadline passed.
    #[error("{0}")]
    UpstreamTimeout(String),
    /// The site lacks a setting it needs.
    #[error("{0}")]
    NotConfigured(String),
    /// A bug on our side; the detail is for logs, not for clients.
    #[error("{0}")]
    Internal(String),
}

impl ScrapeError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidParams { .. } => ErrorCode::InvalidParams,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::UnknownSite { .. } => ErrorCode::UnknownSite,
            Self::UnknownAction { .. } => ErrorCode::UnknownAction,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Private(_) => ErrorCode::Private,
            Self::LoginRequired(_) => ErrorCode::LoginRequired,
            Self::Blocked(_) => ErrorCode::Blocked,
            Self::UpstreamChanged(_) => ErrorCode::UpstreamChanged,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::UpstreamUnavailable { .. } => ErrorCode::UpstreamUnavailable,
            Self::UpstreamTimeout(_) => ErrorCode::UpstreamTimeout,
            Self::NotConfigured(_) => ErrorCode::NotConfigured,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// When the client may try again, where the upstream said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. }
            | Self::UpstreamUnavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// `self` with `after` as its `Retry-After` when it is a `rate_limited` or
    /// `upstream_unavailable` that does not know one yet (say, from the answer's header).
    #[must_use]
    pub fn or_retry_after(self, after: Option<Duration>) -> Self {
        match self {
            Self::RateLimited {
                detail,
                retry_after: None,
            } => Self::RateLimited {
                detail,
                retry_after: after,
            },
            Self::UpstreamUnavailable {
                detail,
                retry_after: None,
            } => Self::UpstreamUnavailable {
                detail,
                retry_after: after,
            },
            other => other,
        }
    }

    /// The parameter at fault, for `invalid_params`.
    pub fn param(&self) -> Option<&str> {
        match self {
            Self::InvalidParams { param, .. } => param.as_deref(),
            _ => None,
        }
    }

    /// `invalid_params` for one parameter; `reason` should name it.
    pub fn invalid_param(param: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        Self::InvalidParams {
            param: Some(param.into()),
            reason: reason.into(),
        }
    }

    /// `upstream_changed` with a detail.
    pub fn changed(detail: impl Into<String>) -> Self {
        Self::UpstreamChanged(detail.into())
    }

    /// `not_found` with a detail.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound(detail.into())
    }

    /// `blocked` with a detail.
    pub fn blocked(detail: impl Into<String>) -> Self {
        Self::Blocked(detail.into())
    }

    /// `internal` with a detail.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_api_table() {
        let codes: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "invalid_params",
                "unauthorized",
                "unknown_site",
                "unknown_action",
                "not_found",
                "private",
                "login_required",
                "blocked",
                "upstream_changed",
                "rate_limited",
                "upstream_unavailable",
                "upstream_timeout",
                "not_configured",
                "internal",
            ]
        );
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn retry_after_travels_with_rate_limits() {
        let e = ScrapeError::RateLimited {
            detail: "x".into(),
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert!(e.code().retryable());
        assert_eq!(
            ScrapeError::invalid_param("user", "bad").param(),
            Some("user")
        );
    }
}
