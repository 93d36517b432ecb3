//! Cross-cutting request handling: the access log (one line per request), the request metrics,
//! and the limits on URI and header size.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::problem::{ErrorCodeTag, request_id_of, transport_problem};
use crate::state::AppState;

/// What a scrape handler tells the access log.
#[derive(Debug, Clone)]
pub struct ScrapeTag {
    /// The site, as asked.
    pub site: String,
    /// The action, as asked.
    pub action: String,
    /// `meta.attempts`.
    pub attempts: u32,
    /// Whether the answer came from the cache.
    pub cached: bool,
}

/// Middleware: one log line per request (method, path, status, duration_ms, site, action,
/// attempts, code, request_id); successful health probes at debug level. The query string and
/// headers are never logged.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let request_id = request_id_of(req.request());
    let result = next.call(req).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (status, scrape, code) = match &result {
        Ok(response) => (
            response.status().as_u16(),
            response.response().extensions().get::<ScrapeTag>().cloned(),
            response
                .response()
                .extensions()
                .get::<ErrorCodeTag>()
                .map(|c| c.0),
        ),
        Err(error) => (
            error.as_response_error().status_code().as_u16(),
            None,
            Some("error"),
        ),
    };
    let (site, action, attempts, cached) = match &scrape {
        Some(tag) => (
            Some(tag.site.as_str()),
            Some(tag.action.as_str()),
            Some(tag.attempts),
            Some(tag.cached),
        ),
        None => (None, None, None, None),
    };
    if status >= 500 {
        tracing::warn!(target: "request", method, path, status, duration_ms, site, action, attempts, cached, code, request_id, "request");
    } else if status == 200 && matches!(path.as_str(), "/health" | "/ready") {
        // Container health checks poll these every few seconds: keep them out of the info log.
        tracing::debug!(target: "request", method, path, status, duration_ms, request_id, "request");
    } else {
        tracing::info!(target: "request", method, path, status, duration_ms, site, action, attempts, cached, code, request_id, "request");
    }
    result.map(ServiceResponse::map_into_boxed_body)
}

/// Middleware: 414 for an overlong URI, 431 for oversized headers, as problem documents; and
/// the answer of a request the front refused (its stand-in, see `front.rs`).
pub async fn limits(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if let Some(refusal) = crate::front::refusal_of(&req) {
        let request_id = request_id_of(req.request());
        return Ok(req.into_response(refusal.response(&request_id)));
    }
    let (max_uri, max_headers) = req
        .app_data::<web::Data<AppState>>()
        .map_or((8192, 16384), |s| {
            (s.settings.max_uri_bytes, s.settings.max_header_bytes)
        });
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let header_len: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    let refusal = if uri_len > max_uri {
        Some((
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request URI is longer than {max_uri} bytes"),
        ))
    } else if header_len > max_headers {
        Some((
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("the request headers are larger than {max_headers} bytes"),
        ))
    } else {
        None
    };
    if let Some((status, code, detail)) = refusal {
        let request_id = request_id_of(req.request());
        return Ok(req.into_response(transport_problem(status, code, &detail, &request_id)));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Middleware: a problem answer is `application/problem+json` when the request's `Accept` names
/// it, and `application/json` otherwise (n8n parses only `application/json` bodies as JSON).
pub async fn problem_content_type(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let wants_problem = req
        .headers()
        .get_all(actix_web::http::header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("application/problem+json"));
    let mut response = next.call(req).await?.map_into_boxed_body();
    if wants_problem
        && response
            .response()
            .extensions()
            .get::<ErrorCodeTag>()
            .is_some()
    {
        response.headers_mut().insert(
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::HeaderValue::from_static("application/problem+json"),
        );
    }
    Ok(response)
}

/// Middleware: every request counted in the metrics by site, action and status, with its
/// latency. Labels are the registered names of the site and action (`""` for requests that are
/// not scrapes, `unknown` for names no site has), never what the client typed.
pub async fn metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let result = next.call(req).await;
    if let Some(state) = state {
        let (status, tag) = match &result {
            Ok(response) => (
                response.status().as_u16(),
                response.response().extensions().get::<ScrapeTag>().cloned(),
            ),
            Err(error) => (error.as_response_error().status_code().as_u16(), None),
        };
        let (site, action) = match &tag {
            None => ("", ""),
            Some(tag) => match state.engine.site(&tag.site) {
                None => ("unknown", "unknown"),
                Some(site) => (
                    site.description().slug,
                    site.description()
                        .action(&tag.action)
                        .map_or("unknown", |a| a.name),
                ),
            },
        };
        state
            .engine
            .metrics()
            .request(site, action, status, started.elapsed().as_secs_f64());
    }
    result.map(ServiceResponse::map_into_boxed_body)
}
