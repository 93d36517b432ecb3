//! Finding the public `client_id` the SoundCloud web app uses: first in the homepage's
//! `window.__sc_hydration` (`{"hydratable":"apiClient","data":{"id":...}}`), else in one of the
//! JS bundles the homepage loads from `a-v2.sndcdn.com/assets/` (`client_id:"..."`).

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::lenient::{Obj, Text};

/// `client_id:"<id>"` (also `"client_id":"<id>"`, and `client_id=<id>` in URLs of a bundle).
static BUNDLE_CLIENT_ID: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\bclient_id"?\s*[:=]\s*"?([0-9A-Za-z]{20,64})\b"#).ok());

/// `<script ... src="https://a-v2.sndcdn.com/assets/<name>.js">`.
static ASSET_SCRIPT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"<script[^>]*\ssrc\s*=\s*["'](https://a-v2\.sndcdn\.com/assets/[0-9A-Za-z._\-/]+\.js)["']"#).ok()
});

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    hydratable: Text,
    #[serde(default)]
    data: Obj<ApiClient>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ApiClient {
    id: Text,
}

/// Whether `id` has the form of a client_id (20-64 ASCII letters and digits; today 32).
pub fn is_client_id(id: &str) -> bool {
    (20..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The `apiClient` id of the homepage's hydration data, when present and well-formed.
pub fn parse_hydration_client_id(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(at) = rest.find("__sc_hydration") {
        rest = &rest[at + "__sc_hydration".len()..];
        let Some(json) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        // The array ends the statement (`= [...];</script>`): read one JSON value, ignore the rest.
        let mut values =
            serde_json::Deserializer::from_str(json.trim_start()).into_iter::<Vec<Obj<Entry>>>();
        let Some(Ok(entries)) = values.next() else {
            continue;
        };
        let id = entries
            .into_iter()
            .filter_map(|Obj(entry)| entry)
            .filter(|e| e.hydratable.0.as_deref() == Some("apiClient"))
            .find_map(|e| e.data.0.and_then(|d| d.id.0))
            .filter(|id| is_client_id(id));
        if id.is_some() {
            return id;
        }
    }
    None
}

/// The `a-v2.sndcdn.com/assets/*.js` scripts of the homepage, in page order, without repeats.
pub fn asset_script_urls(html: &str) -> Vec<String> {
    let Some(re) = ASSET_SCRIPT.as_ref() else {
        return Vec::new();
    };
    let mut urls: Vec<String> = Vec::new();
    for url in re.captures_iter(html).filter_map(|c| c.get(1)) {
        if !urls.iter().any(|u| u == url.as_str()) {
            urls.push(url.as_str().to_owned());
        }
    }
    urls
}

/// The first well-formed `client_id` written in a JS bundle.
pub fn parse_bundle_client_id(js: &str) -> Option<String> {
    let re = BUNDLE_CLIENT_ID.as_ref()?;
    re.captures_iter(js)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .find(|id| is_client_id(id))
        .map(str::to_owned)
}
