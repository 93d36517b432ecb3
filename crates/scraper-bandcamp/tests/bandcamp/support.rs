//! Shared helpers: our fixtures, and where the shared corpus lives (when it does).

pub(crate) use scraper_bandcamp::fixtures::fixture;

/// The response body and request URL of a recorded exchange of ../shared/corpus/bandcamp, read
/// in place.
pub(crate) fn recorded(name: &str) -> Option<(String, String)> {
    scraper_core::testing::corpus::recorded("bandcamp", name).map(|r| (r.body, r.url))
}
