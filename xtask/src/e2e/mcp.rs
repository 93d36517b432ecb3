//! `cargo xtask e2e mcp`: the MCP server checked by a real client, the official Python MCP SDK
//! (`mcp` from PyPI, installed into a venv under target/ when missing). The gateway binary runs
//! against a mock upstream served here (the site crates' fixtures) and, when ../shared/corpus
//! exists, against its replay.py; for each, `mcp/client.py` connects over streamable HTTP with a
//! key and over stdio (`techno-scraper mcp`), initializes, lists the tools (one per action),
//! calls one action per site, pages a list tool by `next_cursor`, gets scrape errors as
//! `isError` results and is refused without a valid key. Everything listens on 127.0.0.1 and is
//! stopped (by PID) at the end.

mod mock;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};
use xshell::{Shell, cmd};

use super::report::Report;
use crate::compose::E2E_CACHE;
use crate::process::{Guard, free_port, wait_for_port};
use mock::{MockUpstream, Route, ok};

/// The SDK, pinned (its client API moved between majors).
const MCP_SDK: &str = "mcp==2.3.0";

/// `cargo xtask e2e mcp` flags.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Check the release build of the gateway (default: the debug build).
    #[arg(long)]
    pub(crate) release: bool,
    /// Where the recorded corpus lives; the replay run is skipped when it is absent.
    #[arg(long, default_value = "../shared/corpus")]
    pub(crate) corpus: String,
    /// Never install anything (pip): fail when the SDK is missing.
    #[arg(long)]
    pub(crate) no_install: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            release: false,
            corpus: "../shared/corpus".into(),
            no_install: false,
        }
    }
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// What the mock upstream serves: one success per site (from its crate's fixtures), the pages
/// of a listing, and a rate limit with `Retry-After`.
static ROUTES: &[Route] = &[
    // Bandcamp: "night ferry" in two search pages; an artist with its releases.
    ok(
        "bandcamp.com",
        "/search",
        "page=2",
        ("bandcamp", "search_tracks_last_page.html"),
        HTML,
    ),
    ok(
        "bandcamp.com",
        "/search",
        "q=night ferry",
        ("bandcamp", "search_all_page1.html"),
        HTML,
    ),
    ok(
        "nightferry.bandcamp.com",
        "/",
        "",
        ("bandcamp", "band_music_grid.html"),
        HTML,
    ),
    ok(
        "bandcamp.com",
        "/api/mobile/22/band_details",
        "",
        ("bandcamp", "band_details.json"),
        JSON,
    ),
    // Beatport: a genre chart; another genre's chart is rate limited.
    ok(
        "www.beatport.com",
        "/genre/-/6/top-100",
        "",
        ("beatport", "genre_top100_page.html"),
        HTML,
    ),
    Route {
        host: "www.beatport.com",
        path: "/genre/-/99/top-100",
        query: "",
        status: 429,
        body: ("", "slow down"),
        content_type: "text/plain",
        retry_after: Some("7"),
    },
    // SoundCloud: the homepage (client_id), a handle resolved, its links.
    ok(
        "soundcloud.com",
        "/",
        "",
        ("soundcloud", "homepage.html"),
        HTML,
    ),
    ok(
        "api-v2.soundcloud.com",
        "/resolve",
        "soundcloud.com/nachtwerk-kollektiv",
        ("soundcloud", "user.json"),
        JSON,
    ),
    ok(
        "api-v2.soundcloud.com",
        "/users/31415926/web-profiles",
        "",
        ("soundcloud", "web_profiles.json"),
        JSON,
    ),
    // Facebook: a page.
    ok(
        "www.facebook.com",
        "/kellerwerkclub/",
        "",
        ("facebook", "page_2023.html"),
        HTML,
    ),
    // Instagram: a public profile.
    ok(
        "www.instagram.com",
        "/api/v1/users/web_profile_info/",
        "",
        ("instagram", "web_profile_info_public.json"),
        JSON,
    ),
    // Songstats (an API with a key; the mock run gives it a placeholder key).
    ok(
        "api.songstats.com",
        "/enterprise/v1/artists/info",
        "",
        ("songstats", "artist_info.json"),
        JSON,
    ),
];

/// The calls against the mock: (label, tool, arguments, expected values or error code).
fn mock_calls() -> Value {
    json!([
        {"label": "bandcamp artist with releases", "tool": "bandcamp_artist",
         "arguments": {"url": "https://nightferry.bandcamp.com"},
         "expect": {"data.id": 1111111111_u64, "data.location": "Hamburg, Germany", "data.releases[2].title": "First Crossing"}},
        {"label": "beatport genre chart", "tool": "beatport_top100", "arguments": {"genre_id": 6, "limit": 3},
         "expect": {"len(data)": 3, "data[0].position": 1}},
        {"label": "soundcloud profile by handle", "tool": "soundcloud_profile",
         "arguments": {"user": "nachtwerk-kollektiv"},
         "expect": {"data.id": 31415926, "data.username": "nachtwerk-kollektiv", "data.name": "Nachtwerk Kollektiv"}},
        {"label": "facebook page", "tool": "facebook_page", "arguments": {"page": "kellerwerkclub"},
         "expect": {"data.id": "100064512345678", "data.name": "Kellerwerk Techno Club", "data.followers_count": 13000}},
        {"label": "instagram profile", "tool": "instagram_profile", "arguments": {"user": "nightferry"},
         "expect": {"data.id": "48210033951", "data.username": "nightferry", "data.full_name": "Night Ferry"}},
        {"label": "songstats artist (placeholder key)", "tool": "songstats_artist",
         "arguments": {"spotify_artist_id": "28j8lBWDdDSHSSt5oPlsX2"},
         "expect": {"data.songstats_artist_id": "k3v9x2qa", "data.name": "Marlen Vosk", "data.country": "DE"}},
        {"label": "upstream 404", "tool": "soundcloud_profile", "arguments": {"user": "nobody-here"},
         "error": "not_found", "status": 404},
        {"label": "upstream 429 with Retry-After", "tool": "beatport_top100", "arguments": {"genre_id": 99},
         "error": "rate_limited", "retry_after": 7},
        {"label": "a foreign URL", "tool": "soundcloud_track", "arguments": {"url": "https://example.com/a/b"},
         "error": "invalid_params", "status": 400},
        {"label": "an unknown parameter", "tool": "beatport_top100", "arguments": {"genre_id": 6, "genre": "techno"},
         "error": "invalid_params"},
    ])
}

/// The list walked page by page against the mock.
fn mock_walk() -> Value {
    json!({"tool": "bandcamp_search", "arguments": {"q": "night ferry", "limit": 4}, "pages": 2, "items": 8,
           "ids": [1111111111_u64, 2222222222_u64, 3333333333_u64, 4444444444_u64, 6666666666_u64,
                   7777777777_u64, 6666666666_u64, 4444444444_u64]})
}

/// The venv's python with the SDK importable, installed when missing.
fn sdk_python(sh: &Shell, root: &Path, install: bool) -> anyhow::Result<PathBuf> {
    let venv = root.join(E2E_CACHE).join("mcp-venv");
    let python = venv.join("bin/python");
    let ready = || {
        cmd!(sh, "{python} -c 'import mcp.client.session'")
            .quiet()
            .ignore_stderr()
            .run()
            .is_ok()
    };
    if python.is_file() && ready() {
        return Ok(python);
    }
    anyhow::ensure!(
        install,
        "the Python MCP SDK is missing from {} (run without --no-install)",
        venv.display()
    );
    println!("  installing {MCP_SDK} into {}", venv.display());
    sh.create_dir(root.join(E2E_CACHE))?;
    if !python.is_file() {
        cmd!(sh, "python3 -m venv {venv}").run()?;
    }
    let pip = venv.join("bin/pip");
    cmd!(
        sh,
        "{pip} install --quiet --disable-pip-version-check {MCP_SDK}"
    )
    .run()?;
    anyhow::ensure!(ready(), "{MCP_SDK} installed, but `import mcp` fails");
    Ok(python)
}

/// `techno-scraper sites --json` under these settings.
fn catalogue(binary: &Path, env: &BTreeMap<String, String>) -> anyhow::Result<Value> {
    let output = Command::new(binary)
        .args(["sites", "--json"])
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .envs(env)
        .output()
        .context("could not run techno-scraper sites")?;
    anyhow::ensure!(
        output.status.success(),
        "techno-scraper sites failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// One gateway against one upstream, checked by the client over HTTP and stdio.
struct Run<'a> {
    name: &'static str,
    python: &'a Path,
    binary: &'a Path,
    work: &'a Path,
    upstream_port: u16,
    settings: BTreeMap<String, String>,
    calls: Value,
    walk: Value,
    corpus: Option<PathBuf>,
}

impl Run<'_> {
    fn check(&self, sh: &Shell) -> anyhow::Result<()> {
        let mut env = self.settings.clone();
        env.insert(
            "TECHNO_SCRAPER_UPSTREAM_OVERRIDE".into(),
            format!("http://127.0.0.1:{}", self.upstream_port),
        );
        env.insert("TECHNO_SCRAPER_CACHE_MAX_MB".into(), "0".into());
        env.insert("TECHNO_SCRAPER_LOG_LEVEL".into(), "warn".into());
        let catalogue = catalogue(self.binary, &env)?;
        let sites = catalogue
            .as_array()
            .context("the catalogue is not a list")?;

        let port = free_port()?;
        let key = format!("mcp-e2e-{}", std::process::id());
        let mut gateway = Guard::new(
            "techno-scraper",
            Command::new(self.binary)
                .arg("serve")
                .env_remove("TECHNO_SCRAPER_CONFIG")
                .envs(&env)
                .env("TECHNO_SCRAPER_BIND", format!("127.0.0.1:{port}"))
                .env("TECHNO_SCRAPER_API_KEYS", &key)
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .context("could not start the gateway")?,
        );
        wait_for_port(port, &mut gateway, Duration::from_secs(30))?;

        let expectations: Vec<String> = match &self.corpus {
            None => Vec::new(),
            Some(corpus) => sites
                .iter()
                .filter_map(|s| s["slug"].as_str())
                .map(|slug| corpus.join("expect").join(format!("{slug}.json")))
                .filter(|f| f.is_file())
                .map(|f| f.display().to_string())
                .collect(),
        };
        let stdio_log = self
            .work
            .join(format!("stdio-{}.log", self.name.replace(' ', "-")));
        let plan = json!({
            "name": self.name,
            "http": {"url": format!("http://127.0.0.1:{port}/mcp"), "key": key},
            "stdio": {"command": self.binary, "args": ["mcp"], "env": env, "log": stdio_log},
            "catalogue": sites,
            "calls": self.calls,
            "walk": self.walk,
            "corpus": self.corpus,
            "expectations": expectations,
        });
        let plan_file = self
            .work
            .join(format!("plan-{}.json", self.name.replace(' ', "-")));
        std::fs::write(&plan_file, serde_json::to_vec_pretty(&plan)?)?;
        let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/e2e/mcp/client.py");
        let python = self.python;
        let result = cmd!(sh, "{python} {client} {plan_file}").run();
        gateway.ensure_running()?;
        drop(gateway);
        if result.is_err()
            && let Ok(log) = std::fs::read_to_string(&stdio_log)
        {
            println!(
                "--- stderr of `techno-scraper mcp` ({})",
                stdio_log.display()
            );
            for line in log.lines().rev().take(20).collect::<Vec<_>>().iter().rev() {
                println!("  {line}");
            }
        }
        result.with_context(|| format!("MCP checks against the {} failed", self.name))
    }
}

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let root = sh.current_dir();
    let mut report = Report::new();

    report.phase("the official Python MCP SDK");
    let python = sdk_python(sh, &root, !options.no_install)?;
    let version = cmd!(
        sh,
        "{python} -c 'import importlib.metadata as m; print(m.version(\"mcp\"))'"
    )
    .quiet()
    .read()?;
    report.ok(format!("mcp {version} in {}", python.display()));

    report.phase("the gateway binary");
    let binary = crate::process::build_gateway(sh, options.release)?;
    report.ok(format!("cargo build -p gateway → {}", binary.display()));

    let work = root.join(E2E_CACHE).join("mcp");
    sh.create_dir(&work)?;

    report.phase("against a mock upstream (the site crates' fixtures)");
    let mock = MockUpstream::start(&root, ROUTES)?;
    // Every site is configured here (a placeholder for each required setting): its success is
    // checked against the mock; the replay run leaves them unset to check `not_configured`.
    let mut settings = BTreeMap::new();
    let bare = catalogue(&binary, &BTreeMap::new())?;
    for site in bare.as_array().into_iter().flatten() {
        for setting in site["settings"].as_array().into_iter().flatten() {
            if setting["required"] == true
                && let Some(var) = setting["env"].as_str()
            {
                settings.insert(var.to_owned(), "e2e-placeholder".to_owned());
            }
        }
    }
    settings.insert("TECHNO_SCRAPER_UPSTREAM_ATTEMPTS".into(), "1".into());
    Run {
        name: "mock upstream",
        python: &python,
        binary: &binary,
        work: &work,
        upstream_port: mock.port(),
        settings,
        calls: mock_calls(),
        walk: mock_walk(),
        corpus: None,
    }
    .check(sh)?;
    report.ok(format!(
        "mock upstream: streamable HTTP and stdio ({} upstream requests answered)",
        mock.served()
    ));
    drop(mock);

    let corpus = root.join(&options.corpus);
    if options.corpus.is_empty() {
        println!("(the corpus is left out: the replay run is skipped)");
    } else if corpus.join("replay.py").is_file() && corpus.join("check.py").is_file() {
        report.phase("against replay.py (../shared/corpus, recorded real traffic)");
        let site_dirs: Vec<PathBuf> = std::fs::read_dir(&corpus)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "expect"))
            .collect();
        let (replay, replay_port) = crate::process::start_replay(&corpus, &site_dirs)?;
        let corpus = corpus.canonicalize()?;
        Run {
            name: "recorded corpus",
            python: &python,
            binary: &binary,
            work: &work,
            upstream_port: replay_port,
            settings: crate::corpus::all_corpus_env(&root)?.into_iter().collect(),
            calls: json!([]),
            walk: Value::Null,
            corpus: Some(corpus),
        }
        .check(sh)?;
        drop(replay);
        report.ok("recorded corpus: every expectation of the linked sites as tool calls, over streamable HTTP and stdio");
    } else {
        println!(
            "(no corpus at {}: the replay run is skipped)",
            corpus.display()
        );
    }
    report.print("e2e mcp");
    Ok(())
}
