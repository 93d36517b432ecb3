//! Integration tests of Instagram: the parsers on our own fixtures (snapshots), the refusal
//! classifier, the `user` parameter, the request builders, hostile input; the site through the
//! engine against a wiremock Instagram (paging over the three sources, headers, the session
//! cookie, every error code); and the real recorded traffic of ../shared/corpus when it exists.

// Helpers shared by the tests may fail loudly too, not only the `#[test]` functions.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod corpus;
mod errors;
mod fake;
mod hostile;
mod input;
mod model;
mod parsers;
mod refusals;
mod requests;
mod site;
mod support;
