//! `GET /docs`: a readable, self-contained HTML page (no CDN, no script) generated from the
//! registry: how to authenticate, every site and action with parameters and a curl example,
//! and the error codes.

use maud::{DOCTYPE, Markup, html};
use scraper_core::{ActionKind, Engine, ErrorCode};

use crate::catalogue;
use crate::problem::status_of;

const STYLE: &str = "
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;background:#fcfcfd}
h1{font-size:1.8rem}h2{border-bottom:2px solid #e5e5ea;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:1.6rem 0 .3rem;font-family:ui-monospace,monospace;font-size:1.05rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
pre{background:#f1f1f4;padding:.7rem;border-radius:6px;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;border-bottom:1px solid #e5e5ea;padding:.3rem .5rem;vertical-align:top}
th{background:#f6f6f8}.tag{display:inline-block;background:#e8eefc;border-radius:4px;padding:0 .4rem;font-size:.8rem;margin-left:.4rem}
nav a{margin-right:1rem}.muted{color:#666}";

/// The docs page of every site of `engine`.
pub fn render(engine: &Engine) -> String {
    page(engine).into_string()
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
                    a href="/openapi.json" { "/openapi.json" } " (OpenAPI 3.1) and "
                    code { "GET /v1/sites" } "." }
                nav { @for site in engine.sites() { a href={ "#" (site.description.slug) } { (site.description.name) } } a href="#errors" { "Errors" } }
                h2 { "Calling it" }
                p { "Every request under " code { "/v1" } " needs a key: " code { "X-API-Key: <key>" } " or "
                    code { "Authorization: Bearer <key>" } ". " code { "/health" } ", " code { "/ready" } ", "
                    code { "/openapi.json" } " and this page need none." }
                p { "Each action answers " code { "GET /v1/{site}/{action}?param=value" } " and "
                    code { "POST /v1/{site}/{action}" } " with the parameters as a JSON object (n8n's \"Send Body\"). "
                    "List actions take " code { "limit" } " (1–100, default 20) and " code { "cursor" }
                    " (the " code { "next_cursor" } " of the previous page); the last page has "
                    code { "next_cursor: null" } ". Send " code { "Cache-Control: no-cache" } " to bypass the cache." }
                pre { r#"{"data": {...} | [...], "next_cursor": "…" | null, "next_url": "…" | null,
    "meta": {"site": "…", "action": "…", "cached": false, "fetched_at": "2026-11-24T10:00:00Z", "attempts": 1}}"# }
                @for site in engine.sites() {
                    @let desc = site.description;
                    h2 id=(desc.slug) { (desc.name) " " span.muted { code { (desc.slug) } } }
                    p { a href=(desc.home_url) { (desc.home_url) }
                        @if !site.settings.is_configured() { " — " strong { "not configured" } ": answers " code { "not_configured" } " until its required settings are set." } }
                    @if !desc.settings.is_empty() {
                        table { tr { th { "Setting" } th { "Required" } th { "Meaning" } }
                            @for s in desc.settings { tr { td { code { (desc.setting_env_var(s.name)) } } td { @if s.required { "yes" } @else { "no" } } td { (s.description) } } } }
                    }
                    @for action in desc.actions {
                        h3 id={ (desc.slug) "-" (action.name) } { "/v1/" (desc.slug) "/" (action.name)
                            span.tag { @if action.kind == ActionKind::List { "list" } @else { "item" } } }
                        p { (action.summary) }
                        table { tr { th { "Parameter" } th { "Type" } th { "Required" } th { "Default" } th { "Meaning" } }
                            @for p in action.all_params() {
                                tr { td { code { (p.name) } } td { (p.kind.as_str()) }
                                    td { @if p.required { "yes" } @else if action.one_of.contains(&p.name) { "one of " (action.one_of.join("/")) } @else { "no" } }
                                    td { @if let Some(d) = p.default { code { (d) } } }
                                    td { (p.description) @if !p.allowed.is_empty() { " One of: " code { (p.allowed.join(", ")) } "." } } } } }
                        @let example = catalogue::example(desc.slug, action);
                        pre { "curl -H 'X-API-Key: $KEY' 'http://127.0.0.1:8000" (example["path"].as_str().unwrap_or_default()) "'" }
                    }
                }
                h2 id="errors" { "Errors" }
                p { "Errors are " code { "application/problem+json" } " (RFC 9457) with a stable " code { "code" } ", "
                    code { "retryable" } " and " code { "request_id" } "; " code { "Retry-After" } " is set when the upstream said when to come back." }
                table { tr { th { "code" } th { "status" } th { "meaning" } }
                    @for code in ErrorCode::ALL { tr { td { code { (code.as_str()) } } td { (status_of(code).as_u16()) } td { (code.title()) } } } }
            }
        }
    }
}
