//! Instagram: profiles and posts, logged out first, with an operator session when one is given.
//!
//! This crate holds the pure parts of the site, with no I/O: the records it answers
//! ([`model`]), the `user` parameter ([`input`]), the upstream requests as values
//! ([`request`]), the parsers of Instagram's three answers — `web_profile_info`, the GraphQL
//! user timeline and the REST user feed — and the classifier of its refusals ([`parse`]).
//! The actions that fetch and call them are wired on the core's action API; they are not here
//! yet, and the site is not registered.

pub mod input;
pub mod model;
pub mod parse;
pub mod request;
