//! The settings documentation, generated from the one declaration of each setting (the gateway's
//! [`Settings`](super::Settings) and every site's settings type): `.env.example` and the two
//! tables of README.md. `cargo xtask docs` writes them; `tests/docs.rs` regenerates and diffs.

use std::fmt::Write as _;

use scraper_core::{FieldSpec, SiteSpec};
use serde_json::Value;

use super::{env_var, fields};

/// Where the gateway's table sits in README.md.
const GATEWAY_MARKERS: (&str, &str) = (
    "<!-- generated: gateway settings (cargo xtask docs) -->",
    "<!-- end of generated gateway settings -->",
);
/// Where the sites' table sits in README.md.
const SITES_MARKERS: (&str, &str) = (
    "<!-- generated: site settings (cargo xtask docs) -->",
    "<!-- end of generated site settings -->",
);

/// One documented setting.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingRow {
    /// Its environment variable.
    pub var: String,
    /// Its default as text (empty: none).
    pub default: String,
    /// Its description, with what a reader must know (required, secret).
    pub meaning: String,
    /// A secret: it also reads `<var>_FILE`.
    pub secret: bool,
}

fn default_text(field: &FieldSpec) -> String {
    match &field.default {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => other.to_string(),
    }
}

fn row(var: String, field: &FieldSpec) -> SettingRow {
    let mut meaning = field.description.trim().to_owned();
    if !meaning.ends_with(['.', '!', '?']) {
        meaning.push('.');
    }
    if field.required {
        meaning.push_str(" Required: without it the site answers `not_configured`.");
    }
    if field.secret {
        let _ = write!(
            meaning,
            " Secret: never logged; also read from `{var}_FILE`."
        );
    }
    SettingRow {
        default: default_text(field),
        meaning,
        secret: field.secret,
        var,
    }
}

/// Every setting, gateway first, then each site's, as documented.
pub fn setting_rows(sites: &[SiteSpec]) -> (Vec<SettingRow>, Vec<SettingRow>) {
    let general = fields().iter().map(|f| row(env_var(&f.name), f)).collect();
    let per_site = sites
        .iter()
        .flat_map(|site| {
            site.settings
                .iter()
                .map(|f| row(site.description.setting_env_var(&f.name), f))
        })
        .collect();
    (general, per_site)
}

/// The whole `.env.example`.
pub fn env_example(sites: &[SiteSpec]) -> String {
    let (general, per_site) = setting_rows(sites);
    let mut out = String::from(
        "# techno-scraper settings, with their defaults. Copy to .env and adjust.\n\
         # Variables are read from the environment; see README.md (Settings).\n\
         # Generated from the code by `cargo xtask docs`: do not edit by hand.\n",
    );
    let write = |out: &mut String, row: &SettingRow| {
        let _ = write!(out, "\n# {}\n{}={}\n", row.meaning, row.var, row.default);
        if row.secret {
            let _ = writeln!(out, "{}_FILE=", row.var);
        }
    };
    for row in &general {
        write(&mut out, row);
    }
    out.push_str("\n# --- Per-site settings: TECHNO_SCRAPER_<SITE>_<NAME> ---\n");
    for row in &per_site {
        write(&mut out, row);
    }
    out
}

fn table(rows: &[SettingRow]) -> String {
    let mut out = String::from("| Variable | Default | Meaning |\n|---|---|---|\n");
    for row in rows {
        let default = if row.default.is_empty() {
            "—".to_owned()
        } else {
            format!("`{}`", row.default)
        };
        let _ = writeln!(
            out,
            "| `{}` | {default} | {} |",
            row.var,
            row.meaning.replace('|', "\\|")
        );
    }
    out
}

/// `readme` with its two settings tables regenerated; an error when a marker is missing.
pub fn readme_with_tables(readme: &str, sites: &[SiteSpec]) -> Result<String, String> {
    let (general, per_site) = setting_rows(sites);
    let readme = replace_between(readme, GATEWAY_MARKERS, &table(&general))?;
    replace_between(&readme, SITES_MARKERS, &table(&per_site))
}

fn replace_between(text: &str, (start, end): (&str, &str), body: &str) -> Result<String, String> {
    let from = text
        .find(start)
        .ok_or_else(|| format!("README.md lacks the line {start}"))?
        + start.len();
    let to = text[from..]
        .find(end)
        .map(|i| from + i)
        .ok_or_else(|| format!("README.md lacks the line {end}"))?;
    Ok(format!("{}\n{body}{}", &text[..from], &text[to..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_replace_what_is_between_the_markers() {
        let readme = format!(
            "intro\n{}\nold\n{}\nmiddle\n{}\n{}\nend\n",
            GATEWAY_MARKERS.0, GATEWAY_MARKERS.1, SITES_MARKERS.0, SITES_MARKERS.1
        );
        let out = readme_with_tables(&readme, &[]).unwrap();
        assert!(out.starts_with("intro\n"));
        assert!(!out.contains("old"));
        assert!(out.contains(
            "| `TECHNO_SCRAPER_BIND` | `127.0.0.1:8000` | Address and port to listen on. |"
        ));
        assert!(out.contains("also read from `TECHNO_SCRAPER_API_KEYS_FILE`"));
        assert!(out.ends_with("\nend\n"));
        assert_eq!(readme_with_tables(&out, &[]).unwrap(), out, "stable");
        assert!(readme_with_tables("no markers", &[]).is_err());
        let env = env_example(&[]);
        assert!(env.contains("\nTECHNO_SCRAPER_BIND=127.0.0.1:8000\n"));
        assert!(env.contains("\nTECHNO_SCRAPER_API_KEYS=\nTECHNO_SCRAPER_API_KEYS_FILE=\n"));
        assert!(env.contains("\nTECHNO_SCRAPER_WORKERS=0\n"));
    }
}
