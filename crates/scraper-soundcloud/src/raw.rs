//! The api-v2 JSON as SoundCloud sends it, reduced to the members we read; every member is
//! optional and forgiving (see `lenient`), so a changed field costs that field, not the record.
//! Members we do not name (`media`, `visuals`, a playlist's `tracks`, ...) are skipped unbuilt.

use serde::Deserialize;

use crate::lenient::{Flag, Num, Obj, Objs, Text};

/// A user, a track or a playlist, told apart by `kind`: one flat record holding the members of
/// all three, so a page mixing kinds (`search` of everything) parses in one pass.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawEntity {
    pub(crate) kind: Text,
    pub(crate) id: Num,
    pub(crate) permalink_url: Text,
    pub(crate) created_at: Text,
    pub(crate) description: Text,
    pub(crate) likes_count: Num,
    pub(crate) track_count: Num,

    // users
    pub(crate) permalink: Text,
    pub(crate) username: Text,
    pub(crate) full_name: Text,
    pub(crate) avatar_url: Text,
    pub(crate) city: Text,
    pub(crate) country_code: Text,
    pub(crate) followers_count: Num,
    pub(crate) followings_count: Num,
    pub(crate) playlist_count: Num,
    pub(crate) public_favorites_count: Num,
    pub(crate) verified: Flag,
    pub(crate) badges: Obj<RawBadges>,

    // tracks and playlists
    pub(crate) title: Text,
    pub(crate) user: Obj<Box<RawEntity>>,
    pub(crate) artwork_url: Text,
    pub(crate) duration: Num,
    pub(crate) full_duration: Num,
    pub(crate) genre: Text,
    pub(crate) tag_list: Text,
    pub(crate) playback_count: Num,
    pub(crate) reposts_count: Num,
    pub(crate) comment_count: Num,
    pub(crate) release_date: Text,
    pub(crate) publisher_metadata: Obj<RawPublisherMetadata>,
    pub(crate) is_album: Flag,
}

/// `badges` of a user (holds `verified` too on some answers).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawBadges {
    pub(crate) verified: Flag,
}

/// `publisher_metadata` of a track (label releases carry their ISRC here).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawPublisherMetadata {
    pub(crate) isrc: Text,
}

/// One page of a collection: `search*`, `users/{id}/tracks`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawPage {
    pub(crate) collection: Option<Objs<RawEntity>>,
    pub(crate) next_href: Text,
    pub(crate) total_results: Num,
}

/// One of a user's web profiles (`users/{id}/web-profiles`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawWebProfile {
    pub(crate) service: Text,
    pub(crate) network: Text,
    pub(crate) url: Text,
}
