//! `cargo xtask e2e <suite>`: end-to-end checks against real infrastructure started on this
//! machine, everything on 127.0.0.1 and stopped (by PID) when the suite ends. `deploy`: a
//! stand-in VPS (its own dockerd, an sshd, a registry), the image built from the Dockerfile,
//! `cargo xtask deploy` to it, and a broken tag that must be rolled back.

pub(crate) mod deploy;
mod http;
mod report;
mod setup;
mod vps;

use xshell::Shell;

/// The suites.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Suite {
    /// Deploy to a stand-in VPS over SSH, check the service, then a broken tag's rollback
    /// (needs root: it runs dockerd and sshd; installs docker.io, debootstrap, openssh-server
    /// and docker-registry with apt-get when they are missing).
    Deploy(deploy::Options),
}

pub(crate) fn run(sh: &Shell, suite: &Suite) -> anyhow::Result<()> {
    match suite {
        Suite::Deploy(options) => deploy::run(sh, options),
    }
}
