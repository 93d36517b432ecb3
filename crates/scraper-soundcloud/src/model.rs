//! The records we answer, with exactly the field names of docs/API.md, and how each is read
//! from SoundCloud's JSON (counts renamed, timestamps in RFC 3339 UTC, artwork upgraded).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use crate::raw::RawEntity;

/// A user's profile (`profile`, and users in `search`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Profile {
    /// SoundCloud's numeric id.
    pub id: u64,
    /// The handle in the profile URL (SoundCloud's `permalink`).
    pub username: Option<String>,
    /// The name shown to people (SoundCloud's `username`).
    pub name: Option<String>,
    /// First and last name, when the user gave them.
    pub full_name: Option<String>,
    /// The profile page.
    pub url: Option<String>,
    /// The avatar, 500×500 where SoundCloud has it.
    pub avatar_url: Option<String>,
    /// The profile text.
    pub bio: Option<String>,
    /// City, as the user typed it.
    pub city: Option<String>,
    /// ISO 3166 country code.
    pub country_code: Option<String>,
    /// Followers.
    pub followers_count: Option<u64>,
    /// Accounts followed.
    pub followings_count: Option<u64>,
    /// Public tracks.
    pub track_count: Option<u64>,
    /// Public playlists and albums.
    pub playlist_count: Option<u64>,
    /// Tracks liked.
    pub likes_count: Option<u64>,
    /// Whether SoundCloud verified the account.
    pub verified: Option<bool>,
    /// When the account was made (RFC 3339, UTC).
    pub created_at: Option<String>,
    /// The user's web profiles (`profile` only: searches do not fetch them, and leave the member
    /// out). Empty when SoundCloud would not give them: they never fail a profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<Link>>,
}

/// One web profile of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Link {
    /// The service (`instagram`, `spotify`, `personal`, ...).
    pub platform: Option<String>,
    /// Where it points.
    pub url: String,
}

/// The user a track or playlist belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Artist {
    /// SoundCloud's numeric id.
    pub id: Option<u64>,
    /// The handle in the profile URL.
    pub username: Option<String>,
    /// The name shown to people.
    pub name: Option<String>,
}

/// A track (`track`, `tracks`, tracks in `search`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Track {
    /// SoundCloud's numeric id.
    pub id: u64,
    /// The title.
    pub title: Option<String>,
    /// The track page.
    pub url: Option<String>,
    /// Who uploaded it.
    pub artist: Option<Artist>,
    /// Length in milliseconds (the whole track, also when SoundCloud streams only a preview).
    pub duration_ms: Option<u64>,
    /// The genre the uploader chose.
    pub genre: Option<String>,
    /// Tags, multi-word tags kept whole.
    pub tags: Vec<String>,
    /// Plays.
    pub play_count: Option<u64>,
    /// Likes.
    pub like_count: Option<u64>,
    /// Reposts.
    pub repost_count: Option<u64>,
    /// Comments.
    pub comment_count: Option<u64>,
    /// When it was uploaded (RFC 3339, UTC).
    pub created_at: Option<String>,
    /// The release date the uploader or label set (RFC 3339, UTC).
    pub release_date: Option<String>,
    /// The artwork, 500×500 where SoundCloud has it.
    pub artwork_url: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The ISRC of a label release.
    pub isrc: Option<String>,
}

/// A playlist or album in `search`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Playlist {
    /// SoundCloud's numeric id.
    pub id: u64,
    /// The title.
    pub title: Option<String>,
    /// The playlist page.
    pub url: Option<String>,
    /// Who made it.
    pub artist: Option<Artist>,
    /// How many tracks it holds.
    pub track_count: Option<u64>,
    /// The artwork, 500×500 where SoundCloud has it.
    pub artwork_url: Option<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: Option<String>,
    /// Whether it is an album rather than a playlist.
    pub is_album: Option<bool>,
}

/// One search result, with its `type`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SearchItem {
    /// A user, as `profile` answers it (without `links`, which cost a request per user).
    User(Profile),
    /// A track.
    Track(Track),
    /// A playlist or album.
    Playlist(Playlist),
}

impl Profile {
    /// Reads a user; `None` without an id.
    pub(crate) fn from_raw(raw: &RawEntity) -> Option<Self> {
        let id = raw.id.0?;
        let url = raw.permalink_url.non_blank();
        let username = raw
            .permalink
            .non_blank()
            .or_else(|| url.as_deref().and_then(handle_of_url));
        Some(Self {
            id,
            url: url.or_else(|| {
                username
                    .as_ref()
                    .map(|h| format!("https://soundcloud.com/{h}"))
            }),
            username,
            name: raw.username.non_blank(),
            full_name: raw.full_name.non_blank(),
            avatar_url: raw.avatar_url.non_blank().map(|u| larger_image(&u)),
            bio: raw.description.non_blank(),
            city: raw.city.non_blank(),
            country_code: raw.country_code.non_blank(),
            followers_count: raw.followers_count.0,
            followings_count: raw.followings_count.0,
            track_count: raw.track_count.0,
            playlist_count: raw.playlist_count.0,
            likes_count: raw.likes_count.0.or(raw.public_favorites_count.0),
            verified: raw
                .verified
                .0
                .or_else(|| raw.badges.0.as_ref().and_then(|b| b.verified.0)),
            created_at: raw.created_at.0.as_deref().and_then(timestamp),
            links: None,
        })
    }
}

impl Artist {
    fn from_raw(raw: &RawEntity) -> Self {
        Self {
            id: raw.id.0,
            username: raw
                .permalink
                .non_blank()
                .or_else(|| raw.permalink_url.0.as_deref().and_then(handle_of_url)),
            name: raw.username.non_blank(),
        }
    }
}

impl Track {
    /// Reads a track; `None` without an id.
    pub(crate) fn from_raw(raw: &RawEntity) -> Option<Self> {
        Some(Self {
            id: raw.id.0?,
            title: raw.title.non_blank(),
            url: raw.permalink_url.non_blank(),
            artist: raw.user.0.as_deref().map(Artist::from_raw),
            duration_ms: length_ms(raw.duration.0, raw.full_duration.0),
            genre: raw.genre.non_blank(),
            tags: raw
                .tag_list
                .0
                .as_deref()
                .map(parse_tags)
                .unwrap_or_default(),
            play_count: raw.playback_count.0,
            like_count: raw.likes_count.0,
            repost_count: raw.reposts_count.0,
            comment_count: raw.comment_count.0,
            created_at: raw.created_at.0.as_deref().and_then(timestamp),
            release_date: raw.release_date.0.as_deref().and_then(timestamp),
            artwork_url: raw.artwork_url.non_blank().map(|u| larger_image(&u)),
            description: raw.description.non_blank(),
            isrc: raw
                .publisher_metadata
                .0
                .as_ref()
                .and_then(|m| m.isrc.non_blank()),
        })
    }
}

impl Playlist {
    /// Reads a playlist; `None` without an id.
    pub(crate) fn from_raw(raw: &RawEntity) -> Option<Self> {
        Some(Self {
            id: raw.id.0?,
            title: raw.title.non_blank(),
            url: raw.permalink_url.non_blank(),
            artist: raw.user.0.as_deref().map(Artist::from_raw),
            track_count: raw.track_count.0,
            artwork_url: raw.artwork_url.non_blank().map(|u| larger_image(&u)),
            created_at: raw.created_at.0.as_deref().and_then(timestamp),
            is_album: raw.is_album.0,
        })
    }
}

impl SearchItem {
    /// Reads an entity of a known kind; `None` for other kinds or without an id.
    pub(crate) fn from_raw(raw: &RawEntity) -> Option<Self> {
        match raw.kind.0.as_deref()? {
            "user" => Profile::from_raw(raw).map(Self::User),
            "track" => Track::from_raw(raw).map(Self::Track),
            "playlist" => Playlist::from_raw(raw).map(Self::Playlist),
            _ => None,
        }
    }
}

/// A track's length: `duration`, unless SoundCloud serves only a preview (`policy: SNIP`, a
/// 30 s `duration`) of a longer `full_duration`. The two differ by a few milliseconds otherwise.
fn length_ms(duration: Option<u64>, full_duration: Option<u64>) -> Option<u64> {
    match (duration, full_duration) {
        (Some(d), Some(full)) if full > d.saturating_add(1000) => Some(full),
        (Some(d), _) => Some(d),
        (None, full) => full,
    }
}

/// A SoundCloud timestamp as RFC 3339 UTC (`2010-01-20T11:56:32Z`). Reads RFC 3339, the old
/// `2010/01/20 11:56:32 +0000` form and bare dates; anything else is absent.
pub fn timestamp(text: &str) -> Option<String> {
    let text = text.trim();
    let parsed = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y/%m/%d %H:%M:%S %z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            Some(
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()?
                    .and_hms_opt(0, 0, 0)?
                    .and_utc(),
            )
        })?;
    Some(parsed.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The 500×500 variant of a SoundCloud image (`...-large.jpg` → `...-t500x500.jpg`); other
/// URLs unchanged.
pub fn larger_image(url: &str) -> String {
    let name_start = url.rfind('/').map_or(0, |i| i + 1);
    match url[name_start..].rfind("-large.") {
        Some(at) => {
            let at = name_start + at;
            format!("{}-t500x500.{}", &url[..at], &url[at + "-large.".len()..])
        }
        None => url.to_owned(),
    }
}

/// Splits SoundCloud's `tag_list`: words separated by spaces, multi-word tags in double quotes.
pub fn parse_tags(list: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut push = |tag: &str| {
        let tag = tag.trim();
        if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    };
    let mut rest = list;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let (tag, after) = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
            None => rest.split_once(char::is_whitespace).unwrap_or((rest, "")),
        };
        push(tag);
        rest = after;
    }
    tags
}

/// The handle in a profile URL (`https://soundcloud.com/dubmatix` → `dubmatix`).
fn handle_of_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let first = parsed.path_segments()?.next()?;
    (!first.is_empty()).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_come_out_as_rfc3339_utc() {
        assert_eq!(
            timestamp("2010-01-20T11:56:32Z").as_deref(),
            Some("2010-01-20T11:56:32Z")
        );
        assert_eq!(
            timestamp("2026-01-27T03:47:23.000Z").as_deref(),
            Some("2026-01-27T03:47:23Z")
        );
        assert_eq!(
            timestamp("2010-01-20T12:56:32+01:00").as_deref(),
            Some("2010-01-20T11:56:32Z")
        );
        assert_eq!(
            timestamp("2010/01/20 11:56:32 +0000").as_deref(),
            Some("2010-01-20T11:56:32Z")
        );
        assert_eq!(
            timestamp("2025-09-26").as_deref(),
            Some("2025-09-26T00:00:00Z")
        );
        for bad in ["", "yesterday", "2025-13-01", "9999999999"] {
            assert_eq!(timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn previews_do_not_shorten_tracks() {
        assert_eq!(length_ms(Some(201_865), Some(201_848)), Some(201_865));
        assert_eq!(length_ms(Some(30_000), Some(202_789)), Some(202_789));
        assert_eq!(length_ms(None, Some(5)), Some(5));
        assert_eq!(length_ms(Some(u64::MAX), Some(1)), Some(u64::MAX));
        assert_eq!(length_ms(None, None), None);
    }

    #[test]
    fn images_are_upgraded_to_500px() {
        assert_eq!(
            larger_image("https://i1.sndcdn.com/avatars-v58A5KC6lmkjFSqL-OPgrwg-large.jpg"),
            "https://i1.sndcdn.com/avatars-v58A5KC6lmkjFSqL-OPgrwg-t500x500.jpg"
        );
        assert_eq!(
            larger_image("https://i1.sndcdn.com/artworks-x-0-large.png?x=1"),
            "https://i1.sndcdn.com/artworks-x-0-t500x500.png?x=1"
        );
        let other = "https://a1.sndcdn.com/images/default_avatar_large.png";
        assert_eq!(larger_image(other), other);
        assert_eq!(larger_image("-large."), "-t500x500.");
        assert_eq!(
            larger_image("https://x-large.example/a.jpg"),
            "https://x-large.example/a.jpg"
        );
    }

    #[test]
    fn tags_keep_quoted_phrases_whole() {
        assert_eq!(
            parse_tags(r#"techno "deep house"  dub techno "#),
            ["techno", "deep house", "dub"]
        );
        assert_eq!(parse_tags(r#""unterminated tag"#), ["unterminated tag"]);
        assert_eq!(parse_tags(r#"""   "#), Vec::<String>::new());
        assert_eq!(parse_tags(""), Vec::<String>::new());
        assert_eq!(parse_tags("é \"ü ö\" ß"), ["é", "ü ö", "ß"]);
    }
}
