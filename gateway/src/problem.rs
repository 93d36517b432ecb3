//! Errors as RFC 9457 problem documents with the API's stable `code`: [`Problem`] is the one type
//! every error answer is made of (scrape errors, transport refusals, actix's own errors through
//! `ResponseError`), and the one place that knows which HTTP status each code answers with. The
//! content type is negotiated by `middleware::problem_content_type`.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use scraper_core::{ErrorCode, ScrapeError};
use serde::Serialize;

use crate::request_id::RequestId;

/// The HTTP status of each error code (docs/API.md).
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidParams => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::UnknownSite | ErrorCode::UnknownAction | ErrorCode::NotFound => {
            StatusCode::NOT_FOUND
        }
        ErrorCode::Private => StatusCode::FORBIDDEN,
        ErrorCode::LoginRequired | ErrorCode::Blocked | ErrorCode::UpstreamChanged => {
            StatusCode::BAD_GATEWAY
        }
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::UpstreamUnavailable | ErrorCode::NotConfigured => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        ErrorCode::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A problem document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// Always `about:blank`: the `code` says what happened.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short human title.
    pub title: Cow<'static, str>,
    /// The HTTP status.
    pub status: u16,
    /// The stable code clients branch on.
    pub code: &'static str,
    /// What happened, in a sentence.
    pub detail: String,
    /// The parameter at fault (`invalid_params`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The site asked for (scrape errors only; null when it is not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Option<String>>,
    /// The action asked for (scrape errors only; null when it is not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Option<String>>,
    /// Whether the same request may succeed later.
    pub retryable: bool,
    /// Seconds to wait, when the upstream said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The id of the request (also in `X-Request-Id`).
    pub request_id: String,
}

impl Problem {
    /// The problem of a scrape error.
    pub fn scrape(
        error: &ScrapeError,
        site: Option<&str>,
        action: Option<&str>,
        request_id: &str,
    ) -> Self {
        let code = error.code();
        Self {
            kind: "about:blank",
            title: Cow::Borrowed(code.title()),
            status: status_of(code).as_u16(),
            code: code.as_str(),
            detail: error.to_string(),
            param: error.param().map(str::to_owned),
            site: Some(site.map(str::to_owned)),
            action: Some(action.map(str::to_owned)),
            retryable: code.retryable(),
            retry_after: error.retry_after().map(scraper_core::breaker::ceil_secs),
            request_id: request_id.to_owned(),
        }
    }

    /// A problem for transport-level refusals that are not scrapes (405, 413, 414, 431, unknown
    /// routes, unreadable requests).
    pub fn transport(
        status: StatusCode,
        code: &'static str,
        detail: &str,
        request_id: &str,
    ) -> Self {
        Self {
            kind: "about:blank",
            title: Cow::Borrowed(status.canonical_reason().unwrap_or("Error")),
            status: status.as_u16(),
            code,
            detail: detail.to_owned(),
            param: None,
            site: None,
            action: None,
            retryable: false,
            retry_after: None,
            request_id: request_id.to_owned(),
        }
    }

    /// The HTTP response: the JSON body, `Retry-After` where known, and the code for the log.
    pub fn to_response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::build(status);
        response.insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")));
        if let Some(after) = self.retry_after {
            response.insert_header((RETRY_AFTER, after.to_string()));
        }
        response.extensions_mut().insert(ErrorCodeTag(self.code));
        response.body(serde_json::to_vec(self).unwrap_or_default())
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response()
    }
}

/// The HTTP response of a scrape error, with `Retry-After` where known.
pub fn problem_response(
    error: &ScrapeError,
    site: Option<&str>,
    action: Option<&str>,
    request_id: &str,
) -> HttpResponse {
    Problem::scrape(error, site, action, request_id).to_response()
}

/// The HTTP response of a transport-level refusal.
pub fn transport_problem(
    status: StatusCode,
    code: &'static str,
    detail: &str,
    request_id: &str,
) -> HttpResponse {
    Problem::transport(status, code, detail, request_id).to_response()
}

/// The error code a response carries, for the access log and content negotiation.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCodeTag(pub &'static str);

/// The id of the request (set by the request-id middleware).
pub fn request_id_of(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn every_code_has_the_status_of_the_api_table() {
        let expected = [
            (ErrorCode::InvalidParams, 400),
            (ErrorCode::Unauthorized, 401),
            (ErrorCode::UnknownSite, 404),
            (ErrorCode::UnknownAction, 404),
            (ErrorCode::NotFound, 404),
            (ErrorCode::Private, 403),
            (ErrorCode::LoginRequired, 502),
            (ErrorCode::Blocked, 502),
            (ErrorCode::UpstreamChanged, 502),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::UpstreamUnavailable, 503),
            (ErrorCode::UpstreamTimeout, 504),
            (ErrorCode::NotConfigured, 503),
            (ErrorCode::Internal, 500),
        ];
        assert_eq!(expected.len(), ErrorCode::ALL.len());
        for (code, status) in expected {
            assert_eq!(status_of(code).as_u16(), status, "{code}");
        }
    }

    #[test]
    fn problem_bodies_carry_code_site_action_and_retry_after() {
        let error = ScrapeError::RateLimited {
            detail: "instagram answered 429 3 times".into(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        let problem = Problem::scrape(&error, Some("instagram"), Some("profile"), "rid-1");
        assert_eq!(
            serde_json::to_value(&problem).unwrap(),
            json!({"type": "about:blank", "title": "Rate limited by upstream", "status": 429, "code": "rate_limited",
                   "detail": "instagram answered 429 3 times", "site": "instagram", "action": "profile",
                   "retryable": true, "retry_after": 2, "request_id": "rid-1"})
        );
        let response = problem.to_response();
        assert_eq!(response.headers().get(RETRY_AFTER).unwrap(), "2");
        assert_eq!(response.status(), 429);
        let invalid = serde_json::to_value(Problem::scrape(
            &ScrapeError::invalid_param("user", "missing required parameter 'user'"),
            None,
            None,
            "r",
        ))
        .unwrap();
        assert_eq!(invalid["param"], "user");
        assert_eq!(invalid["site"], serde_json::Value::Null);
        assert_eq!(invalid["retryable"], false);
        let transport = serde_json::to_value(Problem::transport(
            StatusCode::NOT_FOUND,
            "not_found",
            "no route",
            "r",
        ))
        .unwrap();
        assert!(transport.get("site").is_none());
        assert_eq!(scraper_core::breaker::ceil_secs(Duration::MAX), u64::MAX);
    }
}
