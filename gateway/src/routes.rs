//! The HTTP routes: scrapes under `/v1/{site}/{action}`, the catalogue, health, metrics, and the
//! docs.

pub mod meta;
pub mod metrics;
pub mod scrape;
