//! Paging an account's posts over three sources: the GraphQL user timeline, the 12 posts of
//! web_profile_info (a first page only) and the REST user feed, tried in that order at every
//! page, each failure falling through to the next.
//!
//! Where a listing resumes is our own cursor state ([`Resume`]): the source that served the
//! page, its upstream cursor, the media id the page starts after, and how many of its posts were
//! given. The GraphQL timeline's `after` and the feed's `max_id` both take the `<pk>_<owner id>`
//! of the last post seen, so any page can be continued by either source without repeating or
//! skipping a post; web_profile_info's own cursor belongs to retired queries, so its page is
//! continued from its last post by the feed.
//!
//! Pinned posts open the first page out of date order (and could come again at their place);
//! the cursor remembers them and later pages leave them out.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::{Api, Certainty, Failure};
use crate::model::Post;
use crate::parse::PostPage;
use scraper_core::ScrapeError;

/// Most upstream pages read to fill one caller page (100 posts at 12 a page).
const MAX_PAGES_PER_CALL: usize = 9;
/// Below this much time left, no further upstream page is started for a page that has posts.
const MIN_TIME_TO_FOLLOW: Duration = Duration::from_secs(4);
/// Most posts a cursor may say were given of one upstream page.
const MAX_SKIP: usize = 100;
/// Most pinned posts remembered (Instagram allows 3).
const MAX_PINNED: usize = 5;
/// Longest upstream cursor kept.
const MAX_CURSOR: usize = 256;

/// Where a listing of posts comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Source {
    /// `POST /api/graphql`, the user timeline.
    #[serde(rename = "g")]
    Timeline,
    /// `GET web_profile_info`'s first 12 posts.
    #[serde(rename = "w")]
    ProfileInfo,
    /// `GET /api/v1/feed/user/<user>/username/`.
    #[serde(rename = "f")]
    Feed,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Self::Timeline => "graphql timeline",
            Self::ProfileInfo => "web_profile_info",
            Self::Feed => "user feed",
        }
    }
}

/// Where `posts` resumes (the cursor state, which the core encodes and binds to the listing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Resume {
    /// The source that served the page (tried first).
    s: Source,
    /// That source's cursor of the page (GraphQL `after`, feed `max_id`); absent on a first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<String>,
    /// The `<pk>_<owner id>` of the post before the page, for another source; absent on a first
    /// page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    m: Option<String>,
    /// How many posts of the page were given already.
    #[serde(default, skip_serializing_if = "is_zero")]
    k: usize,
    /// The ids of the first page's pinned posts, left out of later pages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    p: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Resume {
    /// The first page.
    pub(crate) fn first() -> Self {
        Self {
            s: Source::Timeline,
            c: None,
            m: None,
            k: 0,
            p: Vec::new(),
        }
    }

    fn is_first_page(&self) -> bool {
        self.m.is_none()
    }

    /// A client's cursor state, when it is one we could have written. The core checked that it
    /// belongs to this listing, but its contents can be forged: the upstream cursors must look
    /// like Instagram's and the counts must be ones a page holds.
    pub(crate) fn checked(self) -> Result<Self, ScrapeError> {
        let ours = self.k <= MAX_SKIP
            && self.p.len() <= MAX_PINNED
            && self.p.iter().all(|id| is_pk(id))
            && match (&self.c, &self.m) {
                (None, None) => true,
                (Some(c), Some(m)) => {
                    self.s != Source::ProfileInfo && is_upstream_cursor(c) && is_media_id(m)
                }
                _ => false,
            };
        if ours { Ok(self) } else { Err(not_ours()) }
    }

    /// The sources to try for this page, in order: the one that served it, then the others.
    fn sources(&self) -> Vec<Source> {
        let usable: &[Source] = if self.is_first_page() {
            &[Source::Timeline, Source::ProfileInfo, Source::Feed]
        } else {
            &[Source::Timeline, Source::Feed]
        };
        let mut order = Vec::with_capacity(usable.len());
        if usable.contains(&self.s) {
            order.push(self.s);
        }
        order.extend(usable.iter().copied().filter(|s| *s != self.s));
        order
    }

    /// The upstream cursor `source` continues from: its own, or the media id when the page was
    /// served by another source.
    fn cursor_for(&self, source: Source) -> Option<&str> {
        if source == self.s {
            self.c.as_deref().or(self.m.as_deref())
        } else {
            self.m.as_deref()
        }
    }

    /// This page as served by `source`, `given` of its posts given.
    fn within(&self, source: Source, given: usize) -> Self {
        let (c, m) = if source == self.s {
            (self.c.clone(), self.m.clone())
        } else {
            (self.m.clone(), self.m.clone())
        };
        Self {
            s: source,
            c,
            m,
            k: given,
            p: self.p.clone(),
        }
    }

    /// The page after `page`, served by `source`; `None` at the end of the listing (or when
    /// Instagram gave nothing to continue from that we would accept back).
    fn after(&self, source: Source, page: &PostPage) -> Option<Self> {
        if !page.has_more {
            return None;
        }
        let m = page.last_media_id.clone().filter(|m| is_media_id(m));
        let (s, c) = match source {
            Source::ProfileInfo => (Source::Feed, m.clone()?),
            other => (
                other,
                page.next
                    .clone()
                    .filter(|c| is_upstream_cursor(c))
                    .or_else(|| m.clone())?,
            ),
        };
        let m = m.or_else(|| is_media_id(&c).then(|| c.clone()))?;
        Some(Self {
            s,
            c: Some(c),
            m: Some(m),
            k: 0,
            p: self.p.clone(),
        })
    }
}

/// The refusal of a cursor whose contents we would not have written.
fn not_ours() -> ScrapeError {
    ScrapeError::invalid_param(
        "cursor",
        "parameter 'cursor' is not a cursor this service gave out",
    )
}

/// A media pk: 1 to 20 digits.
fn is_pk(text: &str) -> bool {
    !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `<pk>_<owner id>`, or a bare pk.
fn is_media_id(text: &str) -> bool {
    match text.split_once('_') {
        Some((pk, owner)) => is_pk(pk) && is_pk(owner),
        None => is_pk(text),
    }
}

/// What an upstream cursor looks like: media ids, base64 tokens.
fn is_upstream_cursor(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_CURSOR
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'=' | b'+' | b'/'))
}

/// The posts of a first page that Instagram pinned above the others: among the first few, those
/// older than a post after them.
fn pinned(posts: &[Post]) -> Vec<String> {
    let mut newest_after: Option<&str> = None;
    let mut found = Vec::new();
    for (i, post) in posts.iter().enumerate().rev() {
        if let Some(taken_at) = post.taken_at.as_deref() {
            if i < MAX_PINNED && newest_after.is_some_and(|newer| newer > taken_at) {
                found.push(post.id.clone());
            }
            if newest_after.is_none_or(|newer| taken_at > newer) {
                newest_after = Some(taken_at);
            }
        }
    }
    found.reverse();
    found
}

/// One caller page of posts and where the next one starts.
pub(crate) struct Filled {
    pub(crate) posts: Vec<Post>,
    pub(crate) next: Option<Resume>,
}

/// A page as one source served it.
struct Served {
    source: Source,
    page: PostPage,
}

/// Fills a page of at most `limit` posts from `start`.
pub(crate) async fn fill(
    api: &Api<'_>,
    start: Resume,
    limit: usize,
) -> Result<Filled, ScrapeError> {
    let mut posts: Vec<Post> = Vec::with_capacity(limit.min(MAX_SKIP));
    let mut at = start;
    for fetched in 1.. {
        let served = match serve(api, &at).await {
            Ok(served) => served,
            // Keep what was gathered; the cursor retries the page that failed.
            Err(e) if !posts.is_empty() => {
                tracing::warn!(site = "instagram", error = %e, "stopped filling a page of posts early");
                return Ok(Filled {
                    posts,
                    next: Some(at),
                });
            }
            Err(e) => return Err(e),
        };
        let Served { source, mut page } = served;
        if at.is_first_page() {
            at.p = pinned(&page.posts);
        } else if !at.p.is_empty() {
            page.posts.retain(|post| !at.p.contains(&post.id));
        }
        let skip = at.k;
        let need = limit.saturating_sub(posts.len());
        let available = page.posts.len().saturating_sub(skip);
        if available > need {
            posts.extend(page.posts.drain(..).skip(skip).take(need));
            return Ok(Filled {
                posts,
                next: Some(at.within(source, skip + need)),
            });
        }
        posts.extend(page.posts.drain(..).skip(skip));
        let Some(next) = at.after(source, &page) else {
            return Ok(Filled { posts, next: None });
        };
        if next.m == at.m {
            tracing::warn!(
                site = "instagram",
                source = source.name(),
                "a page of posts leads back to itself; the listing ends here"
            );
            return Ok(Filled { posts, next: None });
        }
        let out_of_time = !posts.is_empty() && !api.has_time(MIN_TIME_TO_FOLLOW);
        if posts.len() >= limit || fetched >= MAX_PAGES_PER_CALL || out_of_time {
            return Ok(Filled {
                posts,
                next: Some(next),
            });
        }
        at = next;
    }
    Ok(Filled { posts, next: None })
}

/// The page at `at`, from the first source that serves it; when none does, the most telling
/// failure.
async fn serve(api: &Api<'_>, at: &Resume) -> Result<Served, ScrapeError> {
    let mut failures: Vec<(Source, Failure)> = Vec::new();
    // A first page without posts is kept while another source may say why (a private account).
    let mut empty: Option<Served> = None;
    for source in at.sources() {
        let cursor = at.cursor_for(source);
        let outcome = match source {
            Source::Timeline => api.timeline(cursor).await,
            Source::Feed => api.feed(cursor).await,
            Source::ProfileInfo => first_posts(api).await,
        };
        match outcome {
            Ok(page) if page.posts.is_empty() && at.is_first_page() => {
                empty.get_or_insert(Served { source, page });
            }
            Ok(page) => {
                if !failures.is_empty() {
                    tracing::info!(
                        site = "instagram",
                        source = source.name(),
                        "posts served by a fallback source"
                    );
                }
                return Ok(Served { source, page });
            }
            Err(failure) if failure.certainty == Certainty::Final => return Err(failure.error),
            Err(failure) => {
                tracing::info!(site = "instagram", source = source.name(), error = %failure.error, "a source of posts failed");
                failures.push((source, failure));
            }
        }
    }
    if let Some(empty) = empty {
        return Ok(empty);
    }
    Err(failures
        .into_iter()
        .min_by_key(|(_, f)| f.rank())
        .map_or_else(
            || ScrapeError::internal("no source of instagram posts was tried"),
            |(_, f)| f.error,
        ))
}

/// web_profile_info's posts, as a page: a private account's are not there (final without a
/// session, which could follow it), and a logged-out client may be shown none.
async fn first_posts(api: &Api<'_>) -> Result<PostPage, Failure> {
    let info = api.profile_info().await?;
    let has_session = api.state().has_session();
    if info.profile.private == Some(true) && info.timeline.posts.is_empty() {
        let certainty = if has_session {
            Certainty::Content
        } else {
            Certainty::Final
        };
        return Err(Failure::new(
            ScrapeError::Private(format!(
                "the instagram account '{}' is private: its posts are shown only to its approved followers",
                info.profile.username
            )),
            certainty,
        ));
    }
    if info.timeline_withheld() {
        let error = if has_session {
            ScrapeError::changed("instagram's web_profile_info left the posts out")
        } else {
            ScrapeError::LoginRequired(
                "instagram shows this account's posts to logged-in visitors only (web_profile_info left them out)".into(),
            )
        };
        return Err(Failure::new(error, Certainty::Content));
    }
    Ok(info.timeline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, taken_at: &str) -> Post {
        Post {
            id: id.into(),
            shortcode: "x".into(),
            url: String::new(),
            taken_at: Some(taken_at.into()),
            caption: None,
            like_count: None,
            comment_count: None,
            media_type: None,
            display_url: None,
            is_video: None,
        }
    }

    #[test]
    fn pinned_posts_are_the_older_ones_on_top() {
        let page = [
            post("1", "2023-10-17T19:09:29Z"),
            post("2", "2022-01-01T00:00:00Z"),
            post("3", "2024-02-16T23:24:46Z"),
            post("4", "2024-02-10T00:00:00Z"),
            post("5", "2024-01-01T00:00:00Z"),
        ];
        assert_eq!(pinned(&page), ["1", "2"]);
        assert!(pinned(&page[2..]).is_empty());
        assert!(pinned(&[]).is_empty());
    }

    #[test]
    fn sources_start_with_the_one_that_served() {
        let first = Resume::first();
        assert_eq!(
            first.sources(),
            [Source::Timeline, Source::ProfileInfo, Source::Feed]
        );
        let later = Resume {
            s: Source::Feed,
            c: Some("1_2".into()),
            m: Some("1_2".into()),
            k: 0,
            p: Vec::new(),
        };
        assert_eq!(later.sources(), [Source::Feed, Source::Timeline]);
        assert_eq!(later.cursor_for(Source::Timeline), Some("1_2"));
        let mid_first = Resume {
            s: Source::ProfileInfo,
            ..Resume::first()
        };
        assert_eq!(
            mid_first.sources(),
            [Source::ProfileInfo, Source::Timeline, Source::Feed]
        );
    }

    #[test]
    fn forged_contents_are_refused() {
        let ok = |c: Option<&str>, m: Option<&str>, s: Source| Resume {
            s,
            c: c.map(Into::into),
            m: m.map(Into::into),
            k: 0,
            p: Vec::new(),
        };
        assert!(ok(None, None, Source::ProfileInfo).checked().is_ok());
        assert!(
            ok(Some("QVFCabc=="), Some("3300_577"), Source::Timeline)
                .checked()
                .is_ok()
        );
        for bad in [
            ok(Some("3300_577"), None, Source::Feed),
            ok(None, Some("3300_577"), Source::Feed),
            ok(Some("3300_577"), Some("3300_577"), Source::ProfileInfo),
            ok(Some("a&b=c"), Some("3300_577"), Source::Feed),
            ok(Some("1"), Some("x_1"), Source::Feed),
            ok(Some(&"1".repeat(300)), Some("1_1"), Source::Feed),
            Resume {
                k: 1000,
                ..Resume::first()
            },
            Resume {
                p: vec!["abc".into()],
                ..Resume::first()
            },
        ] {
            let err = bad.clone().checked().unwrap_err();
            assert_eq!(err.param(), Some("cursor"), "{bad:?}");
        }
    }

    #[test]
    fn pages_continue_from_their_last_post() {
        let page = PostPage {
            posts: Vec::new(),
            next: Some("QVFCretired".into()),
            has_more: true,
            last_media_id: Some("3290_482".into()),
        };
        let next = Resume::first().after(Source::ProfileInfo, &page).unwrap();
        assert_eq!(
            (next.s, next.c.as_deref(), next.m.as_deref()),
            (Source::Feed, Some("3290_482"), Some("3290_482"))
        );
        let next = Resume::first().after(Source::Timeline, &page).unwrap();
        assert_eq!(
            (next.s, next.c.as_deref(), next.m.as_deref()),
            (Source::Timeline, Some("QVFCretired"), Some("3290_482"))
        );
        let done = PostPage {
            has_more: false,
            ..page.clone()
        };
        assert!(Resume::first().after(Source::Timeline, &done).is_none());
        let nothing_to_continue_from = PostPage {
            next: None,
            last_media_id: None,
            ..page
        };
        assert!(
            Resume::first()
                .after(Source::Feed, &nothing_to_continue_from)
                .is_none()
        );
    }
}
