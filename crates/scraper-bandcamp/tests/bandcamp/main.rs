//! Integration tests of the Bandcamp site: the parsers on our own fixtures (snapshots), hostile
//! input, the actions through the engine against wiremock, and the real recorded traffic of
//! ../shared/corpus when it exists.

// Helpers shared by the tests may fail loudly too, not only the `#[test]` functions.
#![expect(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

mod corpus;
mod hostile;
mod parsers;
mod site;
mod support;
mod upstream;

// Links the plugin so its registration is in this binary.
use scraper_bandcamp as _;
