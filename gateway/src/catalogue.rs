//! The catalogue of `GET /v1/sites` and `techno-scraper sites`: every site with its settings and
//! actions, each action's parameters (typed defaults), a real example (typed values), and the
//! JSON Schemas of its input and of its `data` — all read from the registry — and how to reach
//! the same actions as MCP tools.

use scraper_core::schemas::number;
use scraper_core::{ActionKind, ActionSpec, Engine, FieldSpec, RawParams, Site, Validated};
use serde::Serialize;
use serde_json::{Map, Value};

/// One site of the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct SiteEntry {
    /// URL segment (`soundcloud`).
    pub slug: &'static str,
    /// Name shown to people.
    pub name: &'static str,
    /// The site's home page.
    pub home_url: &'static str,
    /// Whether every required setting is set.
    pub configured: bool,
    /// Its settings.
    pub settings: Vec<SettingEntry>,
    /// Its actions.
    pub actions: Vec<ActionEntry>,
}

/// One setting of a site.
#[derive(Debug, Clone, Serialize)]
pub struct SettingEntry {
    /// Its name.
    pub name: String,
    /// Its environment variable.
    pub env: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Whether the site needs it.
    pub required: bool,
    /// Whether it is a secret (never shown).
    pub secret: bool,
    /// Its default, typed.
    pub default: Option<Value>,
    /// Whether the operator set it.
    pub set: bool,
    /// What it does.
    pub description: String,
}

/// One action of a site.
#[derive(Debug, Clone, Serialize)]
pub struct ActionEntry {
    /// Its name.
    pub name: &'static str,
    /// What it answers.
    pub summary: &'static str,
    /// More about it (empty when there is nothing more).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub details: &'static str,
    /// `/v1/<site>/<action>`.
    pub path: String,
    /// `GET` and `POST`.
    pub methods: [&'static str; 2],
    /// The same action as an MCP tool (`<site>_<action>`, at `/mcp`).
    pub mcp_tool: String,
    /// Whether `data` is a list (with `limit`, `cursor`, `next_cursor`).
    pub list: bool,
    /// How long an answer is cached, in seconds.
    pub cache_ttl_s: u64,
    /// Its parameters.
    pub params: Vec<ParamEntry>,
    /// The parameters of which exactly one must be given (all groups together).
    pub one_of: Vec<String>,
    /// Each group of which exactly one parameter must be given.
    pub one_of_groups: Vec<Vec<String>>,
    /// A real example request.
    pub example: Example,
    /// The JSON Schema of the parameters.
    pub input_schema: Value,
    /// The JSON Schema of `data`.
    pub data_schema: Value,
}

/// One parameter of an action.
#[derive(Debug, Clone, Serialize)]
pub struct ParamEntry {
    /// Its name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Whether it must be given.
    pub required: bool,
    /// Its default, typed.
    pub default: Option<Value>,
    /// The only values accepted (empty: any).
    pub allowed: Vec<String>,
    /// Inclusive lower bound.
    pub min: Option<Value>,
    /// Inclusive upper bound.
    pub max: Option<Value>,
    /// What it means.
    pub description: String,
}

/// An example request: its path and its parameters as a JSON body (typed values).
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// `/v1/<site>/<action>?<query>`.
    pub path: String,
    /// The same parameters as a JSON object.
    pub params: Map<String, Value>,
}

/// How to reach the actions as MCP tools (`mcp` of `GET /v1/sites`).
#[derive(Debug, Clone, Serialize)]
pub struct McpEntry {
    /// The streamable HTTP endpoint, under the base URL (`/mcp`).
    pub path: &'static str,
    /// The MCP transport it speaks.
    pub transport: &'static str,
    /// How a client authenticates.
    pub auth: &'static str,
    /// How many tools it lists (one per action).
    pub tools: usize,
    /// The command that serves the same tools over stdio.
    pub stdio_command: &'static str,
}

/// The `mcp` member of the catalogue.
pub fn mcp_entry(engine: &Engine) -> McpEntry {
    McpEntry {
        path: crate::mcp::http::PATH,
        transport: "streamable-http",
        auth: "the same API keys as /v1: Authorization: Bearer <key> or X-API-Key: <key>",
        tools: engine.sites().iter().map(|s| s.spec.actions.len()).sum(),
        stdio_command: "techno-scraper mcp",
    }
}

/// The catalogue of every site of the engine.
pub fn catalogue(engine: &Engine) -> Vec<SiteEntry> {
    engine.sites().iter().map(site_entry).collect()
}

fn site_entry(site: &Site) -> SiteEntry {
    let desc = site.description();
    SiteEntry {
        slug: desc.slug,
        name: desc.name,
        home_url: desc.home_url,
        configured: site.is_configured(),
        settings: site
            .settings
            .fields()
            .iter()
            .map(|s| SettingEntry {
                name: s.name.clone(),
                env: desc.setting_env_var(&s.name),
                kind: s.kind.as_str(),
                required: s.required,
                secret: s.secret,
                default: s.default.clone(),
                set: site.settings.is_set(&s.name),
                description: s.description.clone(),
            })
            .collect(),
        actions: site
            .spec
            .actions
            .iter()
            .map(|a| action_entry(desc.slug, a))
            .collect(),
    }
}

/// One action: its path, kind, parameters, example request and schemas.
pub fn action_entry(slug: &str, action: &ActionSpec) -> ActionEntry {
    let desc = action.description;
    ActionEntry {
        name: desc.name,
        summary: desc.summary,
        details: desc.details,
        path: format!("/v1/{slug}/{}", desc.name),
        methods: ["GET", "POST"],
        mcp_tool: crate::mcp::tool_name(slug, desc.name),
        list: desc.kind == ActionKind::List,
        cache_ttl_s: desc.cache_ttl.as_secs(),
        params: action.rules.fields.iter().map(param_entry).collect(),
        one_of: action.rules.one_of.iter().flatten().cloned().collect(),
        one_of_groups: action.rules.one_of.clone(),
        example: example(slug, action),
        input_schema: action.input_schema(),
        data_schema: action.data_schema(),
    }
}

fn param_entry(param: &FieldSpec) -> ParamEntry {
    ParamEntry {
        name: param.name.clone(),
        kind: param.kind.as_str(),
        required: param.required,
        default: param.default.clone(),
        allowed: param.allowed.clone(),
        min: param.min.and_then(number),
        max: param.max.and_then(number),
        description: param.description.clone(),
    }
}

/// The example request of an action: its path and its parameters, typed, as a JSON body.
pub fn example(slug: &str, action: &ActionSpec) -> Example {
    let query = action.description.example;
    let path = if query.is_empty() {
        format!("/v1/{slug}/{}", action.description.name)
    } else {
        format!("/v1/{slug}/{}?{query}", action.description.name)
    };
    // The registry checked at startup that the example validates.
    let params = RawParams::from_query(query)
        .and_then(|raw| Validated::validate(&action.rules, raw))
        .map(|v| match v.given_object() {
            Value::Object(map) => map,
            _ => Map::new(),
        })
        .unwrap_or_default();
    Example { path, params }
}

/// The catalogue as text, for `techno-scraper sites`.
pub fn text(sites: &[SiteEntry]) -> String {
    let mut out = String::new();
    for site in sites {
        let configured = if site.configured {
            ""
        } else {
            "  (not configured)"
        };
        out.push_str(&format!("{}  {}{configured}\n", site.slug, site.name));
        for action in &site.actions {
            let params: Vec<String> = action
                .params
                .iter()
                .map(|p| {
                    if p.required {
                        format!("{}*", p.name)
                    } else {
                        p.name.clone()
                    }
                })
                .collect();
            out.push_str(&format!(
                "  {:<16} {}  [{}]\n",
                action.name,
                action.summary,
                params.join(" ")
            ));
        }
    }
    out
}
