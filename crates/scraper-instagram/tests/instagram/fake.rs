//! A fake Instagram for wiremock: one invented account whose timeline all three sources serve
//! consistently, as Instagram does — the GraphQL user timeline (`after` = the last post's
//! `<pk>_<owner>`), web_profile_info's first 12 edges, and the REST feed (`max_id`) — and the
//! engine that talks to it. Pinned posts open the first page and come again at their place in
//! later pages (the worst case the walk must handle).

use scraper_core::testing::corpus::schema_mismatch;
use scraper_core::{Engine, Failure, Success, testing};
use scraper_instagram::parse::shortcode::shortcode_from_id;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The account's numeric id.
pub(crate) const OWNER: u64 = 57_700_011_122;
/// The account's handle.
pub(crate) const USER: &str = "nightferry";
/// Posts per upstream page, as Instagram serves them.
const PAGE: usize = 12;

/// An account's posts: `(pk, taken_at)` newest first, and which of them are pinned.
#[derive(Clone)]
pub(crate) struct Account {
    posts: Vec<(u64, u64)>,
    pinned: Vec<u64>,
}

impl Account {
    /// `count` posts a day apart, the newest first; the ones at `pinned` (indexes into the
    /// date order) pinned on top of the first page.
    pub(crate) fn new(count: usize, pinned: &[usize]) -> Self {
        let posts: Vec<(u64, u64)> = (0..count as u64)
            .map(|i| {
                (
                    3_300_000_000_000_000_000 - i * 1_000_003,
                    1_708_000_000 - i * 86_400,
                )
            })
            .collect();
        let pinned = pinned.iter().map(|&i| posts[i].0).collect();
        Self { posts, pinned }
    }

    /// Every post in the order a walk must give them: pinned first, then by date.
    pub(crate) fn expected(&self) -> Vec<String> {
        self.first_order().iter().map(u64::to_string).collect()
    }

    fn first_order(&self) -> Vec<u64> {
        let mut order = self.pinned.clone();
        order.extend(
            self.posts
                .iter()
                .map(|(pk, _)| *pk)
                .filter(|pk| !self.pinned.contains(pk)),
        );
        order
    }

    fn taken_at(&self, pk: u64) -> u64 {
        self.posts
            .iter()
            .find(|(p, _)| *p == pk)
            .map_or(0, |(_, t)| *t)
    }

    /// The page after the post `after` (a media id or pk), or the first page: its pks and
    /// whether more follow.
    fn page(&self, after: Option<&str>) -> (Vec<u64>, bool) {
        let Some(after) = after else {
            let first = self.first_order();
            let page: Vec<u64> = first.iter().copied().take(PAGE).collect();
            return (page, first.len() > PAGE);
        };
        let pk: u64 = after.split('_').next().unwrap().parse().unwrap();
        let anchor = self.taken_at(pk);
        // Later pages are in date order, pinned posts at their place.
        let older: Vec<u64> = self
            .posts
            .iter()
            .filter(|(_, t)| *t < anchor)
            .map(|(p, _)| *p)
            .collect();
        let page: Vec<u64> = older.iter().copied().take(PAGE).collect();
        (page, older.len() > PAGE)
    }

    fn v1_media(&self, pk: u64) -> Value {
        json!({
            "pk": pk.to_string(),
            "id": format!("{pk}_{OWNER}"),
            "code": shortcode_from_id(&pk.to_string()).unwrap(),
            "taken_at": self.taken_at(pk),
            "media_type": 1,
            "caption": {"text": format!("post {pk}")},
            "like_count": 10,
            "comment_count": 2,
            "image_versions2": {"candidates": [
                {"url": format!("https://scontent.cdninstagram.com/{pk}.jpg"), "width": 1080, "height": 1080}
            ]},
            "user": {"pk": OWNER.to_string(), "username": USER}
        })
    }

    /// A GraphQL timeline page.
    pub(crate) fn timeline_body(&self, after: Option<&str>) -> Value {
        let (page, more) = self.page(after);
        let edges: Vec<Value> = page
            .iter()
            .map(|pk| json!({"node": self.v1_media(*pk), "cursor": ""}))
            .collect();
        let end = page.last().map(|pk| format!("{pk}_{OWNER}"));
        json!({"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": {
            "edges": edges,
            "page_info": {"end_cursor": end, "has_next_page": more, "has_previous_page": after.is_some(), "start_cursor": null}
        }}, "extensions": {"is_final": true}})
    }

    /// A REST feed page.
    pub(crate) fn feed_body(&self, max_id: Option<&str>) -> Value {
        let (page, more) = self.page(max_id);
        let items: Vec<Value> = page.iter().map(|pk| self.v1_media(*pk)).collect();
        json!({
            "items": items,
            "num_results": page.len(),
            "more_available": more,
            "next_max_id": page.last().map(|pk| format!("{pk}_{OWNER}")),
            "status": "ok"
        })
    }

    /// web_profile_info with the first 12 posts as edges (2022 shape).
    pub(crate) fn profile_body(&self) -> Value {
        let (page, more) = self.page(None);
        let edges: Vec<Value> = page
            .iter()
            .map(|pk| {
                json!({"node": {
                    "__typename": "GraphImage",
                    "id": pk.to_string(),
                    "shortcode": shortcode_from_id(&pk.to_string()).unwrap(),
                    "taken_at_timestamp": self.taken_at(*pk),
                    "display_url": format!("https://scontent.cdninstagram.com/{pk}.jpg"),
                    "is_video": false,
                    "edge_media_to_caption": {"edges": [{"node": {"text": format!("post {pk}")}}]},
                    "edge_liked_by": {"count": 10},
                    "edge_media_to_comment": {"count": 2},
                    "owner": {"id": OWNER.to_string(), "username": USER}
                }})
            })
            .collect();
        json!({"data": {"user": {
            "id": OWNER.to_string(),
            "username": USER,
            "full_name": "Night Ferry",
            "biography": "live techno",
            "external_url": null,
            "edge_followed_by": {"count": 1200},
            "edge_follow": {"count": 80},
            "is_verified": false,
            "is_private": false,
            "is_business_account": false,
            "category_name": "Musician/band",
            "profile_pic_url_hd": "https://scontent.cdninstagram.com/avatar.jpg",
            "edge_owner_to_timeline_media": {
                "count": self.posts.len(),
                "page_info": {"has_next_page": more, "end_cursor": "QVFCcmV0aXJlZF9jdXJzb3I="},
                "edges": edges
            }
        }}, "status": "ok"})
    }
}

/// The form field `name` of a request body.
pub(crate) fn form_field(request: &Request, name: &str) -> Option<String> {
    url::form_urlencoded::parse(&request.body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The query parameter `name` of a request.
pub(crate) fn query_field(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

struct TimelineResponder(Account);

impl Respond for TimelineResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let variables: Value =
            serde_json::from_str(&form_field(request, "variables").unwrap_or_default())
                .unwrap_or(Value::Null);
        if variables["username"] != USER {
            return ResponseTemplate::new(200).set_body_json(
                json!({"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": null}}),
            );
        }
        let body = self.0.timeline_body(variables["after"].as_str());
        ResponseTemplate::new(200).set_body_raw(body.to_string(), "text/javascript; charset=utf-8")
    }
}

struct FeedResponder(Account);

impl Respond for FeedResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = self.0.feed_body(query_field(request, "max_id").as_deref());
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// Which sources answer; the others refuse with `refusal`.
#[derive(Clone, Copy)]
pub(crate) struct Sources {
    pub(crate) timeline: bool,
    pub(crate) profile: bool,
    pub(crate) feed: bool,
}

impl Sources {
    pub(crate) const ALL: Self = Self {
        timeline: true,
        profile: true,
        feed: true,
    };
}

/// Mounts the account on `server`: the sources that answer, a 403 `{"status": "fail"}` from
/// the others (Instagram's usual refusal of a GraphQL query).
pub(crate) async fn mount(server: &MockServer, account: &Account, sources: Sources) {
    let refused =
        || ResponseTemplate::new(403).set_body_json(json!({"message": "", "status": "fail"}));
    let timeline = Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .and(header("host", "www.instagram.com"));
    if sources.timeline {
        timeline.respond_with(TimelineResponder(account.clone()))
    } else {
        timeline.respond_with(refused())
    }
    .mount(server)
    .await;
    let profile = Mock::given(method("GET"))
        .and(path("/api/v1/users/web_profile_info/"))
        .and(header("host", "www.instagram.com"));
    if sources.profile {
        profile.respond_with(ResponseTemplate::new(200).set_body_json(account.profile_body()))
    } else {
        profile.respond_with(refused())
    }
    .mount(server)
    .await;
    let feed = Mock::given(method("GET"))
        .and(path_regex("^/api/v1/feed/user/[^/]+/username/$"))
        .and(header("host", "www.instagram.com"));
    if sources.feed {
        feed.respond_with(FeedResponder(account.clone()))
    } else {
        feed.respond_with(refused())
    }
    .mount(server)
    .await;
}

/// The answer's `data`.
pub(crate) fn data(answer: &Success) -> Value {
    serde_json::from_str(answer.data.get()).unwrap()
}

/// The ids of a page of posts.
pub(crate) fn ids(answer: &Success) -> Vec<String> {
    data(answer)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs an action as the gateway would; a success must validate against the JSON Schema its
/// action publishes.
pub(crate) async fn run(engine: &Engine, action: &str, query: &str) -> Result<Success, Failure> {
    let outcome = testing::call(engine, "instagram", action, query).await;
    if let Ok(success) = &outcome
        && let Some(why) = schema_mismatch(engine, "instagram", action, &data(success))
    {
        panic!("{action}?{query}: {why}");
    }
    outcome
}

/// Walks `posts` of [`USER`] page by page with `limit`: every id in order, and how many
/// pages it took.
pub(crate) async fn walk(engine: &Engine, limit: usize) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for pages in 1..=200 {
        let query = match &cursor {
            Some(c) => format!("user={USER}&limit={limit}&cursor={c}"),
            None => format!("user={USER}&limit={limit}"),
        };
        let page = run(engine, "posts", &query)
            .await
            .unwrap_or_else(|f| panic!("{query}: {}", f.error));
        let got = ids(&page);
        if page.next_cursor.is_some() {
            assert_eq!(got.len(), limit, "{query}: every page but the last is full");
        } else {
            assert!(got.len() <= limit, "{query}: a page of {}", got.len());
        }
        seen.extend(got);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (seen, pages),
        }
    }
    panic!("the walk did not end");
}
