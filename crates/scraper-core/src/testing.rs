//! Helpers for the tests of site crates (feature `testing`): an engine whose upstream traffic
//! goes to a local mock server, with fast retries and no cache; and the shared recorded corpus
//! (`corpus`).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::engine::{Call, Engine, EngineSettings, Failure, Success};
use crate::http::HttpSettings;
use crate::params::RawParams;
use crate::registry::registered;

pub mod corpus;
pub mod fuzz;
pub mod probe;

/// Engine settings for tests: every request to `upstream` (a wiremock or replay server on
/// 127.0.0.1), millisecond backoff, short timeouts, no cache.
pub fn settings(upstream: &str) -> EngineSettings {
    EngineSettings {
        http: HttpSettings {
            upstream_override: Some(
                url::Url::parse(upstream)
                    .unwrap_or_else(|e| panic!("bad upstream {upstream}: {e}")),
            ),
            backoff_base: Duration::from_millis(2),
            backoff_max: Duration::from_millis(10),
            attempt_timeout: Duration::from_secs(5),
            ..HttpSettings::default()
        },
        request_deadline: Duration::from_secs(15),
        cache_max_bytes: 0,
        ..EngineSettings::default()
    }
}

/// An engine holding the one registered site `slug`, talking to `upstream`, with the given
/// site settings (`name`, `value`).
pub fn engine(slug: &str, upstream: &str, site_settings: &[(&str, &str)]) -> Engine {
    engine_with(slug, settings(upstream), site_settings)
}

/// Like [`engine`] with explicit engine settings.
pub fn engine_with(slug: &str, settings: EngineSettings, site_settings: &[(&str, &str)]) -> Engine {
    let regs: Vec<_> = registered()
        .unwrap_or_else(|e| panic!("registry: {e}"))
        .into_iter()
        .filter(|r| r.site.slug == slug)
        .collect();
    assert_eq!(
        regs.len(),
        1,
        "site '{slug}' is not linked into this test binary"
    );
    let mut given = BTreeMap::new();
    if !site_settings.is_empty() {
        given.insert(
            slug.to_owned(),
            site_settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
    }
    Engine::new(&regs, settings, &given).unwrap_or_else(|e| panic!("engine: {e}"))
}

/// Runs `site`/`action` with a query string, as the gateway would.
pub async fn call(
    engine: &Engine,
    site: &str,
    action: &str,
    query: &str,
) -> Result<Success, Failure> {
    let params =
        RawParams::from_query(query).unwrap_or_else(|e| panic!("bad test query {query:?}: {e}"));
    engine
        .execute(Call {
            site: site.to_owned(),
            action: action.to_owned(),
            params,
            request_id: "test".to_owned(),
            bypass_cache: true,
        })
        .await
}
