//! Lenient readers of JSON values: Songstats' documentation is vague on types, so ids and texts
//! are taken as strings or numbers, lists as arrays (or single values), and links in both shapes
//! seen in public clients (a list of `{source, external_id, url}`, or an object `{source: url}`).

use serde_json::{Map, Value};

use crate::model::Link;

pub(crate) type Object = Map<String, Value>;

/// The trimmed, non-empty text of a string or number.
pub(crate) fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The text of the first of `keys` that holds one.
pub(crate) fn text(obj: &Object, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| obj.get(*k).and_then(as_text))
}

/// The first of `keys` present in `obj` with a non-null value, or in `fallback` (the envelope,
/// where some answers put what others nest in the entity).
pub(crate) fn field<'a>(obj: &'a Object, fallback: &'a Object, keys: &[&str]) -> Option<&'a Value> {
    let find = |o: &'a Object| keys.iter().find_map(|k| o.get(*k).filter(|v| !v.is_null()));
    find(obj).or_else(|| find(fallback))
}

/// A list of texts: strings (or objects with a `name`), a single string counting as one item.
pub(crate) fn texts(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::Object(o) => text(o, &["name", "title"]),
                other => as_text(other),
            })
            .collect(),
        Some(other) => as_text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Links, from a list of `{source, external_id, url}` (strings counting as bare URLs) or from an
/// object `{source: url | {external_id, url}}`. Entries without a URL are dropped.
pub(crate) fn links(value: Option<&Value>) -> Vec<Link> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::Object(o) => link(o, None),
                other => as_text(other).map(|url| Link {
                    source: None,
                    url,
                    external_id: None,
                }),
            })
            .collect(),
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(source, item)| match item {
                Value::Object(o) => link(o, Some(source)),
                other => as_text(other).map(|url| Link {
                    source: Some(source.trim().to_owned()).filter(|s| !s.is_empty()),
                    url,
                    external_id: None,
                }),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn link(o: &Object, source: Option<&str>) -> Option<Link> {
    Some(Link {
        url: text(o, &["url", "link", "external_url"])?,
        source: text(o, &["source", "platform"]).or_else(|| {
            source
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        }),
        external_id: text(o, &["external_id", "id"]),
    })
}
