//! What every handler shares: the engine, the keys, the settings, and the documents generated
//! once at startup from the registry (catalogue, OpenAPI, docs page).

use std::sync::Arc;

use scraper_core::Engine;
use serde_json::Value;

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
    /// `GET /v1/sites`, prebuilt.
    pub catalogue: Value,
    /// `GET /openapi.json`, prebuilt.
    pub openapi: String,
    /// `GET /docs`, prebuilt.
    pub docs: String,
}
