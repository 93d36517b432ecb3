//! `GET /metrics`: the engine's Prometheus metrics (requests, latency, upstream attempts, cache,
//! circuit breakers, process memory and CPU) in the text exposition format. Open on a loopback
//! bind; elsewhere behind the API key unless `metrics_public` opens it (see `app.rs`).

use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// The content type of Prometheus' text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /metrics`.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(TEXT_FORMAT)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(state.engine.render_metrics())
}

/// Whether `/metrics` is served without a key: on a loopback bind, or when the operator says so.
pub fn is_open(settings: &crate::settings::Settings) -> bool {
    settings.metrics_public || crate::auth::is_loopback_bind(&settings.bind)
}
