//! `cargo xtask e2e <suite>`: end-to-end checks against real infrastructure started on this
//! machine, everything on 127.0.0.1 and stopped (by PID) when the suite ends. `deploy`: a
//! stand-in VPS (its own dockerd, an sshd, a registry), the image built from the Dockerfile,
//! `cargo xtask deploy` to it, and a broken tag that must be rolled back. `mcp`: the official
//! Python MCP SDK against the gateway's MCP server, over streamable HTTP and stdio. `n8n`: the
//! shipped workflows and the community node in a real n8n. `hostile`: slow request bodies and
//! maximal upstream answers, with the gateway's memory measured.

pub(crate) mod deploy;
pub(crate) mod hostile;
mod http;
pub(crate) mod mcp;
pub(crate) mod n8n;
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
    /// The MCP tools through the official Python MCP SDK (installed into target/ when
    /// missing): over streamable HTTP with a key and over stdio, against a mock upstream and,
    /// when ../shared/corpus exists, against its replay.py.
    Mcp(mcp::Options),
    /// Hostile clients and upstream: 1,000 slow request bodies must be closed within the client
    /// timeout, and 9.5 MiB upstream answers to 48 clients at once must keep the gateway's peak
    /// RSS under its budget.
    Hostile(hostile::Options),
    /// The shipped n8n workflows and the community node in a real n8n 2.41.1 (Node 24 and n8n
    /// installed from npm into target/n8n when missing), against the gateway over a mock
    /// upstream and, when ../shared/corpus exists, over its replay.py.
    N8n(n8n::Options),
}

pub(crate) fn run(sh: &Shell, suite: &Suite) -> anyhow::Result<()> {
    match suite {
        Suite::Deploy(options) => deploy::run(sh, options),
        Suite::Mcp(options) => mcp::run(sh, options),
        Suite::Hostile(options) => hostile::run(sh, options),
        Suite::N8n(options) => n8n::run(sh, options),
    }
}
