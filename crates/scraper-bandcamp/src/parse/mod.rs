//! Pure parsers from a Bandcamp body to records: no I/O, testable on fixtures, benchmarked.

pub mod autocomplete;
pub mod band_details;
pub mod band_page;
pub(crate) mod dates;
pub(crate) mod html;
pub mod search;
pub mod tralbum;
