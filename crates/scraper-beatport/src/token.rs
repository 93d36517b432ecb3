//! The anonymous API token: every Beatport page carries one (`anonSession`). It is a core
//! [`Credential`] in the site's state — shared by all requests, fetched by one request while the
//! others wait, reused until a minute before it expires, replaced once after a 401 — and this
//! module says how long a page's token lives.

use std::time::Duration;

use chrono::{DateTime, Utc};
use scraper_core::Credential;

use crate::parse::next_data::AnonSession;

/// A token is replaced this long before it expires.
pub const MARGIN: Duration = Duration::from_secs(60);

/// Lifetime assumed when a page does not say (`expires_in` missing).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(600);

/// The site's empty token slot, named `anonymous token` in logs.
pub fn credential() -> Credential<String> {
    Credential::new("anonymous token").margin(MARGIN)
}

/// A page's token and how long it lives from now: what [`Credential::offer`] and the fetch of
/// [`Credential::get`] take.
pub fn of_session(session: &AnonSession) -> (String, Option<Duration>) {
    (
        session.access_token.trim().to_owned(),
        Some(lifetime(session, Utc::now())),
    )
}

/// How long a page's token stays valid from `now`: `expires_in` counted from its `create_date`
/// (a page served from a cache carries an older token), never negative.
pub fn lifetime(session: &AnonSession, now: DateTime<Utc>) -> Duration {
    let total = session
        .expires_in
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DEFAULT_LIFETIME, |s| {
            Duration::from_secs_f64(s.min(86_400.0 * 365.0))
        });
    let age = session
        .create_date
        .as_deref()
        .and_then(parse_js_date)
        .and_then(|created| (now - created).to_std().ok())
        .unwrap_or_default();
    total.saturating_sub(age)
}

/// Reads a date as JavaScript prints it (`Tue Apr 01 2025 17:51:56 GMT+0000 (Coordinated
/// Universal Time)`), or as RFC 3339.
fn parse_js_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.with_timezone(&Utc));
    }
    let head = text.split(" (").next()?.trim();
    DateTime::parse_from_str(head, "%a %b %d %Y %H:%M:%S GMT%z")
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(token: &str, expires_in: Option<f64>, created: Option<&str>) -> AnonSession {
        AnonSession {
            access_token: token.into(),
            expires_in,
            create_date: created.map(str::to_owned),
        }
    }

    #[test]
    fn lifetime_counts_from_the_creation_date() {
        let now = DateTime::parse_from_rfc3339("2025-04-01T18:51:56Z")
            .unwrap()
            .with_timezone(&Utc);
        let created = "Tue Apr 01 2025 17:51:56 GMT+0000 (Coordinated Universal Time)";
        assert_eq!(
            lifetime(&session("t", Some(36000.0), Some(created)), now),
            Duration::from_secs(32400)
        );
        assert_eq!(
            lifetime(&session("t", Some(60.0), Some(created)), now),
            Duration::ZERO
        );
        assert_eq!(
            lifetime(&session("t", Some(100.0), None), now),
            Duration::from_secs(100)
        );
        assert_eq!(
            lifetime(&session("t", None, Some("garbage")), now),
            DEFAULT_LIFETIME
        );
        assert_eq!(
            lifetime(&session("t", Some(f64::NAN), None), now),
            DEFAULT_LIFETIME
        );
        let future = "Tue Apr 01 2025 19:51:56 GMT+0000 (Coordinated Universal Time)";
        assert_eq!(
            lifetime(&session("t", Some(100.0), Some(future)), now),
            Duration::from_secs(100)
        );
    }

    #[test]
    fn page_tokens_are_kept_refused_and_replaced() {
        let offer = |c: &Credential<String>, s: AnonSession| {
            let (value, lifetime) = of_session(&s);
            c.offer(value, lifetime)
        };
        let token = credential();
        assert!(token.current().is_none());
        assert_eq!(
            *offer(&token, session(" a ", Some(36000.0), None)),
            "a",
            "trimmed"
        );
        assert_eq!(token.current().as_deref().map(String::as_str), Some("a"));
        offer(&token, session("short", Some(30.0), None));
        assert_eq!(
            token.current().as_deref().map(String::as_str),
            Some("a"),
            "a shorter-lived token does not replace a longer one"
        );
        token.invalidate(&"other".to_owned());
        assert!(token.current().is_some());
        token.invalidate(&"a".to_owned());
        assert!(token.current().is_none());
        assert_eq!(
            *offer(&token, session("soon", Some(30.0), None)),
            "soon",
            "a page's token is answered to be used at once"
        );
        assert!(
            token.current().is_none(),
            "a token about to expire is not reused"
        );
        assert!(!format!("{token:?}").contains("soon"));
    }
}
