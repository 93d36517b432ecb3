//! Shared helpers: our fixtures, and the recorded bodies of ../shared/corpus (when it is here).

use std::path::PathBuf;

/// A fixture of `tests/fixtures`, as text.
pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A recorded exchange of ../shared/corpus/instagram, read in place.
pub(crate) fn recorded(name: &str) -> Option<scraper_core::testing::corpus::Recorded> {
    scraper_core::testing::corpus::recorded("instagram", name)
}

/// Every fixture, for the tests that run all parsers on all bodies.
pub(crate) const FIXTURES: &[&str] = &[
    "web_profile_info_public.json",
    "web_profile_info_private.json",
    "web_profile_info_business.json",
    "web_profile_info_not_found.json",
    "graphql_timeline_page.json",
    "graphql_timeline_last_page.json",
    "feed_user_page.json",
    "feed_private.json",
    "require_login.json",
    "rate_limited.json",
    "checkpoint_required.json",
    "challenge_required.json",
    "feedback_required.json",
    "login_page.html",
];
