//! The real recorded pages of ../shared/corpus/facebook, read in place (never copied): every case
//! of `expect/facebook.json` through the engine against replay.py, and the parsers on every
//! recorded body. Skips cleanly when the corpus is absent.

use scraper_core::ErrorCode;
use scraper_core::testing::corpus::{self, Replay};
use scraper_facebook::parse::{parse_event, parse_events, parse_page};
use scraper_facebook::walls;

use crate::support::all_recorded;

/// Every case of expect/facebook.json through the engine, the upstream traffic served by
/// replay.py (as `cargo xtask corpus` runs the gateway), every answer checked against its
/// published schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_expectations_pass_through_the_engine() {
    let (Some(cases), Some(replay)) = (
        corpus::expectations("facebook"),
        Replay::start(&["facebook"]),
    ) else {
        eprintln!("skipped: ../shared/corpus (or python3 for replay.py) is not here");
        return;
    };
    let engine = corpus::engine("facebook", &replay);
    let failures = corpus::check(&engine, "facebook", &cases).await;
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!(
        "corpus expectations: all {} cases pass through the engine",
        cases.len()
    );
}

#[test]
fn every_recorded_body_parses_as_what_it_is() {
    let Some(recordings) = all_recorded() else {
        eprintln!("skipped: ../shared/corpus/facebook is not here");
        return;
    };
    for (name, _, body) in &recordings {
        if name.starts_with("page_") && name.contains("login_wall") {
            let err = parse_page(body).unwrap_err();
            assert_eq!(err.code(), ErrorCode::LoginRequired, "{name}");
            assert_eq!(walls::detect(body), Some(walls::Wall::Login), "{name}");
            continue;
        }
        // A content page is never taken for a wall.
        assert_eq!(walls::detect(body), None, "{name}");
        if name.starts_with("page_") {
            let page = parse_page(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                page.id.bytes().all(|b| b.is_ascii_digit()),
                "{name}: {page:?}"
            );
            assert!(page.image_url.is_some(), "{name}: {page:?}");
        } else if name.starts_with("events_") {
            let tab = parse_events(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!tab.events.is_empty(), "{name}");
        } else if name.starts_with("event_") {
            let event = parse_event(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            let id = name.split('_').nth(1).unwrap();
            assert_eq!(event.id, id, "{name}");
            assert!(!event.hosts.is_empty(), "{name}");
            assert!(
                event.start_time.is_some() && event.timezone.is_some(),
                "{name}"
            );
        }
    }
}

#[test]
fn recorded_pages_in_detail() {
    let Some(recordings) = all_recorded() else {
        eprintln!("skipped: ../shared/corpus/facebook is not here");
        return;
    };
    let body = |name: &str| {
        recordings
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, b)| b.clone())
    };
    if let Some(b) = body("page_heymeedan.json") {
        let page = parse_page(&b).unwrap();
        assert_eq!(page.id, "100067935271247");
        assert_eq!(page.likes_count, Some(3783));
        assert_eq!(
            page.description.as_deref(),
            Some("Make sense of the global web.")
        );
    }
    if let Some(b) = body("page_meedan_old_layout.json") {
        let page = parse_page(&b).unwrap();
        assert_eq!(page.id, "105510962816034");
        assert_eq!(
            page.url,
            "https://www.facebook.com/pages/Meedan/105510962816034"
        );
        assert!(
            page.description
                .as_deref()
                .unwrap()
                .starts_with("Meedan is a non-profit")
        );
    }
    if let Some(b) = body("event_2416437368638666_shark_tank_pub_past.json") {
        let event = parse_event(&b).unwrap();
        assert_eq!(event.start_time.as_deref(), Some("2019-11-16T02:00:00Z"));
        assert_eq!(event.end_time.as_deref(), Some("2019-11-16T06:00:00Z"));
        assert_eq!(event.timezone.as_deref(), Some("EST"));
    }
    if let Some(b) = body("event_1839868276383775_msger_rooms_virtual.json") {
        let event = parse_event(&b).unwrap();
        assert_eq!(event.place, None, "the online placeholder is not a place");
        assert_eq!(event.end_time, None);
    }
    if let Some(b) = body("events_grandstrandhashing_upcoming.json") {
        let tab = parse_events(&b).unwrap();
        assert!(tab.complete());
        let place = tab.events[0].place.as_ref().unwrap();
        assert_eq!(place.name.as_deref(), Some("Big Air Myrtle Beach"));
        assert_eq!(place.city.as_deref(), Some("Myrtle Beach"));
    }
}
