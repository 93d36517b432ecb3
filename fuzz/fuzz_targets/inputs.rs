//! What clients send, through the engine: the first byte picks one of every registered action
//! (sorted by site and name), the second how the rest is read (a query string, a JSON body, a
//! query with a forged cursor holding a JSON state, or a URL for the core's URL rules). The
//! parameter validator, the cursor decoder, the sites' input readers, URL rules and cursor types
//! meet the input as a client's would; an `internal` answer or a panic is a finding. Upstream
//! requests fail at once (a closed port on 127.0.0.1).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scraper_core::testing::fuzz::{Fuzzer, Mode};
// Link every site: their registrations are what the engine serves.
use scraper_bandcamp as _;
use scraper_beatport as _;
use scraper_facebook as _;
use scraper_instagram as _;
use scraper_songstats as _;
use scraper_soundcloud as _;

static FUZZER: LazyLock<Fuzzer> = LazyLock::new(Fuzzer::new);

fuzz_target!(|data: &[u8]| {
    let [action, mode, rest @ ..] = data else {
        return;
    };
    FUZZER.call(usize::from(*action), Mode::of(*mode), rest);
});
