//! Pure parsers from a Songstats answer to records, and the classifier of its error answers: no
//! I/O, testable on fixtures, benchmarked.
//!
//! Every answer is an envelope `{"result": "success"|"error", "message": "...", <member>...}`.
//! A parser requires its member (`artist_info`, `stats`, `results`, `track_info`) and takes
//! everything inside as optional; an answer with `result: "error"` is handed to
//! [`classify_error`] as if it came with HTTP 200, so a parser never turns an error into a record.
//! Where each shape comes from is written next to each parser and in `tests/fixtures/README.md`.

mod artist;
mod envelope;
mod error;
mod json;
mod stats;
mod track;

pub use artist::{parse_artist, parse_search, parse_search_page};
pub use error::classify_error;
pub use stats::{parse_historic_stats, parse_stats};
pub use track::parse_track;
