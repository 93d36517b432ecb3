//! Shared helpers: our fixtures, the recorded corpus read in place, and the API's JSON shape of a
//! parser's answer (what check.py sees in `data`, or the error `code`).

use std::path::PathBuf;

use scraper_core::ScrapeError;
use serde::Serialize;
use serde_json::{Value, json};

/// A fixture of `tests/fixtures`, as text.
pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

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

/// A parser's answer as the API's body: `{"data": ...}` or `{"code": ...}`.
pub(crate) fn api_body<T: Serialize>(result: Result<T, ScrapeError>) -> Value {
    match result {
        Ok(data) => json!({"data": data}),
        Err(e) => json!({"code": e.code().as_str(), "detail": e.to_string()}),
    }
}
