//! The SoundCloud plugin's integration tests: parsers on our fixtures (snapshots, hostile input),
//! the engine against a wiremock upstream, and the engine against the recorded corpus.

mod corpus;
mod parsers;

// Links the plugin so its registration is in this binary.
use scraper_soundcloud as _;
