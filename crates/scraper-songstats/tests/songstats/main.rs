//! Integration tests of the Songstats site's pure parts: the parsers on our own fixtures
//! (snapshots), the classifier of error answers, the checks of our parameters, the records' JSON
//! Schema, and hostile input.

// `unwrap`/`expect` are allowed in `#[test]` functions (clippy.toml) and the helpers use neither,
// so no `#![expect(clippy::unwrap_used, ...)]` here: it would be unfulfilled.

mod errors;
mod hostile;
mod input;
mod parsers;
mod schema;
mod support;
