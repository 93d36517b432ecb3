//! What `cargo xtask deploy` writes on the VPS besides compose.yaml: the `.env` (settings from
//! `--env-file`, plus the image, tag and port it deploys) and the API keys secret. Checked here,
//! before anything is sent, so a typo fails the deploy instead of the service.

use anyhow::Context as _;

/// Names the deploy itself sets in `.env`, or that must not come from settings at all.
const RESERVED: &[(&str, &str)] = &[
    ("GATEWAY_IMAGE", "use --image"),
    ("GATEWAY_TAG", "use --tag"),
    ("GATEWAY_PORT", "use --publish-port"),
    ("COMPOSE_PROFILES", "use --n8n"),
    (
        "TECHNO_SCRAPER_API_KEYS",
        "API keys are a secret: the TECHNO_SCRAPER_API_KEYS environment variable or --api-keys-file",
    ),
    (
        "TECHNO_SCRAPER_API_KEYS_FILE",
        "compose.yaml points it at the secret",
    ),
    (
        "TECHNO_SCRAPER_BIND",
        "compose.yaml fixes it to 0.0.0.0:8000 inside the container",
    ),
];

/// One `NAME=value` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Setting {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// Reads settings from a dotenv-style text (`NAME=value` lines, `#` comments, blank lines).
/// Empty values are dropped: they mean "the default".
pub(crate) fn parse_settings(text: &str, origin: &str) -> anyhow::Result<Vec<Setting>> {
    let mut settings = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (name, value) = line
            .split_once('=')
            .with_context(|| format!("{origin}:{}: not a NAME=value line", number + 1))?;
        let name = name.trim();
        let value = unquote(value.trim());
        check_name(name).with_context(|| format!("{origin}:{}", number + 1))?;
        anyhow::ensure!(
            !value.contains('\''),
            "{origin}:{}: the value of {name} contains a single quote, which .env cannot carry here",
            number + 1
        );
        if !value.is_empty() {
            settings.retain(|s: &Setting| s.name != name);
            settings.push(Setting {
                name: name.to_owned(),
                value: value.to_owned(),
            });
        }
    }
    Ok(settings)
}

fn unquote(value: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

fn check_name(name: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
        "'{name}' is not a variable name (A-Z, 0-9, _)"
    );
    if let Some((_, why)) = RESERVED.iter().find(|(n, _)| *n == name) {
        anyhow::bail!("{name} cannot be set here: {why}");
    }
    Ok(())
}

/// What the deploy writes into `.env` beside the settings.
pub(crate) struct Deployment<'a> {
    pub(crate) image: &'a str,
    pub(crate) tag: &'a str,
    pub(crate) port: u16,
    pub(crate) n8n: bool,
}

/// The `.env` text: the deployment's variables, then the settings. Values are single-quoted, so
/// compose takes them literally (no `$` interpolation).
pub(crate) fn render_env(deployment: &Deployment<'_>, settings: &[Setting]) -> String {
    let mut out = String::from(
        "# Written by `cargo xtask deploy`: change settings where they come from (repository\n\
         # variables or --env-file), not here; the next deploy rewrites this file.\n",
    );
    out.push_str(&format!("GATEWAY_IMAGE='{}'\n", deployment.image));
    out.push_str(&format!("GATEWAY_TAG='{}'\n", deployment.tag));
    out.push_str(&format!("GATEWAY_PORT='{}'\n", deployment.port));
    if deployment.n8n {
        out.push_str("COMPOSE_PROFILES='n8n'\n");
    }
    for setting in settings {
        out.push_str(&format!("{}='{}'\n", setting.name, setting.value));
    }
    out
}

/// The names `.env` will hold, for the progress output (values are never printed).
pub(crate) fn env_names(deployment: &Deployment<'_>, settings: &[Setting]) -> Vec<String> {
    let mut names = vec![
        "GATEWAY_IMAGE".to_owned(),
        "GATEWAY_TAG".to_owned(),
        "GATEWAY_PORT".to_owned(),
    ];
    if deployment.n8n {
        names.push("COMPOSE_PROFILES".to_owned());
    }
    names.extend(settings.iter().map(|s| s.name.clone()));
    names
}

/// API keys from a comma-separated list or a file's lines; the secret file's text and the count.
pub(crate) fn api_keys_secret(keys: &[&str]) -> anyhow::Result<(String, usize)> {
    let keys: Vec<&str> = keys
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
        .collect();
    anyhow::ensure!(!keys.is_empty(), "no API key given");
    for (i, key) in keys.iter().enumerate() {
        anyhow::ensure!(
            !key.chars().any(char::is_whitespace),
            "API key #{} contains whitespace",
            i + 1
        );
        anyhow::ensure!(
            key.len() >= 16,
            "API key #{} is shorter than 16 characters: use a long random key (openssl rand -hex 24)",
            i + 1
        );
    }
    let mut text = String::from(
        "# API keys of techno-scraper, one per line (written by cargo xtask deploy)\n",
    );
    for key in &keys {
        text.push_str(key);
        text.push('\n');
    }
    Ok((text, keys.len()))
}

/// Checks a tag the way a registry would accept it.
pub(crate) fn check_tag(tag: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !tag.is_empty()
            && tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "'{tag}' is not an image tag (letters, digits, . _ -, at most 128)"
    );
    Ok(())
}

/// Checks an image name without tag (`ghcr.io/owner/techno-scraper`, `127.0.0.1:5000/x`).
pub(crate) fn check_image(image: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !image.is_empty()
            && !image.starts_with(['-', '/', ':'])
            && !image.contains("//")
            && image
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "./_:-".contains(c))
            && !image.rsplit('/').next().unwrap_or_default().contains(':'),
        "'{image}' is not an image name without tag (lowercase, e.g. ghcr.io/owner/techno-scraper)"
    );
    Ok(())
}

/// The registry an image lives in (`docker.io` when the first part is not a host).
pub(crate) fn registry_of(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

/// Checks the deploy directory: relative to the SSH user's home, or absolute.
pub(crate) fn check_dir(dir: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !dir.is_empty()
            && !dir.starts_with('-')
            && !dir.split('/').any(|part| part == "..")
            && dir
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c)),
        "'{dir}' is not a plain directory path (relative to the SSH user's home, or absolute; no ~ or ..)"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_like_dotenv_and_reserved_names_refused() {
        let text = "# comment\n\nTECHNO_SCRAPER_LOG_FORMAT=json\nexport TZ=\"Europe/Berlin\"\n\
                    TECHNO_SCRAPER_PUBLIC_URL=\nTECHNO_SCRAPER_LOG_FORMAT='text'\n";
        let settings = parse_settings(text, "s.env").unwrap();
        assert_eq!(
            settings,
            [
                Setting {
                    name: "TZ".into(),
                    value: "Europe/Berlin".into()
                },
                Setting {
                    name: "TECHNO_SCRAPER_LOG_FORMAT".into(),
                    value: "text".into()
                },
            ]
        );
        let err = parse_settings("TECHNO_SCRAPER_API_KEYS=abc\n", "s.env").unwrap_err();
        assert!(format!("{err:#}").contains("secret"), "{err:#}");
        assert!(parse_settings("lower=1\n", "s.env").is_err());
        assert!(parse_settings("JUSTANAME\n", "s.env").is_err());
        assert!(parse_settings("A=it's\n", "s.env").is_err());
    }

    #[test]
    fn env_holds_the_deployment_then_the_settings_single_quoted() {
        let deployment = Deployment {
            image: "ghcr.io/o/techno-scraper",
            tag: "abc123",
            port: 8000,
            n8n: true,
        };
        let settings = [Setting {
            name: "TECHNO_SCRAPER_USER_AGENT".into(),
            value: "Mozilla/5.0 $HOME".into(),
        }];
        let text = render_env(&deployment, &settings);
        assert!(text.contains("GATEWAY_IMAGE='ghcr.io/o/techno-scraper'\n"));
        assert!(
            text.contains("GATEWAY_TAG='abc123'\nGATEWAY_PORT='8000'\nCOMPOSE_PROFILES='n8n'\n")
        );
        assert!(text.ends_with("TECHNO_SCRAPER_USER_AGENT='Mozilla/5.0 $HOME'\n"));
        assert_eq!(env_names(&deployment, &settings).len(), 5);
    }

    #[test]
    fn api_keys_become_one_per_line() {
        let (text, count) =
            api_keys_secret(&["0123456789abcdef01", " fedcba9876543210ff ", ""]).unwrap();
        assert_eq!(count, 2);
        assert!(text.ends_with("0123456789abcdef01\nfedcba9876543210ff\n"));
        assert!(api_keys_secret(&[""]).is_err());
        assert!(api_keys_secret(&["short"]).is_err());
        assert!(api_keys_secret(&["with space in the key!"]).is_err());
    }

    #[test]
    fn names_tags_and_dirs_are_checked() {
        check_tag("0f9e8d7c6b5a").unwrap();
        check_tag("v1.2.3").unwrap();
        assert!(check_tag("-x").is_err());
        assert!(check_tag("a;b").is_err());
        check_image("ghcr.io/owner/techno-scraper").unwrap();
        check_image("127.0.0.1:5000/techno-scraper").unwrap();
        assert!(check_image("ghcr.io/Owner/x").is_err());
        assert!(check_image("x:latest").is_err());
        assert_eq!(registry_of("ghcr.io/o/x"), "ghcr.io");
        assert_eq!(registry_of("127.0.0.1:5000/x"), "127.0.0.1:5000");
        assert_eq!(registry_of("o/x"), "docker.io");
        check_dir("techno-scraper").unwrap();
        check_dir("/opt/techno-scraper").unwrap();
        assert!(check_dir("~/x").is_err());
        assert!(check_dir("../x").is_err());
        assert!(check_dir("a b").is_err());
    }
}
