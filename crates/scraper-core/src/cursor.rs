//! Opaque cursors: whatever state a site needs to continue a listing, serialised as JSON and
//! base64url-encoded, so clients pass it back untouched and garbage is `invalid_params`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ScrapeError;

/// Encodes a site's paging state as an opaque cursor.
pub fn encode<T: Serialize>(state: &T) -> Result<String, ScrapeError> {
    let json = serde_json::to_vec(state)
        .map_err(|e| ScrapeError::internal(format!("unserialisable cursor: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

/// Decodes a cursor made by [`encode`]; anything else is `invalid_params` for `cursor`.
pub fn decode<T: DeserializeOwned>(cursor: &str) -> Result<T, ScrapeError> {
    let invalid = || {
        ScrapeError::invalid_param(
            "cursor",
            "parameter 'cursor' is not a cursor this service gave out",
        )
    };
    let json = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| invalid())?;
    serde_json::from_slice(&json).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct State {
        offset: u32,
        q: String,
    }

    #[test]
    fn round_trips_and_refuses_garbage() {
        let state = State {
            offset: 20,
            q: "lil uzi".into(),
        };
        let cursor = encode(&state).unwrap();
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode::<State>(&cursor).unwrap(), state);
        for bad in ["", "!!!", "eyJ4IjoxfQ", &cursor[..cursor.len() - 3]] {
            assert_eq!(
                decode::<State>(bad).unwrap_err().param(),
                Some("cursor"),
                "{bad}"
            );
        }
    }
}
