//! `cargo xtask ci`: what CI runs, in order — formatting, lints, the README's test command, the
//! corpus checks and a smoke run of the bench when the shared corpus is present, the MCP
//! end-to-end check (the official Python MCP SDK; skipped without python3), the n8n end-to-end
//! check (a real n8n from npm; skipped without npm), the hostile-clients check (slow bodies,
//! memory under maximal upstream answers), a short fuzzing round (cargo-fuzz,
//! installed when missing), and (when asked) the deploy end-to-end check.

use xshell::{Shell, cmd};

/// The test command the README gives.
pub(crate) const TEST_COMMAND: [&str; 3] = ["test", "--workspace", "--locked"];

pub(crate) fn run(sh: &Shell, with_corpus: bool, e2e_deploy: bool) -> anyhow::Result<()> {
    step("cargo fmt --check");
    cmd!(sh, "cargo fmt --all --check").run()?;
    step("cargo clippy --all-targets -- -D warnings");
    cmd!(
        sh,
        "cargo clippy --workspace --all-targets --locked -- -D warnings"
    )
    .run()?;
    step("cargo test --workspace");
    let args = TEST_COMMAND;
    cmd!(sh, "cargo {args...}").env("CI", "true").run()?;
    let corpus = crate::corpus::Options::default();
    if with_corpus && sh.path_exists(&corpus.corpus) {
        step("corpus checks (../shared/corpus)");
        crate::corpus::run(sh, &corpus)?;
    } else {
        println!("(no ../shared/corpus here: corpus checks skipped)");
    }
    if with_corpus && sh.path_exists(&corpus.corpus) {
        step("bench smoke (cargo xtask bench --smoke: debug builds, a second per measurement)");
        crate::bench::run(sh, &crate::bench::Options::smoke())?;
    } else {
        println!("(no ../shared/corpus here: bench smoke skipped)");
    }
    let has_python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_python {
        step("e2e mcp (the official Python MCP SDK over streamable HTTP and stdio)");
        let options = crate::e2e::mcp::Options {
            // The debug build the tests made; the replay run only when the corpus checks run.
            corpus: if with_corpus {
                corpus.corpus
            } else {
                String::new()
            },
            ..crate::e2e::mcp::Options::default()
        };
        crate::e2e::mcp::run(sh, &options)?;
    } else {
        println!("(no python3 here: e2e mcp skipped; it needs python3 to install the MCP SDK)");
    }
    n8n(sh, with_corpus)?;
    step("e2e hostile (1,000 slow request bodies; 9.5 MiB upstream answers to 48 clients, RSS)");
    // One round of 48 clients is the peak; `cargo xtask e2e hostile` runs three.
    let options = crate::e2e::hostile::Options {
        rounds: 1,
        ..crate::e2e::hostile::Options::default()
    };
    crate::e2e::hostile::run(sh, &options)?;
    step("fuzz (a short round of each cargo-fuzz target; `cargo xtask fuzz` runs long ones)");
    crate::fuzz::run(
        sh,
        &crate::fuzz::Options {
            seconds: 60,
            targets: Vec::new(),
        },
    )?;
    if e2e_deploy {
        step("e2e deploy (stand-in VPS: its own dockerd, sshd and registry)");
        // The debug build the tests made goes into the image: no release build needed here.
        let options = crate::e2e::deploy::Options {
            debug: true,
            no_install: false,
        };
        crate::e2e::deploy::run(sh, &options)?;
    } else {
        println!("(e2e deploy not asked for: cargo xtask ci --e2e-deploy)");
    }
    finish_step();
    println!("\nci: all checks passed");
    Ok(())
}

/// The n8n end-to-end check: the shipped workflows and the community node in a real n8n
/// (Node 24 and n8n from npm, cached in target/n8n: minutes on a cold cache, about one and a half
/// once cached). Skipped where npm or Node's x86-64 Linux build is missing, and when
/// `TECHNO_SCRAPER_CI_N8N=0`.
fn n8n(sh: &Shell, with_corpus: bool) -> anyhow::Result<()> {
    if std::env::var("TECHNO_SCRAPER_CI_N8N").is_ok_and(|v| v == "0") {
        println!("(TECHNO_SCRAPER_CI_N8N=0: e2e n8n skipped)");
        return Ok(());
    }
    if let Some(reason) = crate::n8n::unsupported() {
        println!("(e2e n8n skipped: {reason})");
        return Ok(());
    }
    step("e2e n8n (shipped workflows and the community node in n8n 2.41.1)");
    let options = crate::e2e::n8n::Options {
        // An empty path has no replay.py: the recorded-traffic pass runs only with the corpus checks.
        corpus: if with_corpus {
            crate::corpus::Options::default().corpus
        } else {
            String::new()
        },
        ..crate::e2e::n8n::Options::default()
    };
    crate::e2e::n8n::run(sh, &options)?;
    Ok(())
}

/// The step running now and when it began: each step's time is printed when the next begins
/// (and the last one's at the end), so a CI log shows where its minutes went.
static CURRENT: std::sync::Mutex<Option<(String, std::time::Instant)>> =
    std::sync::Mutex::new(None);

fn step(name: &str) {
    finish_step();
    println!("\n==> {name}");
    if let Ok(mut current) = CURRENT.lock() {
        *current = Some((name.to_owned(), std::time::Instant::now()));
    }
}

fn finish_step() {
    let finished = CURRENT.lock().ok().and_then(|mut c| c.take());
    if let Some((name, started)) = finished {
        println!("<== {name}: {:.0} s", started.elapsed().as_secs_f64());
    }
}
