//! The two actions as typed handlers: `profile` (web_profile_info) and `posts` (paged over the
//! three sources of [`crate::paging`]). The `user` parameter is read before anything is fetched.

use schemars::JsonSchema;
use scraper_core::{Cx, Page, PageRequest, ScrapeError};
use serde::Deserialize;

use crate::api::Api;
use crate::input::parse_user;
use crate::model::{Post, Profile};
use crate::paging::{Resume, fill};
use crate::session::Instagram;

/// Parameters of `profile`.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct ProfileParams {
    /// Instagram handle (nasa, @nasa) or profile URL (https://www.instagram.com/nasa/)
    user: String,
}

/// `profile`: the account as web_profile_info shows it; a private account is answered with
/// `private: true`.
pub(crate) async fn profile(cx: Cx<Instagram>, p: ProfileParams) -> Result<Profile, ScrapeError> {
    let user = parse_user(&p.user)?;
    let info = Api::new(&cx, &user)
        .profile_info()
        .await
        .map_err(|f| f.error)?;
    Ok(info.profile)
}

/// Parameters of `posts`.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct PostsParams {
    /// Instagram handle (nasa, @nasa) or profile URL (https://www.instagram.com/nasa/)
    user: String,
}

/// `posts`: a page of the account's posts, newest first (pinned posts first on the first page).
pub(crate) async fn posts(
    cx: Cx<Instagram>,
    p: PostsParams,
    page: PageRequest<Resume>,
) -> Result<Page<Post, Resume>, ScrapeError> {
    let user = parse_user(&p.user)?;
    let start = match page.cursor {
        Some(cursor) => cursor.checked()?,
        None => Resume::first(),
    };
    let filled = fill(&Api::new(&cx, &user), start, page.limit).await?;
    Ok(Page::new(filled.posts).next(filled.next))
}
