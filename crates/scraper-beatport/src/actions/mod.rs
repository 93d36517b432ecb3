//! One module per action: each reads its parameters, fetches, and shapes the answer.

pub mod genres;
pub mod release;
pub mod releases;
pub mod search;
pub mod top100;
pub mod track;
