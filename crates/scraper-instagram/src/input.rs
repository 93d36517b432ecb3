//! The `user` parameter: a handle (`nasa`, `@nasa`) or a profile URL on instagram.com
//! (`https://www.instagram.com/nasa/reels/?igsh=...`), read into a checked [`Handle`] before
//! anything is fetched. Everything else is `invalid_params` naming `user`.

use std::fmt;

use scraper_core::ScrapeError;
use scraper_core::refs::{looks_like_url, parse_site_url};

/// The hosts a profile URL may name.
pub const HOSTS: [&str; 3] = ["instagram.com", "www.instagram.com", "m.instagram.com"];

/// The parameter this module reads.
const PARAM: &str = "user";

/// Longest handle Instagram allows.
const MAX_HANDLE: usize = 30;

/// First path segments that are Instagram's own pages, not accounts.
const RESERVED: &[&str] = &[
    "about",
    "accounts",
    "api",
    "ar",
    "challenge",
    "developer",
    "direct",
    "directory",
    "emails",
    "explore",
    "graphql",
    "legal",
    "lite",
    "nametag",
    "oauth",
    "p",
    "privacy",
    "qr",
    "reel",
    "reels",
    "s",
    "session",
    "share",
    "static",
    "stories",
    "terms",
    "tv",
    "web",
    "your_activity",
];

/// A checked Instagram handle: 1–30 of `a`–`z`, `0`–`9`, `.`, `_`, not starting or ending
/// with `.`, without `..`, lowercase (Instagram's handles are case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Handle(String);

impl Handle {
    /// The handle (`nasa`), safe in a URL path, a query value and a JSON string as it is.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The handle as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Handle {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

fn refuse(why: &str) -> ScrapeError {
    ScrapeError::invalid_param(PARAM, format!("parameter '{PARAM}' {why}"))
}

/// Reads the `user` parameter: `nasa`, `@nasa`, ` nasa `, or a URL on instagram.com,
/// www.instagram.com or m.instagram.com whose first path segment is the account (`/nasa/`,
/// `/nasa/reels/`, `/nasa/tagged/`, `/_u/nasa`), with or without scheme, `http` or `https`,
/// with any query string (`?igsh=...&utm_source=qr`).
///
/// Refused as `invalid_params` naming `user`: an empty value, a URL of any other host (checked
/// by [`scraper_core::refs::parse_site_url`]: no credentials, ports or IP addresses), a URL of
/// Instagram's own pages (`/p/...`, `/reel/...`, `/explore/...`, `/accounts/...`,
/// `/stories/...`), and anything that is not a valid handle.
pub fn parse_user(input: &str) -> Result<Handle, ScrapeError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(refuse(
            "is required: an Instagram handle (nasa) or profile URL",
        ));
    }
    if looks_like_url(input) || names_a_host(input) {
        let url = parse_site_url(PARAM, input, &HOSTS)?;
        let mut segments = url
            .path_segments()
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty());
        let first = match segments.next() {
            Some("_u") => segments.next(),
            other => other,
        };
        let Some(first) = first else {
            return Err(refuse("must be the URL of an Instagram profile"));
        };
        let first = first.to_ascii_lowercase();
        if RESERVED.contains(&first.as_str()) {
            return Err(refuse(&format!(
                "must be the URL of an Instagram profile, not of its /{first}/ pages"
            )));
        }
        return handle(&first);
    }
    let bare = input.strip_prefix('@').unwrap_or(input);
    handle(bare)
}

/// Whether `input` is one of our hosts without a path (`instagram.com`, `www.instagram.com?x`),
/// which would otherwise pass for a handle with dots.
fn names_a_host(input: &str) -> bool {
    let lower = input.to_ascii_lowercase();
    HOSTS.iter().any(|host| {
        lower
            .strip_prefix(host)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['?', '#', '.']))
    })
}

/// Checks a handle and lowercases it.
fn handle(text: &str) -> Result<Handle, ScrapeError> {
    let valid = !text.is_empty()
        && text.len() <= MAX_HANDLE
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        && !text.starts_with('.')
        && !text.ends_with('.')
        && !text.contains("..");
    if valid {
        Ok(Handle(text.to_ascii_lowercase()))
    } else {
        Err(refuse(
            "must be an Instagram handle (1 to 30 letters, digits, '.' and '_', not starting or ending with '.') or a profile URL on instagram.com",
        ))
    }
}
