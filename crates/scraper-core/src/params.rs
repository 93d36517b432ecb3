//! Generic parameter validation: raw query or JSON-body values are checked against an action's
//! description (presence, type, allowed values, ranges, one-of groups) before a site sees them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::describe::{ActionDescription, DEFAULT_LIMIT, ParamDescription, ParamType};
use crate::error::ScrapeError;

/// Longest text value accepted for any parameter.
pub const MAX_PARAM_LEN: usize = 2048;

/// Parameters as the client sent them: query-string pairs or the members of a JSON object.
#[derive(Debug, Clone, Default)]
pub struct RawParams(Vec<(String, serde_json::Value)>);

impl RawParams {
    /// From a URL query string (`a=1&b=two`).
    pub fn from_query(query: &str) -> Result<Self, ScrapeError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|e| ScrapeError::InvalidParams {
                param: None,
                reason: format!("unreadable query string: {e}"),
            })?;
        Ok(Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect(),
        ))
    }

    /// From a JSON body, which must be an object (an empty body means no parameters).
    pub fn from_json_body(body: &[u8]) -> Result<Self, ScrapeError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| ScrapeError::InvalidParams {
                param: Some("body".into()),
                reason: format!("the request body is not valid JSON: {e}"),
            })?;
        match value {
            serde_json::Value::Object(map) => Ok(Self(map.into_iter().collect())),
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
                .map(|(k, v)| (k.into(), serde_json::Value::String(v.into())))
                .collect(),
        )
    }

    /// The same parameters without `name`.
    pub fn without(mut self, name: &str) -> Self {
        self.0.retain(|(n, _)| n != name);
        self
    }

    /// Adds members of `other` whose names are not already present (query parameters next to a body).
    pub fn merge(&mut self, other: RawParams) -> Result<(), ScrapeError> {
        for (name, value) in other.0 {
            if self.0.iter().any(|(n, _)| *n == name) {
                return Err(ScrapeError::invalid_param(
                    name.clone(),
                    format!("parameter '{name}' is given both in the query and in the body"),
                ));
            }
            self.0.push((name, value));
        }
        Ok(())
    }
}

/// A validated parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text, trimmed, never empty.
    String(String),
    /// A whole number within its range.
    Integer(i64),
    /// A boolean.
    Boolean(bool),
    /// A calendar date.
    Date(NaiveDate),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::String(s) => f.write_str(s),
            Self::Integer(i) => write!(f, "{i}"),
            Self::Boolean(b) => write!(f, "{b}"),
            Self::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// Parameters checked against an action's description; defaults applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<&'static str, Value>,
    given: Vec<&'static str>,
}

impl Params {
    /// Checks `raw` against `action`: unknown, repeated, missing, ill-typed or out-of-range
    /// parameters are `invalid_params` naming the parameter.
    pub fn validate(action: &ActionDescription, raw: RawParams) -> Result<Self, ScrapeError> {
        let mut params = Params::default();
        for (name, value) in raw.0 {
            let Some(desc) = action.param(&name) else {
                let accepted: Vec<_> = action.all_params().map(|p| p.name).collect();
                let shown = printable(&name);
                return Err(ScrapeError::invalid_param(
                    shown.clone(),
                    format!(
                        "unknown parameter '{shown}' (accepted: {})",
                        accepted.join(", ")
                    ),
                ));
            };
            if params.given.contains(&desc.name) {
                return Err(ScrapeError::invalid_param(
                    desc.name,
                    format!("parameter '{}' is given twice", desc.name),
                ));
            }
            if let Some(value) = convert(desc, value)? {
                params.given.push(desc.name);
                params.values.insert(desc.name, value);
            }
        }
        for desc in action.all_params() {
            if params.values.contains_key(desc.name) {
                continue;
            }
            if desc.required {
                return Err(ScrapeError::invalid_param(
                    desc.name,
                    format!("missing required parameter '{}'", desc.name),
                ));
            }
            if let Some(default) = desc.default {
                let value = convert(desc, serde_json::Value::String(default.to_owned()))?
                    .ok_or_else(|| {
                        ScrapeError::internal(format!("empty default for '{}'", desc.name))
                    })?;
                params.values.insert(desc.name, value);
            }
        }
        if !action.one_of.is_empty() {
            let given: Vec<_> = action
                .one_of
                .iter()
                .filter(|n| params.given.contains(n))
                .collect();
            let names = action
                .one_of
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(" or ");
            match given.len() {
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
        Ok(params)
    }

    /// A text parameter, when present.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// A text parameter the description marks required (or defaulted); its absence is a bug.
    pub fn required_str(&self, name: &str) -> Result<&str, ScrapeError> {
        self.str(name).ok_or_else(|| {
            ScrapeError::internal(format!("parameter '{name}' missing after validation"))
        })
    }

    /// An integer parameter, when present.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.values.get(name) {
            Some(Value::Integer(i)) => Some(*i),
            _ => None,
        }
    }

    /// A boolean parameter, when present.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.values.get(name) {
            Some(Value::Boolean(b)) => Some(*b),
            _ => None,
        }
    }

    /// A date parameter, when present.
    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.values.get(name) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }

    /// Whether the client gave this parameter itself (not through a default).
    pub fn given(&self, name: &str) -> bool {
        self.given.contains(&name)
    }

    /// `limit` of a list action (1-100, default 20).
    pub fn limit(&self) -> usize {
        usize::try_from(self.int("limit").unwrap_or(DEFAULT_LIMIT)).unwrap_or(1)
    }

    /// `cursor` of a list action, when the client continues a listing.
    pub fn cursor(&self) -> Option<&str> {
        self.str("cursor")
    }

    /// Every value, in name order (defaults included).
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }

    /// A canonical text form (sorted `name=value` pairs), e.g. for cache keys.
    pub fn canonical(&self) -> String {
        serde_urlencoded::to_string(
            self.iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    }

    /// The parameters the client gave, as query pairs, with `cursor` replaced (for `next_url`).
    pub fn query_with_cursor(&self, cursor: &str) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .iter()
            .filter(|(k, _)| *k != "cursor" && self.given(k))
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        pairs.push(("cursor", cursor.to_owned()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Converts one raw value; `Ok(None)` means "treat as absent" (null or blank).
fn convert(desc: &ParamDescription, raw: serde_json::Value) -> Result<Option<Value>, ScrapeError> {
    let name = desc.name;
    let text = match raw {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
            return Err(ScrapeError::invalid_param(
                name,
                format!(
                    "parameter '{name}' must be a single {}, not a list or object",
                    desc.kind.as_str()
                ),
            ));
        }
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > MAX_PARAM_LEN {
        return Err(ScrapeError::invalid_param(
            name,
            format!("parameter '{name}' is longer than {MAX_PARAM_LEN} bytes"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(ScrapeError::invalid_param(
            name,
            format!("parameter '{name}' contains control characters"),
        ));
    }
    let value = match desc.kind {
        ParamType::String => {
            if desc.allowed.is_empty() {
                Value::String(text.to_owned())
            } else {
                let found = desc
                    .allowed
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(text))
                    .ok_or_else(|| {
                        ScrapeError::invalid_param(
                            name,
                            format!(
                                "parameter '{name}' must be one of {}, got '{}'",
                                desc.allowed.join(", "),
                                printable(text)
                            ),
                        )
                    })?;
                Value::String((*found).to_owned())
            }
        }
        ParamType::Integer => {
            let i: i64 = text.parse().map_err(|_| {
                ScrapeError::invalid_param(
                    name,
                    format!(
                        "parameter '{name}' must be a whole number, got '{}'",
                        printable(text)
                    ),
                )
            })?;
            if let Some((min, max)) = desc.range
                && !(min..=max).contains(&i)
            {
                return Err(ScrapeError::invalid_param(
                    name,
                    format!("parameter '{name}' must be between {min} and {max}, got {i}"),
                ));
            }
            Value::Integer(i)
        }
        ParamType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Value::Boolean(true),
            "false" | "0" | "no" | "off" => Value::Boolean(false),
            _ => {
                return Err(ScrapeError::invalid_param(
                    name,
                    format!(
                        "parameter '{name}' must be true or false, got '{}'",
                        printable(text)
                    ),
                ));
            }
        },
        ParamType::Date => {
            Value::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                ScrapeError::invalid_param(
                    name,
                    format!(
                        "parameter '{name}' must be a date as YYYY-MM-DD, got '{}'",
                        printable(text)
                    ),
                )
            })?)
        }
    };
    Ok(Some(value))
}

/// A value shortened for an error message.
fn printable(text: &str) -> String {
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
    use crate::describe::ActionDescription;
    use serde_json::json;

    static PARAMS: [ParamDescription; 4] = [
        ParamDescription::string("q").required(),
        ParamDescription::string("type")
            .allowed(&["users", "tracks"])
            .default("users"),
        ParamDescription::date("start_date"),
        ParamDescription::boolean("exact"),
    ];
    static SEARCH: ActionDescription = ActionDescription::list("search", "search").params(&PARAMS);
    static TRACK: ActionDescription = ActionDescription::item("track", "track")
        .params(&[
            ParamDescription::string("url"),
            ParamDescription::integer("id"),
        ])
        .one_of(&["url", "id"]);

    fn check(action: &ActionDescription, query: &str) -> Result<Params, ScrapeError> {
        Params::validate(action, RawParams::from_query(query)?)
    }

    fn fails_on(action: &ActionDescription, query: &str) -> (Option<String>, String) {
        let err = check(action, query).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidParams, "{query}");
        (err.param().map(str::to_owned), err.to_string())
    }

    #[test]
    fn defaults_and_types_apply() {
        let p = check(&SEARCH, "q=lil%20uzi&start_date=2026-01-31&exact=yes").unwrap();
        assert_eq!(p.str("q"), Some("lil uzi"));
        assert_eq!(p.str("type"), Some("users"));
        assert_eq!(p.limit(), 20);
        assert_eq!(p.cursor(), None);
        assert_eq!(p.date("start_date"), NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(p.bool("exact"), Some(true));
        assert!(!p.given("type"));
    }

    #[test]
    fn allowed_values_are_case_insensitive_and_canonicalised() {
        assert_eq!(
            check(&SEARCH, "q=x&type=TRACKS").unwrap().str("type"),
            Some("tracks")
        );
        let (param, msg) = fails_on(&SEARCH, "q=x&type=albums");
        assert_eq!(param.as_deref(), Some("type"));
        assert!(msg.contains("users, tracks"), "{msg}");
    }

    #[test]
    fn each_failure_names_its_parameter() {
        assert_eq!(fails_on(&SEARCH, "").0.as_deref(), Some("q"));
        assert_eq!(fails_on(&SEARCH, "q=%20%20").0.as_deref(), Some("q"));
        for bad in ["limit=0", "limit=101", "limit=-3", "limit=ten", "limit=1.5"] {
            let (param, msg) = fails_on(&SEARCH, &format!("q=x&{bad}"));
            assert_eq!(param.as_deref(), Some("limit"), "{bad}: {msg}");
        }
        assert_eq!(check(&SEARCH, "q=x&limit=100").unwrap().limit(), 100);
        assert_eq!(check(&SEARCH, "q=x&limit=1").unwrap().limit(), 1);
        assert_eq!(
            fails_on(&SEARCH, "q=x&start_date=2026-02-30").0.as_deref(),
            Some("start_date")
        );
        assert_eq!(
            fails_on(&SEARCH, "q=x&exact=maybe").0.as_deref(),
            Some("exact")
        );
        assert_eq!(fails_on(&SEARCH, "q=x&q=y").0.as_deref(), Some("q"));
        assert_eq!(fails_on(&SEARCH, "q=a%00b").0.as_deref(), Some("q"));
        let long = "a".repeat(MAX_PARAM_LEN + 1);
        assert_eq!(
            fails_on(&SEARCH, &format!("q={long}")).0.as_deref(),
            Some("q")
        );
        let (_, msg) = fails_on(&SEARCH, "q=x&usr=1");
        assert!(
            msg.contains("unknown parameter 'usr'") && msg.contains("accepted: q, type"),
            "{msg}"
        );
    }

    #[test]
    fn one_of_groups_need_exactly_one() {
        assert_eq!(check(&TRACK, "id=42").unwrap().int("id"), Some(42));
        assert!(check(&TRACK, "url=https://x").is_ok());
        assert!(fails_on(&TRACK, "").1.contains("'url' or 'id'"));
        assert!(fails_on(&TRACK, "id=1&url=u").1.contains("only one"));
        assert!(fails_on(&TRACK, "id=abc").1.contains("whole number"));
    }

    #[test]
    fn json_bodies_take_typed_values() {
        let raw = RawParams::from_json_body(
            br#"{"q": "x", "limit": 5, "exact": false, "start_date": null}"#,
        )
        .unwrap();
        let p = Params::validate(&SEARCH, raw).unwrap();
        assert_eq!(p.limit(), 5);
        assert_eq!(p.bool("exact"), Some(false));
        assert_eq!(p.date("start_date"), None);
        assert!(RawParams::from_json_body(b"  ").is_ok());
        for bad in [&b"[1]"[..], b"{", b"\"q\"", b"{\"q\": [1]}"] {
            let err = RawParams::from_json_body(bad)
                .and_then(|raw| Params::validate(&SEARCH, raw))
                .unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidParams);
        }
        let mut body =
            RawParams::from_json_body(&serde_json::to_vec(&json!({"q": "x"})).unwrap()).unwrap();
        assert!(body.merge(RawParams::from_query("q=y").unwrap()).is_err());
    }

    #[test]
    fn next_url_query_keeps_given_params_and_replaces_the_cursor() {
        let p = check(&SEARCH, "q=a%20b&cursor=old&limit=5").unwrap();
        assert_eq!(p.query_with_cursor("new"), "limit=5&q=a+b&cursor=new");
        assert_eq!(p.canonical(), "cursor=old&limit=5&q=a+b&type=users");
    }
}
