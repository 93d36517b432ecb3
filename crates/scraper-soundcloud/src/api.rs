//! Calls to api-v2 with a `client_id`: the id (a [`Credential`] in the site's state) is
//! discovered once (homepage hydration, else the JS bundles), kept for every request, and
//! rediscovered once when SoundCloud refuses it.

use scraper_core::{Context, Credential, FetchError, Request, Response, ScrapeError, Use, walls};
use url::Url;

use crate::parse::client_id::{
    asset_script_urls, parse_bundle_client_id, parse_hydration_client_id,
};

/// The API every data request goes to.
pub(crate) const API_BASE: &str = "https://api-v2.soundcloud.com";
/// The page that names the web app's client_id.
const HOMEPAGE: &str = "https://soundcloud.com/";
/// JS bundles tried, from the last one the homepage loads, when the hydration has no id.
const MAX_BUNDLES: usize = 4;
/// The id sits near the start of its bundle; like NewPipe, read only the head of each.
const BUNDLE_RANGE: &str = "bytes=0-50000";

/// `GET url` on api-v2 with the client_id, without retry on refusal (best-effort extras).
pub(crate) async fn get_json_once(
    cx: &Context,
    ids: &Credential<String>,
    url: &Url,
) -> Result<Response, ScrapeError> {
    let id = ids.get(|| discovered(cx)).await?;
    Ok(send(cx, url, &id).await?)
}

/// `GET url` on api-v2 with the client_id; on 401/403 the id is rediscovered and the request
/// sent once more. A refusal that survives the refresh is `blocked`. Other statuses are the
/// caller's to read.
pub(crate) async fn get_json(
    cx: &Context,
    ids: &Credential<String>,
    url: &Url,
) -> Result<Response, ScrapeError> {
    ids.use_with_refresh(
        || discovered(cx),
        |id| async move {
            let response = send(cx, url, &id).await?;
            Ok(if matches!(response.status(), 401 | 403) {
                Use::Refused
            } else {
                Use::Done(response)
            })
        },
    )
    .await
}

async fn send(cx: &Context, url: &Url, client_id: &str) -> Result<Response, FetchError> {
    let mut url = without_client_id(url);
    url.query_pairs_mut().append_pair("client_id", client_id);
    cx.fetch(
        Request::get_url(url).header("accept", "application/json, text/javascript, */*; q=0.1"),
    )
    .await
}

/// `url` without any `client_id` query parameter (a cursor or `next_href` never keeps one).
pub(crate) fn without_client_id(url: &Url) -> Url {
    let mut clean = url.clone();
    if url.query_pairs().any(|(k, _)| k == "client_id") {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "client_id")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        clean.set_query(None);
        if !kept.is_empty() {
            clean.query_pairs_mut().extend_pairs(kept);
        }
    }
    clean
}

/// A discovered client_id, for the credential: it lives until SoundCloud refuses it.
async fn discovered(cx: &Context) -> Result<(String, Option<std::time::Duration>), ScrapeError> {
    Ok((discover(cx).await?, None))
}

/// Finds the web app's client_id: the homepage's hydration data, else its JS bundles, last first.
async fn discover(cx: &Context) -> Result<String, ScrapeError> {
    let home = cx.get(HOMEPAGE).await?;
    let body = home.text();
    if !home.is_success() {
        walls::ensure_not_challenged("soundcloud", &body, false)?;
        // The homepage always exists: any refusal here says nothing about the user asked for,
        // only that discovery no longer works the way it did.
        return Err(ScrapeError::changed(format!(
            "the SoundCloud homepage answered HTTP {}; no client_id can be discovered",
            home.status()
        )));
    }
    walls::ensure_not_challenged("soundcloud", &body, body.contains("__sc_hydration"))?;
    if let Some(id) = parse_hydration_client_id(&body) {
        tracing::debug!(
            site = "soundcloud",
            source = "hydration",
            "client_id discovered"
        );
        return Ok(id);
    }
    let mut last_error = None;
    for script in asset_script_urls(&body).iter().rev().take(MAX_BUNDLES) {
        match cx
            .fetch(
                Request::get(script)
                    .header("range", BUNDLE_RANGE)
                    .header("accept", "*/*"),
            )
            .await
        {
            Ok(js) if js.is_success() => {
                if let Some(id) = parse_bundle_client_id(&js.text()) {
                    tracing::debug!(
                        site = "soundcloud",
                        source = "bundle",
                        "client_id discovered"
                    );
                    return Ok(id);
                }
            }
            Ok(_) => {}
            // Out of time: no other bundle can be read either.
            Err(e @ FetchError::Timeout { .. }) => return Err(e.into()),
            Err(e) => last_error = Some(ScrapeError::from(e)),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        ScrapeError::changed(
            "found no client_id in the SoundCloud homepage nor in the scripts it loads",
        )
    }))
}
