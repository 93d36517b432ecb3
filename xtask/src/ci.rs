//! `cargo xtask ci`: what CI runs, in order — formatting, lints, the README's test command, the
//! corpus checks when the shared corpus is present, and (when asked) the deploy end-to-end check.

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
    println!("\nci: all checks passed");
    Ok(())
}

fn step(name: &str) {
    println!("\n==> {name}");
}
