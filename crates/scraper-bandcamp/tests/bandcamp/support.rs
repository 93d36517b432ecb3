//! Shared helpers: our fixtures, and where the shared corpus lives (when it does).

use std::path::PathBuf;

/// A fixture of `tests/fixtures`, as text.
pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// `../shared/corpus` seen from the repository root, when it exists.
pub(crate) fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("bandcamp").is_dir().then_some(dir)
}

/// The response body and request URL of a recorded exchange, read in place.
pub(crate) fn recorded(name: &str) -> Option<(String, String)> {
    let path = corpus_dir()?.join("bandcamp").join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    let exchange: serde_json::Value = serde_json::from_str(&text).ok()?;
    let body = exchange["response"]["body"].as_str()?.to_owned();
    let url = exchange["request"]["url"].as_str()?.to_owned();
    Some((body, url))
}
