//! What the catalogue (`/v1/sites`, `/openapi.json`, MCP) reads off the handlers' types: the
//! actions, their parameters with types, defaults and allowed values, the one-of group, and
//! `limit`'s default (100 for `top100`, the whole chart; 20 elsewhere).

use scraper_core::{ActionKind, registry};
use serde_json::{Value, json};

#[test]
fn the_actions_and_their_parameters() {
    let spec = registry::spec(&scraper_beatport::SITE).unwrap();
    let shape: Vec<(&str, ActionKind, Vec<Value>)> = spec
        .actions
        .iter()
        .map(|a| {
            let fields = a
                .rules
                .fields
                .iter()
                .map(|f| json!([f.name, f.kind.as_str(), f.required, f.default, f.allowed]))
                .collect();
            (a.description.name, a.description.kind, fields)
        })
        .collect();
    let limit = |default: u32| json!(["limit", "integer", false, default, []]);
    let cursor = json!(["cursor", "string", false, null, []]);
    assert_eq!(
        shape,
        [
            (
                "search",
                ActionKind::List,
                vec![
                    json!(["q", "string", true, null, []]),
                    json!([
                        "type",
                        "string",
                        false,
                        "all",
                        ["tracks", "releases", "artists", "labels", "all"]
                    ]),
                    limit(20),
                    cursor.clone(),
                ]
            ),
            (
                "track",
                ActionKind::Item,
                vec![json!(["id", "string", true, null, []])]
            ),
            (
                "release",
                ActionKind::Item,
                vec![json!(["id", "string", true, null, []])]
            ),
            (
                "releases",
                ActionKind::List,
                vec![
                    json!(["artist_id", "string", false, null, []]),
                    json!(["label_id", "string", false, null, []]),
                    json!(["start_date", "date", false, null, []]),
                    json!(["end_date", "date", false, null, []]),
                    limit(20),
                    cursor.clone(),
                ]
            ),
            (
                "top100",
                ActionKind::List,
                vec![
                    json!(["genre_id", "string", false, null, []]),
                    limit(100),
                    cursor.clone(),
                ]
            ),
            ("genres", ActionKind::List, vec![limit(20), cursor]),
        ]
    );
    let releases = spec.action("releases").unwrap();
    assert_eq!(releases.rules.one_of, [["artist_id", "label_id"]]);
    assert!(spec.settings.is_empty(), "Beatport needs no settings");
}
