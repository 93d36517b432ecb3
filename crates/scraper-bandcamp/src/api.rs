//! The upstream calls: the HTML search page, the JSON search API, the mobile API's band_details,
//! and pages of artists' sites (with the public-address check custom domains need).

use std::net::SocketAddr;

use scraper_core::net::is_public_ip;
use scraper_core::{Context, Request, Response, ScrapeError};
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
    parse_search_page(&response.text())
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
        ensure_public_host(ctx, param, host).await?;
        request = request.allow_host(host.as_str());
    } else {
        request = request.hand_back_foreign_redirects();
    }
    let response = match (ctx.fetch(request).await, &page.custom_host) {
        // Redirected off the vetted host, or an oversized answer: not a Bandcamp page.
        (Err(ScrapeError::UpstreamChanged(why)), Some(host)) => {
            return Err(not_bandcamp(param, host, &why));
        }
        (result, _) => result?,
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
        format!("parameter '{param}' names {host}, which does not serve Bandcamp pages ({why})"),
    )
}

/// Resolves `host` and refuses it unless every address is public. Skipped under the test
/// override, where nothing is resolved and every request goes to the local mock.
async fn ensure_public_host(
    ctx: &Context,
    param: &'static str,
    host: &str,
) -> Result<(), ScrapeError> {
    if ctx.http_settings().upstream_override.is_some() {
        return Ok(());
    }
    let lookup = tokio::time::timeout(ctx.remaining(), tokio::net::lookup_host((host, 443)))
        .await
        .map_err(|_| {
            ScrapeError::UpstreamTimeout(format!(
                "the request's deadline passed while resolving {host}"
            ))
        })?;
    let addrs: Vec<SocketAddr> = lookup
        .map_err(|e| ScrapeError::not_found(format!("{host} does not resolve: {e}")))?
        .collect();
    check_public(param, host, &addrs)
}

/// `invalid_params` unless `addrs` is not empty and every one of them is public.
fn check_public(param: &'static str, host: &str, addrs: &[SocketAddr]) -> Result<(), ScrapeError> {
    if addrs.is_empty() {
        return Err(ScrapeError::not_found(format!("{host} does not resolve")));
    }
    match addrs.iter().find(|a| !is_public_ip(a.ip())) {
        Some(private) => Err(ScrapeError::invalid_param(
            param,
            format!(
                "parameter '{param}' names {host}, which resolves to the non-public address {}; refused",
                private.ip()
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ErrorCode;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter()
            .map(|a| SocketAddr::new(a.parse().unwrap(), 443))
            .collect()
    }

    #[test]
    fn custom_domains_must_resolve_publicly() {
        assert!(
            check_public(
                "url",
                "lobstertheremin.com",
                &addrs(&["151.101.1.140", "2a04:4e42::396"])
            )
            .is_ok()
        );
        for private in [
            &["127.0.0.1"][..],
            &["151.101.1.140", "10.0.0.8"],
            &["169.254.169.254"],
            &["::1"],
            &["fd00::1"],
            &["::ffff:192.168.0.1"],
        ] {
            let err = check_public("url", "evil.example", &addrs(private)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParams, "{private:?}");
            assert_eq!(err.param(), Some("url"));
        }
        assert_eq!(
            check_public("url", "nowhere.example", &[])
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
    }
}
