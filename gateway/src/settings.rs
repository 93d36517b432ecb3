//! The gateway's settings, declared once: the [`Settings`] struct below is the single source of
//! every setting's name, type, default, secrecy and description. The loader (`load.rs`: defaults
//! < TOML file < `TECHNO_SCRAPER_*`, `_FILE` for every secret), the docs (`docs.rs`: README
//! tables and `.env.example`) and `/v1/sites` all read it through its JSON Schema.

mod docs;
mod load;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use anyhow::Context as _;
use schemars::JsonSchema;
use scraper_core::{EngineSettings, FieldSpec, HttpSettings, Secret};
use serde::{Deserialize, Serialize};

pub use docs::{SettingRow, env_example, readme_with_tables, setting_rows};
pub use load::Loaded;

/// Environment variables start with this.
pub const ENV_PREFIX: &str = "TECHNO_SCRAPER_";

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Every setting of the gateway (site settings live in each site's settings type).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default)]
pub struct Settings {
    /// Address and port to listen on.
    pub bind: String,
    /// Valid API keys, comma-separated (in a `_FILE`: one per line, `#` comments). None on a loopback bind: one is generated and printed at startup.
    pub api_keys: Vec<Secret>,
    /// A TOML file of settings (environment variables override it).
    pub config: Option<PathBuf>,
    /// text or json.
    pub log_format: LogFormat,
    /// Log filter (RUST_LOG syntax; RUST_LOG itself wins).
    pub log_level: String,
    /// Base URL clients reach us at, for next_url (default: from the request's Host).
    pub public_url: Option<String>,
    /// HTTP worker threads (0: one per CPU core).
    pub workers: usize,
    /// Deadline of one scrape, all upstream requests included.
    pub request_timeout_secs: u64,
    /// Time a client has to send its request head.
    pub client_timeout_secs: u64,
    /// Grace period for in-flight requests on SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Largest POST body accepted.
    pub max_body_bytes: usize,
    /// Longest request path and query accepted.
    pub max_uri_bytes: usize,
    /// Largest total size of request headers accepted.
    pub max_header_bytes: usize,
    /// Memory for cached answers in MiB (0: no cache).
    pub cache_max_mb: u64,
    /// TEST ONLY: send every upstream request to this http://127.0.0.1:PORT, keeping Host, path and query.
    pub upstream_override: Option<String>,
    /// Proxy for upstream requests (http://, https:// or socks5:// URL; may carry a password).
    pub upstream_proxy: Option<Secret>,
    /// Attempts per upstream request, the first included.
    pub upstream_attempts: u32,
    /// Timeout of one upstream attempt.
    pub upstream_attempt_timeout_secs: u64,
    /// Timeout of one upstream connection.
    pub upstream_connect_timeout_secs: u64,
    /// First retry delay before jitter (doubles per retry).
    pub upstream_backoff_ms: u64,
    /// Largest retry delay.
    pub upstream_backoff_max_ms: u64,
    /// Largest upstream answer read, in MiB.
    pub upstream_max_body_mb: usize,
    /// Redirects followed per upstream request.
    pub upstream_max_redirects: usize,
    /// Upstream requests in flight at once per site (0: no limit); more wait their turn.
    pub upstream_concurrency: usize,
    /// User-Agent for upstream requests (default: a current desktop Chrome).
    pub user_agent: Option<String>,
    /// Per-site settings: slug → name → value (`TECHNO_SCRAPER_<SITE>_<NAME>`, `[sites.<site>]`).
    #[schemars(skip)]
    #[serde(skip_serializing)]
    pub sites: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8000".into(),
            api_keys: Vec::new(),
            config: None,
            log_format: LogFormat::Text,
            log_level: "info".into(),
            public_url: None,
            workers: 0,
            request_timeout_secs: 30,
            client_timeout_secs: 10,
            shutdown_timeout_secs: 25,
            max_body_bytes: 64 * 1024,
            max_uri_bytes: 8 * 1024,
            max_header_bytes: 16 * 1024,
            cache_max_mb: 64,
            upstream_override: None,
            upstream_proxy: None,
            upstream_attempts: 3,
            upstream_attempt_timeout_secs: 10,
            upstream_connect_timeout_secs: 5,
            upstream_backoff_ms: 250,
            upstream_backoff_max_ms: 4000,
            upstream_max_body_mb: 10,
            upstream_max_redirects: 5,
            upstream_concurrency: 8,
            user_agent: None,
            sites: BTreeMap::new(),
        }
    }
}

/// The environment variable of a gateway setting.
pub fn env_var(name: &str) -> String {
    format!("{ENV_PREFIX}{}", name.to_ascii_uppercase())
}

/// The gateway's settings as field specs, read off the schema of [`Settings`].
pub fn fields() -> &'static [FieldSpec] {
    static FIELDS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| {
        // The struct's own schema; a failure here is a bug caught by every test.
        scraper_core::spec::fields_of::<Settings>().unwrap_or_default()
    });
    &FIELDS
}

impl Settings {
    /// The engine's settings derived from these.
    pub fn engine(&self) -> anyhow::Result<EngineSettings> {
        let upstream_override = match self
            .upstream_override
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(text) => {
                let url = url::Url::parse(text).with_context(|| {
                    format!("TECHNO_SCRAPER_UPSTREAM_OVERRIDE is not a URL: {text}")
                })?;
                anyhow::ensure!(
                    url.scheme() == "http" && url.host_str().is_some() && url.path() == "/",
                    "TECHNO_SCRAPER_UPSTREAM_OVERRIDE must look like http://127.0.0.1:PORT"
                );
                Some(url)
            }
        };
        anyhow::ensure!(
            self.upstream_attempts >= 1,
            "TECHNO_SCRAPER_UPSTREAM_ATTEMPTS must be at least 1"
        );
        anyhow::ensure!(
            self.request_timeout_secs >= 1,
            "TECHNO_SCRAPER_REQUEST_TIMEOUT_SECS must be at least 1"
        );
        Ok(EngineSettings {
            http: HttpSettings {
                attempt_timeout: Duration::from_secs(self.upstream_attempt_timeout_secs.max(1)),
                connect_timeout: Duration::from_secs(self.upstream_connect_timeout_secs.max(1)),
                max_attempts: self.upstream_attempts,
                backoff_base: Duration::from_millis(self.upstream_backoff_ms),
                backoff_max: Duration::from_millis(
                    self.upstream_backoff_max_ms.max(self.upstream_backoff_ms),
                ),
                max_body_bytes: self.upstream_max_body_mb.saturating_mul(1024 * 1024),
                max_redirects: self.upstream_max_redirects,
                user_agent: self.user_agent.clone().filter(|s| !s.trim().is_empty()),
                upstream_override,
                proxy: self
                    .upstream_proxy
                    .as_ref()
                    .map(|p| p.expose().trim().to_owned())
                    .filter(|s| !s.is_empty()),
                max_concurrent_per_site: self.upstream_concurrency,
            },
            request_deadline: Duration::from_secs(self.request_timeout_secs),
            cache_max_bytes: self.cache_max_mb.saturating_mul(1024 * 1024),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ValueKind;

    #[test]
    fn the_struct_is_the_table() {
        let by = |n: &str| fields().iter().find(|f| f.name == n).unwrap();
        assert_eq!(fields().len(), 25);
        assert_eq!(
            by("bind").default,
            Some(serde_json::json!("127.0.0.1:8000"))
        );
        assert_eq!(by("workers").kind, ValueKind::Integer);
        assert_eq!(
            by("request_timeout_secs").default,
            Some(serde_json::json!(30))
        );
        assert_eq!(by("log_format").allowed, ["text", "json"]);
        assert!(by("api_keys").secret && by("api_keys").kind == ValueKind::List);
        assert!(by("upstream_proxy").secret);
        assert!(!by("user_agent").secret && by("user_agent").default.is_none());
        assert!(fields().iter().all(|f| !f.description.is_empty()));
        assert!(fields().iter().all(|f| f.name != "sites"));
    }

    #[test]
    fn overrides_are_checked() {
        let s = Settings {
            upstream_override: Some("ftp://x".into()),
            ..Settings::default()
        };
        assert!(s.engine().is_err());
        let s = Settings {
            upstream_override: Some("http://127.0.0.1:9300".into()),
            ..Settings::default()
        };
        assert_eq!(
            s.engine().unwrap().http.upstream_override.unwrap().as_str(),
            "http://127.0.0.1:9300/"
        );
    }
}
