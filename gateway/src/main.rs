//! The `techno-scraper` binary: the CLI entry point (see `gateway::cli`).

use std::process::ExitCode;

// Every shipped site crate is linked through `gateway::plugins`.
use gateway as _;

#[actix_web::main]
async fn main() -> ExitCode {
    gateway::cli::main().await
}
