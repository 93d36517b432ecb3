//! The engine: the one path every scrape takes, whether it comes from the HTTP gateway, MCP or
//! the CLI — find the site and action, validate, check configuration, serve from cache, share a
//! scrape in flight for the same question or start one (refused at once while the site's circuit
//! is open, admitted among the site's scrapes running at once), run the action under its
//! deadline with panics contained, and write the answer once.

mod answer;
mod cache;
mod flight;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use futures::FutureExt as _;
use serde_json::{Map, Value};
use tokio::time::Instant;

pub use answer::{Call, Data, Failure, Meta, Success};
use cache::{AnswerCache, Cached};
use flight::{Boarding, Flights, Landed, Outcome};

use crate::action::{ActionDescription, Invocation, Output};
use crate::breaker::CircuitStatus;
use crate::context::Context;
use crate::error::{ErrorCode, ScrapeError};
use crate::guard::{GuardSettings, Guards};
use crate::http::{FetchError, HttpClient, HttpSettings};
use crate::metrics::{CacheResult, Metrics};
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
    /// Circuit breakers, rate limits and retry budgets per site.
    pub guards: GuardSettings,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            http: HttpSettings::default(),
            request_deadline: Duration::from_secs(30),
            cache_max_bytes: 64 * 1024 * 1024,
            guards: GuardSettings::default(),
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
    flights: Arc<Flights>,
    guards: Arc<Guards>,
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
        let metrics =
            Metrics::new().map_err(|e| format!("the metrics could not be registered: {e}"))?;
        let descriptions: Vec<_> = sites.iter().map(Site::description).collect();
        let guards = Arc::new(Guards::new(
            &descriptions,
            &settings.guards,
            settings.http.max_concurrent_per_site,
            metrics,
        )?);
        let http = HttpClient::new(settings.http)
            .map_err(|e| format!("the upstream HTTP client could not start: {e}"))?
            .with_guards(guards.clone());
        let cache =
            (settings.cache_max_bytes > 0).then(|| AnswerCache::new(settings.cache_max_bytes));
        Ok(Self {
            sites,
            http,
            cache,
            flights: Arc::default(),
            guards,
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

    /// The metrics (the gateway adds its requests to them and serves them).
    pub fn metrics(&self) -> &Metrics {
        &self.guards.metrics
    }

    /// Every metric in Prometheus' text format, the circuits' gauges brought up to date.
    pub fn render_metrics(&self) -> String {
        self.guards.refresh();
        self.guards.metrics.render()
    }

    /// The state of a site's circuit breaker.
    pub fn circuit(&self, slug: &str) -> Option<CircuitStatus> {
        self.guards.site(slug).map(|g| g.breaker.status())
    }

    /// The requests per second a site is held to, when it is.
    pub fn rate_limit(&self, slug: &str) -> Option<f64> {
        self.guards
            .site(slug)
            .and_then(|g| g.rate.as_ref())
            .map(crate::ratelimit::RateLimit::per_second)
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
        let metrics = &self.guards.metrics;
        let cache = self
            .cache
            .as_ref()
            .filter(|_| !action_desc.cache_ttl.is_zero());
        if let (Some(cache), false) = (cache, bypass_cache)
            && let Some(hit) = cache.get(&key).await
        {
            metrics.cache(desc.slug, action_desc.name, CacheResult::Hit);
            return match &*hit {
                Cached::Answer {
                    envelope,
                    next_cursor,
                    meta,
                    ..
                } => Ok(Success {
                    site: desc,
                    action: action_desc,
                    params: resolved.params,
                    data: envelope.data(),
                    next_cursor: next_cursor.clone(),
                    meta: meta.clone(),
                    envelope: envelope.clone(),
                }),
                Cached::Failure { error, .. } => Err(fail(error.clone(), 0)),
            };
        }
        if let Some(refusal) = self
            .guards
            .site(desc.slug)
            .and_then(|g| g.breaker.refusing())
        {
            let error = FetchError::CircuitOpen {
                site: desc.slug,
                failures: refusal.failures,
                retry_after: refusal.retry_after,
            };
            return Err(fail(error.into(), 0));
        }
        let (flight, joined) = self.flights.join_or_start(&key, bypass_cache, |boarding| {
            let scrape = Scrape {
                key: key.clone(),
                cache: cache.cloned(),
                fresh: bypass_cache,
                request_id: request_id.clone(),
            };
            self.scrape(&resolved, scrape, boarding)
        });
        metrics.cache(
            desc.slug,
            action_desc.name,
            if joined {
                CacheResult::Coalesced
            } else {
                CacheResult::Miss
            },
        );
        if joined {
            tracing::debug!(
                site = desc.slug,
                action = action_desc.name,
                request_id,
                "joined a scrape in flight"
            );
        }
        let landed = flight.await?;
        Ok(Success {
            site: desc,
            action: action_desc,
            params: resolved.params,
            data: landed.envelope.data(),
            next_cursor: landed.next_cursor.clone(),
            meta: landed.meta.clone(),
            envelope: landed.envelope.clone(),
        })
    }

    /// The scrape of a resolved call, as a future its requests can share: admitted among the
    /// site's scrapes, run, written once, and kept by the cache when it may be.
    fn scrape(
        &self,
        resolved: &Resolved<'_>,
        scrape: Scrape,
        boarding: Boarding,
    ) -> futures::future::BoxFuture<'static, Outcome> {
        let Scrape {
            key,
            cache,
            fresh: forced,
            request_id,
        } = scrape;
        let desc = resolved.site.description();
        let action = resolved.action.description;
        let state = resolved.site.state.clone();
        let params = resolved.params.to_object();
        let limit = resolved.params.limit();
        let cursor = resolved.params.cursor().map(str::to_owned);
        let binding = resolved.binding;
        let http = self.http.clone();
        let guards = self.guards.clone();
        let deadline = self.deadline;
        async move {
            let _boarding = boarding;
            let fail = |error: ScrapeError, attempts: u32| Failure {
                error,
                site: Some(desc.slug.to_owned()),
                action: Some(action.name.to_owned()),
                attempts,
            };
            // Another request may have filled the cache between its look and this scrape
            // (unless this one was asked fresh).
            if !forced
                && let Some(cache) = &cache
                && let Some(hit) = cache.get(&key).await
                && let Cached::Answer {
                    envelope,
                    next_cursor,
                    meta,
                    ..
                } = &*hit
            {
                return Ok(Arc::new(Landed {
                    envelope: envelope.clone(),
                    next_cursor: next_cursor.clone(),
                    meta: meta.clone(),
                }));
            }
            let ends_at = Instant::now() + deadline;
            let guard = guards.site(desc.slug);
            // A turn among the site's scrapes running at once: it bounds the upstream answers
            // held while they are parsed, not only the requests in flight.
            let _admitted = match guard.and_then(|g| g.admission.clone()) {
                None => None,
                Some(admission) => {
                    match tokio::time::timeout_at(ends_at, admission.acquire_owned()).await {
                        Ok(Ok(permit)) => Some(permit),
                        _ => {
                            return Err(fail(
                                ScrapeError::UpstreamTimeout(format!(
                                    "the request's deadline passed while waiting for {}",
                                    desc.slug
                                )),
                                0,
                            ));
                        }
                    }
                }
            };
            let _running = InFlight::new(&guards.metrics, desc.slug);
            let fetched_at: Arc<str> = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true).into();
            let context = Context::new(desc, action, http, ends_at, request_id.as_str());
            let outcome = run(
                action, state, params, limit, cursor, binding, &context, deadline,
            )
            .await;
            let attempts = context.stats().attempts();
            let (data, next_cursor, extra) = match outcome {
                Ok(Output::Item(record)) => (record, None, Map::new()),
                Ok(Output::List {
                    items, next, meta, ..
                }) => {
                    let cursor = next
                        .map(|state| paging::encode(binding, &state))
                        .transpose()
                        .map_err(|e| fail(internal(desc, action, &request_id, e), attempts))?;
                    (items, cursor, meta)
                }
                Err(error) => {
                    // A page the action could not read may be a login wall or a challenge.
                    let error = crate::hindsight::reconsider(&context, error);
                    let error = internal(desc, action, &request_id, error);
                    let ttl = action.negative_ttl.min(action.cache_ttl);
                    if let Some(cache) = &cache
                        && error.code() == ErrorCode::NotFound
                        && !ttl.is_zero()
                    {
                        let entry = Cached::Failure {
                            error: error.clone(),
                            ttl,
                        };
                        cache.insert(key, entry).await;
                    }
                    return Err(fail(error, attempts));
                }
            };
            let extra = Arc::new(extra);
            let fresh = Meta {
                site: desc.slug,
                action: action.name,
                cached: false,
                fetched_at,
                attempts,
                upstream_requests: context.stats().requests(),
                extra,
            };
            let cached_meta = Meta {
                cached: true,
                attempts: 0,
                upstream_requests: 0,
                ..fresh.clone()
            };
            let envelope = Arc::new(answer::Envelope::new(
                action.kind,
                data.get(),
                next_cursor.as_deref(),
                &fresh,
                &cached_meta,
                cache.is_some(),
            ));
            drop(data);
            if let Some(cache) = &cache {
                let entry = Cached::Answer {
                    envelope: envelope.clone(),
                    next_cursor: next_cursor.clone(),
                    meta: cached_meta,
                    ttl: action.cache_ttl,
                };
                cache.insert(key, entry).await;
            }
            Ok(Arc::new(Landed {
                envelope,
                next_cursor,
                meta: fresh,
            }))
        }
        .boxed()
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
}

/// What a scrape needs besides the resolved call.
struct Scrape {
    /// The canonical key of the question.
    key: String,
    /// The cache, when the action's answers are kept.
    cache: Option<AnswerCache>,
    /// Asked with `Cache-Control: no-cache`.
    fresh: bool,
    /// The id of the request that started it, for logs.
    request_id: String,
}

/// Counts a scrape as running while it lives.
struct InFlight<'a> {
    metrics: &'a Metrics,
    site: &'static str,
}

impl<'a> InFlight<'a> {
    fn new(metrics: &'a Metrics, site: &'static str) -> Self {
        metrics.scrapes_in_flight(site, 1);
        Self { metrics, site }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.metrics.scrapes_in_flight(self.site, -1);
    }
}

/// Runs the action under the deadline; a panic or an action that does not return is an error.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one invocation, owned"
)]
async fn run(
    action: &'static ActionDescription,
    state: Option<AnyState>,
    params: Value,
    limit: usize,
    cursor: Option<String>,
    binding: [u8; 8],
    context: &Context,
    deadline: Duration,
) -> Result<Output, ScrapeError> {
    let state = state.ok_or_else(|| ScrapeError::internal("the site has no state"))?;
    let cursor = cursor.map(|c| paging::decode(binding, &c)).transpose()?;
    let invocation = Invocation {
        cx: context.clone(),
        state,
        params,
        limit,
        cursor,
    };
    let running = AssertUnwindSafe((action.run)(invocation)).catch_unwind();
    // The HTTP layer keeps the deadline itself; this catches an action that does not return.
    match tokio::time::timeout(deadline + Duration::from_secs(1), running).await {
        Err(_) => Err(ScrapeError::UpstreamTimeout(format!(
            "{} did not finish within the {} s deadline",
            context.site().slug,
            deadline.as_secs()
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
    site: &SiteDescription,
    action: &ActionDescription,
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
