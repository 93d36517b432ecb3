//! `GET|POST /v1/{site}/{action}`: turns the request into an engine call, and the engine's
//! answer into the API's envelope or problem document. No per-site code lives here.

use actix_web::http::StatusCode;
use actix_web::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ContentType, VARY,
};
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
    // The body has the client body timeout; the front closes connections slower than that.
    let seconds = state.settings.client_body_timeout_secs.clamp(1, 86_400);
    let due = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut body = web::BytesMut::new();
    loop {
        let chunk = match tokio::time::timeout_at(due, payload.next()).await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) => {
                let detail = format!("the request body did not arrive within {seconds} s");
                let mut response = transport_problem(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    &detail,
                    &request_id,
                );
                response
                    .head_mut()
                    .set_connection_type(actix_web::http::ConnectionType::Close);
                return response;
            }
        };
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

/// Everything under `/v1` but `/sites`: `GET|POST /v1/{site}/{action}`, found by splitting the
/// path — a route pattern would run a regular expression per request, more than the rest of a
/// cached answer's routing costs — else the problem saying what is wrong with the path or method.
pub async fn route(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some((site, action)) = site_and_action(req.path()) else {
        return fallback(req, state).await;
    };
    let path = web::Path::from((site, action));
    match *req.method() {
        actix_web::http::Method::GET => get(req, path, state).await,
        actix_web::http::Method::POST => post(req, path, payload, state).await,
        _ => crate::routes::meta::method_not_allowed(req).await,
    }
}

/// The two segments of `/v1/{site}/{action}`, percent-decoded.
fn site_and_action(path: &str) -> Option<(String, String)> {
    let (site, action) = path.strip_prefix("/v1/")?.split_once('/')?;
    (!site.is_empty() && !action.is_empty() && !action.contains('/'))
        .then(|| (percent_decoded(site), percent_decoded(action)))
}

fn percent_decoded(segment: &str) -> String {
    if !segment.contains('%') {
        return segment.to_owned();
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
            let mut ok = HttpResponse::Ok();
            ok.content_type(ContentType::json());
            // The gzip the cache made once, finished for this request; else the plain bytes
            // (which the Compress middleware may still compress).
            let gzip = accepts_gzip(req)
                .then(|| success.gzip_body(next_url.as_deref()))
                .flatten();
            let response = match gzip {
                Some(body) => ok
                    .insert_header((CONTENT_ENCODING, "gzip"))
                    .insert_header((VARY, "accept-encoding"))
                    .body(body),
                None => ok.body(success.body(next_url.as_deref())),
            };
            (response, attempts, cached)
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

/// Whether the client takes a gzip body (`Accept-Encoding: gzip`, `x-gzip` or `*`, not `q=0`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !refused
                && (coding.eq_ignore_ascii_case("gzip")
                    || coding.eq_ignore_ascii_case("x-gzip")
                    || coding == "*")
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_and_action_are_the_two_segments() {
        let pair = |p: &str| site_and_action(p);
        assert_eq!(
            pair("/v1/bandcamp/search"),
            Some(("bandcamp".into(), "search".into()))
        );
        assert_eq!(
            pair("/v1/band%63amp/s%2Fx"),
            Some(("bandcamp".into(), "s/x".into()))
        );
        assert_eq!(pair("/v1/bad%zz/x%"), Some(("bad%zz".into(), "x%".into())));
        for other in [
            "/v1/bandcamp",
            "/v1/bandcamp/",
            "/v1//search",
            "/v1/a/b/c",
            "/v2/a/b",
        ] {
            assert_eq!(pair(other), None, "{other}");
        }
    }
}
