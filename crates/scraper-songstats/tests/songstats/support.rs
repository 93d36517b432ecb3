//! Shared helpers: our fixtures (through the crate's `fixtures` feature).

/// A fixture of `tests/fixtures`, as text.
pub(crate) fn fixture(name: &str) -> String {
    scraper_songstats::fixtures::fixture(name)
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
    "track_stats.json",
    "error_invalid_key_401.json",
    "error_result_error_200.json",
    "error_not_found_404.json",
    "error_bad_request_400.json",
    "error_rate_limited_429.json",
    "success_without_member.json",
];
