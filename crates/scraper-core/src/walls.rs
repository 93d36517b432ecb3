//! Recognising, by content, the pages that are not the page asked for: bot challenges, captchas
//! and login walls. A 200 can be any of them; sites call these before parsing, or when the
//! content they expect is missing.
//!
//! Each family of markers is searched in one pass (Aho-Corasick over the bytes, no UTF-8 check,
//! no copy), and only in the head of the body, where interstitials keep them.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::ScrapeError;

/// How much of a body is searched: interstitial pages are small, and the markers sit early.
const SCAN_BYTES: usize = 256 * 1024;

/// Markers that appear only on bot-challenge interstitials, with their vendor.
const CHALLENGE_MARKERS: &[(&str, &str)] = &[
    ("window._cf_chl_opt", "Cloudflare"),
    ("<title>Just a moment...</title>", "Cloudflare"),
    (
        "<title>Attention Required! | Cloudflare</title>",
        "Cloudflare",
    ),
    ("cf-browser-verification", "Cloudflare"),
    ("captcha-delivery.com", "DataDome"),
    ("<title>Client Challenge</title>", "Fastly"),
    ("/_fs-ch-", "Fastly"),
    ("id=\"px-captcha\"", "PerimeterX"),
    ("_pxCaptcha", "PerimeterX"),
    ("Incapsula incident ID", "Imperva"),
    ("_Incapsula_Resource", "Imperva"),
    ("errors.edgesuite.net", "Akamai"),
    ("awswaf.com/", "AWS WAF"),
    ("Vercel Security Checkpoint", "Vercel"),
];

/// Markers of a captcha widget. Login and sign-up forms carry them too, so only meaningful when
/// the expected content is missing.
const CAPTCHA_MARKERS: &[(&str, &str)] = &[
    ("captcha-delivery.com", "DataDome"),
    ("g-recaptcha", "reCAPTCHA"),
    ("www.google.com/recaptcha/", "reCAPTCHA"),
    ("www.recaptcha.net/recaptcha/", "reCAPTCHA"),
    ("hcaptcha.com/1/api.js", "hCaptcha"),
    ("class=\"h-captcha\"", "hCaptcha"),
    ("challenges.cloudflare.com/turnstile", "Turnstile"),
    ("arkoselabs.com", "Arkose"),
];

/// A password field, in any case.
const PASSWORD_FIELDS: &[&str] = &["type=\"password\"", "type='password'"];

/// What else a login page has, in any case.
const LOGIN_WORDS: &[&str] = &[
    "<title>log in",
    "<title>login",
    "<title>sign in",
    "id=\"login_form\"",
    "id=\"loginform\"",
    "action=\"/login",
];

/// One automaton per family of markers, built on first use.
struct Scanner {
    challenges: Option<AhoCorasick>,
    captchas: Option<AhoCorasick>,
    passwords: Option<AhoCorasick>,
    login_words: Option<AhoCorasick>,
}

fn automaton<'a>(
    patterns: impl IntoIterator<Item = &'a str>,
    any_case: bool,
) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .ascii_case_insensitive(any_case)
        .build(patterns)
        .ok()
}

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| Scanner {
    challenges: automaton(CHALLENGE_MARKERS.iter().map(|(m, _)| *m), false),
    captchas: automaton(CAPTCHA_MARKERS.iter().map(|(m, _)| *m), false),
    passwords: automaton(PASSWORD_FIELDS.iter().copied(), true),
    login_words: automaton(LOGIN_WORDS.iter().copied(), true),
});

/// The leading part of `body` that is searched.
fn head(body: &[u8]) -> &[u8] {
    &body[..body.len().min(SCAN_BYTES)]
}

fn find(
    automaton: Option<&AhoCorasick>,
    markers: &[(&str, &'static str)],
    body: &[u8],
) -> Option<&'static str> {
    let found = automaton?.find(head(body))?;
    markers
        .get(found.pattern().as_usize())
        .map(|(_, vendor)| *vendor)
}

fn contains_any(automaton: Option<&AhoCorasick>, body: &[u8]) -> bool {
    automaton.is_some_and(|a| a.is_match(head(body)))
}

/// The vendor of a bot-challenge interstitial (Cloudflare, DataDome, Fastly, ...), if `body` is
/// one. Text or raw bytes (a body not yet checked as UTF-8) alike.
pub fn detect_bot_challenge(body: impl AsRef<[u8]>) -> Option<&'static str> {
    find(
        SCANNER.challenges.as_ref(),
        CHALLENGE_MARKERS,
        body.as_ref(),
    )
}

/// The vendor of a captcha widget in `body`, if there is one.
pub fn detect_captcha(body: impl AsRef<[u8]>) -> Option<&'static str> {
    find(SCANNER.captchas.as_ref(), CAPTCHA_MARKERS, body.as_ref())
}

/// Whether `body` looks like a login page: a password field plus a login-ish title or form, or
/// one of the site's own `markers`.
pub fn detect_login_wall(body: impl AsRef<[u8]>, markers: &[&str]) -> bool {
    let body = body.as_ref();
    if has_login_marker(body, markers) {
        return true;
    }
    let head = head(body);
    contains_any(SCANNER.passwords.as_ref(), head)
        && contains_any(SCANNER.login_words.as_ref(), head)
}

/// Whether `body` carries one of the site's own login-wall `markers` (no shared heuristics).
pub fn has_login_marker(body: impl AsRef<[u8]>, markers: &[&str]) -> bool {
    let head = head(body.as_ref());
    markers
        .iter()
        .any(|m| memchr::memmem::find(head, m.as_bytes()).is_some())
}

/// `blocked` when `body` is a bot challenge, or a captcha where the expected content is missing.
pub fn ensure_not_challenged(
    site: &str,
    body: &str,
    content_present: bool,
) -> Result<(), ScrapeError> {
    if let Some(vendor) = detect_bot_challenge(body) {
        return Err(ScrapeError::blocked(format!(
            "{site} answered a {vendor} bot challenge"
        )));
    }
    if !content_present && let Some(vendor) = detect_captcha(body) {
        return Err(ScrapeError::blocked(format!(
            "{site} answered a {vendor} captcha"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_challenges_by_content() {
        let cloudflare = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={cvId:'3'}</script></body></html>";
        assert_eq!(detect_bot_challenge(cloudflare), Some("Cloudflare"));
        let datadome =
            r#"{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMA&cid=x"}"#;
        assert_eq!(detect_bot_challenge(datadome), Some("DataDome"));
        let fastly = "<html><head><title>Client Challenge</title></head><body><script src=\"/_fs-ch-1T1wmsGaOgGaSxcX/script.js\"></script></body></html>";
        assert_eq!(detect_bot_challenge(fastly), Some("Fastly"));
        let normal = "<html><head><title>C418</title><script src=\"/cdn-cgi/challenge-platform/scripts/jsd/main.js\"></script></head><body>music</body></html>";
        assert_eq!(detect_bot_challenge(normal), None);
        assert!(ensure_not_challenged("x", normal, true).is_ok());
        assert!(ensure_not_challenged("x", cloudflare, true).is_err());
    }

    #[test]
    fn captchas_count_only_without_content() {
        let login = "<form><div class=\"g-recaptcha\"></div><input type=\"password\"></form>";
        assert_eq!(detect_captcha(login), Some("reCAPTCHA"));
        assert!(ensure_not_challenged("x", login, true).is_ok());
        assert_eq!(
            ensure_not_challenged("x", login, false).unwrap_err().code(),
            crate::ErrorCode::Blocked
        );
    }

    #[test]
    fn login_walls() {
        let wall = "<html><head><title>Log in to Facebook</title></head><body><form id=\"login_form\"><input type=\"password\" name=\"pass\"></form></body></html>";
        assert!(detect_login_wall(wall, &[]));
        assert!(!detect_login_wall(
            "<html><title>Meedan</title><body>posts</body></html>",
            &[]
        ));
        assert!(detect_login_wall(
            "<div id=\"loginForm\">",
            &["id=\"loginForm\""]
        ));
    }

    #[test]
    fn huge_and_odd_bodies_are_fine() {
        let huge = "é".repeat(SCAN_BYTES);
        assert_eq!(detect_bot_challenge(&huge), None);
        assert_eq!(detect_bot_challenge(""), None);
        let late = format!("{}<title>Just a moment...</title>", "x".repeat(SCAN_BYTES));
        assert_eq!(
            detect_bot_challenge(&late),
            None,
            "markers past the scanned head are not searched"
        );
    }
}
