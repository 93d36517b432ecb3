//! The parsers on the real recorded traffic of ../shared/corpus/instagram, read in place (never
//! copied): the values of expect/instagram.json, checked with check.py's rules on what the
//! actions will answer, and the GraphQL timeline's pages walked in order; then the whole site
//! through the engine against replay.py with the recorded expectations. Every test here skips
//! cleanly when the corpus (or python3) is absent.

use std::collections::HashSet;

use scraper_core::testing::corpus;
use scraper_instagram::input::parse_user;
use scraper_instagram::model::MediaType;
use scraper_instagram::parse::PostPage;
use scraper_instagram::parse::profile::parse_web_profile_info;
use scraper_instagram::parse::refusal::classify;
use scraper_instagram::parse::timeline::parse_timeline_page;
use scraper_instagram::request::{
    DEFAULT_TIMELINE_DOC_ID, DEFAULT_TIMELINE_PAGE_DOC_ID, timeline_form, web_profile_info_url,
};
use serde_json::{Value, json};

use crate::support::recorded;

macro_rules! recorded_or_skip {
    ($name:expr) => {
        match recorded($name) {
            Some(exchange) => exchange,
            None => {
                eprintln!("skipped: ../shared/corpus/instagram/{} is not here", $name);
                return;
            }
        }
    };
}

/// The posts the `posts` action will answer for `user` from what is recorded: the GraphQL
/// timeline when it is there, else web_profile_info's timeline edges.
fn first_page_of(user: &str) -> Option<PostPage> {
    if let Some(page) = recorded(&format!("graphql_user_timeline_{user}_p1.json")) {
        return Some(parse_timeline_page(&page.body).unwrap());
    }
    let info = recorded(&format!("web_profile_info_{user}.json"))?;
    Some(parse_web_profile_info(&info.body).unwrap().timeline)
}

/// The body an action answers for one expectation case, `None` when nothing is recorded for it.
fn answer(path: &str) -> Option<Value> {
    let (route, query) = path.split_once('?')?;
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let user = parse_user(&param("user")?).unwrap();
    match route.rsplit('/').next()? {
        "profile" => {
            let info = recorded(&format!("web_profile_info_{user}.json"))?;
            let profile = parse_web_profile_info(&info.body).unwrap().profile;
            Some(json!({ "data": profile }))
        }
        "posts" => {
            let page = first_page_of(user.as_str())?;
            let limit = param("limit").map_or(12, |l| l.parse().unwrap());
            let posts: Vec<_> = page.posts.iter().take(limit).collect();
            let next = (page.posts.len() > limit || page.continuation().is_some())
                .then(|| "an opaque cursor of ours".to_owned());
            Some(json!({ "data": posts, "next_cursor": next }))
        }
        _ => None,
    }
}

#[test]
fn expectations_hold_on_the_recorded_bodies() {
    let Some(cases) = corpus::expectations("instagram") else {
        eprintln!("skipped: ../shared/corpus/expect/instagram.json is not here");
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let path = case["path"].as_str().unwrap_or_default();
        let Some(body) = answer(path) else {
            eprintln!("skipped {name}: nothing recorded for {path}");
            continue;
        };
        checked += 1;
        for (key, want) in case["expect"].as_object().into_iter().flatten() {
            let actual = corpus::lookup(&body, key);
            if !corpus::holds(actual.as_ref(), want) {
                failures.push(format!(
                    "{name}: {key} = {}, wanted {want}",
                    actual.map_or("(absent)".into(), |a| a.to_string())
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(checked, cases.len(), "every case has its recording");
}

#[test]
fn robertdowneyjr_profile_and_its_twelve_edges() {
    let exchange = recorded_or_skip!("web_profile_info_robertdowneyjr.json");
    let user = parse_user("robertdowneyjr").unwrap();
    assert_eq!(exchange.url, web_profile_info_url(&user));
    assert!(classify(exchange.status, None, &exchange.body).is_none());
    let info = parse_web_profile_info(&exchange.body).unwrap();
    let p = &info.profile;
    assert_eq!(
        (p.id.as_str(), p.username.as_str()),
        ("1518284433", "robertdowneyjr")
    );
    assert_eq!(
        (p.followers_count, p.following_count, p.posts_count),
        (Some(52_979_346), Some(5), Some(419))
    );
    assert_eq!(p.full_name.as_deref(), Some("Robert Downey Jr. Official"));
    assert_eq!(
        (p.verified, p.private, p.business),
        (Some(true), Some(false), Some(true))
    );
    assert_eq!(p.external_url, None);
    assert_eq!(p.category.as_deref(), Some("Artist"));
    assert!(p.avatar_url.is_some());

    let page = &info.timeline;
    assert_eq!(page.posts.len(), 12);
    assert!(!info.timeline_withheld());
    assert!(page.continuation().is_some());
    let first = &page.posts[0];
    assert_eq!(
        (first.shortcode.as_str(), first.id.as_str()),
        ("CdgUcJGFxkp", "2837357660084836649")
    );
    assert_eq!(
        (first.is_video, first.media_type),
        (Some(true), Some(MediaType::Video))
    );
    assert_eq!(
        (first.like_count, first.comment_count),
        (Some(2_126_144), Some(8856))
    );
    assert_eq!(first.taken_at.as_deref(), Some("2022-05-13T16:35:10Z"));
    assert!(
        first
            .caption
            .as_deref()
            .unwrap()
            .starts_with("Tired of lack luster")
    );
    let second = &page.posts[1];
    assert_eq!(second.shortcode, "CdLy2aepGaA");
    assert_eq!(
        (second.is_video, second.media_type, second.comment_count),
        (Some(false), Some(MediaType::Carousel), Some(5524))
    );
    assert_eq!(page.posts[5].caption, None, "a post without caption");
    assert!(
        page.posts
            .iter()
            .all(|p| p.display_url.is_some() && p.taken_at.is_some())
    );
    assert_eq!(
        page.last_media_id.as_deref(),
        Some("2729379236420093218_1518284433"),
        "where the REST feed continues"
    );
}

#[test]
fn nasa_profile_without_edges() {
    let exchange = recorded_or_skip!("web_profile_info_nasa.json");
    let info = parse_web_profile_info(&exchange.body).unwrap();
    let p = &info.profile;
    assert_eq!((p.id.as_str(), p.username.as_str()), ("528817151", "nasa"));
    assert_eq!(
        (p.followers_count, p.following_count, p.posts_count),
        (Some(97_956_738), Some(77), Some(4116))
    );
    assert_eq!(p.full_name.as_deref(), Some("NASA"));
    assert_eq!(
        (p.verified, p.private, p.business),
        (Some(true), Some(false), Some(true))
    );
    assert_eq!(p.external_url.as_deref(), Some("https://www.nasa.gov/"));
    assert_eq!(p.category.as_deref(), Some("Government Agencies"));
    assert!(p.bio.as_deref().unwrap().contains("Exploring the universe"));
    assert!(info.timeline.posts.is_empty());
    assert!(
        info.timeline_withheld(),
        "the 2024 logged-out answer leaves the posts out"
    );
    assert_eq!(info.timeline.continuation(), None);
}

#[test]
fn anasaiaofficial_timeline_pages_in_order() {
    let Some(dir) = corpus::dir() else {
        eprintln!("skipped: ../shared/corpus is not here");
        return;
    };
    let user = parse_user("anasaiaofficial").unwrap();
    let expected_first = [
        ("CygtX9ivC0U", "C3d2Y7dvr61"),
        ("C3bRQHdPlQm", "C23NSjtvIlK"),
        ("C20YmVgSLEN", "C2N_9mpPJ9x"),
    ];
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    for (n, (first, last)) in expected_first.iter().enumerate() {
        let name = format!("graphql_user_timeline_anasaiaofficial_p{}.json", n + 1);
        let exchange = recorded_or_skip!(&name);
        // The request we would send is the one recorded: doc ids and variables pinned.
        let raw: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("instagram").join(&name)).unwrap(),
        )
        .unwrap();
        let doc_id = if cursor.is_none() {
            DEFAULT_TIMELINE_DOC_ID
        } else {
            DEFAULT_TIMELINE_PAGE_DOC_ID
        };
        assert_eq!(
            raw["request"]["body"].as_str(),
            Some(timeline_form(doc_id, &user, cursor.as_deref()).as_str()),
            "{name}"
        );
        assert!(classify(exchange.status, None, &exchange.body).is_none());

        let page = parse_timeline_page(&exchange.body).unwrap();
        assert_eq!(page.posts.len(), 12, "{name}");
        assert_eq!(page.posts[0].shortcode, *first, "{name}");
        assert_eq!(page.posts[11].shortcode, *last, "{name}");
        assert!(page.continuation().is_some(), "{name}");
        assert_eq!(
            page.next, page.last_media_id,
            "{name}: the cursor is the last media id"
        );
        for post in &page.posts {
            assert!(
                seen.insert(post.id.clone()),
                "{name}: {} repeated",
                post.shortcode
            );
            assert!(
                post.taken_at.is_some() && post.display_url.is_some(),
                "{}",
                post.shortcode
            );
            assert_eq!(
                post.is_video,
                Some(post.media_type == Some(MediaType::Video))
            );
        }
        if n == 0 {
            let p = &page.posts[0];
            assert_eq!(
                p.id, "3215769692664507668",
                "the pk, without the owner suffix"
            );
            assert_eq!((p.like_count, p.comment_count), (Some(817_982), Some(3000)));
            assert_eq!(p.taken_at.as_deref(), Some("2023-10-17T19:09:29Z"));
            assert_eq!(page.posts[2].shortcode, "CmaYvrqrNWz");
            assert_eq!(page.posts[2].media_type, Some(MediaType::Carousel));
        }
        cursor = page.next.clone();
    }
    assert_eq!(seen.len(), 36);
}

/// Every case of expect/instagram.json through the engine, upstream traffic served by replay.py.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_expectations_pass_through_the_engine() {
    let (Some(cases), Some(replay)) = (
        corpus::expectations("instagram"),
        corpus::Replay::start(&["instagram"]),
    ) else {
        eprintln!("skipped: ../shared/corpus (or python3 for replay.py) is not here");
        return;
    };
    let engine = corpus::engine("instagram", &replay);
    let failures = corpus::check(&engine, "instagram", &cases).await;
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The recorded timeline walked through the engine on defaults: page 1 and page 2 of GraphQL
/// fill the default 20; robertdowneyjr's posts come from web_profile_info when GraphQL has
/// nothing recorded for him; nasa's are withheld from a logged-out client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_pages_through_the_engine_on_defaults() {
    let Some(replay) = corpus::Replay::start(&["instagram"]) else {
        eprintln!("skipped: ../shared/corpus (or python3 for replay.py) is not here");
        return;
    };
    let engine = corpus::engine("instagram", &replay);
    let call =
        |query: &'static str| scraper_core::testing::call(&engine, "instagram", "posts", query);
    let page = call("user=anasaiaofficial").await.unwrap();
    let body = page.to_value(None);
    let codes: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["shortcode"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 20);
    assert_eq!(codes[0], "CygtX9ivC0U");
    assert_eq!(codes[11], "C3d2Y7dvr61");
    assert_eq!(codes[12], "C3bRQHdPlQm", "page 2 continues after page 1");
    assert!(page.next_cursor.is_some());

    let page = call("user=https%3A%2F%2Fwww.instagram.com%2Frobertdowneyjr%2F%3Fhl%3Den")
        .await
        .unwrap();
    let body = page.to_value(None);
    assert_eq!(body["data"].as_array().unwrap().len(), 12);
    assert_eq!(body["data"][0]["shortcode"], "CdgUcJGFxkp");
    assert!(page.next_cursor.is_some(), "the account has more posts");

    let err = call("user=nasa").await.unwrap_err().error;
    assert_eq!(err.code(), scraper_core::ErrorCode::LoginRequired, "{err}");
}
