//! The crate's test fixtures (`tests/fixtures/<name>`), read by name (feature `fixtures`): for
//! the gateway's end-to-end tests, which mock Facebook with them, and for the crate's own tests.

use std::path::Path;

/// The fixture `tests/fixtures/<name>` of this crate.
///
/// # Panics
///
/// When the fixture does not exist or is not UTF-8: a test without its fixture cannot run.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
