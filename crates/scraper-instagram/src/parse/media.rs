//! The two shapes a post comes in, both mapped to the one [`Post`]:
//!
//! - the GraphQL-era node of `web_profile_info`'s `edge_owner_to_timeline_media`
//!   (`__typename` GraphImage | GraphVideo | GraphSidecar, `shortcode`, `edge_media_to_caption`,
//!   `edge_liked_by` | `edge_media_preview_like`, `edge_media_to_comment`,
//!   `taken_at_timestamp`, `display_url`, `is_video`);
//! - the v1 media of the GraphQL user timeline and of the REST feed (`pk`, `id` =
//!   `<pk>_<owner>`, `code`, `caption.text`, `like_count`, `comment_count`, `media_type`
//!   1 | 2 | 8, `image_versions2.candidates`, `carousel_media`, `taken_at`).
//!
//! **Ids:** a post's `id` is the media pk, the number its shortcode encodes. The GraphQL-era
//! node gives it as `id`; v1 media give it as `pk` and append `_<owner id>` in `id`, which we
//! strip so both sources name a post the same way.

use chrono::{DateTime, SecondsFormat};
use serde::Deserialize;

use super::lenient::{Flag, Ident, List, Num, Obj, Text};
use super::shortcode::{id_from_shortcode, is_shortcode, shortcode_from_id};
use crate::model::{MediaType, Post, post_url};

/// `{"count": n}`, the shape of every GraphQL-era counter.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Count {
    count: Num,
}

impl Count {
    /// The count, when it is a count.
    pub(crate) fn value(&self) -> Option<u64> {
        self.count.0
    }
}

/// Counter `a`, else counter `b`.
fn count_of(a: &Obj<Count>, b: &Obj<Count>) -> Option<u64> {
    a.get()
        .and_then(|c| c.count.0)
        .or_else(|| b.get().and_then(|c| c.count.0))
}

/// `page_info` of a GraphQL connection.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageInfo {
    pub(crate) end_cursor: Text,
    pub(crate) has_next_page: Flag,
}

/// `{"node": {...}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Edge<N> {
    #[serde(default)]
    pub(crate) node: Obj<N>,
}

/// A GraphQL connection: `count`, `page_info`, `edges[].node`.
#[derive(Debug, Deserialize)]
pub(crate) struct Connection<N> {
    #[serde(default)]
    pub(crate) count: Num,
    #[serde(default)]
    pub(crate) page_info: Obj<PageInfo>,
    #[serde(default)]
    pub(crate) edges: List<Obj<Edge<N>>>,
}

impl<N> Connection<N> {
    /// The nodes that are objects, in order, and how many edges there were in all.
    pub(crate) fn into_nodes(self) -> (Vec<N>, usize) {
        Self::nodes_of(self.edges)
    }

    /// [`Self::into_nodes`] of an `edges` list.
    pub(crate) fn nodes_of(edges: List<Obj<Edge<N>>>) -> (Vec<N>, usize) {
        let edges = edges.items();
        let total = edges.len();
        let nodes = edges
            .into_iter()
            .filter_map(|e| e.into_option()?.node.into_option())
            .collect();
        (nodes, total)
    }
}

/// The owner of a post, in either shape.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Owner {
    id: Ident,
    pk: Ident,
}

impl Owner {
    fn id(&self) -> Option<&str> {
        self.pk.0.as_deref().or(self.id.0.as_deref())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CaptionNode {
    text: Text,
}

/// A post of `web_profile_info`'s `edge_owner_to_timeline_media`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct GraphNode {
    #[serde(rename = "__typename")]
    typename: Text,
    id: Ident,
    shortcode: Text,
    display_url: Text,
    thumbnail_src: Text,
    is_video: Flag,
    taken_at_timestamp: Num,
    edge_media_to_caption: Obj<Connection<CaptionNode>>,
    edge_liked_by: Obj<Count>,
    edge_media_preview_like: Obj<Count>,
    edge_media_to_comment: Obj<Count>,
    edge_media_preview_comment: Obj<Count>,
    owner: Obj<Owner>,
}

/// A v1 media: a post of the GraphQL user timeline or of the REST feed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct V1Media {
    pk: Ident,
    id: Ident,
    code: Text,
    taken_at: Num,
    caption: Obj<CaptionNode>,
    like_count: Num,
    comment_count: Num,
    media_type: Num,
    image_versions2: Obj<Images>,
    carousel_media: List<Obj<CarouselItem>>,
    user: Obj<Owner>,
    owner: Obj<Owner>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Images {
    candidates: List<Obj<Candidate>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Candidate {
    url: Text,
    width: Num,
    height: Num,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CarouselItem {
    image_versions2: Obj<Images>,
}

/// A post with where it continues: its `<pk>_<owner id>` media id, when the owner is known.
pub(crate) struct Mapped {
    pub(crate) post: Post,
    pub(crate) media_id: Option<String>,
}

/// RFC 3339 in UTC, seconds precision, of a Unix time; `None` for 0 and out-of-range values.
pub(crate) fn rfc3339(seconds: Option<u64>) -> Option<String> {
    let seconds = i64::try_from(seconds.filter(|s| *s > 0)?).ok()?;
    DateTime::from_timestamp(seconds, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The media pk out of an id that may carry `_<owner id>`.
fn strip_owner(id: &str) -> &str {
    id.split_once('_').map_or(id, |(pk, _)| pk)
}

/// A decimal id, or nothing.
fn numeric(id: Option<&str>) -> Option<&str> {
    id.filter(|i| !i.is_empty() && i.len() <= 20 && i.bytes().all(|b| b.is_ascii_digit()))
}

/// Id and shortcode, each recovered from the other when missing; `None` when neither is there
/// or they are not what they should be.
fn identify(id: Option<&str>, shortcode: Option<&str>) -> Option<(String, String)> {
    let id = numeric(id.map(strip_owner));
    let shortcode = shortcode.filter(|s| is_shortcode(s));
    match (id, shortcode) {
        (Some(id), Some(code)) => Some((id.to_owned(), code.to_owned())),
        (Some(id), None) => Some((id.to_owned(), shortcode_from_id(id)?)),
        (None, Some(code)) => Some((id_from_shortcode(code)?, code.to_owned())),
        (None, None) => None,
    }
}

fn media_id(pk: &str, owner: Option<&str>) -> Option<String> {
    numeric(owner).map(|owner| format!("{pk}_{owner}"))
}

impl GraphNode {
    /// The post, or `None` without an id and a shortcode. `profile_id` stands in for a missing
    /// `owner`.
    pub(crate) fn into_post(self, profile_id: &str) -> Option<Mapped> {
        let (id, shortcode) = identify(self.id.0.as_deref(), self.shortcode.as_deref())?;
        let media_type = match self.typename.as_deref() {
            Some(t) if t.ends_with("Sidecar") => Some(MediaType::Carousel),
            Some(t) if t.ends_with("Video") => Some(MediaType::Video),
            Some(t) if t.ends_with("Image") => Some(MediaType::Image),
            _ => match self.is_video.0 {
                Some(true) => Some(MediaType::Video),
                _ => None,
            },
        };
        let is_video = self
            .is_video
            .0
            .or_else(|| media_type.map(|m| m == MediaType::Video));
        let caption = self.edge_media_to_caption.into_option().and_then(|c| {
            let texts: Vec<String> = c
                .into_nodes()
                .0
                .into_iter()
                .filter_map(|n| n.text.non_blank())
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        });
        let owner = self.owner.get().and_then(Owner::id).or(Some(profile_id));
        let post = Post {
            url: post_url(&shortcode),
            taken_at: rfc3339(self.taken_at_timestamp.0),
            caption,
            like_count: count_of(&self.edge_liked_by, &self.edge_media_preview_like),
            comment_count: count_of(
                &self.edge_media_to_comment,
                &self.edge_media_preview_comment,
            ),
            media_type,
            display_url: self
                .display_url
                .non_blank()
                .or_else(|| self.thumbnail_src.non_blank()),
            is_video,
            id,
            shortcode,
        };
        let media_id = media_id(&post.id, owner);
        Some(Mapped { post, media_id })
    }
}

/// The largest candidate's URL (the first among equals, or the first when sizes are unknown).
fn best_image(images: Option<Images>) -> Option<String> {
    let mut best: Option<(u64, String)> = None;
    for candidate in images?.candidates.items() {
        let Some(c) = candidate.into_option() else {
            continue;
        };
        let Some(url) = c.url.non_blank() else {
            continue;
        };
        let area = c
            .width
            .0
            .unwrap_or(0)
            .saturating_mul(c.height.0.unwrap_or(0));
        if best.as_ref().is_none_or(|(a, _)| area > *a) {
            best = Some((area, url));
        }
    }
    best.map(|(_, url)| url)
}

impl V1Media {
    /// The post, or `None` without an id and a shortcode.
    pub(crate) fn into_post(self) -> Option<Mapped> {
        let pk = self.pk.0.as_deref().or(self.id.0.as_deref());
        let (id, shortcode) = identify(pk, self.code.as_deref())?;
        let media_type = match self.media_type.0 {
            Some(1) => Some(MediaType::Image),
            Some(2) => Some(MediaType::Video),
            Some(8) => Some(MediaType::Carousel),
            _ => None,
        };
        let display_url = best_image(self.image_versions2.into_option()).or_else(|| {
            self.carousel_media
                .items()
                .into_iter()
                .filter_map(Obj::into_option)
                .find_map(|item| best_image(item.image_versions2.into_option()))
        });
        let given_media_id = self
            .id
            .0
            .as_deref()
            .and_then(|i| i.split_once('_'))
            .filter(|(p, owner)| *p == id && numeric(Some(owner)).is_some())
            .map(|(p, owner)| format!("{p}_{owner}"));
        let owner = self
            .user
            .get()
            .and_then(Owner::id)
            .or_else(|| self.owner.get().and_then(Owner::id));
        let media_id = given_media_id.or_else(|| media_id(&id, owner));
        let post = Post {
            url: post_url(&shortcode),
            taken_at: rfc3339(self.taken_at.0),
            caption: self.caption.into_option().and_then(|c| c.text.non_blank()),
            like_count: self.like_count.0,
            comment_count: self.comment_count.0,
            media_type,
            display_url,
            is_video: media_type.map(|m| m == MediaType::Video),
            id,
            shortcode,
        };
        Some(Mapped { post, media_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_seconds() {
        assert_eq!(
            rfc3339(Some(1_697_569_769)).as_deref(),
            Some("2023-10-17T19:09:29Z")
        );
        assert_eq!(rfc3339(Some(0)), None);
        assert_eq!(rfc3339(None), None);
        assert_eq!(rfc3339(Some(u64::MAX)), None);
    }

    #[test]
    fn ids_lose_their_owner_suffix_and_fill_each_other() {
        assert_eq!(
            identify(Some("3215769692664507668_50269116275"), Some("CygtX9ivC0U")),
            Some(("3215769692664507668".into(), "CygtX9ivC0U".into()))
        );
        assert_eq!(
            identify(Some("3215769692664507668"), None),
            Some(("3215769692664507668".into(), "CygtX9ivC0U".into()))
        );
        assert_eq!(
            identify(None, Some("CygtX9ivC0U")),
            Some(("3215769692664507668".into(), "CygtX9ivC0U".into()))
        );
        assert_eq!(identify(Some("abc"), Some("../x")), None);
        assert_eq!(identify(None, None), None);
    }
}
