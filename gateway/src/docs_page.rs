//! `GET /docs`: a readable, self-contained HTML page (no CDN, no script) generated from the
//! registry: how to authenticate, every site and action with its parameters, the fields of its
//! records and a curl example, and the error codes. Rendered once at startup with a placeholder
//! for the base URL, which each request fills with its own.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use scraper_core::{ActionKind, ActionSpec, Engine, ErrorCode};
use serde_json::Value;

use crate::catalogue;
use crate::problem::status_of;

/// Stands for the base URL the client reached us at; replaced per request.
pub const BASE_URL: &str = "{{base_url}}";

const STYLE: &str = "
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;background:#fcfcfd;overflow-wrap:anywhere}
h1{font-size:1.8rem}h2{border-bottom:2px solid #e5e5ea;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:1.6rem 0 .3rem;font-family:ui-monospace,monospace;font-size:1.05rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
pre{background:#f1f1f4;padding:.7rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;border-bottom:1px solid #e5e5ea;padding:.3rem .5rem;vertical-align:top}
th{background:#f6f6f8}.tag{display:inline-block;background:#e8eefc;border-radius:4px;padding:0 .4rem;font-size:.8rem;margin-left:.4rem}
nav a{margin-right:1rem;display:inline-block}.muted{color:#666}
@media (max-width:600px){body{margin:1rem auto;font-size:14px}th,td{padding:.25rem .3rem}}";

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
        div.scroll { table { tr { th { "Parameter" } th { "Type" } th { "Required" } th { "Default" } th { "Meaning" } }
            @for p in &action.rules.fields {
                @let group = action.rules.one_of.iter().find(|g| g.contains(&p.name));
                tr { td { code { (p.name) } } td { (p.kind.as_str()) }
                    td { @if p.required { "yes" } @else if let Some(g) = group { "one of " (g.join("/")) } @else { "no" } }
                    td { @if let Some(d) = &p.default { code { (d.to_string()) } } }
                    td { (inline(&p.description)) @if !p.allowed.is_empty() { " One of: " code { (p.allowed.join(", ")) } "." } } } } } }
        @if !fields.is_empty() {
            details { summary { @if desc.kind == ActionKind::List { "Fields of each item of " } @else { "Fields of " } code { "data" } }
                div.scroll { table { tr { th { "Field" } th { "Type" } th { "Meaning" } }
                    @for (name, kind, meaning) in &fields { tr { td { code { (name) } } td { (kind) } td { (inline(meaning)) } } } } } }
        }
        pre { "curl -H \"X-API-Key: $KEY\" '" (PreEscaped(BASE_URL)) (example.path) "'" }
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
                nav { @for site in engine.sites() { a href={ "#" (site.description().slug) } { (site.description().name) } } a href="#errors" { "Errors" } }
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
                @for site in engine.sites() {
                    @let desc = site.description();
                    h2 id=(desc.slug) { (desc.name) " " span.muted { code { (desc.slug) } } }
                    p { a href=(desc.home_url) { (desc.home_url) }
                        @if !site.is_configured() { " — " strong { "not configured" } ": answers " code { "not_configured" } " until its required settings are set." } }
                    @if !site.settings.fields().is_empty() {
                        div.scroll { table { tr { th { "Setting" } th { "Required" } th { "Meaning" } }
                            @for s in site.settings.fields() { tr { td { code { (desc.setting_env_var(&s.name)) } } td { @if s.required { "yes" } @else { "no" } } td { (inline(&s.description)) } } } } }
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
