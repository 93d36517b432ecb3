//! Against the real recorded traffic: `../shared/corpus/replay.py` serves
//! `../shared/corpus/soundcloud`, the engine talks to it, and every case of
//! `../shared/corpus/expect/soundcloud.json` must hold. Skipped when the corpus is absent.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use scraper_core::testing;
use serde_json::{Value, json};

/// `../shared/corpus` beside the checkout, when it is there.
fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("soundcloud").is_dir().then_some(dir)
}

/// A replay server for the SoundCloud recordings, stopped on drop.
struct Replay {
    child: Child,
    url: String,
}

impl Replay {
    fn start(dir: &std::path::Path) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("python3")
            .arg(dir.join("replay.py"))
            .args(["--port", &port.to_string()])
            .arg(dir.join("soundcloud"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let replay = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "replay.py did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(replay)
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The API's status for an error code (what the gateway answers).
fn status_of(code: &str) -> u16 {
    match code {
        "invalid_params" => 400,
        "unauthorized" => 401,
        "private" => 403,
        "unknown_site" | "unknown_action" | "not_found" => 404,
        "rate_limited" => 429,
        "internal" => 500,
        "upstream_unavailable" | "not_configured" => 503,
        "upstream_timeout" => 504,
        _ => 502,
    }
}

/// Runs `/v1/soundcloud/<action>?<query>` (or a POST body) and answers (status, body).
async fn run(engine: &scraper_core::Engine, path: &str, body: Option<&Value>) -> (u16, Value) {
    let rest = path
        .strip_prefix("/v1/soundcloud/")
        .expect("a soundcloud path");
    let (action, mut query) = rest
        .split_once('?')
        .map_or((rest, String::new()), |(a, q)| (a, q.to_owned()));
    if let Some(Value::Object(members)) = body {
        let pairs: Vec<(String, String)> = members
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect();
        query = serde_urlencoded::to_string(pairs).unwrap();
    }
    match testing::call(engine, "soundcloud", action, &query).await {
        Ok(success) => (200, success.body(None)),
        Err(failure) => {
            let code = failure.error.code().as_str();
            (
                status_of(code),
                json!({"code": code, "detail": failure.error.to_string()}),
            )
        }
    }
}

/// check.py's lookup: dotted paths, `[i]` indexes, `len(x)`.
fn lookup<'a>(doc: &'a Value, path: &str) -> Option<Value> {
    if let Some(inner) = path.strip_prefix("len(").and_then(|p| p.strip_suffix(')')) {
        return match lookup(doc, inner)? {
            Value::Array(a) => Some(json!(a.len())),
            Value::Object(o) => Some(json!(o.len())),
            Value::String(s) => Some(json!(s.chars().count())),
            _ => None,
        };
    }
    let mut current: &'a Value = doc;
    for part in path.split('.') {
        let (name, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(n, rest)| (n, rest));
        if !name.is_empty() {
            current = current.get(name)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            current = current.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(current.clone())
}

/// check.py's comparison, operators included.
fn holds(actual: Option<&Value>, want: &Value) -> bool {
    if let Value::Object(ops) = want
        && !ops.is_empty()
        && ops.keys().all(|k| k.starts_with('$'))
    {
        return ops.iter().all(|(op, arg)| match (op.as_str(), actual) {
            ("$present", _) => actual.is_some() == arg.as_bool().unwrap_or(false),
            (_, None) => false,
            ("$gte", Some(v)) => v.as_f64().zip(arg.as_f64()).is_some_and(|(v, a)| v >= a),
            ("$lte", Some(v)) => v.as_f64().zip(arg.as_f64()).is_some_and(|(v, a)| v <= a),
            ("$contains", Some(Value::String(s))) => arg.as_str().is_some_and(|a| s.contains(a)),
            ("$contains", Some(Value::Array(items))) => items.contains(arg),
            ("$type", Some(v)) => {
                let name = match v {
                    Value::Null => "null",
                    Value::Bool(_) => "bool",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "list",
                    Value::Object(_) => "object",
                };
                arg.as_str() == Some(name)
            }
            _ => false,
        });
    }
    match (actual, want) {
        (Some(Value::Number(a)), Value::Number(w)) => a.as_f64() == w.as_f64(),
        (Some(a), w) => a == w,
        (None, _) => false,
    }
}

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
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let Some(replay) = Replay::start(&dir) else {
        eprintln!("skipped: python3 could not start replay.py");
        return;
    };
    let engine = testing::engine("soundcloud", &replay.url, &[]);
    let mut cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expect/soundcloud.json")).unwrap())
            .unwrap();
    cases.extend(our_cases());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let (status, body) = run(&engine, case["path"].as_str().unwrap(), case.get("body")).await;
        let mut problems = Vec::new();
        if let Some(want) = case.get("status").and_then(Value::as_u64)
            && u64::from(status) != want
        {
            problems.push(format!("status {status}, wanted {want}"));
        }
        for (path, want) in case["expect"].as_object().into_iter().flatten() {
            let actual = lookup(&body, path);
            if !holds(actual.as_ref(), want) {
                problems.push(format!("{path} = {actual:?}, wanted {want}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {} (body: {body})", problems.join("; ")));
        }
    }
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
        ids.extend(
            page.data
                .as_array()
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
    let Some(dir) = corpus_dir() else { return };
    let Some(replay) = Replay::start(&dir) else {
        return;
    };
    let engine = testing::engine("soundcloud", &replay.url, &[]);

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
