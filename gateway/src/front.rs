//! The hardened front: our own accept loop in front of actix-web's HTTP/1 codec. Every
//! connection is read through [`guard::Guarded`], which lets a request head through only once it
//! is complete and checked — within the head deadline, under our size limits, and parsed by the
//! same decoder actix will use — and a request body only as fast as it must arrive. A head
//! actix's codec would refuse (a 68 KB request line, a raw 0xFF in the query, more than 96
//! headers) never reaches it: the guard hands actix a stand-in request instead, which
//! [`refusal_of`] recognises in the middleware chain, so the refusal is answered like every other
//! error — a problem document with a request id, an access log line and metrics — and the
//! connection is closed.
//!
//! A body slower than [`Limits::body_min_rate`] bytes a second (after a short grace) or longer
//! than [`Limits::body_timeout`] costs its connection: the guard fails the read, so a thousand
//! trickling clients hold nothing for longer than the client timeout.

mod guard;

use std::net::TcpListener;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use actix_http::{HttpService, Protocol};
use actix_server::Server;
use actix_service::{
    IntoServiceFactory, ServiceFactory, ServiceFactoryExt as _, fn_service, map_config,
};
use actix_web::body::MessageBody;
use actix_web::dev::{AppConfig, Response, Service, ServiceRequest};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderName;
use actix_web::{Error, HttpResponse};

use crate::problem::transport_problem;
use crate::settings::Settings;

pub use guard::Guarded;

/// More header fields than this are refused (actix's codec stops at 96 with a bare answer).
pub const MAX_HEADER_FIELDS: usize = 96;

/// The front's limits, from the settings.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest request path and query (`max_uri_bytes`); the request line may add a method and
    /// a version to it.
    pub max_uri: usize,
    /// Largest header section (`max_header_bytes`), with room for separators.
    pub max_headers: usize,
    /// Time a client has to send a request head (`client_timeout_secs`): from the connection's
    /// start for the first one, from its first byte for the next ones.
    pub head_timeout: Duration,
    /// Time a request body may take at most (`client_body_timeout_secs`).
    pub body_timeout: Duration,
    /// Bytes a second a body must average after [`BODY_GRACE`] (`client_body_min_rate`; 0: no
    /// minimum).
    pub body_min_rate: u64,
}

/// The time a body has before its rate counts: each `body_min_rate` bytes received buy a
/// second more, up to the body timeout.
pub const BODY_GRACE: Duration = Duration::from_secs(2);

impl Limits {
    /// The limits of `settings`.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            max_uri: settings.max_uri_bytes,
            max_headers: settings.max_header_bytes,
            head_timeout: Duration::from_secs(settings.client_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(settings.client_body_timeout_secs.max(1)),
            body_min_rate: settings.client_body_min_rate,
        }
    }

    /// Longest request line: the URI, a method and the version.
    fn max_request_line(&self) -> usize {
        self.max_uri.saturating_add(32)
    }

    /// Largest head: the request line and the header section, whitespace included.
    fn max_head(&self) -> usize {
        self.max_request_line()
            .saturating_add(self.max_headers)
            .saturating_add(4096)
    }
}

/// A request refused by the front, to be answered as a problem document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The status.
    pub status: StatusCode,
    /// The transport code (`uri_too_long`, `headers_too_large`, `bad_request`,
    /// `request_timeout`).
    pub code: &'static str,
    /// What was wrong.
    pub detail: String,
}

impl Refusal {
    /// The problem response, closing the connection.
    pub fn response(&self, request_id: &str) -> HttpResponse {
        let mut response = transport_problem(self.status, self.code, &self.detail, request_id);
        response
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
        response
    }
}

/// Where a connection's guard leaves the refusal its stand-in request answers (one per
/// connection: the connection ends with it).
#[derive(Debug, Default)]
pub struct Slot(Mutex<Option<Refusal>>);

impl Slot {
    fn put(&self, refusal: Refusal) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(refusal);
        }
    }

    fn take(&self) -> Option<Refusal> {
        self.0.lock().ok()?.take()
    }
}

/// The header that marks a stand-in request, carrying this process's token (a client cannot
/// send one that counts).
const STAND_IN: HeaderName = HeaderName::from_static("x-techno-scraper-refused");

/// A random token, made once per process.
static TOKEN: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 16];
    // Without randomness the token is still unguessable enough to matter little: a forged
    // header only finds an empty slot.
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
});

/// The stand-in request a guard hands actix in place of a refused head.
fn stand_in() -> Vec<u8> {
    format!(
        "GET /-/refused HTTP/1.1\r\nhost: techno-scraper\r\nconnection: close\r\n{}: {}\r\n\r\n",
        STAND_IN.as_str(),
        *TOKEN
    )
    .into_bytes()
}

/// The refusal a request stands in for, when it is a guard's stand-in.
pub fn refusal_of(req: &ServiceRequest) -> Option<Refusal> {
    let marked = req
        .headers()
        .get(&STAND_IN)
        .is_some_and(|v| v.as_bytes() == TOKEN.as_bytes());
    if !marked {
        return None;
    }
    req.conn_data::<Arc<Slot>>()?.take()
}

/// Serves `factory`'s app on `listener` behind the guard: HTTP/1.1, `settings.workers` workers
/// (0: one per core), graceful shutdown within `shutdown_timeout_secs`.
pub fn serve<F, I, S, B>(
    listener: TcpListener,
    settings: &Settings,
    factory: F,
) -> std::io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, actix_http::Request>,
    S: ServiceFactory<actix_http::Request, Config = AppConfig> + 'static,
    S::Error: Into<Error> + 'static,
    S::InitError: std::fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<actix_http::Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let addr = listener.local_addr()?;
    let limits = Arc::new(Limits::from_settings(settings));
    // actix's own head timer is the backstop: the guard answers a late head first.
    let head_backstop = limits.head_timeout.saturating_add(Duration::from_secs(1));
    let mut builder = Server::build().shutdown_timeout(settings.shutdown_timeout_secs);
    if settings.workers > 0 {
        builder = builder.workers(settings.workers);
    }
    let shutdown = builder.graceful_shutdown_signal();
    let host = addr.to_string();
    builder
        .listen("techno-scraper", listener, move || {
            let limits = limits.clone();
            let shutdown = shutdown.clone();
            let host = host.clone();
            let app = factory()
                .into_factory()
                .map_err(|err| err.into().error_response());
            let http = HttpService::<Guarded<actix_rt::net::TcpStream>, _, _>::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                .client_request_timeout(head_backstop)
                .client_disconnect_timeout(Duration::from_secs(1))
                // A client that hangs up drops its request, and with it a scrape nobody else
                // waits for.
                .h1_allow_half_closed(false)
                .local_addr(addr)
                .on_connect_ext(|io: &Guarded<actix_rt::net::TcpStream>, ext| {
                    ext.insert(io.slot());
                })
                .finish(map_config(app, move |()| {
                    AppConfig::__priv_test_new(false, host.clone(), addr)
                }));
            let config = guard::Config::new(limits);
            fn_service(move |io: actix_rt::net::TcpStream| {
                let config = config.clone();
                async move {
                    let _ = io.set_nodelay(true);
                    let peer = io.peer_addr().ok();
                    Ok((Guarded::new(io, config), Protocol::Http1, peer))
                }
            })
            .and_then(http)
        })
        .map(actix_server::ServerBuilder::run)
}
