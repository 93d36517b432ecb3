//! Pure parsers from a Facebook body to records: no I/O, testable on fixtures, benchmarked.

pub mod counts;
pub mod event;
pub mod events;
pub(crate) mod html;
pub(crate) mod json;
pub mod page;
pub(crate) mod place;
pub(crate) mod time;

pub use event::parse_event;
pub use events::parse_events;
pub use page::parse_page;
