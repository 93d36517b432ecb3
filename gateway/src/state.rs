//! What every handler shares: the engine, the keys, the settings, and the documents generated
//! once at startup from the registry (catalogue, OpenAPI, docs page).

use std::sync::Arc;

use actix_web::HttpRequest;
use scraper_core::Engine;

use crate::auth::ApiKeys;
use crate::settings::Settings;

/// Shared application state.
#[derive(Debug)]
pub struct AppState {
    /// Runs the scrapes.
    pub engine: Arc<Engine>,
    /// Valid API keys.
    pub keys: ApiKeys,
    /// The settings the app was built with.
    pub settings: Arc<Settings>,
    /// The body of `GET /v1/sites`, prebuilt.
    pub catalogue: Vec<u8>,
    /// `GET /openapi.json`, prebuilt.
    pub openapi: String,
    /// `GET /docs`, prebuilt.
    pub docs: String,
}

impl AppState {
    /// The base URL clients reach us at: `TECHNO_SCRAPER_PUBLIC_URL`, else the request's own
    /// scheme and host.
    pub fn base_url(&self, req: &HttpRequest) -> String {
        match self
            .settings
            .public_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(public) => public.trim_end_matches('/').to_owned(),
            None => {
                let info = req.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        }
    }
}
