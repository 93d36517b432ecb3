//! End-to-end tests: the real gateway (Application::build on 127.0.0.1:0) in front of a
//! wiremock upstream, driven over HTTP as n8n would drive it.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod api;
mod auth;
mod bandcamp;
mod beatport;
mod documents;
mod facebook;
mod instagram;
mod paging;
mod resilience;
mod serving;
mod songstats;
mod soundcloud;
