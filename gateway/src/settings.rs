//! Settings: built-in defaults < an optional TOML file (`TECHNO_SCRAPER_CONFIG`) < environment
//! (`TECHNO_SCRAPER_*`, per site `TECHNO_SCRAPER_<SITE>_<NAME>`), read with the `config` crate.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use scraper_core::{EngineSettings, HttpSettings, SiteDescription};
use secrecy::SecretString;
use serde::Deserialize;

/// Environment variables start with this.
pub const ENV_PREFIX: &str = "TECHNO_SCRAPER_";

/// One documented setting: its name (env var = prefix + uppercase name), default and meaning.
#[derive(Debug)]
pub struct SettingDoc {
    /// The key in the TOML file; the environment variable is `TECHNO_SCRAPER_<NAME>`.
    pub name: &'static str,
    /// The default, as text (empty: unset).
    pub default: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// Every gateway setting, as README and `.env.example` list them (a test keeps them in step).
pub const SETTINGS: &[SettingDoc] = &[
    SettingDoc {
        name: "bind",
        default: "127.0.0.1:8000",
        description: "Address and port to listen on.",
    },
    SettingDoc {
        name: "api_keys",
        default: "",
        description: "Valid API keys, comma-separated. None on a loopback bind: one is generated and printed at startup.",
    },
    SettingDoc {
        name: "api_keys_file",
        default: "",
        description: "A file of API keys, one per line (# comments); added to api_keys.",
    },
    SettingDoc {
        name: "config",
        default: "",
        description: "A TOML file of settings (environment variables override it).",
    },
    SettingDoc {
        name: "log_format",
        default: "text",
        description: "text or json.",
    },
    SettingDoc {
        name: "log_level",
        default: "info",
        description: "Log filter (RUST_LOG syntax; RUST_LOG itself wins).",
    },
    SettingDoc {
        name: "public_url",
        default: "",
        description: "Base URL clients reach us at, for next_url (default: from the request's Host).",
    },
    SettingDoc {
        name: "workers",
        default: "0",
        description: "HTTP worker threads (0: one per CPU core).",
    },
    SettingDoc {
        name: "request_timeout_secs",
        default: "30",
        description: "Deadline of one scrape, all upstream requests included.",
    },
    SettingDoc {
        name: "client_timeout_secs",
        default: "10",
        description: "Time a client has to send its request head.",
    },
    SettingDoc {
        name: "shutdown_timeout_secs",
        default: "25",
        description: "Grace period for in-flight requests on SIGTERM.",
    },
    SettingDoc {
        name: "max_body_bytes",
        default: "65536",
        description: "Largest POST body accepted.",
    },
    SettingDoc {
        name: "max_uri_bytes",
        default: "8192",
        description: "Longest request path and query accepted.",
    },
    SettingDoc {
        name: "max_header_bytes",
        default: "16384",
        description: "Largest total size of request headers accepted.",
    },
    SettingDoc {
        name: "cache_max_mb",
        default: "64",
        description: "Memory for cached answers in MiB (0: no cache).",
    },
    SettingDoc {
        name: "upstream_override",
        default: "",
        description: "TEST ONLY: send every upstream request to this http://127.0.0.1:PORT, keeping Host, path and query.",
    },
    SettingDoc {
        name: "upstream_proxy",
        default: "",
        description: "Proxy for upstream requests (http://, https:// or socks5:// URL).",
    },
    SettingDoc {
        name: "upstream_attempts",
        default: "3",
        description: "Attempts per upstream request, the first included.",
    },
    SettingDoc {
        name: "upstream_attempt_timeout_secs",
        default: "10",
        description: "Timeout of one upstream attempt.",
    },
    SettingDoc {
        name: "upstream_connect_timeout_secs",
        default: "5",
        description: "Timeout of one upstream connection.",
    },
    SettingDoc {
        name: "upstream_backoff_ms",
        default: "250",
        description: "First retry delay before jitter (doubles per retry).",
    },
    SettingDoc {
        name: "upstream_backoff_max_ms",
        default: "4000",
        description: "Largest retry delay.",
    },
    SettingDoc {
        name: "upstream_max_body_mb",
        default: "10",
        description: "Largest upstream answer read, in MiB.",
    },
    SettingDoc {
        name: "upstream_max_redirects",
        default: "5",
        description: "Redirects followed per upstream request.",
    },
    SettingDoc {
        name: "upstream_concurrency",
        default: "8",
        description: "Upstream requests in flight at once per site (0: no limit); more wait their turn.",
    },
    SettingDoc {
        name: "user_agent",
        default: "",
        description: "User-Agent for upstream requests (default: a current desktop Chrome).",
    },
];

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Every setting of the gateway.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address and port to listen on.
    pub bind: String,
    /// Valid API keys.
    pub api_keys: Vec<SecretString>,
    /// A file of API keys.
    pub api_keys_file: Option<PathBuf>,
    /// text or json.
    pub log_format: LogFormat,
    /// Log filter.
    pub log_level: String,
    /// Base URL for next_url.
    pub public_url: Option<String>,
    /// HTTP worker threads (0: per core).
    pub workers: usize,
    /// Deadline of one scrape.
    pub request_timeout_secs: u64,
    /// Time to send a request head.
    pub client_timeout_secs: u64,
    /// Grace period on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Largest POST body.
    pub max_body_bytes: usize,
    /// Longest path and query.
    pub max_uri_bytes: usize,
    /// Largest total header size.
    pub max_header_bytes: usize,
    /// Cache memory in MiB.
    pub cache_max_mb: u64,
    /// Test hook: every upstream request goes here.
    pub upstream_override: Option<String>,
    /// Upstream proxy.
    pub upstream_proxy: Option<String>,
    /// Attempts per upstream request.
    pub upstream_attempts: u32,
    /// Timeout of one attempt.
    pub upstream_attempt_timeout_secs: u64,
    /// Timeout of one connection.
    pub upstream_connect_timeout_secs: u64,
    /// First retry delay.
    pub upstream_backoff_ms: u64,
    /// Largest retry delay.
    pub upstream_backoff_max_ms: u64,
    /// Largest upstream answer in MiB.
    pub upstream_max_body_mb: usize,
    /// Redirects followed.
    pub upstream_max_redirects: usize,
    /// Requests in flight per site.
    pub upstream_concurrency: usize,
    /// Upstream User-Agent.
    pub user_agent: Option<String>,
    /// Per-site settings: slug → name → value.
    pub sites: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8000".into(),
            api_keys: Vec::new(),
            api_keys_file: None,
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

/// Settings and the warnings met while reading them (logged once logging is set up).
#[derive(Debug)]
pub struct Loaded {
    /// The settings.
    pub settings: Settings,
    /// Unknown `TECHNO_SCRAPER_*` variables, likely typos.
    pub warnings: Vec<String>,
}

impl Settings {
    /// Reads the settings from the process environment, for the given sites.
    pub fn load(sites: &[&SiteDescription]) -> anyhow::Result<Loaded> {
        Self::load_from(&std::env::vars().collect(), sites)
    }

    /// Reads the settings from `env` (variable → value), for the given sites.
    pub fn load_from(
        env: &HashMap<String, String>,
        sites: &[&SiteDescription],
    ) -> anyhow::Result<Loaded> {
        let mut builder = config::Config::builder();
        if let Some(path) = env
            .get("TECHNO_SCRAPER_CONFIG")
            .filter(|p| !p.trim().is_empty())
        {
            builder = builder.add_source(
                config::File::from(std::path::Path::new(path))
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        let mut general = HashMap::new();
        let mut warnings = Vec::new();
        for (var, value) in env {
            let Some(name) = var.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if let Some((site, setting)) = site_setting(sites, var) {
                builder = builder
                    .set_override(format!("sites.{site}.{setting}"), value.as_str())
                    .context("could not apply a site setting")?;
            } else if SETTINGS.iter().any(|s| s.name == lower) {
                if lower != "config" {
                    general.insert(var.clone(), value.clone());
                }
            } else {
                warnings.push(format!("{var} is not a setting of techno-scraper; ignored"));
            }
        }
        builder = builder.add_source(
            config::Environment::with_prefix("TECHNO_SCRAPER")
                .prefix_separator("_")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("api_keys")
                .source(Some(general.into_iter().collect())),
        );
        let settings: Settings = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .context("invalid settings")?;
        warnings.sort();
        Ok(Loaded { settings, warnings })
    }

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
                proxy: self.upstream_proxy.clone().filter(|s| !s.trim().is_empty()),
                max_concurrent_per_site: self.upstream_concurrency,
            },
            request_deadline: Duration::from_secs(self.request_timeout_secs),
            cache_max_bytes: self.cache_max_mb.saturating_mul(1024 * 1024),
        })
    }
}

/// `(slug, setting)` when `var` is `TECHNO_SCRAPER_<SLUG>_<SETTING>` of a known site setting.
fn site_setting(sites: &[&SiteDescription], var: &str) -> Option<(&'static str, &'static str)> {
    sites.iter().find_map(|site| {
        site.settings
            .iter()
            .find(|s| site.setting_env_var(s.name) == var)
            .map(|s| (site.slug, s.name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::Setting;
    use secrecy::ExposeSecret;

    static SITE: SiteDescription = SiteDescription::new(
        "songstats",
        "Songstats",
        "https://songstats.com",
        &["api.songstats.com"],
        &[],
    )
    .settings(&[Setting::new("api_key", "key").required().secret()]);

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_match_the_documented_table() {
        let loaded = Settings::load_from(&env(&[]), &[&SITE]).unwrap();
        let s = loaded.settings;
        let d = Settings::default();
        assert_eq!(s.bind, d.bind);
        let documented: HashMap<_, _> = SETTINGS.iter().map(|s| (s.name, s.default)).collect();
        assert_eq!(documented["bind"], s.bind);
        assert_eq!(documented["log_level"], s.log_level);
        assert_eq!(
            documented["request_timeout_secs"],
            s.request_timeout_secs.to_string()
        );
        assert_eq!(
            documented["client_timeout_secs"],
            s.client_timeout_secs.to_string()
        );
        assert_eq!(
            documented["shutdown_timeout_secs"],
            s.shutdown_timeout_secs.to_string()
        );
        assert_eq!(documented["max_body_bytes"], s.max_body_bytes.to_string());
        assert_eq!(documented["max_uri_bytes"], s.max_uri_bytes.to_string());
        assert_eq!(
            documented["max_header_bytes"],
            s.max_header_bytes.to_string()
        );
        assert_eq!(documented["cache_max_mb"], s.cache_max_mb.to_string());
        assert_eq!(documented["workers"], s.workers.to_string());
        assert_eq!(
            documented["upstream_attempts"],
            s.upstream_attempts.to_string()
        );
        assert_eq!(
            documented["upstream_attempt_timeout_secs"],
            s.upstream_attempt_timeout_secs.to_string()
        );
        assert_eq!(
            documented["upstream_connect_timeout_secs"],
            s.upstream_connect_timeout_secs.to_string()
        );
        assert_eq!(
            documented["upstream_backoff_ms"],
            s.upstream_backoff_ms.to_string()
        );
        assert_eq!(
            documented["upstream_backoff_max_ms"],
            s.upstream_backoff_max_ms.to_string()
        );
        assert_eq!(
            documented["upstream_max_body_mb"],
            s.upstream_max_body_mb.to_string()
        );
        assert_eq!(
            documented["upstream_max_redirects"],
            s.upstream_max_redirects.to_string()
        );
        assert_eq!(documented["log_format"], "text");
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn environment_beats_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.toml");
        std::fs::write(
            &file,
            "bind = \"127.0.0.1:9000\"\nworkers = 3\nlog_format = \"json\"\n[sites.songstats]\napi_key = \"from-file\"\n",
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let loaded =
            Settings::load_from(&env(&[("TECHNO_SCRAPER_CONFIG", path)]), &[&SITE]).unwrap();
        assert_eq!(loaded.settings.bind, "127.0.0.1:9000");
        assert_eq!(loaded.settings.workers, 3);
        assert_eq!(loaded.settings.log_format, LogFormat::Json);
        assert_eq!(loaded.settings.sites["songstats"]["api_key"], "from-file");

        let loaded = Settings::load_from(
            &env(&[
                ("TECHNO_SCRAPER_CONFIG", path),
                ("TECHNO_SCRAPER_BIND", "0.0.0.0:8000"),
                ("TECHNO_SCRAPER_SONGSTATS_API_KEY", "from-env"),
                ("TECHNO_SCRAPER_API_KEYS", "k1,12345,k3"),
                ("TECHNO_SCRAPER_UPSTREAM_ATTEMPTS", "5"),
                ("TECHNO_SCRAPER_BIDN", "typo"),
            ]),
            &[&SITE],
        )
        .unwrap();
        let s = loaded.settings;
        assert_eq!(s.bind, "0.0.0.0:8000");
        assert_eq!(
            s.workers, 3,
            "file values stay where the environment is silent"
        );
        assert_eq!(s.sites["songstats"]["api_key"], "from-env");
        let keys: Vec<_> = s
            .api_keys
            .iter()
            .map(|k| k.expose_secret().to_owned())
            .collect();
        assert_eq!(keys, ["k1", "12345", "k3"]);
        assert_eq!(s.upstream_attempts, 5);
        assert_eq!(
            loaded.warnings,
            ["TECHNO_SCRAPER_BIDN is not a setting of techno-scraper; ignored"]
        );
        assert!(
            !format!("{s:?}").contains("k1"),
            "keys never appear in Debug output"
        );
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let err =
            Settings::load_from(&env(&[("TECHNO_SCRAPER_WORKERS", "many")]), &[]).unwrap_err();
        assert!(format!("{err:#}").contains("workers"), "{err:#}");
        let err = Settings::load_from(
            &env(&[("TECHNO_SCRAPER_CONFIG", "/nonexistent/x.toml")]),
            &[],
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("/nonexistent/x.toml"),
            "{err:#}"
        );
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
