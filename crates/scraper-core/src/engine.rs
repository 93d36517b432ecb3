//! The engine: the one path every scrape takes, whether it comes from the HTTP gateway or the
//! CLI — find the site and action, validate, check configuration, serve from cache or run the
//! scraper under its deadline with panics contained, and shape the answer.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use futures::FutureExt as _;
use moka::Expiry;
use moka::future::Cache;
use serde::Serialize;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use crate::describe::{ActionDescription, ActionKind, SiteDescription};
use crate::error::ScrapeError;
use crate::http::{HttpClient, HttpSettings};
use crate::params::{Params, RawParams};
use crate::registry::Registration;
use crate::scraper::{Context, Output, Scraper};
use crate::settings::SiteSettings;

/// How the engine runs scrapes.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// The upstream client's behaviour.
    pub http: HttpSettings,
    /// Longest time one scrape may take, all its upstream requests included.
    pub request_deadline: Duration,
    /// Memory for cached answers, in bytes of JSON; 0 turns the cache off.
    pub cache_max_bytes: u64,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            http: HttpSettings::default(),
            request_deadline: Duration::from_secs(30),
            cache_max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A registered site, built and configured.
pub struct Site {
    /// Its description.
    pub description: &'static SiteDescription,
    /// Its settings.
    pub settings: Arc<SiteSettings>,
    scraper: Box<dyn Scraper>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("slug", &self.description.slug)
            .field("settings", &self.settings)
            .finish()
    }
}

/// One scrape asked for.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// The site slug from the request.
    pub site: String,
    /// The action name from the request.
    pub action: String,
    /// The parameters as sent.
    pub params: RawParams,
    /// The request's id, for logs.
    pub request_id: String,
    /// Skip the cache (the client sent `Cache-Control: no-cache`).
    pub bypass_cache: bool,
}

/// `meta` of a successful answer.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The site slug.
    pub site: &'static str,
    /// The action name.
    pub action: &'static str,
    /// Whether the answer came from the cache.
    pub cached: bool,
    /// When the data was fetched upstream (RFC 3339, UTC).
    pub fetched_at: String,
    /// The most attempts any one upstream request needed (1 = no retry).
    pub attempts: u32,
    /// Upstream requests sent for this answer, retries included (0 when cached).
    pub upstream_requests: u32,
    /// Site-specific members (`total_results`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A successful scrape.
#[derive(Debug, Clone)]
pub struct Success {
    /// The site's description.
    pub site: &'static SiteDescription,
    /// The action's description.
    pub action: &'static ActionDescription,
    /// The validated parameters (to build `next_url`).
    pub params: Params,
    /// The record or the list.
    pub data: Value,
    /// The next page's cursor (list actions).
    pub next_cursor: Option<String>,
    /// `meta`.
    pub meta: Meta,
}

impl Success {
    /// The response body of the public API; `next_url` is the absolute URL of the next page.
    /// Consumes the answer, so the data is moved into the body, never copied.
    pub fn into_body(self, next_url: Option<&str>) -> Value {
        let mut body = Map::new();
        body.insert("data".into(), self.data);
        if self.action.kind == ActionKind::List {
            body.insert("next_cursor".into(), json!(self.next_cursor));
            body.insert("next_url".into(), json!(next_url));
        }
        body.insert("meta".into(), json!(self.meta));
        Value::Object(body)
    }
}

/// A failed scrape, with what is known of where it failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Why.
    pub error: ScrapeError,
    /// The site, as asked.
    pub site: Option<String>,
    /// The action, as asked.
    pub action: Option<String>,
    /// The most attempts any one upstream request needed.
    pub attempts: u32,
}

#[derive(Debug)]
struct Cached {
    data: Value,
    next_cursor: Option<String>,
    extra: Map<String, Value>,
    fetched_at: String,
    ttl: Duration,
    weight: u32,
}

struct PerEntryTtl;

impl Expiry<String, Arc<Cached>> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _: &String,
        value: &Arc<Cached>,
        _: std::time::Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// Runs scrapes for every registered site.
pub struct Engine {
    sites: Vec<Site>,
    http: HttpClient,
    cache: Option<Cache<String, Arc<Cached>>>,
    deadline: Duration,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("sites", &self.sites)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Builds every site of `regs` with its settings (`site_settings`: slug → name → value).
    /// Fails on a malformed registry, settings for an unknown site or setting, or a bad value.
    pub fn new(
        regs: &[&'static Registration],
        settings: EngineSettings,
        site_settings: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Result<Self, String> {
        crate::registry::check(regs)?;
        if let Some(unknown) = site_settings
            .keys()
            .find(|slug| !regs.iter().any(|r| r.site.slug == slug.as_str()))
        {
            return Err(format!(
                "settings given for '{unknown}', which is not a registered site"
            ));
        }
        let empty = BTreeMap::new();
        let mut sites = Vec::with_capacity(regs.len());
        for reg in regs {
            let given = site_settings.get(reg.site.slug).unwrap_or(&empty);
            let resolved = Arc::new(SiteSettings::resolve(reg.site, given)?);
            let scraper = (reg.build)(&resolved)
                .map_err(|why| format!("{} could not start: {why}", reg.site.slug))?;
            sites.push(Site {
                description: reg.site,
                settings: resolved,
                scraper,
            });
        }
        sites.sort_by_key(|s| s.description.slug);
        let http = HttpClient::new(settings.http)
            .map_err(|e| format!("the upstream HTTP client could not start: {e}"))?;
        let cache = (settings.cache_max_bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(settings.cache_max_bytes)
                .weigher(|_: &String, v: &Arc<Cached>| v.weight)
                .expire_after(PerEntryTtl)
                .build()
        });
        Ok(Self {
            sites,
            http,
            cache,
            deadline: settings.request_deadline,
        })
    }

    /// The sites, sorted by slug.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// The site with that slug.
    pub fn site(&self, slug: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.description.slug == slug)
    }

    /// The shared upstream client.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Runs one scrape.
    pub async fn execute(&self, call: Call) -> Result<Success, Failure> {
        let Call {
            site: site_name,
            action: action_name,
            params: raw_params,
            request_id,
            bypass_cache,
        } = call;
        let fail = |error: ScrapeError, attempts: u32| Failure {
            error,
            site: Some(site_name.clone()),
            action: Some(action_name.clone()),
            attempts,
        };
        let Some(site) = self.site(&site_name) else {
            let known: Vec<_> = self.sites.iter().map(|s| s.description.slug).collect();
            return Err(fail(
                ScrapeError::UnknownSite {
                    site: site_name.clone(),
                    known: known.join(", "),
                },
                0,
            ));
        };
        let desc = site.description;
        let Some(action) = desc.action(&action_name) else {
            let known: Vec<_> = desc.actions.iter().map(|a| a.name).collect();
            let error = ScrapeError::UnknownAction {
                site: desc.slug.to_owned(),
                action: action_name.clone(),
                known: known.join(", "),
            };
            return Err(fail(error, 0));
        };
        let params = Params::validate(action, raw_params).map_err(|e| fail(e, 0))?;
        let missing = site.settings.missing();
        if !missing.is_empty() {
            let vars: Vec<_> = missing.iter().map(|m| desc.setting_env_var(m)).collect();
            return Err(fail(
                ScrapeError::NotConfigured(format!(
                    "{} needs {} to be set",
                    desc.slug,
                    vars.join(" and ")
                )),
                0,
            ));
        }
        let key = format!("{}/{}?{}", desc.slug, action.name, params.canonical());
        let cache = self.cache.as_ref().filter(|_| !action.cache_ttl.is_zero());
        if let (Some(cache), false) = (cache, bypass_cache)
            && let Some(hit) = cache.get(&key).await
        {
            return Ok(Success {
                site: desc,
                action,
                params,
                data: hit.data.clone(),
                next_cursor: hit.next_cursor.clone(),
                meta: Meta {
                    site: desc.slug,
                    action: action.name,
                    cached: true,
                    fetched_at: hit.fetched_at.clone(),
                    attempts: 0,
                    upstream_requests: 0,
                    extra: hit.extra.clone(),
                },
            });
        }

        let fetched_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let ctx = Context::new(
            desc,
            action,
            self.http.clone(),
            site.settings.clone(),
            Instant::now() + self.deadline,
            request_id.as_str(),
        );
        let run = AssertUnwindSafe(site.scraper.scrape(&ctx, action.name, &params)).catch_unwind();
        // The HTTP layer keeps the deadline itself; this catches a scraper that does not return.
        let outcome = tokio::time::timeout(self.deadline + Duration::from_secs(1), run).await;
        let attempts = ctx.stats().attempts();
        let output = match outcome {
            Err(_) => {
                return Err(fail(
                    ScrapeError::UpstreamTimeout(format!(
                        "{} did not finish within the {} s deadline",
                        desc.slug,
                        self.deadline.as_secs()
                    )),
                    attempts,
                ));
            }
            Ok(Err(panic)) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without message".into());
                tracing::error!(site = desc.slug, action = action.name, request_id = %request_id, panic = %message, "scraper panicked");
                return Err(fail(internal_for_clients(), attempts));
            }
            Ok(Ok(Err(ScrapeError::Internal(detail)))) => {
                tracing::error!(site = desc.slug, action = action.name, request_id = %request_id, detail = %detail, "scraper failed internally");
                return Err(fail(internal_for_clients(), attempts));
            }
            Ok(Ok(Err(e))) => return Err(fail(e, attempts)),
            Ok(Ok(Ok(output))) => output,
        };
        let (data, next_cursor, extra) = match (action.kind, output) {
            (ActionKind::Item, Output::Item(record)) => (record, None, Map::new()),
            (ActionKind::List, Output::List(mut page)) => {
                let limit = params.limit();
                if page.items.len() > limit {
                    tracing::error!(
                        site = desc.slug,
                        action = action.name,
                        got = page.items.len(),
                        limit,
                        "scraper answered more items than the limit; truncated"
                    );
                    page.items.truncate(limit);
                }
                (Value::Array(page.items), page.next_cursor, page.meta)
            }
            (kind, _) => {
                tracing::error!(
                    site = desc.slug,
                    action = action.name,
                    ?kind,
                    "scraper answered the wrong kind of output"
                );
                return Err(fail(internal_for_clients(), attempts));
            }
        };
        if let Some(cache) = cache {
            let weight =
                u32::try_from(serde_json::to_vec(&data).map_or(0, |v| v.len()) + key.len())
                    .unwrap_or(u32::MAX);
            let entry = Cached {
                data: data.clone(),
                next_cursor: next_cursor.clone(),
                extra: extra.clone(),
                fetched_at: fetched_at.clone(),
                ttl: action.cache_ttl,
                weight,
            };
            cache.insert(key, Arc::new(entry)).await;
        }
        Ok(Success {
            site: desc,
            action,
            params,
            data,
            next_cursor,
            meta: Meta {
                site: desc.slug,
                action: action.name,
                cached: false,
                fetched_at,
                attempts,
                upstream_requests: ctx.stats().requests(),
                extra,
            },
        })
    }
}

fn internal_for_clients() -> ScrapeError {
    ScrapeError::Internal(
        "an internal error occurred; the server log has the details under this request_id".into(),
    )
}
