//! Plugin registration: each site crate submits one `Registration` through `inventory` (with
//! [`register_site!`](crate::register_site)); the registry collects them, sorts them and rejects
//! malformed or duplicate descriptions at startup.

use std::collections::BTreeSet;

use crate::describe::{ActionKind, ParamType, SiteDescription};
use crate::params::{Params, RawParams};
use crate::scraper::Scraper;
use crate::settings::SiteSettings;

/// Builds a site's scraper from its settings.
pub type BuildFn = fn(&SiteSettings) -> Result<Box<dyn Scraper>, String>;

/// What a site crate submits: its description and how to build it.
#[derive(Debug)]
pub struct Registration {
    /// The site's description.
    pub site: &'static SiteDescription,
    /// Its constructor.
    pub build: BuildFn,
}

inventory::collect!(Registration);

/// Registers a site: `register_site!(SITE, build)` where `SITE` is a `static`
/// [`SiteDescription`] and `build` a [`BuildFn`].
///
/// The binary must name the site crate (`use scraper_x as _;`), or the linker drops it.
#[macro_export]
macro_rules! register_site {
    ($site:path, $build:expr $(,)?) => {
        $crate::inventory::submit! {
            $crate::Registration { site: &$site, build: $build }
        }
    };
}

/// Every registration linked into this binary, sorted by slug and checked.
pub fn registered() -> Result<Vec<&'static Registration>, String> {
    let mut regs: Vec<&'static Registration> =
        inventory::iter::<Registration>.into_iter().collect();
    regs.sort_by_key(|r| r.site.slug);
    check(&regs)?;
    Ok(regs)
}

/// Rejects duplicate slugs and malformed descriptions, naming the culprit.
pub fn check(regs: &[&Registration]) -> Result<(), String> {
    let mut slugs = BTreeSet::new();
    for reg in regs {
        let site = reg.site;
        check_site(site).map_err(|why| format!("site '{}' is malformed: {why}", site.slug))?;
        if !slugs.insert(site.slug) {
            return Err(format!("site '{}' is registered twice", site.slug));
        }
    }
    Ok(())
}

fn is_ident(s: &str, allow_underscore: bool) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || (allow_underscore && b == b'_')
        })
        && s.len() <= 32
}

fn check_site(site: &SiteDescription) -> Result<(), String> {
    if !is_ident(site.slug, false) {
        return Err(
            "the slug must be 1-32 lowercase ASCII letters and digits, starting with a letter"
                .into(),
        );
    }
    if site.name.trim().is_empty() || !site.home_url.starts_with("https://") {
        return Err("it needs a name and an https home URL".into());
    }
    if site.hosts.is_empty() {
        return Err("it lists no hosts".into());
    }
    for host in site.hosts {
        let name = host.strip_prefix("*.").unwrap_or(host);
        let valid = name.contains('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !name.starts_with('.')
            && !name.ends_with('.');
        if !valid {
            return Err(format!(
                "host pattern '{host}' is not a lowercase domain name"
            ));
        }
    }
    let mut settings = BTreeSet::new();
    for setting in site.settings {
        if !is_ident(setting.name, true) || !settings.insert(setting.name) {
            return Err(format!(
                "setting '{}' is malformed or repeated",
                setting.name
            ));
        }
    }
    if site.actions.is_empty() {
        return Err("it has no actions".into());
    }
    let mut actions = BTreeSet::new();
    for action in site.actions {
        if !is_ident(action.name, true) || !actions.insert(action.name) {
            return Err(format!("action '{}' is malformed or repeated", action.name));
        }
        check_action(action).map_err(|why| format!("action '{}': {why}", action.name))?;
    }
    Ok(())
}

fn check_action(action: &crate::ActionDescription) -> Result<(), String> {
    if action.summary.trim().is_empty() {
        return Err("it has no summary".into());
    }
    let mut names = BTreeSet::new();
    for param in action.params {
        if !is_ident(param.name, true) || !names.insert(param.name) {
            return Err(format!(
                "parameter '{}' is malformed or repeated",
                param.name
            ));
        }
        if action.kind == ActionKind::List && matches!(param.name, "limit" | "cursor") {
            return Err(format!(
                "list actions get '{}' from the core; do not declare it",
                param.name
            ));
        }
        if !param.allowed.is_empty() && param.kind != ParamType::String {
            return Err(format!(
                "parameter '{}': allowed values are for strings",
                param.name
            ));
        }
        if param.range.is_some() && param.kind != ParamType::Integer {
            return Err(format!(
                "parameter '{}': a range is for integers",
                param.name
            ));
        }
        if param.description.trim().is_empty() {
            return Err(format!("parameter '{}' has no description", param.name));
        }
        if param.required && param.default.is_some() {
            return Err(format!(
                "parameter '{}' is required and has a default",
                param.name
            ));
        }
    }
    for name in action.one_of {
        match action.params.iter().find(|p| p.name == *name) {
            None => return Err(format!("one_of names '{name}', which is not a parameter")),
            Some(p) if p.required || p.default.is_some() => {
                return Err(format!(
                    "one_of parameter '{name}' must be optional without default"
                ));
            }
            Some(_) => {}
        }
    }
    // The example must itself be a valid request, and every default a valid value.
    let example = RawParams::from_query(action.example).map_err(|e| format!("example: {e}"))?;
    Params::validate(action, example)
        .map_err(|e| format!("example '{}' is invalid: {e}", action.example))?;
    for param in action.params.iter().filter(|p| p.default.is_some()) {
        let raw = RawParams::from_query(action.example)
            .map_err(|e| e.to_string())?
            .without(param.name);
        Params::validate(action, raw)
            .map_err(|e| format!("default of '{}' is invalid: {e}", param.name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::{ActionDescription, ParamDescription};
    use crate::{Context, Output, ScrapeError};

    struct Nothing;

    #[async_trait::async_trait]
    impl Scraper for Nothing {
        async fn scrape(&self, _: &Context, _: &str, _: &Params) -> Result<Output, ScrapeError> {
            Ok(Output::Item(serde_json::Value::Null))
        }
    }

    fn build(_: &SiteSettings) -> Result<Box<dyn Scraper>, String> {
        Ok(Box::new(Nothing))
    }

    static Q: [ParamDescription; 1] = [ParamDescription::string("q").required().describe("query")];
    static GOOD: SiteDescription = SiteDescription::new(
        "good",
        "Good",
        "https://good.example",
        &["good.example"],
        &[ActionDescription::list("search", "Search")
            .params(&Q)
            .example("q=x")],
    );

    fn verdict(site: &'static SiteDescription) -> Result<(), String> {
        check(&[&Registration { site, build }])
    }

    #[test]
    fn accepts_a_good_site_and_rejects_duplicates() {
        assert!(verdict(&GOOD).is_ok());
        let a = Registration { site: &GOOD, build };
        let b = Registration { site: &GOOD, build };
        assert!(check(&[&a, &b]).unwrap_err().contains("registered twice"));
    }

    #[test]
    fn rejects_malformed_descriptions() {
        static BAD_SLUG: SiteDescription = SiteDescription::new(
            "Sound-Cloud",
            "S",
            "https://s.example",
            &["s.example"],
            GOOD.actions,
        );
        static NO_HOSTS: SiteDescription =
            SiteDescription::new("s", "S", "https://s.example", &[], GOOD.actions);
        static BAD_HOST: SiteDescription = SiteDescription::new(
            "s",
            "S",
            "https://s.example",
            &["127.0.0.1:80"],
            GOOD.actions,
        );
        static BAD_EXAMPLE: SiteDescription = SiteDescription::new(
            "s",
            "S",
            "https://s.example",
            &["s.example"],
            &[ActionDescription::list("search", "Search")
                .params(&Q)
                .example("query=x")],
        );
        static LIMIT_TWICE: SiteDescription = SiteDescription::new(
            "s",
            "S",
            "https://s.example",
            &["s.example"],
            &[ActionDescription::list("search", "Search")
                .params(&[ParamDescription::integer("limit").describe("l")])
                .example("")],
        );
        static BAD_DEFAULT: SiteDescription = SiteDescription::new(
            "s",
            "S",
            "https://s.example",
            &["s.example"],
            &[ActionDescription::item("p", "P")
                .params(&[ParamDescription::string("type")
                    .allowed(&["a"])
                    .default("b")
                    .describe("t")])
                .example("")],
        );
        for (site, why) in [
            (&BAD_SLUG, "slug"),
            (&NO_HOSTS, "no hosts"),
            (&BAD_HOST, "host pattern"),
            (&BAD_EXAMPLE, "example"),
            (&LIMIT_TWICE, "limit"),
            (&BAD_DEFAULT, "must be one of a, got 'b'"),
        ] {
            let err = verdict(site).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
    }
}
