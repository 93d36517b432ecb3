//! Our parameters, checked before anything is fetched, and their mapping onto Songstats' query:
//! the sources, the date range, the artist and track id forms (with the URLs they may be given
//! as), and search paging (our `limit`/`cursor` onto Songstats' `limit`/`offset`).
//!
//! The core validates each parameter's type first (a `source` outside the list, a date that is not
//! YYYY-MM-DD, a one-of group with none or several given); what is checked here is what a type
//! cannot say: the form of each id, the order of the dates, the contents of a cursor.
//!
//! Songstats' parameter names come from its official SDKs (`Songstats/songstats-python-sdk`
//! `resources/entities.py` and `tracks.py`: the artist ids `songstats_artist_id`,
//! `spotify_artist_id`, `apple_music_artist_id`; the track ids `songstats_track_id`,
//! `spotify_track_id`, `isrc`; `q`, `limit`, `offset` for search; `source`, `start_date`,
//! `end_date` for stats) and its Postman collection (`Songstats/songstats-api`: `source` is
//! required by the stats endpoints, `all` or a source).

use std::borrow::Cow;

use chrono::NaiveDate;
use schemars::JsonSchema;
use scraper_core::refs::{looks_like_url, parse_site_url};
use scraper_core::{PageRequest, ScrapeError};
use serde::{Deserialize, Serialize};

/// A `source`: every source, or one of Songstats' documented sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Every source Songstats follows.
    #[default]
    All,
    /// Spotify.
    Spotify,
    /// Apple Music.
    AppleMusic,
    /// Amazon Music.
    Amazon,
    /// Deezer.
    Deezer,
    /// YouTube.
    Youtube,
    /// TikTok.
    Tiktok,
    /// Instagram.
    Instagram,
    /// Shazam.
    Shazam,
    /// 1001Tracklists.
    Tracklist,
    /// Beatport.
    Beatport,
    /// Traxsource.
    Traxsource,
    /// iTunes.
    Itunes,
    /// TIDAL.
    Tidal,
    /// SoundCloud.
    Soundcloud,
    /// Facebook.
    Facebook,
    /// X (Twitter).
    Twitter,
    /// Songkick.
    Songkick,
    /// Bandsintown.
    Bandsintown,
}

impl Source {
    /// Every source, `all` first, in the order of the documentation.
    pub const ALL: [Source; 19] = [
        Self::All,
        Self::Spotify,
        Self::AppleMusic,
        Self::Amazon,
        Self::Deezer,
        Self::Youtube,
        Self::Tiktok,
        Self::Instagram,
        Self::Shazam,
        Self::Tracklist,
        Self::Beatport,
        Self::Traxsource,
        Self::Itunes,
        Self::Tidal,
        Self::Soundcloud,
        Self::Facebook,
        Self::Twitter,
        Self::Songkick,
        Self::Bandsintown,
    ];

    /// The value Songstats takes (`apple_music`), the same as ours.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Spotify => "spotify",
            Self::AppleMusic => "apple_music",
            Self::Amazon => "amazon",
            Self::Deezer => "deezer",
            Self::Youtube => "youtube",
            Self::Tiktok => "tiktok",
            Self::Instagram => "instagram",
            Self::Shazam => "shazam",
            Self::Tracklist => "tracklist",
            Self::Beatport => "beatport",
            Self::Traxsource => "traxsource",
            Self::Itunes => "itunes",
            Self::Tidal => "tidal",
            Self::Soundcloud => "soundcloud",
            Self::Facebook => "facebook",
            Self::Twitter => "twitter",
            Self::Songkick => "songkick",
            Self::Bandsintown => "bandsintown",
        }
    }
}

/// The dates of a `historic_stats` request, each optional (Songstats then picks its default span).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// The first day asked for.
    pub start: Option<NaiveDate>,
    /// The last day asked for.
    pub end: Option<NaiveDate>,
}

impl DateRange {
    /// The range of `start_date` and `end_date` (already read as dates by the core), refused with
    /// `invalid_params` naming `end_date` when the end is before the start.
    pub fn new(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<Self, ScrapeError> {
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            return Err(ScrapeError::invalid_param(
                "end_date",
                format!("parameter 'end_date' ({e}) must not be before 'start_date' ({s})"),
            ));
        }
        Ok(Self { start, end })
    }

    /// The query pairs for Songstats, only for the dates given.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        [("start_date", self.start), ("end_date", self.end)]
            .into_iter()
            .filter_map(|(name, d)| d.map(|d| (name, d.format("%Y-%m-%d").to_string())))
            .collect()
    }
}

/// How the `artist`, `stats` and `historic_stats` actions name an artist: exactly one of three
/// parameters, each sent to Songstats under the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtistId {
    /// `songstats_artist_id`: Songstats' own id (`wjcgfd9i`), or a songstats.com artist URL.
    Songstats(String),
    /// `spotify_artist_id`: 22 base62 characters, or an `open.spotify.com/artist/<id>` URL or a
    /// `spotify:artist:<id>` URI.
    Spotify(String),
    /// `apple_music_artist_id`: Apple's numeric id, or a `music.apple.com` artist URL.
    AppleMusic(String),
}

impl ArtistId {
    /// The parameters, in the order of the one-of group.
    pub const PARAMS: [&'static str; 3] = [
        "songstats_artist_id",
        "spotify_artist_id",
        "apple_music_artist_id",
    ];

    /// Reads exactly one of the three parameters (empty values count as absent).
    pub fn from_params(
        songstats_artist_id: Option<&str>,
        spotify_artist_id: Option<&str>,
        apple_music_artist_id: Option<&str>,
    ) -> Result<Self, ScrapeError> {
        let given = [
            songstats_artist_id,
            spotify_artist_id,
            apple_music_artist_id,
        ];
        let (param, value) = exactly_one(&Self::PARAMS, given)?;
        Self::parse(param, value)
    }

    /// Reads the value of one of [`Self::PARAMS`].
    pub fn parse(param: &str, value: &str) -> Result<Self, ScrapeError> {
        match param {
            "songstats_artist_id" => {
                parse_songstats_id("songstats_artist_id", "artist", value).map(Self::Songstats)
            }
            "spotify_artist_id" => {
                parse_spotify_id("spotify_artist_id", "artist", value).map(Self::Spotify)
            }
            "apple_music_artist_id" => parse_apple_music_id(value).map(Self::AppleMusic),
            other => Err(unknown_param(other, &Self::PARAMS)),
        }
    }

    /// The query pair for Songstats (`("spotify_artist_id", "<id>")`).
    pub fn query_pair(&self) -> (&'static str, &str) {
        match self {
            Self::Songstats(id) => ("songstats_artist_id", id),
            Self::Spotify(id) => ("spotify_artist_id", id),
            Self::AppleMusic(id) => ("apple_music_artist_id", id),
        }
    }
}

/// How the `track` action names a track: exactly one of three parameters, each sent to Songstats
/// under the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackId {
    /// `isrc`: `CC-XXX-YY-NNNNN`, with or without the dashes, sent without them in uppercase.
    Isrc(String),
    /// `songstats_track_id`: Songstats' own id, or a songstats.com track URL.
    Songstats(String),
    /// `spotify_track_id`: 22 base62 characters, or an `open.spotify.com/track/<id>` URL or a
    /// `spotify:track:<id>` URI.
    Spotify(String),
}

impl TrackId {
    /// The parameters, in the order of the one-of group.
    pub const PARAMS: [&'static str; 3] = ["isrc", "songstats_track_id", "spotify_track_id"];

    /// Reads exactly one of the three parameters (empty values count as absent).
    pub fn from_params(
        isrc: Option<&str>,
        songstats_track_id: Option<&str>,
        spotify_track_id: Option<&str>,
    ) -> Result<Self, ScrapeError> {
        let given = [isrc, songstats_track_id, spotify_track_id];
        let (param, value) = exactly_one(&Self::PARAMS, given)?;
        Self::parse(param, value)
    }

    /// Reads the value of one of [`Self::PARAMS`].
    pub fn parse(param: &str, value: &str) -> Result<Self, ScrapeError> {
        match param {
            "isrc" => parse_isrc(value).map(Self::Isrc),
            "songstats_track_id" => {
                parse_songstats_id("songstats_track_id", "track", value).map(Self::Songstats)
            }
            "spotify_track_id" => {
                parse_spotify_id("spotify_track_id", "track", value).map(Self::Spotify)
            }
            other => Err(unknown_param(other, &Self::PARAMS)),
        }
    }

    /// The query pair for Songstats (`("isrc", "USRC17607839")`).
    pub fn query_pair(&self) -> (&'static str, &str) {
        match self {
            Self::Isrc(id) => ("isrc", id),
            Self::Songstats(id) => ("songstats_track_id", id),
            Self::Spotify(id) => ("spotify_track_id", id),
        }
    }
}

/// Reads an ISRC: 2 letters (country), 3 letters or digits (registrant), 2 digits (year), 5 digits
/// (designation), either run together or dashed as `CC-XXX-YY-NNNNN`; answered in uppercase
/// without dashes, as Songstats takes it.
pub fn parse_isrc(input: &str) -> Result<String, ScrapeError> {
    let text = input.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let dashes_fit = parts.len() == 1 || parts.iter().map(|p| p.len()).eq([2, 3, 2, 5]);
    let isrc = text.replace('-', "").to_ascii_uppercase();
    let b = isrc.as_bytes();
    let valid = dashes_fit
        && b.len() == 12
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..5]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b[5..].iter().all(u8::is_ascii_digit);
    if valid {
        Ok(isrc)
    } else {
        Err(ScrapeError::invalid_param(
            "isrc",
            format!(
                "parameter 'isrc' must be an ISRC like CC-XXX-YY-NNNNN (12 characters), got '{}'",
                printable(text)
            ),
        ))
    }
}

/// Reads a Spotify id of `kind` (`artist`, `track`): 22 base62 characters, an
/// `open.spotify.com/<kind>/<id>` URL (an `intl-xx/` segment allowed; no other host), or a
/// `spotify:<kind>:<id>` URI.
pub fn parse_spotify_id(
    param: &'static str,
    kind: &str,
    input: &str,
) -> Result<String, ScrapeError> {
    let text = input.trim();
    let refuse = || {
        ScrapeError::invalid_param(
            param,
            format!(
                "parameter '{param}' must be a Spotify {kind} id (22 letters and digits) or an \
                 open.spotify.com/{kind}/ URL, got '{}'",
                printable(text)
            ),
        )
    };
    let candidate = if let Some(rest) = text.strip_prefix("spotify:") {
        rest.strip_prefix(kind)
            .and_then(|r| r.strip_prefix(':'))
            .ok_or_else(refuse)?
            .to_owned()
    } else if looks_like_url(text) {
        let url = parse_site_url(param, text, &["open.spotify.com"])?;
        let mut segments = url
            .path_segments()
            .ok_or_else(refuse)?
            .filter(|s| !s.is_empty());
        let mut first = segments.next().ok_or_else(refuse)?;
        if first.starts_with("intl-") {
            first = segments.next().ok_or_else(refuse)?;
        }
        if first != kind {
            return Err(refuse());
        }
        let id = segments.next().ok_or_else(refuse)?;
        if segments.next().is_some() {
            return Err(refuse());
        }
        id.to_owned()
    } else {
        text.to_owned()
    };
    let valid = candidate.len() == 22 && candidate.bytes().all(|b| b.is_ascii_alphanumeric());
    if valid { Ok(candidate) } else { Err(refuse()) }
}

/// Reads an Apple Music artist id: digits, or a `music.apple.com` / `itunes.apple.com` artist URL
/// whose last segment is the id (`.../artist/name/1234`, `id1234` in iTunes URLs).
pub fn parse_apple_music_id(input: &str) -> Result<String, ScrapeError> {
    const PARAM: &str = "apple_music_artist_id";
    let text = input.trim();
    let refuse = || {
        ScrapeError::invalid_param(
            PARAM,
            format!(
                "parameter '{PARAM}' must be an Apple Music artist id (digits) or a \
                 music.apple.com artist URL, got '{}'",
                printable(text)
            ),
        )
    };
    let candidate = if looks_like_url(text) {
        let url = parse_site_url(PARAM, text, &["music.apple.com", "itunes.apple.com"])?;
        let segments: Vec<&str> = url
            .path_segments()
            .ok_or_else(refuse)?
            .filter(|s| !s.is_empty())
            .collect();
        if !segments.contains(&"artist") {
            return Err(refuse());
        }
        let last = segments.last().ok_or_else(refuse)?;
        last.strip_prefix("id").unwrap_or(last).to_owned()
    } else {
        text.to_owned()
    };
    let valid =
        (1..=20).contains(&candidate.len()) && candidate.bytes().all(|b| b.is_ascii_digit());
    if valid { Ok(candidate) } else { Err(refuse()) }
}

/// Reads a Songstats id of `kind` (`artist`, `track`): letters, digits, `_` and `-` (Songstats'
/// ids look like `wjcgfd9i`; their exact form is not documented), or a songstats.com URL of that
/// kind (`https://songstats.com/artist/<id>/<slug>`).
pub fn parse_songstats_id(
    param: &'static str,
    kind: &str,
    input: &str,
) -> Result<String, ScrapeError> {
    let text = input.trim();
    let refuse = || {
        ScrapeError::invalid_param(
            param,
            format!(
                "parameter '{param}' must be a Songstats {kind} id (letters and digits) or a \
                 songstats.com/{kind}/ URL, got '{}'",
                printable(text)
            ),
        )
    };
    let candidate = if looks_like_url(text) {
        let url = parse_site_url(param, text, &["songstats.com", "www.songstats.com"])?;
        let mut segments = url
            .path_segments()
            .ok_or_else(refuse)?
            .filter(|s| !s.is_empty());
        if segments.next() != Some(kind) {
            return Err(refuse());
        }
        segments.next().ok_or_else(refuse)?.to_owned()
    } else {
        text.to_owned()
    };
    let valid = (1..=64).contains(&candidate.len())
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if valid { Ok(candidate) } else { Err(refuse()) }
}

/// Where a search page starts and how long it is: our `limit` (1–100, default 20, checked by the
/// core) and cursor, Songstats' `limit` and `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchPage {
    /// How many results to ask for.
    pub limit: u32,
    /// How many results come before this page.
    pub offset: u32,
}

/// What a search cursor carries: where the next page starts. The core binds it to `q`; any
/// `limit` may follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchCursor {
    /// How many results come before the next page.
    #[serde(rename = "o")]
    pub offset: u32,
}

impl SearchPage {
    /// The longest page.
    pub const MAX_LIMIT: u32 = 100;
    /// The furthest offset a cursor may carry (far beyond any real result list).
    pub const MAX_OFFSET: u32 = 100_000;

    /// The page a request asks for. A cursor beyond [`Self::MAX_OFFSET`] was not given out by us
    /// (it can be forged): refused.
    pub fn resolve(request: &PageRequest<SearchCursor>) -> Result<Self, ScrapeError> {
        let limit = u32::try_from(request.limit)
            .unwrap_or(Self::MAX_LIMIT)
            .clamp(1, Self::MAX_LIMIT);
        let offset = request.cursor.map_or(0, |c| c.offset);
        if offset > Self::MAX_OFFSET {
            return Err(ScrapeError::invalid_param(
                "cursor",
                "parameter 'cursor' is not a cursor this service gave out",
            ));
        }
        Ok(Self { limit, offset })
    }

    /// The query pairs for Songstats: `limit` and `offset`.
    pub fn query_pairs(&self) -> [(&'static str, String); 2] {
        [
            ("limit", self.limit.to_string()),
            ("offset", self.offset.to_string()),
        ]
    }

    /// Where the next page starts, given how many results Songstats answered for this one: a full
    /// page means more may follow, a short one is the last.
    pub fn next(&self, answered: usize) -> Option<SearchCursor> {
        let full = u32::try_from(answered).map_or(true, |n| n >= self.limit);
        let next = self.offset.saturating_add(self.limit);
        (full && next <= Self::MAX_OFFSET).then_some(SearchCursor { offset: next })
    }
}

/// Exactly one of the `given` values (empty ones count as absent), with its parameter's name.
fn exactly_one<'a>(
    names: &[&'static str; 3],
    given: [Option<&'a str>; 3],
) -> Result<(&'static str, &'a str), ScrapeError> {
    let present: Vec<(&'static str, &str)> = names
        .iter()
        .zip(given)
        .filter_map(|(name, value)| value.filter(|v| !v.trim().is_empty()).map(|v| (*name, v)))
        .collect();
    let list = || {
        names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    match present.as_slice() {
        [one] => Ok(*one),
        [] => Err(ScrapeError::InvalidParams {
            param: None,
            reason: format!("give one of {}", list()),
        }),
        _ => Err(ScrapeError::InvalidParams {
            param: None,
            reason: format!("give only one of {}, not several", list()),
        }),
    }
}

fn unknown_param(param: &str, known: &[&str]) -> ScrapeError {
    ScrapeError::InvalidParams {
        param: None,
        reason: format!("'{}' is not one of {}", printable(param), known.join(", ")),
    }
}

/// A user's text as shown back in an error: at most 60 characters, control characters as spaces.
fn printable(text: &str) -> Cow<'_, str> {
    if text.chars().count() <= 60 && !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out: String = text
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(60).is_some() {
        out.push('…');
    }
    Cow::Owned(out)
}
