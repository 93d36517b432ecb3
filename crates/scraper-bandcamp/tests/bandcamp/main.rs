//! Integration tests of the Bandcamp site: the parsers on our own fixtures (snapshots), hostile
//! input, the actions through the engine against wiremock, and the real recorded traffic of
//! ../shared/corpus when it exists.

mod corpus;
mod hostile;
mod parsers;
mod support;
mod upstream;
