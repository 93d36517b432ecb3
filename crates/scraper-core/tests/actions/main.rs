//! Typed actions end to end through the engine: a small site declared the way every site is
//! (params and records as types, a paged list with its own cursor state, a secret setting),
//! and the registry's startup checks on malformed sites.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::testing::{call, settings};
use scraper_core::{
    Cx, Engine, ErrorCode, Page, PageRequest, ScrapeError, Secret, SiteDescription, SiteState,
    item, list, register_site, registry,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Greetings and numbers, for the tests of the core.
pub static TOY: SiteDescription = SiteDescription::new("toy", "Toy", "https://www.toy.test")
    .hosts(&["www.toy.test"])
    .state::<Toy>()
    .actions(&[
        item!(greet)
            .summary("A greeting")
            .example("name=ada")
            .cache_ttl(Duration::from_secs(60)),
        list!(numbers)
            .summary("The numbers from 1, paged")
            .example("up_to=45&limit=10"),
        item!(pick)
            .summary("One of two ways to name a thing")
            .one_of(&[&["url", "id"]])
            .example("id=3"),
    ]);

register_site!(TOY);

/// The toy site's settings.
#[derive(Deserialize, JsonSchema)]
struct ToySettings {
    /// The key of the toy API.
    api_key: Secret,
    /// How to greet.
    #[serde(default = "hello")]
    greeting: String,
}

fn hello() -> String {
    "hello".into()
}

struct Toy {
    greeting: String,
    key_len: usize,
}

impl SiteState for Toy {
    type Settings = ToySettings;

    fn build(settings: ToySettings) -> Result<Self, String> {
        Ok(Self {
            greeting: settings.greeting,
            key_len: settings.api_key.expose().len(),
        })
    }
}

/// How formal a greeting is.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Tone {
    /// Friendly.
    #[default]
    Warm,
    /// Formal.
    Cold,
}

/// Parameters of `greet`.
#[derive(Deserialize, JsonSchema)]
struct GreetParams {
    /// Who to greet.
    name: String,
    /// How formal.
    #[serde(default)]
    tone: Tone,
    /// How many times (1-3).
    #[schemars(range(min = 1, max = 3))]
    times: Option<u8>,
}

/// A greeting.
#[derive(Serialize, JsonSchema)]
struct Greeting {
    /// The text.
    text: String,
    /// The tone used.
    tone: Tone,
    /// How long the key is.
    key_len: usize,
}

async fn greet(cx: Cx<Toy>, p: GreetParams) -> Result<Greeting, ScrapeError> {
    if p.name == "nobody" {
        return Err(ScrapeError::not_found("nobody is not here"));
    }
    let text =
        vec![format!("{} {}", cx.state().greeting, p.name); usize::from(p.times.unwrap_or(1))];
    Ok(Greeting {
        text: text.join(" "),
        tone: p.tone,
        key_len: cx.state().key_len,
    })
}

/// Parameters of `numbers`.
#[derive(Deserialize, JsonSchema)]
struct NumbersParams {
    /// The last number.
    #[schemars(range(min = 1, max = 1000))]
    up_to: u32,
}

/// One number.
#[derive(Serialize, JsonSchema)]
struct Number {
    /// Its value.
    n: u32,
}

/// Where `numbers` continues.
#[derive(Serialize, Deserialize)]
struct Next {
    from: u32,
}

async fn numbers(
    _: Cx<Toy>,
    p: NumbersParams,
    page: PageRequest<Next>,
) -> Result<Page<Number, Next>, ScrapeError> {
    let from = page.cursor.map_or(1, |c| c.from);
    let limit = u32::try_from(page.limit).unwrap();
    let end = (from + limit - 1).min(p.up_to);
    let items = (from..=end).map(|n| Number { n }).collect();
    Ok(Page::new(items)
        .next((end < p.up_to).then_some(Next { from: end + 1 }))
        .meta("total_results", p.up_to))
}

/// Parameters of `pick`.
#[derive(Deserialize, JsonSchema)]
struct PickParams {
    /// A URL.
    url: Option<String>,
    /// An id.
    #[schemars(range(min = 1))]
    id: Option<u64>,
}

async fn pick(_: Cx<Toy>, p: PickParams) -> Result<serde_json::Value, ScrapeError> {
    Ok(json!({"url": p.url, "id": p.id}))
}

fn toy_engine(settings_given: &[(&str, &str)]) -> Engine {
    scraper_core::testing::engine_with("toy", settings("http://127.0.0.1:9/"), settings_given)
}

#[tokio::test]
async fn typed_params_reach_the_handler_and_records_come_back() {
    let engine = toy_engine(&[("api_key", "k3y")]);
    let ok = call(&engine, "toy", "greet", "name=ada&tone=COLD&times=2")
        .await
        .unwrap();
    assert_eq!(
        ok.to_value(None),
        json!({"data": {"text": "hello ada hello ada", "tone": "cold", "key_len": 3},
               "meta": {"site": "toy", "action": "greet", "cached": false,
                        "fetched_at": ok.meta.fetched_at.as_ref(), "attempts": 0, "upstream_requests": 0}})
    );
    for (query, param, message) in [
        ("", "name", "missing required parameter 'name'"),
        (
            "name=a&tone=hot",
            "tone",
            "parameter 'tone' must be one of warm, cold, got 'hot'",
        ),
        (
            "name=a&times=4",
            "times",
            "parameter 'times' must be between 1 and 3, got 4",
        ),
        (
            "name=a&nme=b",
            "nme",
            "unknown parameter 'nme' (accepted: name, tone, times)",
        ),
    ] {
        let err = call(&engine, "toy", "greet", query)
            .await
            .unwrap_err()
            .error;
        assert_eq!(
            (err.param(), err.to_string().as_str()),
            (Some(param), message)
        );
    }
    let err = call(&engine, "toy", "greet", "name=nobody")
        .await
        .unwrap_err();
    assert_eq!(err.error.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn lists_page_with_cursors_bound_to_their_listing() {
    let engine = toy_engine(&[("api_key", "k")]);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("up_to=45&limit=20&cursor={c}"),
            None => "up_to=45&limit=20".to_owned(),
        };
        let page = call(&engine, "toy", "numbers", &query).await.unwrap();
        let body = page.to_value(None);
        assert_eq!(body["meta"]["total_results"], 45);
        seen.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["n"].as_u64().unwrap()),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, (1..=45).collect::<Vec<_>>());

    let first = call(&engine, "toy", "numbers", "up_to=45&limit=10")
        .await
        .unwrap();
    let next = first.next_cursor.unwrap();
    // limit may change between pages; other parameters may not.
    let page = call(
        &engine,
        "toy",
        "numbers",
        &format!("up_to=45&limit=5&cursor={next}"),
    )
    .await
    .unwrap();
    assert_eq!(page.to_value(None)["data"][0]["n"], 11);
    let err = call(
        &engine,
        "toy",
        "numbers",
        &format!("up_to=44&cursor={next}"),
    )
    .await
    .unwrap_err()
    .error;
    assert_eq!(err.param(), Some("cursor"));
    assert!(
        err.to_string().contains("belongs to another listing"),
        "{err}"
    );
    let err = call(&engine, "toy", "numbers", "up_to=45&cursor=garbage")
        .await
        .unwrap_err()
        .error;
    assert_eq!(
        err.to_string(),
        "parameter 'cursor' is not a cursor this service gave out"
    );
    assert_eq!(
        call(&engine, "toy", "numbers", "up_to=45")
            .await
            .unwrap()
            .to_value(None)["data"]
            .as_array()
            .unwrap()
            .len(),
        20,
        "the default limit"
    );
}

#[tokio::test]
async fn one_of_groups_and_missing_settings() {
    let engine = toy_engine(&[("api_key", "k")]);
    assert_eq!(
        call(&engine, "toy", "pick", "id=3")
            .await
            .unwrap()
            .to_value(None)["data"],
        json!({"url": null, "id": 3})
    );
    let err = call(&engine, "toy", "pick", "").await.unwrap_err().error;
    assert_eq!(err.to_string(), "give one of 'url' or 'id'");
    let err = call(&engine, "toy", "pick", "id=3&url=x")
        .await
        .unwrap_err()
        .error;
    assert_eq!(
        err.to_string(),
        "give only one of 'url' or 'id', not several"
    );

    let unconfigured = toy_engine(&[]);
    assert!(!unconfigured.site("toy").unwrap().is_configured());
    let err = call(&unconfigured, "toy", "greet", "name=a")
        .await
        .unwrap_err()
        .error;
    assert_eq!(err.code(), ErrorCode::NotConfigured);
    assert_eq!(
        err.to_string(),
        "toy needs TECHNO_SCRAPER_TOY_API_KEY to be set"
    );
    let settings = &unconfigured.site("toy").unwrap().settings;
    assert!(!settings.is_set("greeting"));
    assert!(
        !format!(
            "{:?}",
            toy_engine(&[("api_key", "sekret")])
                .site("toy")
                .unwrap()
                .settings
        )
        .contains("sekret")
    );
}

#[test]
fn the_registry_reads_the_types() {
    let spec = registry::spec(&TOY).unwrap();
    let greet = spec.action("greet").unwrap();
    let names: Vec<_> = greet.rules.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["name", "tone", "times"]);
    let numbers = spec.action("numbers").unwrap();
    let limit = numbers
        .rules
        .fields
        .iter()
        .find(|f| f.name == "limit")
        .unwrap();
    assert_eq!(limit.default, Some(json!(20)));
    let settings: Vec<_> = spec
        .settings
        .iter()
        .map(|s| (s.name.as_str(), s.required, s.secret))
        .collect();
    assert_eq!(
        settings,
        [("api_key", true, true), ("greeting", false, false)]
    );
}

/// Sites that must not start, each with the reason the registry gives.
#[test]
fn malformed_sites_are_refused_at_startup() {
    async fn other_state(_: Cx<()>, p: PickParams) -> Result<serde_json::Value, ScrapeError> {
        pick_plain(&p)
    }
    fn pick_plain(p: &PickParams) -> Result<serde_json::Value, ScrapeError> {
        Ok(json!({"id": p.id}))
    }
    /// Parameters without descriptions.
    #[derive(Deserialize, JsonSchema)]
    struct Undocumented {
        #[expect(dead_code, reason = "read through its schema only")]
        q: String,
    }
    async fn undocumented(_: Cx<()>, _: Undocumented) -> Result<u8, ScrapeError> {
        Ok(1)
    }
    /// A list that declares limit itself.
    #[derive(Deserialize, JsonSchema)]
    struct WithLimit {
        /// The limit.
        #[expect(dead_code, reason = "read through its schema only")]
        limit: u8,
    }
    async fn own_limit(
        _: Cx<()>,
        _: WithLimit,
        _: PageRequest<u8>,
    ) -> Result<Page<u8, u8>, ScrapeError> {
        Ok(Page::new(Vec::new()))
    }
    async fn fine(_: Cx<()>, _: PickParams) -> Result<u8, ScrapeError> {
        Ok(1)
    }
    static WRONG_STATE: SiteDescription = SiteDescription::new("w", "W", "https://w.test")
        .hosts(&["w.test"])
        .state::<Toy>()
        .actions(&[item!(other_state).summary("x").example("id=1")]);
    static UNDOCUMENTED: SiteDescription = SiteDescription::new("u", "U", "https://u.test")
        .hosts(&["u.test"])
        .actions(&[item!(undocumented).summary("x").example("q=1")]);
    static OWN_LIMIT: SiteDescription = SiteDescription::new("l", "L", "https://l.test")
        .hosts(&["l.test"])
        .actions(&[list!(own_limit).summary("x").example("limit=1")]);
    static BAD_EXAMPLE: SiteDescription = SiteDescription::new("e", "E", "https://e.test")
        .hosts(&["e.test"])
        .actions(&[item!(fine).summary("x").example("idd=1")]);
    static BAD_ONE_OF: SiteDescription = SiteDescription::new("o", "O", "https://o.test")
        .hosts(&["o.test"])
        .actions(&[item!(fine)
            .summary("x")
            .one_of(&[&["url", "uri"]])
            .example("id=1")]);
    static BAD_SLUG: SiteDescription = SiteDescription::new("Sound-Cloud", "S", "https://s.test")
        .hosts(&["s.test"])
        .actions(&[item!(fine).summary("x").example("id=1")]);
    static NO_HOSTS: SiteDescription = SiteDescription::new("h", "H", "https://h.test")
        .actions(&[item!(fine).summary("x").example("id=1")]);
    static BAD_HOST: SiteDescription = SiteDescription::new("h", "H", "https://h.test")
        .hosts(&["127.0.0.1:80"])
        .actions(&[item!(fine).summary("x").example("id=1")]);
    static NO_SUMMARY: SiteDescription = SiteDescription::new("n", "N", "https://n.test")
        .hosts(&["n.test"])
        .actions(&[item!(fine).example("id=1")]);
    for (site, why) in [
        (&WRONG_STATE, "takes Cx<()> but the site's state is"),
        (&UNDOCUMENTED, "parameter 'q' has no description"),
        (&OWN_LIMIT, "list actions get 'limit' from the core"),
        (
            &BAD_EXAMPLE,
            "example 'idd=1' is invalid: unknown parameter 'idd'",
        ),
        (&BAD_ONE_OF, "one_of names 'uri', which is not a parameter"),
        (&BAD_SLUG, "slug"),
        (&NO_HOSTS, "no hosts"),
        (&BAD_HOST, "host pattern"),
        (&NO_SUMMARY, "no summary"),
    ] {
        let err = registry::spec(site).unwrap_err();
        assert!(err.contains(why), "{err}");
    }
    let a = scraper_core::Registration { site: &TOY };
    let b = scraper_core::Registration { site: &TOY };
    assert!(
        registry::check(&[&a, &b])
            .unwrap_err()
            .contains("registered twice")
    );
}

#[test]
fn settings_for_unknown_sites_or_names_refuse_to_start() {
    let regs: Vec<_> = scraper_core::registered().unwrap();
    let mut given: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    given.insert("nosuch".into(), BTreeMap::new());
    let err = Engine::new(&regs, settings("http://127.0.0.1:9/"), &given).unwrap_err();
    assert!(
        err.contains("'nosuch', which is not a registered site"),
        "{err}"
    );
    let mut given = BTreeMap::new();
    given.insert(
        "toy".to_owned(),
        BTreeMap::from([("apikey".to_owned(), "x".to_owned())]),
    );
    let err = Engine::new(&regs, settings("http://127.0.0.1:9/"), &given).unwrap_err();
    assert!(
        err.contains("toy has no setting 'apikey' (known: api_key, greeting)"),
        "{err}"
    );
}

#[tokio::test]
async fn schemas_describe_inputs_and_data() {
    let spec = registry::spec(&TOY).unwrap();
    let greet = spec.action("greet").unwrap();
    assert_eq!(
        greet.input_schema(),
        json!({"type": "object", "additionalProperties": false, "required": ["name"],
               "properties": {
                   "name": {"type": "string", "description": "Who to greet."},
                   "tone": {"type": "string", "description": "How formal.", "enum": ["warm", "cold"], "default": "warm"},
                   "times": {"type": "integer", "description": "How many times (1-3).", "minimum": 1, "maximum": 3}}})
    );
    let numbers = spec.action("numbers").unwrap().input_schema();
    assert_eq!(numbers["properties"]["limit"]["default"], 20);
    assert_eq!(numbers["properties"]["cursor"]["type"], "string");
    let pick = spec.action("pick").unwrap().input_schema();
    assert_eq!(
        pick["oneOf"],
        json!([{"required": ["url"]}, {"required": ["id"]}])
    );

    let engine = toy_engine(&[("api_key", "k")]);
    for (action, query) in [
        ("greet", "name=ada"),
        ("numbers", "up_to=3"),
        ("pick", "id=1"),
    ] {
        let body = call(&engine, "toy", action, query)
            .await
            .unwrap()
            .to_value(None);
        assert_eq!(
            scraper_core::testing::corpus::schema_mismatch(&engine, "toy", action, &body["data"]),
            None,
            "{action}"
        );
    }
    let data = spec.action("greet").unwrap().data_schema();
    assert_eq!(data["$ref"], "#/$defs/Greeting");
    assert!(data["$defs"]["Tone"].is_object(), "{data}");
    let wrong = json!({"text": 1, "tone": "warm", "key_len": 1});
    assert!(
        scraper_core::testing::corpus::schema_mismatch(&engine, "toy", "greet", &wrong).is_some()
    );
    assert_eq!(
        spec.action("numbers").unwrap().data_schema()["type"],
        "array"
    );
}
