//! `GET|POST /v1/{site}/{action}`: turns the request into an engine call, and the engine's
//! answer into the API's envelope or problem document. No per-site code lives here.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, ContentType};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures::StreamExt as _;
use scraper_core::{Call, RawParams, ScrapeError, Success};

use crate::middleware::ScrapeTag;
use crate::problem::{problem_response, request_id_of, transport_problem};
use crate::state::AppState;

/// `GET /v1/{site}/{action}?params`.
pub async fn get(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (site, action) = path.into_inner();
    match RawParams::from_query(req.query_string()) {
        Ok(params) => run(&req, &state, site, action, params).await,
        Err(e) => problem_response(&e, Some(&site), Some(&action), &request_id_of(&req)),
    }
}

/// `POST /v1/{site}/{action}` with a JSON object (or a form) of params; query params may join them.
pub async fn post(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (site, action) = path.into_inner();
    let request_id = request_id_of(&req);
    let limit = state.settings.max_body_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return transport_problem(
                StatusCode::BAD_REQUEST,
                "invalid_params",
                "the request body could not be read",
                &request_id,
            );
        };
        if body.len() + chunk.len() > limit {
            let detail = format!("the request body is larger than {limit} bytes");
            return transport_problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                &detail,
                &request_id,
            );
        }
        body.extend_from_slice(&chunk);
    }
    let is_form = req
        .content_type()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded");
    let params = if is_form {
        std::str::from_utf8(&body)
            .map_err(|_| ScrapeError::invalid_param("body", "the form body is not UTF-8"))
            .and_then(RawParams::from_query)
    } else {
        RawParams::from_json_body(&body)
    };
    let params = params.and_then(|mut params| {
        params.merge(RawParams::from_query(req.query_string())?)?;
        Ok(params)
    });
    match params {
        Ok(params) => run(&req, &state, site, action, params).await,
        Err(e) => problem_response(&e, Some(&site), Some(&action), &request_id),
    }
}

/// Anything under `/v1` that is not `/{site}/{action}`: say which of site or action is wrong.
pub async fn fallback(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let request_id = request_id_of(&req);
    let segments: Vec<&str> = req
        .path()
        .trim_start_matches("/v1")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let site = segments.first().copied().unwrap_or_default();
    let error = match state.engine.site(site) {
        None => {
            let known: Vec<_> = state
                .engine
                .sites()
                .iter()
                .map(|s| s.description().slug)
                .collect();
            ScrapeError::UnknownSite {
                site: site.to_owned(),
                known: known.join(", "),
            }
        }
        Some(found) => {
            let known: Vec<_> = found.description().actions.iter().map(|a| a.name).collect();
            ScrapeError::UnknownAction {
                site: site.to_owned(),
                action: segments[1..].join("/"),
                known: known.join(", "),
            }
        }
    };
    problem_response(&error, Some(site), None, &request_id)
}

async fn run(
    req: &HttpRequest,
    state: &AppState,
    site: String,
    action: String,
    params: RawParams,
) -> HttpResponse {
    let request_id = request_id_of(req);
    let bypass_cache = req
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("no-cache"));
    let call = Call {
        site: site.clone(),
        action: action.clone(),
        params,
        request_id: request_id.clone(),
        bypass_cache,
    };
    let outcome = state.engine.execute(call).await;
    let (mut response, attempts, cached) = match outcome {
        Ok(success) => {
            let next_url = success
                .next_cursor
                .as_deref()
                .map(|cursor| next_url(req, state, &success, cursor));
            let (attempts, cached) = (success.meta.attempts, success.meta.cached);
            (
                HttpResponse::Ok()
                    .content_type(ContentType::json())
                    .body(success.to_body(next_url.as_deref())),
                attempts,
                cached,
            )
        }
        Err(failure) => {
            let response = problem_response(
                &failure.error,
                failure.site.as_deref(),
                failure.action.as_deref(),
                &request_id,
            );
            (response, failure.attempts, false)
        }
    };
    response.extensions_mut().insert(ScrapeTag {
        site,
        action,
        attempts,
        cached,
    });
    response
}

/// The absolute URL of the next page: the same action and parameters with the new cursor.
fn next_url(req: &HttpRequest, state: &AppState, success: &Success, cursor: &str) -> String {
    let base = state.base_url(req);
    format!(
        "{base}/v1/{}/{}?{}",
        success.site.slug,
        success.action.name,
        success.params.query_with_cursor(cursor)
    )
}
