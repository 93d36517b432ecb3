//! The crate's test fixtures (`tests/fixtures/`, feature `fixtures`), for its own tests and the
//! gateway's end-to-end tests, which then need not know where the crate lives.

use std::path::PathBuf;

/// The text of `tests/fixtures/<name>` of this crate.
///
/// # Panics
///
/// When the fixture cannot be read: a test asking for a fixture that is not there is broken.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
