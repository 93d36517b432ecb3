//! Paging, owned by the core: a list action receives `limit` and its own cursor state (a
//! [`PageRequest`]) and answers a [`Page`] with the state of the next page. The core turns that
//! state into an opaque cursor bound to the action and its parameters, and refuses a cursor of
//! another listing with one message, before the action runs.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ScrapeError;

/// What a list action is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<C> {
    /// How many records to answer at most (1-100).
    pub limit: usize,
    /// Where to continue: the state the action put in the previous page, when the client passed
    /// its `next_cursor` back.
    pub cursor: Option<C>,
}

/// A page of records and where the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, C> {
    /// The records, at most `limit` of them.
    pub items: Vec<T>,
    /// The state of the next page; `None` on the last page.
    pub next: Option<C>,
    /// Extra `meta` members (`total_results`, `complete`, ...).
    pub meta: Map<String, Value>,
}

impl<T, C> Page<T, C> {
    /// A page of `items`, the last one unless [`Page::next`] says otherwise.
    pub fn new(items: Vec<T>) -> Self {
        Self {
            items,
            next: None,
            meta: Map::new(),
        }
    }

    /// The state of the next page (`None`: this is the last page).
    #[must_use]
    pub fn next(mut self, next: Option<C>) -> Self {
        self.next = next;
        self
    }

    /// Adds a `meta` member (`total_results`, say); a `None` value is left out.
    #[must_use]
    pub fn meta(mut self, key: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Null) | Err(_) => {}
            Ok(value) => {
                self.meta.insert(key.to_owned(), value);
            }
        }
        self
    }
}

/// Length of the binding at the head of a cursor.
const BINDING_LEN: usize = 8;

/// The binding of a listing: a stable hash of the site, the action and the canonical parameters
/// (without `limit` and `cursor`, which may change from page to page).
pub(crate) fn binding(site: &str, action: &str, canonical_params: &str) -> [u8; BINDING_LEN] {
    // FNV-1a, 64 bits: stable across builds and platforms, so cursors survive a restart.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [site, "/", action, "?", canonical_params] {
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash.to_be_bytes()
}

/// The opaque cursor of `state` for the listing with `binding`.
pub(crate) fn encode(binding: [u8; BINDING_LEN], state: &Value) -> Result<String, ScrapeError> {
    let mut bytes = binding.to_vec();
    serde_json::to_writer(&mut bytes, state)
        .map_err(|e| ScrapeError::internal(format!("unserialisable cursor: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The state inside `cursor`, when it is ours and belongs to the listing with `binding`.
pub(crate) fn decode(binding: [u8; BINDING_LEN], cursor: &str) -> Result<Value, ScrapeError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim().trim_end_matches('='))
        .map_err(|_| not_ours())?;
    if bytes.len() <= BINDING_LEN {
        return Err(not_ours());
    }
    let (head, json) = bytes.split_at(BINDING_LEN);
    let state: Value = serde_json::from_slice(json).map_err(|_| not_ours())?;
    if head != binding {
        return Err(ScrapeError::invalid_param(
            "cursor",
            "parameter 'cursor' belongs to another listing: pass it back with the same action and parameters as the page that gave it (only limit may change)",
        ));
    }
    Ok(state)
}

/// The refusal of a cursor this service did not give out.
pub(crate) fn not_ours() -> ScrapeError {
    ScrapeError::invalid_param(
        "cursor",
        "parameter 'cursor' is not a cursor this service gave out",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cursors_round_trip_within_their_listing_only() {
        let here = binding("soundcloud", "tracks", "user=dubmatix");
        let state = json!({"h": "https://api-v2.soundcloud.com/users/1/tracks", "s": 3});
        let cursor = encode(here, &state).unwrap();
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode(here, &cursor).unwrap(), state);
        for other in [
            binding("soundcloud", "tracks", "user=someoneelse"),
            binding("soundcloud", "search", "user=dubmatix"),
            binding("bandcamp", "tracks", "user=dubmatix"),
        ] {
            let err = decode(other, &cursor).unwrap_err();
            assert_eq!(err.param(), Some("cursor"));
            assert!(err.to_string().contains("another listing"), "{err}");
        }
        for bad in [
            "",
            "!!!",
            "eyJ4IjoxfQ",
            "AAAAAAAAAAA",
            &cursor[..cursor.len() - 3],
        ] {
            let err = decode(here, bad).unwrap_err();
            assert_eq!(err.param(), Some("cursor"), "{bad}");
        }
    }

    #[test]
    fn the_binding_is_stable() {
        assert_eq!(
            binding("a", "b", "c=d"),
            [177, 181, 141, 181, 145, 155, 136, 162]
        );
    }

    #[test]
    fn pages_take_meta_and_leave_out_nulls() {
        let page: Page<u8, ()> = Page::new(vec![1, 2])
            .meta("total_results", Some(2))
            .meta("complete", None::<bool>);
        assert_eq!(Value::Object(page.meta), json!({"total_results": 2}));
    }
}
