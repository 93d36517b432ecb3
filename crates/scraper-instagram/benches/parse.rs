//! Parsing speed of the three post sources (web_profile_info's edges, the GraphQL timeline, the
//! REST feed) and of the refusal classifier, on our fixtures and, when ../shared/corpus exists,
//! on real recorded answers (read in place).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use scraper_instagram::parse::feed::parse_feed_page;
use scraper_instagram::parse::profile::parse_web_profile_info;
use scraper_instagram::parse::refusal::classify;
use scraper_instagram::parse::timeline::parse_timeline_page;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A recorded response body of ../shared/corpus/instagram, when the corpus is here.
fn recorded(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/instagram")
        .join(name);
    let exchange: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    exchange["response"]["body"].as_str().map(str::to_owned)
}

fn web_profile_info(c: &mut Criterion) {
    let mut group = c.benchmark_group("web_profile_info");
    let body = fixture("web_profile_info_public.json");
    group.bench_function("fixture_3_edges", |b| {
        b.iter(|| parse_web_profile_info(black_box(&body)));
    });
    if let Some(body) = recorded("web_profile_info_robertdowneyjr.json") {
        group.bench_function("recorded_robertdowneyjr_12_edges", |b| {
            b.iter(|| parse_web_profile_info(black_box(&body)));
        });
    }
    group.finish();
}

fn timeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("graphql_timeline");
    let body = fixture("graphql_timeline_page.json");
    group.bench_function("fixture_3_posts", |b| {
        b.iter(|| parse_timeline_page(black_box(&body)));
    });
    if let Some(body) = recorded("graphql_user_timeline_anasaiaofficial_p1.json") {
        group.bench_function("recorded_anasaiaofficial_12_posts", |b| {
            b.iter(|| parse_timeline_page(black_box(&body)));
        });
    }
    group.finish();
}

fn feed(c: &mut Criterion) {
    let mut group = c.benchmark_group("rest_feed");
    let body = fixture("feed_user_page.json");
    group.bench_function("fixture_3_items", |b| {
        b.iter(|| parse_feed_page(black_box(&body)));
    });
    group.finish();
}

fn refusal(c: &mut Criterion) {
    let mut group = c.benchmark_group("classify");
    let wall = fixture("require_login.json");
    group.bench_function("require_login", |b| {
        b.iter(|| classify(black_box(401), None, black_box(&wall)));
    });
    if let Some(body) = recorded("graphql_user_timeline_anasaiaofficial_p1.json") {
        group.bench_function("recorded_timeline_page_is_no_refusal", |b| {
            b.iter(|| classify(black_box(200), None, black_box(&body)));
        });
    }
    group.finish();
}

criterion_group!(benches, web_profile_info, timeline, feed, refusal);
criterion_main!(benches);
