//! Integration tests of the Songstats site: the parsers on our own fixtures (snapshots), the
//! classifier of error answers, the checks of our parameters, the records' JSON Schema, hostile
//! input, the site's registration and settings, and every action through the engine against a
//! wiremock Songstats.

// `unwrap`/`expect` are allowed in `#[test]` functions (clippy.toml) and the helpers use neither,
// so no `#![expect(clippy::unwrap_used, ...)]` here: it would be unfulfilled.

mod engine;
mod errors;
mod hostile;
mod input;
mod parsers;
mod schema;
mod site;
mod support;
