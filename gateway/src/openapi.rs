//! The OpenAPI 3.1 document, generated from the registry with utoipa's builders: one path per
//! action with its parameters, a real example, the success envelope and the problem schema.

use scraper_core::{ActionDescription, ActionKind, Engine, ErrorCode, ParamDescription, ParamType};
use serde_json::{Value, json};
use utoipa::openapi::path::PathItemBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder, ResponsesBuilder, Schema,
};

use crate::catalogue;

/// The OpenAPI document of every site of `engine`.
pub fn document(engine: &Engine) -> OpenApi {
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
                "The catalogue: sites, actions, parameters and examples",
                true,
            ),
        );
    let mut tags = Vec::new();
    for site in engine.sites() {
        let desc = site.description;
        tags.push(
            TagBuilder::new()
                .name(desc.slug)
                .description(Some(format!("{} ({})", desc.name, desc.home_url)))
                .build(),
        );
        for action in desc.actions {
            let path = format!("/v1/{}/{}", desc.slug, action.name);
            let item = PathItemBuilder::new()
                .operation(HttpMethod::Get, operation(desc.slug, action, false))
                .operation(HttpMethod::Post, operation(desc.slug, action, true))
                .build();
            paths = paths.path(path, item);
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
        .schema("Meta", meta_schema())
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("techno-scraper")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Music websites as one clean, authenticated JSON API. Every scrape answers \
                     `GET /v1/{site}/{action}` (parameters in the query) and `POST` (parameters as a \
                     JSON object). Errors are `application/problem+json` with a stable `code`.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .tags(Some(tags))
        .build()
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

fn operation(
    slug: &str,
    action: &ActionDescription,
    post: bool,
) -> utoipa::openapi::path::Operation {
    let example = catalogue::example(slug, action);
    let mut op = OperationBuilder::new()
        .tag(slug)
        .summary(Some(action.summary))
        .operation_id(Some(format!(
            "{slug}_{}_{}",
            action.name,
            if post { "post" } else { "get" }
        )))
        .securities(Some(security()));
    if post {
        let mut body = ObjectBuilder::new().schema_type(Type::Object);
        for param in action.all_params() {
            body = body.property(param.name, param_schema(param));
            if param.required {
                body = body.required(param.name);
            }
        }
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .description(Some("The parameters as a JSON object"))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(body.build()))
                        .example(Some(example["params"].clone()))
                        .build(),
                )
                .build(),
        ));
    } else {
        for param in action.all_params() {
            let example_value = example["params"].get(param.name).cloned();
            op = op.parameter(
                ParameterBuilder::new()
                    .name(param.name)
                    .parameter_in(ParameterIn::Query)
                    .required(if param.required {
                        Required::True
                    } else {
                        Required::False
                    })
                    .description(Some(param_description(action, param)))
                    .schema(Some(param_schema(param)))
                    .example(example_value),
            );
        }
    }
    let data = match action.kind {
        ActionKind::Item => RefOr::T(Schema::Object(
            ObjectBuilder::new().schema_type(Type::Object).build(),
        )),
        ActionKind::List => RefOr::T(Schema::Array(
            ArrayBuilder::new()
                .items(ObjectBuilder::new().schema_type(Type::Object))
                .build(),
        )),
    };
    let mut envelope = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("data", data)
        .required("data")
        .property("meta", Ref::from_schema_name("Meta"))
        .required("meta");
    if action.kind == ActionKind::List {
        envelope = envelope
            .property(
                "next_cursor",
                nullable_string("Cursor of the next page; null on the last page"),
            )
            .property(
                "next_url",
                nullable_string("Absolute URL of the next page; null on the last page"),
            );
    }
    let mut responses = ResponsesBuilder::new().response(
        "200",
        ResponseBuilder::new()
            .description(format!(
                "{} ({})",
                action.summary,
                if action.kind == ActionKind::List {
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
    op.responses(responses.build()).build()
}

fn param_description(action: &ActionDescription, param: &ParamDescription) -> String {
    if action.one_of.contains(&param.name) {
        let others = action.one_of.join(", ");
        format!("{} (give exactly one of: {others})", param.description)
    } else {
        param.description.to_owned()
    }
}

fn param_schema(param: &ParamDescription) -> ObjectBuilder {
    let mut schema = match param.kind {
        ParamType::String => ObjectBuilder::new().schema_type(Type::String),
        ParamType::Integer => ObjectBuilder::new().schema_type(Type::Integer),
        ParamType::Boolean => ObjectBuilder::new().schema_type(Type::Boolean),
        ParamType::Date => ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
    };
    if !param.allowed.is_empty() {
        schema = schema.enum_values(Some(param.allowed.iter().copied()));
    }
    if let Some((min, max)) = param.range {
        schema = schema.minimum(Some(min)).maximum(Some(max));
    }
    if let Some(default) = param.default {
        let value = match param.kind {
            ParamType::Integer => default
                .parse::<i64>()
                .map_or_else(|_| json!(default), |i| json!(i)),
            ParamType::Boolean => json!(default == "true"),
            _ => json!(default),
        };
        schema = schema.default(Some(value));
    }
    schema.description(Some(param.description))
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
    ResponseBuilder::new()
        .description(format!("Problem: {what}"))
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
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
