//! Test-only sites, declared exactly as the real ones are: `testsite` exercises parameters,
//! upstream fetches, paging and panics; `lockedsite` needs a secret setting it lacks.

use std::time::Duration;

use schemars::JsonSchema;
use scraper_core::{
    Cx, EntityRef, Page, PageRequest, Request, ScrapeError, Secret, SiteDescription, SiteState,
    item, list, parse_entity_ref, register_site,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many items `testsite/numbers` lists in all.
pub const NUMBERS: u64 = 45;

/// The test site.
pub static TESTSITE: SiteDescription =
    SiteDescription::new("testsite", "Test Site", "https://www.testsite.test")
        .hosts(&["www.testsite.test", "api.testsite.test"])
        .secret_query_params(&["token"])
        .actions(&[
            item!(echo)
                .summary("Echo the parameters")
                .example("word=hello"),
            item!(fetch)
                .summary("Fetch a page upstream and report its status")
                .example("path=/ok"),
            item!(profile)
                .summary("Fetch a profile by handle, id or URL")
                .example("user=someone"),
            list!(numbers)
                .summary("The numbers 1 to 45, paged")
                .example("limit=10"),
            item!(panic)
                .summary("Panic (a bug in a scraper)")
                .cache_ttl(Duration::ZERO),
            item!(cached)
                .summary("Fetch /counter upstream, cached for a minute")
                .cache_ttl(Duration::from_secs(60)),
        ]);

/// A site that cannot work without an API key.
pub static LOCKEDSITE: SiteDescription =
    SiteDescription::new("lockedsite", "Locked Site", "https://api.locked.test")
        .hosts(&["api.locked.test"])
        .state::<Locked>()
        .actions(&[item!(thing).summary("Anything").example("")]);

register_site!(TESTSITE);
register_site!(LOCKEDSITE);

/// A or B.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Kind {
    #[default]
    A,
    B,
}

/// Parameters of `echo`.
#[derive(Deserialize, JsonSchema)]
struct EchoParams {
    /// A word to echo.
    word: String,
    /// A small number.
    #[schemars(range(min = 0, max = 10))]
    n: Option<i64>,
    /// A or B.
    #[serde(default)]
    kind: Kind,
    /// A day.
    day: Option<chrono::NaiveDate>,
}

/// What `echo` answers.
#[derive(Serialize, JsonSchema)]
struct Echo {
    /// The word.
    word: String,
    /// The number.
    n: Option<i64>,
    /// The kind.
    kind: Kind,
    /// The day, YYYY-MM-DD.
    day: Option<String>,
}

async fn echo(_: Cx<()>, p: EchoParams) -> Result<Echo, ScrapeError> {
    Ok(Echo {
        word: p.word,
        n: p.n,
        kind: p.kind,
        day: p.day.map(|d| d.to_string()),
    })
}

/// Parameters of `fetch`.
#[derive(Deserialize, JsonSchema)]
struct FetchParams {
    /// Path fetched from www.testsite.test.
    path: String,
}

/// An upstream answer.
#[derive(Serialize, JsonSchema)]
struct Fetched {
    /// Its status.
    status: u16,
    /// Its body.
    body: String,
}

async fn fetch(cx: Cx<()>, p: FetchParams) -> Result<Fetched, ScrapeError> {
    let response = cx
        .fetch(
            Request::get(format!("https://www.testsite.test{}", p.path))
                .query(&[("token", "s3cret")]),
        )
        .await?;
    response.error_for_status(&format!("page {}", p.path))?;
    Ok(Fetched {
        status: response.status(),
        body: response.text().into_owned(),
    })
}

/// Parameters of `profile`.
#[derive(Deserialize, JsonSchema)]
struct ProfileParams {
    /// A handle, numeric id or profile URL.
    user: String,
}

async fn profile(cx: Cx<()>, p: ProfileParams) -> Result<Value, ScrapeError> {
    let url = match parse_entity_ref("user", &p.user, cx.site())? {
        EntityRef::Url(url) => url.to_string(),
        EntityRef::Handle(h) => format!("https://api.testsite.test/users/{h}"),
        EntityRef::Id(id) => format!("https://api.testsite.test/users/{id}"),
    };
    let response = cx.get(&url).await?;
    response.error_for_status("that user")?;
    response.json::<Value>()
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
struct NumbersCursor {
    next: u64,
}

async fn numbers(
    _: Cx<()>,
    _: NoParams,
    page: PageRequest<NumbersCursor>,
) -> Result<Page<Number, NumbersCursor>, ScrapeError> {
    let start = page.cursor.map_or(1, |c| c.next).max(1);
    let limit = u64::try_from(page.limit).unwrap_or(20);
    let end = (start + limit - 1).min(NUMBERS);
    let items = (start..=end).map(|n| Number { n }).collect();
    Ok(Page::new(items)
        .next((end < NUMBERS).then_some(NumbersCursor { next: end + 1 }))
        .meta("total_results", NUMBERS))
}

async fn panic(_: Cx<()>, _: NoParams) -> Result<Value, ScrapeError> {
    panic!("testsite was asked to panic")
}

/// What `cached` answers.
#[derive(Serialize, JsonSchema)]
struct Counter {
    /// The upstream's counter.
    counter: String,
}

async fn cached(cx: Cx<()>, _: NoParams) -> Result<Counter, ScrapeError> {
    let response = cx.get("https://api.testsite.test/counter").await?;
    Ok(Counter {
        counter: response.text().into_owned(),
    })
}

/// The locked site's settings.
#[derive(Deserialize, JsonSchema)]
struct LockedSettings {
    /// The key the locked site wants.
    api_key: Secret,
}

/// The locked site's state.
struct Locked {
    has_key: bool,
}

impl SiteState for Locked {
    type Settings = LockedSettings;

    fn build(settings: LockedSettings) -> Result<Self, String> {
        Ok(Self {
            has_key: !settings.api_key.expose().is_empty(),
        })
    }
}

/// What `thing` answers.
#[derive(Serialize, JsonSchema)]
struct Thing {
    /// Whether the key reached the site.
    has_key: bool,
}

async fn thing(cx: Cx<Locked>, _: NoParams) -> Result<Thing, ScrapeError> {
    Ok(Thing {
        has_key: cx.state().has_key,
    })
}
