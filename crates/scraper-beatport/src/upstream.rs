//! Talking to Beatport: pages of www.beatport.com, and `api.beatport.com/v4` with the pages'
//! anonymous token (the site state's [`Credential`](scraper_core::Credential): taken from a page
//! when none is valid, reused, replaced once after a 401), with every status read the Beatport
//! way (403 "Territory" is `not_found`, a challenge page is `blocked`).

use std::sync::Arc;

use scraper_core::{Context, Cx, Request, Response, ScrapeError, walls};
use serde::de::DeserializeOwned;
use url::Url;

use crate::Beatport;
use crate::model::WEB;
use crate::parse::next_data::AnonSession;
use crate::parse::pages;
use crate::token;

/// Base of the catalog API.
pub const API: &str = "https://api.beatport.com/v4/catalog";

/// `GET` of a www.beatport.com page, answered 2xx; `what` names it for errors ("Beatport
/// release 42"). Parse it with `Context::parse` (off the async workers when it is big).
pub async fn page(ctx: &Context, url: &str, what: &str) -> Result<Response, ScrapeError> {
    page_request(ctx, Request::get(url), what).await
}

/// A www.beatport.com page for a prepared request (a search with its query, say).
pub async fn page_request(
    ctx: &Context,
    request: Request,
    what: &str,
) -> Result<Response, ScrapeError> {
    let response = ctx.fetch(request).await?;
    match response.status() {
        200..=299 => Ok(response),
        404 | 410 => Err(ScrapeError::not_found(format!("{what} does not exist"))),
        _ => {
            walls::ensure_not_challenged("beatport", &response.text(), false)?;
            Err(response.error_for_status(what).err().unwrap_or_else(|| {
                ScrapeError::changed(format!(
                    "beatport answered HTTP {} for {what}",
                    response.status()
                ))
            }))
        }
    }
}

/// The `detail` of an API error body, when there is one.
fn detail(response: &Response) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Problem {
        detail: Option<String>,
    }
    serde_json::from_slice::<Problem>(response.bytes())
        .ok()?
        .detail
        .filter(|d| !d.trim().is_empty())
}

/// Keeps the token a page carried (pages fetched for their content give it for free) when it
/// outlives the one held; answers it, to be used right away whatever its remaining lifetime.
pub fn offer(state: &Beatport, session: Option<&AnonSession>) -> Option<Arc<String>> {
    session.map(|s| {
        let (value, lifetime) = token::of_session(s);
        state.token.offer(value, lifetime)
    })
}

/// Whether a valid token is held (an API call then needs no page first).
pub fn has_token(state: &Beatport) -> bool {
    state.token.current().is_some()
}

/// The token of `token_page`, fetched for it.
async fn token_from(
    ctx: &Context,
    token_page: &str,
    what: &str,
) -> Result<(String, Option<std::time::Duration>), ScrapeError> {
    let html = page(ctx, token_page, what).await?;
    let session = pages::anon_session(&html.text())?.ok_or_else(|| {
        ScrapeError::changed("the beatport page carries no anonymous session (anonSession)")
    })?;
    Ok(token::of_session(&session))
}

/// `GET` of a catalog API URL with the anonymous token, as JSON. `fresh` is a token the caller
/// just took from a page; `token_page` is the page to take one from when no valid token is held
/// (fetched once however many scrapes wait for it); `what` names the entity for errors.
pub async fn api<T: DeserializeOwned>(
    cx: &Cx<Beatport>,
    url: &Url,
    fresh: Option<Arc<String>>,
    token_page: &str,
    what: &str,
) -> Result<T, ScrapeError> {
    let credential = &cx.state().token;
    let mut token = match fresh {
        Some(token) => token,
        None => credential.get(|| token_from(cx, token_page, what)).await?,
    };
    let mut refreshed = false;
    loop {
        let request = Request::get_url(url.clone())
            .header("accept", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .header("origin", WEB)
            .header("referer", format!("{WEB}/"));
        let response = cx.fetch(request).await?;
        match response.status() {
            200..=299 => return response.json(),
            401 if !refreshed => {
                token = credential
                    .refresh(&token, || token_from(cx, token_page, what))
                    .await?;
                refreshed = true;
            }
            401 => {
                credential.invalidate(&token);
                return Err(ScrapeError::blocked(
                    "beatport refused a fresh anonymous token (HTTP 401)",
                ));
            }
            403 => {
                let detail = detail(&response);
                if let Some(detail) =
                    detail.filter(|d| d.to_ascii_lowercase().contains("territory"))
                {
                    return Err(ScrapeError::not_found(format!(
                        "{what} is not available here: {detail}"
                    )));
                }
                walls::ensure_not_challenged("beatport", &response.text(), false)?;
                return Err(ScrapeError::blocked(format!(
                    "beatport refused access to {what} (HTTP 403)"
                )));
            }
            404 | 410 => return Err(ScrapeError::not_found(format!("{what} does not exist"))),
            status => {
                return Err(ScrapeError::changed(format!(
                    "beatport answered HTTP {status} for {what}"
                )));
            }
        }
    }
}

/// A catalog API URL: `path` below `/v4/catalog/` (with its trailing slash) and query pairs.
pub fn api_url(path: &str, query: &[(&str, String)]) -> Result<Url, ScrapeError> {
    let mut url = Url::parse(&format!("{API}/{}", path.trim_start_matches('/')))
        .map_err(|e| ScrapeError::internal(format!("bad beatport API path {path:?}: {e}")))?;
    if !query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
    }
    Ok(url)
}
