//! `cargo xtask docs`: regenerates what is generated from the code — `.env.example` and the
//! settings tables of README.md — by asking the gateway built from this tree. `gateway`'s
//! `tests/docs.rs` fails while they are stale.

use xshell::{Shell, cmd};

pub(crate) fn run(sh: &Shell) -> anyhow::Result<()> {
    cmd!(sh, "cargo build --quiet --locked -p gateway").run()?;
    let binary = sh
        .current_dir()
        .join("target")
        .join("debug")
        .join("techno-scraper");
    let env_example = cmd!(sh, "{binary} docs env-example")
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .read()?;
    sh.write_file(".env.example", format!("{env_example}\n"))?;
    let readme = cmd!(sh, "{binary} docs readme README.md")
        .env_remove("TECHNO_SCRAPER_CONFIG")
        .read()?;
    sh.write_file("README.md", format!("{readme}\n"))?;
    println!("docs: .env.example and README.md's settings tables regenerated");
    Ok(())
}
