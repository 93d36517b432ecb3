//! `cargo xtask e2e n8n`: the shipped n8n workflows and the community node, run headless in a
//! real n8n 2.41.1 against the gateway. Node 24 and n8n come from npm into `target/n8n` (cached);
//! the community node is built, linted, packed and scanned (`cargo xtask n8n-node`) and loaded
//! through `N8N_CUSTOM_EXTENSIONS`. The gateway answers from a mock upstream of our own (the site
//! crates' fixtures), and again from `replay.py` over the recorded corpus when it exists. Each
//! pass gets a fresh n8n home: credentials imported by name, every workflow of `examples/n8n`
//! imported as is (only its Settings values and base URL changed), run by one
//! `n8n execute-batch`, and each run's items checked. Everything started is stopped by PID.

mod mock;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};
use xshell::{Shell, cmd};

use self::mock::{MockUpstream, Route};
use super::report::Report;
use crate::n8n::{CACHE, N8N_VERSION, Node};
use crate::process::{Guard, free_port, wait_for_port};

/// Options of `cargo xtask e2e n8n`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Options {
    /// Fail instead of installing Node 24 and n8n when target/n8n lacks them.
    #[arg(long)]
    pub(crate) no_install: bool,
    /// Use the release build of the gateway.
    #[arg(long)]
    pub(crate) release: bool,
    /// The recorded corpus; its pass runs when the directory exists.
    #[arg(long, default_value = "../shared/corpus")]
    pub(crate) corpus: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            no_install: false,
            release: false,
            corpus: "../shared/corpus".into(),
        }
    }
}

/// The API key both gateways accept.
const KEY: &str = "e2e-n8n-key";
/// The names the shipped workflows give their credentials.
const HEADER_CREDENTIAL: &str = "techno-scraper";
const NODE_CREDENTIAL: &str = "techno-scraper gateway";
/// The community node's type once installed from npm, and as n8n names it when loaded from
/// `N8N_CUSTOM_EXTENSIONS`.
const NODE_TYPE: &str = "n8n-nodes-techno-scraper.technoScraper";
const CUSTOM_NODE_TYPE: &str = "CUSTOM.technoScraper";

/// A change made to a workflow before it is imported.
type Patch = Box<dyn Fn(&mut Value)>;
/// A check of a run's data, answering what it saw.
type Check = Box<dyn Fn(&Run) -> anyhow::Result<String>>;

/// One workflow run and how its result is judged.
struct Scenario {
    /// The workflow file under `examples/n8n`.
    file: &'static str,
    /// What it shows, for the report.
    what: String,
    /// Values of its Settings node to change.
    settings: Vec<(&'static str, Value)>,
    /// Another base URL than the gateway's (a stand-in).
    base_url: Option<String>,
    /// Further changes to the workflow.
    patch: Option<Patch>,
    expect: Expect,
}

enum Expect {
    /// The run succeeds and this check of its run data passes (answers what it saw).
    Success(Check),
    /// The run fails with an error containing this text.
    Failure(&'static str),
}

impl Scenario {
    fn new(file: &'static str, what: impl Into<String>, expect: Expect) -> Self {
        Self {
            file,
            what: what.into(),
            settings: Vec::new(),
            base_url: None,
            patch: None,
            expect,
        }
    }

    fn set(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.settings.push((name, value.into()));
        self
    }

    fn patch(mut self, patch: impl Fn(&mut Value) + 'static) -> Self {
        self.patch = Some(Box::new(patch));
        self
    }
}

fn success(check: impl Fn(&Run) -> anyhow::Result<String> + 'static) -> Expect {
    Expect::Success(Box::new(check))
}

/// The run data of one execution.
struct Run(Value);

impl Run {
    /// How many times `node` ran.
    fn runs(&self, node: &str) -> usize {
        self.0[node].as_array().map_or(0, Vec::len)
    }

    /// The items of `node`'s output `output`, in its last run.
    fn items(&self, node: &str, output: usize) -> Vec<Value> {
        self.0[node]
            .as_array()
            .and_then(|runs| runs.last())
            .and_then(|run| run["data"]["main"].get(output))
            .and_then(Value::as_array)
            .map(|items| items.iter().map(|i| i["json"].clone()).collect())
            .unwrap_or_default()
    }

    /// The values of `field` over `node`'s first output.
    fn column(&self, node: &str, field: &str) -> Vec<Value> {
        self.items(node, 0)
            .iter()
            .map(|i| i[field].clone())
            .collect()
    }
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "the checks compare values they make on the spot"
)]
fn ensure_eq<T: PartialEq + std::fmt::Debug>(got: T, want: T, what: &str) -> anyhow::Result<()> {
    anyhow::ensure!(got == want, "{what}: got {got:?}, expected {want:?}");
    Ok(())
}

fn positions(run: &Run, node: &str) -> Vec<u64> {
    run.column(node, "position")
        .iter()
        .filter_map(Value::as_u64)
        .collect()
}

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let root = sh.current_dir();
    let install = !options.no_install;
    let mut report = Report::new();

    report.phase(&format!(
        "Node 24 and n8n {N8N_VERSION} from npm (cached in {CACHE})"
    ));
    let node = crate::n8n::node(sh, &root, install)?;
    let n8n = crate::n8n::n8n(sh, &root, &node, install)?;
    report.ok(format!("Node {} and n8n {N8N_VERSION} ready", node.version));

    report.phase("the community node (cargo xtask n8n-node)");
    let package = crate::n8n::build_node(sh, &root, &node)?;
    report.ok("n8n-nodes-techno-scraper: npm ci, build, tests, n8n-node lint, npm pack, scanner");

    report.phase("the gateway");
    let binary = crate::process::build_gateway(sh, options.release)?;
    report.ok(format!("built {}", binary.display()));

    let scratch = Scratch::new(root.join(CACHE).join(format!("run-{}", std::process::id())))?;
    let extensions = scratch.0.join("extensions");
    let installed = extensions.join("n8n-nodes-techno-scraper");
    sh.create_dir(&installed)?;
    sh.copy_file(package.join("package.json"), &installed)?;
    cmd!(sh, "cp -r {package}/dist {installed}/").run()?;

    let n8n = N8n {
        node: &node,
        n8n: &n8n,
        extensions: &extensions,
        examples: root.join("examples/n8n"),
    };

    // Pass 1: the gateway over a mock upstream of our own.
    let mock = MockUpstream::start(mock_routes(&root)?)?;
    let (mut gateway, gateway_url) = start_gateway(
        &binary,
        &[
            ("TECHNO_SCRAPER_UPSTREAM_OVERRIDE", mock.url()),
            ("TECHNO_SCRAPER_UPSTREAM_ATTEMPTS", "1".into()),
        ],
    )?;
    let facebook = has_site(&gateway_url, "facebook")?;
    let scenarios = mock_scenarios(facebook, &mock.url());
    report.phase(&format!(
        "{} workflows in n8n, gateway over the mock upstream{}",
        scenarios.len(),
        if facebook {
            ""
        } else {
            " (facebook is not registered: its workflow runs against a stand-in answering API.md's envelope)"
        }
    ));
    let result = n8n.pass(
        sh,
        &scratch.0,
        "mock",
        &gateway_url,
        &scenarios,
        &mut report,
    );
    gateway.ensure_running()?;
    drop(gateway);
    if let Err(error) = result {
        let unmatched = mock.unmatched();
        if !unmatched.is_empty() {
            println!("  requests the mock upstream had no route for:");
            for line in unmatched {
                println!("    {line}");
            }
        }
        return Err(error);
    }
    drop(mock);

    // Pass 2: the gateway over the recorded corpus, when it is here.
    let corpus = root.join(&options.corpus);
    if corpus.join("replay.py").is_file() {
        let sites = ["soundcloud", "beatport", "bandcamp", "facebook"];
        let site_dirs: Vec<_> = sites
            .iter()
            .map(|s| corpus.join(s))
            .filter(|d| d.is_dir())
            .collect();
        let (_replay, replay_port) = crate::process::start_replay(&corpus, &site_dirs)?;
        let mut env = vec![(
            "TECHNO_SCRAPER_UPSTREAM_OVERRIDE",
            format!("http://127.0.0.1:{replay_port}"),
        )];
        let settings = crate::corpus::all_corpus_env(&root)?;
        env.extend(settings.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let (mut gateway, gateway_url) = start_gateway(&binary, &env)?;
        let facebook = has_site(&gateway_url, "facebook")?;
        let scenarios = corpus_scenarios(facebook);
        report.phase(&format!(
            "{} workflows in n8n, gateway over the recorded corpus (replay.py){}",
            scenarios.len(),
            if facebook {
                ""
            } else {
                " (facebook is not registered: its workflow is left out)"
            }
        ));
        n8n.pass(
            sh,
            &scratch.0,
            "corpus",
            &gateway_url,
            &scenarios,
            &mut report,
        )?;
        gateway.ensure_running()?;
    } else {
        println!(
            "\n(no corpus at {}: the recorded-traffic pass is skipped)",
            corpus.display()
        );
    }

    report.print("e2e n8n");
    Ok(())
}

/// The run's scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(path: PathBuf) -> anyhow::Result<Self> {
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        Ok(Self(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts the gateway on a free port with `env`; answers it and its base URL.
fn start_gateway(binary: &Path, env: &[(&str, String)]) -> anyhow::Result<(Guard, String)> {
    let port = free_port()?;
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env("TECHNO_SCRAPER_BIND", format!("127.0.0.1:{port}"))
        .env("TECHNO_SCRAPER_API_KEYS", KEY)
        .env("TECHNO_SCRAPER_CACHE_MAX_MB", "0")
        .env("TECHNO_SCRAPER_LOG_LEVEL", "warn")
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut guard = Guard::new(
        "techno-scraper",
        command.spawn().context("could not start the gateway")?,
    );
    wait_for_port(port, &mut guard, Duration::from_secs(30))?;
    Ok((guard, format!("http://127.0.0.1:{port}")))
}

/// Whether the gateway at `url` has `site` in its catalogue.
fn has_site(url: &str, site: &str) -> anyhow::Result<bool> {
    let port: u16 = url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .context("no port in the gateway's URL")?;
    let answer = super::http::get(port, "/v1/sites", &[("X-API-Key", KEY)])?;
    anyhow::ensure!(answer.status == 200, "/v1/sites answered {}", answer.status);
    let body: Value = serde_json::from_str(&answer.body)?;
    let sites = body.get("data").unwrap_or(&body);
    Ok(sites
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s["slug"] == site))
}

/// n8n, the community node to load, and the shipped workflows.
struct N8n<'a> {
    node: &'a Node,
    n8n: &'a Path,
    extensions: &'a Path,
    examples: PathBuf,
}

impl N8n<'_> {
    /// One pass: a fresh n8n home, the credentials, the workflows, one batch run, the checks.
    fn pass(
        &self,
        sh: &Shell,
        scratch: &Path,
        label: &str,
        gateway_url: &str,
        scenarios: &[Scenario],
        report: &mut Report,
    ) -> anyhow::Result<()> {
        let home = scratch.join(label);
        let (workflows, snapshots) = (home.join("workflows"), home.join("snapshots"));
        for dir in [&workflows, &snapshots] {
            std::fs::create_dir_all(dir)?;
        }
        let credentials = home.join("credentials.json");
        std::fs::write(
            &credentials,
            serde_json::to_vec_pretty(&json!([
                {"id": "e2eHeaderAuth001", "name": HEADER_CREDENTIAL, "type": "httpHeaderAuth",
                 "data": {"name": "X-API-Key", "value": KEY}},
                {"id": "e2eGatewayCred01", "name": NODE_CREDENTIAL, "type": "technoScraperApi",
                 "data": {"baseUrl": gateway_url, "apiKey": KEY}}
            ]))?,
        )?;
        let mut ids = Vec::new();
        for (index, scenario) in scenarios.iter().enumerate() {
            let id = format!("e2e{label}{index:02}");
            let workflow = self.workflow(scenario, &id, label, gateway_url)?;
            std::fs::write(
                workflows.join(format!("{id}.json")),
                serde_json::to_vec_pretty(&workflow)?,
            )?;
            ids.push(id);
        }

        let log = home.join("n8n.log");
        let broker_port = free_port()?.to_string();
        let n8n = |args: &[&str]| -> anyhow::Result<()> {
            let output = self
                .node
                .cmd(sh, self.n8n)
                .args(args)
                .env("N8N_USER_FOLDER", &home)
                .env("N8N_CUSTOM_EXTENSIONS", self.extensions)
                .env("N8N_LISTEN_ADDRESS", "127.0.0.1")
                .env("N8N_DIAGNOSTICS_ENABLED", "false")
                .env("N8N_VERSION_NOTIFICATIONS_ENABLED", "false")
                .env("N8N_PERSONALIZATION_ENABLED", "false")
                .env("N8N_TEMPLATES_ENABLED", "false")
                .env("N8N_RUNNERS_BROKER_PORT", &broker_port)
                .env("N8N_LOG_LEVEL", "warn")
                .ignore_status()
                .quiet()
                .output()?;
            let mut text = std::fs::read(&log).unwrap_or_default();
            text.extend_from_slice(format!("\n$ n8n {}\n", args.join(" ")).as_bytes());
            text.extend_from_slice(&output.stdout);
            text.extend_from_slice(&output.stderr);
            std::fs::write(&log, text)?;
            Ok(())
        };
        n8n(&[
            "import:credentials",
            &format!("--input={}", credentials.display()),
        ])?;
        n8n(&[
            "import:workflow",
            "--separate",
            &format!("--input={}", workflows.display()),
        ])?;
        let output = home.join("batch.json");
        n8n(&[
            "execute-batch",
            &format!("--ids={}", ids.join(",")),
            &format!("--snapshot={}", snapshots.display()),
            &format!("--output={}", output.display()),
            "--retries=0",
        ])?;
        let batch: Value = serde_json::from_slice(
            &std::fs::read(&output)
                .with_context(|| format!("n8n wrote no results; see {}", log.display()))?,
        )?;
        let errors: Vec<(String, String)> = batch["summary"]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["workflowId"].as_str().unwrap_or_default().to_owned(),
                    e["error"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();

        let mut failures = Vec::new();
        for (scenario, id) in scenarios.iter().zip(&ids) {
            let error = errors
                .iter()
                .find(|(w, _)| w == id)
                .map(|(_, e)| e.as_str());
            let snapshot = snapshots.join(format!("{id}-snapshot.json"));
            let verdict = match (&scenario.expect, error) {
                (Expect::Success(_), Some(error)) => {
                    Err(anyhow::anyhow!("the run failed: {error}"))
                }
                (Expect::Success(check), None) => std::fs::read(&snapshot)
                    .with_context(|| format!("no snapshot {}", snapshot.display()))
                    .and_then(|bytes| Ok(serde_json::from_slice::<Value>(&bytes)?))
                    .and_then(|run| check(&Run(run["data"]["resultData"]["runData"].clone()))),
                (Expect::Failure(needle), Some(error)) if error.contains(needle) => {
                    Ok(format!("fails as it should: {error}"))
                }
                (Expect::Failure(needle), Some(error)) => Err(anyhow::anyhow!(
                    "failed with '{error}', not with '{needle}'"
                )),
                (Expect::Failure(needle), None) => Err(anyhow::anyhow!(
                    "succeeded, though it should fail with '{needle}'"
                )),
            };
            match verdict {
                Ok(seen) => report.ok(format!(
                    "{label}: {} — {}: {seen}",
                    scenario.file, scenario.what
                )),
                Err(error) => {
                    println!(
                        "  ✗ {label}: {} — {}: {error:#}",
                        scenario.file, scenario.what
                    );
                    failures.push(format!("{}: {error:#}", scenario.file));
                }
            }
        }
        anyhow::ensure!(
            failures.is_empty(),
            "{} of {} n8n workflows went wrong ({label} pass; n8n's output: {}):\n  {}",
            failures.len(),
            scenarios.len(),
            log.display(),
            failures.join("\n  ")
        );
        Ok(())
    }

    /// The shipped workflow of `scenario` as this pass imports it.
    fn workflow(
        &self,
        scenario: &Scenario,
        id: &str,
        label: &str,
        gateway_url: &str,
    ) -> anyhow::Result<Value> {
        let path = self.examples.join(scenario.file);
        let mut workflow: Value = serde_json::from_slice(
            &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
        )
        .with_context(|| format!("{} is not JSON", path.display()))?;
        workflow["id"] = json!(id);
        let name = workflow["name"].as_str().unwrap_or_default().to_owned();
        workflow["name"] = json!(format!("{name} [e2e {label}]"));
        let base_url = scenario.base_url.as_deref().unwrap_or(gateway_url);
        let nodes = workflow["nodes"]
            .as_array_mut()
            .context("a workflow without nodes")?;
        for node in nodes.iter_mut() {
            if node["type"] == NODE_TYPE {
                node["type"] = json!(CUSTOM_NODE_TYPE);
            }
            if node["name"] != "Settings" {
                continue;
            }
            let assignments = node["parameters"]["assignments"]["assignments"]
                .as_array_mut()
                .context("a Settings node without values")?;
            let overrides = std::iter::once(("base_url", json!(base_url)))
                .chain(scenario.settings.iter().cloned());
            for (field, value) in overrides {
                let slot = assignments
                    .iter_mut()
                    .find(|a| a["name"] == field)
                    .with_context(|| format!("{}: no Settings value '{field}'", scenario.file))?;
                slot["type"] = json!(if value.is_number() {
                    "number"
                } else {
                    "string"
                });
                slot["value"] = value;
            }
        }
        if let Some(patch) = &scenario.patch {
            patch(&mut workflow);
        }
        Ok(workflow)
    }
}

/// The node named `name` of a workflow.
fn node_mut<'a>(workflow: &'a mut Value, name: &str) -> &'a mut Value {
    let index = workflow["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().position(|n| n["name"] == name));
    match index {
        Some(index) => &mut workflow["nodes"][index],
        // A patch of a node that is not there changes nothing the run reads; its check fails.
        None => &mut workflow["missing node"],
    }
}

/// Sets the community node's parameter values (and other node parameters).
fn node_params(node: &'static str, values: Value, extra: Value) -> impl Fn(&mut Value) {
    move |workflow| {
        let node = node_mut(workflow, node);
        node["parameters"]["parameters"]["value"] = values.clone();
        if let Some(extra) = extra.as_object() {
            for (k, v) in extra {
                node["parameters"][k] = v.clone();
            }
        }
    }
}

/// The workflows over the mock upstream.
fn mock_scenarios(facebook: bool, mock_url: &str) -> Vec<Scenario> {
    let mut scenarios = vec![
        Scenario::new(
            "soundcloud-artist.json",
            "profile, then the latest tracks as items",
            success(|run| {
                ensure_eq(run.runs("Profile"), 1, "profile requests")?;
                let artists = run.column("Track", "artist");
                let titles = run.column("Track", "title");
                anyhow::ensure!(!titles.is_empty(), "no track items");
                anyhow::ensure!(
                    artists.iter().all(|a| a == "Nachtwerk Kollektiv"),
                    "artist names {artists:?}"
                );
                ensure_eq(titles[0].as_str(), Some("Tunnelblick (Original Mix)"), "first title")?;
                Ok(format!("{} track items of Nachtwerk Kollektiv", titles.len()))
            }),
        )
        .set("user", "nachtwerk-kollektiv"),
        Scenario::new(
            "beatport-top100.json",
            "next_url paging with Complete When = Other",
            success(|run| {
                ensure_eq(run.items("Top 100, page by page", 0).len(), 4, "pages")?;
                ensure_eq(positions(run, "Chart entry"), (1..=100).collect(), "positions")?;
                Ok("4 pages of 25, 100 items, positions 1..100 in order".into())
            }),
        ),
        Scenario::new(
            "beatport-top100.json",
            "the finding: n8n's default Complete When (Response Is Empty) cannot end on our last page",
            Expect::Failure("evaluates to a valid URL"),
        )
        .patch(|workflow| {
            let options = &mut node_mut(workflow, "Top 100, page by page")["parameters"]["options"];
            let pagination = &mut options["pagination"]["pagination"];
            if let Some(p) = pagination.as_object_mut() {
                p.remove("paginationCompleteWhen");
                p.remove("completeExpression");
            }
        }),
        Scenario::new(
            "bandcamp-label-releases.json",
            "the label's releases as items",
            success(|run| {
                let titles = run.column("Release", "title");
                ensure_eq(titles.len(), 3, "releases")?;
                ensure_eq(titles[0].as_str(), Some("Harbour Lights"), "first release")?;
                ensure_eq(
                    run.column("Release", "label")[0].as_str(),
                    Some("Night Ferry"),
                    "label name",
                )?;
                Ok("3 release items of Night Ferry".into())
            }),
        )
        .set("label_url", "https://nightferry.bandcamp.com"),
        Scenario::new(
            "error-branching.json",
            "a 429 upstream: rate_limited, retryable, waited and retried",
            success(|run| {
                ensure_eq(run.runs("Profile"), 2, "profile requests")?;
                ensure_eq(run.runs("Wait before retrying"), 1, "waits")?;
                ensure_eq(
                    run.column("Profile read", "username")
                        .first()
                        .and_then(Value::as_str),
                    Some("nachtwerk-kollektiv"),
                    "profile read after the retry",
                )?;
                ensure_eq(run.runs("Failed"), 0, "failures")?;
                Ok("rate_limited, one wait, then the profile".into())
            }),
        )
        .set("user", "nachtwerk-busy"),
        Scenario::new(
            "error-branching.json",
            "a missing user: not_found, not retryable, on the failure branch",
            success(|run| {
                let failed = run.items("Failed", 0);
                ensure_eq(failed.len(), 1, "failure items")?;
                ensure_eq(failed[0]["code"].as_str(), Some("not_found"), "code")?;
                ensure_eq(failed[0]["retryable"].as_bool(), Some(false), "retryable")?;
                ensure_eq(run.runs("Profile"), 1, "profile requests")?;
                Ok("code not_found, retryable false, no retry".into())
            }),
        )
        .set("user", "no-such-artist-here"),
        Scenario::new(
            "community-node/soundcloud-tracks.json",
            "the community node, Return All: paged by next_cursor, one item per track",
            success(|run| {
                let ids: Vec<u64> = run
                    .column("All tracks", "id")
                    .iter()
                    .filter_map(Value::as_u64)
                    .collect();
                ensure_eq(ids, vec![1618033988, 1414213562, 1732050807], "track ids")?;
                Ok("3 track items across the upstream's pages".into())
            }),
        )
        .patch(node_params(
            "All tracks",
            json!({"user": "nachtwerk-kollektiv"}),
            json!({}),
        )),
        Scenario::new(
            "community-node/beatport-top100.json",
            "the community node with Limit 30",
            success(|run| {
                ensure_eq(positions(run, "Top 100"), (1..=30).collect(), "positions")?;
                Ok("30 items, positions 1..30".into())
            }),
        ),
        Scenario::new(
            "community-node/error-output.json",
            "the community node's error output carries code and retryable",
            success(|run| {
                ensure_eq(run.items("Profile", 0).len(), 0, "items on the success output")?;
                let failed = run.items("Failed", 0);
                ensure_eq(failed.len(), 1, "failure items")?;
                ensure_eq(failed[0]["code"].as_str(), Some("not_found"), "code")?;
                ensure_eq(failed[0]["retryable"].as_bool(), Some(false), "retryable")?;
                Ok("error output: code not_found, retryable false".into())
            }),
        )
        .patch(node_params(
            "Profile",
            json!({"user": "no-such-artist-here"}),
            json!({}),
        )),
        Scenario::new(
            "community-node/error-output.json",
            "the community node without an error output: the run fails with the code",
            Expect::Failure("code not_found"),
        )
        .patch(|workflow| {
            node_params("Profile", json!({"user": "no-such-artist-here"}), json!({}))(workflow);
            if let Some(node) = node_mut(workflow, "Profile").as_object_mut() {
                node.remove("onError");
            }
        }),
    ];
    let events = Scenario::new(
        "facebook-club-events.json",
        if facebook {
            "upcoming events as items"
        } else {
            "upcoming events as items (stand-in gateway: facebook is not registered yet)"
        },
        success(|run| {
            let names = run.column("Event", "name");
            ensure_eq(names.len(), 5, "events")?;
            ensure_eq(
                names[0].as_str(),
                Some("Warehouse Rave #41 \u{2013} Gleis 7"),
                "first event",
            )?;
            ensure_eq(
                run.column("Event", "list_complete")[0].as_bool(),
                Some(false),
                "meta.complete",
            )?;
            Ok("5 event items, meta.complete false".into())
        }),
    )
    .set("page", "https://www.facebook.com/warehousecollective");
    scenarios.push(if facebook {
        events
    } else {
        Scenario {
            base_url: Some(mock_url.to_owned()),
            ..events
        }
    });
    scenarios
}

/// The workflows over the recorded corpus (inputs it has recordings for).
fn corpus_scenarios(facebook: bool) -> Vec<Scenario> {
    let mut scenarios = vec![
        Scenario::new(
            "beatport-top100.json",
            "Deep House Top 100 by next_url paging",
            success(|run| {
                ensure_eq(
                    positions(run, "Chart entry"),
                    (1..=100).collect(),
                    "positions",
                )?;
                ensure_eq(
                    run.column("Chart entry", "title")[0].as_str(),
                    Some("Back It Up"),
                    "number one",
                )?;
                Ok(format!(
                    "{} pages, 100 items in order",
                    run.items("Top 100, page by page", 0).len()
                ))
            }),
        )
        .set("genre_id", 12),
        Scenario::new(
            "bandcamp-label-releases.json",
            "a label on its own domain (its recorded /music page lists no releases)",
            success(|run| {
                let label = run.items("Label", 0);
                ensure_eq(label.len(), 1, "label items")?;
                ensure_eq(
                    label[0]["data"]["name"].as_str(),
                    Some("Lobster Theremin"),
                    "name",
                )?;
                ensure_eq(
                    label[0]["data"]["is_label"].as_bool(),
                    Some(true),
                    "is_label",
                )?;
                let releases = label[0]["data"]["releases"].as_array().map_or(0, Vec::len);
                ensure_eq(run.items("Release", 0).len(), releases, "release items")?;
                Ok(format!(
                    "Lobster Theremin, is_label, {releases} release items"
                ))
            }),
        )
        .set("label_url", "https://lobstertheremin.com"),
        Scenario::new(
            "bandcamp-label-releases.json",
            "an artist's ten releases split into items",
            success(|run| {
                let titles = run.column("Release", "title");
                ensure_eq(titles.len(), 10, "release items")?;
                ensure_eq(
                    titles[0].as_str(),
                    Some("Night in the Woods Vol. 1: At The End Of Everything"),
                    "first release",
                )?;
                Ok("10 release items of Alec Holowka".into())
            }),
        )
        .set("label_url", "https://infiniteammo.bandcamp.com"),
        Scenario::new(
            "error-branching.json",
            "a user that does not exist: not_found on the failure branch",
            success(|run| {
                let failed = run.items("Failed", 0);
                ensure_eq(failed.len(), 1, "failure items")?;
                ensure_eq(failed[0]["code"].as_str(), Some("not_found"), "code")?;
                Ok("code not_found, retryable false".into())
            }),
        )
        .set("user", "ithinkthatthisuserdontexist"),
        Scenario::new(
            "error-branching.json",
            "dubmatix: no code, the success branch",
            success(|run| {
                ensure_eq(
                    run.column("Profile read", "username")
                        .first()
                        .and_then(Value::as_str),
                    Some("dubmatix"),
                    "username",
                )?;
                Ok("profile of dubmatix".into())
            }),
        )
        .set("user", "dubmatix"),
        Scenario::new(
            "community-node/soundcloud-tracks.json",
            "the community node, Limit 8 over pages with empty ones between",
            success(|run| {
                ensure_eq(run.items("All tracks", 0).len(), 8, "tracks")?;
                Ok("8 track items".into())
            }),
        )
        .patch(node_params(
            "All tracks",
            json!({"user": "73637815"}),
            json!({"returnAll": false, "limit": 8}),
        )),
        Scenario::new(
            "community-node/beatport-top100.json",
            "the community node, Deep House, Limit 30",
            success(|run| {
                ensure_eq(positions(run, "Top 100"), (1..=30).collect(), "positions")?;
                Ok("30 items, positions 1..30".into())
            }),
        )
        .patch(node_params("Top 100", json!({"genre_id": 12}), json!({}))),
        Scenario::new(
            "community-node/error-output.json",
            "the community node's error output for a missing user",
            success(|run| {
                let failed = run.items("Failed", 0);
                ensure_eq(failed.len(), 1, "failure items")?;
                ensure_eq(failed[0]["code"].as_str(), Some("not_found"), "code")?;
                Ok("error output: code not_found".into())
            }),
        )
        .patch(node_params(
            "Profile",
            json!({"user": "ithinkthatthisuserdontexist"}),
            json!({}),
        )),
    ];
    if facebook {
        scenarios.push(
            Scenario::new(
                "facebook-club-events.json",
                "GrandStrandHashing's upcoming events",
                success(|run| {
                    let names = run.column("Event", "name");
                    ensure_eq(names.len(), 1, "events")?;
                    Ok(format!("1 event item: {}", names[0]))
                }),
            )
            .set("page", "GrandStrandHashing"),
        );
    }
    scenarios
}

/// Fixture of a site crate.
fn fixture(root: &Path, site: &str, name: &str) -> anyhow::Result<String> {
    let path = root
        .join("crates")
        .join(format!("scraper-{site}"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// Beatport's genre-6 Top 100 page with the whole chart (the fixture holds three tracks: they
/// are repeated with new ids), as the gateway's own e2e test builds it.
fn full_chart(root: &Path) -> anyhow::Result<String> {
    let page = fixture(root, "beatport", "genre_top100_page.html")?;
    let start = page
        .find("<script id=\"__NEXT_DATA__\"")
        .context("no __NEXT_DATA__")?;
    let json_start = start + page[start..].find('>').context("no script body")? + 1;
    let json_end = json_start
        + page[json_start..]
            .find("</script>")
            .context("no script end")?;
    let mut next: Value = serde_json::from_str(&page[json_start..json_end])?;
    let queries = next["props"]["pageProps"]["dehydratedState"]["queries"]
        .as_array_mut()
        .context("no queries")?;
    let chart = queries
        .iter_mut()
        .find(|q| q["queryKey"][0] == "genre-6-top-100-tracks-per_page=100&hype=false")
        .context("no chart query")?;
    let data = &mut chart["state"]["data"];
    let models = data["results"].as_array().context("no results")?.clone();
    anyhow::ensure!(!models.is_empty(), "an empty chart fixture");
    data["results"] = (0..100_u64)
        .map(|i| {
            let mut track = models[usize::try_from(i).unwrap_or(0) % models.len()].clone();
            track["id"] = json!(50_000_001 + i);
            track
        })
        .collect();
    data["count"] = json!(100);
    Ok(format!(
        "{}{next}{}",
        &page[..json_start],
        &page[json_end..]
    ))
}

/// What the mock upstream answers: the fixtures behind every mock scenario.
fn mock_routes(root: &Path) -> anyhow::Result<Vec<Route>> {
    const JSON: &str = "application/json; charset=utf-8";
    const HTML: &str = "text/html; charset=utf-8";
    let sc = |name: &str| fixture(root, "soundcloud", name);
    let resolve = |user: &str, body: String| {
        Route::get("/resolve", 200, JSON, body)
            .host("api-v2.soundcloud.com")
            .query("url", &format!("https://soundcloud.com/{user}"))
    };
    let tracks = "/users/31415926/tracks";
    let rate_limited = r#"{"error":"rate limited"}"#;
    let events = json!({
        "data": [
            {"id": "1", "name": "Warehouse Rave #41 \u{2013} Gleis 7", "url": "https://www.facebook.com/events/1/",
             "start_time": "2026-12-05T22:00:00Z", "is_canceled": false, "place": {"name": "Gleis 7", "city": "Leipzig"}},
            {"id": "2", "name": "Open Air am See", "url": "https://www.facebook.com/events/2/",
             "start_time": "2026-12-12T14:00:00Z", "is_canceled": true, "place": null},
            {"id": "3", "name": "Listening Session", "url": "https://www.facebook.com/events/3/",
             "start_time": "2026-12-18T19:00:00Z", "is_canceled": false, "place": null},
            {"id": "4", "name": "Stream: Warehouse Radio", "url": "https://www.facebook.com/events/4/",
             "start_time": "2026-12-20T20:00:00Z", "is_canceled": false, "place": null},
            {"id": "5", "name": "New Year Marathon", "url": "https://www.facebook.com/events/5/",
             "start_time": "2026-12-31T22:00:00Z", "is_canceled": false, "place": {"name": "Halle 3", "city": "Leipzig"}}
        ],
        "next_cursor": null, "next_url": null,
        "meta": {"site": "facebook", "action": "events", "cached": false, "fetched_at": "2026-11-24T10:00:00Z",
                 "attempts": 1, "complete": false}
    });
    Ok(vec![
        // SoundCloud: the homepage naming the client_id, users, their tracks over three pages.
        Route::get("/", 200, HTML, sc("homepage.html")?).host("soundcloud.com"),
        Route::get("/resolve", 429, JSON, rate_limited)
            .host("api-v2.soundcloud.com")
            .query("url", "https://soundcloud.com/nachtwerk-busy")
            .header("retry-after", "1")
            .times(1),
        resolve("nachtwerk-busy", sc("user.json")?),
        resolve("nachtwerk-kollektiv", sc("user.json")?),
        Route::get("/resolve", 404, JSON, sc("not_found.json")?).host("api-v2.soundcloud.com"),
        Route::get(
            "/users/31415926/web-profiles",
            200,
            JSON,
            sc("web_profiles.json")?,
        ),
        Route::get(tracks, 200, JSON, sc("tracks_page.json")?).without_query("offset"),
        Route::get(tracks, 200, JSON, sc("tracks_empty_page.json")?).query(
            "offset",
            "2025-08-12T19:30:00.000Z,tracks,00000000001414213562",
        ),
        Route::get(tracks, 200, JSON, sc("tracks_last_page.json")?).query(
            "offset",
            "2025-06-01T00:00:00.000Z,tracks,00000000001500000000",
        ),
        // Beatport: a whole genre-6 chart on one page.
        Route::get("/genre/-/6/top-100", 200, HTML, full_chart(root)?).host("www.beatport.com"),
        // Bandcamp: a band page and its details.
        Route::get(
            "/",
            200,
            HTML,
            fixture(root, "bandcamp", "band_music_grid.html")?,
        )
        .host("nightferry.bandcamp.com"),
        Route::get(
            "/music",
            200,
            HTML,
            fixture(root, "bandcamp", "band_music_grid.html")?,
        )
        .host("nightferry.bandcamp.com"),
        Route::post(
            "/api/mobile/22/band_details",
            200,
            JSON,
            fixture(root, "bandcamp", "band_details.json")?,
        )
        .body_contains("1111111111"),
        // Facebook: a page's upcoming events tab.
        Route::get(
            "*/upcoming_hosted_events",
            200,
            HTML,
            fixture(root, "facebook", "events_upcoming.html")?,
        )
        .host("www.facebook.com"),
        // A stand-in gateway answer for facebook/events while the site is not registered.
        Route::get("/v1/facebook/events", 200, JSON, events.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<(String, Value)> {
        let dir = crate::project_root().join("examples/n8n");
        let mut files = Vec::new();
        for sub in [dir.clone(), dir.join("community-node")] {
            for entry in std::fs::read_dir(&sub).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let name = path.strip_prefix(&dir).unwrap().display().to_string();
                    let workflow = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                    files.push((name, workflow));
                }
            }
        }
        files
    }

    #[test]
    fn every_shipped_workflow_is_run_by_the_e2e() {
        let run: Vec<&str> = mock_scenarios(true, "").iter().map(|s| s.file).collect();
        for (name, _) in examples() {
            assert!(run.contains(&name.as_str()), "{name} is not run by the e2e");
        }
    }

    #[test]
    fn shipped_workflows_find_their_credentials_by_name() {
        for (name, workflow) in examples() {
            for node in workflow["nodes"].as_array().unwrap() {
                let Some(credentials) = node.get("credentials").and_then(Value::as_object) else {
                    continue;
                };
                for (kind, credential) in credentials {
                    assert_eq!(credential["id"], Value::Null, "{name}: {kind} has an id");
                    let want = if kind == "technoScraperApi" {
                        NODE_CREDENTIAL
                    } else {
                        HEADER_CREDENTIAL
                    };
                    assert_eq!(credential["name"], want, "{name}: {kind}");
                }
                if node["type"] == "n8n-nodes-base.httpRequest" {
                    let url = node["parameters"]["url"].as_str().unwrap();
                    assert!(
                        url.starts_with("={{ $('Settings').first().json.base_url }}/v1/"),
                        "{name}: {url}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_paging_workflow_uses_exactly_the_documented_settings() {
        let (_, workflow) = examples()
            .into_iter()
            .find(|(name, _)| name == "beatport-top100.json")
            .unwrap();
        let node = workflow["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["type"] == "n8n-nodes-base.httpRequest")
            .unwrap();
        assert_eq!(
            node["parameters"]["options"]["pagination"]["pagination"],
            json!({
                "paginationMode": "responseContainsNextURL",
                "nextURL": "={{ $response.body.next_url }}",
                "paginationCompleteWhen": "other",
                "completeExpression": "={{ !$response.body.next_url }}"
            })
        );
    }
}
