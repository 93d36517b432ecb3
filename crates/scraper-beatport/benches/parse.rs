//! How fast the Top 100 comes out of a real-sized genre page (700–900 KB): a page built here
//! from our own fixture to the size and layout of a real one, and the recorded real page when
//! `../shared/corpus` is present.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scraper_beatport::parse::pages;

/// Our fixture page (a few tracks) grown to a real page's size: 100 tracks in the Top 100
/// query, the other queries and the markup around them as large as on beatport.com.
fn synthetic_page() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let html = std::fs::read_to_string(dir.join("genre_top100_page.html"))
        .unwrap_or_else(|e| panic!("fixture: {e}"));
    let start = html
        .find("<script id=\"__NEXT_DATA__\"")
        .unwrap_or_else(|| panic!("fixture has no __NEXT_DATA__"));
    let json_start = start + html[start..].find('>').unwrap_or(0) + 1;
    let json_end = json_start + html[json_start..].find("</script>").unwrap_or(0);
    let mut next: serde_json::Value =
        serde_json::from_str(&html[json_start..json_end]).unwrap_or_else(|e| panic!("{e}"));
    let queries = next["props"]["pageProps"]["dehydratedState"]["queries"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("queries"));
    let chart = queries
        .iter_mut()
        .find(|q| {
            q["queryKey"][0]
                .as_str()
                .is_some_and(|k| k.contains("top-100-tracks"))
        })
        .unwrap_or_else(|| panic!("chart query"));
    let results = chart["state"]["data"]["results"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("results"));
    let models = results.clone();
    results.clear();
    for i in 0..100u64 {
        let mut track = models[(i as usize) % models.len()].clone();
        track["id"] = serde_json::json!(30_000_000 + i);
        results.push(track);
    }
    let body = serde_json::to_string(&next).unwrap_or_else(|e| panic!("{e}"));
    // Markup, styles and scripts around the data, as on the real page (about 400 KB).
    let filler = "<div class=\"Table-style__TableRow-sc-fdd08fbd-1 hQABui row\"><span class=\"price\">$1.69</span></div>".repeat(4200);
    format!(
        "{}{filler}{}{body}{}",
        &html[..start],
        &html[start..json_start],
        &html[json_end..]
    )
}

fn corpus_page() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/beatport/genre_deep_house_12_top100.json");
    let text = std::fs::read_to_string(path).ok()?;
    let exchange: serde_json::Value = serde_json::from_str(&text).ok()?;
    exchange["response"]["body"].as_str().map(str::to_owned)
}

fn top100(c: &mut Criterion) {
    let mut group = c.benchmark_group("top100");
    let page = synthetic_page();
    assert!(
        (700_000..=900_000).contains(&page.len()),
        "synthetic page is {} bytes",
        page.len()
    );
    let (chart, _) = pages::top100(&page, Some(6)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(chart.tracks.len(), 100);
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("synthetic_genre_page", |b| {
        b.iter(|| pages::top100(std::hint::black_box(&page), Some(6)));
    });
    if let Some(real) = corpus_page() {
        group.throughput(Throughput::Bytes(real.len() as u64));
        group.bench_function("recorded_genre_page", |b| {
            b.iter(|| pages::top100(std::hint::black_box(&real), Some(12)));
        });
    }
    group.finish();
}

criterion_group!(benches, top100);
criterion_main!(benches);
