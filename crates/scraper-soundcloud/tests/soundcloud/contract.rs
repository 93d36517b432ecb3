//! The actions and settings as the registry reads them off the types, which is what the
//! catalogue, the docs, MCP and the validator publish: names, types, defaults, allowed values,
//! bounds and descriptions are the contract clients rely on.

use scraper_core::{ActionKind, FieldSpec, ValueKind, registry};
use scraper_soundcloud::SITE;
use serde_json::json;

fn field<'a>(fields: &'a [FieldSpec], name: &str) -> &'a FieldSpec {
    fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[test]
fn the_actions_publish_their_parameters() {
    let spec = registry::spec(&SITE).unwrap();
    let names: Vec<_> = spec.actions.iter().map(|a| a.description.name).collect();
    assert_eq!(names, ["profile", "search", "tracks", "track"]);

    let params = |action: &str| {
        let action = spec.action(action).unwrap();
        let fields = action.rules.fields.clone();
        (action.description.kind, fields)
    };
    let user = "Handle (dubmatix), numeric id (542134) or profile URL";

    let (kind, fields) = params("profile");
    assert_eq!(kind, ActionKind::Item);
    assert_eq!(fields.len(), 1);
    let f = field(&fields, "user");
    assert_eq!(
        (f.kind, f.required, f.description.as_str()),
        (ValueKind::String, true, user)
    );

    let (kind, fields) = params("search");
    assert_eq!(kind, ActionKind::List);
    let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["q", "type", "limit", "cursor"]);
    assert!(field(&fields, "q").required);
    let t = field(&fields, "type");
    assert!(!t.required);
    assert_eq!(t.default, Some(json!("users")));
    assert_eq!(t.allowed, ["users", "tracks", "playlists", "all"]);
    assert_eq!(
        t.description,
        "What to search: users (default), tracks, playlists, or all of them"
    );
    assert_eq!(field(&fields, "limit").default, Some(json!(20)));

    let (kind, fields) = params("tracks");
    assert_eq!(kind, ActionKind::List);
    let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["user", "limit", "cursor"]);
    assert_eq!(field(&fields, "user").description, user);

    let track = spec.action("track").unwrap();
    assert_eq!(track.rules.one_of, [["url", "id"]]);
    let id = field(&track.rules.fields, "id");
    assert_eq!(
        (id.kind, id.required, id.min, id.max),
        (
            ValueKind::Integer,
            false,
            Some(1),
            Some(i128::from(i64::MAX))
        )
    );
    assert!(!field(&track.rules.fields, "url").required);
}

#[test]
fn the_client_id_setting_is_an_optional_secret() {
    let spec = registry::spec(&SITE).unwrap();
    let settings: Vec<_> = spec
        .settings
        .iter()
        .map(|s| (s.name.as_str(), s.required, s.secret))
        .collect();
    assert_eq!(settings, [("client_id", false, true)]);
    assert_eq!(
        spec.settings[0].description,
        "Use this api-v2 client_id instead of discovering one from the homepage (a refused one is still replaced)"
    );
}

#[test]
fn urls_in_parameters_name_only_the_page_hosts() {
    assert_eq!(
        SITE.url_hosts(),
        ["soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"]
    );
    assert!(SITE.allows_host("api-v2.soundcloud.com"));
    assert!(SITE.allows_host("a-v2.sndcdn.com"));
}

#[tokio::test]
async fn bad_parameters_are_refused_with_their_messages() {
    // Nothing listens on port 9: a request that got past validation would fail otherwise.
    let engine = scraper_core::testing::engine("soundcloud", "http://127.0.0.1:9/", &[]);
    for (action, query, param, message) in [
        ("profile", "", "user", "missing required parameter 'user'"),
        (
            "search",
            "type=users",
            "q",
            "missing required parameter 'q'",
        ),
        (
            "search",
            "q=x&type=albums",
            "type",
            "parameter 'type' must be one of users, tracks, playlists, all, got 'albums'",
        ),
        (
            "search",
            "q=x&limit=101",
            "limit",
            "parameter 'limit' must be between 1 and 100, got 101",
        ),
        (
            "track",
            "id=0",
            "id",
            "parameter 'id' must be between 1 and 9223372036854775807, got 0",
        ),
        (
            "track",
            "url=https%3A%2F%2Fexample.com%2Fa%2Fb",
            "url",
            "parameter 'url' must be a URL of soundcloud.com, www.soundcloud.com, m.soundcloud.com, api.soundcloud.com, api-v2.soundcloud.com, not of example.com",
        ),
        (
            "tracks",
            "user=https%3A%2F%2Fsoundcloud.com%2Fdiscover",
            "user",
            "parameter 'user' must be the URL of a SoundCloud profile",
        ),
    ] {
        let err = scraper_core::testing::call(&engine, "soundcloud", action, query)
            .await
            .unwrap_err()
            .error;
        assert_eq!(
            (err.param(), err.to_string().as_str()),
            (Some(param), message),
            "{action}?{query}"
        );
    }
    let err = scraper_core::testing::call(&engine, "soundcloud", "track", "")
        .await
        .unwrap_err()
        .error;
    assert_eq!(
        (err.param(), err.to_string().as_str()),
        (None, "give one of 'url' or 'id'")
    );
}
