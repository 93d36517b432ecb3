//! Recognising, by content, the Facebook answers that are not the page asked for: login walls,
//! checkpoints and blocks, and "this content isn't available". A 200 can be any of them.
//!
//! The parsers call [`wall_or_changed`] on every path where what they look for is missing, so a
//! wall is reported as what it is and only a page that is none of these is `upstream_changed`.
//! Phase 2 can also vet a status or a redirect before reading a body ([`classify_status`],
//! [`classify_redirect`]).

use memchr::memmem;
use scraper_core::{ScrapeError, walls};
use url::Url;

use crate::parse::html::{self, Head};

/// Bodies are searched up to this many bytes for markers (walls are small pages; a content page
/// that lost its content is classified by its first 2 MB).
const SCAN_BYTES: usize = 2 * 1024 * 1024;

/// What a Facebook answer is instead of the content asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wall {
    /// A login wall or a cookie-consent wall (`login_required`).
    Login,
    /// A checkpoint, a "temporarily blocked" page or a bot challenge (`blocked`).
    Blocked,
    /// "This content isn't available": the page or event does not exist, or not publicly
    /// (`not_found`).
    NotFound,
}

impl Wall {
    /// The error the API answers for this wall.
    pub fn error(self) -> ScrapeError {
        match self {
            Self::Login => ScrapeError::LoginRequired(
                "facebook shows a login wall instead of the page (logged out it is not public)"
                    .into(),
            ),
            Self::Blocked => ScrapeError::blocked(
                "facebook shows a checkpoint: it has temporarily blocked our requests",
            ),
            Self::NotFound => ScrapeError::not_found(
                "facebook says this content isn't available (it does not exist or is not public)",
            ),
        }
    }
}

/// Text of block and checkpoint pages.
const BLOCKED_MARKERS: &[&str] = &[
    "Temporarily Blocked",
    "temporarily blocked",
    "misusing this feature by going too fast",
    "action=\"/checkpoint/",
    "/checkpoint/block/",
    "checkpointSubmitButton",
    "Vorübergehend blockiert",
    "Vous êtes temporairement bloqué",
    "Bloqueado temporalmente",
    "Você está temporariamente bloqueado",
];

/// Titles of block and checkpoint pages (lowercase, contained).
const BLOCKED_TITLES: &[&str] = &["security check", "temporarily blocked", "checkpoint"];

/// Text of login walls.
const LOGIN_MARKERS: &[&str] = &[
    "You must log in to continue",
    "You must log in first",
    "You must be logged in to",
    "Log in to continue",
    "Du musst dich anmelden, um fortzufahren",
    "Vous devez vous connecter pour continuer",
    "Debes iniciar sesión para continuar",
    "Você precisa entrar para continuar",
    "Devi accedere per continuare",
    "/cookie/consent-page",
];

/// Titles of login walls and of the login page a redirect lands on (lowercase, contained).
const LOGIN_TITLES: &[&str] = &[
    "log into facebook",
    "log in to facebook",
    "log in or sign up to view",
    "facebook - log in or sign up",
    "facebook – log in or sign up",
    "facebook - log in",
    "facebook – log in",
    "bei facebook anmelden",
    "facebook – anmelden oder registrieren",
    "connexion à facebook",
    "se connecter à facebook",
    "facebook – connexion ou inscription",
    "inicia sesión en facebook",
    "iniciar sesión en facebook",
    "facebook – entrar ou cadastrar-se",
    "entrar no facebook",
    "accedi a facebook",
    "aanmelden bij facebook",
    "zaloguj się do facebooka",
];

/// Text of "not available" pages.
const NOT_FOUND_MARKERS: &[&str] = &[
    "This content isn't available",
    "This Content Isn't Available",
    "This page isn't available",
    "This Page Isn't Available",
    "content isn't available right now",
    "The link you followed may be broken",
    "the page may have been removed",
    "Dieser Inhalt ist momentan nicht verfügbar",
    "Diese Inhalte sind derzeit nicht verfügbar",
    "Ce contenu n'est pas disponible",
    "Este contenido no está disponible",
    "Este conteúdo não está disponível",
    "Questo contenuto non è disponibile",
    "Deze content is momenteel niet beschikbaar",
];

/// Titles of "not found" pages (lowercase, contained).
const NOT_FOUND_TITLES: &[&str] = &[
    "page not found",
    "content not found",
    "content not available",
];

/// What `body` is, when it is a wall rather than content.
///
/// Explicit markers decide: a block or checkpoint first, then a login wall, then "not
/// available". A login form alone counts only on a page that names no content of its own (no
/// `og:title`, `og:url` or canonical link other than the login page): every logged-out Facebook
/// page carries a login form in its header.
pub fn detect(body: &str) -> Option<Wall> {
    let body = html::prefix(body, SCAN_BYTES);
    let head = Head::read(body);
    let title = head
        .title()
        .unwrap_or_default()
        .to_lowercase()
        .replace('—', "–");
    if walls::detect_bot_challenge(body).is_some()
        || contains_any(body, BLOCKED_MARKERS)
        || BLOCKED_TITLES.iter().any(|t| title.contains(t))
    {
        return Some(Wall::Blocked);
    }
    if contains_any(body, LOGIN_MARKERS) || LOGIN_TITLES.iter().any(|t| title.contains(t)) {
        return Some(Wall::Login);
    }
    if contains_any(body, NOT_FOUND_MARKERS) || NOT_FOUND_TITLES.iter().any(|t| title.contains(t)) {
        return Some(Wall::NotFound);
    }
    let canonical_content = head
        .link("canonical")
        .is_some_and(|c| classify_redirect(c).is_none());
    let content_page =
        head.meta("og:title").is_some() || head.meta("og:url").is_some() || canonical_content;
    if !content_page && walls::detect_login_wall(body, &["id=\"login_form\""]) {
        return Some(Wall::Login);
    }
    None
}

/// The error for `body` when it is a wall.
pub fn classify(body: &str) -> Option<ScrapeError> {
    detect(body).map(Wall::error)
}

/// The wall's error when `body` is one, else `upstream_changed` with `missing` (what the parser
/// looked for and did not find).
pub fn wall_or_changed(body: &str, missing: &str) -> ScrapeError {
    classify(body).unwrap_or_else(|| ScrapeError::changed(missing.to_owned()))
}

/// The error for a redirect to `location` (absolute, or relative to www.facebook.com): the login
/// page or the cookie-consent page is `login_required`, a checkpoint is `blocked`.
pub fn classify_redirect(location: &str) -> Option<ScrapeError> {
    let base = Url::parse("https://www.facebook.com/").ok()?;
    let url = base.join(location.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    if host != "facebook.com" && !host.ends_with(".facebook.com") {
        return None;
    }
    let path = url.path().to_ascii_lowercase();
    let wall = if path.starts_with("/login") || path.starts_with("/cookie/consent") {
        Wall::Login
    } else if path.starts_with("/checkpoint") {
        Wall::Blocked
    } else {
        return None;
    };
    Some(wall.error())
}

/// The error for an HTTP status that says by itself what happened (404 and 410: `not_found`).
pub fn classify_status(status: u16) -> Option<ScrapeError> {
    matches!(status, 404 | 410).then(|| Wall::NotFound.error())
}

/// Whether `body` contains one of `markers`, with its apostrophe written any way Facebook writes
/// it (`'`, `’`, `\u2019` in JSON, `&#039;` in HTML): one scan per marker.
fn contains_any(body: &str, markers: &[&str]) -> bool {
    const APOSTROPHES: [&str; 5] = ["'", "\u{2019}", "\\u2019", "&#039;", "&#x27;"];
    let bytes = body.as_bytes();
    markers.iter().any(|marker| match marker.split_once('\'') {
        None => memmem::find(bytes, marker.as_bytes()).is_some(),
        Some((before, after)) => memmem::find_iter(bytes, before.as_bytes()).any(|at| {
            let rest = &bytes[at + before.len()..];
            APOSTROPHES.iter().any(|apostrophe| {
                rest.strip_prefix(apostrophe.as_bytes())
                    .is_some_and(|r| r.starts_with(after.as_bytes()))
            })
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects() {
        let login = classify_redirect("/login/?next=https%3A%2F%2Fwww.facebook.com%2Fx").unwrap();
        assert_eq!(login.code(), scraper_core::ErrorCode::LoginRequired);
        let consent = classify_redirect("https://www.facebook.com/cookie/consent-page/").unwrap();
        assert_eq!(consent.code(), scraper_core::ErrorCode::LoginRequired);
        let checkpoint = classify_redirect("https://m.facebook.com/checkpoint/block/").unwrap();
        assert_eq!(checkpoint.code(), scraper_core::ErrorCode::Blocked);
        assert!(classify_redirect("https://www.facebook.com/heymeedan/").is_none());
        assert!(classify_redirect("https://evil.example/login").is_none());
    }

    #[test]
    fn statuses() {
        assert_eq!(
            classify_status(404).map(|e| e.code()),
            Some(scraper_core::ErrorCode::NotFound)
        );
        assert!(classify_status(200).is_none());
    }
}
