//! Parsing speed of the largest Songstats answers: historic stats (a year of daily points for
//! several sources, built from our fixture's shape) and current stats of every source.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use scraper_songstats::parse::{parse_historic_stats, parse_stats};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A historic answer of `days` points for each of `sources` sources.
fn historic_answer(sources: usize, days: usize) -> String {
    let mut body = String::from(r#"{"result":"success","message":"Data Retrieved.","stats":["#);
    for s in 0..sources {
        if s > 0 {
            body.push(',');
        }
        let _ = write!(body, r#"{{"source":"source{s}","data":{{"history":["#);
        for d in 0..days {
            if d > 0 {
                body.push(',');
            }
            let _ = write!(
                body,
                r#"{{"date":"2025-{:02}-{:02}","followers_total":{},"streams_total":{},"playlists_current":{},"playlist_reach_current":{}}}"#,
                d / 28 % 12 + 1,
                d % 28 + 1,
                1000 + d,
                50_000 + d * 13,
                d % 40,
                d * 97
            );
        }
        body.push_str("]}}");
    }
    body.push_str("]}");
    body
}

fn historic(c: &mut Criterion) {
    let mut group = c.benchmark_group("historic_stats");
    let fixture_body = fixture("artist_historic_stats.json");
    group.bench_function("fixture", |b| {
        b.iter(|| parse_historic_stats(black_box(&fixture_body)));
    });
    let year = historic_answer(6, 365);
    group.bench_function("6_sources_365_days", |b| {
        b.iter(|| parse_historic_stats(black_box(&year)));
    });
    group.finish();
}

fn current(c: &mut Criterion) {
    let body = fixture("artist_stats.json");
    c.bench_function("stats_fixture", |b| {
        b.iter(|| parse_stats(black_box(&body)));
    });
}

criterion_group!(benches, historic, current);
criterion_main!(benches);
