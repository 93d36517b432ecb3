//! Instagram's refusals, recognised by content: what an answer that is not the data means.
//!
//! Instagram says "no" in JSON (`{"message": ..., "status": "fail"}` plus a flag or a code),
//! with a redirect, or with an HTML page, and often with a status that does not tell (a
//! checkpoint comes as 400, a login demand as 401 or 200, a rate limit as 401, 403 or 429).
//!
//! | what we see | error |
//! |---|---|
//! | `checkpoint_required`, `challenge_required`, `feedback_required` (`message`, `error_type`, a `checkpoint_url` or `challenge` object, GraphQL `errors[]`), a bot-challenge page | `blocked` |
//! | HTTP 429 | `rate_limited` |
//! | `"require_login": true`, a redirect to `/accounts/login/` or `/challenge/`, Instagram's login page | `login_required` |
//! | "Please wait a few minutes" (`message`, GraphQL `errors[]`, a text body) | `rate_limited` |
//! | `Not authorized to view user` (the feed of a private account) | `private` |
//! | HTTP 401 with none of the above | `login_required` |
//! | HTTP 404 with none of the above | `not_found` |
//!
//! **When several apply, the first row wins.** A block is neither lifted by a session nor by
//! waiting a few minutes, so it is reported over anything else. An explicit 429 is a rate limit
//! whatever the body says. Instagram's usual answer to an anonymous client it has had enough
//! of is HTTP 401 `{"message": "Please wait a few minutes before you try again.",
//! "require_login": true, "status": "fail"}`: it names the remedy — a logged-in session — so
//! `require_login` wins over the wording and it is `login_required`; the same wording without
//! `require_login` is a rate limit. Rate limits carry no `retry_after` here: the caller knows
//! the `Retry-After` header.

use scraper_core::ScrapeError;
use scraper_core::walls;
use serde::Deserialize;

use super::lenient::{AnyObject, Flag, List, Obj, Text, from_body, strip_guard};

/// The codes of a block, as Instagram spells them.
const BLOCK_CODES: [&str; 3] = [
    "checkpoint_required",
    "challenge_required",
    "feedback_required",
];

/// Instagram's rate-limit wording ("Please wait a few minutes before you try again."), lowercase.
const WAIT_WORDS: &str = "please wait a few minutes";

/// The feed of a private account ("Not authorized to view user"), lowercase.
const NOT_AUTHORIZED_WORDS: &str = "not authorized to view user";

/// Markers of Instagram's own login page, beside the generic ones of `scraper_core::walls`.
const LOGIN_PAGE_MARKERS: &[&str] = &[
    "<title>Login \u{2022} Instagram</title>",
    "<title>Log in \u{2022} Instagram</title>",
    "/accounts/login/ajax/",
    "id=\"loginForm\"",
];

/// How much of a body that is not JSON is searched; refusal pages are small.
const TEXT_SCAN_BYTES: usize = 256 * 1024;

/// How much of a body that looks like JSON but does not read is searched as text: error
/// answers are a few hundred bytes, and further in a post's caption could say anything.
const BROKEN_JSON_SCAN_BYTES: usize = 4 * 1024;

/// What an answer means when it is a refusal, `None` when it is not one (or not one we know).
///
/// `status` is the HTTP status, `location` the `Location` header of a redirect, `body` the
/// answer's text. See the module documentation for the table and which row wins.
pub fn classify(status: u16, location: Option<&str>, body: &str) -> Option<ScrapeError> {
    let seen = Signals::of(body);
    if let Some(blocked) = seen.blocked {
        return Some(blocked);
    }
    if status == 429 {
        return Some(rate_limited(
            "instagram answered HTTP 429 (too many requests)",
        ));
    }
    if seen.require_login {
        return Some(login_required("require_login"));
    }
    if let Some(page) = location.and_then(login_redirect) {
        return Some(login_required(page));
    }
    if seen.login_page {
        return Some(login_required("its login page"));
    }
    if seen.wait {
        return Some(rate_limited(
            "instagram asks to wait a few minutes before trying again",
        ));
    }
    if seen.not_authorized {
        return Some(ScrapeError::Private(
            "the account is private (instagram: not authorized to view user)".into(),
        ));
    }
    match status {
        401 => Some(login_required("HTTP 401")),
        404 => Some(ScrapeError::not_found(
            "instagram answered HTTP 404: no such account",
        )),
        _ => None,
    }
}

/// [`classify`] of a body alone, as served with HTTP 200 and no redirect.
pub fn classify_body(body: &str) -> Option<ScrapeError> {
    classify(200, None, body)
}

fn login_required(why: &str) -> ScrapeError {
    ScrapeError::LoginRequired(format!("instagram requires a logged-in session ({why})"))
}

fn rate_limited(detail: &str) -> ScrapeError {
    ScrapeError::RateLimited {
        detail: detail.to_owned(),
        retry_after: None,
    }
}

fn blocked(code: &str) -> ScrapeError {
    let why = match code {
        "feedback_required" => "it restricts what this client may do for a while",
        "challenge_required" => "it wants a challenge solved in a browser",
        _ => "it wants the account or the address verified",
    };
    ScrapeError::blocked(format!("instagram answered {code}: {why}"))
}

/// Which login page a redirect goes to: `/accounts/login/` or `/challenge/`, relative or on an
/// Instagram host.
fn login_redirect(location: &str) -> Option<&'static str> {
    let location = location.trim();
    let path = if location.starts_with('/') && !location.starts_with("//") {
        location.to_owned()
    } else {
        let url = url::Url::parse(location).ok()?;
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        if host != "instagram.com" && !host.ends_with(".instagram.com") {
            return None;
        }
        url.path().to_owned()
    };
    let path = path.to_ascii_lowercase();
    if path.starts_with("/accounts/login") {
        Some("redirect to /accounts/login/")
    } else if path.starts_with("/challenge") {
        Some("redirect to /challenge/")
    } else {
        None
    }
}

/// The refusal fields of a JSON answer; everything else is skipped.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Fail {
    message: Text,
    status: Text,
    require_login: Flag,
    error_type: Text,
    checkpoint_url: Text,
    challenge: Obj<AnyObject>,
    errors: List<Obj<GraphqlError>>,
}

/// One of GraphQL's `errors[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GraphqlError {
    message: Text,
    summary: Text,
    description: Text,
}

/// What a body says, before the precedence is applied.
#[derive(Default)]
struct Signals {
    blocked: Option<ScrapeError>,
    require_login: bool,
    login_page: bool,
    wait: bool,
    not_authorized: bool,
}

impl Signals {
    fn of(body: &str) -> Self {
        let text = strip_guard(body);
        if text.starts_with('{') {
            match from_body::<Fail>(text) {
                Ok(Obj::Found(fail)) => Self::of_json(fail),
                // A JSON answer that does not read: its head is searched, no further.
                _ => Self::of_text(head(text, BROKEN_JSON_SCAN_BYTES), false),
            }
        } else if text.starts_with('[') || text.is_empty() {
            Self::default()
        } else {
            Self::of_text(head(text, TEXT_SCAN_BYTES), true)
        }
    }

    fn of_json(fail: Fail) -> Self {
        let mut texts: Vec<String> = Vec::new();
        texts.extend(fail.message.0.map(|m| m.to_ascii_lowercase()));
        texts.extend(fail.error_type.0.map(|m| m.to_ascii_lowercase()));
        for error in fail.errors.items().into_iter().filter_map(Obj::into_option) {
            for text in [error.message, error.summary, error.description] {
                texts.extend(text.0.map(|t| t.to_ascii_lowercase()));
            }
        }
        let says = |words: &str| texts.iter().any(|t| t.contains(words));
        let failed = fail.status.as_deref() == Some("fail");
        let code = BLOCK_CODES
            .iter()
            .find(|code| says(code))
            .copied()
            .or_else(|| {
                fail.checkpoint_url
                    .as_deref()
                    .is_some_and(|u| !u.trim().is_empty())
                    .then_some("checkpoint_required")
            })
            .or_else(|| (failed && fail.challenge.get().is_some()).then_some("challenge_required"));
        Self {
            blocked: code.map(blocked),
            require_login: fail.require_login.0 == Some(true),
            login_page: false,
            wait: says(WAIT_WORDS),
            not_authorized: says(NOT_AUTHORIZED_WORDS),
        }
    }

    fn of_text(text: &str, may_be_page: bool) -> Self {
        let lower = text.to_ascii_lowercase();
        let blocked = BLOCK_CODES
            .iter()
            .find(|code| lower.contains(*code))
            .map(|code| blocked(code))
            .or_else(|| {
                walls::detect_bot_challenge(text).map(|vendor| {
                    ScrapeError::blocked(format!("instagram answered a {vendor} bot challenge"))
                })
            });
        Self {
            blocked,
            require_login: lower.contains("\"require_login\":true")
                || lower.contains("\"require_login\": true"),
            login_page: may_be_page && walls::detect_login_wall(text, LOGIN_PAGE_MARKERS),
            wait: lower.contains(WAIT_WORDS),
            not_authorized: lower.contains(NOT_AUTHORIZED_WORDS),
        }
    }
}

/// The first `max` bytes of `text`, cut on a character boundary.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_to_login_pages() {
        for location in [
            "https://www.instagram.com/accounts/login/?next=%2Fnasa%2F",
            "https://instagram.com/accounts/login/",
            "https://i.instagram.com/challenge/?next=/api/v1/",
            "/accounts/login/",
            "/challenge/action/AXG/",
        ] {
            assert!(login_redirect(location).is_some(), "{location}");
        }
        for location in [
            "https://evil.example/accounts/login/",
            "https://www.instagram.com/nasa/",
            "//evil.example/accounts/login/",
            "",
            "not a url",
        ] {
            assert_eq!(login_redirect(location), None, "{location}");
        }
    }

    #[test]
    fn heads_cut_on_character_boundaries() {
        let text = "é".repeat(10);
        assert_eq!(head(&text, 3), "é");
        assert_eq!(head(&text, 100), text);
    }
}
