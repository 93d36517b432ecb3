//! The parsers on our own fixtures (tests/fixtures, modeled on the real pages): the whole record
//! as an insta snapshot, and the facts each fixture is there for.

use scraper_core::ErrorCode;
use scraper_facebook::model::{Event, EventsTab, Page};
use scraper_facebook::parse::{parse_event, parse_events, parse_page};

use crate::support::fixture;

fn page(name: &str) -> Page {
    parse_page(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn events(name: &str) -> EventsTab {
    parse_events(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn event(name: &str) -> Event {
    parse_event(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn page_2023_layout() {
    let page = page("page_2023.html");
    insta::assert_json_snapshot!("page_2023", page);
    // The profile id of the app links, not the legacy page id of the PageID comment.
    assert_eq!(page.id, "100064512345678");
    // The exact "12,345 likes" of the description wins over the header's "12K likes".
    assert_eq!(page.likes_count, Some(12_345));
    assert_eq!(page.followers_count, Some(13_000));
    assert_eq!(page.category.as_deref(), Some("Nightclub"));
    assert_eq!(
        page.description.as_deref(),
        Some("Techno every weekend since 2009 & no photos on the dancefloor.")
    );
    assert!(
        page.image_url.unwrap().contains("&_nc_cat=110&ccb=1-7"),
        "entities decoded"
    );
}

#[test]
fn page_classic_layout_without_og_tags() {
    let page = page("page_classic.html");
    insta::assert_json_snapshot!("page_classic", page);
    assert_eq!(page.name, "Tanzhalle Süd");
    assert_eq!(page.id, "108123456789012");
    assert_eq!(
        page.url,
        "https://www.facebook.com/pages/Tanzhalle-Sued/108123456789012"
    );
    assert_eq!(page.category.as_deref(), Some("Dance & Night Club"));
    assert_eq!(
        (page.likes_count, page.followers_count),
        (Some(250), Some(263))
    );
    assert!(
        page.image_url
            .unwrap()
            .starts_with("https://scontent-fra3-1.xx.fbcdn.net/")
    );
}

#[test]
fn page_2026_layout() {
    let page = page("page_2026.html");
    insta::assert_json_snapshot!("page_2026", page);
    // og:title is "Warehouse Collective | Leipzig, Germany"; the name is what <title> says.
    assert_eq!(page.name, "Warehouse Collective");
    assert_eq!(page.likes_count, Some(1_088));
    // "15 following" is not a follower count.
    assert_eq!(page.followers_count, Some(2_100));
    assert_eq!(page.category, None);
}

#[test]
fn localised_pages() {
    let de = page("page_de.html");
    insta::assert_json_snapshot!("page_de", de);
    assert_eq!(
        (de.likes_count, de.followers_count),
        (Some(3_783), Some(3_800))
    );
    assert_eq!(de.category.as_deref(), Some("Nachtclub"));
    assert_eq!(
        de.description.as_deref(),
        Some("Elektronische Musik im Gewölbekeller.")
    );
    let es = page("page_es.html");
    insta::assert_json_snapshot!("page_es", es);
    assert_eq!(
        (es.likes_count, es.followers_count),
        (Some(12_345), Some(12_500))
    );
    assert_eq!(es.category.as_deref(), Some("Discoteca"));
    assert_eq!(es.id, "61511223344", "fb://page/?id=...");
}

#[test]
fn page_with_a_right_to_left_name() {
    let page = page("page_rtl.html");
    insta::assert_json_snapshot!("page_rtl", page);
    assert_eq!(
        page.name,
        "\u{646}\u{627}\u{62f}\u{64a} \u{627}\u{644}\u{62a}\u{643}\u{646}\u{648}"
    );
    // The description's "&lrm;<name>&lrm;, Mainz, Germany. 25,769 likes · ..." is dropped.
    assert_eq!(
        page.description.as_deref(),
        Some("Techno Kulturverein Mainz e.V.")
    );
    assert_eq!(
        (page.likes_count, page.followers_count),
        (Some(25_769), Some(27_000))
    );
    assert_eq!(page.category.as_deref(), Some("Community Organization"));
    assert_eq!(
        page.url,
        "https://www.facebook.com/Techno.Kulturverein.Mainz"
    );
}

#[test]
fn an_events_tab_is_also_a_page() {
    let page = page("events_upcoming.html");
    assert_eq!(page.name, "Warehouse Collective");
    assert_eq!(page.url, "https://www.facebook.com/WarehouseCollectiveLE");
}

#[test]
fn events_tab_2026_layout() {
    let tab = events("events_upcoming.html");
    insta::assert_json_snapshot!("events_upcoming", tab);
    let ids: Vec<&str> = tab.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "1029384756102938",
            "1029384756102939",
            "1029384756102940",
            "1029384756102941",
            "1029384756102942"
        ],
        "Facebook's order"
    );
    assert_eq!(
        tab.events[0].start_time.as_deref(),
        Some("2026-05-16T23:00:00Z")
    );
    assert_eq!(tab.events[1].is_canceled, Some(true));
    assert_eq!(tab.events[2].place, None, "no place");
    assert_eq!(tab.events[3].place, None, "online");
    assert_eq!(
        tab.events[4].place.as_ref().unwrap().city.as_deref(),
        Some("Leipzig, Germany")
    );
    assert!(tab.has_more && !tab.complete(), "has_next_page and 12 > 5");
}

#[test]
fn empty_events_tab() {
    let tab = events("events_empty.html");
    assert!(tab.events.is_empty());
    assert!(tab.complete());
}

#[test]
fn event_2023_layout() {
    let event = event("event_2023.html");
    insta::assert_json_snapshot!("event_2023", event);
    assert_eq!(event.id, "612345678901234");
    assert_eq!(event.end_time.as_deref(), Some("2023-07-29T06:00:00Z"));
    assert_eq!(event.timezone.as_deref(), Some("CEST"));
    assert_eq!(
        event.ticket_url.as_deref(),
        Some("https://tickets.example/klangkeller/allnighter-2023"),
        "unwrapped from l.facebook.com"
    );
    assert_eq!(event.hosts.len(), 2, "hosts listed twice are kept once");
    // The suggested events embedded in the page do not leak into this one.
    assert_eq!(
        event.place.as_ref().unwrap().name.as_deref(),
        Some("Klangkeller")
    );
    assert_eq!(event.is_canceled, Some(false));
}

#[test]
fn event_2026_layout_online() {
    let event = event("event_2026_online.html");
    insta::assert_json_snapshot!("event_2026_online", event);
    assert_eq!(event.is_online, Some(true));
    assert_eq!(
        event.place, None,
        "\"Online event\" is a placeholder, not a place"
    );
    assert_eq!(event.end_time, None, "end_timestamp 0 is no end");
    assert_eq!(event.description, None, "an empty description is none");
    assert_eq!(event.hosts[0].name, "Ana Placeholder");
}

#[test]
fn event_2026_layout_canceled() {
    let event = event("event_2026_canceled.html");
    insta::assert_json_snapshot!("event_2026_canceled", event);
    assert_eq!(event.is_canceled, Some(true));
    let place = event.place.unwrap();
    assert_eq!(
        (place.latitude, place.longitude),
        (Some(51.308), Some(12.2341))
    );
}

#[test]
fn changed_pages_say_what_is_missing() {
    let body = fixture("changed.html");
    for (what, err) in [
        ("page", parse_page(&body).unwrap_err()),
        ("events", parse_events(&body).unwrap_err()),
        ("event", parse_event(&body).unwrap_err()),
    ] {
        assert_eq!(err.code(), ErrorCode::UpstreamChanged, "{what}: {err}");
        assert!(err.to_string().starts_with("facebook's"), "{what}: {err}");
    }
    assert!(
        parse_events(&body)
            .unwrap_err()
            .to_string()
            .contains("pageItems")
    );
}

#[test]
fn each_parser_rejects_the_other_pages() {
    // An event page has no events collection; an events tab has no event of its own.
    let err = parse_events(&fixture("event_2023.html")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamChanged);
    let err = parse_event(&fixture("events_upcoming.html")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpstreamChanged);
}

#[test]
fn records_have_a_described_json_schema() {
    for schema in [
        schemars::schema_for!(Page),
        schemars::schema_for!(Event),
        schemars::schema_for!(scraper_facebook::model::EventSummary),
    ] {
        let value = serde_json::to_value(&schema).unwrap();
        let mut described = 0;
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
                for (name, prop) in props {
                    assert!(
                        prop.get("description").is_some(),
                        "{name} has no description in {value}"
                    );
                    described += 1;
                }
            }
            if let Some(defs) = v.get("$defs").and_then(|d| d.as_object()) {
                stack.extend(defs.values());
            }
        }
        assert!(described >= 6);
    }
}
