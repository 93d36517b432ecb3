//! `/mcp` over streamable HTTP: rmcp's own transport (`StreamableHttpService::handle`, which owns
//! the protocol, the DNS-rebinding check and the body limit) mounted in actix-web by
//! rmcp-actix-web. It runs stateless with JSON answers: one POST is one JSON-RPC message and one
//! access log line, no session lives in a worker's memory, and any worker or replica can answer.
//! In front of it: the Host check (a problem document naming the setting to change), the same
//! key check as `/v1`, and the slot through which a tool call tells the access log its site and
//! action. The request id and the access log are the App's own middleware.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HOST};
use actix_web::middleware::{Next, from_fn};
use actix_web::{Error, HttpMessage, HttpRequest, Scope, web};
use rmcp_actix_web::transport::{LocalSessionManager, StreamableHttpService};

use super::{CallContext, Server, TagSlot};
use crate::auth::require_api_key;
use crate::problem::{request_id_of, transport_problem};
use crate::settings::{Settings, env_var};
use crate::state::AppState;

/// Where the endpoint is mounted.
pub const PATH: &str = "/mcp";

/// The `Host` values `/mcp` answers: loopback, the bind address, the public URL's host and
/// `TECHNO_SCRAPER_MCP_ALLOWED_HOSTS` (`*`: any). A browser page on another name that resolves
/// to us (DNS rebinding) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts {
    any: bool,
    /// Lowercase host (IPv6 without brackets) and, when given, the only port accepted.
    entries: Vec<(String, Option<u16>)>,
}

/// `host[:port]`, `[v6]:port` or a bare IPv6 address, as (lowercase host, port).
fn split_authority(text: &str) -> Option<(String, Option<u16>)> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        (host, port)
    } else {
        match text.split_once(':') {
            Some((host, port)) if !port.contains(':') => (host, Some(port.parse().ok()?)),
            // More than one colon: a bare IPv6 address.
            Some(_) => (text, None),
            None => (text, None),
        }
    };
    (!host.is_empty()).then(|| (host.to_ascii_lowercase(), port))
}

impl AllowedHosts {
    /// The hosts these settings reach us by.
    pub fn from_settings(settings: &Settings) -> Self {
        let mut hosts = Self {
            any: false,
            entries: ["localhost", "127.0.0.1", "::1"]
                .iter()
                .map(|h| ((*h).to_owned(), None))
                .collect(),
        };
        match settings.bind.parse::<SocketAddr>() {
            Ok(addr) if !addr.ip().is_unspecified() => hosts.add(&addr.ip().to_string(), None),
            Ok(_) => {}
            Err(_) => {
                if let Some((host, _)) = split_authority(&settings.bind) {
                    hosts.add(&host, None);
                }
            }
        }
        if let Some(host) = settings
            .public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u.trim()).ok())
            .and_then(|u| u.host_str().map(str::to_owned))
        {
            hosts.add(host.trim_start_matches('[').trim_end_matches(']'), None);
        }
        for entry in &settings.mcp_allowed_hosts {
            if entry.trim() == "*" {
                hosts.any = true;
            } else if let Some((host, port)) = split_authority(entry) {
                hosts.add(&host, port);
            }
        }
        hosts
    }

    fn add(&mut self, host: &str, port: Option<u16>) {
        let entry = (host.to_ascii_lowercase(), port);
        if !self.entries.contains(&entry) {
            self.entries.push(entry);
        }
    }

    /// Whether a request's `Host` (`name[:port]`) is one of ours.
    pub fn allows(&self, authority: &str) -> bool {
        if self.any {
            return true;
        }
        split_authority(authority).is_some_and(|(host, port)| {
            self.entries
                .iter()
                .any(|(h, p)| *h == host && p.is_none_or(|p| Some(p) == port))
        })
    }

    /// The list for rmcp's own check (the same rule; empty turns it off).
    pub fn for_rmcp(&self) -> Vec<String> {
        if self.any {
            return Vec::new();
        }
        self.entries
            .iter()
            .map(|(host, port)| {
                let host = if host.contains(':') {
                    format!("[{host}]")
                } else {
                    host.clone()
                };
                port.map_or_else(|| host.clone(), |p| format!("{host}:{p}"))
            })
            .collect()
    }
}

/// What a tool call needs from the HTTP request it came in.
fn call_context(req: &HttpRequest) -> CallContext {
    let bypass_cache = req
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("no-cache"));
    CallContext {
        request_id: request_id_of(req),
        base_url: req
            .app_data::<web::Data<AppState>>()
            .map(|state| state.base_url(req)),
        bypass_cache,
        tag: req.extensions().get::<TagSlot>().cloned(),
    }
}

/// rmcp's transport for `server`, configured from the settings; clone it into each worker.
pub fn service(
    server: Server,
    settings: &Settings,
    hosts: &AllowedHosts,
) -> StreamableHttpService<Server, LocalSessionManager> {
    StreamableHttpService::builder()
        .service_factory(Arc::new(move || Ok(server.clone())))
        .session_manager(Arc::new(LocalSessionManager::default()))
        .stateful_mode(false)
        .json_response(true)
        .max_request_body_bytes(settings.max_body_bytes)
        .allowed_hosts(hosts.for_rmcp())
        .on_request_fn(|req, extensions| {
            extensions.insert(call_context(req));
        })
        .build()
}

/// The `/mcp` scope: Host check, key check, the access log's slot, then rmcp. Needs the
/// [`AllowedHosts`] and the `AppState` as App data.
pub fn scope(
    service: StreamableHttpService<Server, LocalSessionManager>,
) -> Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<BoxBody>,
        Error = Error,
        InitError = (),
    >,
> {
    service
        .scope_with_path(PATH)
        .wrap(from_fn(tag_slot))
        .wrap(from_fn(require_api_key))
        .wrap(from_fn(check_host))
}

/// Middleware: 403 `host_not_allowed` for a `Host` that is not one of ours.
async fn check_host(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_default();
    let allowed = req
        .app_data::<web::Data<AllowedHosts>>()
        .is_some_and(|hosts| hosts.allows(&host));
    if !allowed {
        let shown: String = host.chars().take(100).collect();
        let detail = format!(
            "the Host '{shown}' is not allowed on {PATH}; add it to {} (comma-separated) or set \
             {} to the URL clients use",
            env_var("mcp_allowed_hosts"),
            env_var("public_url")
        );
        let request_id = request_id_of(req.request());
        let response = transport_problem(
            StatusCode::FORBIDDEN,
            "host_not_allowed",
            &detail,
            &request_id,
        );
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Middleware: gives the request a slot a tool call fills with its site and action, and hands
/// them to the access log on the response.
async fn tag_slot(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let slot = TagSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.call(req).await?.map_into_boxed_body();
    if let Some(tag) = slot.lock().ok().and_then(|mut tag| tag.take()) {
        response.response_mut().extensions_mut().insert(tag);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(bind: &str, public_url: Option<&str>, extra: &[&str]) -> AllowedHosts {
        AllowedHosts::from_settings(&Settings {
            bind: bind.into(),
            public_url: public_url.map(str::to_owned),
            mcp_allowed_hosts: extra.iter().map(|h| (*h).to_owned()).collect(),
            ..Settings::default()
        })
    }

    #[test]
    fn loopback_and_the_compose_name_by_default() {
        let allowed = AllowedHosts::from_settings(&Settings::default());
        for host in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST",
            "[::1]:8000",
            "gateway:8000",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in ["evil.example", "evil.example:8000", "", "[::1", "gateway:x"] {
            assert!(!allowed.allows(host), "{host}");
        }
        assert_eq!(
            allowed.for_rmcp(),
            ["localhost", "127.0.0.1", "[::1]", "gateway"]
        );
    }

    #[test]
    fn the_bind_the_public_url_and_the_setting() {
        let allowed = hosts(
            "192.168.1.20:8000",
            Some("https://Scraper.Example.com/base"),
            &["n8n.internal:8000", " ", "[fd00::5]"],
        );
        assert!(allowed.allows("192.168.1.20:8000"));
        assert!(allowed.allows("scraper.example.com"));
        assert!(allowed.allows("n8n.internal:8000"));
        assert!(
            !allowed.allows("n8n.internal:9000"),
            "a port given is the only one"
        );
        assert!(allowed.allows("[fd00::5]:8000"));
        assert!(!allowed.allows("gateway:8000"), "the default is replaced");
        let unspecified = hosts("0.0.0.0:8000", None, &[]);
        assert!(!unspecified.allows("0.0.0.0:8000"));
        assert!(hosts("[::]:8000", Some("http://[fd00::1]:8000"), &[]).allows("[fd00::1]:8000"));
        assert!(hosts("myhost:8000", None, &[]).allows("MyHost:8000"));
    }

    #[test]
    fn a_star_accepts_any_host() {
        let any = hosts("0.0.0.0:8000", None, &["*"]);
        assert!(any.allows("whatever.example:1234"));
        assert!(any.for_rmcp().is_empty(), "rmcp's check is off too");
    }
}
