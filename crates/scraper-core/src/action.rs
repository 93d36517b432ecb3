//! Actions as typed handlers: an action is an `async fn` taking its typed parameters (and, for a
//! list, a [`PageRequest`]) and answering its typed record(s). [`item!`](crate::item) and
//! [`list!`](crate::list) turn such a function into a `const` [`ActionDescription`]: the
//! function's name is the action's name, its parameter and record types are its JSON Schemas,
//! and the engine calls it through a function pointer with the parameters already validated.

use std::any::TypeId;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::context::{Context, Cx};
use crate::error::ScrapeError;
use crate::paging::{Page, PageRequest};
use crate::site::AnyState;

/// Largest `limit` a list action accepts.
pub const MAX_LIMIT: u32 = 100;
/// `limit` when none is given, unless the action says otherwise.
pub const DEFAULT_LIMIT: u32 = 20;

/// Whether an action answers one record or a page of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// `data` is one object.
    Item,
    /// `data` is a list; the action takes `limit` and `cursor` and answers `next_cursor`.
    List,
}

/// One action of a site (`/v1/<site>/<action>`): made by [`item!`](crate::item) or
/// [`list!`](crate::list), completed with the `const` builder methods below.
#[derive(Debug)]
pub struct ActionDescription {
    /// URL segment: lowercase ASCII letters, digits and `_` (the handler's name).
    pub name: &'static str,
    /// One line saying what it answers.
    pub summary: &'static str,
    /// More about it, for the docs and AI agents (may be empty).
    pub details: &'static str,
    /// Item or list.
    pub kind: ActionKind,
    /// Groups of parameters of which exactly one must be given (`url` or `id`).
    pub one_of: &'static [&'static [&'static str]],
    /// A real example request as a query string (`user=dubmatix`).
    pub example: &'static str,
    /// How long an answer may be served from cache.
    pub cache_ttl: Duration,
    /// How long a `not_found` answer is remembered (never longer than [`Self::cache_ttl`]);
    /// other errors are never cached, only shared with the requests waiting for the same scrape.
    pub negative_ttl: Duration,
    /// `limit` when none is given (list actions).
    pub default_limit: u32,
    pub(crate) run: RunFn,
    pub(crate) types: fn() -> HandlerTypes,
}

impl ActionDescription {
    /// Used by [`item!`](crate::item) and [`list!`](crate::list); not meant to be called directly.
    #[doc(hidden)]
    pub const fn __new(
        name: &'static str,
        kind: ActionKind,
        run: RunFn,
        types: fn() -> HandlerTypes,
    ) -> Self {
        Self {
            name,
            summary: "",
            details: "",
            kind,
            one_of: &[],
            example: "",
            cache_ttl: Duration::from_secs(300),
            negative_ttl: Duration::from_secs(60),
            default_limit: DEFAULT_LIMIT,
            run,
            types,
        }
    }

    /// One line saying what the action answers.
    pub const fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    /// More about the action (sources, limits of the site), shown in the docs and to AI agents.
    pub const fn details(mut self, details: &'static str) -> Self {
        self.details = details;
        self
    }

    /// Groups of parameters of which exactly one must be given.
    pub const fn one_of(mut self, groups: &'static [&'static [&'static str]]) -> Self {
        self.one_of = groups;
        self
    }

    /// A real example request, as a query string.
    pub const fn example(mut self, query: &'static str) -> Self {
        self.example = query;
        self
    }

    /// How long an answer may be served from cache (zero: never cached).
    pub const fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// How long a `not_found` answer may be served from cache (default a minute; zero: never).
    /// Other errors are never cached: `rate_limited`, `upstream_unavailable` and the like are
    /// only shared with the requests that were waiting for the same scrape.
    pub const fn negative_ttl(mut self, ttl: Duration) -> Self {
        self.negative_ttl = ttl;
        self
    }

    /// `limit` when none is given (a list action whose natural page is larger than 20).
    pub const fn default_limit(mut self, limit: u32) -> Self {
        self.default_limit = limit;
        self
    }

    /// The types of the handler (its state, parameters and record), read at startup.
    pub fn handler_types(&self) -> HandlerTypes {
        (self.types)()
    }
}

/// What the engine hands an action: everything already validated.
pub struct Invocation {
    pub(crate) cx: Context,
    pub(crate) state: AnyState,
    pub(crate) params: Value,
    pub(crate) limit: usize,
    pub(crate) cursor: Option<Value>,
}

/// A running action.
pub type Running = Pin<Box<dyn Future<Output = Result<Output, ScrapeError>> + Send>>;

/// The erased handler the registry keeps per action.
pub type RunFn = fn(Invocation) -> Running;

/// What an action answered, serialised once.
#[derive(Debug)]
pub enum Output {
    /// `data` is this record.
    Item(Box<RawValue>),
    /// `data` is this list of `count` records; `next` is the cursor state of the next page.
    List {
        /// The records, as a JSON array.
        items: Box<RawValue>,
        /// How many records.
        count: usize,
        /// The state to continue from; `None` on the last page.
        next: Option<Value>,
        /// Extra `meta` members (`total_results`, ...).
        meta: Map<String, Value>,
    },
}

/// The types behind a handler, for the registry's startup checks and the JSON Schemas.
#[derive(Debug, Clone, Copy)]
pub struct HandlerTypes {
    /// The site state the handler expects.
    pub state: TypeId,
    /// Its name, for error messages.
    pub state_name: &'static str,
    /// The schema of the parameters (without `limit` and `cursor`).
    pub params: fn(&mut SchemaGenerator) -> Schema,
    /// The schema of one record.
    pub record: fn(&mut SchemaGenerator) -> Schema,
    /// Whether a validated parameter object deserialises into the parameter type.
    pub check_params: fn(Value) -> Result<(), String>,
}

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

fn params_check<P: DeserializeOwned>(value: Value) -> Result<(), String> {
    serde_json::from_value::<P>(value)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn types_of<S: 'static, P: DeserializeOwned + JsonSchema, R: JsonSchema>() -> HandlerTypes {
    HandlerTypes {
        state: TypeId::of::<S>(),
        state_name: std::any::type_name::<S>(),
        params: schema_of::<P>,
        record: schema_of::<R>,
        check_params: params_check::<P>,
    }
}

/// The types of an item handler (used by [`item!`](crate::item)).
#[doc(hidden)]
pub fn item_types<S, P, R, F, Fut>(_: F) -> HandlerTypes
where
    S: 'static,
    P: DeserializeOwned + JsonSchema,
    R: JsonSchema,
    F: FnOnce(Cx<S>, P) -> Fut,
    Fut: Future<Output = Result<R, ScrapeError>>,
{
    types_of::<S, P, R>()
}

/// The types of a list handler (used by [`list!`](crate::list)).
#[doc(hidden)]
pub fn list_types<S, P, C, R, F, Fut>(_: F) -> HandlerTypes
where
    S: 'static,
    P: DeserializeOwned + JsonSchema,
    R: JsonSchema,
    F: FnOnce(Cx<S>, P, PageRequest<C>) -> Fut,
    Fut: Future<Output = Result<Page<R, C>, ScrapeError>>,
{
    types_of::<S, P, R>()
}

impl Invocation {
    fn prepare<S: Send + Sync + 'static, P: DeserializeOwned>(
        &mut self,
    ) -> Result<(Cx<S>, P), ScrapeError> {
        let state = self.state.clone().downcast::<S>().map_err(|_| {
            ScrapeError::internal(format!(
                "action {} expects the state {}",
                self.cx.action().name,
                std::any::type_name::<S>()
            ))
        })?;
        let params = serde_json::from_value(std::mem::take(&mut self.params)).map_err(|e| {
            ScrapeError::internal(format!("validated parameters do not deserialise: {e}"))
        })?;
        Ok((Cx::new(self.cx.clone(), state), params))
    }
}

/// Runs an item handler (used by [`item!`](crate::item)).
#[doc(hidden)]
pub fn run_item<S, P, R, F, Fut>(f: F, mut invocation: Invocation) -> Running
where
    S: Send + Sync + 'static,
    P: DeserializeOwned,
    R: Serialize,
    F: FnOnce(Cx<S>, P) -> Fut,
    Fut: Future<Output = Result<R, ScrapeError>> + Send + 'static,
{
    match invocation.prepare::<S, P>() {
        Err(e) => Box::pin(std::future::ready(Err(e))),
        Ok((cx, params)) => {
            let running = f(cx, params);
            Box::pin(async move { Ok(Output::Item(to_raw(&running.await?)?)) })
        }
    }
}

/// Runs a list handler (used by [`list!`](crate::list)).
#[doc(hidden)]
pub fn run_list<S, P, C, R, F, Fut>(f: F, mut invocation: Invocation) -> Running
where
    S: Send + Sync + 'static,
    P: DeserializeOwned,
    C: Serialize + DeserializeOwned,
    R: Serialize,
    F: FnOnce(Cx<S>, P, PageRequest<C>) -> Fut,
    Fut: Future<Output = Result<Page<R, C>, ScrapeError>> + Send + 'static,
{
    let prepared = invocation.prepare::<S, P>().and_then(|(cx, params)| {
        let cursor = invocation
            .cursor
            .take()
            .map(serde_json::from_value::<C>)
            .transpose()
            .map_err(|_| crate::paging::not_ours())?;
        Ok((cx, params, cursor))
    });
    let limit = invocation.limit;
    let action = invocation.cx.action().name;
    match prepared {
        Err(e) => Box::pin(std::future::ready(Err(e))),
        Ok((cx, params, cursor)) => {
            let running = f(cx, params, PageRequest { limit, cursor });
            Box::pin(async move {
                let mut page = running.await?;
                if page.items.len() > limit {
                    tracing::error!(
                        action,
                        got = page.items.len(),
                        limit,
                        "an action answered more items than the limit; truncated"
                    );
                    page.items.truncate(limit);
                }
                let next = page
                    .next
                    .as_ref()
                    .map(|state| {
                        serde_json::to_value(state).map_err(|e| {
                            ScrapeError::internal(format!("unserialisable cursor state: {e}"))
                        })
                    })
                    .transpose()?;
                Ok(Output::List {
                    items: to_raw(&page.items)?,
                    count: page.items.len(),
                    next,
                    meta: page.meta,
                })
            })
        }
    }
}

fn to_raw<T: Serialize + ?Sized>(value: &T) -> Result<Box<RawValue>, ScrapeError> {
    serde_json::value::to_raw_value(value)
        .map_err(|e| ScrapeError::internal(format!("unserialisable record: {e}")))
}

/// An action answering one record: `item!(profile)` where
/// `async fn profile(cx: Cx<State>, params: ProfileParams) -> Result<Profile, ScrapeError>`.
/// The action is named after the function; `item!("name" => path::to::handler)` names it.
#[macro_export]
macro_rules! item {
    ($handler:ident) => {
        $crate::item!(stringify!($handler) => $handler)
    };
    ($name:expr => $handler:path) => {
        $crate::ActionDescription::__new(
            $name,
            $crate::ActionKind::Item,
            {
                fn run(invocation: $crate::action::Invocation) -> $crate::action::Running {
                    $crate::action::run_item($handler, invocation)
                }
                run
            },
            {
                fn types() -> $crate::action::HandlerTypes {
                    $crate::action::item_types($handler)
                }
                types
            },
        )
    };
}

/// An action answering a page of records: `list!(search)` where `async fn search(cx: Cx<State>,
/// params: SearchParams, page: PageRequest<SearchCursor>) -> Result<Page<Hit, SearchCursor>,
/// ScrapeError>`. `limit` and `cursor` are the core's; the cursor state is the site's own type.
#[macro_export]
macro_rules! list {
    ($handler:ident) => {
        $crate::list!(stringify!($handler) => $handler)
    };
    ($name:expr => $handler:path) => {
        $crate::ActionDescription::__new(
            $name,
            $crate::ActionKind::List,
            {
                fn run(invocation: $crate::action::Invocation) -> $crate::action::Running {
                    $crate::action::run_list($handler, invocation)
                }
                run
            },
            {
                fn types() -> $crate::action::HandlerTypes {
                    $crate::action::list_types($handler)
                }
                types
            },
        )
    };
}
