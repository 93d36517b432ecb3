//! The core of techno-scraper: what a site is (a `const` description whose actions are typed
//! handlers), how it is registered, how parameters, cursors, credentials and settings are
//! handled for it, how upstreams are reached, and how a scrape runs.
//!
//! Site crates depend on this crate (and on serde and schemars for their derives); it
//! re-exports `inventory` for [`register_site!`].

pub mod action;
pub mod breaker;
pub mod context;
pub mod credential;
pub mod engine;
pub mod error;
mod guard;
mod hindsight;
pub mod http;
pub mod metrics;
pub mod net;
pub mod paging;
pub mod params;
mod parse;
pub mod ratelimit;
pub mod refs;
pub mod registry;
pub mod schemas;
pub mod settings;
pub mod site;
pub mod spec;
#[cfg(feature = "testing")]
pub mod testing;
pub mod walls;

pub use action::{ActionDescription, ActionKind};
pub use context::{Context, Cx};
pub use credential::{Credential, Use};
pub use engine::{Call, Data, Engine, EngineSettings, Failure, Meta, Site, Success};
pub use error::{ErrorCode, ScrapeError};
pub use guard::GuardSettings;
pub use http::{FetchError, HttpClient, HttpSettings, Request, Response};
pub use inventory;
pub use paging::{Page, PageRequest};
pub use params::{RawParams, Validated};
pub use refs::{EntityRef, parse_entity_ref, parse_handle, parse_site_url};
pub use registry::{ActionSpec, Registration, SiteSpec, registered};
pub use schemars;
pub use settings::{Secret, SiteSettings};
pub use site::{NoSettings, Probe, SiteDescription, SiteState};
pub use spec::{FieldSpec, ValueKind};
