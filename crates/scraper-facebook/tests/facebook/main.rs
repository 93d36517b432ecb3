//! Integration tests of the Facebook parsers: our own fixtures (insta snapshots), the count texts
//! of many languages, the parameter forms, walls, hostile input, and the real recorded pages of
//! ../shared/corpus when they exist.

// Helpers shared by the tests may fail loudly too, not only the `#[test]` functions.
#![expect(clippy::unwrap_used, reason = "test helpers panic on broken fixtures")]

mod corpus;
mod counts;
mod hostile;
mod input;
mod parsers;
mod support;
mod walls;
