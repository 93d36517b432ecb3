//! Finding the JSON Facebook embeds in its HTML (`<script type="application/json">`,
//! `RelayPrefetchedStreamCache`, `__bbox`): the values of a key, located by a byte search and read
//! by serde_json from their first byte, so one object is parsed exactly as far as it goes.
//!
//! Nothing here trusts the surrounding markup: a value that is truncated, unbalanced or of
//! another shape is skipped, never a panic, and the number of values read per key is bounded.

use memchr::memmem::Finder;
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, de};

/// At most this many values of one key are read from one body (Facebook pages hold a few dozen).
const MAX_VALUES_PER_KEY: usize = 2_000;

/// The offsets in `body` where the values of `"key":` begin, in document order.
///
/// Whitespace around the colon is allowed; a key written escaped inside a JavaScript string
/// (`\"key\":`) is not a key of the JSON around it and is skipped.
pub(crate) fn value_starts<'a>(body: &'a str, key: &str) -> impl Iterator<Item = usize> + 'a {
    let needle = format!("\"{key}\"");
    let finder = Finder::new(needle.as_bytes()).into_owned();
    let bytes = body.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        while from < bytes.len() {
            let at = from + finder.find(&bytes[from..])?;
            from = at + finder.needle().len();
            if at > 0 && bytes[at - 1] == b'\\' {
                continue;
            }
            let colon = skip_whitespace(bytes, from);
            if bytes.get(colon) != Some(&b':') {
                continue;
            }
            let value = skip_whitespace(bytes, colon + 1);
            if value < bytes.len() {
                return Some(value);
            }
        }
        None
    })
    .take(MAX_VALUES_PER_KEY)
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Reads one JSON value of type `T` starting at `start`, and where it ends.
///
/// `None` when the text there is not a complete value of that shape (truncated, unbalanced,
/// too deep, another type).
pub(crate) fn parse_at<T: DeserializeOwned>(body: &str, start: usize) -> Option<(T, usize)> {
    let text = body.get(start..)?;
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<T>();
    match stream.next() {
        Some(Ok(value)) => Some((value, start + stream.byte_offset())),
        _ => None,
    }
}

/// Where the value of `"key"` begins when it is the next member after a value ending at `from`
/// (`{"path":["event"],"data":{...}}`: `data` after `path`).
pub(crate) fn sibling_value(body: &str, from: usize, key: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let comma = skip_whitespace(bytes, from);
    if bytes.get(comma) != Some(&b',') {
        return None;
    }
    let at = skip_whitespace(bytes, comma + 1);
    let quoted = format!("\"{key}\"");
    if !body.get(at..)?.starts_with(&quoted) {
        return None;
    }
    let colon = skip_whitespace(bytes, at + quoted.len());
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    let value = skip_whitespace(bytes, colon + 1);
    (value < bytes.len()).then_some(value)
}

/// Every value of `"key":` that is an object of shape `T`, in document order.
pub(crate) fn objects<'a, T: DeserializeOwned + 'a>(
    body: &'a str,
    key: &str,
) -> impl Iterator<Item = T> + 'a {
    value_starts(body, key)
        .filter(move |&at| body.as_bytes().get(at) == Some(&b'{'))
        .filter_map(move |at| parse_at::<T>(body, at).map(|(value, _)| value))
}

/// Every value of `"key":` that is a string, decoded, in document order.
pub(crate) fn strings<'a>(body: &'a str, key: &str) -> impl Iterator<Item = String> + 'a {
    value_starts(body, key)
        .filter(move |&at| body.as_bytes().get(at) == Some(&b'"'))
        .filter_map(move |at| parse_at::<String>(body, at).map(|(value, _)| value))
}

/// A field read leniently: a value of another type (or `null`) is `None` instead of failing
/// the whole object around it. Facebook's shapes drift one field at a time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lenient<T>(pub(crate) Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> Lenient<T> {
    /// The value, when it had the expected type.
    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }

    /// The value, owned.
    pub(crate) fn into_inner(self) -> Option<T> {
        self.0
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Self(T::deserialize(value).ok()))
    }
}

/// `{"text": "..."}`, Facebook's shape for texts with entities.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Text {
    pub(crate) text: Lenient<String>,
}

impl Text {
    /// The text, trimmed, when it is not empty.
    pub(crate) fn non_empty(&self) -> Option<String> {
        non_empty(self.text.get().map(String::as_str))
    }
}

/// A trimmed copy of `value` when it has something in it.
pub(crate) fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// An id as Facebook writes it: a string, or (rarely) a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Id(pub(crate) String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Id;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Id {
    /// The id when it is not empty.
    pub(crate) fn non_empty(&self) -> Option<&str> {
        Some(self.0.trim()).filter(|id| !id.is_empty())
    }
}

/// Whether `id` is one of Facebook's numeric ids (not `0`, the logged-out viewer).
pub(crate) fn is_numeric_id(id: &str) -> bool {
    (1..=25).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) && id != "0"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Named {
        id: Lenient<Id>,
        name: Lenient<String>,
    }

    #[test]
    fn finds_values_by_key_whatever_the_spacing() {
        let body =
            r#"<script>{"a":{"event" : {"id":"1","name":"x"}},"event":[1],"event":"s"}</script>"#;
        let starts: Vec<_> = value_starts(body, "event").collect();
        assert_eq!(starts.len(), 3);
        let named: Vec<Named> = objects(body, "event").collect();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].name.get().map(String::as_str), Some("x"));
        assert_eq!(strings(body, "event").collect::<Vec<_>>(), ["s"]);
    }

    #[test]
    fn skips_truncated_escaped_and_mistyped_values() {
        let body = r#"{"event":{"id":"1","name":"cut"#;
        assert_eq!(objects::<Named>(body, "event").count(), 0);
        let body = r#"var s = "{\"event\":{\"id\":\"1\"}}"; {"event":{"id":2,"name":true}}"#;
        let named: Vec<Named> = objects(body, "event").collect();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].id.get(), Some(&Id("2".into())));
        assert_eq!(named[0].name.get(), None);
    }

    #[test]
    fn stops_where_the_object_ends() {
        let body = r#"{"event":{"id":"1"}}}}}<div>{"#;
        let at = value_starts(body, "event").next().unwrap();
        let (_, end) = parse_at::<serde_json::Value>(body, at).unwrap();
        assert_eq!(&body[at..end], r#"{"id":"1"}"#);
    }

    #[test]
    fn numeric_ids() {
        assert!(is_numeric_id("54421674438"));
        assert!(!is_numeric_id("0"));
        assert!(!is_numeric_id(""));
        assert!(!is_numeric_id("pfbid02abc"));
    }
}
