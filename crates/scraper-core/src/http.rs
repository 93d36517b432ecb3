//! The upstream HTTP client shared by every site: one connection pool, browser headers, our own
//! redirect handling with a host check per hop, a size cap while reading, and retries.

mod client;
mod headers;
mod message;
mod redact;
mod retry;

pub use client::{HttpClient, HttpSettings, Stats};
pub use headers::{BROWSER_USER_AGENT, parse_retry_after};
pub use message::{Request, Response};
pub use redact::redact_url;
