//! Shared helpers: our fixtures and the recorded corpus read in place.

pub(crate) use scraper_facebook::fixtures::fixture;

/// The response body and request URL of a recorded exchange of ../shared/corpus/facebook, read
/// in place.
pub(crate) fn recorded(name: &str) -> Option<(String, String)> {
    scraper_core::testing::corpus::recorded("facebook", name).map(|r| (r.body, r.url))
}

/// Every recorded exchange of ../shared/corpus/facebook: (file name, request URL, body).
pub(crate) fn all_recorded() -> Option<Vec<(String, String, String)>> {
    let dir = scraper_core::testing::corpus::dir()?.join("facebook");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    Some(
        names
            .into_iter()
            .filter_map(|n| recorded(&n).map(|(body, url)| (n, url, body)))
            .collect(),
    )
}
