//! Reading the settings: built-in defaults < an optional TOML file (`TECHNO_SCRAPER_CONFIG`) <
//! environment (`TECHNO_SCRAPER_*`, per site `TECHNO_SCRAPER_<SITE>_<NAME>`), with the `config`
//! crate. Every secret also reads `<VAR>_FILE` (a compose or Kubernetes secret file). Unknown
//! `TECHNO_SCRAPER_*` variables are warned about, as likely typos.

use std::collections::HashMap;

use anyhow::Context as _;
use scraper_core::{FieldSpec, SiteSpec, ValueKind};

use super::{ENV_PREFIX, Settings, env_var, fields};

/// Settings and the warnings met while reading them (logged once logging is set up).
#[derive(Debug)]
pub struct Loaded {
    /// The settings.
    pub settings: Settings,
    /// Unknown `TECHNO_SCRAPER_*` variables, likely typos.
    pub warnings: Vec<String>,
}

/// A setting an environment variable names.
enum Target<'a> {
    /// A gateway setting.
    General(&'a FieldSpec),
    /// A setting of a site.
    Site(&'static str, &'a FieldSpec),
}

fn target<'a>(sites: &'a [SiteSpec], var: &str) -> Option<Target<'a>> {
    if let Some(field) = fields().iter().find(|f| env_var(&f.name) == var) {
        return Some(Target::General(field));
    }
    sites.iter().find_map(|site| {
        site.settings
            .iter()
            .find(|s| site.description.setting_env_var(&s.name) == var)
            .map(|s| Target::Site(site.description.slug, s))
    })
}

fn field_of<'a>(target: &Target<'a>) -> &'a FieldSpec {
    match target {
        Target::General(f) | Target::Site(_, f) => f,
    }
}

/// The value of a secret's `_FILE`: a list takes one item per line (`#` comments), anything else
/// the whole file, trimmed.
fn read_secret_file(var: &str, path: &str, field: &FieldSpec) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path.trim())
        .with_context(|| format!("could not read {var}_FILE {}", path.trim()))?;
    Ok(match field.kind {
        ValueKind::List => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join(","),
        _ => text.trim().to_owned(),
    })
}

impl Settings {
    /// Reads the settings from the process environment, for the given sites.
    pub fn load(sites: &[SiteSpec]) -> anyhow::Result<Loaded> {
        Self::load_from(&std::env::vars().collect(), sites)
    }

    /// Reads the settings from `env` (variable → value), for the given sites.
    pub fn load_from(env: &HashMap<String, String>, sites: &[SiteSpec]) -> anyhow::Result<Loaded> {
        let mut warnings = Vec::new();
        // Secrets first get their _FILE values, merged with the variable itself.
        let mut values: HashMap<String, String> = HashMap::new();
        for (var, value) in env.iter().filter(|(v, _)| v.starts_with(ENV_PREFIX)) {
            if let Some(stem) = var.strip_suffix("_FILE")
                && let Some(found) = target(sites, stem)
                && field_of(&found).secret
            {
                if value.trim().is_empty() {
                    continue;
                }
                let field = field_of(&found);
                let from_file = read_secret_file(stem, value, field)?;
                let merged = match (
                    env.get(stem).map(|v| v.trim()).filter(|v| !v.is_empty()),
                    field.kind,
                ) {
                    (None, _) => from_file,
                    (Some(direct), ValueKind::List) => format!("{direct},{from_file}"),
                    (Some(_), _) => anyhow::bail!("both {stem} and {stem}_FILE are set; set one"),
                };
                values.insert(stem.to_owned(), merged);
            } else if !values.contains_key(var) {
                values.insert(var.clone(), value.clone());
            }
        }
        let mut builder = config::Config::builder();
        if let Some(path) = values
            .get("TECHNO_SCRAPER_CONFIG")
            .filter(|p| !p.trim().is_empty())
        {
            builder = builder.add_source(
                config::File::from(std::path::Path::new(path))
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        let mut general = HashMap::new();
        for (var, value) in &values {
            match target(sites, var) {
                Some(Target::Site(slug, field)) => {
                    builder = builder
                        .set_override(format!("sites.{slug}.{}", field.name), value.as_str())
                        .context("could not apply a site setting")?;
                }
                Some(Target::General(_)) => {
                    general.insert(var.clone(), value.clone());
                }
                None => warnings.push(format!("{var} is not a setting of techno-scraper; ignored")),
            }
        }
        let mut environment = config::Environment::with_prefix("TECHNO_SCRAPER")
            .prefix_separator("_")
            .try_parsing(true)
            .list_separator(",");
        for field in fields().iter().filter(|f| f.kind == ValueKind::List) {
            environment = environment.with_list_parse_key(&field.name);
        }
        builder = builder.add_source(environment.source(Some(general.into_iter().collect())));
        let settings: Settings = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .context("invalid settings")?;
        warnings.sort();
        Ok(Loaded { settings, warnings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::LogFormat;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_come_from_the_struct() {
        let loaded = Settings::load_from(&env(&[]), &[]).unwrap();
        let s = loaded.settings;
        let d = Settings::default();
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::to_value(&d).unwrap()
        );
        for field in fields() {
            let actual = &serde_json::to_value(&s).unwrap()[&field.name];
            match &field.default {
                Some(default) => assert_eq!(actual, default, "{}", field.name),
                None => assert!(
                    actual.is_null() || actual == &serde_json::json!([]),
                    "{}",
                    field.name
                ),
            }
        }
    }

    #[test]
    fn environment_beats_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.toml");
        std::fs::write(
            &file,
            "bind = \"127.0.0.1:9000\"\nworkers = 3\nlog_format = \"json\"\n[sites.songstats]\napi_key = \"from-file\"\n",
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let loaded = Settings::load_from(&env(&[("TECHNO_SCRAPER_CONFIG", path)]), &[]).unwrap();
        assert_eq!(loaded.settings.bind, "127.0.0.1:9000");
        assert_eq!(loaded.settings.workers, 3);
        assert_eq!(loaded.settings.log_format, LogFormat::Json);
        assert_eq!(loaded.settings.sites["songstats"]["api_key"], "from-file");

        let loaded = Settings::load_from(
            &env(&[
                ("TECHNO_SCRAPER_CONFIG", path),
                ("TECHNO_SCRAPER_BIND", "0.0.0.0:8000"),
                ("TECHNO_SCRAPER_API_KEYS", "k1,12345,k3"),
                ("TECHNO_SCRAPER_UPSTREAM_ATTEMPTS", "5"),
                ("TECHNO_SCRAPER_BIDN", "typo"),
            ]),
            &[],
        )
        .unwrap();
        let s = loaded.settings;
        assert_eq!(s.bind, "0.0.0.0:8000");
        assert_eq!(
            s.workers, 3,
            "file values stay where the environment is silent"
        );
        let keys: Vec<_> = s.api_keys.iter().map(|k| k.expose().to_owned()).collect();
        assert_eq!(keys, ["k1", "12345", "k3"]);
        assert_eq!(s.upstream_attempts, 5);
        assert_eq!(
            loaded.warnings,
            ["TECHNO_SCRAPER_BIDN is not a setting of techno-scraper; ignored"]
        );
        assert!(
            !format!("{s:?}").contains("k1"),
            "keys never appear in Debug output"
        );
    }

    #[test]
    fn every_secret_reads_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::write(&keys, "# rotation\nold-key\n\n  new-key  \n").unwrap();
        let proxy = dir.path().join("proxy");
        std::fs::write(&proxy, "http://user:pw@squid:3128\n").unwrap();
        let loaded = Settings::load_from(
            &env(&[
                ("TECHNO_SCRAPER_API_KEYS", "direct"),
                ("TECHNO_SCRAPER_API_KEYS_FILE", keys.to_str().unwrap()),
                (
                    "TECHNO_SCRAPER_UPSTREAM_PROXY_FILE",
                    proxy.to_str().unwrap(),
                ),
            ]),
            &[],
        )
        .unwrap();
        let s = loaded.settings;
        let keys: Vec<_> = s.api_keys.iter().map(|k| k.expose().to_owned()).collect();
        assert_eq!(keys, ["direct", "old-key", "new-key"]);
        assert_eq!(
            s.upstream_proxy.as_ref().map(|p| p.expose()),
            Some("http://user:pw@squid:3128")
        );
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let err = Settings::load_from(
            &env(&[("TECHNO_SCRAPER_API_KEYS_FILE", "/nonexistent/keys")]),
            &[],
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/keys"), "{err:#}");
        let err = Settings::load_from(
            &env(&[
                ("TECHNO_SCRAPER_UPSTREAM_PROXY", "http://a:1"),
                (
                    "TECHNO_SCRAPER_UPSTREAM_PROXY_FILE",
                    proxy.to_str().unwrap(),
                ),
            ]),
            &[],
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("set one"), "{err:#}");
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let err =
            Settings::load_from(&env(&[("TECHNO_SCRAPER_WORKERS", "many")]), &[]).unwrap_err();
        assert!(format!("{err:#}").contains("workers"), "{err:#}");
        let err = Settings::load_from(
            &env(&[("TECHNO_SCRAPER_CONFIG", "/nonexistent/x.toml")]),
            &[],
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("/nonexistent/x.toml"),
            "{err:#}"
        );
    }
}
