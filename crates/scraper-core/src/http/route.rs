//! Where a request may go and where it really goes: the destination check every hop passes
//! (scheme, credentials, IP literals, the site's hosts) and the test override that sends
//! everything to a local server, keeping the `Host`.

use reqwest::header::HeaderValue;
use url::{Host, Url};

use super::FetchError;
use crate::site::{SiteDescription, host_matches};

/// Refuses a destination outside the site's hosts (and the request's vetted extra hosts).
pub(super) fn check_destination(
    site: &'static SiteDescription,
    url: &Url,
    extra: &[String],
) -> Result<(), FetchError> {
    let refused = |what: String| FetchError::HostRefused {
        site: site.slug,
        what,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(format!("a {} URL", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("a URL with credentials".into()));
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        Some(_) => return Err(refused("an IP address".into())),
        None => return Err(refused("a URL without host".into())),
    };
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    if site.allows_host(&host) || host_matches(&extra, &host) {
        Ok(())
    } else {
        Err(refused(format!("foreign host {host}")))
    }
}

/// Where the request really goes, and the Host header to keep when it is overridden.
pub(super) fn route(upstream_override: Option<&Url>, url: &Url) -> (Url, Option<HeaderValue>) {
    let Some(base) = upstream_override else {
        return (url.clone(), None);
    };
    let mut target = base.clone();
    target.set_path(url.path());
    target.set_query(url.query());
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => String::new(),
    };
    (target, HeaderValue::from_str(&host).ok())
}
