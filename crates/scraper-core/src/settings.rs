//! A site's settings as the operator gave them: checked against the site's description at
//! startup (unknown names and ill-typed values refuse to start), defaults applied, secrets masked.

use std::collections::BTreeMap;

use crate::describe::{ParamType, SiteDescription};

/// The settings of one site.
#[derive(Clone)]
pub struct SiteSettings {
    site: &'static SiteDescription,
    values: BTreeMap<&'static str, String>,
}

impl SiteSettings {
    /// Checks `given` (setting name → value) against `site`'s description.
    pub fn resolve(
        site: &'static SiteDescription,
        given: &BTreeMap<String, String>,
    ) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        for (name, value) in given {
            let Some(desc) = site
                .settings
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(name))
            else {
                let known: Vec<_> = site.settings.iter().map(|s| s.name).collect();
                return Err(format!(
                    "{} has no setting '{name}' (known: {})",
                    site.slug,
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            check_type(desc.kind, value)
                .map_err(|why| format!("{} must be {why}", site.setting_env_var(desc.name)))?;
            values.insert(desc.name, value.to_owned());
        }
        for desc in site.settings {
            if let (false, Some(default)) = (values.contains_key(desc.name), desc.default) {
                values.insert(desc.name, default.to_owned());
            }
        }
        Ok(Self { site, values })
    }

    /// No settings given: defaults only.
    pub fn defaults(site: &'static SiteDescription) -> Self {
        Self::resolve(site, &BTreeMap::new()).unwrap_or(Self {
            site,
            values: BTreeMap::new(),
        })
    }

    /// A setting's value, when set (or defaulted).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// A boolean setting (`true`/`1`/`yes`/`on`).
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
    }

    /// Required settings that are not set: while any is, the site answers `not_configured`.
    pub fn missing(&self) -> Vec<&'static str> {
        self.site
            .settings
            .iter()
            .filter(|s| s.required && !self.values.contains_key(s.name))
            .map(|s| s.name)
            .collect()
    }

    /// Whether every required setting is set.
    pub fn is_configured(&self) -> bool {
        self.missing().is_empty()
    }

    /// Whether a setting has a value.
    pub fn is_set(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

impl std::fmt::Debug for SiteSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.values {
            let secret = self
                .site
                .settings
                .iter()
                .any(|s| s.name == *name && s.secret);
            map.entry(name, &if secret { "[REDACTED]" } else { value.as_str() });
        }
        map.finish()
    }
}

fn check_type(kind: ParamType, value: &str) -> Result<(), &'static str> {
    let ok = match kind {
        ParamType::String => true,
        ParamType::Integer => value.parse::<i64>().is_ok(),
        ParamType::Boolean => matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "1" | "0" | "yes" | "no" | "on" | "off"
        ),
        ParamType::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(match kind {
            ParamType::Integer => "a whole number",
            ParamType::Boolean => "true or false",
            ParamType::Date => "a date as YYYY-MM-DD",
            ParamType::String => "text",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::Setting;

    static SITE: SiteDescription = SiteDescription::new(
        "songstats",
        "Songstats",
        "https://songstats.com",
        &["api.songstats.com"],
        &[],
    )
    .settings(&[
        Setting::new("api_key", "key").required().secret(),
        Setting::new("allow_x", "flag")
            .kind(ParamType::Boolean)
            .default("false"),
    ]);

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn required_defaults_types_and_masking() {
        let s = SiteSettings::resolve(&SITE, &given(&[])).unwrap();
        assert_eq!(s.missing(), ["api_key"]);
        assert!(!s.flag("allow_x"));
        let s = SiteSettings::resolve(&SITE, &given(&[("API_KEY", "sekret"), ("allow_x", "yes")]))
            .unwrap();
        assert!(s.is_configured());
        assert!(s.flag("allow_x"));
        assert!(!format!("{s:?}").contains("sekret"));
        let err = SiteSettings::resolve(&SITE, &given(&[("allow_x", "maybe")])).unwrap_err();
        assert!(
            err.contains("TECHNO_SCRAPER_SONGSTATS_ALLOW_X must be true or false"),
            "{err}"
        );
        let err = SiteSettings::resolve(&SITE, &given(&[("apikey", "x")])).unwrap_err();
        assert!(err.contains("no setting 'apikey'"), "{err}");
    }
}
