//! Generic parameter validation: raw query or JSON-body values are checked against an action's
//! field specs (presence, type, allowed values, ranges, one-of groups, `limit` and `cursor` of a
//! list) and converted to typed JSON, which then deserialises into the action's params struct.
//! Sites never re-check what their params type says.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::error::ScrapeError;
use crate::spec::{FieldSpec, ValueKind};

/// Longest text value accepted for any parameter.
pub const MAX_PARAM_LEN: usize = 2048;

/// Parameters as the client sent them: query-string pairs or the members of a JSON object.
#[derive(Debug, Clone, Default)]
pub struct RawParams(Vec<(String, Value)>);

impl RawParams {
    /// From a URL query string (`a=1&b=two`).
    pub fn from_query(query: &str) -> Result<Self, ScrapeError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|e| ScrapeError::InvalidParams {
                param: None,
                reason: format!("unreadable query string: {e}"),
            })?;
        Ok(Self::from_pairs(pairs))
    }

    /// From a JSON body, which must be an object (an empty body means no parameters).
    pub fn from_json_body(body: &[u8]) -> Result<Self, ScrapeError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| ScrapeError::InvalidParams {
                param: Some("body".into()),
                reason: format!("the request body is not valid JSON: {e}"),
            })?;
        match value {
            Value::Object(map) => Ok(Self(map.into_iter().collect())),
            _ => Err(ScrapeError::InvalidParams {
                param: Some("body".into()),
                reason: "the request body must be a JSON object of parameters".into(),
            }),
        }
    }

    /// From `key=value` words (the CLI's form).
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), Value::String(v.into())))
                .collect(),
        )
    }

    /// The same parameters without `name`.
    #[must_use]
    pub fn without(mut self, name: &str) -> Self {
        self.0.retain(|(n, _)| n != name);
        self
    }

    /// Whether no parameter was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds the members of `other` (query parameters next to a body). A parameter given in both
    /// with the same value counts once — n8n re-sends a POST body to the `next_url` that already
    /// carries it in the query —; with different values it is `invalid_params`.
    pub fn merge(&mut self, other: RawParams) -> Result<(), ScrapeError> {
        for (name, value) in other.0 {
            if let Some((_, present)) = self.0.iter().find(|(n, _)| *n == name) {
                if same_value(present, &value) {
                    continue;
                }
                return Err(ScrapeError::invalid_param(
                    name.clone(),
                    format!(
                        "parameter '{name}' is given both in the query and in the body, with different values"
                    ),
                ));
            }
            self.0.push((name, value));
        }
        Ok(())
    }
}

/// Whether two raw values say the same thing (`5` and `"5"`, `true` and `"true"`, blanks trimmed).
fn same_value(a: &Value, b: &Value) -> bool {
    a == b || text(a).trim() == text(b).trim()
}

/// How an action's parameters are checked.
#[derive(Debug, Clone)]
pub struct ParamRules {
    /// The action's own parameters, then `limit` and `cursor` for a list.
    pub fields: Vec<FieldSpec>,
    /// Groups of which exactly one parameter must be given.
    pub one_of: Vec<Vec<String>>,
    /// Whether `limit` and `cursor` are the core's (a list action).
    pub list: bool,
}

/// The parameters every list action takes, with the action's default `limit`.
pub fn list_fields(default_limit: u32) -> [FieldSpec; 2] {
    [
        FieldSpec {
            name: "limit".into(),
            kind: ValueKind::Integer,
            required: false,
            default: Some(Value::from(default_limit)),
            allowed: Vec::new(),
            min: Some(1),
            max: Some(i128::from(crate::action::MAX_LIMIT)),
            description: format!(
                "How many items to answer (1-{}, default {default_limit}).",
                crate::action::MAX_LIMIT
            ),
            secret: false,
        },
        FieldSpec {
            name: "cursor".into(),
            kind: ValueKind::String,
            required: false,
            default: None,
            allowed: Vec::new(),
            min: None,
            max: None,
            description: "The `next_cursor` of the previous page, to continue the listing.".into(),
            secret: false,
        },
    ]
}

/// Parameters checked against an action's rules; defaults applied, values typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validated {
    /// The action's own parameters (defaults included), by name.
    values: BTreeMap<String, Value>,
    /// What the client gave itself, `limit` and `cursor` included.
    given: BTreeMap<String, Value>,
    limit: Option<u32>,
    cursor: Option<String>,
}

impl Validated {
    /// Checks `raw` against `rules`: unknown, repeated, missing, ill-typed or out-of-range
    /// parameters are `invalid_params` naming the parameter.
    pub fn validate(rules: &ParamRules, raw: RawParams) -> Result<Self, ScrapeError> {
        let mut given: BTreeMap<String, Value> = BTreeMap::new();
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in raw.0 {
            let Some(spec) = rules.fields.iter().find(|f| f.name == name) else {
                let accepted: Vec<_> = rules.fields.iter().map(|f| f.name.as_str()).collect();
                let shown = printable(&name);
                return Err(ScrapeError::invalid_param(
                    shown.clone(),
                    format!(
                        "unknown parameter '{shown}' (accepted: {})",
                        accepted.join(", ")
                    ),
                ));
            };
            if seen.contains(&spec.name) {
                return Err(ScrapeError::invalid_param(
                    spec.name.clone(),
                    format!("parameter '{}' is given twice", spec.name),
                ));
            }
            seen.push(spec.name.clone());
            if let Some(value) = convert(spec, value)
                .map_err(|reason| ScrapeError::invalid_param(spec.name.clone(), reason))?
            {
                given.insert(spec.name.clone(), value);
            }
        }
        let mut out = Validated::default();
        for spec in &rules.fields {
            let value = match given.get(&spec.name) {
                Some(value) => value.clone(),
                None if spec.required => {
                    return Err(ScrapeError::invalid_param(
                        spec.name.clone(),
                        format!("missing required parameter '{}'", spec.name),
                    ));
                }
                None => match &spec.default {
                    Some(default) => default.clone(),
                    None => continue,
                },
            };
            match (rules.list, spec.name.as_str()) {
                (true, "limit") => out.limit = value.as_u64().and_then(|l| u32::try_from(l).ok()),
                (true, "cursor") => out.cursor = value.as_str().map(str::to_owned),
                _ => {
                    out.values.insert(spec.name.clone(), value);
                }
            }
        }
        for group in &rules.one_of {
            let present = group.iter().filter(|n| given.contains_key(*n)).count();
            let names = group
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(" or ");
            match present {
                1 => {}
                0 => {
                    return Err(ScrapeError::InvalidParams {
                        param: None,
                        reason: format!("give one of {names}"),
                    });
                }
                _ => {
                    return Err(ScrapeError::InvalidParams {
                        param: None,
                        reason: format!("give only one of {names}, not several"),
                    });
                }
            }
        }
        out.given = given;
        Ok(out)
    }

    /// The action's own parameters as a JSON object, to deserialise into its params type.
    pub fn to_object(&self) -> Value {
        Value::Object(
            self.values
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        )
    }

    /// What the client gave itself, typed (`limit` and `cursor` included), in name order.
    pub fn given_object(&self) -> Value {
        Value::Object(
            self.given
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        )
    }

    /// `limit` of a list action.
    pub fn limit(&self) -> usize {
        self.limit.map_or(1, |l| l as usize)
    }

    /// `cursor` of a list action, when the client continues a listing.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// Whether the client gave this parameter itself (not through a default).
    pub fn given(&self, name: &str) -> bool {
        self.given.contains_key(name)
    }

    /// A canonical text form of the listing (sorted `name=value`, defaults included, without
    /// `limit` and `cursor`): what a cursor is bound to.
    pub fn listing(&self) -> String {
        query(self.values.iter())
    }

    /// A canonical text form of the whole request, for cache keys.
    pub fn canonical(&self) -> String {
        let mut all: BTreeMap<&str, Value> = self
            .values
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        if let Some(limit) = self.limit {
            all.insert("limit", Value::from(limit));
        }
        if let Some(cursor) = &self.cursor {
            all.insert("cursor", Value::from(cursor.as_str()));
        }
        query(all.iter().map(|(k, v)| (*k, v)))
    }

    /// The parameters the client gave, as query pairs, with `cursor` replaced (for `next_url`).
    pub fn query_with_cursor(&self, cursor: &str) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .given
            .iter()
            .filter(|(k, _)| *k != "cursor")
            .map(|(k, v)| (k.as_str(), text(v)))
            .collect();
        pairs.push(("cursor", cursor.to_owned()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

fn query<'a, K: AsRef<str> + 'a>(pairs: impl Iterator<Item = (K, &'a Value)>) -> String {
    let pairs: Vec<(K, String)> = pairs.map(|(k, v)| (k, text(v))).collect();
    serde_urlencoded::to_string(
        pairs
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_str()))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default()
}

/// A typed value as text (strings as they are, numbers and booleans printed).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Converts one raw value to its typed JSON; `Ok(None)` means "treat as absent" (null or
/// blank). The error is a sentence naming the field.
pub fn convert(spec: &FieldSpec, raw: Value) -> Result<Option<Value>, String> {
    let name = spec.name.as_str();
    let text = match raw {
        Value::Null => return Ok(None),
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) if spec.kind == ValueKind::List => {
            items.iter().map(text).collect::<Vec<_>>().join(",")
        }
        Value::Array(_) | Value::Object(_) => {
            return Err(format!(
                "parameter '{name}' must be a single {}, not a list or object",
                spec.kind.as_str()
            ));
        }
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > MAX_PARAM_LEN && !spec.secret {
        return Err(format!(
            "parameter '{name}' is longer than {MAX_PARAM_LEN} bytes"
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(format!("parameter '{name}' contains control characters"));
    }
    let value = match spec.kind {
        ValueKind::String if spec.allowed.is_empty() => Value::from(text),
        ValueKind::String => {
            let found = spec
                .allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(text))
                .ok_or_else(|| {
                    format!(
                        "parameter '{name}' must be one of {}, got '{}'",
                        spec.allowed.join(", "),
                        printable(text)
                    )
                })?;
            Value::from(found.as_str())
        }
        ValueKind::Integer => {
            let i: i128 = text
                .parse()
                .ok()
                .filter(|i: &i128| i64::try_from(*i).is_ok() || u64::try_from(*i).is_ok())
                .ok_or_else(|| {
                    format!(
                        "parameter '{name}' must be a whole number, got '{}'",
                        printable(text)
                    )
                })?;
            check_bounds(spec, i)?;
            match i64::try_from(i) {
                Ok(small) => Value::from(small),
                Err(_) => Value::from(u64::try_from(i).unwrap_or(u64::MAX)),
            }
        }
        ValueKind::Number => {
            let f: f64 = text
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite())
                .ok_or_else(|| {
                    format!(
                        "parameter '{name}' must be a number, got '{}'",
                        printable(text)
                    )
                })?;
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        ValueKind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Value::Bool(true),
            "false" | "0" | "no" | "off" => Value::Bool(false),
            _ => {
                return Err(format!(
                    "parameter '{name}' must be true or false, got '{}'",
                    printable(text)
                ));
            }
        },
        ValueKind::Date => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                format!(
                    "parameter '{name}' must be a date as YYYY-MM-DD, got '{}'",
                    printable(text)
                )
            })?;
            Value::from(date.format("%Y-%m-%d").to_string())
        }
        ValueKind::List => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect(),
        ),
    };
    Ok(Some(value))
}

fn check_bounds(spec: &FieldSpec, i: i128) -> Result<(), String> {
    let name = spec.name.as_str();
    match (spec.min, spec.max) {
        (Some(min), Some(max)) if !(min..=max).contains(&i) => Err(format!(
            "parameter '{name}' must be between {min} and {max}, got {i}"
        )),
        (Some(min), None) if i < min => Err(format!(
            "parameter '{name}' must be at least {min}, got {i}"
        )),
        (None, Some(max)) if i > max => {
            Err(format!("parameter '{name}' must be at most {max}, got {i}"))
        }
        _ => Ok(()),
    }
}

/// A value shortened for an error message.
pub(crate) fn printable(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::fields_of;
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Users,
        Tracks,
    }

    impl serde::Serialize for Kind {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(match self {
                Kind::Users => "users",
                Kind::Tracks => "tracks",
            })
        }
    }

    fn users() -> Kind {
        Kind::Users
    }

    #[derive(Deserialize, JsonSchema)]
    #[expect(dead_code, reason = "read through its schema only")]
    struct Search {
        /// Query.
        q: String,
        /// Kind.
        #[serde(default = "users")]
        r#type: Kind,
        /// Start.
        start_date: Option<NaiveDate>,
        /// Exact.
        exact: Option<bool>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[expect(dead_code, reason = "read through its schema only")]
    struct Track {
        /// URL.
        url: Option<String>,
        /// Id.
        #[schemars(range(min = 1))]
        id: Option<u64>,
    }

    fn search() -> ParamRules {
        let mut fields = fields_of::<Search>().unwrap();
        fields.extend(list_fields(20));
        ParamRules {
            fields,
            one_of: Vec::new(),
            list: true,
        }
    }

    fn track() -> ParamRules {
        ParamRules {
            fields: fields_of::<Track>().unwrap(),
            one_of: vec![vec!["url".into(), "id".into()]],
            list: false,
        }
    }

    fn check(rules: &ParamRules, query: &str) -> Result<Validated, ScrapeError> {
        Validated::validate(rules, RawParams::from_query(query)?)
    }

    fn fails_on(rules: &ParamRules, query: &str) -> (Option<String>, String) {
        let err = check(rules, query).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidParams, "{query}");
        (err.param().map(str::to_owned), err.to_string())
    }

    #[test]
    fn defaults_and_types_apply() {
        let p = check(&search(), "q=lil%20uzi&start_date=2026-01-31&exact=yes").unwrap();
        assert_eq!(
            p.to_object(),
            json!({"q": "lil uzi", "type": "users", "start_date": "2026-01-31", "exact": true})
        );
        assert_eq!(p.limit(), 20);
        assert_eq!(p.cursor(), None);
        assert!(!p.given("type"));
        assert!(p.given("q"));
    }

    #[test]
    fn allowed_values_are_case_insensitive_and_canonicalised() {
        assert_eq!(
            check(&search(), "q=x&type=TRACKS").unwrap().to_object()["type"],
            "tracks"
        );
        let (param, msg) = fails_on(&search(), "q=x&type=albums");
        assert_eq!(param.as_deref(), Some("type"));
        assert_eq!(
            msg,
            "parameter 'type' must be one of users, tracks, got 'albums'"
        );
    }

    #[test]
    fn each_failure_names_its_parameter() {
        let rules = search();
        assert_eq!(fails_on(&rules, "").0.as_deref(), Some("q"));
        assert_eq!(fails_on(&rules, "q=%20%20").0.as_deref(), Some("q"));
        for bad in ["limit=0", "limit=101", "limit=-3", "limit=ten", "limit=1.5"] {
            let (param, msg) = fails_on(&rules, &format!("q=x&{bad}"));
            assert_eq!(param.as_deref(), Some("limit"), "{bad}: {msg}");
        }
        assert_eq!(
            fails_on(&rules, "q=x&limit=101").1,
            "parameter 'limit' must be between 1 and 100, got 101"
        );
        assert_eq!(check(&rules, "q=x&limit=100").unwrap().limit(), 100);
        assert_eq!(check(&rules, "q=x&limit=1").unwrap().limit(), 1);
        assert_eq!(
            fails_on(&rules, "q=x&start_date=2026-02-30").0.as_deref(),
            Some("start_date")
        );
        assert_eq!(
            fails_on(&rules, "q=x&exact=maybe").0.as_deref(),
            Some("exact")
        );
        assert_eq!(fails_on(&rules, "q=x&q=y").0.as_deref(), Some("q"));
        assert_eq!(fails_on(&rules, "q=a%00b").0.as_deref(), Some("q"));
        let long = "a".repeat(MAX_PARAM_LEN + 1);
        assert_eq!(
            fails_on(&rules, &format!("q={long}")).0.as_deref(),
            Some("q")
        );
        let (_, msg) = fails_on(&rules, "q=x&usr=1");
        assert_eq!(
            msg,
            "unknown parameter 'usr' (accepted: q, type, start_date, exact, limit, cursor)"
        );
    }

    #[test]
    fn one_of_groups_need_exactly_one() {
        let rules = track();
        assert_eq!(
            check(&rules, "id=42").unwrap().to_object(),
            json!({"id": 42})
        );
        assert!(check(&rules, "url=https://x").is_ok());
        assert_eq!(fails_on(&rules, "").1, "give one of 'url' or 'id'");
        assert!(fails_on(&rules, "id=1&url=u").1.contains("only one"));
        assert!(fails_on(&rules, "id=abc").1.contains("whole number"));
        assert_eq!(
            fails_on(&rules, "id=0").1,
            "parameter 'id' must be at least 1, got 0"
        );
        assert_eq!(
            check(&rules, "id=18446744073709551615")
                .unwrap()
                .to_object(),
            json!({"id": u64::MAX})
        );
        assert!(
            fails_on(&rules, "id=18446744073709551616")
                .1
                .contains("whole number")
        );
    }

    #[test]
    fn json_bodies_take_typed_values() {
        let rules = search();
        let raw = RawParams::from_json_body(
            br#"{"q": "x", "limit": 5, "exact": false, "start_date": null}"#,
        )
        .unwrap();
        let p = Validated::validate(&rules, raw).unwrap();
        assert_eq!(p.limit(), 5);
        assert_eq!(p.to_object()["exact"], false);
        assert!(p.to_object().get("start_date").is_none());
        assert!(RawParams::from_json_body(b"  ").is_ok());
        for bad in [&b"[1]"[..], b"{", b"\"q\"", b"{\"q\": [1]}"] {
            let err = RawParams::from_json_body(bad)
                .and_then(|raw| Validated::validate(&rules, raw))
                .unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidParams);
        }
        let mut body = RawParams::from_json_body(br#"{"q": "x"}"#).unwrap();
        assert!(body.merge(RawParams::from_query("q=y").unwrap()).is_err());
        let mut body = RawParams::from_json_body(br#"{"q": "x", "limit": 5}"#).unwrap();
        body.merge(RawParams::from_query("q=x&limit=5&cursor=abc").unwrap())
            .unwrap();
        let p = Validated::validate(&rules, body).unwrap();
        assert_eq!((p.limit(), p.cursor()), (5, Some("abc")));
    }

    #[test]
    fn next_url_query_keeps_given_params_and_replaces_the_cursor() {
        let p = check(&search(), "q=a%20b&cursor=old&limit=5").unwrap();
        assert_eq!(p.query_with_cursor("new"), "limit=5&q=a+b&cursor=new");
        assert_eq!(p.canonical(), "cursor=old&limit=5&q=a+b&type=users");
        assert_eq!(p.listing(), "q=a+b&type=users");
    }
}
