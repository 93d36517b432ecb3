//! The `techno-scraper` binary: the CLI entry point (see `gateway::cli`).

use std::process::ExitCode;

// Every shipped site crate is linked through `gateway::plugins`.
use gateway as _;

/// jemalloc, with its background threads: parsing pages allocates a lot, and jemalloc gives a
/// burst's memory back within seconds where glibc's per-thread arenas kept it (and answers the
/// uncached Top 100 70 % faster); mimalloc kept more than either (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    gateway::cli::main().await
}
