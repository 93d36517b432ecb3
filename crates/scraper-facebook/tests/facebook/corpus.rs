//! The parsers on the real recorded pages of ../shared/corpus/facebook, read in place (never
//! copied): every value of `expect/facebook.json` is asserted on what the parsers make of the
//! recorded body the case's request fetches (found through `input`'s canonical URLs, as phase 2
//! will fetch them). Skips cleanly when the corpus is absent.

use scraper_core::ErrorCode;
use scraper_core::testing::corpus::{expectations, holds, lookup};
use scraper_facebook::input::{self, When};
use scraper_facebook::parse::{parse_event, parse_events, parse_page};
use scraper_facebook::walls;
use serde_json::{Value, json};

use crate::support::{all_recorded, api_body};

/// `https://host/path/?q` → `host/path` without trailing slashes, the key replay.py matches on.
fn route(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    format!(
        "{}{}",
        url.host_str().unwrap(),
        url.path().trim_end_matches('/')
    )
}

/// The recorded body served for `url`, if any.
fn served(recordings: &[(String, String, String)], url: &str) -> Option<String> {
    recordings
        .iter()
        .find(|(_, recorded, _)| route(recorded) == route(url))
        .map(|(_, _, body)| body.clone())
}

/// What the API would answer for one case: the action's parameters read by `input`, the
/// canonical URL fetched from the recordings, the body parsed.
fn answer(recordings: &[(String, String, String)], path: &str) -> Value {
    let (route_path, query) = path.split_once('?').unwrap_or((path, ""));
    let action = route_path.rsplit('/').next().unwrap();
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| params.get(name).map(String::as_str);
    let fetched = match action {
        "page" => input::parse_page_ref(param("page").unwrap()).map(|p| p.page_url()),
        "events" => When::parse(param("when")).and_then(|when| {
            input::parse_page_ref(param("page").unwrap()).map(|p| p.events_url(when))
        }),
        "event" => match (param("id"), param("url")) {
            (Some(id), _) => input::parse_event_id(id),
            (None, Some(url)) => input::parse_event_url(url),
            _ => panic!("{path}: no id or url"),
        }
        .map(|id| input::event_url(&id)),
        other => panic!("{path}: unknown action {other}"),
    };
    let url = match fetched {
        Ok(url) => url,
        Err(e) => return api_body::<()>(Err(e)),
    };
    let body =
        served(recordings, &url).unwrap_or_else(|| panic!("{path}: nothing recorded for {url}"));
    match action {
        "page" => api_body(parse_page(&body)),
        "events" => match parse_events(&body) {
            Ok(tab) => json!({"data": tab.events, "meta": {"complete": tab.complete()}}),
            Err(e) => api_body::<()>(Err(e)),
        },
        _ => api_body(parse_event(&body)),
    }
}

#[test]
fn every_expected_value_holds() {
    let (Some(cases), Some(recordings)) = (expectations("facebook"), all_recorded()) else {
        eprintln!("skipped: ../shared/corpus/facebook is not here");
        return;
    };
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let path = case["path"].as_str().unwrap();
        let body = answer(&recordings, path);
        let wanted_success = case["status"].as_u64().unwrap_or(200) == 200;
        if body.get("data").is_some() != wanted_success {
            failures.push(format!(
                "{name}: wanted status {}, got {body}",
                case["status"]
            ));
            continue;
        }
        for (key, want) in case["expect"].as_object().into_iter().flatten() {
            let actual = lookup(&body, key);
            if !holds(actual.as_ref(), want) {
                failures.push(format!("{name}: {key} = {actual:?}, wanted {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
