//! The stand-in VPS: a private dockerd (own data and exec roots, own socket, no host networking
//! changes beyond the compose networks it creates and removes), an sshd on 127.0.0.1 whose
//! sessions use that dockerd, a key pair to log in with, and a registry on 127.0.0.1 for the
//! registry transport. Dropping it removes the containers and networks, stops every process it
//! started (by PID) and deletes its directory.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use xshell::{Shell, cmd};

use super::setup::Tools;
use crate::process::{Guard, free_port, wait_for_port};

/// dockerd, stopped with SIGTERM (it then stops its containerd) and killed only if it hangs.
struct Daemon {
    child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = writeln!(
            std::io::stderr(),
            "e2e: dockerd (pid {pid}) did not stop in 30 s: killing it"
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running stand-in VPS.
pub(crate) struct Vps {
    /// Everything lives here; removed on drop.
    pub(crate) dir: PathBuf,
    /// DOCKER_HOST of its dockerd.
    pub(crate) docker_host: String,
    /// DOCKER_CONFIG of its SSH sessions (and of this suite's docker calls).
    pub(crate) docker_config: PathBuf,
    pub(crate) ssh_port: u16,
    pub(crate) ssh_key: PathBuf,
    pub(crate) known_hosts: PathBuf,
    pub(crate) registry_port: u16,
    docker: PathBuf,
    // Dropped in reverse order of start: registry and sshd first, then dockerd.
    sshd: Option<Guard>,
    registry: Option<Guard>,
    dockerd: Option<Daemon>,
}

impl Vps {
    /// Starts dockerd (waiting until it answers), the registry and sshd.
    pub(crate) fn start(sh: &Shell, tools: &Tools) -> anyhow::Result<Self> {
        let dir = PathBuf::from(format!(
            "/var/tmp/techno-scraper-e2e.{}",
            std::process::id()
        ));
        if dir.exists() {
            sh.remove_path(&dir)?;
        }
        sh.create_dir(&dir)?;
        let docker_config = dir.join("docker-config");
        sh.create_dir(&docker_config)?;
        let mut vps = Self {
            docker_host: format!("unix://{}", dir.join("docker.sock").display()),
            docker_config,
            ssh_port: 0,
            ssh_key: dir.join("ssh/client_key"),
            known_hosts: dir.join("ssh/known_hosts"),
            registry_port: 0,
            docker: tools.docker.clone(),
            sshd: None,
            registry: None,
            dockerd: None,
            dir,
        };
        vps.start_dockerd(sh, tools)?;
        vps.start_registry(sh, tools)?;
        vps.start_sshd(sh, tools)?;
        Ok(vps)
    }

    fn start_dockerd(&mut self, sh: &Shell, tools: &Tools) -> anyhow::Result<()> {
        let dir = &self.dir;
        sh.write_file(dir.join("daemon.json"), "{}\n")?;
        let log = std::fs::File::create(dir.join("dockerd.log"))?;
        let child = Command::new(&tools.dockerd)
            .arg("--config-file")
            .arg(dir.join("daemon.json"))
            .arg("--data-root")
            .arg(dir.join("docker/data"))
            .arg("--exec-root")
            .arg(dir.join("docker/exec"))
            .arg("--pidfile")
            .arg(dir.join("docker/dockerd.pid"))
            .args(["-H", &self.docker_host])
            .args(["--iptables=false", "--ip6tables=false", "--bridge=none"])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("could not start dockerd")?;
        let mut daemon = Daemon { child };
        let started = Instant::now();
        loop {
            if let Some(status) = daemon.child.try_wait()? {
                anyhow::bail!(
                    "dockerd exited ({status}); see {}",
                    dir.join("dockerd.log").display()
                );
            }
            if self
                .docker(sh, &["info", "--format", "{{.ServerVersion}}"])
                .is_ok()
            {
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "dockerd did not answer within 60 s; see {}",
                dir.join("dockerd.log").display()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        self.dockerd = Some(daemon);
        Ok(())
    }

    fn start_registry(&mut self, sh: &Shell, tools: &Tools) -> anyhow::Result<()> {
        let port = free_port()?;
        let config = self.dir.join("registry.yml");
        sh.write_file(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n\
                 http:\n  addr: 127.0.0.1:{port}\n",
                self.dir.join("registry").display()
            ),
        )?;
        let log = std::fs::File::create(self.dir.join("registry.log"))?;
        let mut guard = Guard::new(
            "docker-registry",
            Command::new(&tools.registry)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .context("could not start docker-registry")?,
        );
        wait_for_port(port, &mut guard, Duration::from_secs(20))?;
        self.registry = Some(guard);
        self.registry_port = port;
        Ok(())
    }

    fn start_sshd(&mut self, sh: &Shell, tools: &Tools) -> anyhow::Result<()> {
        let ssh = self.dir.join("ssh");
        sh.create_dir(&ssh)?;
        let host_key = ssh.join("host_key");
        let client_key = &self.ssh_key;
        cmd!(
            sh,
            "ssh-keygen -q -t ed25519 -N '' -C e2e-host -f {host_key}"
        )
        .quiet()
        .run()?;
        cmd!(
            sh,
            "ssh-keygen -q -t ed25519 -N '' -C e2e-deployer -f {client_key}"
        )
        .quiet()
        .run()?;
        sh.copy_file(ssh.join("client_key.pub"), ssh.join("authorized_keys"))?;
        let port = free_port()?;
        let host_public = sh.read_file(ssh.join("host_key.pub"))?;
        let mut host_public = host_public.split_whitespace();
        let (kind, key) = (
            host_public.next().context("empty host key")?,
            host_public.next().context("empty host key")?,
        );
        sh.write_file(
            &self.known_hosts,
            format!("[127.0.0.1]:{port} {kind} {key}\n"),
        )?;
        let config = ssh.join("sshd_config");
        sh.write_file(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {pid}\n\
                 AuthorizedKeysFile {authorized}\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n\
                 PermitRootLogin prohibit-password\n\
                 SetEnv DOCKER_HOST={docker_host} DOCKER_CONFIG={docker_config}\n",
                host_key = host_key.display(),
                pid = ssh.join("sshd.pid").display(),
                authorized = ssh.join("authorized_keys").display(),
                docker_host = self.docker_host,
                docker_config = self.docker_config.display(),
            ),
        )?;
        sh.create_dir("/run/sshd")?;
        let sshd = &tools.sshd;
        cmd!(sh, "{sshd} -t -f {config}").quiet().run()?;
        let mut guard = Guard::new(
            "sshd",
            Command::new(sshd)
                .arg("-D")
                .arg("-f")
                .arg(&config)
                .arg("-E")
                .arg(ssh.join("sshd.log"))
                .stdin(Stdio::null())
                .spawn()
                .context("could not start sshd")?,
        );
        wait_for_port(port, &mut guard, Duration::from_secs(20))?;
        self.sshd = Some(guard);
        self.ssh_port = port;
        Ok(())
    }

    /// Runs the docker client against this VPS's daemon and returns its output.
    pub(crate) fn docker(&self, sh: &Shell, args: &[&str]) -> anyhow::Result<String> {
        let docker = &self.docker;
        Ok(cmd!(sh, "{docker} {args...}")
            .env("DOCKER_HOST", &self.docker_host)
            .env("DOCKER_CONFIG", &self.docker_config)
            .quiet()
            .ignore_stderr()
            .read()?)
    }

    /// Logs of the daemon and sshd, for a failure's report.
    pub(crate) fn logs(&self) -> Vec<PathBuf> {
        vec![self.dir.join("dockerd.log"), self.dir.join("ssh/sshd.log")]
    }

    /// Removes every container and network of this daemon (it is ours alone).
    fn clean_daemon(&self, sh: &Shell) {
        if let Ok(ids) = self.docker(sh, &["ps", "--all", "--quiet"]) {
            let ids: Vec<&str> = ids.split_whitespace().collect();
            if !ids.is_empty() {
                let mut args = vec!["rm", "--force", "--volumes"];
                args.extend(ids);
                let _ = self.docker(sh, &args);
            }
        }
        let _ = self.docker(sh, &["network", "prune", "--force"]);
    }
}

impl Drop for Vps {
    fn drop(&mut self) {
        if self.dockerd.is_some()
            && let Ok(sh) = Shell::new()
        {
            self.clean_daemon(&sh);
        }
        drop(self.sshd.take());
        drop(self.registry.take());
        drop(self.dockerd.take());
        if unmount_below(&self.dir) {
            if let Err(e) = std::fs::remove_dir_all(&self.dir) {
                let _ = writeln!(
                    std::io::stderr(),
                    "e2e: could not remove {}: {e}",
                    self.dir.display()
                );
            }
        } else {
            let _ = writeln!(
                std::io::stderr(),
                "e2e: mounts remain below {}: left in place",
                self.dir.display()
            );
        }
    }
}

/// Unmounts whatever dockerd left mounted below `dir`; true when nothing remains.
fn unmount_below(dir: &Path) -> bool {
    let mounted = || -> Vec<String> {
        std::fs::read_to_string("/proc/self/mounts")
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
            .filter(|m| Path::new(m).starts_with(dir))
            .collect()
    };
    let mut mounts = mounted();
    // Deepest first.
    mounts.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for mount in &mounts {
        let _ = Command::new("umount").args(["-l", mount]).status();
    }
    mounted().is_empty()
}
