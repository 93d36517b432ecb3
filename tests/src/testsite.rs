//! Test-only sites, registered with the same macro as the real ones: `testsite` exercises
//! parameters, upstream fetches, paging and panics; `lockedsite` needs a setting it lacks.

use std::time::Duration;

use scraper_core::{
    ActionDescription, Context, EntityRef, Output, ParamDescription, Params, Request, ScrapeError,
    Scraper, Setting, SiteDescription, SiteSettings, cursor, parse_entity_ref, register_site,
};
use serde_json::json;

/// How many items `testsite/numbers` lists in all.
pub const NUMBERS: u64 = 45;

static ECHO_PARAMS: [ParamDescription; 4] = [
    ParamDescription::string("word")
        .required()
        .describe("A word to echo."),
    ParamDescription::integer("n")
        .range(0, 10)
        .describe("A small number."),
    ParamDescription::string("kind")
        .allowed(&["a", "b"])
        .default("a")
        .describe("A or B."),
    ParamDescription::date("day").describe("A day."),
];
static FETCH_PARAMS: [ParamDescription; 1] = [ParamDescription::string("path")
    .required()
    .describe("Path fetched from www.testsite.test.")];
static PROFILE_PARAMS: [ParamDescription; 1] = [ParamDescription::string("user")
    .required()
    .describe("A handle, numeric id or profile URL.")];

/// The test site.
pub static TESTSITE: SiteDescription = SiteDescription::new(
    "testsite",
    "Test Site",
    "https://www.testsite.test",
    &["www.testsite.test", "api.testsite.test"],
    &[
        ActionDescription::item("echo", "Echo the parameters")
            .params(&ECHO_PARAMS)
            .example("word=hello"),
        ActionDescription::item("fetch", "Fetch a page upstream and report its status")
            .params(&FETCH_PARAMS)
            .example("path=/ok"),
        ActionDescription::item("profile", "Fetch a profile by handle, id or URL")
            .params(&PROFILE_PARAMS)
            .example("user=someone"),
        ActionDescription::list("numbers", "The numbers 1 to 45, paged").example("limit=10"),
        ActionDescription::item("panic", "Panic (a bug in a scraper)").cache_ttl(Duration::ZERO),
        ActionDescription::item("cached", "Fetch /counter upstream, cached for a minute")
            .cache_ttl(Duration::from_secs(60)),
    ],
)
.secret_query_params(&["token"]);

/// A site that cannot work without an API key.
pub static LOCKEDSITE: SiteDescription = SiteDescription::new(
    "lockedsite",
    "Locked Site",
    "https://api.locked.test",
    &["api.locked.test"],
    &[ActionDescription::item("thing", "Anything").example("")],
)
.settings(&[Setting::new("api_key", "The key the locked site wants.")
    .required()
    .secret()]);

register_site!(TESTSITE, build_testsite);
register_site!(LOCKEDSITE, build_locked);

fn build_testsite(_: &SiteSettings) -> Result<Box<dyn Scraper>, String> {
    Ok(Box::new(TestSite))
}

fn build_locked(_: &SiteSettings) -> Result<Box<dyn Scraper>, String> {
    Ok(Box::new(Locked))
}

struct TestSite;

#[derive(serde::Serialize, serde::Deserialize)]
struct NumbersCursor {
    next: u64,
}

#[scraper_core::async_trait]
impl Scraper for TestSite {
    async fn scrape(
        &self,
        ctx: &Context,
        action: &str,
        params: &Params,
    ) -> Result<Output, ScrapeError> {
        match action {
            "echo" => Output::item(&json!({
                "word": params.required_str("word")?,
                "n": params.int("n"),
                "kind": params.str("kind"),
                "day": params.date("day").map(|d| d.to_string()),
            })),
            "fetch" => {
                let path = params.required_str("path")?;
                let response = ctx
                    .fetch(
                        Request::get(format!("https://www.testsite.test{path}"))
                            .query(&[("token", "s3cret")]),
                    )
                    .await?;
                response.error_for_status(&format!("page {path}"))?;
                Output::item(&json!({"status": response.status(), "body": response.text()}))
            }
            "profile" => {
                let url = match parse_entity_ref("user", params.required_str("user")?, ctx.site())?
                {
                    EntityRef::Url(url) => url.to_string(),
                    EntityRef::Handle(h) => format!("https://api.testsite.test/users/{h}"),
                    EntityRef::Id(id) => format!("https://api.testsite.test/users/{id}"),
                };
                let response = ctx.get(&url).await?;
                response.error_for_status("that user")?;
                Output::item(&response.json::<serde_json::Value>()?)
            }
            "numbers" => {
                let start = match params.cursor() {
                    Some(c) => cursor::decode::<NumbersCursor>(c)?.next,
                    None => 1,
                };
                let limit = u64::try_from(params.limit()).unwrap_or(20);
                let end = (start + limit - 1).min(NUMBERS);
                let items: Vec<_> = (start..=end).map(|n| json!({"n": n})).collect();
                let next = (end < NUMBERS)
                    .then(|| cursor::encode(&NumbersCursor { next: end + 1 }))
                    .transpose()?;
                Ok(Output::list(&items, next)?.with_meta("total_results", NUMBERS))
            }
            "panic" => panic!("testsite was asked to panic"),
            "cached" => {
                let response = ctx.get("https://api.testsite.test/counter").await?;
                Output::item(&json!({"counter": response.text()}))
            }
            other => Err(ScrapeError::internal(format!(
                "testsite has no action {other}"
            ))),
        }
    }
}

struct Locked;

#[scraper_core::async_trait]
impl Scraper for Locked {
    async fn scrape(&self, ctx: &Context, _: &str, _: &Params) -> Result<Output, ScrapeError> {
        Output::item(&json!({"has_key": ctx.setting("api_key").is_some()}))
    }
}
