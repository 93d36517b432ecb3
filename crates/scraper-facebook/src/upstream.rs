//! The one way this site talks to Facebook: a plain page navigation (`GET` of a
//! `https://www.facebook.com/...` page with the browser headers the site declares, plus the
//! operator's session cookie when one is set), and what the answer is before any parser reads it.
//!
//! The core follows redirects within facebook.com; the answer's final URL is then vetted (a landing
//! on `/login`, `/cookie/consent-page` or `/checkpoint` is a wall whatever its status), a redirect
//! to another host is handed back and refused by name, and a status that says by itself what
//! happened is mapped here. Only a 2xx reaches a parser, which tells walls from content by the body.

use scraper_core::{Request, Response, ScrapeError};

use crate::Cx;
use crate::walls::{Wall, classify_redirect, classify_status, detect};

/// A Facebook answer that may be read.
pub(crate) enum Fetched {
    /// A 2xx with its body.
    Page(String),
    /// 404 or 410, or another refusal saying "this content isn't available": nothing at that
    /// address (a caller with another address to try tries it).
    Missing(ScrapeError),
}

/// `GET url` on facebook.com as a browser navigation would, vetted (see the module's doc).
pub(crate) async fn navigate(cx: &Cx, url: &str) -> Result<Fetched, ScrapeError> {
    let mut request = Request::get(url).hand_back_foreign_redirects();
    if let Some(cookie) = cx.state().cookie() {
        // Only facebook.com hosts are this site's, and the core refuses every other host before
        // sending (redirects included), so the cookie reaches facebook.com only.
        request = request.header("cookie", cookie);
    }
    let response = cx.fetch(request).await?;
    vet(&response)?;
    match response.status() {
        200..=299 => Ok(Fetched::Page(response.text().into_owned())),
        status => {
            let missing = classify_status(status).is_some();
            match detect(&response.text()) {
                // "Not available" is what a 404 says anyway: another address may still be tried.
                Some(Wall::NotFound) => Ok(Fetched::Missing(Wall::NotFound.error())),
                Some(wall) => Err(wall.error()),
                None if missing => Ok(Fetched::Missing(ScrapeError::not_found(format!(
                    "facebook has nothing at {} (HTTP {status})",
                    path_of(response.url())
                )))),
                None => Err(refusal(status)),
            }
        }
    }
}

/// The wall a redirect led to (the final URL after the core followed it within facebook.com), or a
/// redirect that was handed back because it leaves facebook.com.
fn vet(response: &Response) -> Result<(), ScrapeError> {
    if let Some(error) = classify_redirect(response.url().as_str()) {
        return Err(error);
    }
    if (300..400).contains(&response.status()) {
        let status = response.status();
        let Some(location) = response.header("location").filter(|l| !l.trim().is_empty()) else {
            return Err(ScrapeError::changed(format!(
                "facebook answered HTTP {status} without a location"
            )));
        };
        if let Some(error) = classify_redirect(location) {
            return Err(error);
        }
        let host = url::Url::parse(location.trim())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "an unreadable location".to_owned());
        return Err(ScrapeError::changed(format!(
            "facebook redirected {} to {host}, outside facebook.com",
            path_of(response.url())
        )));
    }
    Ok(())
}

/// A status that is neither content, nor "missing", nor a wall by its body.
fn refusal(status: u16) -> ScrapeError {
    match status {
        400 | 401 | 403 => ScrapeError::blocked(format!(
            "facebook refused the request (HTTP {status}): it turns away requests that do not \
             look like a browser's"
        )),
        status => ScrapeError::changed(format!("facebook answered HTTP {status}")),
    }
}

/// The path and query of a Facebook URL, for messages (`/heymeedan/`, `/profile.php?id=1`).
fn path_of(url: &url::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}
