//! The JSON Schemas of an action, for everything that publishes them (`/v1/sites`, OpenAPI,
//! `/docs`, MCP tools): the input schema built from its field specs (what the query string or
//! the JSON body may carry, `limit`/`cursor` and one-of groups included) and the schema of its
//! `data` from the record type (serialisation contract).

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::action::ActionKind;
use crate::registry::ActionSpec;
use crate::spec::{FieldSpec, ValueKind};

/// A generator of record schemas whose shared definitions go under `definitions_path`
/// (`/$defs` for a standalone schema, `/components/schemas` for OpenAPI).
pub fn record_generator(definitions_path: &str) -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .with(|s| {
            s.definitions_path = definitions_path.to_owned().into();
            s.meta_schema = None;
        })
        .into_generator()
}

impl ActionSpec {
    /// The JSON Schema of the action's parameters as an object (draft 2020-12).
    pub fn input_schema(&self) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in &self.rules.fields {
            properties.insert(field.name.clone(), field_schema(field));
            if field.required {
                required.push(Value::from(field.name.as_str()));
            }
        }
        let mut schema = json!({
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let groups: Vec<Value> = self
            .rules
            .one_of
            .iter()
            .map(|group| {
                json!({"oneOf": group.iter().map(|name| json!({"required": [name]})).collect::<Vec<_>>()})
            })
            .collect();
        match groups.len() {
            0 => {}
            1 => {
                if let (Some(target), Value::Object(group)) = (schema.as_object_mut(), &groups[0]) {
                    target.extend(group.clone());
                }
            }
            _ => schema["allOf"] = Value::Array(groups),
        }
        schema
    }

    /// The schema of one record, its named types registered in `generator`.
    pub fn record_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.types.record)(generator)
    }

    /// The schema of `data` (the record, or an array of records), its named types registered in
    /// `generator`.
    pub fn data_schema_in(&self, generator: &mut SchemaGenerator) -> Value {
        let record = self.record_schema(generator).to_value();
        match self.description.kind {
            ActionKind::Item => record,
            ActionKind::List => json!({"type": "array", "items": record}),
        }
    }

    /// The schema of `data` on its own, with its definitions under `$defs`.
    pub fn data_schema(&self) -> Value {
        let mut generator = record_generator("/$defs");
        let mut schema = self.data_schema_in(&mut generator);
        let defs = generator.take_definitions(true);
        if !defs.is_empty()
            && let Some(object) = schema.as_object_mut()
        {
            object.insert("$defs".into(), Value::Object(defs));
        }
        schema
    }
}

/// The JSON Schema of one parameter.
pub fn field_schema(field: &FieldSpec) -> Value {
    let mut schema = match field.kind {
        ValueKind::String => json!({"type": "string"}),
        ValueKind::Integer => json!({"type": "integer"}),
        ValueKind::Number => json!({"type": "number"}),
        ValueKind::Boolean => json!({"type": "boolean"}),
        ValueKind::Date => json!({"type": "string", "format": "date"}),
        ValueKind::List => json!({"type": "array", "items": {"type": "string"}}),
    };
    if !field.description.is_empty() {
        schema["description"] = Value::from(field.description.as_str());
    }
    if !field.allowed.is_empty() {
        schema["enum"] = field
            .allowed
            .iter()
            .map(|a| Value::from(a.as_str()))
            .collect();
    }
    if let Some(min) = field.min.and_then(number) {
        schema["minimum"] = min;
    }
    if let Some(max) = field.max.and_then(number) {
        schema["maximum"] = max;
    }
    if let Some(default) = &field.default {
        schema["default"] = default.clone();
    }
    if field.secret {
        schema["writeOnly"] = Value::Bool(true);
    }
    schema
}

/// A bound as a JSON number (JSON has no 128-bit integers).
pub fn number(n: i128) -> Option<Value> {
    i64::try_from(n)
        .map(Value::from)
        .or_else(|_| u64::try_from(n).map(Value::from))
        .ok()
}
