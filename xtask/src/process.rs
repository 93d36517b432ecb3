//! Child processes that must not outlive the task: killed (by PID) and reaped when dropped,
//! and small helpers to find a free loopback port, wait for a server, build the gateway binary
//! and start the corpus's `replay.py`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use xshell::{Shell, cmd};

/// A child process killed when this guard is dropped.
pub(crate) struct Guard {
    name: &'static str,
    child: Child,
}

impl Guard {
    pub(crate) fn new(name: &'static str, child: Child) -> Self {
        Self { name, child }
    }

    /// Fails when the process has already exited.
    pub(crate) fn ensure_running(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            anyhow::bail!("{} exited early ({status})", self.name);
        }
        Ok(())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
pub(crate) fn wait_for_port(port: u16, guard: &mut Guard, timeout: Duration) -> anyhow::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while started.elapsed() < timeout {
        guard.ensure_running()?;
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    anyhow::bail!("nothing listened on {addr} within {timeout:?}")
}

/// Builds the gateway binary (the release profile when `release`) and returns its path.
pub(crate) fn build_gateway(sh: &Shell, release: bool) -> anyhow::Result<PathBuf> {
    let profile: &[&str] = if release { &["--release"] } else { &[] };
    cmd!(sh, "cargo build --locked -p gateway {profile...}").run()?;
    Ok(sh
        .current_dir()
        .join("target")
        .join(if release { "release" } else { "debug" })
        .join("techno-scraper"))
}

/// The corpus's `replay.py` serving `site_dirs` on a free loopback port, once it listens.
pub(crate) fn start_replay(corpus: &Path, site_dirs: &[PathBuf]) -> anyhow::Result<(Guard, u16)> {
    let port = free_port()?;
    let mut replay = Guard::new(
        "replay.py",
        Command::new("python3")
            .arg(corpus.join("replay.py"))
            .args(["--port", &port.to_string()])
            .args(site_dirs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start python3 replay.py")?,
    );
    wait_for_port(port, &mut replay, Duration::from_secs(20))?;
    Ok((replay, port))
}
