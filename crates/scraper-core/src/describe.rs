//! Const-constructible descriptions of a site and its actions: the one source the registry,
//! parameter validation, the `/v1/sites` catalogue, the OpenAPI document and the docs page read.

use std::time::Duration;

/// What a site is, what it may contact and what it can do. Built in a `const` by each site crate.
#[derive(Debug)]
pub struct SiteDescription {
    /// URL segment and settings prefix: lowercase ASCII letters and digits (`soundcloud`).
    pub slug: &'static str,
    /// Name shown to people (`SoundCloud`).
    pub name: &'static str,
    /// The site's home page, for the catalogue.
    pub home_url: &'static str,
    /// Hosts the site may contact, and accept in URL parameters. `*.example.com` matches every
    /// subdomain of `example.com` (not `example.com` itself: list it too when it is needed).
    pub hosts: &'static [&'static str],
    /// Settings the site reads (`TECHNO_SCRAPER_<SLUG>_<NAME>`).
    pub settings: &'static [Setting],
    /// Headers sent to this site on top of the browser defaults (a site's own `Origin`, say).
    pub headers: &'static [(&'static str, &'static str)],
    /// Query parameters whose values are secrets, masked in every log line (`client_id`).
    pub secret_query_params: &'static [&'static str],
    /// The site's actions, in catalogue order.
    pub actions: &'static [ActionDescription],
}

impl SiteDescription {
    /// A site with no settings, headers or secret query parameters yet.
    pub const fn new(
        slug: &'static str,
        name: &'static str,
        home_url: &'static str,
        hosts: &'static [&'static str],
        actions: &'static [ActionDescription],
    ) -> Self {
        Self {
            slug,
            name,
            home_url,
            hosts,
            settings: &[],
            headers: &[],
            secret_query_params: &[],
            actions,
        }
    }

    /// The settings this site reads.
    pub const fn settings(mut self, settings: &'static [Setting]) -> Self {
        self.settings = settings;
        self
    }

    /// Headers sent on every request to this site, replacing the defaults of the same name.
    pub const fn headers(mut self, headers: &'static [(&'static str, &'static str)]) -> Self {
        self.headers = headers;
        self
    }

    /// Query parameters to mask in logs.
    pub const fn secret_query_params(mut self, names: &'static [&'static str]) -> Self {
        self.secret_query_params = names;
        self
    }

    /// The action of that name.
    pub fn action(&self, name: &str) -> Option<&'static ActionDescription> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// Whether `host` (lowercase, no trailing dot) is one this site may contact.
    pub fn allows_host(&self, host: &str) -> bool {
        host_matches(self.hosts, host)
    }

    /// The environment variable that carries a setting of this site.
    pub fn setting_env_var(&self, setting: &str) -> String {
        format!(
            "TECHNO_SCRAPER_{}_{}",
            self.slug.to_ascii_uppercase(),
            setting.to_ascii_uppercase()
        )
    }
}

/// Whether `host` matches one of `patterns` (exact names, or `*.suffix` for subdomains).
pub fn host_matches(patterns: &[&str], host: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| match pattern.strip_prefix("*.") {
            Some(suffix) => host
                .strip_suffix(suffix)
                .and_then(|rest| rest.strip_suffix('.'))
                .is_some_and(|label| !label.is_empty()),
            None => host == *pattern,
        })
}

/// A setting a site reads from the operator's configuration.
#[derive(Debug)]
pub struct Setting {
    /// Lowercase name (`api_key`), also the suffix of its environment variable.
    pub name: &'static str,
    /// What it does, for `.env.example`, the catalogue and the docs.
    pub description: &'static str,
    /// Without it the site answers `not_configured`.
    pub required: bool,
    /// Never shown in logs or in the catalogue.
    pub secret: bool,
    /// Its type, checked at startup.
    pub kind: ParamType,
    /// The value used when none is set.
    pub default: Option<&'static str>,
}

impl Setting {
    /// An optional, non-secret string setting.
    pub const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            description,
            required: false,
            secret: false,
            kind: ParamType::String,
            default: None,
        }
    }

    /// The site cannot work without it.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The value is a secret.
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// The value's type.
    pub const fn kind(mut self, kind: ParamType) -> Self {
        self.kind = kind;
        self
    }

    /// The value used when none is set.
    pub const fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }
}

/// Whether an action answers one record or a page of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// `data` is one object.
    Item,
    /// `data` is a list; the action takes `limit` and `cursor` and answers `next_cursor`.
    List,
}

/// One action of a site (`/v1/<site>/<action>`).
#[derive(Debug)]
pub struct ActionDescription {
    /// URL segment: lowercase ASCII letters, digits and `_`.
    pub name: &'static str,
    /// One line saying what it answers.
    pub summary: &'static str,
    /// Item or list.
    pub kind: ActionKind,
    /// The site's own parameters (list actions also take `limit` and `cursor`, added for them).
    pub params: &'static [ParamDescription],
    /// Exactly one of these parameters must be given (`url` or `id`); empty when there is no such rule.
    pub one_of: &'static [&'static str],
    /// A real example request as a query string (`user=dubmatix`).
    pub example: &'static str,
    /// How long an answer may be served from cache.
    pub cache_ttl: Duration,
}

impl ActionDescription {
    /// An action answering one record.
    pub const fn item(name: &'static str, summary: &'static str) -> Self {
        Self::new(name, summary, ActionKind::Item)
    }

    /// An action answering a page of records.
    pub const fn list(name: &'static str, summary: &'static str) -> Self {
        Self::new(name, summary, ActionKind::List)
    }

    const fn new(name: &'static str, summary: &'static str, kind: ActionKind) -> Self {
        Self {
            name,
            summary,
            kind,
            params: &[],
            one_of: &[],
            example: "",
            cache_ttl: Duration::from_secs(300),
        }
    }

    /// The action's own parameters.
    pub const fn params(mut self, params: &'static [ParamDescription]) -> Self {
        self.params = params;
        self
    }

    /// Exactly one of these parameters must be given.
    pub const fn one_of(mut self, names: &'static [&'static str]) -> Self {
        self.one_of = names;
        self
    }

    /// A real example request, as a query string.
    pub const fn example(mut self, query: &'static str) -> Self {
        self.example = query;
        self
    }

    /// How long an answer may be served from cache.
    pub const fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Every parameter the action takes: its own, then `limit` and `cursor` for list actions.
    pub fn all_params(&self) -> impl Iterator<Item = &'static ParamDescription> + use<> {
        let list: &'static [ParamDescription] = match self.kind {
            ActionKind::List => &LIST_PARAMS,
            ActionKind::Item => &[],
        };
        self.params.iter().chain(list)
    }

    /// The parameter of that name, including the list parameters.
    pub fn param(&self, name: &str) -> Option<&'static ParamDescription> {
        self.all_params().find(|p| p.name == name)
    }
}

/// Largest `limit` a list action accepts.
pub const MAX_LIMIT: i64 = 100;
/// `limit` when none is given.
pub const DEFAULT_LIMIT: i64 = 20;

/// The parameters every list action takes.
pub static LIST_PARAMS: [ParamDescription; 2] = [
    ParamDescription::integer("limit")
        .range(1, MAX_LIMIT)
        .default("20")
        .describe("How many items to answer (1-100)."),
    ParamDescription::string("cursor").describe("The `next_cursor` of the previous page."),
];

/// The type of a parameter or setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Any text (a handle, an id, a URL, a query).
    String,
    /// A whole number.
    Integer,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`).
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

impl ParamType {
    /// The JSON Schema / catalogue name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
            Self::Date => "date",
        }
    }
}

/// One parameter of an action.
#[derive(Debug)]
pub struct ParamDescription {
    /// Its name in the query string or JSON body.
    pub name: &'static str,
    /// Its type.
    pub kind: ParamType,
    /// Whether it must be given (see also [`ActionDescription::one_of`]).
    pub required: bool,
    /// The value used when it is not given.
    pub default: Option<&'static str>,
    /// The only values accepted, when the list is not empty.
    pub allowed: &'static [&'static str],
    /// Inclusive bounds of an integer.
    pub range: Option<(i64, i64)>,
    /// What it means, for the catalogue and the docs.
    pub description: &'static str,
}

impl ParamDescription {
    const fn new(name: &'static str, kind: ParamType) -> Self {
        Self {
            name,
            kind,
            required: false,
            default: None,
            allowed: &[],
            range: None,
            description: "",
        }
    }

    /// A text parameter.
    pub const fn string(name: &'static str) -> Self {
        Self::new(name, ParamType::String)
    }

    /// A whole-number parameter.
    pub const fn integer(name: &'static str) -> Self {
        Self::new(name, ParamType::Integer)
    }

    /// A boolean parameter.
    pub const fn boolean(name: &'static str) -> Self {
        Self::new(name, ParamType::Boolean)
    }

    /// A `YYYY-MM-DD` date parameter.
    pub const fn date(name: &'static str) -> Self {
        Self::new(name, ParamType::Date)
    }

    /// It must be given.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The value used when it is not given.
    pub const fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }

    /// The only values accepted.
    pub const fn allowed(mut self, values: &'static [&'static str]) -> Self {
        self.allowed = values;
        self
    }

    /// Inclusive bounds of an integer.
    pub const fn range(mut self, min: i64, max: i64) -> Self {
        self.range = Some((min, max));
        self
    }

    /// What it means.
    pub const fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_patterns_match_exact_names_and_subdomains_only() {
        let hosts = ["soundcloud.com", "*.bandcamp.com"];
        assert!(host_matches(&hosts, "soundcloud.com"));
        assert!(!host_matches(&hosts, "api.soundcloud.com"));
        assert!(!host_matches(&hosts, "soundcloud.com.evil.example"));
        assert!(!host_matches(&hosts, "evilsoundcloud.com"));
        assert!(host_matches(&hosts, "c418.bandcamp.com"));
        assert!(host_matches(&hosts, "a.b.bandcamp.com"));
        assert!(!host_matches(&hosts, "bandcamp.com"));
        assert!(!host_matches(&hosts, ".bandcamp.com"));
        assert!(!host_matches(&hosts, "evilbandcamp.com"));
        assert!(!host_matches(&hosts, "bandcamp.com.evil.example"));
    }

    #[test]
    fn list_actions_take_limit_and_cursor() {
        const P: &[ParamDescription] = &[ParamDescription::string("q").required()];
        let list = ActionDescription::list("search", "s").params(P);
        let names: Vec<_> = list.all_params().map(|p| p.name).collect();
        assert_eq!(names, ["q", "limit", "cursor"]);
        let item = ActionDescription::item("profile", "p").params(P);
        assert_eq!(item.all_params().count(), 1);
    }
}
