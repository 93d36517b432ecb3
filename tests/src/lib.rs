//! Helpers for the end-to-end tests: `TestApp::spawn` starts the real gateway on 127.0.0.1:0
//! with its upstream traffic sent to a wiremock server, and a captured log.
//!
//! This crate also registers test-only sites (`testsite`, `lockedsite`) with the same macro the
//! real sites use; it is never linked into the shipped binary.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

pub mod logs;
pub mod testsite;

use std::time::Duration;

use actix_web::dev::ServerHandle;
use gateway::{Application, Settings};
use scraper_core::Secret;
use serde_json::Value;
use wiremock::MockServer;

/// The key every test app accepts.
pub const API_KEY: &str = "test-key-0123456789";
/// A second valid key (rotation).
pub const SECOND_KEY: &str = "second-key-9876543210";

/// Settings for a test app: port 0 on loopback, two keys, fast retries, no cache.
pub fn test_settings(upstream: &str) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        api_keys: vec![Secret::new(API_KEY), Secret::new(SECOND_KEY)],
        workers: 2,
        upstream_override: Some(upstream.to_owned()),
        upstream_backoff_ms: 2,
        upstream_backoff_max_ms: 10,
        upstream_attempt_timeout_secs: 5,
        request_timeout_secs: 10,
        cache_max_mb: 0,
        ..Settings::default()
    }
}

/// A running gateway and its mock upstream. Stopped when dropped.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The mock upstream every site request reaches.
    pub upstream: MockServer,
    /// A client without default headers.
    pub client: reqwest::Client,
    handle: ServerHandle,
}

impl TestApp {
    /// Starts the gateway with the test settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the gateway with the test settings changed by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> Self {
        logs::install();
        let upstream = MockServer::start().await;
        let mut settings = test_settings(&upstream.uri());
        tweak(&mut settings);
        let app = Application::build(settings).expect("the gateway builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            address,
            upstream,
            client,
            handle,
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path` with the API key.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("x-api-key", API_KEY)
            .send()
            .await
            .unwrap()
    }

    /// `GET path` with the API key: status and JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        json_of(self.get(path).await).await
    }

    /// `POST path` with the API key and a JSON body: status and JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("x-api-key", API_KEY)
            .json(body)
            .send()
            .await
            .unwrap();
        json_of(response).await
    }

    /// Stops the gateway gracefully and waits for it.
    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the server also stops when its runtime goes away.
        drop(self.handle.stop(false));
    }
}

/// Status and JSON body of a response.
pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}
