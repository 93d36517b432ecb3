//! A site's settings as the operator gave them: checked against the fields of the site's
//! settings type at startup (unknown names and ill-typed values refuse to start), defaults
//! applied, required ones that are missing noted (the site answers `not_configured`), secrets
//! masked. Also [`Secret`], the type a settings field uses for a secret.

use std::collections::{BTreeMap, BTreeSet};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::params::convert;
use crate::site::SiteDescription;
use crate::spec::FieldSpec;

/// A secret value (an API key, a session cookie): never printed, never serialised, marked
/// `writeOnly` in its schema so catalogues and docs know not to show it.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("[REDACTED]")
    }
}

impl JsonSchema for Secret {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Secret".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "writeOnly": true})
    }
}

/// The settings of one site, resolved.
#[derive(Clone)]
pub struct SiteSettings {
    fields: Vec<FieldSpec>,
    values: BTreeMap<String, Value>,
    given: BTreeSet<String>,
    missing: Vec<String>,
}

impl SiteSettings {
    /// Checks `given` (setting name → value as text) against `fields`, the settings of `site`.
    pub fn resolve(
        site: &SiteDescription,
        fields: Vec<FieldSpec>,
        given: &BTreeMap<String, String>,
    ) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        let mut set = BTreeSet::new();
        for (name, text) in given {
            let Some(spec) = fields.iter().find(|s| s.name.eq_ignore_ascii_case(name)) else {
                let known: Vec<_> = fields.iter().map(|s| s.name.as_str()).collect();
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
            let var = site.setting_env_var(&spec.name);
            let value = convert(spec, Value::from(text.as_str()))
                .map_err(|why| why.replacen(&format!("parameter '{}'", spec.name), &var, 1))?;
            if let Some(value) = value {
                values.insert(spec.name.clone(), value);
                set.insert(spec.name.clone());
            }
        }
        let mut missing = Vec::new();
        for spec in &fields {
            if values.contains_key(&spec.name) {
                continue;
            }
            match &spec.default {
                Some(default) => {
                    values.insert(spec.name.clone(), default.clone());
                }
                None if spec.required => missing.push(spec.name.clone()),
                None => {}
            }
        }
        Ok(Self {
            fields,
            values,
            given: set,
            missing,
        })
    }

    /// The fields of the settings type.
    pub fn fields(&self) -> &[FieldSpec] {
        &self.fields
    }

    /// The values (defaults included) as a JSON object, to deserialise into the settings type.
    pub fn to_object(&self) -> Value {
        Value::Object(
            self.values
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>(),
        )
    }

    /// Required settings that are not set: while any is, the site answers `not_configured`.
    pub fn missing(&self) -> &[String] {
        &self.missing
    }

    /// Whether every required setting is set.
    pub fn is_configured(&self) -> bool {
        self.missing.is_empty()
    }

    /// Whether the operator set this setting (a default does not count).
    pub fn is_set(&self, name: &str) -> bool {
        self.given.contains(name)
    }
}

impl std::fmt::Debug for SiteSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.values {
            let secret = self.fields.iter().any(|s| s.name == *name && s.secret);
            if secret {
                map.entry(name, &"[REDACTED]");
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::fields_of;
    use serde::Deserialize;

    #[derive(Deserialize, JsonSchema)]
    #[expect(dead_code, reason = "read through its schema only")]
    struct Settings {
        /// The key.
        api_key: Secret,
        /// A flag.
        #[serde(default)]
        allow_x: bool,
    }

    static SITE: SiteDescription =
        SiteDescription::new("songstats", "Songstats", "https://songstats.com");

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn resolve(pairs: &[(&str, &str)]) -> Result<SiteSettings, String> {
        SiteSettings::resolve(&SITE, fields_of::<Settings>().unwrap(), &given(pairs))
    }

    #[test]
    fn required_defaults_types_and_masking() {
        let s = resolve(&[]).unwrap();
        assert_eq!(s.missing(), ["api_key"]);
        assert!(!s.is_set("allow_x"), "a default is not set by the operator");
        assert_eq!(s.to_object(), serde_json::json!({"allow_x": false}));
        let s = resolve(&[("API_KEY", "sekret"), ("allow_x", "yes")]).unwrap();
        assert!(s.is_configured());
        assert!(s.is_set("allow_x") && s.is_set("api_key"));
        assert_eq!(s.to_object()["allow_x"], true);
        assert!(!format!("{s:?}").contains("sekret"));
        let err = resolve(&[("allow_x", "maybe")]).unwrap_err();
        assert_eq!(
            err,
            "TECHNO_SCRAPER_SONGSTATS_ALLOW_X must be true or false, got 'maybe'"
        );
        let err = resolve(&[("apikey", "x")]).unwrap_err();
        assert!(err.contains("no setting 'apikey'"), "{err}");
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "[REDACTED]");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"[REDACTED]\"");
    }
}
