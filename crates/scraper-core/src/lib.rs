//! The core of techno-scraper: what a site is (descriptions, the `Scraper` trait), how it is
//! registered, how parameters are checked, how upstreams are reached, and how a scrape runs.
//!
//! Site crates depend on this crate only; it re-exports `inventory` and `async_trait` for them.

pub mod cursor;
pub mod describe;
pub mod engine;
pub mod error;
pub mod http;
pub mod net;
pub mod params;
pub mod refs;
pub mod registry;
pub mod scraper;
pub mod settings;
#[cfg(feature = "testing")]
pub mod testing;
pub mod walls;

pub use async_trait::async_trait;
pub use describe::{
    ActionDescription, ActionKind, ParamDescription, ParamType, Setting, SiteDescription,
};
pub use engine::{Call, Engine, EngineSettings, Failure, Meta, Site, Success};
pub use error::{ErrorCode, ScrapeError};
pub use http::{HttpClient, HttpSettings, Request, Response};
pub use inventory;
pub use params::{Params, RawParams};
pub use refs::{EntityRef, parse_entity_ref, parse_handle, parse_site_url};
pub use registry::{BuildFn, Registration, registered};
pub use scraper::{Context, Output, Page, Scraper};
pub use settings::SiteSettings;
