//! The records' JSON Schema, which users see as the description of each action's data: every
//! field is described, and the identifying fields are required.

use schemars::{JsonSchema, schema_for};
use scraper_songstats::model::{
    Artist, HistoryPoint, Label, Link, SearchItem, SourceHistory, SourceStats, Track, TrackArtist,
};
use serde_json::Value;

/// Every property of every object in `schema`, with the path that leads to it.
fn properties<'a>(path: &str, schema: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    match schema {
        Value::Object(o) => {
            if let Some(Value::Object(props)) = o.get("properties") {
                for (name, prop) in props {
                    out.push((format!("{path}.{name}"), prop));
                }
            }
            for (key, value) in o {
                properties(&format!("{path}/{key}"), value, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                properties(path, item, out);
            }
        }
        _ => {}
    }
}

fn check<T: JsonSchema>(required: &[&str]) -> Value {
    let schema = schema_for!(T).to_value();
    let mut props = Vec::new();
    properties("", &schema, &mut props);
    assert!(!props.is_empty());
    for (path, prop) in props {
        let description = prop.get("description").and_then(Value::as_str);
        assert!(
            description.is_some_and(|d| !d.trim().is_empty()),
            "{path} has no description"
        );
    }
    let listed: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for name in required {
        assert!(listed.contains(name), "{name} is required: {listed:?}");
    }
    schema
}

#[test]
fn every_field_is_described_and_identities_are_required() {
    check::<Artist>(&["songstats_artist_id", "name"]);
    check::<Link>(&["url"]);
    check::<SourceStats>(&["source", "metrics"]);
    check::<SourceHistory>(&["source", "history"]);
    check::<SearchItem>(&["songstats_artist_id", "name"]);
    check::<Track>(&["songstats_track_id", "title"]);
    check::<TrackArtist>(&["name"]);
    check::<Label>(&["name"]);
    let point = check::<HistoryPoint>(&["date"]);
    assert_ne!(
        point["additionalProperties"],
        Value::Bool(false),
        "a day's metrics sit next to its date: {point}"
    );
}
