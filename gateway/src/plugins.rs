//! The sites linked into the shipped binary: one line per site crate. A crate the binary never
//! names is dropped by the linker and its registration vanishes (inventory issues #7, #50), so
//! every site is named here, and `tests/registry.rs` checks the registry holds exactly these.

use scraper_bandcamp as _;
use scraper_beatport as _;
use scraper_soundcloud as _;

/// The slugs of the shipped sites, sorted.
pub const EXPECTED_SITES: &[&str] = &["bandcamp", "beatport", "soundcloud"];
