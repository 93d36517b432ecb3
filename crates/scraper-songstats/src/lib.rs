//! Songstats: artists, stats, historic stats, search and tracks through the official Enterprise API.
