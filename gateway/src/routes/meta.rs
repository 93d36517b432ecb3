//! Routes that are not scrapes: health, readiness, the catalogue, OpenAPI, docs, and the
//! problem answers for unknown routes and wrong methods.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::problem::{request_id_of, transport_problem};
use crate::state::AppState;

/// `GET /health`: the process is alive.
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

/// `GET /ready`: the registry is built and requests are served; each site with its circuit
/// breaker (an open circuit is the upstream's trouble, not ours: still ready).
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let sites: Vec<_> = state
        .engine
        .sites()
        .iter()
        .map(|s| {
            let slug = s.description().slug;
            json!({"slug": slug, "configured": s.is_configured(), "circuit": state.engine.circuit(slug)})
        })
        .collect();
    HttpResponse::Ok().json(json!({"status": "ready", "sites": sites}))
}

/// `GET /v1/sites`: the catalogue, each site with the state of its circuit breaker and the rate
/// its upstream is held to now.
pub async fn sites(state: web::Data<AppState>) -> HttpResponse {
    let mut catalogue: Value = match serde_json::from_slice(&state.catalogue) {
        Ok(value) => value,
        Err(_) => {
            return HttpResponse::Ok()
                .content_type(ContentType::json())
                .body(state.catalogue.clone());
        }
    };
    if let Some(sites) = catalogue.get_mut("data").and_then(Value::as_array_mut) {
        for site in sites.iter_mut().filter_map(Value::as_object_mut) {
            let Some(slug) = site.get("slug").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            site.insert("circuit".into(), json!(state.engine.circuit(&slug)));
            site.insert(
                "rate_limit_per_second".into(),
                json!(state.engine.rate_limit(&slug)),
            );
        }
    }
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(serde_json::to_vec(&catalogue).unwrap_or_default())
}

/// `GET /openapi.json`.
pub async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(state.openapi.clone())
}

/// `GET /docs`, its curl lines with the base URL the client used.
pub async fn docs(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let base = maud::html! { (state.base_url(&req)) }.into_string();
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(state.docs.replace(crate::docs_page::BASE_URL, &base))
}

/// Any route that does not exist.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let detail = format!(
        "no route {}; scrapes are /v1/{{site}}/{{action}}, see /docs",
        req.path()
    );
    transport_problem(
        StatusCode::NOT_FOUND,
        "not_found",
        &detail,
        &request_id_of(&req),
    )
}

/// A method the route does not answer.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let detail = format!("{} is not answered here; use GET or POST", req.method());
    let mut response = transport_problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &detail,
        &request_id_of(&req),
    );
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static("GET, POST"),
    );
    response
}
