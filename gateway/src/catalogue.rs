//! The catalogue of `GET /v1/sites` and `techno-scraper sites`: every site with its settings and
//! actions, each action's parameters and a real example — all read from the descriptions.

use scraper_core::{ActionDescription, ActionKind, Engine, ParamDescription, Site};
use serde_json::{Value, json};

/// The catalogue of every site of the engine.
pub fn catalogue(engine: &Engine) -> Value {
    Value::Array(engine.sites().iter().map(site_entry).collect())
}

fn site_entry(site: &Site) -> Value {
    let desc = site.description;
    json!({
        "slug": desc.slug,
        "name": desc.name,
        "home_url": desc.home_url,
        "configured": site.settings.is_configured(),
        "settings": desc.settings.iter().map(|s| json!({
            "name": s.name,
            "env": desc.setting_env_var(s.name),
            "type": s.kind.as_str(),
            "required": s.required,
            "secret": s.secret,
            "default": s.default,
            "set": site.settings.is_set(s.name),
            "description": s.description,
        })).collect::<Vec<_>>(),
        "actions": desc.actions.iter().map(|a| action_entry(desc.slug, a)).collect::<Vec<_>>(),
    })
}

/// One action: its path, kind, parameters and example request.
pub fn action_entry(slug: &str, action: &ActionDescription) -> Value {
    json!({
        "name": action.name,
        "summary": action.summary,
        "path": format!("/v1/{slug}/{}", action.name),
        "methods": ["GET", "POST"],
        "list": action.kind == ActionKind::List,
        "cache_ttl_s": action.cache_ttl.as_secs(),
        "params": action.all_params().map(param_entry).collect::<Vec<_>>(),
        "one_of": action.one_of,
        "example": example(slug, action),
    })
}

fn param_entry(param: &ParamDescription) -> Value {
    json!({
        "name": param.name,
        "type": param.kind.as_str(),
        "required": param.required,
        "default": param.default,
        "allowed": param.allowed,
        "min": param.range.map(|r| r.0),
        "max": param.range.map(|r| r.1),
        "description": param.description,
    })
}

/// The example request of an action: its path and its parameters as a JSON body.
pub fn example(slug: &str, action: &ActionDescription) -> Value {
    let query = action.example;
    let path = if query.is_empty() {
        format!("/v1/{slug}/{}", action.name)
    } else {
        format!("/v1/{slug}/{}?{query}", action.name)
    };
    let params: serde_json::Map<String, Value> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
    json!({ "path": path, "params": params })
}
