//! The site as clients and operators see it: its actions, their parameters (names, defaults,
//! allowed values, bounds, one-of groups), its setting, and the validation messages — the same
//! as before the actions became typed handlers.

use scraper_bandcamp::SITE;
use scraper_core::testing::{call, engine};
use scraper_core::{ActionKind, ValueKind, registry};
use serde_json::json;

#[test]
fn actions_parameters_and_settings() {
    let spec = registry::spec(&SITE).unwrap();
    let actions: Vec<_> = spec
        .actions
        .iter()
        .map(|a| (a.description.name, a.description.kind))
        .collect();
    assert_eq!(
        actions,
        [
            ("search", ActionKind::List),
            ("artist", ActionKind::Item),
            ("album", ActionKind::Item),
            ("track", ActionKind::Item)
        ]
    );
    let params = |action: &str| -> Vec<(String, ValueKind, bool)> {
        spec.action(action)
            .unwrap()
            .rules
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.kind, f.required))
            .collect()
    };
    let owned = |list: &[(&str, ValueKind, bool)]| -> Vec<(String, ValueKind, bool)> {
        list.iter()
            .map(|(n, k, r)| ((*n).to_owned(), *k, *r))
            .collect()
    };
    assert_eq!(
        params("search"),
        owned(&[
            ("q", ValueKind::String, true),
            ("type", ValueKind::String, false),
            ("limit", ValueKind::Integer, false),
            ("cursor", ValueKind::String, false)
        ])
    );
    let search = &spec.action("search").unwrap().rules.fields;
    assert_eq!(
        search[1].allowed,
        ["artists", "labels", "albums", "tracks", "all"]
    );
    assert_eq!(search[1].default, Some(json!("all")));
    assert_eq!(search[2].default, Some(json!(20)));
    assert_eq!(
        params("artist"),
        owned(&[
            ("url", ValueKind::String, false),
            ("subdomain", ValueKind::String, false),
            ("id", ValueKind::Integer, false)
        ])
    );
    let artist = spec.action("artist").unwrap();
    assert_eq!(artist.rules.one_of, [["url", "subdomain", "id"]]);
    assert_eq!(
        (artist.rules.fields[2].min, artist.rules.fields[2].max),
        (Some(1), Some(i128::from(i64::MAX)))
    );
    for action in ["album", "track"] {
        assert_eq!(params(action), owned(&[("url", ValueKind::String, true)]));
    }
    let setting = &spec.settings[..];
    assert_eq!(setting.len(), 1);
    assert_eq!(
        (
            setting[0].name.as_str(),
            setting[0].kind,
            setting[0].default.clone()
        ),
        (
            "allow_custom_domains",
            ValueKind::Boolean,
            Some(json!(false))
        )
    );
    assert!(
        setting[0].description.starts_with("Accept artist URLs")
            && !setting[0].description.contains('\n')
    );
}

#[tokio::test]
async fn validation_messages() {
    // Nothing is fetched for any of these: the upstream is a closed port.
    let engine = engine("bandcamp", "http://127.0.0.1:9/", &[]);
    for (action, query, param, message) in [
        ("search", "", Some("q"), "missing required parameter 'q'"),
        (
            "search",
            "q=x&type=fans",
            Some("type"),
            "parameter 'type' must be one of artists, labels, albums, tracks, all, got 'fans'",
        ),
        (
            "search",
            "q=x&limit=0",
            Some("limit"),
            "parameter 'limit' must be between 1 and 100, got 0",
        ),
        (
            "artist",
            "",
            None,
            "give one of 'url' or 'subdomain' or 'id'",
        ),
        (
            "artist",
            "id=1&subdomain=x",
            None,
            "give only one of 'url' or 'subdomain' or 'id', not several",
        ),
        (
            "artist",
            "id=0",
            Some("id"),
            "parameter 'id' must be between 1 and 9223372036854775807, got 0",
        ),
        ("album", "", Some("url"), "missing required parameter 'url'"),
        (
            "track",
            "url=https%3A%2F%2Fx.bandcamp.com%2Falbum%2Fy",
            Some("url"),
            "parameter 'url' must be the URL of a Bandcamp track page (https://<artist>.bandcamp.com/track/<name>)",
        ),
        (
            "artist",
            "url=https%3A%2F%2Flobstertheremin.com",
            Some("url"),
            "parameter 'url' must be a URL of an artist's or label's site on bandcamp.com; custom domains such as lobstertheremin.com are refused unless the operator sets TECHNO_SCRAPER_BANDCAMP_ALLOW_CUSTOM_DOMAINS=true",
        ),
    ] {
        let error = match call(&engine, "bandcamp", action, query).await {
            Ok(_) => panic!("{action}?{query} succeeded"),
            Err(failure) => failure.error,
        };
        assert_eq!(
            (error.param(), error.to_string().as_str()),
            (param, message),
            "{action}?{query}"
        );
    }
}
