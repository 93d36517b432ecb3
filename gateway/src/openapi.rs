//! The OpenAPI 3.1 document, generated from the registry: utoipa's builders make the document
//! (paths, operations, parameters with typed examples, responses, security), and the JSON
//! Schemas schemars derives from each action's types — `data` and the POST body — go under
//! `components/schemas` as they are (`<site>.<action>.data`, `<site>.<action>.params`, and each
//! site's record types as `<site>.<Type>`), since OpenAPI 3.1 takes JSON Schema 2020-12 whole
//! and utoipa's typed model cannot hold all of it (`const`, boolean schemas).

use scraper_core::schemas::{field_schema, record_generator};
use scraper_core::{ActionKind, ActionSpec, Engine, ErrorCode};
use serde::Deserialize as _;
use serde_json::{Value, json};
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
    PathItemBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder, ResponsesBuilder, Schema,
};

use crate::catalogue;

/// A simple JSON Schema (a parameter's) as utoipa's type.
fn schema(value: &Value) -> anyhow::Result<RefOr<Schema>> {
    RefOr::<Schema>::deserialize(value)
        .map_err(|e| anyhow::anyhow!("a schema utoipa cannot hold ({e}): {value}"))
}

/// Every `$ref` to `#/components/schemas/<Name>` of a site's schemas, made `<slug>.<Name>`.
fn prefix_refs(schema: &mut Value, slug: &str) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix(COMPONENTS) {
                            *target = format!("{COMPONENTS}{slug}.{name}");
                        }
                    }
                    (_, value) => prefix_refs(value, slug),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| prefix_refs(v, slug)),
        _ => {}
    }
}

const COMPONENTS: &str = "#/components/schemas/";

/// The OpenAPI document of every site of `engine`.
pub fn document(engine: &Engine) -> anyhow::Result<Value> {
    let mut paths = PathsBuilder::new()
        .path(
            "/health",
            meta_path(
                "Liveness: answers while the process runs (no key needed)",
                false,
            ),
        )
        .path(
            "/ready",
            meta_path(
                "Readiness: answers once the registry is built (no key needed)",
                false,
            ),
        )
        .path(
            "/v1/sites",
            meta_path(
                "The catalogue: sites, actions, parameters, examples and schemas",
                true,
            ),
        );
    let mut tags = Vec::new();
    let mut schemas = serde_json::Map::new();
    for site in engine.sites() {
        let desc = site.description();
        tags.push(
            TagBuilder::new()
                .name(desc.slug)
                .description(Some(format!("{} ({})", desc.name, desc.home_url)))
                .build(),
        );
        let mut generator = record_generator("/components/schemas");
        let mut own = Vec::new();
        for action in &site.spec.actions {
            let name = action.description.name;
            own.push((
                format!("{}.{name}.data", desc.slug),
                action.data_schema_in(&mut generator),
            ));
            own.push((
                format!("{}.{name}.params", desc.slug),
                action.input_schema(),
            ));
            let path = format!("/v1/{}/{name}", desc.slug);
            let item = PathItemBuilder::new()
                .operation(HttpMethod::Get, operation(desc.slug, action, false)?)
                .operation(HttpMethod::Post, operation(desc.slug, action, true)?)
                .build();
            paths = paths.path(path, item);
        }
        for (name, definition) in generator.take_definitions(true) {
            own.push((format!("{}.{name}", desc.slug), definition));
        }
        for (name, mut schema) in own {
            prefix_refs(&mut schema, desc.slug);
            schemas.insert(name, schema);
        }
    }
    let components = ComponentsBuilder::new()
        .security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        )
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .schema("Problem", problem_schema())
        .schema("Meta", meta_schema());
    let document: OpenApi = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("techno-scraper")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Music websites as one clean, authenticated JSON API. Every scrape answers \
                     `GET /v1/{site}/{action}` (parameters in the query) and `POST` (parameters as a \
                     JSON object). Errors are RFC 9457 problem documents with a stable `code` \
                     (`application/json`, or `application/problem+json` when the request's Accept names it).",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .tags(Some(tags))
        .build();
    let mut value = serde_json::to_value(&document)?;
    let target = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow::anyhow!("the OpenAPI document has no components/schemas"))?;
    target.extend(schemas);
    Ok(value)
}

fn security() -> Vec<SecurityRequirement> {
    vec![
        SecurityRequirement::new("api_key", Vec::<String>::new()),
        SecurityRequirement::new("bearer", Vec::<String>::new()),
    ]
}

fn meta_path(summary: &str, secured: bool) -> PathItem {
    let mut op = OperationBuilder::new().summary(Some(summary)).response(
        "200",
        ResponseBuilder::new()
            .description("OK")
            .content("application/json", ContentBuilder::new().build()),
    );
    if secured {
        op = op
            .securities(Some(security()))
            .response("401", problem_response("Missing or wrong API key"));
    }
    PathItem::new(HttpMethod::Get, op.build())
}

fn operation(slug: &str, action: &ActionSpec, post: bool) -> anyhow::Result<Operation> {
    let data = Ref::from_schema_name(format!("{slug}.{}.data", action.description.name));
    let desc = action.description;
    let example = catalogue::example(slug, action);
    let mut op = OperationBuilder::new()
        .tag(slug)
        .summary(Some(desc.summary))
        .description((!desc.details.is_empty()).then_some(desc.details))
        .operation_id(Some(format!(
            "{slug}_{}_{}",
            desc.name,
            if post { "post" } else { "get" }
        )))
        .securities(Some(security()));
    if post {
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .description(Some("The parameters as a JSON object"))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(format!(
                            "{slug}.{}.params",
                            desc.name
                        ))))
                        .example(Some(Value::Object(example.params)))
                        .build(),
                )
                .build(),
        ));
    } else {
        for param in &action.rules.fields {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(&param.name)
                    .parameter_in(ParameterIn::Query)
                    .required(if param.required {
                        Required::True
                    } else {
                        Required::False
                    })
                    .description(Some(param_description(
                        action,
                        &param.name,
                        &param.description,
                    )))
                    .schema(Some(schema(&field_schema(param))?))
                    .example(example.params.get(&param.name).cloned()),
            );
        }
    }
    let mut envelope = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("data", data)
        .required("data")
        .property("meta", Ref::from_schema_name("Meta"))
        .required("meta");
    let list = desc.kind == ActionKind::List;
    if list {
        envelope = envelope
            .property(
                "next_cursor",
                nullable_string("Cursor of the next page; null on the last page"),
            )
            .required("next_cursor")
            .property(
                "next_url",
                nullable_string("Absolute URL of the next page; null on the last page"),
            )
            .required("next_url");
    }
    let mut responses = ResponsesBuilder::new().response(
        "200",
        ResponseBuilder::new()
            .description(format!(
                "{} ({})",
                desc.summary,
                if list {
                    "a page of records"
                } else {
                    "one record"
                }
            ))
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(envelope.build())).build(),
            ),
    );
    for (status, what) in [
        ("400", "invalid_params"),
        ("401", "unauthorized"),
        ("403", "private"),
        ("404", "unknown_site, unknown_action or not_found"),
        ("429", "rate_limited (Retry-After when known)"),
        ("500", "internal"),
        ("502", "login_required, blocked or upstream_changed"),
        ("503", "upstream_unavailable or not_configured"),
        ("504", "upstream_timeout"),
    ] {
        responses = responses.response(status, problem_response(what));
    }
    Ok(op.responses(responses.build()).build())
}

fn param_description(action: &ActionSpec, name: &str, description: &str) -> String {
    match action
        .rules
        .one_of
        .iter()
        .find(|g| g.iter().any(|n| n == name))
    {
        Some(group) => format!("{description} (give exactly one of: {})", group.join(", ")),
        None => description.to_owned(),
    }
}

fn nullable_string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::String,
            Type::Null,
        ]))
        .description(Some(description))
}

fn problem_response(what: &str) -> utoipa::openapi::Response {
    let content = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build()
    };
    ResponseBuilder::new()
        .description(format!("Problem: {what}"))
        .content("application/json", content())
        .content("application/problem+json", content())
        .build()
}

fn problem_schema() -> Schema {
    let codes: Vec<Value> = ErrorCode::ALL.iter().map(|c| json!(c.as_str())).collect();
    let string = || ObjectBuilder::new().schema_type(Type::String);
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("RFC 9457 problem document with the API's stable code"))
            .property("type", string())
            .property("title", string())
            .property("status", ObjectBuilder::new().schema_type(Type::Integer))
            .property("code", string().enum_values(Some(codes)))
            .property("detail", string())
            .property(
                "param",
                string().description(Some("The parameter at fault (invalid_params)")),
            )
            .property("site", nullable_string("The site asked for"))
            .property("action", nullable_string("The action asked for"))
            .property("retryable", ObjectBuilder::new().schema_type(Type::Boolean))
            .property(
                "retry_after",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .description(Some("Seconds, when known")),
            )
            .property("request_id", string())
            .required("type")
            .required("title")
            .required("status")
            .required("code")
            .required("request_id")
            .build(),
    )
}

fn meta_schema() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("site", ObjectBuilder::new().schema_type(Type::String))
            .property("action", ObjectBuilder::new().schema_type(Type::String))
            .property("cached", ObjectBuilder::new().schema_type(Type::Boolean))
            .property(
                "fetched_at",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            )
            .property(
                "attempts",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .description(Some("Most attempts any upstream request needed")),
            )
            .property(
                "upstream_requests",
                ObjectBuilder::new().schema_type(Type::Integer),
            )
            .property(
                "total_results",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .description(Some("Search actions, when the site says")),
            )
            .required("site")
            .required("action")
            .required("cached")
            .required("fetched_at")
            .required("attempts")
            .build(),
    )
}
