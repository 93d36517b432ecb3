//! Shared helpers: our fixtures, and where the shared corpus lives (when it does).

use std::path::PathBuf;

/// A fixture of `tests/fixtures`, as text.
pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// The response body and request URL of a recorded exchange of ../shared/corpus/bandcamp, read
/// in place.
pub(crate) fn recorded(name: &str) -> Option<(String, String)> {
    scraper_core::testing::corpus::recorded("bandcamp", name).map(|r| (r.body, r.url))
}
