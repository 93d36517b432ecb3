//! The engine: the one path every scrape takes, whether it comes from the HTTP gateway, MCP or
//! the CLI — find the site and action, validate, check configuration, serve from cache or run
//! the action under its deadline with panics contained, and shape the answer.

mod answer;
mod cache;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use futures::FutureExt as _;
use serde_json::Map;
use tokio::time::Instant;

pub use answer::{Call, Failure, Meta, Success};
use cache::{AnswerCache, Cached};

use crate::action::{Invocation, Output};
use crate::context::Context;
use crate::error::ScrapeError;
use crate::http::{HttpClient, HttpSettings};
use crate::paging;
use crate::params::{RawParams, Validated};
use crate::registry::{ActionSpec, Registration, SiteSpec};
use crate::settings::SiteSettings;
use crate::site::{AnyState, SiteDescription};

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

/// A registered site, built with its settings.
pub struct Site {
    /// Its description and types.
    pub spec: SiteSpec,
    /// Its settings.
    pub settings: SiteSettings,
    /// Its state; `None` while required settings are missing.
    state: Option<AnyState>,
}

impl Site {
    /// Its description.
    pub fn description(&self) -> &'static SiteDescription {
        self.spec.description
    }

    /// Whether every required setting is set.
    pub fn is_configured(&self) -> bool {
        self.state.is_some()
    }

    /// The error every action answers while the site is not configured.
    pub fn not_configured(&self) -> Option<ScrapeError> {
        if self.state.is_some() {
            return None;
        }
        let desc = self.description();
        let vars: Vec<_> = self
            .settings
            .missing()
            .iter()
            .map(|m| desc.setting_env_var(m))
            .collect();
        Some(ScrapeError::NotConfigured(format!(
            "{} needs {} to be set",
            desc.slug,
            vars.join(" and ")
        )))
    }
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("slug", &self.description().slug)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Runs scrapes for every registered site.
pub struct Engine {
    sites: Vec<Site>,
    http: HttpClient,
    cache: Option<AnswerCache>,
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

/// A call resolved against the registry.
struct Resolved<'a> {
    site: &'a Site,
    action: &'a ActionSpec,
    params: Validated,
    binding: [u8; 8],
}

impl Engine {
    /// Builds every site of `regs` with its settings (`site_settings`: slug → name → value).
    /// Fails on a malformed registry, settings for an unknown site or setting, a bad value, or a
    /// site whose state cannot be built.
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
            let spec = crate::registry::spec(reg.site)?;
            let given = site_settings.get(reg.site.slug).unwrap_or(&empty);
            let settings = SiteSettings::resolve(reg.site, spec.settings.clone(), given)?;
            let state = if settings.is_configured() {
                Some(
                    (reg.site.build)(settings.to_object())
                        .map_err(|why| format!("{} could not start: {why}", reg.site.slug))?,
                )
            } else {
                None
            };
            sites.push(Site {
                spec,
                settings,
                state,
            });
        }
        sites.sort_by_key(|s| s.description().slug);
        let http = HttpClient::new(settings.http)
            .map_err(|e| format!("the upstream HTTP client could not start: {e}"))?;
        let cache =
            (settings.cache_max_bytes > 0).then(|| AnswerCache::new(settings.cache_max_bytes));
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
        self.sites.iter().find(|s| s.description().slug == slug)
    }

    /// The shared upstream client.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// The deadline of one scrape.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Runs one scrape.
    pub async fn execute(&self, call: Call) -> Result<Success, Failure> {
        let Call {
            site,
            action,
            params,
            request_id,
            bypass_cache,
        } = call;
        let fail = |error: ScrapeError, attempts: u32| Failure {
            error,
            site: Some(site.clone()),
            action: Some(action.clone()),
            attempts,
        };
        let resolved = self
            .resolve(&site, &action, params)
            .map_err(|e| fail(e, 0))?;
        let desc = resolved.site.description();
        let action_desc = resolved.action.description;
        let key = format!(
            "{}/{}?{}",
            desc.slug,
            action_desc.name,
            resolved.params.canonical()
        );
        let cache = self
            .cache
            .as_ref()
            .filter(|_| !action_desc.cache_ttl.is_zero());
        if let (Some(cache), false) = (cache, bypass_cache)
            && let Some(hit) = cache.get(&key).await
        {
            return Ok(Success {
                site: desc,
                action: action_desc,
                params: resolved.params,
                data: hit.data.clone(),
                next_cursor: hit.next_cursor.clone(),
                meta: Meta {
                    site: desc.slug,
                    action: action_desc.name,
                    cached: true,
                    fetched_at: hit.fetched_at.clone(),
                    attempts: 0,
                    upstream_requests: 0,
                    extra: hit.extra.clone(),
                },
            });
        }
        let fetched_at: Arc<str> = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true).into();
        let context = Context::new(
            desc,
            action_desc,
            self.http.clone(),
            Instant::now() + self.deadline,
            request_id.as_str(),
        );
        let outcome = self.run(&resolved, &context).await;
        let attempts = context.stats().attempts();
        let (data, next_cursor, extra) = match outcome {
            Ok(Output::Item(record)) => (Arc::from(record), None, Map::new()),
            Ok(Output::List {
                items, next, meta, ..
            }) => {
                let cursor = next
                    .map(|state| paging::encode(resolved.binding, &state))
                    .transpose()
                    .map_err(|e| {
                        fail(self.internal(desc, action_desc, &request_id, e), attempts)
                    })?;
                (Arc::from(items), cursor, meta)
            }
            Err(e) => {
                return Err(fail(
                    self.internal(desc, action_desc, &request_id, e),
                    attempts,
                ));
            }
        };
        let extra = Arc::new(extra);
        if let Some(cache) = cache {
            let entry = Cached {
                data: Arc::clone(&data),
                next_cursor: next_cursor.clone(),
                extra: extra.clone(),
                fetched_at: fetched_at.clone(),
                ttl: action_desc.cache_ttl,
            };
            cache.insert(key, entry).await;
        }
        Ok(Success {
            site: desc,
            action: action_desc,
            params: resolved.params,
            data,
            next_cursor,
            meta: Meta {
                site: desc.slug,
                action: action_desc.name,
                cached: false,
                fetched_at,
                attempts,
                upstream_requests: context.stats().requests(),
                extra,
            },
        })
    }

    /// Finds the site and the action, validates the parameters and the cursor, and checks that
    /// the site is configured.
    fn resolve(
        &self,
        site: &str,
        action: &str,
        raw: RawParams,
    ) -> Result<Resolved<'_>, ScrapeError> {
        let Some(found) = self.site(site) else {
            let known: Vec<_> = self.sites.iter().map(|s| s.description().slug).collect();
            return Err(ScrapeError::UnknownSite {
                site: site.to_owned(),
                known: known.join(", "),
            });
        };
        let Some(spec) = found.spec.action(action) else {
            let known: Vec<_> = found
                .spec
                .actions
                .iter()
                .map(|a| a.description.name)
                .collect();
            return Err(ScrapeError::UnknownAction {
                site: site.to_owned(),
                action: action.to_owned(),
                known: known.join(", "),
            });
        };
        let params = Validated::validate(&spec.rules, raw)?;
        let binding = paging::binding(site, action, &params.listing());
        if let Some(cursor) = params.cursor() {
            paging::decode(binding, cursor)?;
        }
        if let Some(error) = found.not_configured() {
            return Err(error);
        }
        Ok(Resolved {
            site: found,
            action: spec,
            params,
            binding,
        })
    }

    /// Runs the action under the deadline; a panic or an action that does not return is an error.
    async fn run(&self, resolved: &Resolved<'_>, context: &Context) -> Result<Output, ScrapeError> {
        let state = resolved
            .site
            .state
            .clone()
            .ok_or_else(|| ScrapeError::internal("the site has no state"))?;
        let cursor = resolved
            .params
            .cursor()
            .map(|c| paging::decode(resolved.binding, c))
            .transpose()?;
        let invocation = Invocation {
            cx: context.clone(),
            state,
            params: resolved.params.to_object(),
            limit: resolved.params.limit(),
            cursor,
        };
        let running =
            AssertUnwindSafe((resolved.action.description.run)(invocation)).catch_unwind();
        // The HTTP layer keeps the deadline itself; this catches an action that does not return.
        match tokio::time::timeout(self.deadline + Duration::from_secs(1), running).await {
            Err(_) => Err(ScrapeError::UpstreamTimeout(format!(
                "{} did not finish within the {} s deadline",
                context.site().slug,
                self.deadline.as_secs()
            ))),
            Ok(Err(panic)) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without message".into());
                Err(ScrapeError::Internal(format!(
                    "the action panicked: {message}"
                )))
            }
            Ok(Ok(result)) => result,
        }
    }

    /// Logs an internal error once, with its detail, and answers the client a neutral one.
    fn internal(
        &self,
        site: &SiteDescription,
        action: &crate::ActionDescription,
        request_id: &str,
        error: ScrapeError,
    ) -> ScrapeError {
        match error {
            ScrapeError::Internal(detail) => {
                tracing::error!(site = site.slug, action = action.name, request_id, detail = %detail, "internal error");
                ScrapeError::Internal(
                    "an internal error occurred; the server log has the details under this request_id"
                        .into(),
                )
            }
            other => other,
        }
    }
}
