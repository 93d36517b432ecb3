//! Against the real recorded traffic: `../shared/corpus/replay.py` serves
//! `../shared/corpus/soundcloud`, the engine talks to it, and every case of
//! `../shared/corpus/expect/soundcloud.json` must hold, each answer valid against its action's
//! published schema. Skipped when the corpus is absent.

use std::collections::BTreeSet;

use scraper_core::testing;
use scraper_core::testing::corpus::{self, Replay};
use serde_json::{Value, json};

/// Parameter forms beyond the expectation file, checked against the same recordings (values read
/// from the recorded bodies).
fn our_cases() -> Vec<Value> {
    vec![
        json!({"name": "profile by a track URL: its owner, complete in the resolve answer",
               "path": "/v1/soundcloud/profile?user=https%3A%2F%2Fsoundcloud.com%2Fblakewhiten%2Fhard-to-break%23t%3D130",
               "status": 200,
               "expect": {"data.id": 1440582758, "data.username": "blakewhiten", "data.name": "Blake Whiten",
                          "data.followers_count": 2853, "data.track_count": 13, "data.created_at": "2024-09-17T11:08:51Z"}}),
        json!({"name": "profile by a profile tab URL on the mobile host",
               "path": "/v1/soundcloud/profile?user=http%3A%2F%2Fm.soundcloud.com%2FDubmatix%2Ftracks",
               "status": 200, "expect": {"data.id": 542134, "data.avatar_url": {"$contains": "-t500x500."},
                                          "data.links": {"$type": "list"}}}),
        json!({"name": "track with a #t= fragment and a share query",
               "path": "/v1/soundcloud/track?url=https%3A%2F%2Fsoundcloud.com%2Fgarrett-cameron-1%2Ftechnicality%3Fsi%3Dx%23t%3D34",
               "status": 200, "expect": {"data.id": 135535700, "data.release_date": null, "data.isrc": null}}),
        json!({"name": "a preview-only (SNIP) track reports its whole length",
               "path": "/v1/soundcloud/track?url=https%3A%2F%2Fsoundcloud.com%2Fmartinsolveig%2Fplaces",
               "status": 200, "expect": {"data.duration_ms": 202789, "data.isrc": "UK98Q1600200"}}),
        json!({"name": "tracks of a numeric user with a small limit still hit the recorded page size",
               "path": "/v1/soundcloud/tracks?user=73637815&limit=3",
               "status": 200, "expect": {"len(data)": 3, "data[0].id": 2_259_687_149_u64, "next_cursor": {"$type": "string"}}}),
        json!({"name": "search page 1 of 2 with a small limit",
               "path": "/v1/soundcloud/search?q=LILL%20UZI%20VERT&type=playlists&limit=4",
               "status": 200, "expect": {"len(data)": 4, "data[0].type": "playlist", "meta.total_results": 65187}}),
        json!({"name": "a track URL where a track is wanted but a user is named",
               "path": "/v1/soundcloud/track?url=https%3A%2F%2Fsoundcloud.com%2Fdubmatix",
               "status": 400, "expect": {"code": "invalid_params"}}),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn recorded_expectations_hold() {
    let (Some(mut cases), Some(replay)) = (
        corpus::expectations("soundcloud"),
        Replay::start(&["soundcloud"]),
    ) else {
        eprintln!("skipped: ../shared/corpus (or python3 for replay.py) is absent");
        return;
    };
    let engine = corpus::engine("soundcloud", &replay);
    cases.extend(our_cases());
    let failures = corpus::check(&engine, "soundcloud", &cases).await;
    println!(
        "{} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Walks a listing through its cursors; answers every record's id and the number of pages.
async fn walk(engine: &scraper_core::Engine, action: &str, query: &str) -> (Vec<u64>, usize) {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_owned(),
        };
        let page = testing::call(engine, "soundcloud", action, &q)
            .await
            .unwrap_or_else(|f| panic!("{q}: {:?}", f.error));
        pages += 1;
        let data: Value = serde_json::from_str(page.data.get()).unwrap();
        if let Some(why) = corpus::schema_mismatch(engine, "soundcloud", action, &data) {
            panic!("{q}: {why}");
        }
        ids.extend(
            data.as_array()
                .unwrap()
                .iter()
                .map(|item| item["id"].as_u64().unwrap()),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (ids, pages),
        }
        assert!(pages < 50, "{action}?{query} does not end: {ids:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn paging_through_recorded_listings_loses_and_repeats_nothing() {
    let Some(replay) = Replay::start(&["soundcloud"]) else {
        eprintln!("skipped: ../shared/corpus (or python3 for replay.py) is absent");
        return;
    };
    let engine = corpus::engine("soundcloud", &replay);

    // users/73637815/tracks: ten recorded pages, several empty; the replay answers the unrecorded
    // eleventh with the first page again (its link leads back), which must end the listing.
    let (all, pages) = walk(&engine, "tracks", "user=73637815&limit=20").await;
    assert_eq!(pages, 1, "one caller page spans the ten upstream pages");
    assert_eq!(all.len(), 13);
    assert_eq!(
        all.iter().collect::<BTreeSet<_>>().len(),
        all.len(),
        "no track twice"
    );
    for limit in [1, 3, 5, 7, 13] {
        let (ids, pages) = walk(&engine, "tracks", &format!("user=73637815&limit={limit}")).await;
        assert_eq!(ids, all, "limit={limit}");
        assert!(pages >= all.len().div_ceil(limit), "limit={limit}");
    }

    // Searches: offsets 0 and 10 recorded at limit=10; the next page is not.
    for kind in ["users", "tracks", "playlists", "all"] {
        let query = format!("q=lill%20uzi%20vert&type={kind}");
        let (all, _) = walk(&engine, "search", &format!("{query}&limit=10")).await;
        assert_eq!(all.len(), 20, "{kind}");
        for limit in [3, 4, 10] {
            let (ids, _) = walk(&engine, "search", &format!("{query}&limit={limit}")).await;
            assert_eq!(ids, all, "{kind} limit={limit}");
        }
    }
}
