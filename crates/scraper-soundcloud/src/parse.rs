//! Pure parsers of SoundCloud answers: a body in, our records (or a `ScrapeError`) out. No I/O.

pub mod client_id;
pub mod entity;
pub mod page;
pub mod web_profiles;
