//! Facebook: pages, a page's events (upcoming or past) and single events, logged out.
//!
//! The pure parts, with no I/O: the records ([`model`]), the parameters and the URLs to fetch
//! ([`input`]), the parsers over a fetched body ([`parse`]) and the wall classifier ([`walls`]).
//! An action reads its parameters with [`input`], fetches the canonical URL it gives
//! ([`input::PageRef::page_url`], [`input::PageRef::events_url`], [`input::event_url`]), vets a
//! redirect or a status with [`walls::classify_redirect`] / [`walls::classify_status`], and hands
//! the body to [`parse::parse_page`], [`parse::parse_events`] or [`parse::parse_event`], which
//! answer the record or the error (a wall's, or `upstream_changed` naming what is missing).

pub mod input;
pub mod model;
pub mod parse;
pub mod walls;
