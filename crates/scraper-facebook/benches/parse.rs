//! Parsing speed of the two heavy pages: an event page and a page's events tab, ~1 MB each as
//! Facebook serves them. Built from our fixtures padded with ~1 MB of Facebook-like script noise
//! (config payloads, decoy events, escaped strings) before the data, and, when ../shared/corpus
//! exists, the real recorded pages (read in place). Target: under 5 ms each on one core.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use scraper_facebook::parse::{parse_event, parse_events, parse_page};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// About `bytes` of what fills a Facebook page before its data: a style block, then
/// `<script type="application/json">` payloads of module configs with escaped strings, nested
/// objects, `"event": null` and other events' objects.
fn script_noise(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    out.push_str("<style nonce=\"x1\">");
    while out.len() < bytes / 10 {
        out.push_str(".x9f619{overflow:visible}.x1n2onr6{position:relative}.x78zum5{display:flex}");
    }
    out.push_str("</style>\n");
    let mut i = 0u64;
    while out.len() < bytes {
        i += 1;
        let payload = format!(
            concat!(
                "{{\"require\":[[\"ScheduledServerJS\",\"handle\",null,[{{\"__bbox\":{{\"define\":[",
                "[\"CometConfig{i}\",[],{{\"uri\":\"https:\\/\\/static.xx.fbcdn.net\\/rsrc.php\\/v4\\/y{i}\\/r\\/abc.js\",",
                "\"label\":\"caf\\u00e9 \\u00b7 {i}\",\"flags\":[true,false,null,{i},1.5e3],",
                "\"nested\":{{\"event\":null,\"data\":{{\"items\":[{{\"id\":\"{i}\",\"k\":\"v\"}}]}}}}}},{i}],",
                "[\"RelatedEvent{i}\",[],{{\"event\":{{\"id\":\"9{i:014}\",\"name\":\"Decoy {i}\",",
                "\"day_time_sentence\":\"Sat, May 9 at 3:00\\u202fPM EDT\",\"event_place\":{{\"contextual_name\":\"Elsewhere\"}}}}}},{i}]",
                "]}}}}]]]}}"
            ),
            i = i
        );
        out.push_str("<script type=\"application/json\" data-content-len=\"");
        out.push_str(&payload.len().to_string());
        out.push_str("\" data-sjs>");
        out.push_str(&payload);
        out.push_str("</script>\n");
    }
    out
}

/// `fixture` with ~1 MB of noise before its first JSON script, where real pages carry it.
fn padded(fixture_name: &str) -> String {
    let body = fixture(fixture_name);
    let at = body
        .find("<script type=\"application/json\"")
        .unwrap_or(body.len());
    let noise = script_noise(1024 * 1024);
    format!("{}{}{}", &body[..at], noise, &body[at..])
}

/// A recorded response body of ../shared/corpus/facebook, when the corpus is here.
fn recorded(name: &str) -> Option<String> {
    scraper_core::testing::corpus::recorded("facebook", name).map(|r| r.body)
}

fn event_page(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_page");
    let body = padded("event_2023.html");
    assert!(parse_event(&body).is_ok());
    group.bench_function(format!("fixture_padded_{}kb", body.len() / 1024), |b| {
        b.iter(|| parse_event(black_box(&body)));
    });
    for name in [
        "event_602005831971873_pitbull.json",
        "event_1012210268147290_grand_strand_trail.json",
    ] {
        if let Some(body) = recorded(name) {
            group.bench_function(format!("recorded_{}kb_{name}", body.len() / 1024), |b| {
                b.iter(|| parse_event(black_box(&body)));
            });
        }
    }
    group.finish();
}

fn events_tab(c: &mut Criterion) {
    let mut group = c.benchmark_group("events_tab");
    let body = padded("events_upcoming.html");
    assert_eq!(parse_events(&body).map(|t| t.events.len()).ok(), Some(5));
    group.bench_function(format!("fixture_padded_{}kb", body.len() / 1024), |b| {
        b.iter(|| parse_events(black_box(&body)));
    });
    if let Some(body) = recorded("events_grandstrandhashing_upcoming.json") {
        group.bench_function(format!("recorded_{}kb", body.len() / 1024), |b| {
            b.iter(|| parse_events(black_box(&body)));
        });
    }
    group.finish();
}

fn page(c: &mut Criterion) {
    let mut group = c.benchmark_group("page");
    let body = padded("page_2023.html");
    assert!(parse_page(&body).is_ok());
    group.bench_function(format!("fixture_padded_{}kb", body.len() / 1024), |b| {
        b.iter(|| parse_page(black_box(&body)));
    });
    if let Some(body) = recorded("page_heymeedan.json") {
        group.bench_function(format!("recorded_{}kb", body.len() / 1024), |b| {
            b.iter(|| parse_page(black_box(&body)));
        });
    }
    group.finish();
}

criterion_group!(benches, event_page, events_tab, page);
criterion_main!(benches);
