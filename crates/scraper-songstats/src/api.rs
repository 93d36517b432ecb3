//! Songstats' Enterprise API as the actions call it: where it lives, how the key travels, and the
//! paths of the endpoints we use.
//!
//! Sources: Songstats' official SDKs (`Songstats/songstats-python-sdk`, `songstats-node-sdk`,
//! `songstats-ruby-sdk`: the `apikey` header, the `/enterprise/v1/...` routes) and the public API
//! reference at docs.songstats.com (base URL `https://api.songstats.com/enterprise/v1`). The
//! official SDKs of 2026 default to `https://data.songstats.com`: the host moves, which is why the
//! base URL is a setting and [`HOSTS`] admits any songstats.com host.

/// The base URL used when the operator sets none.
pub const DEFAULT_BASE_URL: &str = "https://api.songstats.com/enterprise/v1";

/// The request header that carries the operator's key (`apikey: <key>`).
pub const API_KEY_HEADER: &str = "apikey";

/// The environment variable of the operator's key, named in `not_configured` errors.
pub const API_KEY_VARIABLE: &str = "TECHNO_SCRAPER_SONGSTATS_API_KEY";

/// The hosts a configured base URL may name (see `scraper_core::describe::host_matches`).
pub const HOSTS: &[&str] = &["songstats.com", "*.songstats.com"];

/// `GET` an artist's profile: `artist_info`, links, genres.
pub const ARTIST_INFO: &str = "/artists/info";
/// `GET` an artist's current stats per source: `stats[]{source, data}`.
pub const ARTIST_STATS: &str = "/artists/stats";
/// `GET` an artist's daily history per source: `stats[]{source, data{history[]}}`.
pub const ARTIST_HISTORIC_STATS: &str = "/artists/historic_stats";
/// `GET` artists matching `q` (`limit`, `offset`): `results[]`.
pub const ARTIST_SEARCH: &str = "/artists/search";
/// `GET` a track's metadata: `track_info`.
pub const TRACK_INFO: &str = "/tracks/info";
/// `GET` a track's current stats per source, in the shape of [`ARTIST_STATS`].
pub const TRACK_STATS: &str = "/tracks/stats";
