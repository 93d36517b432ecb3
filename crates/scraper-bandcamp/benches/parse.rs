//! Parsing speed of the hot pages: a search result page and an album page, on our fixtures and,
//! when ../shared/corpus exists, on real recorded pages (read in place).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scraper_bandcamp::fixtures::fixture;
use scraper_bandcamp::parse::search::parse_search_page;
use scraper_bandcamp::parse::tralbum::parse_album_page;

/// A recorded response body of ../shared/corpus/bandcamp, when the corpus is here.
fn recorded(name: &str) -> Option<String> {
    scraper_core::testing::corpus::recorded("bandcamp", name).map(|r| r.body)
}

fn search_page(c: &mut Criterion) {
    let mut group = c.benchmark_group("search_page");
    let body = fixture("search_all_page1.html");
    group.bench_function("fixture", |b| {
        b.iter(|| parse_search_page(black_box(&body)));
    });
    if let Some(body) = recorded("search_c418.json") {
        group.bench_function("recorded_c418_18_hits", |b| {
            b.iter(|| parse_search_page(black_box(&body)));
        });
    }
    group.finish();
}

fn album_page(c: &mut Criterion) {
    let mut group = c.benchmark_group("album_page");
    let body = fixture("album.html");
    group.bench_function("fixture", |b| b.iter(|| parse_album_page(black_box(&body))));
    if let Some(body) = recorded("album_infiniteammo_night_in_the_woods_vol1.json") {
        group.bench_function("recorded_62_tracks", |b| {
            b.iter(|| parse_album_page(black_box(&body)));
        });
    }
    group.finish();
}

criterion_group!(benches, search_page, album_page);
criterion_main!(benches);
