//! The upstream calls: the HTML search page, the JSON search API, the mobile API's band_details,
//! and pages of artists' sites (custom domains included; the core's resolver connects to public
//! addresses only).

use scraper_core::{Context, FetchError, Request, Response, ScrapeError};
use serde_json::json;

use crate::model::SearchItem;
use crate::parse::autocomplete::parse_autocomplete;
use crate::parse::band_details::{BandDetails, parse_band_details};
use crate::parse::band_page::is_bandcamp_page;
use crate::parse::search::{SearchPage, parse_search_page};
use crate::urls::{PageUrl, parse_page_url};

const SEARCH_URL: &str = "https://bandcamp.com/search";
const AUTOCOMPLETE_URL: &str =
    "https://bandcamp.com/api/bcsearch_public_api/1/autocomplete_elastic";
const BAND_DETAILS_URL: &str = "https://bandcamp.com/api/mobile/22/band_details";

/// Page `page` (1-based) of the HTML search for `q`, narrowed to `item_type` (`b`, `a`, `t`).
pub(crate) async fn search_page(
    ctx: &Context,
    q: &str,
    item_type: Option<&str>,
    page: u32,
) -> Result<SearchPage, ScrapeError> {
    let page = page.to_string();
    let mut pairs = vec![("q", q)];
    if let Some(item_type) = item_type {
        pairs.push(("item_type", item_type));
    }
    pairs.push(("page", page.as_str()));
    let response = ctx.fetch(Request::get(SEARCH_URL).query(&pairs)).await?;
    response.error_for_status("bandcamp's search page")?;
    ctx.parse(&response, parse_search_page).await
}

/// The JSON search API's hits for `q`, narrowed by `filter` (`b`, `a`, `t` or empty).
pub(crate) async fn autocomplete(
    ctx: &Context,
    q: &str,
    filter: &str,
) -> Result<Vec<SearchItem>, ScrapeError> {
    let body =
        json!({"search_text": q, "search_filter": filter, "full_page": false, "fan_id": null});
    let response = ctx
        .fetch(Request::post(AUTOCOMPLETE_URL).json(&body))
        .await?;
    response.error_for_status("bandcamp's search API")?;
    parse_autocomplete(&response.text())
}

/// What the mobile API knows of band `band_id`.
pub(crate) async fn band_details(ctx: &Context, band_id: u64) -> Result<BandDetails, ScrapeError> {
    let response = ctx
        .fetch(Request::post(BAND_DETAILS_URL).json(&json!({ "band_id": band_id })))
        .await?;
    response.error_for_status(&format!("bandcamp band {band_id}"))?;
    parse_band_details(&response.text())
}

/// A page of an artist's site. On a custom domain, the name must resolve to public addresses
/// before we connect, and the answer must be a Bandcamp page (else `invalid_params` for `param`).
///
/// When Bandcamp itself redirects a `*.bandcamp.com` site to the artist's own domain, that
/// redirect is followed whatever the custom-domain setting (which governs URLs clients give):
/// Bandcamp vouches for the domain, and the same checks apply to it — public addresses only,
/// and a Bandcamp page in answer.
pub(crate) async fn site_page(
    ctx: &Context,
    page: &PageUrl,
    param: &'static str,
) -> Result<Response, ScrapeError> {
    let response = fetch_site_page(ctx, page, param).await?;
    if page.custom_host.is_some() || !(300..400).contains(&response.status()) {
        return Ok(response);
    }
    let target = vouched_domain(&response)?;
    fetch_site_page(ctx, &target, param)
        .await
        .map_err(|e| match e {
            ScrapeError::InvalidParams { reason, .. } => ScrapeError::changed(format!(
                "bandcamp redirected {} to a site we refused to follow: {reason}",
                page.url
            )),
            other => other,
        })
}

/// The custom-domain page a `*.bandcamp.com` redirect points at.
fn vouched_domain(redirect: &Response) -> Result<PageUrl, ScrapeError> {
    let changed =
        |why: &str| ScrapeError::changed(format!("bandcamp redirected {} {why}", redirect.url()));
    let location = redirect
        .header("location")
        .ok_or_else(|| changed("without a location"))?;
    let target = redirect
        .url()
        .join(location)
        .map_err(|_| changed("to an unreadable location"))?;
    match parse_page_url("url", target.as_str(), true) {
        Ok(page) if page.custom_host.is_some() => Ok(page),
        Ok(_) => Err(changed("in circles")),
        Err(refused) => Err(changed(&format!("to {target}, which we refuse: {refused}"))),
    }
}

/// One fetch of a site page; a `*.bandcamp.com` page's redirect to another host comes back as
/// the 3xx answer for [`site_page`] to vet.
async fn fetch_site_page(
    ctx: &Context,
    page: &PageUrl,
    param: &'static str,
) -> Result<Response, ScrapeError> {
    let mut request = Request::get_url(page.url.clone());
    if let Some(host) = &page.custom_host {
        // The core's resolver refuses a name without public addresses when connecting.
        request = request.allow_host(host.as_str());
    } else {
        request = request.hand_back_foreign_redirects();
    }
    let response = match ctx.fetch(request).await {
        Ok(response) => response,
        Err(e) => {
            return Err(match (&page.custom_host, &e) {
                // A name without public addresses, or a redirect off the vetted host: not a
                // Bandcamp site. Any other failure (an oversized answer, a timeout, a 5xx)
                // keeps its own code.
                (
                    Some(host),
                    FetchError::NonPublicAddress { .. } | FetchError::HostRefused { .. },
                ) => not_bandcamp(param, host, &e.to_string()),
                _ => e.into(),
            });
        }
    };
    if page.custom_host.is_none() && (300..400).contains(&response.status()) {
        return Ok(response);
    }
    let what = format!("bandcamp page {}", page.url);
    if let Some(host) = &page.custom_host {
        // Whatever the status, a site that is not Bandcamp's makes the URL a foreign one.
        let body = response.text();
        let served_by_bandcamp = if response.is_success() {
            is_bandcamp_page(&body)
        } else {
            body.contains("bcbits.com/")
        };
        if !served_by_bandcamp {
            return Err(not_bandcamp(
                param,
                host,
                &format!("HTTP {}", response.status()),
            ));
        }
    }
    response.error_for_status(&what)?;
    if matches!(
        response.url().host_str(),
        Some("bandcamp.com" | "www.bandcamp.com")
    ) {
        return Err(ScrapeError::not_found(format!(
            "{what} does not exist (bandcamp sent us to {})",
            response.url()
        )));
    }
    Ok(response)
}

fn not_bandcamp(param: &'static str, host: &str, why: &str) -> ScrapeError {
    ScrapeError::invalid_param(
        param,
        format!(
            "parameter '{param}' names {host}, which is not a Bandcamp site we may fetch ({why})"
        ),
    )
}
