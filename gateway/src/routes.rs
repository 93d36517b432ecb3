//! The HTTP routes: scrapes under `/v1/{site}/{action}`, the catalogue, health, and the docs.

pub mod meta;
pub mod scrape;
