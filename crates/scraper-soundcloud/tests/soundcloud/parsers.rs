//! The pure parsers on fixtures we wrote after the real answers' shapes: normalised records are
//! snapshotted, and hostile input (empty, truncated, huge, wrong shape) never panics.

use scraper_core::ErrorCode;
use scraper_soundcloud::fixtures::fixture;
use scraper_soundcloud::model::SearchItem;
use scraper_soundcloud::parse::client_id::{
    asset_script_urls, parse_bundle_client_id, parse_hydration_client_id,
};
use scraper_soundcloud::parse::entity::parse_entity;
use scraper_soundcloud::parse::page::parse_page;
use scraper_soundcloud::parse::web_profiles::parse_web_profiles;

const CLIENT_ID: &str = "Fx7Kq2LmN9pR4sT6vW8yZ1aB3cD5eG0h";

#[test]
fn client_id_from_the_homepage_hydration() {
    assert_eq!(
        parse_hydration_client_id(&fixture("homepage.html")).as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        parse_hydration_client_id(&fixture("homepage_no_hydration.html")),
        None
    );
}

#[test]
fn client_id_from_the_bundles_the_homepage_loads() {
    assert_eq!(
        asset_script_urls(&fixture("homepage_no_hydration.html")),
        [
            "https://a-v2.sndcdn.com/assets/0-1a2b3c4d.js",
            "https://a-v2.sndcdn.com/assets/1-5e6f7a8b.js",
            "https://a-v2.sndcdn.com/assets/49-9c0d1e2f.js",
        ]
    );
    assert_eq!(
        parse_bundle_client_id(&fixture("bundle.js")).as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        parse_bundle_client_id(r#"{"client_id":"Fx7Kq2LmN9pR4sT6vW8yZ1aB3cD5eG0h"}"#).as_deref(),
        Some(CLIENT_ID)
    );
    assert_eq!(
        parse_bundle_client_id("client_id:e.clientId,client_id:\"short\""),
        None
    );
}

#[test]
fn user() {
    let SearchItem::User(profile) = parse_entity(&fixture("user.json")).unwrap() else {
        panic!("not a user")
    };
    insta::assert_json_snapshot!("user", profile);
}

#[test]
fn sparse_user_gives_nulls_not_inventions() {
    let SearchItem::User(profile) = parse_entity(&fixture("user_sparse.json")).unwrap() else {
        panic!("not a user")
    };
    insta::assert_json_snapshot!("user_sparse", profile);
}

#[test]
fn track() {
    let SearchItem::Track(track) = parse_entity(&fixture("track.json")).unwrap() else {
        panic!("not a track")
    };
    insta::assert_json_snapshot!("track", track);
}

#[test]
fn search_page_of_users() {
    insta::assert_json_snapshot!(
        "search_users",
        parse_page(&fixture("search_users.json")).unwrap()
    );
}

#[test]
fn search_page_of_every_kind_skips_unknown_kinds() {
    let page = parse_page(&fixture("search_all.json")).unwrap();
    let kinds: Vec<_> = page
        .items
        .iter()
        .map(|i| match i {
            SearchItem::User(_) => "user",
            SearchItem::Track(_) => "track",
            SearchItem::Playlist(_) => "playlist",
        })
        .collect();
    assert_eq!(kinds, ["track", "user", "playlist", "playlist"]);
    insta::assert_json_snapshot!("search_all", page);
}

#[test]
fn tracks_pages_with_and_without_next() {
    let first = parse_page(&fixture("tracks_page.json")).unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(
        first
            .next_href
            .as_deref()
            .unwrap()
            .contains("offset=2025-08-12")
    );
    let empty = parse_page(&fixture("tracks_empty_page.json")).unwrap();
    assert!(empty.items.is_empty() && empty.next_href.is_some());
    let last = parse_page(&fixture("tracks_last_page.json")).unwrap();
    assert_eq!(
        (
            last.items.len(),
            last.next_href.as_deref(),
            last.total_results
        ),
        (1, None, None)
    );
    insta::assert_json_snapshot!("tracks_last_page", last);
}

#[test]
fn web_profiles() {
    insta::assert_json_snapshot!(
        "web_profiles",
        parse_web_profiles(&fixture("web_profiles.json")).unwrap()
    );
    let wrapped = format!(r#"{{"collection":{}}}"#, fixture("web_profiles.json"));
    assert_eq!(parse_web_profiles(&wrapped).unwrap().len(), 2);
    assert_eq!(parse_web_profiles("[]").unwrap(), []);
}

#[test]
fn captcha_and_not_found_bodies() {
    for body in [fixture("captcha.json"), fixture("captcha.html")] {
        assert_eq!(
            parse_entity(&body).unwrap_err().code(),
            ErrorCode::Blocked,
            "{body}"
        );
        assert_eq!(
            parse_page(&body).unwrap_err().code(),
            ErrorCode::Blocked,
            "{body}"
        );
    }
    assert_eq!(
        parse_entity(&fixture("not_found.json")).unwrap_err().code(),
        ErrorCode::UpstreamChanged
    );
}

/// Every parser on inputs no upstream should send: errors are fine, panics are not.
#[test]
fn hostile_input_never_panics() {
    let user = fixture("user.json");
    let page = fixture("search_all.json");
    let home = fixture("homepage.html");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge_collection = format!(
        r#"{{"collection":[{}{{"kind":"user","id":1}}]}}"#,
        "{},".repeat(200_000)
    );
    assert_eq!(
        parse_page(&huge_collection).unwrap().items.len(),
        1,
        "a huge page still parses"
    );
    let mut inputs: Vec<String> = vec![
        String::new(),
        " ".into(),
        "null".into(),
        "[]".into(),
        "{}".into(),
        "\"string\"".into(),
        "42".into(),
        "{\"kind\":\"track\"}".into(),
        "{\"kind\":\"user\",\"id\":-5}".into(),
        "{\"kind\":\"user\",\"id\":1e400}".into(),
        "{\"kind\":\"user\",\"id\":18446744073709551616}".into(),
        "{\"collection\":null}".into(),
        "{\"collection\":\"x\",\"next_href\":7,\"total_results\":\"many\"}".into(),
        "{\"collection\":[null,1,\"x\",[],{\"kind\":7},{\"kind\":\"track\",\"id\":\"12\",\"user\":[]}]}".into(),
        "{\"kind\":\"user\",\"id\":1,\"id\":2}".into(),
        "\u{feff}{}".into(),
        "<html><body>maintenance</body></html>".into(),
        "window.__sc_hydration = [{\"hydratable\":\"apiClient\",\"data\":{\"id\":".into(),
        "window.__sc_hydration = ;window.__sc_hydration=[{\"hydratable\":\"apiClient\",\"data\":\"x\"}]".into(),
        "<script src=\"https://a-v2.sndcdn.com/assets/".into(),
        "client_id:\"".into(),
        "é".repeat(300_000),
        deep,
        huge_collection,
    ];
    for cut in [1, 7, 100, user.len() / 2, user.len() - 1] {
        inputs.push(user[..cut].to_owned());
    }
    for cut in [1, 50, page.len() / 3, page.len() - 2] {
        inputs.push(page[..cut].to_owned());
    }
    for cut in [10, home.len() / 2, home.len() - 30] {
        inputs.push(home[..cut].to_owned());
    }
    for input in &inputs {
        let _ = parse_entity(input);
        let _ = parse_page(input);
        let _ = parse_web_profiles(input);
        let _ = parse_hydration_client_id(input);
        let _ = asset_script_urls(input);
        let _ = parse_bundle_client_id(input);
    }
}
