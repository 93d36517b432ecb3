//! The parse step of a search page and of a user: what one answer costs us once it has arrived.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scraper_soundcloud::parse::entity::parse_entity;
use scraper_soundcloud::parse::page::parse_page;

const USER: &str = include_str!("../tests/fixtures/user.json");
const SEARCH_ALL: &str = include_str!("../tests/fixtures/search_all.json");
const TRACK: &str = include_str!("../tests/fixtures/track.json");

/// A search page of 20 full tracks (each with its user and media), like `search/tracks?limit=20`.
fn search_tracks_page() -> String {
    let tracks = vec![TRACK.trim(); 20].join(",");
    format!(
        r#"{{"collection":[{tracks}],"total_results":70481,"next_href":"https://api-v2.soundcloud.com/search/tracks?query_urn=soundcloud%3Asearch%3Aabc&limit=20&offset=20&q=techno","query_urn":"soundcloud:search:abc"}}"#
    )
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(USER.len() as u64));
    group.bench_function("user", |b| b.iter(|| parse_entity(black_box(USER))));
    group.throughput(Throughput::Bytes(SEARCH_ALL.len() as u64));
    group.bench_function("search_page_mixed_5", |b| {
        b.iter(|| parse_page(black_box(SEARCH_ALL)));
    });
    let page = search_tracks_page();
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("search_page_tracks_20", |b| {
        b.iter(|| parse_page(black_box(&page)));
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
