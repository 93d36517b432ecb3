//! Prometheus metrics of one engine: the gateway's requests by site, action and status with
//! their latency, upstream requests and attempts by site and outcome with the bytes fetched,
//! the answer cache (hits, misses, coalesced waiters), circuit breakers, retry budgets, rate-limit
//! waits, and the process itself (memory, CPU). Labels are only ever registered names (a site's
//! slug, an action's name, a fixed outcome word), never what a client typed.

use prometheus::core::Collector;
use prometheus::{
    CounterVec, Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// Every metric of ours starts with this (the process metrics keep their usual names).
const NAMESPACE: &str = "techno_scraper";

/// Latency buckets in seconds: a cached answer takes well under a millisecond, a scrape up to
/// the deadline.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// What a request to the answer cache came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheResult {
    /// Served from the cache (answers and remembered `not_found`s).
    Hit,
    /// Not there (or skipped with `Cache-Control: no-cache`): this request scraped.
    Miss,
    /// Joined a scrape of the same question already running.
    Coalesced,
}

impl CacheResult {
    fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
            Self::Coalesced => "coalesced",
        }
    }
}

/// The metrics of one engine, in their own registry.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_seconds: HistogramVec,
    upstream_requests: IntCounterVec,
    upstream_attempts: IntCounterVec,
    upstream_seconds: HistogramVec,
    upstream_bytes: IntCounterVec,
    cache: IntCounterVec,
    circuit_state: IntGaugeVec,
    circuit_opened: IntCounterVec,
    retries_denied: IntCounterVec,
    rate_limit_wait: CounterVec,
    scrapes_in_flight: IntGaugeVec,
}

fn register<C: Collector + Clone + 'static>(
    registry: &Registry,
    collector: C,
) -> prometheus::Result<C> {
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

impl Metrics {
    /// Every metric, registered in a fresh registry. Fails only on a malformed metric name.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let r = &registry;
        let counter = |name: &str, help: &str, labels: &[&str]| {
            register(
                r,
                IntCounterVec::new(Opts::new(name, help).namespace(NAMESPACE), labels)?,
            )
        };
        let histogram = |name: &str, help: &str, labels: &[&str]| {
            register(
                r,
                HistogramVec::new(
                    HistogramOpts::new(name, help)
                        .namespace(NAMESPACE)
                        .buckets(SECONDS.to_vec()),
                    labels,
                )?,
            )
        };
        let metrics = Self {
            requests: counter(
                "requests_total",
                "Scrape requests answered, by site, action and HTTP status.",
                &["site", "action", "status"],
            )?,
            request_seconds: histogram(
                "request_duration_seconds",
                "Time to answer a scrape request, by site and action.",
                &["site", "action"],
            )?,
            upstream_requests: counter(
                "upstream_requests_total",
                "Upstream requests (each with its retries and redirects), by site and outcome.",
                &["site", "outcome"],
            )?,
            upstream_attempts: counter(
                "upstream_attempts_total",
                "Upstream attempts sent, by site and outcome (2xx, 3xx, 4xx, 429, 5xx, timeout, error, challenge).",
                &["site", "outcome"],
            )?,
            upstream_seconds: histogram(
                "upstream_attempt_duration_seconds",
                "Time of one upstream attempt, body included, by site.",
                &["site"],
            )?,
            upstream_bytes: counter(
                "upstream_bytes_total",
                "Bytes of upstream answers read (after decompression), by site.",
                &["site"],
            )?,
            cache: counter(
                "cache_requests_total",
                "Scrapes asked for, by what the answer cache did: hit, miss, or coalesced (joined a scrape of the same question in flight).",
                &["site", "action", "result"],
            )?,
            circuit_state: register(
                r,
                IntGaugeVec::new(
                    Opts::new(
                        "circuit_state",
                        "Each site's circuit breaker: 0 closed, 1 half-open, 2 open.",
                    )
                    .namespace(NAMESPACE),
                    &["site"],
                )?,
            )?,
            circuit_opened: counter(
                "circuit_opened_total",
                "Times a site's circuit breaker opened.",
                &["site"],
            )?,
            retries_denied: counter(
                "retry_budget_exhausted_total",
                "Retries not sent because the site's retry budget was spent.",
                &["site"],
            )?,
            rate_limit_wait: register(
                r,
                CounterVec::new(
                    Opts::new(
                        "rate_limit_wait_seconds_total",
                        "Time upstream requests waited for the site's rate limit.",
                    )
                    .namespace(NAMESPACE),
                    &["site"],
                )?,
            )?,
            scrapes_in_flight: register(
                r,
                IntGaugeVec::new(
                    Opts::new("scrapes_in_flight", "Scrapes running now, by site.")
                        .namespace(NAMESPACE),
                    &["site"],
                )?,
            )?,
            registry,
        };
        #[cfg(target_os = "linux")]
        metrics.registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(metrics)
    }

    /// The registry, for collectors of the embedding program.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Every metric in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec fails only on malformed families, which `new` cannot make.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// A scrape request was answered with `status` after `seconds`.
    pub fn request(&self, site: &str, action: &str, status: u16, seconds: f64) {
        let status = status_label(status);
        self.requests
            .with_label_values(&[site, action, status])
            .inc();
        self.request_seconds
            .with_label_values(&[site, action])
            .observe(seconds);
    }

    /// An upstream request (retries and redirects included) ended with `outcome`.
    pub fn upstream_request(&self, site: &str, outcome: &str) {
        self.upstream_requests
            .with_label_values(&[site, outcome])
            .inc();
    }

    /// An upstream attempt ended with `outcome` after `seconds`, having read `bytes`.
    pub fn upstream_attempt(&self, site: &str, outcome: &str, seconds: f64, bytes: usize) {
        self.upstream_attempts
            .with_label_values(&[site, outcome])
            .inc();
        self.upstream_seconds
            .with_label_values(&[site])
            .observe(seconds);
        if bytes > 0 {
            self.upstream_bytes
                .with_label_values(&[site])
                .inc_by(u64::try_from(bytes).unwrap_or(u64::MAX));
        }
    }

    /// What the cache did for one scrape request.
    pub fn cache(&self, site: &str, action: &str, result: CacheResult) {
        self.cache
            .with_label_values(&[site, action, result.as_str()])
            .inc();
    }

    /// A site's circuit is now at `level` (see [`crate::breaker::CircuitState::level`]).
    pub fn circuit(&self, site: &str, level: i64) {
        self.circuit_state.with_label_values(&[site]).set(level);
    }

    /// A site's circuit opened.
    pub fn circuit_opened(&self, site: &str) {
        self.circuit_opened.with_label_values(&[site]).inc();
        self.circuit(site, crate::breaker::CircuitState::Open.level());
    }

    /// A retry was not sent: the budget was spent.
    pub fn retry_denied(&self, site: &str) {
        self.retries_denied.with_label_values(&[site]).inc();
    }

    /// A request waited this long for the rate limit.
    pub fn rate_limit_wait(&self, site: &str, seconds: f64) {
        self.rate_limit_wait
            .with_label_values(&[site])
            .inc_by(seconds);
    }

    /// A scrape of `site` started (+1) or ended (-1).
    pub fn scrapes_in_flight(&self, site: &str, delta: i64) {
        self.scrapes_in_flight.with_label_values(&[site]).add(delta);
    }
}

/// The label of an HTTP status, without allocating for the usual ones.
fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        413 => "413",
        414 => "414",
        429 => "429",
        431 => "431",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        other => match other / 100 {
            1 => "1xx",
            2 => "2xx",
            3 => "3xx",
            4 => "4xx",
            _ => "5xx",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_with_our_prefix() {
        let m = Metrics::new().unwrap();
        m.request("bandcamp", "search", 200, 0.002);
        m.request("bandcamp", "search", 418, 0.002);
        m.upstream_request("bandcamp", "ok");
        m.upstream_attempt("bandcamp", "2xx", 0.1, 1234);
        m.cache("bandcamp", "search", CacheResult::Coalesced);
        m.circuit_opened("bandcamp");
        m.retry_denied("bandcamp");
        m.rate_limit_wait("bandcamp", 0.5);
        m.scrapes_in_flight("bandcamp", 1);
        let text = m.render();
        for line in [
            "techno_scraper_requests_total{action=\"search\",site=\"bandcamp\",status=\"200\"} 1",
            "techno_scraper_requests_total{action=\"search\",site=\"bandcamp\",status=\"4xx\"} 1",
            "techno_scraper_request_duration_seconds_bucket{action=\"search\",site=\"bandcamp\",le=\"0.0025\"} 2",
            "techno_scraper_upstream_requests_total{outcome=\"ok\",site=\"bandcamp\"} 1",
            "techno_scraper_upstream_attempts_total{outcome=\"2xx\",site=\"bandcamp\"} 1",
            "techno_scraper_upstream_bytes_total{site=\"bandcamp\"} 1234",
            "techno_scraper_cache_requests_total{action=\"search\",result=\"coalesced\",site=\"bandcamp\"} 1",
            "techno_scraper_circuit_state{site=\"bandcamp\"} 2",
            "techno_scraper_circuit_opened_total{site=\"bandcamp\"} 1",
            "techno_scraper_retry_budget_exhausted_total{site=\"bandcamp\"} 1",
            "techno_scraper_rate_limit_wait_seconds_total{site=\"bandcamp\"} 0.5",
            "techno_scraper_scrapes_in_flight{site=\"bandcamp\"} 1",
        ] {
            assert!(text.contains(line), "missing {line} in\n{text}");
        }
        #[cfg(target_os = "linux")]
        assert!(text.contains("\nprocess_resident_memory_bytes "), "{text}");
    }
}
