//! The MCP tools, generated from the registry: one per action, named `<site>_<action>`, described
//! by the action's summary, details, parameter docs and example (list tools also say how to page
//! with `next_cursor`), with the action's input schema as `inputSchema`, the `/v1` envelope around
//! the action's data schema as `outputSchema`, and the read-only, open-world annotations.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use scraper_core::{ActionKind, ActionSpec, Engine, FieldSpec, Site};
use serde_json::{Map, Value, json};

use crate::catalogue;

/// The tool of an action: `<site>_<action>` (slugs have no underscore, so the name splits back).
pub fn tool_name(slug: &str, action: &str) -> String {
    format!("{slug}_{action}")
}

/// Every tool of an engine, in catalogue order, and which action each one runs.
#[derive(Debug, Clone)]
pub struct Toolbox {
    tools: Vec<Tool>,
    /// Tool name → its index in `tools` and the (site slug, action name) it runs.
    index: HashMap<String, (usize, &'static str, &'static str)>,
}

impl Toolbox {
    /// The tools of every action of every site of `engine`.
    pub fn new(engine: &Engine) -> Self {
        let mut tools = Vec::new();
        let mut index = HashMap::new();
        for site in engine.sites() {
            let slug = site.description().slug;
            for action in &site.spec.actions {
                let tool = tool(site, action);
                index.insert(
                    tool.name.to_string(),
                    (tools.len(), slug, action.description.name),
                );
                tools.push(tool);
            }
        }
        Self { tools, index }
    }

    /// The tools, in catalogue order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The tool of that name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.index
            .get(name)
            .and_then(|(i, _, _)| self.tools.get(*i))
    }

    /// The site slug and action name a tool runs.
    pub fn action_of(&self, name: &str) -> Option<(&'static str, &'static str)> {
        self.index
            .get(name)
            .map(|(_, slug, action)| (*slug, *action))
    }
}

/// The tool of one action of a site.
pub fn tool(site: &Site, action: &ActionSpec) -> Tool {
    let desc = site.description();
    let name = tool_name(desc.slug, action.description.name);
    let title = format!(
        "{} {}",
        desc.name,
        action.description.name.replace('_', " ")
    );
    Tool::new(
        name,
        description(site, action),
        Arc::new(input_schema(action)),
    )
    .with_title(title.clone())
    .with_raw_output_schema(Arc::new(output_schema(action)))
    .with_annotations(
        ToolAnnotations::with_title(title)
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(true),
    )
}

/// The parameter's type and constraints, for the description: `integer, 1-100, default 20`.
fn param_terms(field: &FieldSpec, group: Option<&Vec<String>>) -> String {
    let mut terms = vec![field.kind.as_str().to_owned()];
    if field.required {
        terms.push("required".into());
    }
    if let Some(group) = group {
        terms.push(format!("give exactly one of {}", group.join(", ")));
    }
    if !field.allowed.is_empty() {
        terms.push(format!("one of: {}", field.allowed.join(", ")));
    }
    // Bounds that only say "fits in 64 bits" are noise to a model.
    let meaningful = |n: &i128| n.abs() < 1 << 53;
    match (field.min.filter(meaningful), field.max.filter(meaningful)) {
        (Some(min), Some(max)) => terms.push(format!("{min} to {max}")),
        (Some(min), None) => terms.push(format!("at least {min}")),
        (None, Some(max)) => terms.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(default) = &field.default {
        terms.push(format!("default {default}"));
    }
    terms.join(", ")
}

/// What a model reads to choose and call the tool.
pub fn description(site: &Site, action: &ActionSpec) -> String {
    let desc = site.description();
    let action_desc = action.description;
    let name = tool_name(desc.slug, action_desc.name);
    let mut text = format!(
        "{} ({}).",
        action_desc.summary.trim_end_matches('.'),
        desc.name
    );
    if !action_desc.details.is_empty() {
        let _ = write!(text, " {}", action_desc.details);
    }
    if action.rules.fields.is_empty() {
        text.push_str("\n\nNo parameters.");
    } else {
        text.push_str("\n\nParameters:");
        for field in &action.rules.fields {
            let group = action.rules.one_of.iter().find(|g| g.contains(&field.name));
            let _ = write!(
                text,
                "\n- {} ({}): {}",
                field.name,
                param_terms(field, group),
                field.description
            );
        }
    }
    let example = catalogue::example(desc.slug, action);
    let _ = write!(
        text,
        "\n\nExample arguments: {}",
        Value::Object(example.params)
    );
    if action_desc.kind == ActionKind::List {
        let _ = write!(
            text,
            "\n\nPaging: `data` is one page of at most `limit` items. When `next_cursor` is not null, \
             call {name} again with the same arguments plus `cursor` set to that `next_cursor` for \
             the next page; `next_cursor: null` is the last page."
        );
    }
    if let Some(error) = site.not_configured() {
        let _ = write!(
            text,
            "\n\nNot configured on this server: calls answer `not_configured` ({error})."
        );
    }
    text
}

/// The action's input schema, without combinators at its root: Anthropic's API refuses a tool
/// whose input schema has `oneOf`, `anyOf` or `allOf` at the top (the whole request fails), and
/// n8n turns them into intersections that end up there. The one-of groups become one root `not`
/// (the same rule: no group left empty, none given twice), and the description says them too.
pub fn input_schema(action: &ActionSpec) -> JsonObject {
    let mut schema = match action.input_schema() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    schema.remove("oneOf");
    schema.remove("allOf");
    let mut violations = Vec::new();
    for group in &action.rules.one_of {
        let each: Vec<Value> = group.iter().map(|n| json!({"required": [n]})).collect();
        violations.push(json!({"not": {"anyOf": each}}));
        for (i, first) in group.iter().enumerate() {
            for second in &group[i + 1..] {
                violations.push(json!({"required": [first, second]}));
            }
        }
    }
    if !violations.is_empty() {
        schema.insert("not".into(), json!({"anyOf": violations}));
    }
    schema
}

/// `meta` of the envelope: what every answer carries, plus site-specific members.
fn meta_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "site": {"type": "string"},
            "action": {"type": "string"},
            "cached": {"type": "boolean", "description": "Whether the answer came from the cache."},
            "fetched_at": {"type": "string", "format": "date-time", "description": "When the data was fetched upstream (UTC)."},
            "attempts": {"type": "integer", "minimum": 0, "description": "Most attempts any upstream request needed (0 when cached)."},
            "upstream_requests": {"type": "integer", "minimum": 0, "description": "Upstream requests sent for this answer (0 when cached)."},
        },
        "required": ["site", "action", "cached", "fetched_at", "attempts", "upstream_requests"],
    })
}

/// The schema of a successful result's `structuredContent`: the `/v1` envelope around the
/// action's data schema, whose shared definitions move to the root so its `$ref`s resolve.
pub fn output_schema(action: &ActionSpec) -> JsonObject {
    let mut data = action.data_schema();
    let defs = data.as_object_mut().and_then(|d| d.remove("$defs"));
    let mut properties = Map::new();
    properties.insert("data".into(), data);
    let mut required = vec![json!("data")];
    if action.description.kind == ActionKind::List {
        properties.insert(
            "next_cursor".into(),
            json!({"type": ["string", "null"], "description": "Pass it back as `cursor` for the next page; null on the last page."}),
        );
        properties.insert(
            "next_url".into(),
            json!({"type": ["string", "null"], "description": "The next page as a /v1 URL, when the server knows its base URL."}),
        );
        required.extend([json!("next_cursor"), json!("next_url")]);
    }
    properties.insert("meta".into(), meta_schema());
    required.push(json!("meta"));
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::Array(required));
    if let Some(defs) = defs {
        schema.insert("$defs".into(), defs);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::EngineSettings;
    use std::collections::BTreeMap;

    fn shipped() -> Engine {
        let regs = scraper_core::registered().unwrap();
        Engine::new(&regs, EngineSettings::default(), &BTreeMap::new()).unwrap()
    }

    fn validator(schema: &Value) -> jsonschema::Validator {
        jsonschema::meta::validate(schema)
            .unwrap_or_else(|e| panic!("not a valid JSON Schema: {e}\n{schema:#}"));
        jsonschema::draft202012::new(schema).unwrap()
    }

    #[test]
    fn every_shipped_action_is_a_tool_with_valid_schemas() {
        let engine = shipped();
        let toolbox = Toolbox::new(&engine);
        let actions: usize = engine.sites().iter().map(|s| s.spec.actions.len()).sum();
        assert!(actions > 0);
        assert_eq!(toolbox.tools().len(), actions, "one tool per action");
        for site in engine.sites() {
            let slug = site.description().slug;
            for action in &site.spec.actions {
                let name = tool_name(slug, action.description.name);
                let tool = toolbox.get(&name).unwrap();
                assert_eq!(
                    toolbox.action_of(&name),
                    Some((slug, action.description.name))
                );
                assert!(
                    name.len() <= 64
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{name}: MCP clients accept [a-z0-9_]{{1,64}}"
                );
                let annotations = tool.annotations.as_ref().unwrap();
                assert_eq!(annotations.read_only_hint, Some(true), "{name}");
                assert_eq!(annotations.open_world_hint, Some(true), "{name}");

                // The input schema: valid, an object without root combinators, the action's
                // parameters with their types, required ones and allowed values.
                let input = Value::Object((*tool.input_schema).clone());
                let check = validator(&input);
                assert_eq!(input["type"], "object", "{name}");
                for combinator in ["oneOf", "anyOf", "allOf", "$ref"] {
                    assert!(input.get(combinator).is_none(), "{name}: root {combinator}");
                }
                assert_eq!(input["additionalProperties"], false, "{name}");
                let required: Vec<&str> = input["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for field in &action.rules.fields {
                    let property = &input["properties"][&field.name];
                    assert!(property.is_object(), "{name}: {} missing", field.name);
                    assert_eq!(
                        required.contains(&field.name.as_str()),
                        field.required,
                        "{name}: {}",
                        field.name
                    );
                    let allowed: Vec<&str> = property["enum"]
                        .as_array()
                        .map(|e| e.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    assert_eq!(allowed, field.allowed, "{name}: {}", field.name);
                    assert!(
                        tool.description
                            .as_deref()
                            .unwrap()
                            .contains(&format!("- {} (", field.name)),
                        "{name}: {} undocumented",
                        field.name
                    );
                }
                // The action's own example is a valid call, and a stranger parameter is not.
                let example = Value::Object(catalogue::example(slug, action).params);
                assert!(
                    check.is_valid(&example),
                    "{name}: its example {example} does not validate"
                );
                let mut stranger = example.clone();
                stranger["no_such_parameter"] = json!(1);
                assert!(!check.is_valid(&stranger), "{name}");
                // Every required parameter is needed.
                for field in action.rules.fields.iter().filter(|f| f.required) {
                    let mut without = example.clone();
                    without.as_object_mut().unwrap().remove(&field.name);
                    assert!(!check.is_valid(&without), "{name}: {}", field.name);
                }
                // One-of groups: the example names one member; naming two, or none, is refused,
                // exactly as the /v1 schema refuses it.
                let v1 = jsonschema::draft202012::new(&action.input_schema()).unwrap();
                for group in &action.rules.one_of {
                    let given: Vec<&String> = group
                        .iter()
                        .filter(|n| example.get(n.as_str()).is_some())
                        .collect();
                    assert_eq!(given.len(), 1, "{name}: example names one of {group:?}");
                    let mut none = example.clone();
                    none.as_object_mut().unwrap().remove(given[0].as_str());
                    assert!(!check.is_valid(&none) && !v1.is_valid(&none), "{name}");
                    let other = group.iter().find(|n| *n != given[0]).unwrap();
                    let mut both = example.clone();
                    both[other.as_str()] = example[given[0].as_str()].clone();
                    assert!(!check.is_valid(&both) && !v1.is_valid(&both), "{name}");
                }

                // The output schema: a valid object schema whose `data` is the data schema.
                let output = Value::Object((*tool.output_schema.clone().unwrap()).clone());
                validator(&output);
                assert_eq!(output["type"], "object", "{name}");
                let list = action.description.kind == ActionKind::List;
                assert_eq!(output["properties"]["next_cursor"].is_object(), list);
                assert_eq!(output["properties"]["meta"]["type"], "object");

                let description = tool.description.as_deref().unwrap();
                assert!(description.starts_with(action.description.summary.trim_end_matches('.')));
                assert!(description.contains("Example arguments: {"), "{name}");
                assert_eq!(
                    description.contains("`cursor` set to that `next_cursor`"),
                    list,
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn one_of_groups_become_a_root_not() {
        let engine = shipped();
        let Some((action, group)) = engine
            .sites()
            .iter()
            .flat_map(|s| &s.spec.actions)
            .find_map(|a| a.rules.one_of.first().map(|g| (a, g.clone())))
        else {
            panic!("no shipped action has a one-of group (soundcloud/track has url or id)");
        };
        let schema = Value::Object(input_schema(action));
        assert!(schema["not"]["anyOf"].is_array(), "{schema}");
        let check = jsonschema::draft202012::new(&schema).unwrap();
        let string_or_number = |name: &str| match action
            .rules
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.kind)
        {
            Some(scraper_core::ValueKind::Integer) => json!(1),
            _ => json!("x"),
        };
        let mut required = Map::new();
        for field in action.rules.fields.iter().filter(|f| f.required) {
            required.insert(field.name.clone(), string_or_number(&field.name));
        }
        let with = |names: &[&String]| {
            let mut args = required.clone();
            for name in names {
                args.insert((*name).clone(), string_or_number(name));
            }
            Value::Object(args)
        };
        assert!(!check.is_valid(&with(&[])), "none of {group:?}");
        assert!(check.is_valid(&with(&[&group[0]])));
        assert!(!check.is_valid(&with(&[&group[0], &group[1]])));
    }
}
