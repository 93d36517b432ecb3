//! What stands between the engine and each site's upstream, one set per site: the circuit
//! breaker, the rate limit (the site's default or the operator's), the retry budget, and the
//! bound on scrapes running at once (which also bounds the upstream answers held in memory
//! while they are parsed). Built once by the engine for every registered site and shared with
//! the upstream client, with the engine's metrics.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::breaker::{Breaker, BreakerSettings};
use crate::metrics::Metrics;
use crate::ratelimit::{RateLimit, RetryBudget, RetryBudgetSettings};
use crate::site::SiteDescription;

/// How the guards behave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuardSettings {
    /// When a site's circuit opens and for how long.
    pub breaker: BreakerSettings,
    /// How many retries a site may spend.
    pub retry_budget: RetryBudgetSettings,
    /// Requests per second per site set by the operator, over the sites' own defaults
    /// (slug → rate; 0 lifts a site's default).
    pub rate_limits: BTreeMap<String, f64>,
}

/// One site's guards.
#[derive(Debug)]
pub(crate) struct SiteGuard {
    pub(crate) breaker: Breaker,
    pub(crate) rate: Option<RateLimit>,
    pub(crate) budget: RetryBudget,
    /// Scrapes of the site running at once; `None`: no bound.
    pub(crate) admission: Option<Arc<Semaphore>>,
}

/// Every site's guards and the metrics they report to.
#[derive(Debug)]
pub(crate) struct Guards {
    sites: HashMap<&'static str, SiteGuard>,
    pub(crate) metrics: Metrics,
}

impl Guards {
    /// Guards for `sites`. `concurrency` is the gateway's bound per site (0: none), lowered by a
    /// site's own `max_in_flight`. Fails on a rate limit for an unknown site or of a bad value.
    pub(crate) fn new(
        sites: &[&'static SiteDescription],
        settings: &GuardSettings,
        concurrency: usize,
        metrics: Metrics,
    ) -> Result<Self, String> {
        if let Some(unknown) = settings
            .rate_limits
            .keys()
            .find(|slug| !sites.iter().any(|s| s.slug == slug.as_str()))
        {
            return Err(format!(
                "a rate limit is set for '{unknown}', which is not a registered site"
            ));
        }
        let mut map = HashMap::with_capacity(sites.len());
        for site in sites {
            let rate = match settings.rate_limits.get(site.slug).copied() {
                Some(rate) if !rate.is_finite() || rate < 0.0 => {
                    return Err(format!(
                        "the rate limit of {} must be a positive number of requests per second (0: none), got {rate}",
                        site.slug
                    ));
                }
                Some(rate) => rate,
                None => site.rate_limit.unwrap_or(0.0),
            };
            let bound = match (concurrency, site.max_in_flight) {
                (0, None) => None,
                (0, Some(own)) => Some(own),
                (global, Some(own)) => Some(global.min(own)),
                (global, None) => Some(global),
            };
            map.insert(
                site.slug,
                SiteGuard {
                    breaker: Breaker::new(settings.breaker),
                    rate: RateLimit::new(rate),
                    budget: RetryBudget::new(settings.retry_budget),
                    admission: bound.map(|n| Arc::new(Semaphore::new(n.max(1)))),
                },
            );
            metrics.circuit(site.slug, 0);
        }
        Ok(Self {
            sites: map,
            metrics,
        })
    }

    /// The guards of `slug`.
    pub(crate) fn site(&self, slug: &str) -> Option<&SiteGuard> {
        self.sites.get(slug)
    }

    /// Refreshes the gauges that change by themselves (an open circuit turning half-open).
    pub(crate) fn refresh(&self) {
        for (slug, guard) in &self.sites {
            self.metrics
                .circuit(slug, guard.breaker.status().state.level());
        }
    }
}
