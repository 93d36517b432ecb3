//! Errors as `application/problem+json` (RFC 9457) with the API's stable `code`: the one place
//! that knows which HTTP status each code answers with.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use scraper_core::{ErrorCode, ScrapeError};
use serde_json::{Map, Value, json};

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

/// The problem document of a scrape error.
pub fn problem_body(
    error: &ScrapeError,
    site: Option<&str>,
    action: Option<&str>,
    request_id: &str,
) -> Value {
    let code = error.code();
    let mut body = Map::new();
    body.insert("type".into(), json!("about:blank"));
    body.insert("title".into(), json!(code.title()));
    body.insert("status".into(), json!(status_of(code).as_u16()));
    body.insert("code".into(), json!(code.as_str()));
    body.insert("detail".into(), json!(error.to_string()));
    if let Some(param) = error.param() {
        body.insert("param".into(), json!(param));
    }
    body.insert("site".into(), json!(site));
    body.insert("action".into(), json!(action));
    body.insert("retryable".into(), json!(code.retryable()));
    if let Some(after) = error.retry_after() {
        body.insert("retry_after".into(), json!(retry_after_secs(after)));
    }
    body.insert("request_id".into(), json!(request_id));
    Value::Object(body)
}

/// The HTTP response of a scrape error, with `Retry-After` where known.
pub fn problem_response(
    error: &ScrapeError,
    site: Option<&str>,
    action: Option<&str>,
    request_id: &str,
) -> HttpResponse {
    let code = error.code();
    let mut response = HttpResponse::build(status_of(code));
    response.insert_header((
        CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    ));
    if let Some(after) = error.retry_after() {
        response.insert_header((RETRY_AFTER, retry_after_secs(after).to_string()));
    }
    response
        .extensions_mut()
        .insert(ErrorCodeTag(code.as_str()));
    response.body(problem_body(error, site, action, request_id).to_string())
}

/// A problem for transport-level refusals that are not scrapes (405, 413, 414, 431, unknown routes).
pub fn transport_problem(
    status: StatusCode,
    code: &'static str,
    detail: &str,
    request_id: &str,
) -> HttpResponse {
    let body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
        "retryable": false,
        "request_id": request_id,
    });
    let mut response = HttpResponse::build(status);
    response.insert_header((
        CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    ));
    response.extensions_mut().insert(ErrorCodeTag(code));
    response.body(body.to_string())
}

/// The error code a response carries, for the access log.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCodeTag(pub &'static str);

/// Seconds for `Retry-After`, rounded up (a zero wait stays zero).
fn retry_after_secs(after: std::time::Duration) -> u64 {
    after.as_secs() + u64::from(after.subsec_nanos() > 0)
}

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
        let body = problem_body(&error, Some("instagram"), Some("profile"), "rid-1");
        assert_eq!(
            body,
            json!({"type": "about:blank", "title": "Rate limited by upstream", "status": 429, "code": "rate_limited",
                   "detail": "instagram answered 429 3 times", "site": "instagram", "action": "profile",
                   "retryable": true, "retry_after": 2, "request_id": "rid-1"})
        );
        let response = problem_response(&error, None, None, "r");
        assert_eq!(response.headers().get(RETRY_AFTER).unwrap(), "2");
        assert_eq!(
            response.headers().get(CONTENT_TYPE).unwrap(),
            "application/problem+json"
        );
        let invalid = problem_body(
            &ScrapeError::invalid_param("user", "missing required parameter 'user'"),
            None,
            None,
            "r",
        );
        assert_eq!(invalid["param"], "user");
        assert_eq!(invalid["retryable"], false);
    }
}
