//! `GET /api/v1/feed/user/<username>/username/?count=12[&max_id=<media id>]`, the REST user
//! feed: `items[]` (v1 media), `more_available`, `next_max_id` (the last item's
//! `<pk>_<owner id>`), `num_results`, `status`. A private account's feed answers
//! `{"message": "Not authorized to view user", "status": "fail"}`.

use scraper_core::ScrapeError;
use serde::Deserialize;

use super::lenient::{Flag, Ident, List, Obj, from_body};
use super::media::V1Media;
use super::{PostPage, refused_or};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Root {
    items: List<Obj<V1Media>>,
    more_available: Flag,
    next_max_id: Ident,
}

/// Parses one page of the REST user feed. Without `items` it is `upstream_changed` (or the
/// refusal the body holds); items none of which has an id and a shortcode are
/// `upstream_changed`; no items is an empty page.
pub fn parse_feed_page(body: &str) -> Result<PostPage, ScrapeError> {
    let what = "instagram's user feed";
    let root = match from_body::<Root>(body) {
        Ok(Obj::Found(root)) if root.items.is_list() => root,
        Ok(Obj::Found(_)) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!("{what} answered without items")),
            ));
        }
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
    let items = root.items.items();
    let total = items.len();
    let mapped: Vec<_> = items
        .into_iter()
        .filter_map(|item| item.into_option()?.into_post())
        .collect();
    if mapped.is_empty() && total > 0 {
        return Err(ScrapeError::changed(format!(
            "{what} answered {total} items without a post that has a pk and a code"
        )));
    }
    Ok(PostPage::from_mapped(
        mapped,
        root.next_max_id.0,
        root.more_available.0.unwrap_or(false),
    ))
}
