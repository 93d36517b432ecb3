//! Pure parsers of Beatport's pages and API answers: functions over a body, no I/O.

pub mod catalog;
pub mod next_data;
pub mod pages;
pub mod search;
