//! Songstats: artists, stats, historic stats, search and tracks through the official Enterprise API.
//!
//! Phase 1 holds the pure parts only: the records (`model`), the parsers of Songstats' answers and
//! the classifier of its error answers (`parse`), the checks of our parameters and their mapping
//! onto Songstats' query (`input`), and the API's constants (`api`). Nothing here fetches; the
//! site's registration and its actions call these once the typed action API of the core lands.

pub mod api;
pub mod input;
pub mod model;
pub mod parse;
