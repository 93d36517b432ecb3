//! The upstream HTTP client shared by every site: one connection pool, browser headers, our own
//! redirect handling with a host check per hop, a size cap while reading, retries, and errors
//! that keep their cause.

mod attempt;
mod budget;
mod client;
mod error;
mod headers;
mod message;
mod redact;
mod retry;
mod route;

pub use client::{HttpClient, HttpSettings, Stats};
pub use error::FetchError;
pub use headers::{BROWSER_USER_AGENT, MAX_RETRY_AFTER, parse_retry_after};
pub use message::{Request, Response};
pub use redact::redact_url;
