//! `cargo xtask corpus`: serve ../shared/corpus with its replay.py on a free loopback port,
//! start the gateway with TECHNO_SCRAPER_UPSTREAM_OVERRIDE pointing at it, and run check.py
//! with the expectations of every registered site. Both processes are stopped afterwards.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context as _;
use xshell::{Shell, cmd};

use crate::process::{Guard, free_port, wait_for_port};

pub(crate) struct Options {
    pub(crate) sites: Vec<String>,
    pub(crate) release: bool,
    pub(crate) corpus: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sites: Vec::new(),
            release: false,
            corpus: "../shared/corpus".into(),
        }
    }
}

/// Every site crate's `corpus.env` settings, for a gateway holding all the sites.
pub(crate) fn all_corpus_env(root: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for entry in std::fs::read_dir(root.join("crates"))? {
        let name = entry?.file_name();
        if let Some(slug) = name.to_str().and_then(|n| n.strip_prefix("scraper-")) {
            pairs.extend(corpus_env(root, slug)?);
        }
    }
    Ok(pairs)
}

/// The settings a site needs to answer its recorded corpus: its crate's `corpus.env`
/// (`TECHNO_SCRAPER_<SLUG>_<NAME>=value` lines, `#` comments), which its own corpus tests read too.
fn corpus_env(root: &Path, slug: &str) -> anyhow::Result<Vec<(String, String)>> {
    let file = root
        .join("crates")
        .join(format!("scraper-{slug}"))
        .join("corpus.env");
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(Vec::new());
    };
    let prefix = format!("TECHNO_SCRAPER_{}_", slug.to_ascii_uppercase());
    let mut pairs = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (name, value) = line
            .split_once('=')
            .with_context(|| format!("{}: '{line}' is not NAME=value", file.display()))?;
        anyhow::ensure!(
            name.starts_with(&prefix),
            "{}: {name} is not a setting of {slug}",
            file.display()
        );
        pairs.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(pairs)
}

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let corpus = sh.current_dir().join(&options.corpus);
    anyhow::ensure!(
        corpus.join("replay.py").exists(),
        "no corpus at {}",
        corpus.display()
    );
    let binary = crate::process::build_gateway(sh, options.release)?;

    let registered = registered_sites(&binary)?;
    let sites: Vec<String> = if options.sites.is_empty() {
        registered
            .iter()
            .filter(|s| corpus.join("expect").join(format!("{s}.json")).exists())
            .cloned()
            .collect()
    } else {
        for site in &options.sites {
            anyhow::ensure!(
                registered.contains(site),
                "'{site}' is not a registered site (registered: {})",
                registered.join(", ")
            );
        }
        let (recorded, unrecorded): (Vec<String>, Vec<String>) = options
            .sites
            .iter()
            .cloned()
            .partition(|s| corpus.join("expect").join(format!("{s}.json")).exists());
        for site in &unrecorded {
            println!("corpus: {site} has no recorded traffic (no expect/{site}.json); skipped");
        }
        recorded
    };
    if sites.is_empty() {
        println!(
            "corpus: no registered site has expectations in {}; nothing to check",
            corpus.display()
        );
        return Ok(());
    }

    let site_dirs: Vec<_> = sites
        .iter()
        .map(|s| corpus.join(s))
        .filter(|d| d.is_dir())
        .collect();
    let (replay, replay_port) = crate::process::start_replay(&corpus, &site_dirs)?;

    let gateway_port = free_port()?;
    let key = format!("corpus-{}", std::process::id());
    let mut gateway_cmd = Command::new(&binary);
    gateway_cmd
        .arg("serve")
        .env("TECHNO_SCRAPER_BIND", format!("127.0.0.1:{gateway_port}"))
        .env("TECHNO_SCRAPER_API_KEYS", &key)
        .env(
            "TECHNO_SCRAPER_UPSTREAM_OVERRIDE",
            format!("http://127.0.0.1:{replay_port}"),
        )
        .env("TECHNO_SCRAPER_CACHE_MAX_MB", "0")
        .env("TECHNO_SCRAPER_LOG_LEVEL", "warn")
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for site in &sites {
        for (name, value) in corpus_env(&sh.current_dir(), site)? {
            gateway_cmd.env(name, value);
        }
    }
    let mut gateway = Guard::new(
        "techno-scraper",
        gateway_cmd.spawn().context("could not start the gateway")?,
    );
    wait_for_port(gateway_port, &mut gateway, Duration::from_secs(30))?;

    let expectations: Vec<_> = sites
        .iter()
        .map(|s| corpus.join("expect").join(format!("{s}.json")))
        .collect();
    let check = corpus.join("check.py");
    let url = format!("http://127.0.0.1:{gateway_port}");
    println!(
        "corpus: checking {} against replayed traffic",
        sites.join(", ")
    );
    let result = cmd!(
        sh,
        "python3 {check} --gateway {url} --key {key} {expectations...}"
    )
    .run();
    drop(gateway);
    drop(replay);
    result.context("corpus expectations failed")
}

fn registered_sites(binary: &Path) -> anyhow::Result<Vec<String>> {
    let output = Command::new(binary)
        .args(["sites", "--json"])
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "techno-scraper sites failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let catalogue: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    Ok(catalogue
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["slug"].as_str().map(str::to_owned))
        .collect())
}
