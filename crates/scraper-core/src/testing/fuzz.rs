//! What the fuzz targets (`fuzz/`) need from the core: every registered action callable from
//! bytes — through the engine, so the parameter validator, the cursor decoder, the sites' input
//! readers and URL rules and their cursor types all meet the input exactly as a client's — and a
//! cursor forged for any listing (its binding is not a secret: a client can make one with any
//! state, so every site's cursor type must survive anything).
//!
//! Upstream requests go to a closed port on 127.0.0.1 and fail at once, without retries: a call
//! ends at its first fetch. An answer with the code `internal` is a bug (a panic the engine
//! contained, a URL a site could not build from a validated parameter): [`Fuzzer::call`] panics
//! on it, which the fuzzer reports.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::engine::{Call, Engine, EngineSettings};
use crate::error::{ErrorCode, ScrapeError};
use crate::http::HttpSettings;
use crate::params::{RawParams, Validated};
use crate::refs;
use crate::registry::{ActionSpec, registered, spec};

/// How a call's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A query string.
    Query,
    /// A JSON body.
    Json,
    /// A query string, a NUL, then a JSON state sealed into a cursor for that listing.
    Cursor,
    /// A parameter value read by the core's URL rules (`parse_site_url`, `parse_entity_ref`).
    Url,
}

impl Mode {
    /// The mode a selector byte picks.
    pub fn of(byte: u8) -> Self {
        match byte % 4 {
            0 => Self::Query,
            1 => Self::Json,
            2 => Self::Cursor,
            _ => Self::Url,
        }
    }
}

/// Every registered action, callable from bytes.
pub struct Fuzzer {
    engine: Engine,
    runtime: tokio::runtime::Runtime,
    actions: Vec<(&'static str, ActionSpec)>,
}

impl Default for Fuzzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Fuzzer {
    /// An engine with every site linked in (configured with its probe's settings), upstream
    /// requests failing at once.
    pub fn new() -> Self {
        let regs = registered().unwrap_or_else(|e| panic!("registry: {e}"));
        let settings = EngineSettings {
            http: HttpSettings {
                upstream_override: url::Url::parse("http://127.0.0.1:9/").ok(),
                max_attempts: 1,
                connect_timeout: Duration::from_millis(200),
                attempt_timeout: Duration::from_millis(500),
                ..HttpSettings::default()
            },
            request_deadline: Duration::from_secs(2),
            cache_max_bytes: 0,
            ..EngineSettings::default()
        };
        let mut site_settings = BTreeMap::new();
        let mut actions = Vec::new();
        for reg in &regs {
            let site = reg.site;
            if let Some(probe) = site.probe {
                let given: BTreeMap<String, String> = probe
                    .settings
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect();
                site_settings.insert(site.slug.to_owned(), given);
            }
            let spec = spec(site).unwrap_or_else(|e| panic!("{e}"));
            actions.extend(spec.actions.into_iter().map(|a| (site.slug, a)));
        }
        actions.sort_by_key(|(slug, a)| (*slug, a.description.name));
        let engine =
            Engine::new(&regs, settings, &site_settings).unwrap_or_else(|e| panic!("engine: {e}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        Self {
            engine,
            runtime,
            actions,
        }
    }

    /// How many actions there are.
    pub fn actions(&self) -> usize {
        self.actions.len()
    }

    /// Calls action `index` (modulo their number) with `bytes` read as `mode` says; panics when
    /// the answer is `internal`.
    pub fn call(&self, index: usize, mode: Mode, bytes: &[u8]) {
        let Some((slug, action)) = self.actions.get(index % self.actions.len().max(1)) else {
            return;
        };
        let text = String::from_utf8_lossy(bytes);
        let params = match mode {
            Mode::Query => RawParams::from_query(&text),
            Mode::Json => RawParams::from_json_body(bytes),
            Mode::Cursor => {
                let (query, state) = text.split_once('\0').unwrap_or((&text, "null"));
                let Ok(state) = serde_json::from_str::<Value>(state) else {
                    return;
                };
                forged(slug, action, query, &state)
            }
            Mode::Url => {
                url_rules(&text);
                return;
            }
        };
        let Ok(params) = params else {
            return;
        };
        let call = Call {
            site: (*slug).to_owned(),
            action: action.description.name.to_owned(),
            params,
            request_id: "fuzz".to_owned(),
            bypass_cache: true,
        };
        if let Err(failure) = self.runtime.block_on(self.engine.execute(call)) {
            assert!(
                failure.error.code() != ErrorCode::Internal,
                "{slug}/{}: internal error: {}",
                action.description.name,
                failure.error
            );
        }
    }
}

/// `query` with a cursor holding `state` for its listing, as a client could forge it.
fn forged(
    slug: &str,
    action: &ActionSpec,
    query: &str,
    state: &Value,
) -> Result<RawParams, ScrapeError> {
    let raw = RawParams::from_query(query)?.without("cursor");
    let listing = Validated::validate(&action.rules, raw.clone())?.listing();
    let binding = crate::paging::binding(slug, action.description.name, &listing);
    let cursor = crate::paging::encode(binding, state)?;
    let mut params = raw;
    params.merge(RawParams::from_pairs([("cursor", cursor)]))?;
    Ok(params)
}

/// The core's URL rules on `text`, against host lists of the shapes sites declare.
fn url_rules(text: &str) {
    const HOSTS: &[&[&str]] = &[
        &["soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"],
        &["*.bandcamp.com"],
        &["facebook.com", "*.facebook.com"],
    ];
    for hosts in HOSTS {
        if let Ok(url) = refs::parse_site_url("url", text, hosts) {
            let host = url.host_str().unwrap_or_default();
            assert!(
                crate::site::host_matches(hosts, host) && url.scheme() == "https",
                "{text:?} was accepted as {url}"
            );
            assert!(
                !refs::is_idn(host),
                "{text:?} was accepted with an IDN host {host}"
            );
        }
    }
    let _ = refs::is_idn(text);
    let _ = refs::parse_handle("user", text);
    let _ = refs::looks_like_url(text);
}
