//! The parsers on our own fixtures (modelled on real answers, invented content), snapshotted as
//! normalised records: the .snap files are the spec of what each answer turns into.

use insta::assert_json_snapshot;
use scraper_core::ErrorCode;
use scraper_instagram::model::{MediaType, Post, Profile};
use scraper_instagram::parse::feed::parse_feed_page;
use scraper_instagram::parse::profile::parse_web_profile_info;
use scraper_instagram::parse::shortcode::{id_from_shortcode, shortcode_from_id};
use scraper_instagram::parse::timeline::parse_timeline_page;

use crate::support::fixture;

fn ids_match_shortcodes(posts: &[Post]) {
    for post in posts {
        assert_eq!(
            shortcode_from_id(&post.id).as_deref(),
            Some(post.shortcode.as_str())
        );
        assert_eq!(
            post.url,
            format!("https://www.instagram.com/p/{}/", post.shortcode)
        );
        assert!(!post.id.contains('_'), "{}", post.id);
    }
}

#[test]
fn public_profile_with_its_first_posts() {
    let info = parse_web_profile_info(&fixture("web_profile_info_public.json")).unwrap();
    let p = &info.profile;
    assert_eq!(
        (p.id.as_str(), p.username.as_str()),
        ("48210033951", "nightferry")
    );
    assert_eq!(
        (p.followers_count, p.following_count, p.posts_count),
        (Some(48213), Some(312), Some(214))
    );
    assert_eq!(
        (p.verified, p.private, p.business),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(p.category.as_deref(), Some("Musician/band"));
    assert!(
        p.avatar_url.as_deref().unwrap().contains("s320x320"),
        "the HD picture"
    );
    let kinds: Vec<_> = info.timeline.posts.iter().map(|p| p.media_type).collect();
    assert_eq!(
        kinds,
        [
            Some(MediaType::Video),
            Some(MediaType::Carousel),
            Some(MediaType::Image)
        ]
    );
    assert_eq!(info.timeline.posts[2].caption, None);
    assert!(info.timeline.has_more);
    assert_eq!(
        info.timeline.continuation(),
        Some("QVFCbmlnaHRmZXJyeV9wYWdlXzJfY3Vyc29yX2ludmVudGVkX2Zvcl90ZXN0cw==")
    );
    assert_eq!(
        info.timeline.last_media_id.as_deref(),
        Some("3290000000000000001_48210033951")
    );
    assert!(!info.timeline_withheld());
    ids_match_shortcodes(&info.timeline.posts);
    assert_json_snapshot!("web_profile_info_public", info);
}

#[test]
fn private_profile_answers_its_counts_and_no_post() {
    let info = parse_web_profile_info(&fixture("web_profile_info_private.json")).unwrap();
    assert_eq!(info.profile.private, Some(true));
    assert_eq!(info.profile.posts_count, Some(57));
    assert!(info.timeline.posts.is_empty());
    assert_eq!(info.timeline.continuation(), None);
    assert!(info.timeline_withheld());
    assert_json_snapshot!("web_profile_info_private", info.profile);
}

#[test]
fn business_profile_with_withheld_timeline() {
    let info = parse_web_profile_info(&fixture("web_profile_info_business.json")).unwrap();
    let p = &info.profile;
    assert_eq!(p.business, Some(true));
    assert_eq!(
        p.category.as_deref(),
        Some("Music"),
        "business_category_name when category_name is null"
    );
    assert_eq!(
        p.external_url.as_deref(),
        Some("https://tidal-label.example/")
    );
    assert!(info.timeline.has_more, "Instagram says so");
    assert_eq!(
        info.timeline.next, None,
        "the empty end_cursor is no cursor"
    );
    assert_eq!(info.timeline.continuation(), None);
    assert!(info.timeline_withheld());
    assert_json_snapshot!("web_profile_info_business", info);
}

#[test]
fn unknown_account_is_not_found() {
    let err = parse_web_profile_info(&fixture("web_profile_info_not_found.json")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn profile_without_id_or_username_is_a_changed_page() {
    for body in [
        r#"{"data": {"user": {"username": "x"}}, "status": "ok"}"#,
        r#"{"data": {"user": {"id": "1", "username": "  "}}, "status": "ok"}"#,
        r#"{"data": {"user": {"id": [], "username": "x"}}, "status": "ok"}"#,
        r#"{"data": {}, "status": "ok"}"#,
        r#"{"data": {"user": "x"}, "status": "ok"}"#,
        r#"{"graphql": {"user": {"id": "1", "username": "x"}}}"#,
    ] {
        let err = parse_web_profile_info(body).unwrap_err();
        assert_eq!(err.code(), ErrorCode::UpstreamChanged, "{body}");
    }
}

#[test]
fn profile_fields_each_optional() {
    let info =
        parse_web_profile_info(r#"{"data": {"user": {"id": 42, "username": "x"}}}"#).unwrap();
    assert_eq!(
        info.profile,
        Profile {
            id: "42".into(),
            username: "x".into(),
            full_name: None,
            bio: None,
            external_url: None,
            followers_count: None,
            following_count: None,
            posts_count: None,
            verified: None,
            private: None,
            business: None,
            category: None,
            avatar_url: None,
        }
    );
    assert!(info.timeline.posts.is_empty());
    assert!(
        info.timeline_withheld(),
        "no count: cannot tell it is empty"
    );
    let json = serde_json::to_value(&info.profile).unwrap();
    assert_eq!(json["full_name"], serde_json::Value::Null, "absent is null");
}

#[test]
fn graphql_timeline_page_with_a_next_page() {
    let page = parse_timeline_page(&fixture("graphql_timeline_page.json")).unwrap();
    assert_eq!(page.posts.len(), 3);
    let carousel = &page.posts[1];
    assert_eq!(carousel.media_type, Some(MediaType::Carousel));
    assert_eq!(carousel.is_video, Some(false));
    assert!(
        carousel
            .display_url
            .as_deref()
            .unwrap()
            .contains("1080x1350"),
        "the largest candidate, wherever it is listed"
    );
    assert_eq!(page.posts[0].is_video, Some(true));
    assert_eq!(page.posts[2].caption, None);
    assert_eq!(page.continuation(), Some("3300000000000000300_57700011122"));
    assert_eq!(
        page.next, page.last_media_id,
        "the cursor is the last post's media id"
    );
    ids_match_shortcodes(&page.posts);
    assert_json_snapshot!("graphql_timeline_page", page);
}

#[test]
fn graphql_timeline_last_page() {
    let page = parse_timeline_page(&fixture("graphql_timeline_last_page.json")).unwrap();
    assert_eq!(page.posts.len(), 1);
    assert!(!page.has_more);
    assert_eq!(page.continuation(), None);
    assert_json_snapshot!("graphql_timeline_last_page", page);
}

#[test]
fn rest_feed_page() {
    let page = parse_feed_page(&fixture("feed_user_page.json")).unwrap();
    assert_eq!(page.posts.len(), 3);
    assert_eq!(
        page.posts[0].id, "3299000000000000500",
        "a numeric pk reads as a string"
    );
    assert!(
        page.posts[1]
            .display_url
            .as_deref()
            .unwrap()
            .contains("3298000000000000601"),
        "a carousel without its own picture shows its first item's"
    );
    assert_eq!(page.posts[2].like_count, None, "hidden likes are null");
    assert_eq!(page.posts[2].comment_count, Some(3));
    assert_eq!(page.continuation(), Some("3297000000000000700_57700011122"));
    assert_eq!(page.next, page.last_media_id);
    ids_match_shortcodes(&page.posts);
    assert_json_snapshot!("feed_user_page", page);
}

#[test]
fn both_post_shapes_map_to_the_same_record() {
    // One post, as web_profile_info's GraphQL-era node and as a v1 media.
    let graph = r#"{"data": {"user": {"id": "50269116275", "username": "a",
        "edge_owner_to_timeline_media": {"count": 1, "page_info": {"has_next_page": false, "end_cursor": null},
        "edges": [{"node": {"__typename": "GraphVideo", "id": "3215769692664507668", "shortcode": "CygtX9ivC0U",
        "display_url": "https://cdn.example/x.jpg", "is_video": true, "taken_at_timestamp": 1697569769,
        "edge_media_to_caption": {"edges": [{"node": {"text": "hi"}}]},
        "edge_media_preview_like": {"count": 817982}, "edge_media_to_comment": {"count": 3000},
        "owner": {"id": "50269116275"}}}]}}}}"#;
    let v1 = r#"{"items": [{"code": "CygtX9ivC0U", "pk": "3215769692664507668",
        "id": "3215769692664507668_50269116275", "taken_at": 1697569769, "caption": {"text": "hi"},
        "like_count": 817982, "comment_count": 3000, "media_type": 2,
        "image_versions2": {"candidates": [{"url": "https://cdn.example/x.jpg", "width": 720, "height": 1280}]}}],
        "more_available": false}"#;
    let from_graph = parse_web_profile_info(graph).unwrap().timeline;
    let from_v1 = parse_feed_page(v1).unwrap();
    assert_eq!(from_graph.posts, from_v1.posts);
    assert_eq!(from_graph.last_media_id, from_v1.last_media_id);
    assert_eq!(
        from_v1.posts[0].taken_at.as_deref(),
        Some("2023-10-17T19:09:29Z")
    );
}

#[test]
fn posts_without_identity_are_left_out_or_fail_the_page() {
    let some = r#"{"items": [{"caption": {"text": "no id"}}, {"pk": "3215769692664507668"}], "more_available": false}"#;
    let page = parse_feed_page(some).unwrap();
    assert_eq!(page.posts.len(), 1);
    assert_eq!(
        page.posts[0].shortcode, "CygtX9ivC0U",
        "recovered from the pk"
    );
    let none = r#"{"items": [{"caption": {"text": "no id"}}, 5], "more_available": true}"#;
    assert_eq!(
        parse_feed_page(none).unwrap_err().code(),
        ErrorCode::UpstreamChanged
    );
    let empty = r#"{"items": [], "more_available": false, "num_results": 0, "status": "ok"}"#;
    assert!(parse_feed_page(empty).unwrap().posts.is_empty());
    let timeline = r#"{"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": {"edges": [{"node": {"code": "../x"}}]}}}"#;
    assert_eq!(
        parse_timeline_page(timeline).unwrap_err().code(),
        ErrorCode::UpstreamChanged
    );
}

#[test]
fn shortcodes_and_ids_convert_both_ways() {
    assert_eq!(
        id_from_shortcode("C3d2Y7dvr61").as_deref(),
        Some("3305036909188660917")
    );
    assert_eq!(
        shortcode_from_id("3305036909188660917").as_deref(),
        Some("C3d2Y7dvr61")
    );
}
