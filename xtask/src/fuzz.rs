//! `cargo xtask fuzz`: the cargo-fuzz targets of `fuzz/` — `parsers` (every site's pure
//! parsers) and `inputs` (every action's parameters, cursors and URL rules through the engine) —
//! on the machine's own toolchain with `RUSTC_BOOTSTRAP=1` (cargo-fuzz's `-Z` sanitizer flags;
//! CI machines have one toolchain and cannot fetch nightly; cargo-fuzz itself is installed from
//! crates.io when missing), seeded from
//! the site crates' fixtures and the actions' examples, each for a given time. A crash fails the
//! task and names the input that caused it (under `fuzz/artifacts/`). `cargo xtask ci` runs a
//! short round; the corpus grows in `fuzz/corpus/` from run to run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use xshell::{Shell, cmd};

/// The targets, in the order they run.
pub(crate) const TARGETS: [&str; 2] = ["parsers", "inputs"];

/// Inputs longer than this are not tried (the largest fixture is well below).
const MAX_LEN: usize = 256 * 1024;

/// Options of `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Seconds per target.
    #[arg(long, default_value_t = 600)]
    pub(crate) seconds: u64,
    /// Targets to run (default: all).
    pub(crate) targets: Vec<String>,
}

/// What one target did.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) target: String,
    pub(crate) executions: u64,
    pub(crate) seconds: f64,
    pub(crate) corpus: usize,
}

pub(crate) fn run(sh: &Shell, options: &Options) -> anyhow::Result<Vec<Run>> {
    let targets: Vec<String> = if options.targets.is_empty() {
        TARGETS.iter().map(|t| (*t).to_owned()).collect()
    } else {
        options.targets.clone()
    };
    for target in &targets {
        anyhow::ensure!(
            TARGETS.contains(&target.as_str()),
            "no fuzz target {target} (known: {})",
            TARGETS.join(", ")
        );
    }
    install(sh)?;
    let root = sh.current_dir();
    let fuzz = root.join("fuzz");
    seed(sh, &root, &fuzz)?;
    let _dir = sh.push_dir(&fuzz);
    let started = Instant::now();
    cmd!(sh, "cargo fuzz build")
        .env(BOOTSTRAP.0, BOOTSTRAP.1)
        .run()?;
    println!(
        "(fuzz targets built in {:.0} s)",
        started.elapsed().as_secs_f64()
    );
    let mut runs = Vec::new();
    for target in &targets {
        runs.push(fuzz_one(sh, &fuzz, target, options.seconds)?);
    }
    for run in &runs {
        println!(
            "fuzz {}: {} executions in {:.0} s ({:.0}/s), corpus {} inputs, no crash",
            run.target,
            run.executions,
            run.seconds,
            run.executions as f64 / run.seconds.max(1.0),
            run.corpus
        );
    }
    Ok(runs)
}

/// What lets cargo-fuzz's `-Z` flags (sanitizers, coverage passes) through a stable rustc.
const BOOTSTRAP: (&str, &str) = ("RUSTC_BOOTSTRAP", "1");

/// cargo-fuzz, installed from crates.io when missing.
fn install(sh: &Shell) -> anyhow::Result<()> {
    if cmd!(sh, "cargo fuzz --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_err()
    {
        println!("(installing cargo-fuzz)");
        cmd!(sh, "cargo install cargo-fuzz --locked").run()?;
    }
    Ok(())
}

/// Runs `target` for `seconds` on its corpus; fails on a crash.
fn fuzz_one(sh: &Shell, fuzz: &Path, target: &str, seconds: u64) -> anyhow::Result<Run> {
    let corpus = fuzz.join("corpus").join(target);
    let max_time = format!("-max_total_time={seconds}");
    let max_len = format!("-max_len={MAX_LEN}");
    println!("\n--> fuzz {target} for {seconds} s");
    let started = Instant::now();
    let output = cmd!(
        sh,
        "cargo fuzz run {target} {corpus} -- {max_time} {max_len} -timeout=20 -rss_limit_mb=4096 -print_final_stats=1"
    )
    .env(BOOTSTRAP.0, BOOTSTRAP.1)
    .ignore_status()
    .output()?;
    let seconds = started.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        anyhow::bail!(
            "fuzz target {target} found a crash (the input is under fuzz/artifacts/{target}/):\n{}",
            tail.join("\n")
        );
    }
    let executions = log
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let corpus = std::fs::read_dir(&corpus).map_or(0, Iterator::count);
    Ok(Run {
        target: target.to_owned(),
        executions,
        seconds,
        corpus,
    })
}

/// Writes the seeds: every fixture for each parser of its site, and every action's example in
/// each way `inputs` reads its bytes.
fn seed(sh: &Shell, root: &Path, fuzz: &Path) -> anyhow::Result<()> {
    let parsers = parser_sites(&fuzz.join("fuzz_targets/parsers.rs"))?;
    let dir = fuzz.join("corpus/parsers");
    std::fs::create_dir_all(&dir)?;
    let mut count = 0;
    for fixture in fixtures(&root.join("crates"))? {
        let (site, bytes) = fixture;
        for (index, (_, parser_site)) in parsers.iter().enumerate() {
            if *parser_site != site && parser_site != "core" {
                continue;
            }
            let selector = u8::try_from(index).context("more than 256 parsers")?;
            let mut seed = vec![selector];
            seed.extend_from_slice(&bytes);
            write_seed(&dir, &seed)?;
            count += 1;
        }
    }
    let dir = fuzz.join("corpus/inputs");
    std::fs::create_dir_all(&dir)?;
    let catalogue = cmd!(sh, "cargo run -q -p gateway -- sites --json")
        .quiet()
        .read()
        .context("could not read the catalogue (cargo run -p gateway -- sites --json)")?;
    let sites: serde_json::Value = serde_json::from_str(&catalogue)?;
    let mut actions = Vec::new();
    for site in sites.as_array().into_iter().flatten() {
        let slug = site["slug"].as_str().unwrap_or_default();
        for action in site["actions"].as_array().into_iter().flatten() {
            let name = action["name"].as_str().unwrap_or_default();
            let params = action["example"]["params"].clone();
            actions.push((slug.to_owned(), name.to_owned(), params));
        }
    }
    actions.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    for (index, (_, _, params)) in actions.iter().enumerate() {
        let index = u8::try_from(index).context("more than 256 actions")?;
        let query: Vec<String> = params
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_owned)))
            .collect();
        let query = query.join("&");
        for (mode, body) in [
            (0u8, query.clone().into_bytes()),
            (1, serde_json::to_vec(params)?),
            (
                2,
                format!("{query}\0{{\"page\":2,\"offset\":24,\"h\":\"x\"}}").into_bytes(),
            ),
            (3, params.to_string().into_bytes()),
        ] {
            let mut seed = vec![index, mode];
            seed.extend_from_slice(&body);
            write_seed(&dir, &seed)?;
            count += 1;
        }
    }
    println!("(fuzz corpus seeded with {count} inputs from fixtures and examples)");
    Ok(())
}

/// The site of each parser of `parsers.rs`, in selector order (its `("site/name", ...)` lines).
fn parser_sites(source: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(source)?;
    let parsers: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| {
            let name = line.trim().strip_prefix("(\"")?.split('"').next()?;
            let (site, _) = name.split_once('/')?;
            Some((name.to_owned(), site.to_owned()))
        })
        .collect();
    anyhow::ensure!(!parsers.is_empty(), "no parsers in {}", source.display());
    Ok(parsers)
}

/// Every fixture of every site crate: (slug, bytes).
fn fixtures(crates: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(crates)? {
        let path = entry?.path();
        let Some(slug) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("scraper-"))
        else {
            continue;
        };
        let mut stack: Vec<PathBuf> = vec![path.join("tests/fixtures")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.file_name().is_some_and(|n| n != "README.md") {
                    out.push((slug.to_owned(), std::fs::read(&path)?));
                }
            }
        }
    }
    Ok(out)
}

/// Writes `seed` under a name made of its hash (the same seed is written once).
fn write_seed(dir: &Path, seed: &[u8]) -> anyhow::Result<()> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let path = dir.join(format!("seed-{hash:016x}"));
    if !path.exists() {
        std::fs::write(path, seed)?;
    }
    Ok(())
}
