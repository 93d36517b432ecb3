//! The recorded real genre page (`../shared/corpus`, read in place, never copied): the checks of
//! `expect/beatport.json` through the engine, and paging through the whole chart. Skipped when
//! the corpus is absent.

use std::path::PathBuf;

use serde_json::Value;
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{engine, ok, positions};

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("beatport").is_dir().then_some(dir)
}

fn read(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value at a dotted path with `[i]` indexes; `len(x)` is the length of list `x`.
fn lookup(root: &Value, path: &str) -> Value {
    if let Some(inner) = path.strip_prefix("len(").and_then(|p| p.strip_suffix(')')) {
        return lookup(root, inner)
            .as_array()
            .map_or(Value::Null, |a| Value::from(a.len()));
    }
    let mut value = root.clone();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        value = value[name].clone();
        if let Some(i) = index {
            value = value[i].clone();
        }
    }
    value
}

#[tokio::test]
async fn recorded_deep_house_page_meets_the_expectations() {
    let Some(dir) = corpus() else {
        eprintln!("../shared/corpus absent: skipped");
        return;
    };
    let exchange = read(&dir.join("beatport/genre_deep_house_12_top100.json"));
    let body = exchange["response"]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
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
    let checks = read(&dir.join("expect/beatport.json"));
    for check in checks.as_array().into_iter().flatten() {
        let request = check["path"].as_str().unwrap_or_default();
        let (action, query) = request
            .trim_start_matches("/v1/beatport/")
            .split_once('?')
            .unwrap_or((request, ""));
        let s = ok(&engine, action, query).await;
        let answer = serde_json::json!({"data": s.data, "next_cursor": s.next_cursor});
        for (key, want) in check["expect"].as_object().into_iter().flatten() {
            assert_eq!(&lookup(&answer, key), want, "{}: {key}", check["name"]);
        }
    }
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
