//! Pure parsers from an Instagram answer to records: no I/O, testable on fixtures, benchmarked.
//!
//! - [`profile::parse_web_profile_info`]: `GET /api/v1/users/web_profile_info/?username=` → the
//!   [`Profile`](crate::model::Profile) and the first page of its timeline.
//! - [`timeline::parse_timeline_page`]: `POST /api/graphql` (user timeline) → a [`PostPage`].
//! - [`feed::parse_feed_page`]: `GET /api/v1/feed/user/<username>/username/` → a [`PostPage`].
//! - [`refusal::classify`]: status, `Location` and body → the error Instagram's refusal means.
//!
//! The parsers classify a body that lacks their shape themselves (a `require_login` answer
//! served with HTTP 200 is `login_required`, not `upstream_changed`), so a 200 answer needs
//! only its parser; other statuses go through [`refusal::classify`] first.

pub mod feed;
pub(crate) mod lenient;
pub(crate) mod media;
pub mod profile;
pub mod refusal;
pub mod shortcode;
pub mod timeline;

use scraper_core::ScrapeError;
use serde::Serialize;

use crate::model::Post;
use media::Mapped;

/// One page of an account's posts, from any of the three sources, newest first (pinned posts
/// first, where Instagram puts them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostPage {
    /// The posts, in Instagram's order. Nodes without an id and a shortcode are left out.
    pub posts: Vec<Post>,
    /// The upstream's cursor of the next page, as given (`page_info.end_cursor` of
    /// web_profile_info and of the GraphQL timeline, `next_max_id` of the REST feed); `None`
    /// when absent or empty. web_profile_info's cursor (`QVFC...`) belongs to the retired
    /// GraphQL profile queries: continue after its edges from [`Self::last_media_id`].
    pub next: Option<String>,
    /// Whether Instagram says more posts follow (`page_info.has_next_page`, `more_available`;
    /// `false` when it does not say).
    pub has_more: bool,
    /// `<media pk>_<owner id>` of the last post, when known. Both v1 sources page with exactly
    /// this form (the GraphQL timeline's `after` is its `end_cursor`, which is the last post's
    /// media id, and the REST feed's `max_id` is "older than this media"): it lets a walk move
    /// to another source after any page, web_profile_info's first 12 included, without
    /// repeating or skipping a post.
    pub last_media_id: Option<String>,
}

impl PostPage {
    /// The upstream cursor to ask for the next page with, when Instagram says there is one and
    /// gave a cursor.
    pub fn continuation(&self) -> Option<&str> {
        if self.has_more {
            self.next.as_deref()
        } else {
            None
        }
    }

    fn from_mapped(mapped: Vec<Mapped>, next: Option<String>, has_more: bool) -> Self {
        let last_media_id = mapped.last().and_then(|m| m.media_id.clone());
        Self {
            posts: mapped.into_iter().map(|m| m.post).collect(),
            next,
            has_more,
            last_media_id,
        }
    }
}

/// What Instagram's refusal in `body` means, else `fallback`: a parser that did not find its
/// shape reports the wall rather than a changed page.
fn refused_or(body: &str, fallback: ScrapeError) -> ScrapeError {
    refusal::classify_body(body).unwrap_or(fallback)
}
