//! Recognising, by content, the pages that are not the page asked for: bot challenges, captchas
//! and login walls. A 200 can be any of them; sites call these before parsing.

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

/// The leading part of `body` that is searched, cut on a character boundary.
fn head(body: &str) -> &str {
    if body.len() <= SCAN_BYTES {
        return body;
    }
    let mut end = SCAN_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

fn find(body: &str, markers: &[(&str, &'static str)]) -> Option<&'static str> {
    let head = head(body);
    markers
        .iter()
        .find(|(marker, _)| head.contains(marker))
        .map(|(_, vendor)| *vendor)
}

/// The vendor of a bot-challenge interstitial (Cloudflare, DataDome, Fastly, ...), if `body` is one.
pub fn detect_bot_challenge(body: &str) -> Option<&'static str> {
    find(body, CHALLENGE_MARKERS)
}

/// The vendor of a captcha widget in `body`, if there is one.
pub fn detect_captcha(body: &str) -> Option<&'static str> {
    find(body, CAPTCHA_MARKERS)
}

/// Whether `body` looks like a login page: a password field plus a login-ish title or form, or
/// one of the site's own `markers`.
pub fn detect_login_wall(body: &str, markers: &[&str]) -> bool {
    let head = head(body);
    if markers.iter().any(|m| head.contains(m)) {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    let password_field = lower.contains("type=\"password\"") || lower.contains("type='password'");
    let login_words = [
        "<title>log in",
        "<title>login",
        "<title>sign in",
        "id=\"login_form\"",
        "id=\"loginform\"",
        "action=\"/login",
    ];
    password_field && login_words.iter().any(|w| lower.contains(w))
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
