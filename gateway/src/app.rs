//! `Application::build`: binds its own listener (port 0 in tests), builds the engine from the
//! registry, prepares the catalogue and documents, and wires routes and middleware.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, Condition, from_fn};
use actix_web::{App, web};
use anyhow::Context as _;
use scraper_core::{Engine, Registration};
use secrecy::SecretString;

use crate::auth::{ApiKeys, require_api_key};
use crate::mcp::http::AllowedHosts;
use crate::routes::{meta, metrics, scrape};
use crate::settings::Settings;
use crate::state::AppState;
use crate::{catalogue, docs_page, mcp, middleware, openapi, request_id};

/// A built, bound, not yet running gateway.
pub struct Application {
    port: u16,
    server: Server,
    generated_key: Option<SecretString>,
    state: web::Data<AppState>,
}

impl Application {
    /// Builds the gateway with every site linked into this binary.
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let regs = scraper_core::registered().map_err(anyhow::Error::msg)?;
        Self::build_with(settings, &regs)
    }

    /// Builds the gateway with the given sites.
    pub fn build_with(settings: Settings, regs: &[&'static Registration]) -> anyhow::Result<Self> {
        let engine = Arc::new(build_engine(&settings, regs)?);
        let key_setup = ApiKeys::setup(&settings)?;
        let settings = Arc::new(settings);
        let openapi = serde_json::to_string_pretty(&openapi::document(&engine)?)
            .context("could not render the OpenAPI document")?;
        let catalogue = serde_json::to_vec(&serde_json::json!({
            "data": catalogue::catalogue(&engine),
            "mcp": catalogue::mcp_entry(&engine),
        }))
        .context("could not render the catalogue")?;
        // MCP: the same engine's actions as tools at /mcp.
        let mcp_hosts = web::Data::new(AllowedHosts::from_settings(&settings));
        let mcp_service = mcp::http::service(
            mcp::Server::new(engine.clone(), settings.public_url.as_deref()),
            &settings,
            &mcp_hosts,
        );
        let state = web::Data::new(AppState {
            catalogue,
            docs: docs_page::render(&engine),
            openapi,
            engine,
            keys: key_setup.keys,
            settings: settings.clone(),
        });
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("could not listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let app_state = state.clone();
        let metrics_open = metrics::is_open(&settings);
        let app = move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(mcp_hosts.clone())
                .wrap(Compress::default())
                .wrap(from_fn(middleware::limits))
                .wrap(from_fn(middleware::problem_content_type))
                .wrap(from_fn(middleware::access_log))
                .wrap(from_fn(middleware::metrics))
                .wrap(from_fn(request_id::assign))
                .route("/health", web::get().to(meta::health))
                .route("/ready", web::get().to(meta::ready))
                .service(
                    web::resource("/metrics")
                        .wrap(Condition::new(!metrics_open, from_fn(require_api_key)))
                        .get(metrics::metrics),
                )
                .route("/openapi.json", web::get().to(meta::openapi))
                .route("/docs", web::get().to(meta::docs))
                .service(
                    web::scope("/v1")
                        .wrap(from_fn(require_api_key))
                        .service(
                            web::resource("/sites")
                                .get(meta::sites)
                                .default_service(web::to(meta::method_not_allowed)),
                        )
                        // `/{site}/{action}` is split by hand: no regular expression per request.
                        .default_service(web::to(scrape::route)),
                )
                .service(mcp::http::scope(mcp_service.clone()))
                .default_service(web::to(meta::not_found))
        };
        // Our own accept loop: every head checked and every body metered before actix's codec
        // sees them, so that its bare refusals never reach a client (see front.rs).
        let server = crate::front::serve(listener, &settings, app)?;
        Ok(Self {
            port,
            server,
            generated_key: key_setup.generated,
            state,
        })
    }

    /// The port the gateway listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The key generated for this run (no key configured, loopback bind).
    pub fn generated_key(&self) -> Option<&SecretString> {
        self.generated_key.as_ref()
    }

    /// The engine (tests, CLI).
    pub fn engine(&self) -> Arc<Engine> {
        self.state.engine.clone()
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM, or the handle).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The engine for these settings and sites. Says loudly when the test override is active.
pub fn build_engine(settings: &Settings, regs: &[&'static Registration]) -> anyhow::Result<Engine> {
    let engine =
        Engine::new(regs, settings.engine()?, &settings.sites).map_err(anyhow::Error::msg)?;
    if let Some(upstream) = engine.http().settings().upstream_override.as_ref() {
        tracing::warn!(
            upstream = %upstream,
            "TECHNO_SCRAPER_UPSTREAM_OVERRIDE IS SET: EVERY UPSTREAM REQUEST GOES TO {upstream} OVER PLAIN HTTP. \
             This is a test hook; never run production like this."
        );
    }
    Ok(engine)
}
