//! `cargo xtask ci`: what CI runs, in order — formatting, lints, the README's test command, and
//! the corpus checks when the shared corpus is present.

use xshell::{Shell, cmd};

/// The test command the README gives.
pub(crate) const TEST_COMMAND: [&str; 3] = ["test", "--workspace", "--locked"];

pub(crate) fn run(sh: &Shell, with_corpus: bool) -> anyhow::Result<()> {
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
    println!("\nci: all checks passed");
    Ok(())
}

fn step(name: &str) {
    println!("\n==> {name}");
}
