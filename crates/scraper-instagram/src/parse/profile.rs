//! `GET /api/v1/users/web_profile_info/?username=<user>`: `data.user` holds the profile
//! (`id`, `username`, `full_name`, `biography`, `external_url`, `edge_followed_by.count`,
//! `edge_follow.count`, `is_verified`, `is_private`, `is_business_account`, `category_name`,
//! `profile_pic_url_hd`) and, in `edge_owner_to_timeline_media`, the post count and the first
//! 12 posts (`edges[].node`, `page_info`). `data.user: null` is an unknown account.
//!
//! Logged out, Instagram has answered both with the 12 edges (2022) and with `edges: []`,
//! `has_next_page: true` and an empty `end_cursor` (2024): see
//! [`ProfileInfo::timeline_withheld`].

use scraper_core::ScrapeError;
use serde::{Deserialize, Serialize};

use super::lenient::{Flag, Ident, Obj, Text, from_body};
use super::media::{Connection, Count, GraphNode};
use super::{PostPage, refused_or};
use crate::model::Profile;

/// What web_profile_info tells: the profile and the first page of its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileInfo {
    /// The account.
    pub profile: Profile,
    /// Its first posts (12 at most), as `edge_owner_to_timeline_media` lists them; empty when
    /// Instagram leaves them out.
    pub timeline: PostPage,
}

impl ProfileInfo {
    /// Whether this answer cannot serve the first page of posts: no post in it although the
    /// account has some (a private account, or Instagram withholding the edges from a
    /// logged-out client). A public account with no post at all is not withheld.
    pub fn timeline_withheld(&self) -> bool {
        self.timeline.posts.is_empty() && self.profile.posts_count != Some(0)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Root {
    data: Obj<Data>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Data {
    user: Obj<User>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct User {
    id: Ident,
    username: Text,
    full_name: Text,
    biography: Text,
    external_url: Text,
    edge_followed_by: Obj<Count>,
    edge_follow: Obj<Count>,
    is_verified: Flag,
    is_private: Flag,
    is_business_account: Flag,
    category_name: Text,
    overall_category_name: Text,
    business_category_name: Text,
    profile_pic_url_hd: Text,
    profile_pic_url: Text,
    edge_owner_to_timeline_media: Obj<Connection<GraphNode>>,
}

fn count(c: &Obj<Count>) -> Option<u64> {
    c.get().and_then(Count::value)
}

/// Parses a web_profile_info answer. `data.user: null` is `not_found`; a user without `id` or
/// `username` is `upstream_changed`; a refusal (`require_login`, a checkpoint...) is what
/// [`super::refusal::classify_body`] says.
pub fn parse_web_profile_info(body: &str) -> Result<ProfileInfo, ScrapeError> {
    let what = "instagram's web_profile_info";
    let root = match from_body::<Root>(body) {
        Ok(Obj::Found(root)) => root,
        Ok(_) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!("{what} answered JSON that is not an object")),
            ));
        }
        Err(e) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!("{what} answer does not read: {e}")),
            ));
        }
    };
    let user = match root.data {
        Obj::Found(Data {
            user: Obj::Found(user),
        }) => user,
        Obj::Found(Data { user: Obj::Null }) => {
            return Err(refused_or(
                body,
                ScrapeError::not_found("instagram has no account of that name"),
            ));
        }
        Obj::Found(_) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!("{what} answered without data.user")),
            ));
        }
        _ => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!("{what} answered without data")),
            ));
        }
    };
    let (Some(id), Some(username)) = (user.id.0, user.username.non_blank()) else {
        return Err(ScrapeError::changed(format!(
            "{what} answered a user without id or username"
        )));
    };
    let (posts_count, timeline) = match user.edge_owner_to_timeline_media {
        Obj::Found(Connection {
            count,
            page_info,
            edges,
        }) => {
            let info = page_info.into_option().unwrap_or_default();
            let mapped = Connection::<GraphNode>::nodes_of(edges)
                .0
                .into_iter()
                .filter_map(|n| n.into_post(&id))
                .collect();
            let page = PostPage::from_mapped(
                mapped,
                info.end_cursor.non_blank(),
                info.has_next_page.0.unwrap_or(false),
            );
            (count.0, page)
        }
        _ => (None, PostPage::from_mapped(Vec::new(), None, false)),
    };
    let profile = Profile {
        id,
        username,
        full_name: user.full_name.non_blank(),
        bio: user.biography.non_blank(),
        external_url: user.external_url.non_blank(),
        followers_count: count(&user.edge_followed_by),
        following_count: count(&user.edge_follow),
        posts_count,
        verified: user.is_verified.0,
        private: user.is_private.0,
        business: user.is_business_account.0,
        category: user
            .category_name
            .non_blank()
            .or_else(|| user.overall_category_name.non_blank())
            .or_else(|| user.business_category_name.non_blank()),
        avatar_url: user
            .profile_pic_url_hd
            .non_blank()
            .or_else(|| user.profile_pic_url.non_blank()),
    };
    Ok(ProfileInfo { profile, timeline })
}
