//! The envelope every Songstats answer shares: `{"result": "success"|"error", "message": ...}`
//! around the member an endpoint answers. Reading it is where a body stops being trusted by its
//! status: an error envelope, a non-JSON page or a missing member never reach a record.

use scraper_core::ScrapeError;
use scraper_core::walls::detect_bot_challenge;
use serde_json::Value;

use super::error::classify_error;
use super::json::Object;

/// The answer as a JSON object, once it is known not to be an error.
///
/// An answer without `result` is accepted when it has the member (the documentation shows the
/// envelope, a mock may leave it out); `result: "error"` is classified as an HTTP 200 answer.
pub(crate) fn success_document(body: &str) -> Result<Object, ScrapeError> {
    let value: Value = serde_json::from_str(body).map_err(|_| not_json(body))?;
    let Value::Object(doc) = value else {
        return Err(ScrapeError::changed(
            "songstats answered JSON that is not an object",
        ));
    };
    let is_error = doc
        .get("result")
        .and_then(Value::as_str)
        .is_some_and(|r| r.trim().eq_ignore_ascii_case("error"));
    if is_error {
        return Err(classify_error(200, body).unwrap_or_else(|| {
            ScrapeError::changed("songstats answered an error without a message")
        }));
    }
    Ok(doc)
}

/// The first of `names` present (and not `null`) in the answer; `upstream_changed` naming the
/// first when none is.
pub(crate) fn member<'a>(doc: &'a Object, names: &[&str]) -> Result<&'a Value, ScrapeError> {
    names
        .iter()
        .find_map(|n| doc.get(*n).filter(|v| !v.is_null()))
        .ok_or_else(|| {
            ScrapeError::changed(format!(
                "songstats answered success without '{}'",
                names.first().copied().unwrap_or("data")
            ))
        })
}

/// Like [`member`], but moves the member out of the answer (for the large lists of stats).
pub(crate) fn take_member(doc: &mut Object, names: &[&str]) -> Result<Value, ScrapeError> {
    member(doc, names)?;
    names
        .iter()
        .find_map(|n| doc.shift_remove(*n).filter(|v| !v.is_null()))
        .ok_or_else(|| ScrapeError::internal("member vanished"))
}

/// Why a body that should be JSON is not: a bot challenge, or a changed API.
fn not_json(body: &str) -> ScrapeError {
    match detect_bot_challenge(body) {
        Some(vendor) => {
            ScrapeError::blocked(format!("songstats answered a {vendor} bot challenge"))
        }
        None if body.trim().is_empty() => ScrapeError::changed("songstats answered an empty body"),
        None => ScrapeError::changed("songstats answered something that is not JSON"),
    }
}

#[cfg(test)]
mod tests {
    use scraper_core::ErrorCode;

    use super::*;

    #[test]
    fn error_envelopes_never_pass() {
        let e = success_document(r#"{"result":"error","message":"Invalid Api Key"}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotConfigured);
        let e = success_document(r#"{"result":"ERROR"}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotConfigured, "{e}");
        assert!(success_document(r#"{"result":"success","x":1}"#).is_ok());
        assert!(success_document(r#"{"x":1}"#).is_ok());
    }

    #[test]
    fn member_names_what_is_missing() {
        let doc = success_document(r#"{"result":"success","stats":null}"#).unwrap();
        let e = member(&doc, &["stats"]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::UpstreamChanged);
        assert!(e.to_string().contains("'stats'"), "{e}");
    }

    #[test]
    fn non_json_is_changed_or_blocked() {
        assert_eq!(
            success_document("<html>hi</html>").unwrap_err().code(),
            ErrorCode::UpstreamChanged
        );
        assert_eq!(
            success_document("<title>Just a moment...</title>")
                .unwrap_err()
                .code(),
            ErrorCode::Blocked
        );
        assert_eq!(
            success_document("[1]").unwrap_err().code(),
            ErrorCode::UpstreamChanged
        );
    }
}
