//! What a site is: a `const` [`SiteDescription`] (slug, hosts, headers, its state and settings
//! type, its actions) and the [`SiteState`] a site keeps across requests, built from its settings.

use std::any::{Any, TypeId};
use std::sync::Arc;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;

use crate::action::ActionDescription;

/// What a site keeps for the life of the process (a discovered credential, say), built once from
/// its typed settings. One value serves every request, concurrently.
///
/// A site without settings or state uses `()`.
pub trait SiteState: Send + Sync + Sized + 'static {
    /// The site's settings, read from `TECHNO_SCRAPER_<SLUG>_<NAME>` (and the TOML file): one
    /// field per setting, its doc comment the setting's description, `#[serde(default)]` its
    /// default, [`crate::Secret`] for secrets. A field that is neither `Option` nor defaulted is
    /// required: without it the site answers `not_configured`.
    type Settings: DeserializeOwned + JsonSchema;

    /// Builds the state; an error stops the service at startup with this message.
    fn build(settings: Self::Settings) -> Result<Self, String>;
}

/// The settings of a site that has none.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

impl SiteState for () {
    type Settings = NoSettings;

    fn build(_: NoSettings) -> Result<Self, String> {
        Ok(())
    }
}

/// A site's state, type-erased for the engine.
pub type AnyState = Arc<dyn Any + Send + Sync>;

/// Builds the erased state from the settings as a JSON object.
pub(crate) type BuildFn = fn(serde_json::Value) -> Result<AnyState, String>;

/// What a site is, what it may contact and what it can do. Built in a `static` by each site crate
/// and registered with [`register_site!`](crate::register_site).
#[derive(Debug)]
pub struct SiteDescription {
    /// URL segment and settings prefix: lowercase ASCII letters and digits (`soundcloud`).
    pub slug: &'static str,
    /// Name shown to people (`SoundCloud`).
    pub name: &'static str,
    /// The site's home page, for the catalogue.
    pub home_url: &'static str,
    /// Hosts the site may contact. `*.example.com` matches every subdomain of `example.com`
    /// (not `example.com` itself: list it too when it is needed).
    pub hosts: &'static [&'static str],
    /// Hosts accepted in URL parameters (an artist's page, say); empty means [`Self::hosts`].
    /// API and CDN hosts a client never names belong only in `hosts`.
    pub param_hosts: &'static [&'static str],
    /// Headers sent to this site on top of the browser defaults (a site's own `Origin`, say).
    pub headers: &'static [(&'static str, &'static str)],
    /// Query parameters whose values are secrets, masked in every log line (`client_id`).
    pub secret_query_params: &'static [&'static str],
    /// The site's actions, in catalogue order.
    pub actions: &'static [ActionDescription],
    /// Upstream requests in flight at once for this site, when it must stay below the gateway's
    /// `upstream_concurrency` (sites that ban scrapers quickly).
    pub max_in_flight: Option<usize>,
    /// Upstream requests per second this site is sent at most, unless the operator says
    /// otherwise (`upstream_rate_limits`): for sites that ban or bill per request.
    pub rate_limit: Option<f64>,
    /// The site's own marks of a login wall (an id, a form action), searched with the shared
    /// ones when an action fails with `upstream_changed` (see [`SiteDescription::login_markers`]).
    pub login_markers: &'static [&'static str],
    /// Every logged-out page of the site carries a login form (Facebook's header): a password
    /// field is no sign of a wall there, only [`Self::login_markers`] are.
    pub login_form_everywhere: bool,
    /// The representative action the fault-matrix suite runs against a hostile mock upstream.
    pub probe: Option<Probe>,
    pub(crate) build: BuildFn,
    pub(crate) settings_schema: fn(&mut SchemaGenerator) -> Schema,
    pub(crate) state_type: fn() -> TypeId,
    pub(crate) state_name: fn() -> &'static str,
}

impl SiteDescription {
    /// A site with no state, settings, headers or secret query parameters yet.
    pub const fn new(slug: &'static str, name: &'static str, home_url: &'static str) -> Self {
        Self {
            slug,
            name,
            home_url,
            hosts: &[],
            param_hosts: &[],
            headers: &[],
            secret_query_params: &[],
            actions: &[],
            max_in_flight: None,
            rate_limit: None,
            login_markers: &[],
            login_form_everywhere: false,
            probe: None,
            build: build_erased::<()>,
            settings_schema: settings_schema::<()>,
            state_type: TypeId::of::<()>,
            state_name: std::any::type_name::<()>,
        }
    }

    /// The hosts the site may contact.
    pub const fn hosts(mut self, hosts: &'static [&'static str]) -> Self {
        self.hosts = hosts;
        self
    }

    /// The hosts accepted in URL parameters, when not all of [`Self::hosts`].
    pub const fn param_hosts(mut self, hosts: &'static [&'static str]) -> Self {
        self.param_hosts = hosts;
        self
    }

    /// The site's state, built from its settings ([`SiteState`]). Handlers receive it as `Cx<S>`.
    pub const fn state<S: SiteState>(mut self) -> Self {
        self.build = build_erased::<S>;
        self.settings_schema = settings_schema::<S>;
        self.state_type = TypeId::of::<S>;
        self.state_name = std::any::type_name::<S>;
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

    /// At most this many upstream requests in flight at once for this site (the gateway's
    /// `upstream_concurrency` still applies when it is lower).
    pub const fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = Some(n);
        self
    }

    /// At most `per_second` upstream requests per second (fractions allowed: 0.5 is one every
    /// two seconds) unless the operator sets another rate; requests beyond it wait their turn
    /// within their deadline.
    pub const fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Marks of this site's login wall, beyond the shared ones (a password field with a login
    /// title or form): when an action fails with `upstream_changed`, the engine looks for a login
    /// wall in the scrape's last upstream page and answers `login_required` instead.
    pub const fn login_markers(mut self, markers: &'static [&'static str]) -> Self {
        self.login_markers = markers;
        self
    }

    /// Says that every logged-out page of this site carries a login form (as Facebook's header
    /// does), so the shared login-wall marks (a password field with a login title or form) are
    /// not looked for; the site's own [`Self::login_markers`] still are.
    pub const fn login_form_everywhere(mut self) -> Self {
        self.login_form_everywhere = true;
        self
    }

    /// The action (and its parameters, as a query string) that stands for the site in the
    /// fault-matrix suite: it is run against a mock upstream playing every fault (429s, 5xx,
    /// slow and broken bodies, challenges, login walls, huge bodies, hostile redirects), and a
    /// site that declares one is checked by it. Its first upstream request should be the one
    /// that fetches the entity.
    pub const fn probe(mut self, action: &'static str, params: &'static str) -> Self {
        self.probe = Some(Probe {
            action,
            params,
            settings: match self.probe {
                Some(probe) => probe.settings,
                None => &[],
            },
        });
        self
    }

    /// Site settings (`name`, `value`) the probe needs (a key, a pinned credential that saves
    /// a discovery request); set after [`Self::probe`].
    pub const fn probe_settings(
        mut self,
        settings: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.probe = match self.probe {
            Some(probe) => Some(Probe { settings, ..probe }),
            None => None,
        };
        self
    }

    /// The site's actions (see [`item!`](crate::item) and [`list!`](crate::list)).
    pub const fn actions(mut self, actions: &'static [ActionDescription]) -> Self {
        self.actions = actions;
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

    /// The hosts a URL parameter may name.
    pub fn url_hosts(&self) -> &'static [&'static str] {
        if self.param_hosts.is_empty() {
            self.hosts
        } else {
            self.param_hosts
        }
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

/// A site's representative action for the fault-matrix suite ([`SiteDescription::probe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// The action's name.
    pub action: &'static str,
    /// Its parameters, as a query string.
    pub params: &'static str,
    /// Site settings it needs.
    pub settings: &'static [(&'static str, &'static str)],
}

fn build_erased<S: SiteState>(settings: serde_json::Value) -> Result<AnyState, String> {
    let settings: S::Settings = serde_json::from_value(settings).map_err(|e| e.to_string())?;
    Ok(Arc::new(S::build(settings)?))
}

fn settings_schema<S: SiteState>(generator: &mut SchemaGenerator) -> Schema {
    generator.root_schema_for::<S::Settings>()
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
    fn url_parameters_take_the_param_hosts_when_given() {
        static SITE: SiteDescription = SiteDescription::new("s", "S", "https://s.example")
            .hosts(&["s.example", "api.s.example", "*.s-cdn.example"])
            .param_hosts(&["s.example"]);
        assert_eq!(SITE.url_hosts(), ["s.example"]);
        static ALL: SiteDescription =
            SiteDescription::new("s", "S", "https://s.example").hosts(&["s.example"]);
        assert_eq!(ALL.url_hosts(), ["s.example"]);
    }
}
