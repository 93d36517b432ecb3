//! The site's settings and what it keeps across requests: the web client's ids (defaults that an
//! operator can override when Instagram rotates them) and the optional logged-in session, whose
//! `sessionid` cookie goes to instagram.com hosts only and is never printed.

use schemars::JsonSchema;
use scraper_core::Secret;
use serde::Deserialize;
use url::Url;

use crate::SITE;
use crate::request::{DEFAULT_APP_ID, DEFAULT_TIMELINE_DOC_ID, DEFAULT_TIMELINE_PAGE_DOC_ID};

/// Longest id a setting may hold (the ids Instagram uses have 15 to 17 digits).
const MAX_ID_DIGITS: usize = 32;

/// Longest `sessionid` accepted (Instagram's are about 70 characters).
const MAX_SESSIONID: usize = 512;

/// Length of the `csrftoken` we make up (the web client's are 32 characters).
const CSRF_LEN: usize = 32;

/// Instagram's settings.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct Settings {
    /// The sessionid cookie of a logged-in Instagram session, sent only to instagram.com; then the same calls work where Instagram asks for a login
    pub(crate) sessionid: Option<Secret>,
    /// The web client's application id, sent as X-IG-App-ID (change it when Instagram rotates it)
    #[serde(default = "default_app_id")]
    pub(crate) app_id: String,
    /// doc_id of the GraphQL user-timeline query for a first page of posts (change it when Instagram rotates it)
    #[serde(default = "default_timeline_doc_id")]
    pub(crate) timeline_doc_id: String,
    /// doc_id of the GraphQL user-timeline query for the pages after the first (change it when Instagram rotates it)
    #[serde(default = "default_timeline_page_doc_id")]
    pub(crate) timeline_page_doc_id: String,
}

fn default_app_id() -> String {
    DEFAULT_APP_ID.to_owned()
}

fn default_timeline_doc_id() -> String {
    DEFAULT_TIMELINE_DOC_ID.to_owned()
}

fn default_timeline_page_doc_id() -> String {
    DEFAULT_TIMELINE_PAGE_DOC_ID.to_owned()
}

/// What Instagram keeps for the life of the process.
pub(crate) struct Instagram {
    /// `X-IG-App-ID`.
    pub(crate) app_id: String,
    /// `doc_id` of a first timeline page.
    pub(crate) timeline_doc_id: String,
    /// `doc_id` of the later timeline pages.
    pub(crate) timeline_page_doc_id: String,
    /// The operator's session, when one is given.
    session: Option<Secret>,
    /// The `csrftoken` cookie and `X-CSRFToken` header, made up once (the web client gets one
    /// from its first page; Instagram checks only that both agree).
    csrftoken: String,
}

impl std::fmt::Debug for Instagram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instagram")
            .field("app_id", &self.app_id)
            .field("timeline_doc_id", &self.timeline_doc_id)
            .field("timeline_page_doc_id", &self.timeline_page_doc_id)
            .field("session", &self.session.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl scraper_core::SiteState for Instagram {
    type Settings = Settings;

    fn build(settings: Settings) -> Result<Self, String> {
        let id = |name: &str, value: String| {
            let value = value.trim().to_owned();
            if value.is_empty()
                || value.len() > MAX_ID_DIGITS
                || !value.bytes().all(|b| b.is_ascii_digit())
            {
                Err(format!(
                    "{} must be a number of 1 to {MAX_ID_DIGITS} digits",
                    SITE.setting_env_var(name)
                ))
            } else {
                Ok(value)
            }
        };
        let session = match settings.sessionid {
            Some(secret) => session_value(secret.expose())?.map(Secret::new),
            None => None,
        };
        Ok(Self {
            app_id: id("app_id", settings.app_id)?,
            timeline_doc_id: id("timeline_doc_id", settings.timeline_doc_id)?,
            timeline_page_doc_id: id("timeline_page_doc_id", settings.timeline_page_doc_id)?,
            session,
            csrftoken: made_up_token()?,
        })
    }
}

/// The cookie value of a `sessionid` setting: trimmed, a `sessionid=` prefix dropped; `None`
/// when blank. A value that could not be one cookie (`;`, `,`, spaces, quotes, control or
/// non-ASCII characters) is refused without being echoed.
fn session_value(given: &str) -> Result<Option<String>, String> {
    let value = given.trim();
    let value = value.strip_prefix("sessionid=").unwrap_or(value).trim();
    if value.is_empty() {
        return Ok(None);
    }
    let valid = value.len() <= MAX_SESSIONID
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'"' | b'\\'));
    if valid {
        Ok(Some(value.to_owned()))
    } else {
        Err(format!(
            "{} must be the value of the sessionid cookie alone (up to {MAX_SESSIONID} characters, without ';', ',', quotes or spaces)",
            SITE.setting_env_var("sessionid")
        ))
    }
}

/// A random token of letters and digits.
fn made_up_token() -> Result<String, String> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; CSRF_LEN];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("instagram: no randomness for a csrftoken: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// Whether `url` goes to Instagram itself: `instagram.com` or one of its subdomains, over
/// HTTPS. Only such requests carry our cookies.
pub(crate) fn is_instagram(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    url.scheme() == "https" && (host == "instagram.com" || host.ends_with(".instagram.com"))
}

impl Instagram {
    /// Whether the operator gave a session.
    pub(crate) fn has_session(&self) -> bool {
        self.session.is_some()
    }

    /// The `csrftoken` sent as cookie and as `X-CSRFToken`.
    pub(crate) fn csrftoken(&self) -> &str {
        &self.csrftoken
    }

    /// The `Cookie` header for a request to `url`: the csrftoken and, when given, the session;
    /// `None` for any host that is not Instagram's.
    pub(crate) fn cookie_for(&self, url: &Url) -> Option<String> {
        if !is_instagram(url) {
            return None;
        }
        Some(match &self.session {
            Some(session) => format!(
                "csrftoken={}; sessionid={}",
                self.csrftoken,
                session.expose()
            ),
            None => format!("csrftoken={}", self.csrftoken),
        })
    }
}

#[cfg(test)]
mod tests {
    use scraper_core::SiteState;

    use super::*;

    fn settings(sessionid: Option<&str>) -> Settings {
        Settings {
            sessionid: sessionid.map(Secret::new),
            app_id: default_app_id(),
            timeline_doc_id: default_timeline_doc_id(),
            timeline_page_doc_id: default_timeline_page_doc_id(),
        }
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn cookies_go_to_instagram_hosts_only() {
        let state = Instagram::build(settings(Some(" 5171%3AAbC%3A12%3AXyZ ")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(state.has_session());
        let cookie = state
            .cookie_for(&url("https://www.instagram.com/api/graphql"))
            .unwrap_or_default();
        assert_eq!(
            cookie,
            format!(
                "csrftoken={}; sessionid=5171%3AAbC%3A12%3AXyZ",
                state.csrftoken()
            )
        );
        assert!(
            state
                .cookie_for(&url("https://i.instagram.com/api/v1/"))
                .is_some()
        );
        assert!(
            state
                .cookie_for(&url("https://instagram.com/nasa/"))
                .is_some()
        );
        for other in [
            "https://evil.example/",
            "https://instagram.com.evil.example/",
            "https://evilinstagram.com/",
            "http://www.instagram.com/",
            "https://scontent.cdninstagram.com/v/x.jpg",
            "https://www.facebook.com/",
        ] {
            assert_eq!(state.cookie_for(&url(other)), None, "{other}");
        }
        assert!(!format!("{state:?}").contains("XyZ"));
    }

    #[test]
    fn settings_are_checked_at_startup() {
        let anonymous = Instagram::build(settings(None)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!anonymous.has_session());
        assert_eq!(anonymous.csrftoken().len(), CSRF_LEN);
        assert!(
            anonymous
                .csrftoken()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        );
        assert_eq!(
            anonymous
                .cookie_for(&url("https://www.instagram.com/"))
                .as_deref(),
            Some(format!("csrftoken={}", anonymous.csrftoken()).as_str())
        );
        let blank = Instagram::build(settings(Some("  "))).unwrap_or_else(|e| panic!("{e}"));
        assert!(!blank.has_session());
        let prefixed =
            Instagram::build(settings(Some("sessionid=abc"))).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            prefixed
                .cookie_for(&url("https://www.instagram.com/"))
                .is_some_and(|c| c.ends_with("; sessionid=abc"))
        );
        for bad in ["a;b", "a b", "a\"b", "sess\u{e9}", "a,b"] {
            let err = Instagram::build(settings(Some(bad))).unwrap_err();
            assert!(
                err.starts_with("TECHNO_SCRAPER_INSTAGRAM_SESSIONID must be"),
                "{err}"
            );
            assert!(!err.contains(bad), "the value is not echoed: {err}");
        }
        let mut s = settings(None);
        s.app_id = "12ab".into();
        assert_eq!(
            Instagram::build(s).unwrap_err(),
            "TECHNO_SCRAPER_INSTAGRAM_APP_ID must be a number of 1 to 32 digits"
        );
        let mut s = settings(None);
        s.timeline_page_doc_id = String::new();
        assert!(
            Instagram::build(s)
                .unwrap_err()
                .starts_with("TECHNO_SCRAPER_INSTAGRAM_TIMELINE_PAGE_DOC_ID")
        );
        let mut s = settings(None);
        s.timeline_doc_id = " 123 ".into();
        assert_eq!(
            Instagram::build(s)
                .map(|i| i.timeline_doc_id)
                .unwrap_or_default(),
            "123"
        );
    }
}
