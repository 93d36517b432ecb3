//! `POST /api/graphql` with the user-timeline `doc_id` (Instagram's PolarisProfilePostsQuery):
//! `data.xdt_api__v1__feed__user_timeline_graphql_connection` holds `edges[].node` (v1 media)
//! and `page_info` (`end_cursor`, which is the last post's `<pk>_<owner id>`, and
//! `has_next_page`). The answer is served as `text/javascript`.

use scraper_core::ScrapeError;
use serde::Deserialize;

use super::lenient::{Obj, from_body};
use super::media::{Connection, V1Media};
use super::{PostPage, refused_or};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Root {
    data: Obj<Data>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Data {
    #[serde(rename = "xdt_api__v1__feed__user_timeline_graphql_connection")]
    timeline: Obj<Connection<V1Media>>,
}

/// Parses one page of the GraphQL user timeline. A page with edges but no post that has an id
/// and a shortcode, or without the connection, is `upstream_changed` (or the refusal the body
/// holds); a page with no edges is an empty page.
pub fn parse_timeline_page(body: &str) -> Result<PostPage, ScrapeError> {
    let what = "instagram's user timeline";
    let connection = match from_body::<Root>(body) {
        Ok(Obj::Found(Root {
            data: Obj::Found(Data {
                timeline: Obj::Found(connection),
            }),
        })) => connection,
        Ok(Obj::Found(Root {
            data: Obj::Found(Data {
                timeline: Obj::Null,
            }),
        })) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!(
                    "{what} answered a null xdt_api__v1__feed__user_timeline_graphql_connection"
                )),
            ));
        }
        Ok(Obj::Found(Root {
            data: Obj::Found(_),
        })) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!(
                    "{what} answered without data.xdt_api__v1__feed__user_timeline_graphql_connection"
                )),
            ));
        }
        Ok(Obj::Found(_)) => {
            return Err(refused_or(
                body,
                ScrapeError::changed(format!("{what} answered without data")),
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
    if !connection.edges.is_list() {
        return Err(ScrapeError::changed(format!(
            "{what} answered a connection without edges"
        )));
    }
    let info = match &connection.page_info {
        Obj::Found(info) => Some((info.end_cursor.clone(), info.has_next_page)),
        _ => None,
    };
    let (nodes, edges) = connection.into_nodes();
    let mapped: Vec<_> = nodes.into_iter().filter_map(V1Media::into_post).collect();
    if mapped.is_empty() && edges > 0 {
        return Err(ScrapeError::changed(format!(
            "{what} answered {edges} edges without a post that has a pk and a code"
        )));
    }
    let (next, has_more) = info.map_or((None, false), |(cursor, more)| {
        (cursor.non_blank(), more.0.unwrap_or(false))
    });
    Ok(PostPage::from_mapped(mapped, next, has_more))
}
