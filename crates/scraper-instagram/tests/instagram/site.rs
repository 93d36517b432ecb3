//! The site through the engine against a wiremock Instagram on loopback: the paging walk over
//! the three sources (GraphQL page 1 → page 2; GraphQL refused → web_profile_info's first 12 →
//! the REST feed), the web client's headers, the settings that override the rotating ids, the
//! session cookie (to instagram.com only), and the `user` forms.

use std::collections::HashSet;

use scraper_core::{ErrorCode, testing};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::fake::{
    Account, OWNER, Sources, USER, data, form_field, ids, mount, query_field, run, walk,
};

const FIRST_DOC_ID: &str = "7354141574647290";
const PAGE_DOC_ID: &str = "7784658434954494";

fn engine(server: &MockServer, settings: &[(&str, &str)]) -> scraper_core::Engine {
    testing::engine("instagram", &server.uri(), settings)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn is_timeline(r: &Request) -> bool {
    r.url.path() == "/api/graphql"
}

fn is_profile(r: &Request) -> bool {
    r.url.path() == "/api/v1/users/web_profile_info/"
}

fn is_feed(r: &Request) -> bool {
    r.url.path().starts_with("/api/v1/feed/user/")
}

/// The `after` of a GraphQL request.
fn after_of(r: &Request) -> Option<String> {
    let variables: Value = serde_json::from_str(&form_field(r, "variables")?).ok()?;
    variables["after"].as_str().map(str::to_owned)
}

fn assert_once_each(seen: &[String], expected: &[String]) {
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a post was repeated: {seen:?}");
    assert_eq!(seen, expected, "posts skipped or out of order");
}

#[tokio::test]
async fn graphql_page_one_then_page_two() {
    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(&server, &[]);
    let expected = account.expected();

    let first = run(&engine, "posts", &format!("user={USER}&limit=12"))
        .await
        .unwrap();
    assert_eq!(ids(&first), expected[..12]);
    let post = &data(&first)[0];
    assert_eq!(post["media_type"], "image");
    assert_eq!(post["is_video"], false);
    assert_eq!(post["taken_at"], "2024-02-15T12:26:40Z");
    assert_eq!(
        post["url"],
        format!(
            "https://www.instagram.com/p/{}/",
            post["shortcode"].as_str().unwrap()
        )
    );
    let cursor = first.next_cursor.clone().unwrap();
    let second = run(
        &engine,
        "posts",
        &format!("user={USER}&limit=12&cursor={cursor}"),
    )
    .await
    .unwrap();
    assert_eq!(ids(&second), expected[12..24]);

    let sent = requests(&server).await;
    assert!(sent.iter().all(is_timeline), "only the GraphQL timeline");
    assert_eq!(sent.len(), 2);
    assert_eq!(
        form_field(&sent[0], "doc_id").as_deref(),
        Some(FIRST_DOC_ID)
    );
    assert_eq!(after_of(&sent[0]), None);
    assert_eq!(form_field(&sent[1], "doc_id").as_deref(), Some(PAGE_DOC_ID));
    assert_eq!(
        after_of(&sent[1]),
        Some(format!("{}_{OWNER}", expected[11])),
        "page 2 is asked after the last post of page 1"
    );
}

#[tokio::test]
async fn walks_give_every_post_once_whatever_the_limit() {
    let server = MockServer::start().await;
    // Two pinned posts, one of them old enough to come again at its place in a later page.
    let account = Account::new(40, &[5, 20]);
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(&server, &[]);
    for limit in [1, 5, 11, 12, 13, 20, 100] {
        let (seen, pages) = walk(&engine, limit).await;
        assert_once_each(&seen, &account.expected());
        assert_eq!(pages, 40_usize.div_ceil(limit).max(1), "limit {limit}");
    }
    assert!(requests(&server).await.iter().all(is_timeline));
}

#[tokio::test]
async fn graphql_refused_then_profile_info_then_the_feed() {
    let account = Account::new(40, &[3]);
    for limit in [12, 7, 20, 100] {
        let server = MockServer::start().await;
        mount(
            &server,
            &account,
            Sources {
                timeline: false,
                ..Sources::ALL
            },
        )
        .await;
        let engine = engine(&server, &[]);
        let (seen, _) = walk(&engine, limit).await;
        assert_once_each(&seen, &account.expected());
        let sent = requests(&server).await;
        assert!(
            is_timeline(&sent[0]) && is_profile(&sent[1]),
            "GraphQL, then web_profile_info"
        );
        let feeds: Vec<&Request> = sent.iter().filter(|r| is_feed(r)).collect();
        assert!(!feeds.is_empty(), "limit {limit}");
        assert!(
            feeds.iter().all(|r| query_field(r, "max_id").is_some()
                && query_field(r, "count").as_deref() == Some("12")),
            "the feed serves the pages after the first only"
        );
        assert_eq!(
            query_field(feeds[0], "max_id"),
            Some(format!("{}_{OWNER}", account.expected()[11])),
            "the feed continues after web_profile_info's 12th post"
        );
        // The cursor remembers the source that served: GraphQL is not asked again.
        assert_eq!(
            sent.iter().filter(|r| is_timeline(r)).count(),
            1,
            "limit {limit}: GraphQL is tried once in the whole walk"
        );
    }
}

#[tokio::test]
async fn a_source_that_stops_answering_mid_walk_is_replaced() {
    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    // GraphQL answers the first query only, then refuses.
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(account.timeline_body(None).to_string(), "text/javascript"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount(
        &server,
        &account,
        Sources {
            timeline: false,
            ..Sources::ALL
        },
    )
    .await;
    let engine = engine(&server, &[]);
    // Page 1 from GraphQL (5 of its 12), page 2 from web_profile_info (the next 5 of the same
    // first page), then the feed.
    let (seen, _) = walk(&engine, 5).await;
    assert_once_each(&seen, &account.expected());
}

#[tokio::test]
async fn a_larger_limit_is_filled_from_several_pages_and_the_end_is_said() {
    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(&server, &[]);
    let page = run(&engine, "posts", &format!("user={USER}&limit=25"))
        .await
        .unwrap();
    assert_eq!(ids(&page), account.expected()[..25]);
    assert_eq!(requests(&server).await.len(), 3);
    let rest = run(
        &engine,
        "posts",
        &format!("user={USER}&limit=25&cursor={}", page.next_cursor.unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(ids(&rest), account.expected()[25..]);
    assert_eq!(rest.next_cursor, None);
    // Default limit: 20.
    let page = run(&engine, "posts", &format!("user={USER}"))
        .await
        .unwrap();
    assert_eq!(ids(&page).len(), 20);
}

#[tokio::test]
async fn requests_carry_the_web_clients_headers_and_the_configured_ids() {
    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(
        &server,
        &[
            ("app_id", "1217981644879628"),
            ("timeline_doc_id", "111"),
            ("timeline_page_doc_id", "222"),
        ],
    );
    let first = run(&engine, "posts", &format!("user={USER}&limit=12"))
        .await
        .unwrap();
    run(
        &engine,
        "posts",
        &format!("user={USER}&limit=12&cursor={}", first.next_cursor.unwrap()),
    )
    .await
    .unwrap();
    run(&engine, "profile", "user=@NightFerry").await.unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(form_field(&sent[0], "doc_id").as_deref(), Some("111"));
    assert_eq!(form_field(&sent[1], "doc_id").as_deref(), Some("222"));
    for r in &sent {
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
        };
        assert_eq!(h("host"), "www.instagram.com");
        assert_eq!(h("x-ig-app-id"), "1217981644879628");
        assert!(!h("x-asbd-id").is_empty());
        assert_eq!(h("x-ig-www-claim"), "0");
        assert_eq!(h("x-requested-with"), "XMLHttpRequest");
        assert_eq!(h("referer"), "https://www.instagram.com/nightferry/");
        assert!(
            h("user-agent").starts_with("Mozilla/5.0"),
            "a browser User-Agent"
        );
        let token = h("x-csrftoken");
        assert_eq!(token.len(), 32);
        assert_eq!(
            h("cookie"),
            format!("csrftoken={token}"),
            "no session configured"
        );
    }
    assert!(
        sent[0]
            .headers
            .get("content-type")
            .is_some_and(|v| v == "application/x-www-form-urlencoded")
    );
}

#[tokio::test]
async fn the_session_cookie_goes_to_instagram_only() {
    const SESSION: &str = "57700011122%3AzQ8kYf3Lw1%3A27%3AAYd-secret-part";
    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    // web_profile_info sends the client elsewhere; nothing may follow it there.
    Mock::given(path("/api/v1/users/web_profile_info/"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "https://evil.example/steal"),
        )
        .mount(&server)
        .await;
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(&server, &[("sessionid", SESSION)]);
    run(&engine, "posts", &format!("user={USER}&limit=12"))
        .await
        .unwrap();
    let err = run(&engine, "profile", &format!("user={USER}"))
        .await
        .unwrap_err()
        .error;
    assert_eq!(err.code(), ErrorCode::UpstreamChanged);
    assert!(!err.to_string().contains("secret-part"));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "the redirect was not followed");
    for r in &sent {
        assert_eq!(r.headers.get("host").unwrap(), "www.instagram.com");
        let cookie = r.headers.get("cookie").unwrap().to_str().unwrap();
        assert!(cookie.starts_with("csrftoken="), "{cookie}");
        assert!(
            cookie.ends_with(&format!("; sessionid={SESSION}")),
            "{cookie}"
        );
    }
    // The state never shows the session.
    let site = engine.site("instagram").unwrap();
    assert!(!format!("{:?}", site.settings).contains("secret-part"));
}

#[tokio::test]
async fn a_profile_and_the_user_forms() {
    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(&server, &[]);
    for user in [
        "nightferry",
        "@NightFerry",
        " nightferry ",
        "https://www.instagram.com/nightferry/",
        "https://instagram.com/nightferry/reels/?igsh=MWQ1ZGUxMzBkMA%3D%3D&utm_source=qr",
        "m.instagram.com/nightferry",
        "http://www.instagram.com/_u/nightferry",
    ] {
        let answer = run(&engine, "profile", &format!("user={}", enc(user)))
            .await
            .unwrap_or_else(|f| panic!("{user}: {}", f.error));
        let profile = data(&answer);
        assert_eq!(profile["id"], OWNER.to_string(), "{user}");
        assert_eq!(profile["username"], USER);
        assert_eq!(profile["followers_count"], 1200);
        assert_eq!(profile["private"], false);
        assert_eq!(profile["category"], "Musician/band");
    }
    let before = requests(&server).await.len();
    for user in [
        "",
        "https://evil.example/nightferry",
        "https://www.instagram.com.evil.example/nightferry",
        "https://www.instagram.com/p/CygtX9ivC0U/",
        "https://www.instagram.com/explore/",
        "night ferry",
        ".nightferry",
        "a".repeat(31).as_str(),
        "https://user:pw@www.instagram.com/nightferry/",
    ] {
        for action in ["profile", "posts"] {
            let err = run(&engine, action, &format!("user={}", enc(user)))
                .await
                .unwrap_err()
                .error;
            assert_eq!(
                err.code(),
                ErrorCode::InvalidParams,
                "{action} {user:?}: {err}"
            );
        }
    }
    assert_eq!(
        requests(&server).await.len(),
        before,
        "nothing fetched for a bad user"
    );
}

#[tokio::test]
async fn forged_cursors_are_refused_before_anything_is_fetched() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let server = MockServer::start().await;
    let account = Account::new(30, &[]);
    mount(&server, &account, Sources::ALL).await;
    let engine = engine(&server, &[]);
    let real = run(&engine, "posts", &format!("user={USER}&limit=3"))
        .await
        .unwrap()
        .next_cursor
        .unwrap();
    // The real cursor's binding with contents of our choosing.
    let binding = URL_SAFE_NO_PAD.decode(&real).unwrap()[..8].to_vec();
    let forge = |state: &str| {
        let mut bytes = binding.clone();
        bytes.extend_from_slice(state.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    };
    let before = requests(&server).await.len();
    for cursor in [
        "garbage".to_owned(),
        forge(r#"{"s":"f","c":"1&count=1000","m":"1_2"}"#),
        forge(r#"{"s":"g","c":"1_2"}"#),
        forge(r#"{"s":"w","c":"1_2","m":"1_2"}"#),
        forge(r#"{"s":"g","k":100000}"#),
        forge(r#"{"s":"x"}"#),
        forge(r#"{"s":"g","url":"https://evil.example/"}"#),
    ] {
        let err = run(&engine, "posts", &format!("user={USER}&cursor={cursor}"))
            .await
            .unwrap_err()
            .error;
        assert_eq!(err.param(), Some("cursor"), "{cursor}: {err}");
    }
    assert_eq!(requests(&server).await.len(), before);
    // The same contents as ours are accepted.
    let page = run(
        &engine,
        "posts",
        &format!("user={USER}&limit=3&cursor={}", forge(r#"{"s":"g","k":3}"#)),
    )
    .await
    .unwrap();
    assert_eq!(ids(&page), account.expected()[3..6]);
}

/// Percent-encodes a query value.
fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
