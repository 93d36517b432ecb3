//! One module per action: each declares its parameters as a type and holds its handler, which
//! fetches and shapes the answer.

pub mod genres;
pub mod release;
pub mod releases;
pub mod search;
pub mod top100;
pub mod track;
