//! `cargo xtask <task>`: the project's automation, one subcommand per task, shelling out through
//! xshell (arguments are never interpreted by a shell).
#![expect(
    clippy::print_stdout,
    reason = "xtask reports progress on the terminal"
)]

mod bench;
mod ci;
mod compose;
mod corpus;
mod deploy;
mod docs;
mod e2e;
mod fuzz;
mod n8n;
mod process;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "techno-scraper's automation")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Everything CI checks (what .ci/run runs), each step timed: fmt, clippy, the test suite, the
    /// corpus checks and a bench smoke run when ../shared/corpus exists, e2e mcp, n8n and
    /// hostile, a short fuzz round, and the deploy check when asked.
    Ci {
        /// Skip the corpus checks even when the corpus exists.
        #[arg(long)]
        no_corpus: bool,
        /// Also run the deploy end-to-end check (`cargo xtask e2e deploy --debug`): needs root,
        /// installs docker.io, debootstrap and openssh-server when missing.
        #[arg(long)]
        e2e_deploy: bool,
    },
    /// Replay ../shared/corpus against the gateway and run its expectations (check.py).
    Corpus {
        /// Sites to check (default: every registered site that has an expectation file).
        sites: Vec<String>,
        /// Use the release build of the gateway.
        #[arg(long)]
        release: bool,
        /// Where the corpus lives.
        #[arg(long, default_value = "../shared/corpus")]
        corpus: String,
    },
    /// Regenerate `.env.example` and README.md's settings tables from the code.
    Docs,
    /// Deploy an image tag to a VPS over SSH with docker compose; roll back when it is unhealthy.
    Deploy(Box<deploy::Options>),
    /// Build, test, lint, pack and scan the n8n community node (integrations/n8n-nodes-techno-scraper)
    /// with Node 24 from npm (installed into target/n8n when missing).
    N8nNode {
        /// Fail instead of installing Node 24 when it is missing.
        #[arg(long)]
        no_install: bool,
    },
    /// The gateway under load next to a bare actix app: uncached and cached rps, p50, p99 and
    /// CPU per answer, single flight, memory (needs ../shared/corpus; installs wrk and nginx
    /// with apt-get when missing). Prints the table of docs/PERFORMANCE.md.
    Bench(bench::Options),
    /// Serve a routes file of fixed bodies (the bench's upstream and bare app).
    #[command(hide = true)]
    ServeStatic {
        /// Port on 127.0.0.1.
        #[arg(long)]
        port: u16,
        /// The routes file.
        #[arg(long)]
        routes: std::path::PathBuf,
        /// Worker threads (0: one per core).
        #[arg(long, default_value_t = 1)]
        workers: usize,
    },
    /// The cargo-fuzz targets (parsers; parameters, cursors and URL rules through the engine)
    /// on the stable toolchain with RUSTC_BOOTSTRAP=1, seeded from the fixtures (installs
    /// cargo-fuzz when missing).
    Fuzz(fuzz::Options),
    /// End-to-end checks against real infrastructure started on this machine.
    E2e {
        #[command(subcommand)]
        suite: e2e::Suite,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let sh = xshell::Shell::new()?;
    sh.change_dir(project_root());
    match cli.task {
        Task::Ci {
            no_corpus,
            e2e_deploy,
        } => ci::run(&sh, !no_corpus, e2e_deploy),
        Task::Corpus {
            sites,
            release,
            corpus,
        } => corpus::run(
            &sh,
            &corpus::Options {
                sites,
                release,
                corpus,
            },
        ),
        Task::Docs => docs::run(&sh),
        Task::Deploy(options) => deploy::run(&sh, &options),
        Task::N8nNode { no_install } => n8n::run(&sh, !no_install),
        Task::Bench(options) => bench::run(&sh, &options),
        Task::ServeStatic {
            port,
            routes,
            workers,
        } => bench::upstream::serve_static(port, &routes, workers),
        Task::Fuzz(options) => fuzz::run(&sh, &options).map(drop),
        Task::E2e { suite } => e2e::run(&sh, &suite),
    }
}

/// The workspace root (xtask lives one level below it).
fn project_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
