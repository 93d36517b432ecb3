//! Songstats' Enterprise API as the actions call it: where it lives (the base URL setting, checked
//! at startup), how the key travels (the `apikey` header, nowhere else), the paths of the
//! endpoints we use, and [`call`], the one way an action sends a request and reads its answer.
//!
//! Sources: Songstats' official SDKs (`Songstats/songstats-python-sdk`, `songstats-node-sdk`,
//! `songstats-ruby-sdk`: the `apikey` header, the `/enterprise/v1/...` routes, `accept:
//! application/json`), its Postman collection (`Songstats/songstats-api`) and the public API
//! reference at docs.songstats.com (base URL `https://api.songstats.com/enterprise/v1`). The
//! official SDKs of 2026 default to `https://data.songstats.com` and add `/enterprise/v1`
//! themselves: the host moves, which is why the base URL is a setting, [`HOSTS`] admits any
//! songstats.com host, and a base URL without a path gets `/enterprise/v1`.

use scraper_core::site::host_matches;
use scraper_core::{Cx, Request, Response, ScrapeError};
use url::{Host, Url};

use crate::Songstats;
use crate::parse::classify_error;

/// The base URL used when the operator sets none.
pub const DEFAULT_BASE_URL: &str = "https://api.songstats.com/enterprise/v1";

/// The path of the Enterprise API on its host, added to a base URL that has none.
pub const API_PATH: &str = "/enterprise/v1";

/// The request header that carries the operator's key (`apikey: <key>`).
pub const API_KEY_HEADER: &str = "apikey";

/// The environment variable of the operator's key, named in `not_configured` errors.
pub const API_KEY_VARIABLE: &str = "TECHNO_SCRAPER_SONGSTATS_API_KEY";

/// The environment variable of the base URL, named when it is refused at startup.
pub const BASE_URL_VARIABLE: &str = "TECHNO_SCRAPER_SONGSTATS_BASE_URL";

/// The hosts a configured base URL may name (see `scraper_core::site::host_matches`).
pub const HOSTS: &[&str] = &["songstats.com", "*.songstats.com"];

/// `GET` an artist's profile: `artist_info`, links, genres.
pub const ARTIST_INFO: &str = "/artists/info";
/// `GET` an artist's current stats per source: `stats[]{source, data}`.
pub const ARTIST_STATS: &str = "/artists/stats";
/// `GET` an artist's daily history per source: `stats[]{source, data{history[]}}`.
pub const ARTIST_HISTORIC_STATS: &str = "/artists/historic_stats";
/// `GET` artists matching `q` (`limit`, `offset`): `results[]`.
pub const ARTIST_SEARCH: &str = "/artists/search";
/// `GET` a track's metadata: `track_info`.
pub const TRACK_INFO: &str = "/tracks/info";
/// `GET` a track's current stats per source, in the shape of [`ARTIST_STATS`].
pub const TRACK_STATS: &str = "/tracks/stats";

/// Reads the base URL setting: an `https` URL of a songstats.com host, without credentials, query
/// or fragment. A bare host (`https://data.songstats.com`) gets [`API_PATH`]; a trailing `/` is
/// dropped. The error is the startup message.
pub fn base_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    let refuse = |why: &str| {
        format!(
            "{BASE_URL_VARIABLE} must be an https URL of a songstats.com host, like \
             {DEFAULT_BASE_URL}: {why}"
        )
    };
    let mut url = Url::parse(text).map_err(|e| refuse(&format!("'{text}' is not a URL ({e})")))?;
    if url.scheme() != "https" {
        return Err(refuse(&format!("'{}' is not https", url.scheme())));
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        _ => return Err(refuse("it names no host name")),
    };
    if !host_matches(HOSTS, &host) {
        return Err(refuse(&format!("{host} is not a songstats.com host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "it carries credentials (the key has its own setting)",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("it has a query or a fragment"));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(if path.is_empty() { API_PATH } else { &path });
    Ok(url)
}

/// The URL of the endpoint `path` (`/artists/info`) under `base`.
pub(crate) fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    url.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
    url
}

/// `GET path?query` with the operator's key, read with `parse` when Songstats answers 2xx, else
/// classified ([`classify_error`]). The core has already retried 429 and 5xx (and answered
/// `rate_limited`/`upstream_unavailable` with their `Retry-After` when they persisted); an error
/// read from an answer here gets that answer's `Retry-After` too.
pub(crate) async fn call<T>(
    cx: &Cx<Songstats>,
    path: &str,
    query: &[(&str, String)],
    parse: fn(&str) -> Result<T, ScrapeError>,
) -> Result<T, ScrapeError> {
    let url = endpoint(&cx.state().base, path);
    let response = send(cx, &url, query).await?;
    let body = response.text();
    let outcome = if response.is_success() {
        parse(&body)
    } else {
        Err(classify_error(response.status(), &body).unwrap_or_else(|| {
            ScrapeError::changed(format!("songstats answered HTTP {}", response.status()))
        }))
    };
    outcome.map_err(|e| e.or_retry_after(response.retry_after()))
}

async fn send(
    cx: &Cx<Songstats>,
    url: &Url,
    query: &[(&str, String)],
) -> Result<Response, ScrapeError> {
    let request = Request::get_url(url.clone())
        .query(query)
        .header(API_KEY_HEADER, cx.state().key.expose());
    Ok(cx.fetch(request).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_songstats_https_urls() {
        for (given, kept) in [
            (DEFAULT_BASE_URL, DEFAULT_BASE_URL),
            ("https://api.songstats.com/enterprise/v1/", DEFAULT_BASE_URL),
            (
                "https://data.songstats.com",
                "https://data.songstats.com/enterprise/v1",
            ),
            (
                " https://DATA.songstats.com/ ",
                "https://data.songstats.com/enterprise/v1",
            ),
            (
                "https://songstats.com/enterprise/v2",
                "https://songstats.com/enterprise/v2",
            ),
        ] {
            assert_eq!(base_url(given).unwrap().as_str(), kept, "{given}");
        }
        for (given, says) in [
            ("http://api.songstats.com/enterprise/v1", "not https"),
            (
                "https://api.songstats.com.evil.example/x",
                "not a songstats.com host",
            ),
            ("https://evilsongstats.com/x", "not a songstats.com host"),
            ("https://127.0.0.1/x", "no host name"),
            ("https://u:p@api.songstats.com/x", "credentials"),
            ("https://api.songstats.com/x?apikey=1", "query"),
            ("api.songstats.com", "not a URL"),
            ("", "not a URL"),
        ] {
            let err = base_url(given).unwrap_err();
            assert!(
                err.starts_with(BASE_URL_VARIABLE) && err.contains(says),
                "{given}: {err}"
            );
        }
    }

    #[test]
    fn endpoints_sit_under_the_base_path() {
        let base = base_url(DEFAULT_BASE_URL).unwrap();
        assert_eq!(
            endpoint(&base, ARTIST_INFO).as_str(),
            "https://api.songstats.com/enterprise/v1/artists/info"
        );
    }
}
