//! The records the Instagram actions answer, with exactly the field names of docs/API.md. Ids
//! are strings (Instagram's numbers do not fit every JSON reader); absent values are `null`.

use schemars::JsonSchema;
use serde::Serialize;

/// An Instagram account, as its profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Profile {
    /// Instagram's numeric id of the account, as a string (`"528817151"`).
    pub id: String,
    /// The handle, without `@` (`nasa`).
    pub username: String,
    /// The display name shown above the bio.
    pub full_name: Option<String>,
    /// The bio text.
    pub bio: Option<String>,
    /// The link shown under the bio, as the account gave it (not Instagram's redirect).
    pub external_url: Option<String>,
    /// How many accounts follow this one.
    pub followers_count: Option<u64>,
    /// How many accounts this one follows.
    pub following_count: Option<u64>,
    /// How many posts the account has published (reels included).
    pub posts_count: Option<u64>,
    /// Whether the account carries Instagram's verified badge.
    pub verified: Option<bool>,
    /// Whether the account is private: its posts are shown only to approved followers.
    pub private: Option<bool>,
    /// Whether the account is a business account.
    pub business: Option<bool>,
    /// The category the account shows (`Artist`, `Musician/band`), or its business category.
    pub category: Option<String>,
    /// The profile picture, in the largest size offered. Instagram's CDN links expire after
    /// some days.
    pub avatar_url: Option<String>,
}

/// What a post holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    /// One photo.
    Image,
    /// One video (a reel, a clip, an IGTV video).
    Video,
    /// Several photos or videos in one post (Instagram's "sidecar" or "carousel").
    Carousel,
}

/// One post of an account's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Post {
    /// Instagram's numeric media id, as a string (`"3215769692664507668"`), without the
    /// `_<owner id>` suffix some answers append.
    pub id: String,
    /// The code in the post's URL (`CygtX9ivC0U`).
    pub shortcode: String,
    /// The post's page, `https://www.instagram.com/p/<shortcode>/`.
    pub url: String,
    /// When it was posted, RFC 3339 in UTC (`2023-10-17T19:09:29Z`).
    pub taken_at: Option<String>,
    /// The caption text, hashtags and mentions included.
    pub caption: Option<String>,
    /// How many likes it has (`null` when the account hides it).
    pub like_count: Option<u64>,
    /// How many comments it has.
    pub comment_count: Option<u64>,
    /// `image`, `video` or `carousel`.
    pub media_type: Option<MediaType>,
    /// The picture shown for the post (a video's cover, a carousel's first picture). Instagram's
    /// CDN links expire after some days.
    pub display_url: Option<String>,
    /// Whether the post is a video (a carousel is not, whatever it holds).
    pub is_video: Option<bool>,
}

/// The page of the post with this shortcode: `https://www.instagram.com/p/<shortcode>/`.
pub fn post_url(shortcode: &str) -> String {
    format!("https://www.instagram.com/p/{shortcode}/")
}
