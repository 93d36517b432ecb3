//! MCP (the Model Context Protocol) for AI agents — n8n's AI Agent with the MCP Client Tool,
//! Claude Desktop, Cursor: every action of every registered site is a tool `<site>_<action>`
//! generated from the registry (`tools`), and a call is a thin adapter over
//! [`Engine::execute`], the one path `/v1` takes too (validation, cache, deadline, per-site
//! bounds). The same [`Server`] is served over streamable HTTP at `/mcp` (`http`) and over stdio
//! by `techno-scraper mcp` (`stdio`). The protocol itself is the official SDK's (`rmcp`).

pub mod http;
pub mod stdio;
pub mod tools;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, JsonObject,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use scraper_core::{Call, Engine, Failure, RawParams, Success};

use crate::middleware::ScrapeTag;
use crate::problem::Problem;
pub use tools::{Toolbox, tool_name};

/// What the server tells a client when it connects, after the list of sites.
const INSTRUCTIONS: &str = "Each tool is one action of one site, named <site>_<action>. A \
success is the JSON envelope {data, meta} (list tools add next_cursor and next_url: pass \
next_cursor back as `cursor`, with the same arguments, for the next page). A failure is a tool \
error whose JSON has a stable `code` (not_found, private, invalid_params, rate_limited, ...), a \
`detail` sentence and `retryable`: call again later only when retryable is true (after \
`retry_after` seconds when given).";

/// Where the access log learns which site and action a tool call ran.
pub type TagSlot = Arc<Mutex<Option<ScrapeTag>>>;

/// What a transport tells a tool call: the request id, the base URL for `next_url`, whether to
/// bypass the cache, and where to leave the access log's tag (HTTP only).
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// The request's id (a new one is made when empty).
    pub request_id: String,
    /// The base URL clients reach us at, for `next_url`.
    pub base_url: Option<String>,
    /// Skip the answer cache (`Cache-Control: no-cache`).
    pub bypass_cache: bool,
    /// The access log's slot, on HTTP.
    pub tag: Option<TagSlot>,
}

/// The MCP server: the tools of an engine and how to call them. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Server(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    engine: Arc<Engine>,
    toolbox: Toolbox,
    public_url: Option<String>,
    instructions: String,
}

impl Server {
    /// The tools of every site of `engine`; `public_url` is the base of `next_url` when a
    /// transport knows none (stdio).
    pub fn new(engine: Arc<Engine>, public_url: Option<&str>) -> Self {
        let toolbox = Toolbox::new(&engine);
        let public_url = public_url
            .map(|u| u.trim().trim_end_matches('/'))
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        let sites: Vec<&str> = engine
            .sites()
            .iter()
            .map(|s| s.description().name)
            .collect();
        let instructions = format!(
            "techno-scraper reads music websites ({}) live and answers clean JSON. {INSTRUCTIONS}",
            sites.join(", ")
        );
        Self(Arc::new(Shared {
            engine,
            toolbox,
            public_url,
            instructions,
        }))
    }

    /// The tools.
    pub fn toolbox(&self) -> &Toolbox {
        &self.0.toolbox
    }

    /// Calls a tool: an unknown name is a protocol error (the request cannot be routed); every
    /// outcome of the scrape itself, invalid arguments included, is a tool result.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
        context: CallContext,
    ) -> Result<CallToolResult, ErrorData> {
        let Some((site, action)) = self.0.toolbox.action_of(name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool '{name}'; tools/list names every tool"),
                None,
            ));
        };
        let started = Instant::now();
        let request_id = if context.request_id.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            context.request_id.clone()
        };
        let params = match arguments {
            None => RawParams::default(),
            Some(arguments) => {
                let body = serde_json::to_vec(&arguments).unwrap_or_default();
                match RawParams::from_json_body(&body) {
                    Ok(params) => params,
                    Err(error) => {
                        let failure = Failure {
                            error,
                            site: Some(site.to_owned()),
                            action: Some(action.to_owned()),
                            attempts: 0,
                        };
                        return Ok(failure_result(&failure, &request_id));
                    }
                }
            }
        };
        let call = Call {
            site: site.to_owned(),
            action: action.to_owned(),
            params,
            request_id: request_id.clone(),
            bypass_cache: context.bypass_cache,
        };
        let outcome = self.0.engine.execute(call).await;
        let (attempts, cached, code) = match &outcome {
            Ok(success) => (success.meta.attempts, success.meta.cached, None),
            Err(failure) => (failure.attempts, false, Some(failure.error.code().as_str())),
        };
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Some(slot) = &context.tag {
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(ScrapeTag {
                    site: site.to_owned(),
                    action: action.to_owned(),
                    attempts,
                    cached,
                });
            }
            // The access log has the line; this one only says how the tool call ended.
            tracing::debug!(target: "mcp", tool = name, code, duration_ms, request_id, "tool call");
        } else {
            tracing::info!(target: "mcp", tool = name, site, action, attempts, cached, code, duration_ms, request_id, "tool call");
        }
        Ok(match outcome {
            Ok(success) => {
                let base = context.base_url.as_deref().or(self.0.public_url.as_deref());
                success_result(&success, base)
            }
            Err(failure) => failure_result(&failure, &request_id),
        })
    }
}

/// A success: the `/v1` envelope as `structuredContent` and as a text block.
fn success_result(success: &Success, base_url: Option<&str>) -> CallToolResult {
    let next_url = success
        .next_cursor
        .as_deref()
        .zip(base_url)
        .map(|(cursor, base)| {
            format!(
                "{base}/v1/{}/{}?{}",
                success.site.slug,
                success.action.name,
                success.params.query_with_cursor(cursor)
            )
        });
    CallToolResult::structured(success.to_value(next_url.as_deref()))
}

/// A failure: the `/v1` problem document (`code`, `detail`, `retryable`, `retry_after`, ...) as
/// a tool error, never a protocol error.
fn failure_result(failure: &Failure, request_id: &str) -> CallToolResult {
    let problem = Problem::scrape(
        &failure.error,
        failure.site.as_deref(),
        failure.action.as_deref(),
        request_id,
    );
    CallToolResult::structured_error(serde_json::to_value(&problem).unwrap_or_default())
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("techno-scraper", env!("CARGO_PKG_VERSION"))
                    .with_title("techno-scraper")
                    .with_description("Music websites as clean JSON: every action as a tool"),
            )
            .with_instructions(self.0.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.0.toolbox.tools().to_vec(),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.0.toolbox.get(name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let call_context = rmcp_actix_web::transport::on_request_extensions(&context.extensions)
            .and_then(|extensions| extensions.get::<CallContext>())
            .cloned()
            .unwrap_or_default();
        self.call(&request.name, request.arguments, call_context)
            .await
            .map(CallToolResponse::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use schemars::JsonSchema;
    use scraper_core::{
        Cx, EngineSettings, Page, PageRequest, Registration, ScrapeError, Secret, SiteDescription,
        SiteState, item, list,
    };
    use serde::{Deserialize, Serialize};
    use serde_json::{Value, json};

    static PAGED: SiteDescription = SiteDescription::new("paged", "Paged", "https://paged.test")
        .hosts(&["paged.test"])
        .actions(&[
            list!(numbers)
                .summary("The numbers 1 to 5")
                .example("limit=2"),
            item!(echo).summary("Echo a word").example("word=hi"),
        ]);
    static LOCKED: SiteDescription =
        SiteDescription::new("locked", "Locked", "https://locked.test")
            .hosts(&["locked.test"])
            .state::<Locked>()
            .actions(&[item!(thing).summary("Anything").example("")]);
    static PAGED_REG: Registration = Registration { site: &PAGED };
    static LOCKED_REG: Registration = Registration { site: &LOCKED };

    /// Parameters of `echo`.
    #[derive(Deserialize, JsonSchema)]
    struct EchoParams {
        /// A word.
        word: String,
    }

    /// A word.
    #[derive(Serialize, JsonSchema)]
    struct Word {
        /// It.
        word: String,
    }

    async fn echo(_: Cx<()>, p: EchoParams) -> Result<Word, ScrapeError> {
        Ok(Word { word: p.word })
    }

    /// No parameters.
    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct NoParams {}

    /// One number.
    #[derive(Serialize, JsonSchema)]
    struct Number {
        /// Its value.
        n: u64,
    }

    /// Where `numbers` continues.
    #[derive(Serialize, Deserialize)]
    struct Next {
        n: u64,
    }

    async fn numbers(
        _: Cx<()>,
        _: NoParams,
        page: PageRequest<Next>,
    ) -> Result<Page<Number, Next>, ScrapeError> {
        let start = page.cursor.map_or(1, |c| c.n);
        let end = (start + page.limit as u64 - 1).min(5);
        Ok(Page::new((start..=end).map(|n| Number { n }).collect())
            .next((end < 5).then_some(Next { n: end + 1 })))
    }

    /// The locked site's settings.
    #[derive(Deserialize, JsonSchema)]
    struct LockedSettings {
        /// Its key.
        api_key: Secret,
    }

    struct Locked;

    impl SiteState for Locked {
        type Settings = LockedSettings;

        fn build(settings: LockedSettings) -> Result<Self, String> {
            if settings.api_key.expose().is_empty() {
                return Err("an empty key".into());
            }
            Ok(Self)
        }
    }

    async fn thing(_: Cx<Locked>, _: NoParams) -> Result<Word, ScrapeError> {
        Ok(Word { word: "x".into() })
    }

    fn server() -> Server {
        let engine = Engine::new(
            &[&PAGED_REG, &LOCKED_REG],
            EngineSettings::default(),
            &BTreeMap::new(),
        )
        .unwrap();
        Server::new(Arc::new(engine), Some("https://scraper.example/"))
    }

    fn text(result: &CallToolResult) -> Value {
        assert_eq!(result.content.len(), 1, "one text block");
        serde_json::from_str(&result.content[0].as_text().unwrap().text).unwrap()
    }

    #[tokio::test]
    async fn a_success_is_the_v1_envelope_in_structured_content_and_text() {
        let server = server();
        let slot = TagSlot::default();
        let context = CallContext {
            request_id: "rid-1".into(),
            tag: Some(slot.clone()),
            ..CallContext::default()
        };
        let args = json!({"word": "techno"}).as_object().cloned();
        let result = server.call("paged_echo", args, context).await.unwrap();
        assert_eq!(result.is_error, Some(false));
        let envelope = result.structured_content.clone().unwrap();
        assert_eq!(envelope["data"], json!({"word": "techno"}));
        assert_eq!(envelope["meta"]["site"], "paged");
        assert_eq!(envelope["meta"]["action"], "echo");
        assert!(
            envelope.get("next_cursor").is_none(),
            "an item has no cursor"
        );
        assert_eq!(text(&result), envelope);
        let tag = slot.lock().unwrap().take().unwrap();
        assert_eq!((tag.site.as_str(), tag.action.as_str()), ("paged", "echo"));
    }

    #[tokio::test]
    async fn a_list_is_paged_by_passing_next_cursor_back_as_cursor() {
        let server = server();
        let mut seen = Vec::new();
        let mut args = json!({"limit": 2});
        for page in 1.. {
            let result = server
                .call(
                    "paged_numbers",
                    args.as_object().cloned(),
                    CallContext::default(),
                )
                .await
                .unwrap();
            let envelope = result.structured_content.unwrap();
            seen.extend(
                envelope["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n["n"].clone()),
            );
            let Some(cursor) = envelope["next_cursor"].as_str() else {
                assert_eq!(envelope["next_url"], Value::Null);
                break;
            };
            let next_url = envelope["next_url"].as_str().unwrap();
            assert!(
                next_url.starts_with("https://scraper.example/v1/paged/numbers?limit=2&cursor="),
                "{next_url}"
            );
            args["cursor"] = json!(cursor);
            assert!(page < 5, "the walk ends");
        }
        assert_eq!(seen, [1, 2, 3, 4, 5].map(|n| json!(n)));
    }

    #[tokio::test]
    async fn scrape_failures_are_tool_errors_with_the_problem() {
        let server = server();
        let result = server
            .call(
                "paged_echo",
                json!({"word": "x", "nope": 1}).as_object().cloned(),
                CallContext::default(),
            )
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(true));
        let problem = result.structured_content.clone().unwrap();
        assert_eq!(problem["code"], "invalid_params");
        assert_eq!(problem["param"], "nope");
        assert_eq!(problem["retryable"], false);
        assert_eq!(
            (problem["site"].as_str(), problem["action"].as_str()),
            (Some("paged"), Some("echo"))
        );
        assert!(!problem["request_id"].as_str().unwrap().is_empty());
        assert_eq!(text(&result), problem);
        let missing = server
            .call("paged_echo", None, CallContext::default())
            .await
            .unwrap();
        assert_eq!(missing.structured_content.unwrap()["param"], "word");
    }

    #[tokio::test]
    async fn an_unconfigured_site_lists_its_tools_and_names_the_variable() {
        let server = server();
        let tool = server.toolbox().get("locked_thing").unwrap();
        assert!(
            tool.description
                .as_deref()
                .unwrap()
                .contains("TECHNO_SCRAPER_LOCKED_API_KEY"),
            "{:?}",
            tool.description
        );
        let result = server
            .call(
                "locked_thing",
                Some(JsonObject::new()),
                CallContext::default(),
            )
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(true));
        let problem = result.structured_content.unwrap();
        assert_eq!(problem["code"], "not_configured");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("TECHNO_SCRAPER_LOCKED_API_KEY"),
            "{problem}"
        );
    }

    #[test]
    fn the_server_says_what_it_serves() {
        let info = server().get_info();
        assert_eq!(info.server_info.name, "techno-scraper");
        assert!(info.capabilities.tools.is_some());
        let instructions = info.instructions.unwrap();
        assert!(instructions.contains("(Locked, Paged)"), "{instructions}");
        assert!(instructions.contains("next_cursor"), "{instructions}");
    }

    #[tokio::test]
    async fn an_unknown_tool_is_a_protocol_error() {
        let error = server()
            .call("paged_nothing", None, CallContext::default())
            .await
            .unwrap_err();
        assert_eq!(error.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        assert!(error.message.contains("paged_nothing"));
    }
}
