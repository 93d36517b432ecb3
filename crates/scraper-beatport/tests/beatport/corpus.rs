//! The recorded real genre page (`../shared/corpus`, read in place, never copied): the checks of
//! `expect/beatport.json` through the engine, and paging through the whole chart. Skipped when
//! the corpus is absent.

use scraper_core::testing::corpus;
use serde_json::Value;
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{engine, ok, positions};

#[tokio::test]
async fn recorded_deep_house_page_meets_the_expectations() {
    let (Some(page), Some(checks)) = (
        corpus::recorded("beatport", "genre_deep_house_12_top100.json"),
        corpus::expectations("beatport"),
    ) else {
        eprintln!("../shared/corpus absent: skipped");
        return;
    };
    let body = page.body;
    let server = MockServer::start().await;
    // Entities resolve by id whatever the slug, as on beatport.com.
    Mock::given(path_regex(r"^/genre/[^/]+/12/top-100$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html; charset=utf-8")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    let engine = engine(&server);
    let failures = corpus::check(&engine, "beatport", &checks).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every smaller page size walks the same chart, in the same order, to position 100.
    let all = ok(&engine, "top100", "genre_id=12&limit=100").await;
    for limit in [7, 20, 33] {
        let mut ids = Vec::new();
        let mut query = format!("genre_id=12&limit={limit}");
        loop {
            let s = ok(&engine, "top100", &query).await;
            assert_eq!(
                positions(&s.data).first().copied(),
                Some(ids.len() as u64 + 1)
            );
            ids.extend(s.data.as_array().into_iter().flatten().cloned());
            match s.next_cursor {
                Some(c) => query = format!("genre_id=12&limit={limit}&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(Value::from(ids), all.data, "limit {limit}");
    }
}
