//! Beatport end to end through the engine against a mock Beatport (wiremock on 127.0.0.1) serving
//! our own fixtures, plus the pure parsers on those fixtures (insta snapshots), hostile input,
//! and the recorded real page when `../shared/corpus` is present. Every successful answer is
//! checked against the JSON Schema its action publishes.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod api;
mod catalogue;
mod corpus;
mod parsers;
mod search;
mod top100;

use scraper_core::testing::corpus::schema_mismatch;
use scraper_core::{Engine, ErrorCode, Failure, Meta, testing};
use serde_json::Value;
use wiremock::MockServer;

pub use scraper_beatport::fixtures::fixture;

/// An engine holding only Beatport, all of whose traffic goes to `server`.
pub fn engine(server: &MockServer) -> Engine {
    testing::engine("beatport", &server.uri(), &[])
}

/// A successful answer, its data as a JSON tree.
#[derive(Debug)]
pub struct Answer {
    /// The record or the list.
    pub data: Value,
    /// The next page's cursor (list actions).
    pub next_cursor: Option<String>,
    /// `meta`.
    pub meta: Meta,
}

/// Runs an action; panics on failure, or when the data does not validate against the schema
/// the action publishes.
pub async fn ok(engine: &Engine, action: &str, query: &str) -> Answer {
    let s = testing::call(engine, "beatport", action, query)
        .await
        .unwrap_or_else(|f| panic!("{action}?{query} failed: {:?}", f.error));
    let data: Value = serde_json::from_str(s.data.get()).unwrap();
    if let Some(why) = schema_mismatch(engine, "beatport", action, &data) {
        panic!("{action}?{query}: {why}");
    }
    Answer {
        data,
        next_cursor: s.next_cursor,
        meta: s.meta,
    }
}

/// Runs an action that must fail; answers the failure.
pub async fn fails(engine: &Engine, action: &str, query: &str) -> Failure {
    match testing::call(engine, "beatport", action, query).await {
        Ok(s) => panic!("{action}?{query} should have failed, got {}", s.data),
        Err(f) => f,
    }
}

/// The failure's code and parameter.
pub fn code(f: &Failure) -> (ErrorCode, Option<&str>) {
    (f.error.code(), f.error.param())
}

/// The `__NEXT_DATA__` JSON of a page, its text before and after.
pub fn split_page(html: &str) -> (String, Value, String) {
    let start = html
        .find("<script id=\"__NEXT_DATA__\"")
        .unwrap_or_else(|| panic!("no __NEXT_DATA__"));
    let json_start = start + html[start..].find('>').unwrap_or_else(|| panic!("tag")) + 1;
    let json_end = json_start
        + html[json_start..]
            .find("</script>")
            .unwrap_or_else(|| panic!("end"));
    let next = serde_json::from_str(&html[json_start..json_end]).unwrap_or_else(|e| panic!("{e}"));
    (
        html[..json_start].to_owned(),
        next,
        html[json_end..].to_owned(),
    )
}

/// A genre Top 100 page made from our fixture: `n` chart tracks (ids 40 000 001 + offset, where
/// the first is at chart offset `(page-1)*per_page`), with Beatport's paging members, under
/// the query key of `genre` (`None`: the overall Top 100), and the given anonymous token.
pub fn chart_page(
    genre: Option<u64>,
    n: u64,
    page: u32,
    per_page: u32,
    count: u64,
    token: &str,
) -> String {
    let (head, mut next, tail) = split_page(&fixture("genre_top100_page.html"));
    let props = &mut next["props"]["pageProps"];
    props["anonSession"]["access_token"] = Value::from(token);
    let queries = props["dehydratedState"]["queries"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("queries"));
    for query in queries.iter_mut() {
        let key = query["queryKey"][0].as_str().unwrap_or_default().to_owned();
        let key = match genre {
            Some(id) => key.replace("genre-6", &format!("genre-{id}")),
            None => key.replace("genre-6-top-100", "top-100"),
        };
        query["queryKey"][0] = Value::from(key);
        if query["queryKey"][0]
            .as_str()
            .is_some_and(|k| k.contains("top-100-tracks"))
        {
            let data = &mut query["state"]["data"];
            let models = data["results"].as_array().cloned().unwrap_or_default();
            let offset = u64::from(page - 1) * u64::from(per_page);
            let results: Vec<Value> = (0..n)
                .map(|i| {
                    let mut t = models[(i % models.len() as u64) as usize].clone();
                    t["id"] = Value::from(40_000_001 + offset + i);
                    t
                })
                .collect();
            data["results"] = Value::from(results);
            data["page"] = Value::from(page.to_string());
            data["per_page"] = Value::from(per_page);
            data["count"] = Value::from(count);
        }
    }
    format!("{head}{next}{tail}")
}

/// Ids of a list answer.
pub fn ids(data: &Value) -> Vec<u64> {
    data.as_array()
        .map(|a| a.iter().filter_map(|t| t["id"].as_u64()).collect())
        .unwrap_or_default()
}

/// Positions of a list answer.
pub fn positions(data: &Value) -> Vec<u64> {
    data.as_array()
        .map(|a| a.iter().filter_map(|t| t["position"].as_u64()).collect())
        .unwrap_or_default()
}
