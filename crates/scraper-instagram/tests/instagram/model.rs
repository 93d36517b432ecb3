//! The records' JSON Schema: exactly API.md's field names, a description on every field (the
//! doc comments), `media_type` one of `image`, `video`, `carousel`, and ids as strings.

use schemars::schema_for;
use scraper_instagram::model::{MediaType, Post, Profile};
use serde_json::Value;

fn properties(schema: &Value) -> Vec<(&str, &Value)> {
    schema["properties"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect()
}

#[test]
fn profile_schema_has_the_api_fields_each_described() {
    let schema = serde_json::to_value(schema_for!(Profile)).unwrap();
    let props = properties(&schema);
    let names: Vec<_> = props.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        [
            "id",
            "username",
            "full_name",
            "bio",
            "external_url",
            "followers_count",
            "following_count",
            "posts_count",
            "verified",
            "private",
            "business",
            "category",
            "avatar_url"
        ]
    );
    for (name, prop) in props {
        assert!(
            prop["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}"
        );
    }
    assert_eq!(schema["properties"]["id"]["type"], "string");
}

#[test]
fn post_schema_has_the_api_fields_each_described() {
    let schema = serde_json::to_value(schema_for!(Post)).unwrap();
    let props = properties(&schema);
    let names: Vec<_> = props.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        [
            "id",
            "shortcode",
            "url",
            "taken_at",
            "caption",
            "like_count",
            "comment_count",
            "media_type",
            "display_url",
            "is_video"
        ]
    );
    for (name, prop) in props {
        assert!(
            prop["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}"
        );
    }
    let media = serde_json::to_value(schema_for!(MediaType)).unwrap();
    let text = media.to_string();
    for value in ["image", "video", "carousel"] {
        assert!(text.contains(&format!("\"{value}\"")), "{text}");
    }
    assert_eq!(
        serde_json::to_value(MediaType::Carousel).unwrap(),
        "carousel"
    );
}
