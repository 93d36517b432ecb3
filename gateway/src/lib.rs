//! The techno-scraper gateway: an actix-web server that mounts every registered site under
//! `/v1/<site>/<action>` with auth, problem+json errors, request ids and limits, plus the CLI.
//! It has no per-site code: sites come from the registry (see `plugins`).

pub mod app;
pub mod auth;
pub mod catalogue;
pub mod cli;
pub mod docs_page;
pub mod front;
pub mod mcp;
pub mod middleware;
pub mod openapi;
pub mod plugins;
pub mod problem;
pub mod request_id;
pub mod routes;
pub mod settings;
pub mod state;
pub mod telemetry;

pub use app::Application;
pub use settings::Settings;
