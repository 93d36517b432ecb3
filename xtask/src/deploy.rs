//! `cargo xtask deploy`: put one image tag in service on a VPS over SSH — upload compose.yaml,
//! write `.env` and the API keys secret (never echoed), get the image there (registry pull, or
//! `docker save | ssh docker load`), `docker compose up --wait`, check `/health` through the
//! published port, and record the tag as the last healthy one. When the new tag is not healthy,
//! the last healthy deploy (recorded on the VPS in `last-good/`) is put back and the task fails.
//!
//! On the VPS, in `--dir`: compose.yaml, .env, secrets/api_keys, last-good/{compose.yaml,.env,tag}
//! and history (one line per deploy or rollback).

mod files;
mod remote;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use xshell::Shell;

use self::files::{Deployment, Setting};
use self::remote::{Remote, Target, quote};

/// How the image reaches the VPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Transport {
    /// The VPS pulls it from the registry (`docker compose pull`).
    Registry,
    /// `docker save` here, `docker load` there, through the SSH connection (no registry needed).
    Ssh,
}

/// `cargo xtask deploy` flags. Secrets are read from the environment only (never flags, which
/// `ps` shows): DEPLOY_REGISTRY_TOKEN and TECHNO_SCRAPER_API_KEYS.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// The VPS: host name or IP address.
    #[arg(long, env = "DEPLOY_HOST")]
    pub(crate) host: String,
    /// Its SSH port.
    #[arg(long, env = "DEPLOY_PORT", default_value_t = 22)]
    pub(crate) port: u16,
    /// The SSH user (must be allowed to run docker).
    #[arg(long, env = "DEPLOY_USER", default_value = "deploy")]
    pub(crate) user: String,
    /// The SSH private key (default: ssh's own choice, e.g. the agent or ~/.ssh/id_*).
    #[arg(long, env = "DEPLOY_SSH_KEY_FILE")]
    pub(crate) identity: Option<PathBuf>,
    /// A known_hosts file holding the VPS's host key: checked strictly. Without it, the key is
    /// trusted on first use and checked afterwards.
    #[arg(long, env = "DEPLOY_KNOWN_HOSTS_FILE")]
    pub(crate) known_hosts: Option<PathBuf>,
    /// The image name, without tag.
    #[arg(long, env = "DEPLOY_IMAGE", default_value = "techno-scraper")]
    pub(crate) image: String,
    /// The tag to deploy (CI: the commit sha).
    #[arg(long, env = "DEPLOY_TAG")]
    pub(crate) tag: String,
    /// The directory on the VPS, relative to the SSH user's home or absolute.
    #[arg(long, env = "DEPLOY_DIR", default_value = "techno-scraper")]
    pub(crate) dir: String,
    /// How the image gets to the VPS.
    #[arg(long, value_enum, env = "DEPLOY_TRANSPORT", default_value = "registry")]
    pub(crate) transport: Transport,
    /// The registry login (with DEPLOY_REGISTRY_TOKEN in the environment; without a token, no
    /// login: a public image, or a VPS already logged in).
    #[arg(long, env = "DEPLOY_REGISTRY_USER")]
    pub(crate) registry_user: Option<String>,
    /// Settings for the VPS's .env: NAME=value lines (TECHNO_SCRAPER_*, N8N_*, TZ, ...).
    /// May be given more than once; later files win.
    #[arg(long)]
    pub(crate) env_file: Vec<PathBuf>,
    /// API keys, one per line. Default: TECHNO_SCRAPER_API_KEYS (comma-separated) from the
    /// environment; with neither, the keys already on the VPS are kept.
    #[arg(long)]
    pub(crate) api_keys_file: Option<PathBuf>,
    /// The port the gateway is published on, on the VPS's 127.0.0.1.
    #[arg(long, env = "DEPLOY_PUBLISH_PORT", default_value_t = 8000)]
    pub(crate) publish_port: u16,
    /// Also run n8n beside the gateway (compose profile n8n).
    #[arg(long)]
    pub(crate) n8n: bool,
    /// Seconds `docker compose up --wait` may take to see the gateway healthy.
    #[arg(long, default_value_t = 120)]
    pub(crate) wait_timeout: u64,
    /// Print every step and command without running any.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

const STEPS: usize = 7;

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<()> {
    let started = Instant::now();
    files::check_tag(&options.tag)?;
    files::check_image(&options.image)?;
    files::check_dir(&options.dir)?;
    let settings = read_settings(sh, options)?;
    let api_keys = read_api_keys(sh, options)?;
    let registry_token = std::env::var("DEPLOY_REGISTRY_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    if options.transport == Transport::Registry
        && registry_token.is_some()
        && options.registry_user.is_none()
    {
        anyhow::bail!("DEPLOY_REGISTRY_TOKEN is set but --registry-user is not");
    }
    let compose = sh
        .read_binary_file("compose.yaml")
        .context("could not read compose.yaml")?;
    let remote = Remote::new(
        sh,
        Target {
            host: options.host.clone(),
            port: options.port,
            user: options.user.clone(),
            identity: options.identity.clone(),
            known_hosts: options.known_hosts.clone(),
        },
        options.dry_run,
    )?;
    let image = format!("{}:{}", options.image, options.tag);
    let dir = quote(&options.dir);
    let transport = match options.transport {
        Transport::Registry => "registry pull",
        Transport::Ssh => "docker save | ssh docker load",
    };
    println!(
        "deploy: {image} → {}:{} (dir {}, image by {transport}){}",
        remote.destination(),
        options.port,
        options.dir,
        if options.dry_run { " — dry run" } else { "" }
    );
    println!("  via: {}", remote.describe());

    step(
        1,
        "check the VPS: docker, docker compose, the last healthy deploy",
    );
    let versions = remote
        .read("docker version --format 'docker {{.Server.Version}}' && docker compose version")?;
    if let Some(versions) = versions {
        for line in versions.lines() {
            println!("    {line}");
        }
    }
    let previous = remote
        .read(&format!("cat {dir}/last-good/tag 2>/dev/null || true"))?
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    match &previous {
        Some(tag) => println!("    last healthy deploy: {tag} (the rollback target)"),
        None if options.dry_run => println!("    (dry run: the last healthy deploy is read here)"),
        None => println!("    nothing deployed here yet: no rollback possible if this fails"),
    }

    step(2, "upload compose.yaml and .env");
    remote.run(&format!(
        "mkdir -p {dir} && cd {dir} && mkdir -p secrets last-good && chmod 700 secrets"
    ))?;
    remote.run_with_stdin(
        &format!("cd {dir} && cat > compose.yaml.new && mv -f compose.yaml.new compose.yaml"),
        &compose,
        &format!("compose.yaml, {} bytes", compose.len()),
    )?;
    let deployment = Deployment {
        image: &options.image,
        tag: &options.tag,
        port: options.publish_port,
        n8n: options.n8n,
    };
    let env = files::render_env(&deployment, &settings);
    remote.run_with_stdin(
        &format!("cd {dir} && umask 077 && cat > .env.new && mv -f .env.new .env"),
        env.as_bytes(),
        &format!(
            ".env with {} (values not shown)",
            files::env_names(&deployment, &settings).join(", ")
        ),
    )?;
    remote.run(&format!("cd {dir} && docker compose config --quiet"))?;

    step(3, "the API keys secret");
    match &api_keys {
        Some((text, count, origin)) => remote.run_with_stdin(
            &format!(
                "cd {dir}/secrets && umask 077 && cat > api_keys.new && chmod 444 api_keys.new \
                 && mv -f api_keys.new api_keys"
            ),
            text.as_bytes(),
            &format!("{count} API key(s) from {origin}, not shown"),
        )?,
        None => {
            let present = remote.succeeds(&format!("test -s {dir}/secrets/api_keys"), true)?;
            anyhow::ensure!(
                present,
                "the VPS has no API keys yet: give them once, in TECHNO_SCRAPER_API_KEYS or with --api-keys-file"
            );
            println!(
                "    no keys given: keeping {}/secrets/api_keys",
                options.dir
            );
        }
    }

    step(4, "get the image onto the VPS");
    match options.transport {
        Transport::Registry => {
            if let (Some(token), Some(user)) = (&registry_token, &options.registry_user) {
                let registry = files::registry_of(&options.image);
                remote.run_with_stdin(
                    &format!(
                        "docker login {} --username {} --password-stdin",
                        quote(registry),
                        quote(user)
                    ),
                    token.as_bytes(),
                    "DEPLOY_REGISTRY_TOKEN, not shown",
                )?;
            } else {
                println!(
                    "    no DEPLOY_REGISTRY_TOKEN: no registry login (public image, or already logged in)"
                );
            }
            remote.run(&format!("cd {dir} && docker compose pull --quiet"))?;
        }
        Transport::Ssh => remote.send_image(&image)?,
    }

    step(5, "start it: docker compose up --wait");
    let healthy = start_and_verify(&remote, &dir, options, &image);

    match healthy {
        Ok(()) => {
            step(7, "record it as the last healthy deploy");
            remote.run(&format!(
                "cd {dir} && cp compose.yaml .env last-good/ && printf '%s\\n' {tag} > last-good/tag \
                 && printf '%s deployed %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" {tag} >> history",
                tag = quote(&options.tag)
            ))?;
            if options.dry_run {
                println!("\ndeploy: dry run done, nothing was run on the VPS");
            } else {
                println!(
                    "\ndeploy: {image} is serving on {} (127.0.0.1:{} there), {:.0} s",
                    remote.destination(),
                    options.publish_port,
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        Err(error) => {
            println!("\n!! {image} is not healthy: {error:#}");
            let _ = remote.run(&format!(
                "cd {dir} && docker compose ps --all gateway; docker compose logs --no-color --tail 30 gateway"
            ));
            let Some(previous) = previous else {
                anyhow::bail!(
                    "deploy of {image} failed ({error:#}), and there is no earlier healthy deploy \
                     to roll back to: see the logs above"
                );
            };
            println!("\n[rollback] to {previous}, the last healthy deploy");
            match rollback(&remote, &dir, options, &previous) {
                Ok(()) => anyhow::bail!(
                    "deploy of {image} FAILED ({error:#}); rolled back to {previous}, which is serving"
                ),
                Err(rollback_error) => anyhow::bail!(
                    "deploy of {image} FAILED ({error:#}), and the ROLLBACK to {previous} FAILED too \
                     ({rollback_error:#}): the service is down, look at the VPS now"
                ),
            }
        }
    }
}

/// Steps 5 and 6: `up --wait` for the gateway (then the rest, n8n), and `/health` through the
/// published port.
fn start_and_verify(
    remote: &Remote<'_>,
    dir: &str,
    options: &Options,
    image: &str,
) -> anyhow::Result<()> {
    up_gateway(remote, dir, options)?;
    if options.n8n {
        remote.run(&format!(
            "cd {dir} && docker compose up --detach --wait --wait-timeout {}",
            options.wait_timeout
        ))?;
    }
    step(6, "verify /health on the VPS through the published port");
    verify_health(remote, options, image)?;
    let running = remote.read(&format!(
        "cd {dir} && docker compose ps --format '{{{{.Image}}}} {{{{.Status}}}}' gateway"
    ))?;
    if let Some(running) = running {
        println!("    running: {}", running.trim());
        anyhow::ensure!(
            running.trim_start().starts_with(&format!("{image} ")),
            "the gateway runs {}, not {image}",
            running.trim()
        );
    }
    Ok(())
}

fn up_gateway(remote: &Remote<'_>, dir: &str, options: &Options) -> anyhow::Result<()> {
    // --force-recreate: a new API keys secret is read at start, even when the tag is unchanged.
    remote.run(&format!(
        "cd {dir} && docker compose up --detach --wait --wait-timeout {} --force-recreate --no-deps \
         --pull never gateway",
        options.wait_timeout
    ))
}

fn verify_health(remote: &Remote<'_>, options: &Options, image: &str) -> anyhow::Result<()> {
    let url = format!("http://127.0.0.1:{}/health", options.publish_port);
    // curl or wget when the VPS has them; otherwise the image's own healthcheck command.
    let probe = format!(
        "for attempt in 1 2 3 4 5; do \
           if command -v curl >/dev/null 2>&1; then curl -fsS --max-time 5 {url} && echo && exit 0; \
           elif command -v wget >/dev/null 2>&1; then wget -qO- -T 5 {url} && echo && exit 0; \
           else docker run --rm --network host {image} healthcheck --url {url} && echo ok && exit 0; fi; \
           sleep 2; \
         done; exit 1",
        url = quote(&url),
        image = quote(image)
    );
    let answer = remote
        .read(&probe)
        .with_context(|| format!("{url} did not answer 200"))?;
    if let Some(answer) = answer {
        println!("    GET {url} → 200 {}", answer.trim());
    }
    Ok(())
}

fn rollback(
    remote: &Remote<'_>,
    dir: &str,
    options: &Options,
    previous: &str,
) -> anyhow::Result<()> {
    remote.run(&format!(
        "cd {dir} && cp last-good/compose.yaml last-good/.env ."
    ))?;
    up_gateway(remote, dir, options)?;
    let image = format!("{}:{previous}", options.image);
    verify_health(remote, options, &image)?;
    remote.run(&format!(
        "cd {dir} && printf '%s rolled back from %s to %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" {} {} >> history",
        quote(&options.tag),
        quote(previous)
    ))?;
    println!("[rollback] {image} is serving again");
    Ok(())
}

/// Settings for `.env`, from every `--env-file` in order.
fn read_settings(sh: &Shell, options: &Options) -> anyhow::Result<Vec<Setting>> {
    let mut settings: Vec<Setting> = Vec::new();
    for path in &options.env_file {
        let text = sh
            .read_file(path)
            .with_context(|| format!("could not read --env-file {}", path.display()))?;
        for setting in files::parse_settings(&text, &path.display().to_string())? {
            settings.retain(|s| s.name != setting.name);
            settings.push(setting);
        }
    }
    Ok(settings)
}

/// The secret file's text, the number of keys and where they came from; `None`: keep the VPS's.
fn read_api_keys(sh: &Shell, options: &Options) -> anyhow::Result<Option<(String, usize, String)>> {
    if let Some(path) = &options.api_keys_file {
        let text = sh
            .read_file(path)
            .with_context(|| format!("could not read --api-keys-file {}", path.display()))?;
        let lines: Vec<&str> = text.lines().collect();
        let (secret, count) =
            files::api_keys_secret(&lines).with_context(|| format!("in {}", path.display()))?;
        return Ok(Some((secret, count, path.display().to_string())));
    }
    match std::env::var("TECHNO_SCRAPER_API_KEYS") {
        Ok(list) if !list.trim().is_empty() => {
            let keys: Vec<&str> = list.split(',').collect();
            let (secret, count) =
                files::api_keys_secret(&keys).context("in TECHNO_SCRAPER_API_KEYS")?;
            Ok(Some((secret, count, "TECHNO_SCRAPER_API_KEYS".to_owned())))
        }
        _ => Ok(None),
    }
}

fn step(number: usize, what: &str) {
    println!("\n[{number}/{STEPS}] {what}");
}
