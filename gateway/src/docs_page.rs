//! `GET /docs`: a readable, self-contained HTML page (no CDN, no script) generated from the
//! registry: how to authenticate, how AI agents connect over MCP, every site and action with its
//! parameters, the fields of its records, a curl example and its MCP tool, and the error codes.
//! Rendered once at startup with a placeholder for the base URL, which each request fills with
//! its own.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use scraper_core::{ActionKind, ActionSpec, Engine, ErrorCode};
use serde_json::Value;

use crate::problem::status_of;
use crate::{catalogue, mcp};

/// Stands for the base URL the client reached us at; replaced per request.
pub const BASE_URL: &str = "{{base_url}}";

const STYLE: &str = "
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;background:#fcfcfd;overflow-wrap:break-word}
h1{font-size:1.8rem}h2{border-bottom:2px solid #e5e5ea;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:1.6rem 0 .3rem;font-family:ui-monospace,monospace;font-size:1.05rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
pre{background:#f1f1f4;padding:.7rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;border-bottom:1px solid #e5e5ea;padding:.3rem .5rem;vertical-align:top}
th{background:#f6f6f8}.tag{display:inline-block;background:#e8eefc;border-radius:4px;padding:0 .4rem;font-size:.8rem;margin-left:.4rem}
nav a{margin-right:1rem;display:inline-block}.muted{color:#666}
td code{overflow-wrap:anywhere}
@media (max-width:600px){body{margin:1rem auto;font-size:14px}th,td{padding:.25rem .3rem}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack tr:first-child{display:none}table.stack tr{border-bottom:1px solid #e5e5ea;padding:.4rem 0}
table.stack td{border:0;padding:.05rem 0}table.stack td.key{font-weight:600}table.stack td.empty{display:none}
table.stack td[data-label]::before{content:attr(data-label) ': ';color:#666}}";

/// The docs page of every site of `engine`, with [`BASE_URL`] where the base URL goes.
pub fn render(engine: &Engine) -> String {
    page(engine).into_string()
}

/// Text whose `backtick` spans become `<code>`, everything escaped.
fn inline(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// The top-level fields of a record schema: name, type and description.
fn record_fields(schema: &Value) -> Vec<(String, String, String)> {
    let defs = schema.get("$defs");
    let resolve = |s: &Value| -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => defs
                .and_then(|d| d.get(r.rsplit('/').next().unwrap_or_default()))
                .cloned()
                .unwrap_or(Value::Null),
            None => s.clone(),
        }
    };
    let mut record = resolve(schema);
    if record.get("type").and_then(Value::as_str) == Some("array") {
        record = resolve(record.get("items").unwrap_or(&Value::Null));
    }
    let Some(properties) = record.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, field)| {
            let field_resolved = resolve(field);
            (
                name.clone(),
                type_name(&field_resolved, &resolve),
                field
                    .get("description")
                    .or_else(|| field_resolved.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

fn type_name(schema: &Value, resolve: &dyn Fn(&Value) -> Value) -> String {
    if let Some(alternatives) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = alternatives
            .iter()
            .map(|a| type_name(&resolve(a), resolve))
            .collect();
        return names.join(" | ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" | ");
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let items = schema.get("items").map(resolve).unwrap_or(Value::Null);
            format!("list of {}", type_name(&items, resolve))
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ if schema.get("properties").is_some() => "object".into(),
        _ => "any".into(),
    }
}

fn action_section(slug: &str, action: &ActionSpec) -> Markup {
    let desc = action.description;
    let example = catalogue::example(slug, action);
    let fields = record_fields(&action.data_schema());
    html! {
        h3 id={ (slug) "-" (desc.name) } { "/v1/" (slug) "/" (desc.name)
            span.tag { @if desc.kind == ActionKind::List { "list" } @else { "item" } } }
        p { (inline(desc.summary)) }
        @if !desc.details.is_empty() { p.muted { (inline(desc.details)) } }
        div.scroll { table.stack { tr { th { "Parameter" } th { "Type" } th { "Required" } th { "Default" } th { "Meaning" } }
            @for p in &action.rules.fields {
                @let group = action.rules.one_of.iter().find(|g| g.contains(&p.name));
                tr { td.key { code { (p.name) } } td data-label="Type" { (p.kind.as_str()) }
                    td data-label="Required" { @if p.required { "yes" } @else if let Some(g) = group { "one of " (g.join("/")) } @else { "no" } }
                    @if let Some(d) = &p.default { td data-label="Default" { code { (d.to_string()) } } } @else { td.empty {} }
                    td { (inline(&p.description)) @if !p.allowed.is_empty() { " One of: " code { (p.allowed.join(", ")) } "." } } } } } }
        @if !fields.is_empty() {
            details { summary { @if desc.kind == ActionKind::List { "Fields of each item of " } @else { "Fields of " } code { "data" } }
                div.scroll { table.stack { tr { th { "Field" } th { "Type" } th { "Meaning" } }
                    @for (name, kind, meaning) in &fields { tr { td.key { code { (name) } } td data-label="Type" { (kind) } td { (inline(meaning)) } } } } } }
        }
        pre { "curl -H \"X-API-Key: $KEY\" '" (PreEscaped(BASE_URL)) (example.path) "'" }
        details { summary { "Example answer (its shape, from the schema)" }
            pre { (example_answer(slug, action)) } }
        p.muted { "MCP tool: " code { (mcp::tool_name(slug, desc.name)) } ", the same parameters as its arguments." }
    }
}

/// An example answer of an action: the envelope with a `data` made from its schema (each field
/// a placeholder of its type), pretty-printed.
fn example_answer(slug: &str, action: &ActionSpec) -> String {
    let schema = action.data_schema();
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let data = example_value(&schema, &defs, "data", 0);
    let mut answer = serde_json::Map::new();
    answer.insert("data".into(), data);
    if action.description.kind == ActionKind::List {
        answer.insert("next_cursor".into(), Value::from("…"));
        answer.insert(
            "next_url".into(),
            Value::from(format!(
                "{BASE_URL}/v1/{slug}/{}?…&cursor=…",
                action.description.name
            )),
        );
    }
    answer.insert(
        "meta".into(),
        serde_json::json!({"site": slug, "action": action.description.name, "cached": false,
            "fetched_at": "2026-11-24T10:00:00Z", "attempts": 1, "upstream_requests": 1}),
    );
    serde_json::to_string_pretty(&Value::Object(answer)).unwrap_or_default()
}

/// A placeholder value of `schema` (a field named `name`): the first allowed value, a number, a
/// boolean, a list of one, an object of its fields, or `"<name>"`.
fn example_value(schema: &Value, defs: &Value, name: &str, depth: usize) -> Value {
    if depth > 6 {
        return Value::Null;
    }
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => defs
            .get(r.rsplit('/').next().unwrap_or_default())
            .cloned()
            .unwrap_or(Value::Null),
        None => schema.clone(),
    };
    if let Some(alternatives) = resolved
        .get("anyOf")
        .or_else(|| resolved.get("oneOf"))
        .and_then(Value::as_array)
    {
        let first = alternatives
            .iter()
            .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .cloned()
            .unwrap_or(Value::Null);
        return example_value(&first, defs, name, depth + 1);
    }
    if let Some(value) = resolved
        .get("const")
        .or_else(|| resolved.get("enum").and_then(|e| e.get(0)))
    {
        return value.clone();
    }
    let kind = match resolved.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if resolved.get("properties").is_some() => "object",
        _ => "any",
    };
    match kind {
        "object" => Value::Object(
            resolved
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), example_value(v, defs, k, depth + 1)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "array" => Value::Array(vec![example_value(
            resolved.get("items").unwrap_or(&Value::Null),
            defs,
            name,
            depth + 1,
        )]),
        "integer" => Value::from(0),
        "number" => Value::from(0.0),
        "boolean" => Value::Bool(false),
        "string" => match resolved.get("format").and_then(Value::as_str) {
            Some("date-time") => Value::from("2026-11-24T10:00:00Z"),
            Some("date") => Value::from("2026-11-24"),
            Some("uri") => Value::from("https://…"),
            _ => Value::from(format!("<{name}>")),
        },
        "null" => Value::Null,
        _ => Value::Object(serde_json::Map::new()),
    }
}

/// How AI agents reach the same actions as MCP tools.
fn mcp_section(engine: &Engine) -> Markup {
    let tools: usize = engine.sites().iter().map(|s| s.spec.actions.len()).sum();
    let claude = r#"{
  "mcpServers": {
    "techno-scraper": {
      "command": "/usr/local/bin/techno-scraper",
      "args": ["mcp"],
      "env": {"TECHNO_SCRAPER_LOG_LEVEL": "warn"}
    }
  }
}"#;
    html! {
        h2 id="mcp" { "AI agents (MCP)" }
        p { "Every action is also an MCP tool (" (tools) " tools), for n8n's AI Agent, Claude, Cursor and any "
            "Model Context Protocol client. The endpoint is " code { (PreEscaped(BASE_URL)) (mcp::http::PATH) }
            " (transport: streamable HTTP), with the same keys as " code { "/v1" } ": "
            code { "Authorization: Bearer <key>" } " or " code { "X-API-Key: <key>" } "." }
        p { "Tools are named " code { "<site>_<action>" } " (" code { "soundcloud_profile" } ", "
            code { "beatport_top100" } "). Their arguments are the action's parameters; a success is the same "
            "envelope " code { "/v1" } " answers, as structured content and as JSON text; list tools take "
            code { "cursor" } " (pass back " code { "next_cursor" } "). A scrape that fails is a tool result with "
            code { "isError: true" } " carrying the problem's " code { "code" } ", " code { "detail" } " and "
            code { "retryable" } "." }
        p { strong { "n8n: " } "an AI Agent node, tool " em { "MCP Client Tool" } ": Endpoint "
            code { (PreEscaped(BASE_URL)) (mcp::http::PATH) } " (in docker compose: " code { "http://gateway:8000/mcp" }
            "), Server Transport " em { "HTTP Streamable" } ", Authentication " em { "Bearer Auth" }
            " with one of your keys." }
        p { strong { "Claude Desktop, Cursor: " } "the same tools over stdio, scraping in the client's own process: "
            code { "techno-scraper mcp" } ". In " code { "claude_desktop_config.json" } " (Cursor: "
            code { ".cursor/mcp.json" } "):" }
        pre { (claude) }
    }
}

/// The n8n settings the project's n8n e2e proves: credential, lists, paging, errors.
fn n8n_section() -> Markup {
    html! {
        h2 id="n8n" { "n8n" }
        p { strong { "Credential: " } "Credentials → New → " em { "Header Auth" } ", Name " code { "X-API-Key" }
            ", Value one of your keys; call it " code { "techno-scraper" } " (the example workflows find it by that name). "
            "An " em { "HTTP Request" } " node: URL " code { (PreEscaped(BASE_URL)) "/v1/<site>/<action>" }
            " (in docker compose: " code { "http://gateway:8000" } "), Authentication " em { "Generic Credential Type" }
            " → " em { "Header Auth" } "." }
        p { strong { "Lists: " } "an answer is one item whose " code { "data" } " is the list. A " em { "Split Out" }
            " node with Field To Split Out " code { "data" } " makes one item per record." }
        p { strong { "Paging: " } "Options → Pagination, four settings (the rest as they are); it works for GET and for POST with "
            em { "Send Body" } ":" }
        ul { li { "Pagination Mode: " em { "Response Contains Next URL" } }
            li { "Next URL: " code { "{{ $response.body.next_url }}" } }
            li { "Pagination Complete When: " em { "Other" } }
            li { "Complete Expression: " code { "{{ !$response.body.next_url }}" } } }
        p.muted { "Each page is one item: put the Split Out after the request. n8n's default, "
            em { "Response Is Empty" } ", cannot end: every page is an object, never empty, and the last page's "
            code { "next_url" } " is " code { "null" } ", so n8n stops with " code { "'null' is not a valid URL" } "." }
        p { strong { "Errors to branch on: " } "Options → Response → " em { "Never Error" } " on. A problem then arrives as the item itself: "
            code { "{{ $json.code }}" } " exists only on errors (an " em { "If" } " node: " code { "{{ $json.code }}" }
            " is not empty), " code { "{{ $json.retryable }}" } " says whether to try again, and "
            code { "{{ $json.retry_after }}" } " how many seconds to wait (a " em { "Wait" } " node back into the request)." }
        p.muted { "With the default options an error stops the node, with the problem's " code { "detail" } " as its message. "
            "With Settings → On Error → " em { "Continue (using error output)" } ", the error item has the HTTP status in "
            code { "$json.error.status" } " but the problem only as text inside " code { "$json.error.message" }
            " (its " code { "$json.error.code" } " is the HTTP library's, not ours): use Never Error to branch on " code { "code" } "." }
        p { strong { "Community node: " } code { "n8n-nodes-techno-scraper" } " (Settings → Community Nodes): one "
            em { "Techno Scraper" } " node whose Site, Action and parameter fields come from this gateway's "
            code { "/v1/sites" } "; " em { "Return All" } " or " em { "Limit" } " pages by " code { "next_cursor" }
            "; one item per record; errors carry " code { "code" } " and " code { "retryable" }
            " (on the error output: " code { "$json.error.code" } "); usable as a tool by n8n's AI Agent." }
    }
}

fn page(engine: &Engine) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "techno-scraper API" }
                style { (STYLE) }
            }
            body {
                h1 { "techno-scraper API" }
                p { "Music websites as one clean, authenticated JSON API. Machine-readable: "
                    a href="/openapi.json" { "/openapi.json" } " (OpenAPI 3.1, with the JSON Schema of every record) and "
                    code { "GET /v1/sites" } "." }
                nav { @for site in engine.sites() { a href={ "#" (site.description().slug) } { (site.description().name) } } a href="#mcp" { "MCP" } a href="#n8n" { "n8n" } a href="#errors" { "Errors" } }
                h2 { "Calling it" }
                p { "Every request under " code { "/v1" } " needs a key: " code { "X-API-Key: <key>" } " or "
                    code { "Authorization: Bearer <key>" } ". " code { "/health" } ", " code { "/ready" } ", "
                    code { "/openapi.json" } " and this page need none." }
                p { "Each action answers " code { "GET /v1/{site}/{action}?param=value" } " and "
                    code { "POST /v1/{site}/{action}" } " with the parameters as a JSON object (n8n's \"Send Body\"). "
                    "List actions take " code { "limit" } " (1–100) and " code { "cursor" }
                    " (the " code { "next_cursor" } " of the previous page); the last page has "
                    code { "next_cursor: null" } ". Send " code { "Cache-Control: no-cache" } " to bypass the cache." }
                pre { r#"{"data": {...} | [...], "next_cursor": "…" | null, "next_url": "…" | null,
    "meta": {"site": "…", "action": "…", "cached": false, "fetched_at": "2026-11-24T10:00:00Z", "attempts": 1}}"# }
                (mcp_section(engine))
                (n8n_section())
                @for site in engine.sites() {
                    @let desc = site.description();
                    h2 id=(desc.slug) { (desc.name) " " span.muted { code { (desc.slug) } } }
                    p { a href=(desc.home_url) { (desc.home_url) }
                        @if !site.is_configured() { " — " strong { "not configured" } ": answers " code { "not_configured" } " until its required settings are set." } }
                    @if !site.settings.fields().is_empty() {
                        div.scroll { table.stack { tr { th { "Setting" } th { "Required" } th { "Meaning" } }
                            @for s in site.settings.fields() { tr { td.key { code { (desc.setting_env_var(&s.name)) } } td data-label="Required" { @if s.required { "yes" } @else { "no" } } td { (inline(&s.description)) } } } } }
                    }
                    @for action in &site.spec.actions { (action_section(desc.slug, action)) }
                }
                h2 id="errors" { "Errors" }
                p { "Errors are RFC 9457 problem documents with a stable " code { "code" } ", "
                    code { "retryable" } " and " code { "request_id" } " (" code { "application/json" } ", or "
                    code { "application/problem+json" } " when the request's " code { "Accept" } " names it); "
                    code { "Retry-After" } " is set when the upstream said when to come back." }
                div.scroll { table { tr { th { "code" } th { "status" } th { "meaning" } }
                    @for code in ErrorCode::ALL { tr { td { code { (code.as_str()) } } td { (status_of(code).as_u16()) } td { (code.title()) } } } } }
            }
        }
    }
}
