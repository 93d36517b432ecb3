//! Plugin registration: each site crate submits one `Registration` through `inventory` (with
//! [`register_site!`](crate::register_site)); the registry collects them, reads each action's
//! types into field specs ([`SiteSpec`]), and rejects malformed or duplicate sites at startup,
//! naming the culprit.

use std::collections::BTreeSet;

use crate::action::{ActionDescription, ActionKind, HandlerTypes, MAX_LIMIT};
use crate::params::{ParamRules, RawParams, Validated, convert, list_fields};
use crate::site::SiteDescription;
use crate::spec::{FieldSpec, fields, inline_generator};

/// What a site crate submits: its description.
#[derive(Debug)]
pub struct Registration {
    /// The site's description.
    pub site: &'static SiteDescription,
}

inventory::collect!(Registration);

/// Registers a site: `register_site!(SITE)` where `SITE` is a `static` [`SiteDescription`].
///
/// The binary must link the site crate; the gateway's build script does it for every
/// `scraper-*` dependency.
#[macro_export]
macro_rules! register_site {
    ($site:path $(,)?) => {
        $crate::inventory::submit! {
            $crate::Registration { site: &$site }
        }
    };
}

/// An action with its types read: the rules its parameters are checked by.
#[derive(Debug, Clone)]
pub struct ActionSpec {
    /// The `const` description.
    pub description: &'static ActionDescription,
    /// Its parameters (the action's own, then `limit` and `cursor` of a list) and one-of groups.
    pub rules: ParamRules,
    /// The handler's types (state, params and record schemas).
    pub types: HandlerTypes,
}

/// A site with its types read.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    /// The `const` description.
    pub description: &'static SiteDescription,
    /// The fields of its settings type.
    pub settings: Vec<FieldSpec>,
    /// Its actions, in catalogue order.
    pub actions: Vec<ActionSpec>,
}

impl SiteSpec {
    /// The action of that name.
    pub fn action(&self, name: &str) -> Option<&ActionSpec> {
        self.actions.iter().find(|a| a.description.name == name)
    }
}

/// Every registration linked into this binary, sorted by slug and checked.
pub fn registered() -> Result<Vec<&'static Registration>, String> {
    let mut regs: Vec<&'static Registration> =
        inventory::iter::<Registration>.into_iter().collect();
    regs.sort_by_key(|r| r.site.slug);
    check(&regs)?;
    Ok(regs)
}

/// Rejects duplicate slugs and malformed sites, naming the culprit.
pub fn check(regs: &[&Registration]) -> Result<(), String> {
    let mut slugs = BTreeSet::new();
    for reg in regs {
        spec(reg.site)?;
        if !slugs.insert(reg.site.slug) {
            return Err(format!("site '{}' is registered twice", reg.site.slug));
        }
    }
    Ok(())
}

/// Reads a site's types and checks everything about it.
pub fn spec(site: &'static SiteDescription) -> Result<SiteSpec, String> {
    read_site(site).map_err(|why| format!("site '{}' is malformed: {why}", site.slug))
}

fn is_ident(s: &str, allow_underscore: bool) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || (allow_underscore && b == b'_')
        })
        && s.len() <= 32
}

fn read_site(site: &'static SiteDescription) -> Result<SiteSpec, String> {
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
    for host in site.hosts.iter().chain(site.param_hosts) {
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
    if let Some(extra) = site.param_hosts.iter().find(|h| !site.hosts.contains(h)) {
        return Err(format!(
            "parameter host '{extra}' is not among the hosts it may contact"
        ));
    }
    let settings = fields(&(site.settings_schema)(&mut inline_generator()))
        .map_err(|why| format!("settings: {why}"))?;
    let mut names = BTreeSet::new();
    for setting in &settings {
        if !is_ident(&setting.name, true) || !names.insert(setting.name.as_str()) {
            return Err(format!(
                "setting '{}' is malformed or repeated",
                setting.name
            ));
        }
        if setting.description.trim().is_empty() {
            return Err(format!(
                "setting '{}' has no description (a doc comment)",
                setting.name
            ));
        }
    }
    if site.actions.is_empty() {
        return Err("it has no actions".into());
    }
    let mut names = BTreeSet::new();
    let mut actions = Vec::with_capacity(site.actions.len());
    for action in site.actions {
        if !is_ident(action.name, true) || !names.insert(action.name) {
            return Err(format!("action '{}' is malformed or repeated", action.name));
        }
        let spec =
            read_action(site, action).map_err(|why| format!("action '{}': {why}", action.name))?;
        actions.push(spec);
    }
    Ok(SiteSpec {
        description: site,
        settings,
        actions,
    })
}

fn read_action(
    site: &SiteDescription,
    action: &'static ActionDescription,
) -> Result<ActionSpec, String> {
    if action.summary.trim().is_empty() {
        return Err("it has no summary".into());
    }
    let types = action.handler_types();
    if types.state != (site.state_type)() {
        return Err(format!(
            "its handler takes Cx<{}> but the site's state is {}",
            types.state_name,
            (site.state_name)()
        ));
    }
    let mut own = fields(&(types.params)(&mut inline_generator()))
        .map_err(|why| format!("parameters: {why}"))?;
    let mut names = BTreeSet::new();
    for param in &own {
        if !is_ident(&param.name, true) || !names.insert(param.name.clone()) {
            return Err(format!(
                "parameter '{}' is malformed or repeated",
                param.name
            ));
        }
        if param.description.trim().is_empty() {
            return Err(format!(
                "parameter '{}' has no description (a doc comment)",
                param.name
            ));
        }
        if param.secret {
            return Err(format!(
                "parameter '{}' is a secret; parameters cannot be",
                param.name
            ));
        }
        if let Some(default) = &param.default {
            convert(param, default.clone())
                .map_err(|why| format!("the default of '{}' is invalid: {why}", param.name))?;
        }
    }
    let list = action.kind == ActionKind::List;
    if list {
        if let Some(taken) = own
            .iter()
            .find(|p| matches!(p.name.as_str(), "limit" | "cursor"))
        {
            return Err(format!(
                "list actions get '{}' from the core; do not declare it",
                taken.name
            ));
        }
        if !(1..=MAX_LIMIT).contains(&action.default_limit) {
            return Err(format!(
                "its default limit must be between 1 and {MAX_LIMIT}"
            ));
        }
        own.extend(list_fields(action.default_limit));
    }
    for group in action.one_of {
        if group.len() < 2 {
            return Err("a one_of group names fewer than two parameters".into());
        }
        for name in *group {
            match own.iter().find(|p| p.name == *name) {
                None => return Err(format!("one_of names '{name}', which is not a parameter")),
                Some(p) if p.required || p.default.is_some() => {
                    return Err(format!(
                        "one_of parameter '{name}' must be optional without default"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let rules = ParamRules {
        fields: own,
        one_of: action
            .one_of
            .iter()
            .map(|g| g.iter().map(|n| (*n).to_owned()).collect())
            .collect(),
        list,
    };
    // The example must itself be a valid request that deserialises into the params type.
    let example = RawParams::from_query(action.example).map_err(|e| format!("example: {e}"))?;
    let validated = Validated::validate(&rules, example)
        .map_err(|e| format!("example '{}' is invalid: {e}", action.example))?;
    (types.check_params)(validated.to_object()).map_err(|e| {
        format!(
            "example '{}' does not deserialise into its parameters: {e}",
            action.example
        )
    })?;
    Ok(ActionSpec {
        description: action,
        rules,
        types,
    })
}
