//! A user's web profiles (`users/{id}/web-profiles`): the links shown on the profile page.

use scraper_core::ScrapeError;
use serde_json::Value;

use crate::lenient::Objs;
use crate::model::Link;
use crate::raw::RawWebProfile;

/// Reads the links: a bare list, or an object with a `collection` list. Entries without an
/// http(s) URL are dropped, repeated URLs kept once.
pub fn parse_web_profiles(body: &str) -> Result<Vec<Link>, ScrapeError> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        ScrapeError::changed(format!("SoundCloud answered unreadable web profiles: {e}"))
    })?;
    let list = match value {
        Value::Array(_) => value,
        Value::Object(mut map) => map.remove("collection").unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let Ok(Objs(entries)) = serde_json::from_value::<Objs<RawWebProfile>>(list) else {
        return Err(ScrapeError::changed(
            "SoundCloud answered web profiles of an unexpected shape",
        ));
    };
    let mut links: Vec<Link> = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(url) = entry.url.non_blank() else {
            continue;
        };
        let scheme_ok = url::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !scheme_ok || links.iter().any(|l| l.url == url) {
            continue;
        }
        let platform = entry
            .service
            .non_blank()
            .or_else(|| entry.network.non_blank())
            .map(|p| p.to_ascii_lowercase());
        links.push(Link { platform, url });
    }
    Ok(links)
}
