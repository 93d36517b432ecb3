//! Shared helpers: our fixtures.

use std::path::PathBuf;

/// A fixture of `tests/fixtures`, as text.
pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Every fixture of `tests/fixtures` (not the README).
pub(crate) const FIXTURES: &[&str] = &[
    "artist_info.json",
    "artist_info_links_beside.json",
    "artist_stats.json",
    "artist_historic_stats.json",
    "search_full_page.json",
    "search_last_page.json",
    "track_info.json",
    "error_invalid_key_401.json",
    "error_result_error_200.json",
    "error_not_found_404.json",
    "error_bad_request_400.json",
    "error_rate_limited_429.json",
    "success_without_member.json",
];
