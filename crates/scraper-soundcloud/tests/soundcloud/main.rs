//! The SoundCloud plugin's integration tests: the published contract of its actions and settings,
//! parsers on our fixtures (snapshots, hostile input), the engine against a wiremock upstream, and
//! the engine against the recorded corpus. Every successful answer is checked against the JSON
//! Schema its action publishes.

// Helpers shared by the tests may fail loudly too, not only the `#[test]` functions.
#![expect(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

mod contract;
mod corpus;
mod mocked;
mod parsers;

// Links the plugin so its registration is in this binary.
use scraper_soundcloud as _;
