//! The page forms the actions accept — a URL of an artist's `*.bandcamp.com` site, a subdomain,
//! or (only when the operator allows it) a URL on an artist's custom domain — checked before
//! anything is fetched.

use scraper_core::refs::is_idn;
use scraper_core::{ScrapeError, parse_site_url};
use url::{Host, Url};

/// The environment variable that lets custom domains through.
pub(crate) const CUSTOM_DOMAINS_VAR: &str = "TECHNO_SCRAPER_BANDCAMP_ALLOW_CUSTOM_DOMAINS";

/// Top-level names that never lead to a public web site.
const PRIVATE_SUFFIXES: &[&str] = &[
    ".local",
    ".localhost",
    ".internal",
    ".lan",
    ".home",
    ".corp",
    ".intranet",
    ".arpa",
    ".onion",
    ".test",
    ".invalid",
    ".example",
];

/// A page to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageUrl {
    /// `https`, no credentials, port, query or fragment; repeated slashes collapsed.
    pub(crate) url: Url,
    /// The host, when it is an artist's custom domain rather than a `*.bandcamp.com` name.
    pub(crate) custom_host: Option<String>,
}

impl PageUrl {
    /// The same site's page at `path`.
    pub(crate) fn with_path(&self, path: &str) -> Self {
        let mut url = self.url.clone();
        url.set_path(path);
        Self {
            url,
            custom_host: self.custom_host.clone(),
        }
    }
}

/// Reads a `url` parameter naming a page of an artist's or label's site.
pub(crate) fn parse_page_url(
    param: &'static str,
    input: &str,
    allow_custom: bool,
) -> Result<PageUrl, ScrapeError> {
    let (mut url, custom_host) = match parse_site_url(param, input, crate::SITE.url_hosts()) {
        Ok(url) => {
            if url.host_str() == Some("www.bandcamp.com") {
                return Err(not_a_band_site(param));
            }
            (url, None)
        }
        Err(refused) => {
            let Some(host) = domain_of(input) else {
                return Err(refused);
            };
            if is_idn(&host) {
                return Err(ScrapeError::invalid_param(
                    param,
                    format!(
                        "parameter '{param}' names {host}, an internationalised domain name (which can imitate another); only plain ASCII host names are accepted"
                    ),
                ));
            }
            if host == "bandcamp.com" || host.ends_with(".bandcamp.com") {
                return Err(if host == "bandcamp.com" {
                    not_a_band_site(param)
                } else {
                    refused
                });
            }
            if !allow_custom {
                return Err(ScrapeError::invalid_param(
                    param,
                    format!(
                        "parameter '{param}' must be a URL of an artist's or label's site on bandcamp.com; \
                         custom domains such as {host} are refused unless the operator sets {CUSTOM_DOMAINS_VAR}=true"
                    ),
                ));
            }
            if !is_public_domain_name(&host) {
                return Err(ScrapeError::invalid_param(
                    param,
                    format!("parameter '{param}' names {host}, which is not a public domain"),
                ));
            }
            // The core's rules for the rest: scheme, credentials, port.
            let url = parse_site_url(param, input, &[host.as_str()])?;
            (url, Some(host))
        }
    };
    url.set_query(None);
    url.set_fragment(None);
    let path = collapse_slashes(url.path());
    url.set_path(&path);
    Ok(PageUrl { url, custom_host })
}

/// Reads a `url` parameter that must be an album (`/album/..`) or track (`/track/..`) page.
pub(crate) fn parse_release_url(
    param: &'static str,
    input: &str,
    kind: &str,
    allow_custom: bool,
) -> Result<PageUrl, ScrapeError> {
    let page = parse_page_url(param, input, allow_custom)?;
    let prefix = format!("/{kind}/");
    let is_release = page
        .url
        .path()
        .strip_prefix(&prefix)
        .is_some_and(|slug| !slug.trim_matches('/').is_empty());
    if is_release {
        Ok(page)
    } else {
        Err(ScrapeError::invalid_param(
            param,
            format!(
                "parameter '{param}' must be the URL of a Bandcamp {kind} page (https://<artist>.bandcamp.com/{kind}/<name>)"
            ),
        ))
    }
}

/// Reads a `subdomain` parameter (`infiniteammo`, or `infiniteammo.bandcamp.com`): the site's home page.
pub(crate) fn parse_subdomain(input: &str) -> Result<PageUrl, ScrapeError> {
    let lower = input.trim().to_ascii_lowercase();
    let label = lower.strip_suffix(".bandcamp.com").unwrap_or(&lower);
    let valid = (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label != "www";
    if !valid {
        return Err(ScrapeError::invalid_param(
            "subdomain",
            "parameter 'subdomain' must be the name before .bandcamp.com (letters, digits and '-'), e.g. infiniteammo",
        ));
    }
    let url = Url::parse(&format!("https://{label}.bandcamp.com/")).map_err(|_| {
        ScrapeError::invalid_param(
            "subdomain",
            "parameter 'subdomain' is not a valid host name",
        )
    })?;
    Ok(PageUrl {
        url,
        custom_host: None,
    })
}

/// Reads a site URL Bandcamp itself gave (`bandcamp_url` of band_details): `None` when it is on a
/// custom domain we may not contact, or unreadable.
pub(crate) fn trusted_site_url(url: &str, allow_custom: bool) -> Option<PageUrl> {
    parse_page_url("url", url, allow_custom).ok()
}

fn not_a_band_site(param: &'static str) -> ScrapeError {
    ScrapeError::invalid_param(
        param,
        format!(
            "parameter '{param}' must be a URL of an artist's or label's site (https://<name>.bandcamp.com/...), not of bandcamp.com itself"
        ),
    )
}

/// The domain name an input names, when it reads as a URL with a domain host.
fn domain_of(input: &str) -> Option<String> {
    let input = input.trim();
    let text = if input.contains("://") {
        input.to_owned()
    } else {
        format!("https://{}", input.trim_start_matches('/'))
    };
    match Url::parse(&text).ok()?.host()? {
        Host::Domain(d) => Some(d.trim_end_matches('.').to_ascii_lowercase()),
        Host::Ipv4(_) | Host::Ipv6(_) => None,
    }
}

/// A syntactically public DNS name: at least two labels of letters, digits and inner hyphens,
/// an alphabetic top-level label, and none of the private-use suffixes.
fn is_public_domain_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let valid_labels = labels.len() >= 2
        && host.len() <= 253
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    let tld_alphabetic = labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()));
    let private = PRIVATE_SUFFIXES.iter().any(|s| host.ends_with(s)) || host == "localhost";
    valid_labels && tld_alphabetic && !private
}

fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    if out.is_empty() { "/".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ErrorCode;

    fn refused(input: &str, allow_custom: bool) -> String {
        let err = parse_page_url("url", input, allow_custom).expect_err(input);
        assert_eq!(err.code(), ErrorCode::InvalidParams, "{input}");
        assert_eq!(err.param(), Some("url"), "{input}");
        err.to_string()
    }

    #[test]
    fn band_sites() {
        let p = parse_page_url("url", "https://infiniteammo.bandcamp.com", false).unwrap();
        assert_eq!(p.url.as_str(), "https://infiniteammo.bandcamp.com/");
        assert_eq!(p.custom_host, None);
        let p = parse_page_url(
            "url",
            "http://MacBenson.bandcamp.com//track/x?from=search#t",
            false,
        )
        .unwrap();
        assert_eq!(p.url.as_str(), "https://macbenson.bandcamp.com/track/x");
        assert_eq!(
            p.with_path("/music").url.as_str(),
            "https://macbenson.bandcamp.com/music"
        );
    }

    #[test]
    fn custom_domains_only_when_allowed() {
        let msg = refused("https://lobstertheremin.com", false);
        assert!(msg.contains(CUSTOM_DOMAINS_VAR), "{msg}");
        let p = parse_page_url("url", "https://lobstertheremin.com/music/", true).unwrap();
        assert_eq!(p.custom_host.as_deref(), Some("lobstertheremin.com"));
        assert_eq!(p.url.as_str(), "https://lobstertheremin.com/music/");
        for bad in [
            "http://localhost/",
            "http://metadata.google.internal/",
            "http://printer.local/",
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://[::1]/",
            "https://user:pw@lobstertheremin.com/",
            "https://lobstertheremin.com:8443/",
            "https://bad-.com/",
            "ftp://lobstertheremin.com/",
            "https://bandcamp.com/search?q=x",
            "https://www.bandcamp.com/",
            "https://foo.bandcamp.com.evil.example/",
        ] {
            refused(bad, true);
        }
        refused("https://foo.bandcamp.com.evil.example/", false);
    }

    #[test]
    fn lookalike_domains_are_refused_even_when_custom_domains_are_allowed() {
        for allow_custom in [false, true] {
            for lookalike in [
                // a Cyrillic о in .com, in bandcamp, in the artist's name; punycode typed as is
                "https://macbenson.bandcamp.c\u{43e}m/album/coming-of-age",
                "https://macbenson.bandc\u{430}mp.com/",
                "https://m\u{430}cbenson.bandcamp.com/",
                "https://xn--lbstertheremin-vzl.com/",
                "macbenson.bandcamp.c\u{43e}m",
            ] {
                let msg = refused(lookalike, allow_custom);
                assert!(
                    msg.contains("internationalised") || msg.contains("plain ASCII"),
                    "{lookalike}: {msg}"
                );
            }
        }
        assert!(trusted_site_url("https://l\u{43e}bstertheremin.com", true).is_none());
        assert!(trusted_site_url("https://lobstertheremin.com", true).is_some());
    }

    #[test]
    fn release_urls_and_subdomains() {
        assert!(
            parse_release_url(
                "url",
                "https://macbenson.bandcamp.com/album/coming-of-age",
                "album",
                false
            )
            .is_ok()
        );
        assert!(
            parse_release_url(
                "url",
                "https://macbenson.bandcamp.com/track/coming-of-age",
                "album",
                false
            )
            .is_err()
        );
        assert!(
            parse_release_url(
                "url",
                "https://macbenson.bandcamp.com/album/",
                "album",
                false
            )
            .is_err()
        );
        assert_eq!(
            parse_subdomain(" InfiniteAmmo ").unwrap().url.as_str(),
            "https://infiniteammo.bandcamp.com/"
        );
        assert_eq!(
            parse_subdomain("c418.bandcamp.com").unwrap().url.as_str(),
            "https://c418.bandcamp.com/"
        );
        for bad in [
            "",
            "-x",
            "a.b",
            "a/b",
            "x y",
            "www",
            "évian",
            &"a".repeat(64),
        ] {
            assert_eq!(
                parse_subdomain(bad).unwrap_err().param(),
                Some("subdomain"),
                "{bad}"
            );
        }
        assert!(trusted_site_url("https://lobstertheremin.com", false).is_none());
        assert!(trusted_site_url("https://infiniteammo.bandcamp.com", false).is_some());
    }
}
