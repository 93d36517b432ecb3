//! The shared recorded corpus (`../shared/corpus` beside the checkout) for site tests: where it
//! is, recorded exchanges read in place (never copied), a `replay.py` server, and the
//! expectation files (`expect/<site>.json`) run through an engine as `check.py` runs them
//! through the gateway. Everything answers `None` when the corpus is absent, so tests skip.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::engine::{Call, Engine};
use crate::params::RawParams;

/// `../shared/corpus` beside the checkout, when it is there.
pub fn dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("replay.py").is_file().then_some(dir)
}

/// The settings a site needs to answer its recorded corpus, from its crate's `corpus.env`
/// (`TECHNO_SCRAPER_<SLUG>_<NAME>=value` lines, `#` comments), as (name, value) pairs. The same
/// file serves `cargo xtask corpus`.
pub fn site_settings(slug: &str) -> Vec<(String, String)> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(format!("scraper-{slug}"))
        .join("corpus.env");
    let prefix = format!("TECHNO_SCRAPER_{}_", slug.to_ascii_uppercase());
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .filter_map(|(k, v)| {
            k.trim()
                .strip_prefix(&prefix)
                .map(|name| (name.to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect()
}

/// An engine holding the site `slug` with its `corpus.env` settings, talking to `replay`.
pub fn engine(slug: &str, replay: &Replay) -> Engine {
    let settings = site_settings(slug);
    let pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    super::engine(slug, replay.url(), &pairs)
}

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The URL the request went to.
    pub url: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The answer's body.
    pub body: String,
}

/// The exchange `<site>/<file>` of the corpus, read in place.
pub fn recorded(site: &str, file: &str) -> Option<Recorded> {
    let text = std::fs::read_to_string(dir()?.join(site).join(file)).ok()?;
    let exchange: Value = serde_json::from_str(&text).ok()?;
    Some(Recorded {
        url: exchange["request"]["url"].as_str()?.to_owned(),
        status: u16::try_from(exchange["response"]["status"].as_u64().unwrap_or(200)).ok()?,
        body: exchange["response"]["body"].as_str()?.to_owned(),
    })
}

/// The expectations `expect/<site>.json`, when present.
pub fn expectations(site: &str) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(dir()?.join("expect").join(format!("{site}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

/// A `replay.py` serving some sites' recordings on a free loopback port; killed when dropped.
/// Its MISS lines (requests nothing was recorded for) go to stderr, where a failing test shows them.
#[derive(Debug)]
pub struct Replay {
    child: Child,
    url: String,
}

impl Replay {
    /// Starts replay.py for `sites`; `None` when the corpus or python3 is missing.
    pub fn start(sites: &[&str]) -> Option<Self> {
        let corpus = dir()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut child = Command::new("python3")
            .arg(corpus.join("replay.py"))
            .args(["--port", &port.to_string()])
            .args(sites.iter().map(|s| corpus.join(s)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        // replay.py says "replay: N recordings on http://..." once it listens.
        let mut stderr = BufReader::new(child.stderr.take()?);
        let mut first = String::new();
        if stderr.read_line(&mut first).is_err() || !first.starts_with("replay:") {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        // Keep draining its log, or it blocks writing to a full pipe.
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if line.starts_with("MISS") {
                    let _ = std::io::Write::write_all(
                        &mut std::io::stderr(),
                        format!("replay: {line}\n").as_bytes(),
                    );
                }
            }
        });
        Some(Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// `http://127.0.0.1:<port>`, for [`super::engine`].
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs every case (check.py's format) through `engine` and answers one line per failure.
///
/// The engine stands in for the gateway: a case passes when success and `status == 200` agree
/// and every `expect` entry holds on the body (an error's body is `{"code", "detail"}`). The
/// exact HTTP status of errors is the gateway's business, checked by `cargo xtask corpus`.
pub async fn check(engine: &Engine, site: &str, cases: &[Value]) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let path = case["path"].as_str().unwrap_or_default();
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let action = route.rsplit('/').next().unwrap_or_default();
        let params = match case.get("body") {
            Some(body) => RawParams::from_json_body(body.to_string().as_bytes()),
            None => RawParams::from_query(query),
        };
        let params = match params {
            Ok(params) => params,
            Err(e) => {
                failures.push(format!("{name}: unreadable case: {e}"));
                continue;
            }
        };
        let call = Call {
            site: site.to_owned(),
            action: action.to_owned(),
            params,
            request_id: "corpus".into(),
            bypass_cache: true,
        };
        let (succeeded, body) = match engine.execute(call).await {
            Ok(success) => {
                let body = success.to_value(None);
                if let Some(why) = schema_mismatch(engine, site, action, &body["data"]) {
                    failures.push(format!("{name} ({path}): {why}"));
                }
                (true, body)
            }
            Err(failure) => (
                false,
                json!({"code": failure.error.code().as_str(), "detail": failure.error.to_string()}),
            ),
        };
        let mut problems = Vec::new();
        let wanted_success = case["status"].as_u64().unwrap_or(200) == 200;
        if succeeded != wanted_success {
            problems.push(format!(
                "wanted status {}, got {}",
                case["status"],
                if succeeded { "success" } else { "an error" }
            ));
        }
        for (path, want) in case["expect"].as_object().into_iter().flatten() {
            let actual = lookup(&body, path);
            if !holds(actual.as_ref(), want) {
                problems.push(format!(
                    "{path} = {}, wanted {want}",
                    actual.map_or("(absent)".into(), |a| a.to_string())
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name} ({path}): {} — body {body}",
                problems.join("; ")
            ));
        }
    }
    failures
}

/// Why `data` does not validate against the JSON Schema the action publishes, if it does not.
pub fn schema_mismatch(engine: &Engine, site: &str, action: &str, data: &Value) -> Option<String> {
    let Some(spec) = engine.site(site).and_then(|s| s.spec.action(action)) else {
        return Some(format!("no action {site}/{action}"));
    };
    let schema = spec.data_schema();
    let validator = match jsonschema::validator_for(&schema) {
        Ok(validator) => validator,
        Err(e) => {
            return Some(format!(
                "the data schema of {site}/{action} is invalid: {e}"
            ));
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(data)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| {
        format!(
            "data does not validate against its published schema: {}",
            errors.join("; ")
        )
    })
}

/// check.py's lookup: dotted paths, `[i]` list indexes, `len(x)`.
pub fn lookup(doc: &Value, path: &str) -> Option<Value> {
    if let Some(inner) = path.strip_prefix("len(").and_then(|p| p.strip_suffix(')')) {
        return match lookup(doc, inner)? {
            Value::Array(a) => Some(json!(a.len())),
            Value::Object(o) => Some(json!(o.len())),
            Value::String(s) => Some(json!(s.chars().count())),
            _ => None,
        };
    }
    let mut current = doc;
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

/// check.py's comparison: a plain value must be equal (numbers numerically), or an operator
/// object: `$gte`, `$lte`, `$contains`, `$type`, `$present`.
pub fn holds(actual: Option<&Value>, want: &Value) -> bool {
    if let Value::Object(ops) = want
        && !ops.is_empty()
        && ops.keys().all(|k| k.starts_with('$'))
    {
        return ops.iter().all(|(op, arg)| match (op.as_str(), actual) {
            ("$present", found) => found.is_some() == arg.as_bool().unwrap_or(false),
            (_, None) => false,
            ("$gte", Some(v)) => v.as_f64().zip(arg.as_f64()).is_some_and(|(v, a)| v >= a),
            ("$lte", Some(v)) => v.as_f64().zip(arg.as_f64()).is_some_and(|(v, a)| v <= a),
            ("$contains", Some(Value::String(s))) => arg.as_str().is_some_and(|a| s.contains(a)),
            ("$contains", Some(Value::Array(items))) => items.contains(arg),
            ("$type", Some(v)) => arg.as_str() == Some(type_name(v)),
            _ => false,
        });
    }
    match (actual, want) {
        (Some(Value::Number(a)), Value::Number(w)) => a
            .as_f64()
            .zip(w.as_f64())
            .is_some_and(|(a, w)| (a - w).abs() < 1e-9),
        (Some(a), w) => a == w,
        (None, _) => false,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_holds_read_check_py_cases() {
        let doc = json!({"data": [{"id": 5, "tags": ["a", "b"], "name": "C418"}], "next_cursor": null, "meta": {"total": 3}});
        assert_eq!(lookup(&doc, "data[0].id"), Some(json!(5)));
        assert_eq!(lookup(&doc, "len(data)"), Some(json!(1)));
        assert_eq!(lookup(&doc, "len(data[0].tags)"), Some(json!(2)));
        assert_eq!(lookup(&doc, "data[1].id"), None);
        assert!(holds(lookup(&doc, "data[0].id").as_ref(), &json!(5.0)));
        assert!(holds(lookup(&doc, "next_cursor").as_ref(), &json!(null)));
        assert!(!holds(lookup(&doc, "missing").as_ref(), &json!(null)));
        assert!(holds(
            lookup(&doc, "data[0].tags").as_ref(),
            &json!({"$contains": "b"})
        ));
        assert!(holds(
            lookup(&doc, "data[0].name").as_ref(),
            &json!({"$contains": "418"})
        ));
        assert!(holds(
            lookup(&doc, "meta.total").as_ref(),
            &json!({"$gte": 3, "$lte": 3})
        ));
        assert!(holds(
            lookup(&doc, "next_cursor").as_ref(),
            &json!({"$type": "null"})
        ));
        assert!(holds(
            lookup(&doc, "missing").as_ref(),
            &json!({"$present": false})
        ));
        assert!(!holds(
            lookup(&doc, "meta.total").as_ref(),
            &json!({"$gte": 4})
        ));
    }
}
