//! `cargo xtask e2e deploy`: the production path on one machine. A stand-in VPS (dockerd, sshd,
//! registry on 127.0.0.1), the image built from the Dockerfile around the gateway built here,
//! `cargo xtask deploy` of a good tag through the registry, checks through the published port and
//! of the container's confinement, then `cargo xtask deploy` of a tag that cannot start, sent by
//! `docker save | ssh docker load`, which must fail and leave the good tag serving.

use std::io::{BufRead as _, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use anyhow::Context as _;
use xshell::{Shell, cmd};

use super::http;
use super::report::Report;
use super::setup;
use super::vps::Vps;
use crate::process::free_port;

/// `cargo xtask e2e deploy` flags.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Put the debug build of the gateway in the image (already built by `cargo test`: the
    /// cheaper choice in CI) instead of the release build.
    #[arg(long)]
    pub(crate) debug: bool,
    /// Never install anything (apt-get, pip): fail when something is missing.
    #[arg(long)]
    pub(crate) no_install: bool,
}

const GOOD: &str = "e2e-good";
const BROKEN: &str = "e2e-broken";

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let root = sh.current_dir();
    let mut report = Report::new();

    report.phase("prerequisites");
    let tools = setup::prerequisites(sh, !options.no_install)?;
    report.ok(format!(
        "tools: {}, {}, {}, {}",
        tools.dockerd.display(),
        tools.docker.display(),
        tools.sshd.display(),
        tools.registry.display()
    ));

    report.phase("the gateway binary");
    let profile: &[&str] = if options.debug { &[] } else { &["--release"] };
    cmd!(sh, "cargo build --locked -p gateway {profile...}").run()?;
    let binary = if options.debug {
        "target/debug/techno-scraper"
    } else {
        "target/release/techno-scraper"
    };
    report.ok(format!(
        "cargo build --locked -p gateway{} → {binary}",
        if options.debug { "" } else { " --release" }
    ));

    report.phase("the stand-in VPS");
    let vps = Vps::start(sh, &tools)?;
    let result = scenario(sh, &root, options, &tools, &vps, binary, &mut report);
    if result.is_err() {
        println!("\nlogs of the stand-in VPS (removed when it stops):");
        for log in vps.logs() {
            if let Ok(text) = std::fs::read_to_string(&log) {
                let tail: Vec<&str> = text.lines().rev().take(15).collect();
                println!("--- {} (last lines)", log.display());
                for line in tail.iter().rev() {
                    println!("  {line}");
                }
            }
        }
    }
    report.phase("teardown");
    drop(vps);
    result?;
    report.ok("stopped sshd, the registry and dockerd (by PID); removed their directory");
    report.print("e2e deploy");
    Ok(())
}

#[expect(
    clippy::too_many_lines,
    reason = "one scenario, read top to bottom as the steps it checks"
)]
fn scenario(
    sh: &Shell,
    root: &Path,
    options: &Options,
    tools: &setup::Tools,
    vps: &Vps,
    binary: &str,
    report: &mut Report,
) -> anyhow::Result<()> {
    let docker_version = vps.docker(sh, &["version", "--format", "{{.Server.Version}}"])?;
    let compose_version = setup::compose(sh, root, &vps.docker_config, !options.no_install)?;
    report.ok(format!(
        "dockerd {docker_version} (own data root, socket {}), compose {compose_version}, \
         sshd on 127.0.0.1:{}, registry on 127.0.0.1:{}",
        vps.docker_host, vps.ssh_port, vps.registry_port
    ));

    // compose.yaml as the VPS will read it.
    let config = cmd!(
        sh,
        "docker compose --env-file /dev/null --profile n8n config --quiet"
    )
    .env("DOCKER_CONFIG", &vps.docker_config)
    .quiet()
    .output()?;
    anyhow::ensure!(
        config.status.success(),
        "docker compose config: {}",
        String::from_utf8_lossy(&config.stderr)
    );
    report.ok("docker compose config (with and without the n8n profile: see the xtask test)");

    report.phase("the image, built from the Dockerfile");
    let base = setup::base_image(sh, tools, &vps.docker_host, root, &vps.dir)?;
    report.ok(format!("{base} from debootstrap, imported"));
    let docker = &tools.docker;
    let local = "techno-scraper:e2e";
    cmd!(
        sh,
        "{docker} build --network=host --quiet --build-arg BINARY_FROM=host --build-arg BINARY={binary} -t {local} ."
    )
    .env("DOCKER_HOST", &vps.docker_host)
    .env("DOCKER_BUILDKIT", "1")
    .quiet()
    .ignore_stdout()
    .run()
    .context("docker build failed")?;
    let size = vps.docker(sh, &["image", "inspect", "--format", "{{.Size}}", local])?;
    report.ok(format!(
        "docker build --build-arg BINARY_FROM=host → {local} ({} MB)",
        size.trim().parse::<u64>().unwrap_or(0) / 1_000_000
    ));

    let image = format!("127.0.0.1:{}/techno-scraper", vps.registry_port);
    let good = format!("{image}:{GOOD}");
    vps.docker(sh, &["tag", local, &good])?;
    vps.docker(sh, &["push", &good])?;
    // Only the registry has it now: the deploy must pull it.
    vps.docker(sh, &["rmi", &good])?;
    let broken = format!("{image}:{BROKEN}");
    // A release that cannot start: an invalid setting baked into the image.
    cmd!(sh, "{docker} build --quiet -t {broken} -")
        .env("DOCKER_HOST", &vps.docker_host)
        .env("DOCKER_BUILDKIT", "1")
        .stdin(format!("FROM {local}\nENV TECHNO_SCRAPER_WORKERS=many\n"))
        .quiet()
        .ignore_stdout()
        .run()?;
    report.ok(format!(
        "pushed {good} to the registry (and removed it locally); built {broken} (cannot start)"
    ));

    report.phase("deploy the good tag through the registry");
    let key = random_key()?;
    let token = format!("e2e-token-{}", random_key()?);
    let publish_port = free_port()?;
    let deploy_dir = vps.dir.join("vps/techno-scraper");
    let settings = vps.dir.join("settings.env");
    sh.write_file(
        &settings,
        "# the e2e's settings for the VPS\nTECHNO_SCRAPER_LOG_FORMAT=json\nTECHNO_SCRAPER_REQUEST_TIMEOUT_SECS=20\n",
    )?;
    let common = |tag: &str, transport: &str| -> Vec<String> {
        let mut args: Vec<String> = vec![
            "deploy".into(),
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            vps.ssh_port.to_string(),
            "--user".into(),
            "root".into(),
            "--identity".into(),
            vps.ssh_key.display().to_string(),
            "--known-hosts".into(),
            vps.known_hosts.display().to_string(),
            "--image".into(),
            image.clone(),
            "--tag".into(),
            tag.into(),
            "--dir".into(),
            deploy_dir.display().to_string(),
            "--transport".into(),
            transport.into(),
            "--env-file".into(),
            settings.display().to_string(),
            "--publish-port".into(),
            publish_port.to_string(),
            "--wait-timeout".into(),
            "90".into(),
        ];
        if transport == "registry" {
            args.extend(["--registry-user".into(), "e2e".into()]);
        }
        args
    };
    let secrets = [key.as_str(), token.as_str()];

    let mut dry = common(GOOD, "registry");
    dry.push("--dry-run".into());
    let outcome = deploy(vps, &dry, &key, &token)?;
    anyhow::ensure!(outcome.status.success(), "the dry run failed");
    anyhow::ensure!(
        !deploy_dir.exists(),
        "the dry run touched the VPS ({} exists)",
        deploy_dir.display()
    );
    outcome.never_shows(&secrets)?;
    report.ok("cargo xtask deploy --dry-run: every step printed, nothing run on the VPS");

    let outcome = deploy(vps, &common(GOOD, "registry"), &key, &token)?;
    anyhow::ensure!(
        outcome.status.success(),
        "cargo xtask deploy --tag {GOOD} failed ({})",
        outcome.status
    );
    outcome.never_shows(&secrets)?;
    report.ok(format!(
        "cargo xtask deploy --tag {GOOD} --transport registry: login, pull, up --wait, /health, recorded"
    ));

    check_serving(publish_port, &key, report)?;
    check_container(sh, vps, &good, &key, report)?;
    let mode = |path: &str| -> anyhow::Result<u32> {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(deploy_dir.join(path))
            .with_context(|| format!("no {path} on the VPS"))?;
        Ok(meta.permissions().mode() & 0o777)
    };
    let modes = (mode(".env")?, mode("secrets/api_keys")?, mode("secrets")?);
    let recorded = std::fs::read_to_string(deploy_dir.join("last-good/tag"))?;
    anyhow::ensure!(
        modes == (0o600, 0o444, 0o700) && recorded.trim() == GOOD,
        "unexpected files on the VPS: modes {:o}/{:o}/{:o}, last-good/tag {recorded}",
        modes.0,
        modes.1,
        modes.2
    );
    report.ok(format!(
        "on the VPS: .env 600, secrets/api_keys 444 in a 700 directory, last-good/tag = {GOOD}"
    ));

    report.phase("deploy a broken tag over SSH: it must roll back");
    let outcome = deploy(vps, &common(BROKEN, "ssh"), &key, &token)?;
    anyhow::ensure!(
        !outcome.status.success(),
        "cargo xtask deploy --tag {BROKEN} succeeded: it must not"
    );
    anyhow::ensure!(
        outcome
            .stderr
            .contains(&format!("rolled back to {GOOD}, which is serving")),
        "the failed deploy did not report its rollback:\n{}",
        outcome.stderr
    );
    outcome.never_shows(&secrets)?;
    report.ok(format!(
        "cargo xtask deploy --tag {BROKEN} --transport ssh: docker load, not healthy, exit {}, \
         \"rolled back to {GOOD}\"",
        outcome.status.code().unwrap_or(-1)
    ));
    check_serving(publish_port, &key, report)?;
    let running = vps.docker(
        sh,
        &[
            "ps",
            "--filter",
            "label=com.docker.compose.service=gateway",
            "--format",
            "{{.Image}} {{.Status}}",
        ],
    )?;
    anyhow::ensure!(
        running.starts_with(&format!("{good} ")) && running.contains("(healthy)"),
        "after the rollback the gateway runs: {running}"
    );
    let history = std::fs::read_to_string(deploy_dir.join("last-good/tag"))?
        + &std::fs::read_to_string(deploy_dir.join("history"))?;
    anyhow::ensure!(
        history.starts_with(GOOD)
            && history.contains(&format!("rolled back from {BROKEN} to {GOOD}")),
        "the VPS's record is wrong:\n{history}"
    );
    report.ok(format!(
        "after the rollback: {running}; last-good/tag = {GOOD}; history says \"rolled back from {BROKEN} to {GOOD}\""
    ));
    Ok(())
}

/// A deploy's exit status and output.
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// Fails when a secret appears anywhere in the output.
    fn never_shows(&self, secrets: &[&str]) -> anyhow::Result<()> {
        for secret in secrets {
            anyhow::ensure!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "a secret appeared in the deploy's output"
            );
        }
        Ok(())
    }
}

/// Runs `cargo xtask deploy ARGS` (this very binary), echoing its output as it comes.
fn deploy(vps: &Vps, args: &[String], key: &str, token: &str) -> anyhow::Result<Outcome> {
    println!("  $ cargo xtask {}", args.join(" "));
    let mut child = Command::new(std::env::current_exe()?)
        .args(args)
        .env("TECHNO_SCRAPER_API_KEYS", key)
        .env("DEPLOY_REGISTRY_TOKEN", token)
        // Where `docker save` finds the image (the VPS's daemon doubles as this machine's).
        .env("DOCKER_HOST", &vps.docker_host)
        .env("DOCKER_CONFIG", &vps.docker_config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not run cargo xtask deploy")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let stderr = child.stderr.take().context("no stderr")?;
    let err_thread = std::thread::spawn(move || echo(stderr));
    let stdout = echo(stdout);
    let stderr = err_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the stderr reader panicked"))?;
    let status = child.wait()?;
    Ok(Outcome {
        status,
        stdout,
        stderr,
    })
}

fn echo(stream: impl Read) -> String {
    let mut all = String::new();
    for line in BufReader::new(stream).lines().map_while(Result::ok) {
        println!("  │ {line}");
        all.push_str(&line);
        all.push('\n');
    }
    all
}

/// `/health`, and `/v1/sites` without and with the key, through the published port.
fn check_serving(port: u16, key: &str, report: &mut Report) -> anyhow::Result<()> {
    let health = http::get(port, "/health", &[])?;
    anyhow::ensure!(
        health.status == 200 && health.body.contains("\"ok\""),
        "GET /health: {} {}",
        health.status,
        health.body
    );
    let anonymous = http::get(port, "/v1/sites", &[])?;
    anyhow::ensure!(
        anonymous.status == 401,
        "GET /v1/sites without a key: {}",
        anonymous.status
    );
    let sites = http::get(port, "/v1/sites", &[("X-API-Key", key)])?;
    anyhow::ensure!(
        sites.status == 200,
        "GET /v1/sites with the key: {} {}",
        sites.status,
        sites.body
    );
    let catalogue: serde_json::Value =
        serde_json::from_str(&sites.body).context("GET /v1/sites is not JSON")?;
    let slugs: Vec<&str> = catalogue["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["slug"].as_str())
        .collect();
    anyhow::ensure!(!slugs.is_empty(), "GET /v1/sites lists no site");
    report.ok(format!(
        "127.0.0.1:{port}: GET /health 200 {}; GET /v1/sites 401 without key, 200 with it ({})",
        health.body.trim(),
        slugs.join(", ")
    ));
    Ok(())
}

/// The running container: confinement as compose.yaml promises, the key only in the secret.
fn check_container(
    sh: &Shell,
    vps: &Vps,
    image: &str,
    key: &str,
    report: &mut Report,
) -> anyhow::Result<()> {
    let id = vps.docker(
        sh,
        &[
            "ps",
            "--quiet",
            "--filter",
            "label=com.docker.compose.service=gateway",
        ],
    )?;
    let inspect = vps.docker(sh, &["inspect", id.trim()])?;
    anyhow::ensure!(
        !inspect.contains(key),
        "the API key is visible in docker inspect"
    );
    let inspect: serde_json::Value = serde_json::from_str(&inspect)?;
    let c = &inspect[0];
    anyhow::ensure!(
        c["Config"]["Image"] == image,
        "runs {}",
        c["Config"]["Image"]
    );
    anyhow::ensure!(
        c["Config"]["User"] == "10001:10001",
        "user {}",
        c["Config"]["User"]
    );
    anyhow::ensure!(
        c["HostConfig"]["ReadonlyRootfs"] == true,
        "root fs is writable"
    );
    anyhow::ensure!(
        c["HostConfig"]["Memory"].as_u64().unwrap_or(0) > 0
            && c["HostConfig"]["NanoCpus"].as_u64().unwrap_or(0) > 0,
        "no memory/CPU limits"
    );
    anyhow::ensure!(
        c["HostConfig"]["LogConfig"]["Config"]["max-size"] == "10m",
        "no log rotation"
    );
    anyhow::ensure!(
        c["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped",
        "restart policy {}",
        c["HostConfig"]["RestartPolicy"]["Name"]
    );
    let bindings = &c["HostConfig"]["PortBindings"]["8000/tcp"];
    anyhow::ensure!(
        bindings
            .as_array()
            .is_some_and(|b| b.iter().all(|b| b["HostIp"] == "127.0.0.1")),
        "port 8000 is published beyond 127.0.0.1: {bindings}"
    );
    let env: Vec<&str> = c["Config"]["Env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str())
        .collect();
    for expected in [
        "TECHNO_SCRAPER_LOG_FORMAT=json",
        "TECHNO_SCRAPER_API_KEYS_FILE=/run/secrets/api_keys",
        "TECHNO_SCRAPER_BIND=0.0.0.0:8000",
    ] {
        anyhow::ensure!(
            env.contains(&expected),
            "{expected} is not in the container's environment"
        );
    }
    anyhow::ensure!(
        c["State"]["Health"]["Status"] == "healthy",
        "health {}",
        c["State"]["Health"]["Status"]
    );
    report.ok(
        "container: healthy, user 10001:10001, read-only root fs, memory/CPU limits, log rotation, \
         restart unless-stopped, 8000 on 127.0.0.1 only, .env settings in, key only in the secret",
    );
    Ok(())
}

/// 24 random bytes as hex, from the kernel.
fn random_key() -> anyhow::Result<String> {
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
