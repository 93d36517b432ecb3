//! The anonymous API token: every Beatport page carries one (`anonSession`); it is kept in
//! memory, shared by all requests, reused until a minute before it expires, and dropped after a
//! 401 so the next use takes a fresh one. Refreshes are serialised: concurrent scrapes that
//! find no valid token wait for one page fetch instead of each fetching their own.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::parse::next_data::AnonSession;

/// A token is replaced this long before it expires.
pub const MARGIN: Duration = Duration::from_secs(60);

/// Lifetime assumed when a page does not say (`expires_in` missing).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(600);

/// One anonymous token and when it stops working.
#[derive(Debug, Clone)]
struct Token {
    value: Arc<str>,
    expires_at: Instant,
}

/// The process's token, and the lock that serialises refreshes.
#[derive(Debug, Default)]
pub struct Tokens {
    slot: Mutex<Option<Token>>,
    /// Held while a page is fetched for a new token.
    pub refreshing: tokio::sync::Mutex<()>,
}

impl Tokens {
    /// The token, while it is valid for at least [`MARGIN`] more.
    pub fn current(&self) -> Option<Arc<str>> {
        let slot = self.slot.lock().ok()?;
        let token = slot.as_ref()?;
        (token.expires_at.saturating_duration_since(Instant::now()) > MARGIN)
            .then(|| token.value.clone())
    }

    /// Keeps the token of a page when it outlives the one held; answers the page's token.
    pub fn offer(&self, session: &AnonSession) -> Arc<str> {
        let value: Arc<str> = Arc::from(session.access_token.trim());
        let expires_at = Instant::now() + lifetime(session, Utc::now());
        if let Ok(mut slot) = self.slot.lock() {
            let better = slot
                .as_ref()
                .is_none_or(|held| expires_at > held.expires_at || held.value == value);
            if better {
                *slot = Some(Token {
                    value: value.clone(),
                    expires_at,
                });
            }
        }
        value
    }

    /// Drops `value` after Beatport refused it (a newer token is kept).
    pub fn invalidate(&self, value: &str) {
        if let Ok(mut slot) = self.slot.lock()
            && slot.as_ref().is_some_and(|held| &*held.value == value)
        {
            *slot = None;
        }
    }
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
    fn tokens_are_kept_refused_and_replaced() {
        let tokens = Tokens::default();
        assert!(tokens.current().is_none());
        assert_eq!(&*tokens.offer(&session("a", Some(36000.0), None)), "a");
        assert_eq!(tokens.current().as_deref(), Some("a"));
        tokens.offer(&session("short", Some(30.0), None));
        assert_eq!(
            tokens.current().as_deref(),
            Some("a"),
            "a shorter-lived token does not replace a longer one"
        );
        tokens.invalidate("other");
        assert_eq!(tokens.current().as_deref(), Some("a"));
        tokens.invalidate("a");
        assert!(tokens.current().is_none());
        tokens.offer(&session("soon", Some(30.0), None));
        assert!(
            tokens.current().is_none(),
            "a token about to expire is not reused"
        );
    }
}
