//! Integration tests of the Facebook site: the actions through the engine against a wiremock
//! Facebook (every parameter form, wall and status, the session cookie), our own fixtures through
//! the parsers (insta snapshots), the count texts of many languages, the parameter forms, walls,
//! hostile input, and the real recorded pages of ../shared/corpus when they exist.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod actions;
mod cookie;
mod corpus;
mod counts;
mod hostile;
mod input;
mod parsers;
mod support;
mod walls;
