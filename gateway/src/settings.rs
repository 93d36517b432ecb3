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
use scraper_core::breaker::BreakerSettings;
use scraper_core::ratelimit::RetryBudgetSettings;
use scraper_core::{EngineSettings, FieldSpec, GuardSettings, HttpSettings, Secret};
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
    /// Log filter (RUST_LOG syntax; RUST_LOG itself wins). The default keeps the MCP SDK's per-message lines (rmcp) out.
    pub log_level: String,
    /// Base URL clients reach us at, for next_url (default: from the request's Host).
    pub public_url: Option<String>,
    /// Host names (or host:port) /mcp answers besides loopback, the bind address and the public URL's host, comma-separated; `*` accepts any Host (DNS-rebinding check off). Default: gateway, the compose service name n8n reaches us by.
    pub mcp_allowed_hosts: Vec<String>,
    /// HTTP worker threads (0: one per CPU core).
    pub workers: usize,
    /// Deadline of one scrape, all upstream requests included.
    pub request_timeout_secs: u64,
    /// Time a client has to send its request head (a late head answers 408 and closes its connection).
    pub client_timeout_secs: u64,
    /// Time a client has to send a request body; a body still arriving then costs its connection (a scrape's POST answers 408 first).
    pub client_body_timeout_secs: u64,
    /// Bytes per second a request body must keep up after its first 2 seconds: each this many bytes buy one more second, up to client_body_timeout_secs, and a slower body closes its connection (0: no minimum).
    pub client_body_min_rate: u64,
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
    /// Proxy for upstream requests: an http://, https://, socks5:// or socks5h:// URL (may carry a password; another scheme stops the service at startup). Its host may be a private name such as a compose sidecar (http://squid:3128): the public-only address rule applies to the targets, which the proxy resolves and must itself keep off private networks (with socks5:// we resolve them, public addresses only).
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
    /// Memory all upstream answers held at once may take, in MiB (0: no limit): an answer waits for its share within its deadline, one larger than all of it is refused. With the other defaults it keeps the worst case under compose.yaml's 256 MB: about 30 MB of process, the answer cache (cache_max_mb) and this budget, with room to parse those answers.
    pub upstream_body_budget_mb: usize,
    /// Redirects followed per upstream request.
    pub upstream_max_redirects: usize,
    /// Upstream requests in flight at once per site (0: no limit); more wait their turn.
    pub upstream_concurrency: usize,
    /// User-Agent for upstream requests (default: a current desktop Chrome).
    pub user_agent: Option<String>,
    /// Upstream requests per second per site, over the sites' own defaults: comma-separated site=rate (instagram=0.5,songstats=2; fractions allowed; 0 lifts a site's limit). Requests beyond the rate wait, within their deadline.
    pub upstream_rate_limits: Vec<String>,
    /// Retries a site may spend, in percent of its first attempts (plus one per second), so that a burst of failures is not multiplied by the attempt count.
    pub upstream_retry_budget_percent: u32,
    /// Consecutive upstream failures (5xx, connection errors, timeouts; not 404) that open a site's circuit breaker (0: never): requests then fail at once with upstream_unavailable.
    pub circuit_failures: u32,
    /// How long an open circuit refuses requests before one probe may go; each failed probe doubles it, up to eight times.
    pub circuit_cooldown_secs: u64,
    /// Serve GET /metrics (Prometheus) without an API key on any bind; it is open on a loopback bind anyway.
    pub metrics_public: bool,
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
            log_level: "info,rmcp=warn".into(),
            public_url: None,
            mcp_allowed_hosts: vec!["gateway".into()],
            workers: 0,
            request_timeout_secs: 30,
            client_timeout_secs: 10,
            client_body_timeout_secs: 10,
            client_body_min_rate: 1024,
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
            upstream_body_budget_mb: 48,
            upstream_max_redirects: 5,
            upstream_concurrency: 8,
            user_agent: None,
            upstream_rate_limits: Vec::new(),
            upstream_retry_budget_percent: 20,
            circuit_failures: 5,
            circuit_cooldown_secs: 30,
            metrics_public: false,
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
                body_budget_bytes: self.upstream_body_budget_mb.saturating_mul(1024 * 1024),
            },
            request_deadline: Duration::from_secs(self.request_timeout_secs),
            cache_max_bytes: self.cache_max_mb.saturating_mul(1024 * 1024),
            guards: GuardSettings {
                breaker: BreakerSettings {
                    failures: self.circuit_failures,
                    cooldown: Duration::from_secs(self.circuit_cooldown_secs.max(1)),
                },
                retry_budget: RetryBudgetSettings {
                    ratio: f64::from(self.upstream_retry_budget_percent) / 100.0,
                    ..RetryBudgetSettings::default()
                },
                rate_limits: rate_limits(&self.upstream_rate_limits)?,
            },
        })
    }
}

/// `site=rate` items (TECHNO_SCRAPER_UPSTREAM_RATE_LIMITS) as a map; unknown sites are refused
/// by the engine, which knows them.
fn rate_limits(items: &[String]) -> anyhow::Result<BTreeMap<String, f64>> {
    let mut limits = BTreeMap::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        let parsed = item.split_once('=').and_then(|(site, rate)| {
            let rate: f64 = rate.trim().parse().ok()?;
            (rate.is_finite() && rate >= 0.0).then(|| (site.trim().to_ascii_lowercase(), rate))
        });
        let Some((site, rate)) = parsed else {
            anyhow::bail!(
                "TECHNO_SCRAPER_UPSTREAM_RATE_LIMITS: '{item}' is not site=rate (requests per second, 0 for none)"
            );
        };
        limits.insert(site, rate);
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ValueKind;

    #[test]
    fn the_struct_is_the_table() {
        let by = |n: &str| fields().iter().find(|f| f.name == n).unwrap();
        assert_eq!(fields().len(), 34);
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
        assert_eq!(by("mcp_allowed_hosts").kind, ValueKind::List);
        assert_eq!(
            by("mcp_allowed_hosts").default,
            Some(serde_json::json!(["gateway"]))
        );
        assert!(fields().iter().all(|f| !f.description.is_empty()));
        assert!(fields().iter().all(|f| f.name != "sites"));
    }

    #[test]
    fn rate_limits_are_site_equals_rate() {
        let s = Settings {
            upstream_rate_limits: vec![
                "Instagram=0.5".into(),
                " songstats = 2 ".into(),
                String::new(),
            ],
            ..Settings::default()
        };
        let limits = s.engine().unwrap().guards.rate_limits;
        assert_eq!(limits.len(), 2);
        assert!((limits["instagram"] - 0.5).abs() < f64::EPSILON);
        assert!((limits["songstats"] - 2.0).abs() < f64::EPSILON);
        for bad in [
            "instagram",
            "instagram=fast",
            "instagram=-1",
            "instagram=inf",
        ] {
            let s = Settings {
                upstream_rate_limits: vec![bad.into()],
                ..Settings::default()
            };
            let err = s.engine().unwrap_err().to_string();
            assert!(err.contains("site=rate"), "{bad}: {err}");
        }
        let guards = Settings::default().engine().unwrap().guards;
        assert_eq!(guards.breaker.failures, 5);
        assert!((guards.retry_budget.ratio - 0.2).abs() < f64::EPSILON);
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
