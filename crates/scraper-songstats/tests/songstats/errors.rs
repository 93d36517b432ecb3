//! The classifier of Songstats' error answers, as a table: status and body in, our error code,
//! the parameter at fault and what the message must (not) say out.

use scraper_core::ErrorCode;
use scraper_songstats::parse::classify_error;

use crate::support::fixture;

struct Case {
    status: u16,
    body: String,
    code: ErrorCode,
    param: Option<&'static str>,
    says: &'static str,
}

fn case(
    status: u16,
    body: impl Into<String>,
    code: ErrorCode,
    param: Option<&'static str>,
    says: &'static str,
) -> Case {
    Case {
        status,
        body: body.into(),
        code,
        param,
        says,
    }
}

#[test]
fn every_error_form_has_its_code() {
    use ErrorCode::*;
    let cases = [
        // The fixtures, one per documented form.
        case(
            401,
            fixture("error_invalid_key_401.json"),
            NotConfigured,
            None,
            "TECHNO_SCRAPER_SONGSTATS_API_KEY",
        ),
        case(
            200,
            fixture("error_result_error_200.json"),
            NotConfigured,
            None,
            "not included in your plan",
        ),
        case(
            404,
            fixture("error_not_found_404.json"),
            NotFound,
            None,
            "Artist not found.",
        ),
        case(
            400,
            fixture("error_bad_request_400.json"),
            InvalidParams,
            Some("source"),
            "Invalid source: spotifyy",
        ),
        case(
            429,
            fixture("error_rate_limited_429.json"),
            RateLimited,
            None,
            "429",
        ),
        // The key, however it is said.
        case(
            403,
            r#"{"result":"error","message":"Forbidden"}"#,
            NotConfigured,
            None,
            "wrong or lacks access",
        ),
        case(
            200,
            r#"{"result":"error","message":"Invalid Api Key"}"#,
            NotConfigured,
            None,
            "API key",
        ),
        case(
            400,
            r#"{"result":"error","message":"apikey header missing"}"#,
            NotConfigured,
            None,
            "API key",
        ),
        case(401, "", NotConfigured, None, "401"),
        case(401, "Unauthorized", NotConfigured, None, "401"),
        // Unknown entities.
        case(404, "", NotFound, None, "no such entry"),
        case(
            404,
            r#"{"message":"Not found"}"#,
            NotFound,
            None,
            "Not found",
        ),
        case(
            410,
            r#"{"result":"error"}"#,
            NotFound,
            None,
            "no such entry",
        ),
        case(
            200,
            r#"{"result":"error","message":"No artist found for spotify_artist_id 4aZr1Qx9TtYb7KcP0mLw2e"}"#,
            NotFound,
            None,
            "No artist found",
        ),
        case(
            400,
            r#"{"result":"error","message":"Track not found"}"#,
            NotFound,
            None,
            "Track not found",
        ),
        // Bad requests, naming our parameter when Songstats names it.
        case(
            400,
            r#"{"result":"error","message":"Missing parameter: q"}"#,
            InvalidParams,
            Some("q"),
            "parameter 'q'",
        ),
        case(
            400,
            r#"{"result":"error","message":"Required parameter songstats_artist_id not found"}"#,
            InvalidParams,
            Some("songstats_artist_id"),
            "not found",
        ),
        case(
            400,
            r#"{"result":"error","message":"end_date must be after start_date"}"#,
            InvalidParams,
            Some("end_date"),
            "end_date must be",
        ),
        case(
            422,
            r#"{"error":"offset is too large"}"#,
            InvalidParams,
            Some("cursor"),
            "offset is too large",
        ),
        case(
            400,
            r#"{"result":"error","message":"Bad request"}"#,
            InvalidParams,
            None,
            "Bad request",
        ),
        case(400, "", InvalidParams, None, "HTTP 400"),
        case(
            200,
            r#"{"result":"error","message":"Invalid source"}"#,
            InvalidParams,
            Some("source"),
            "Invalid source",
        ),
        // Rate limits and quotas, whatever the status.
        case(429, "", RateLimited, None, "HTTP 429"),
        case(
            200,
            r#"{"result":"error","message":"Monthly request quota exceeded"}"#,
            RateLimited,
            None,
            "quota",
        ),
        // 5xx reaches the classifier only when the HTTP layer lets it through.
        case(
            503,
            "<html>down</html>",
            UpstreamUnavailable,
            None,
            "HTTP 503",
        ),
        case(
            500,
            r#"{"result":"error","message":"Internal Server Error"}"#,
            UpstreamUnavailable,
            None,
            "Internal Server Error",
        ),
        // A bot challenge in front of the API.
        case(
            403,
            "<html><title>Just a moment...</title></html>",
            Blocked,
            None,
            "Cloudflare",
        ),
        // Anything else is a changed API.
        case(
            405,
            r#"{"result":"error","message":"Method Not Allowed"}"#,
            UpstreamChanged,
            None,
            "HTTP 405",
        ),
        case(302, "", UpstreamChanged, None, "HTTP 302"),
        // Messages in other members, and messages that are lists.
        case(
            400,
            r#"{"errors":["source is invalid","limit is invalid"]}"#,
            InvalidParams,
            Some("source"),
            "source is invalid; limit is invalid",
        ),
        case(
            400,
            r#"{"error":{"message":"Bad isrc"}}"#,
            InvalidParams,
            Some("isrc"),
            "Bad isrc",
        ),
    ];
    for c in cases {
        let e = classify_error(c.status, &c.body)
            .unwrap_or_else(|| panic!("{} {} is an error", c.status, c.body));
        assert_eq!(e.code(), c.code, "{} {}: {e}", c.status, c.body);
        assert_eq!(e.param(), c.param, "{} {}: {e}", c.status, c.body);
        assert!(
            e.to_string().contains(c.says),
            "{} {}: '{e}' should say '{}'",
            c.status,
            c.body,
            c.says
        );
        assert_eq!(e.retry_after(), None, "Retry-After is the HTTP layer's");
        assert!(
            e.to_string()
                .chars()
                .next()
                .is_some_and(|c| !c.is_uppercase()),
            "lowercase fragment: {e}"
        );
    }
}

#[test]
fn successes_are_not_errors() {
    for (status, body) in [
        (200, fixture("artist_info.json")),
        (200, fixture("success_without_member.json")),
        (200, r#"{"results":[]}"#.to_owned()),
        (204, String::new()),
        (200, "not json at all".to_owned()),
    ] {
        assert!(classify_error(status, &body).is_none(), "{status} {body}");
    }
}

#[test]
fn the_key_is_never_echoed() {
    // Even when Songstats would repeat it.
    let e = classify_error(
        401,
        r#"{"result":"error","message":"Invalid Api Key: sk_live_SECRET123"}"#,
    )
    .unwrap();
    assert!(!e.to_string().contains("SECRET123"), "{e}");
    let e = classify_error(
        200,
        r#"{"result":"error","message":"apikey sk_live_SECRET123 revoked"}"#,
    )
    .unwrap();
    assert_eq!(e.code(), ErrorCode::NotConfigured);
    assert!(!e.to_string().contains("SECRET123"), "{e}");
}

#[test]
fn long_and_odd_messages_are_cut_and_cleaned() {
    let long = format!(
        r#"{{"result":"error","message":"{}"}}"#,
        "ab\\n".repeat(400)
    );
    let e = classify_error(400, &long).unwrap();
    assert!(e.to_string().len() < 400, "{e}");
    assert!(!e.to_string().contains('\n'), "{e}");
}
