//! Field specs read off a JSON Schema: the parameters of an action and the settings of a site or
//! of the gateway are plain structs deriving `JsonSchema`, and this is where their schema becomes
//! the list of fields the validator, the catalogue, the docs and the settings loader work from
//! (name, type, required, default, allowed values, bounds, description, secret).

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};

/// The type of a parameter or setting, as text in a query string or an environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// Any text.
    String,
    /// A whole number.
    Integer,
    /// A number with a fraction.
    Number,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A comma-separated list of text values (settings only).
    List,
}

impl ValueKind {
    /// The catalogue's name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::List => "list",
        }
    }
}

/// One field of a parameter or settings struct.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldSpec {
    /// Its name in the query string, the JSON body or the settings.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ValueKind,
    /// Whether it must be given.
    pub required: bool,
    /// The value used when it is not given, with its JSON type.
    pub default: Option<Value>,
    /// The only values accepted, when the list is not empty.
    pub allowed: Vec<String>,
    /// Inclusive lower bound of a number.
    pub min: Option<i128>,
    /// Inclusive upper bound of a number.
    pub max: Option<i128>,
    /// What it means (the field's doc comment).
    pub description: String,
    /// A secret: never shown, never logged (a [`crate::Secret`] field).
    pub secret: bool,
}

/// A generator for parameter and settings structs: draft 2020-12, everything inlined.
pub fn inline_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator()
}

/// The fields of a struct type, read off its schema.
pub fn fields_of<T: JsonSchema>() -> Result<Vec<FieldSpec>, String> {
    fields(&inline_generator().into_root_schema_for::<T>())
}

/// The fields of an object schema. Fails on a schema the query string or the environment cannot
/// carry (a nested object, say), naming the field.
pub fn fields(schema: &Schema) -> Result<Vec<FieldSpec>, String> {
    let root = schema.as_object().ok_or("the schema is not an object")?;
    let defs = root.get("$defs").and_then(Value::as_object);
    let empty = Map::new();
    let properties = root
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = root
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Vec::with_capacity(properties.len());
    for (name, schema) in properties {
        let field = field(name, schema, defs).map_err(|why| format!("field '{name}': {why}"))?;
        let default = field.default;
        out.push(FieldSpec {
            required: required.contains(&name.as_str()) && default.is_none(),
            default,
            ..field
        });
    }
    Ok(out)
}

/// One property: its type with nullability stripped, `$ref`s followed, enums and bounds read.
fn field(
    name: &str,
    schema: &Value,
    defs: Option<&Map<String, Value>>,
) -> Result<FieldSpec, String> {
    let outer = schema.as_object().ok_or("its schema is not an object")?;
    let (inner, consts) = match non_null(outer, defs)? {
        Resolved::Schema(inner) => (inner, None),
        Resolved::Consts(values) => (outer, Some(values)),
    };
    let text = |key: &str| {
        outer
            .get(key)
            .or_else(|| inner.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let types: Vec<&str> = match inner.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    let allowed: Vec<String> = consts
        .or_else(|| {
            inner.get("enum").and_then(Value::as_array).map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
        })
        .or_else(|| {
            inner
                .get("const")
                .and_then(Value::as_str)
                .map(|c| vec![c.to_owned()])
        })
        .unwrap_or_default();
    let kind = match types.as_slice() {
        _ if !allowed.is_empty() => ValueKind::String,
        ["string"] if inner.get("format").and_then(Value::as_str) == Some("date") => {
            ValueKind::Date
        }
        ["string"] => ValueKind::String,
        ["integer"] => ValueKind::Integer,
        ["number"] => ValueKind::Number,
        ["boolean"] => ValueKind::Boolean,
        ["array"] => match inner
            .get("items")
            .and_then(Value::as_object)
            .map(|i| non_null(i, defs))
        {
            Some(Ok(Resolved::Schema(items)))
                if items.get("type").and_then(Value::as_str) == Some("string") =>
            {
                ValueKind::List
            }
            _ => return Err("a list of something other than text".into()),
        },
        other => return Err(format!("type {other:?} cannot be given as text")),
    };
    let bound = |key: &str| {
        inner.get(key).and_then(|v| {
            v.as_i64()
                .map(i128::from)
                .or_else(|| v.as_u64().map(i128::from))
                .or_else(|| v.as_f64().map(|f| f as i128))
        })
    };
    let items = inner.get("items").and_then(Value::as_object);
    let secret = [Some(outer), Some(inner), items]
        .into_iter()
        .flatten()
        .any(|o| o.get("writeOnly").and_then(Value::as_bool) == Some(true));
    let default = outer
        .get("default")
        .or_else(|| inner.get("default"))
        .filter(|d| !d.is_null())
        .cloned();
    Ok(FieldSpec {
        name: name.to_owned(),
        kind,
        required: false,
        default,
        allowed,
        min: bound("minimum"),
        max: bound("maximum"),
        description: text("description")
            .map(|d| one_line(&d))
            .unwrap_or_default(),
        secret,
    })
}

/// A doc comment as one line per paragraph: lines joined by spaces, paragraphs kept apart.
fn one_line(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A property's schema once its `null` alternative is set aside.
enum Resolved<'a> {
    /// One schema.
    Schema(&'a Map<String, Value>),
    /// A choice of constant strings (an enum whose variants carry doc comments).
    Consts(Vec<String>),
}

/// The schema without its `null` alternative (an `Option`), `$ref` resolved.
fn non_null<'a>(
    schema: &'a Map<String, Value>,
    defs: Option<&'a Map<String, Value>>,
) -> Result<Resolved<'a>, String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return defs
            .and_then(|d| d.get(name))
            .and_then(Value::as_object)
            .ok_or_else(|| format!("unresolved reference {reference}"))
            .and_then(|s| non_null(s, defs));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let real: Vec<&Map<String, Value>> = alternatives
                .iter()
                .filter_map(Value::as_object)
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [one] = real.as_slice() {
                return non_null(one, defs);
            }
            let mut consts = Vec::new();
            for alternative in &real {
                match non_null(alternative, defs)? {
                    Resolved::Consts(values) => consts.extend(values),
                    Resolved::Schema(s) => match constant(s) {
                        Some(values) => consts.extend(values),
                        None => return Err(format!("a choice ({key}) of several types")),
                    },
                }
            }
            return Ok(Resolved::Consts(consts));
        }
    }
    Ok(Resolved::Schema(schema))
}

/// The string values a schema allows, when it is a `const` or an `enum` of strings.
fn constant(schema: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(c) = schema.get("const").and_then(Value::as_str) {
        return Some(vec![c.to_owned()]);
    }
    let values = schema.get("enum")?.as_array()?;
    values
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, JsonSchema, PartialEq, Debug)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Users,
        Tracks,
    }

    fn users() -> Kind {
        Kind::Users
    }

    impl serde::Serialize for Kind {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(match self {
                Kind::Users => "users",
                Kind::Tracks => "tracks",
            })
        }
    }

    /// Search parameters.
    #[derive(Deserialize, JsonSchema)]
    #[expect(dead_code, reason = "read through its schema only")]
    struct Params {
        /// What to search for.
        q: String,
        /// What kind of results.
        #[serde(default = "users")]
        r#type: Kind,
        /// Earliest day.
        since: Option<chrono::NaiveDate>,
        /// A track id.
        #[schemars(range(min = 1))]
        id: Option<u64>,
        /// A small number.
        #[schemars(range(min = 0, max = 10))]
        #[serde(default)]
        n: u8,
        /// Exact matches only.
        exact: Option<bool>,
        /// A key.
        key: Option<crate::Secret>,
        /// Maybe a kind.
        maybe: Option<Kind>,
    }

    #[test]
    fn fields_come_from_the_schema() {
        let fields = fields_of::<Params>().unwrap();
        let by = |n: &str| fields.iter().find(|f| f.name == n).unwrap().clone();
        let q = by("q");
        assert_eq!(
            (q.kind, q.required, q.description.as_str()),
            (ValueKind::String, true, "What to search for.")
        );
        let t = by("type");
        assert_eq!(
            (t.required, t.default.clone(), t.allowed),
            (
                false,
                Some(Value::from("users")),
                vec!["users".to_owned(), "tracks".to_owned()]
            )
        );
        assert_eq!(by("since").kind, ValueKind::Date);
        let id = by("id");
        assert_eq!(
            (id.kind, id.required, id.min, id.max),
            (ValueKind::Integer, false, Some(1), None)
        );
        let n = by("n");
        assert_eq!(
            (n.min, n.max, n.default),
            (Some(0), Some(10), Some(Value::from(0)))
        );
        assert_eq!(by("exact").kind, ValueKind::Boolean);
        assert!(by("key").secret);
        assert!(!by("q").secret);
        assert_eq!(by("maybe").allowed, ["users", "tracks"]);
    }

    #[test]
    fn nested_objects_are_refused() {
        #[derive(Deserialize, JsonSchema)]
        #[expect(dead_code, reason = "read through its schema only")]
        struct Inner {
            a: u8,
        }
        #[derive(Deserialize, JsonSchema)]
        #[expect(dead_code, reason = "read through its schema only")]
        struct Outer {
            /// Nested.
            inner: Inner,
        }
        let err = fields_of::<Outer>().unwrap_err();
        assert!(err.contains("field 'inner'"), "{err}");
    }
}
