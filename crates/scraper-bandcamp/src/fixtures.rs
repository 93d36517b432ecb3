//! Our test fixtures (`tests/fixtures`, written by us, listed in its README), for the crate's own
//! tests and the gateway's end-to-end tests (feature `fixtures`).

use std::path::PathBuf;

/// The fixture `tests/fixtures/<name>` of this crate, as text.
///
/// # Panics
///
/// When the file cannot be read: a test with a broken fixture should fail loudly.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}
