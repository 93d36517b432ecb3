//! What a Songstats error answer means for our users: a pure function of the HTTP status and the
//! body, so every form is tested without a server.
//!
//! Songstats answers errors as `{"result": "error", "message": "..."}` (its official SDKs read
//! `message`, falling back to `error`; the Python SDK's tests show `401 {"result": "error",
//! "message": "Invalid Api Key"}`). The forms and what they become:
//!
//! | answer | code |
//! |---|---|
//! | a bot-challenge page instead of JSON | `blocked` |
//! | 429, or a message about a rate limit or quota | `rate_limited` (`retry_after: None`: the HTTP layer reads `Retry-After`) |
//! | 401/403, or a message about the API key | `not_configured`: the operator's key is wrong (never echoed) |
//! | 5xx | `upstream_unavailable` (normally the HTTP layer retries and answers this itself) |
//! | 404/410 | `not_found` |
//! | a message saying the artist or track is "not found" (not a parameter problem) | `not_found` |
//! | 400/422 | `invalid_params` with Songstats' message, naming our parameter when the message does |
//! | 2xx `result: "error"` naming one of our parameters | `invalid_params` |
//! | 2xx `result: "error"` otherwise | `not_configured` (the key is accepted but not for this) |
//! | any other status | `upstream_changed` |

use std::borrow::Cow;

use scraper_core::ScrapeError;
use scraper_core::walls::detect_bot_challenge;
use serde_json::Value;

use crate::api::API_KEY_VARIABLE;

/// Our parameters, as Songstats' messages may name them (Songstats' `offset` is our `cursor`).
const PARAMS: &[(&str, &str)] = &[
    ("songstats_artist_id", "songstats_artist_id"),
    ("spotify_artist_id", "spotify_artist_id"),
    ("apple_music_artist_id", "apple_music_artist_id"),
    ("songstats_track_id", "songstats_track_id"),
    ("spotify_track_id", "spotify_track_id"),
    ("isrc", "isrc"),
    ("source", "source"),
    ("start_date", "start_date"),
    ("end_date", "end_date"),
    ("q", "q"),
    ("limit", "limit"),
    ("offset", "cursor"),
];

/// The parameters that name the entity: "not found" about them means the entity is unknown.
const ID_PARAMS: &[&str] = &[
    "songstats_artist_id",
    "spotify_artist_id",
    "apple_music_artist_id",
    "songstats_track_id",
    "spotify_track_id",
    "isrc",
];

/// How much of Songstats' message is repeated to users.
const MESSAGE_CHARS: usize = 200;

/// The error a Songstats answer stands for, or `None` when it is a success (2xx and not
/// `result: "error"`).
///
/// 5xx and 429 are normally retried and turned into errors by the HTTP layer before a site sees
/// them; they are classified here too so that the function is total.
pub fn classify_error(status: u16, body: &str) -> Option<ScrapeError> {
    let answer = Answer::read(body);
    if (200..300).contains(&status) && !answer.is_error {
        return None;
    }
    if !answer.is_json
        && let Some(vendor) = detect_bot_challenge(body)
    {
        return Some(ScrapeError::blocked(format!(
            "songstats answered a {vendor} bot challenge (HTTP {status})"
        )));
    }
    let message = answer.message.as_deref().unwrap_or("");
    let lower = message.to_lowercase();
    let said = |what: &str| match message {
        "" => what.to_owned(),
        m => format!("{what}: {m}"),
    };

    if status == 429 || mentions_rate_limit(&lower) {
        return Some(ScrapeError::RateLimited {
            detail: said(&format!("songstats refused more requests (HTTP {status})")),
            retry_after: None,
        });
    }
    if matches!(status, 401 | 403) || mentions_key(&lower) {
        // Songstats' message is left out: it is about the key, and the key is never echoed.
        return Some(ScrapeError::NotConfigured(format!(
            "songstats refused the configured API key (HTTP {status}): \
             {API_KEY_VARIABLE} is wrong or lacks access to this endpoint"
        )));
    }
    if (500..600).contains(&status) {
        return Some(ScrapeError::UpstreamUnavailable {
            detail: said(&format!("songstats answered HTTP {status}")),
            retry_after: None,
        });
    }
    let param = named_param(&lower);
    // "No artist found for spotify_artist_id ..." is an unknown entity; "required parameter q not
    // found" or "source not found" is a bad request.
    let unknown_entity = says_not_found(&lower)
        && !mentions_param_problem(&lower)
        && param.is_none_or(|p| ID_PARAMS.contains(&p));
    if matches!(status, 404 | 410) || unknown_entity {
        return Some(ScrapeError::not_found(said("songstats has no such entry")));
    }
    if matches!(status, 400 | 422) || ((200..300).contains(&status) && param.is_some()) {
        let reason = match (param, message) {
            (Some(p), "") => format!("parameter '{p}' was refused by songstats"),
            (Some(p), m) => format!("parameter '{p}' was refused by songstats: {m}"),
            (None, "") => format!("songstats refused the request as invalid (HTTP {status})"),
            (None, m) => format!("songstats refused the request: {m}"),
        };
        return Some(ScrapeError::InvalidParams {
            param: param.map(Cow::Borrowed),
            reason,
        });
    }
    if (200..300).contains(&status) {
        return Some(ScrapeError::NotConfigured(said(&format!(
            "songstats refused the request made with the configured API key ({API_KEY_VARIABLE})"
        ))));
    }
    Some(ScrapeError::changed(said(&format!(
        "songstats answered HTTP {status}"
    ))))
}

/// What an error answer says, read leniently.
struct Answer {
    is_json: bool,
    is_error: bool,
    message: Option<String>,
}

impl Answer {
    fn read(body: &str) -> Self {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(doc)) => Self {
                is_json: true,
                is_error: doc
                    .get("result")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("error")),
                message: ["message", "error", "errors", "detail"]
                    .iter()
                    .find_map(|k| doc.get(*k).and_then(message_of))
                    .map(|m| printable(&m)),
            },
            Ok(_) => Self {
                is_json: true,
                is_error: false,
                message: None,
            },
            // A short plain-text answer ("Too Many Requests") is a message; a page is not.
            Err(_) => Self {
                is_json: false,
                is_error: false,
                message: Some(body.trim())
                    .filter(|t| !t.is_empty() && !t.starts_with('<') && t.len() <= 1000)
                    .map(printable),
            },
        }
    }
}

/// The text of a `message`-like member: a string, strings, or an object with a `message`.
fn message_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(message_of).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Object(o) => o.get("message").and_then(message_of),
        _ => None,
    }
}

/// At most [`MESSAGE_CHARS`] characters, control characters as spaces.
fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MESSAGE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(MESSAGE_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn mentions_rate_limit(lower: &str) -> bool {
    ["rate limit", "rate-limit", "too many requests", "quota"]
        .iter()
        .any(|m| lower.contains(m))
}

fn mentions_key(lower: &str) -> bool {
    [
        "api key",
        "apikey",
        "api_key",
        "api-key",
        "unauthorized",
        "unauthorised",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

fn says_not_found(lower: &str) -> bool {
    [
        "not found",
        "does not exist",
        "doesn't exist",
        "could not find",
        "couldn't find",
        "no artist",
        "no track",
        "unknown artist",
        "unknown track",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

fn mentions_param_problem(lower: &str) -> bool {
    ["param", "missing", "required", "invalid", "must be"]
        .iter()
        .any(|m| lower.contains(m))
}

/// The first of our parameters the message names, as a whole word.
fn named_param(lower: &str) -> Option<&'static str> {
    lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find_map(|word| {
            PARAMS
                .iter()
                .find(|(theirs, _)| *theirs == word)
                .map(|(_, ours)| *ours)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_not_substrings_name_parameters() {
        assert_eq!(named_param("invalid source 'x'"), Some("source"));
        assert_eq!(named_param("missing parameter: q"), Some("q"));
        assert_eq!(named_param("offset must be positive"), Some("cursor"));
        assert_eq!(named_param("query quality is low"), None);
        assert_eq!(named_param("resource unavailable"), None);
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(500);
        assert_eq!(printable(&long).chars().count(), MESSAGE_CHARS + 1);
        assert_eq!(printable("a\nb"), "a b");
    }
}
