//! The HTML search page (`bandcamp.com/search?q=..&page=N`): `li.searchresult` items and whether
//! the pager offers a next page.

use scraper_core::ScrapeError;
use select::document::Document;
use select::node::Node;
use select::predicate::{Class, Name, Predicate};
use serde::{Deserialize, Serialize};

use super::dates;
use super::html::{challenge_or, clean_url, fragment, non_blank, squash};
use crate::model::{Kind, SearchItem};

/// One page of HTML search results.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SearchPage {
    /// The hits of the page that are artists, labels, albums or tracks (fans are left out), in
    /// page order.
    pub items: Vec<SearchItem>,
    /// Whether the pager links a next page.
    pub has_next: bool,
}

/// `data-search` of a result: its type letter and id.
#[derive(Deserialize)]
struct DataSearch {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<u64>,
}

/// Parses a search page. A page without the search form is not a search page
/// (`upstream_changed`); a bot challenge is `blocked`; a search page without results is empty.
pub fn parse_search_page(body: &str) -> Result<SearchPage, ScrapeError> {
    let Some(results) = fragment(
        body,
        "ul",
        "class=\"result-items\"",
        &["class=\"pager_controls\"", "class=\"rightcol\""],
    ) else {
        let is_search_page =
            body.contains("id=\"searchwidget\"") || body.contains("name=\"item_type\"");
        let changed =
            ScrapeError::changed("bandcamp's search page has neither results nor a search form");
        return match challenge_or(body, changed) {
            ScrapeError::UpstreamChanged(_) if is_search_page => Ok(SearchPage::default()),
            error => Err(error),
        };
    };
    let document = Document::from(results);
    let items = document
        .find(Name("li").and(Class("searchresult")))
        .filter_map(|li| parse_item(&li))
        .collect();
    Ok(SearchPage {
        items,
        has_next: has_next_page(body),
    })
}

/// Whether the pager holds a "next" link.
fn has_next_page(body: &str) -> bool {
    body.find("class=\"pagelist\"")
        .is_some_and(|at| body[at..].contains("class=\"nextprev next"))
}

fn parse_item(li: &Node<'_>) -> Option<SearchItem> {
    let data: Option<DataSearch> = li
        .attr("data-search")
        .and_then(|raw| serde_json::from_str(raw).ok());
    let item_type = text_of(li, "itemtype")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let kind = match (
        item_type.as_str(),
        data.as_ref().and_then(|d| d.kind.as_deref()),
    ) {
        ("LABEL", _) => Kind::Label,
        ("ARTIST", _) | ("", Some("b")) => Kind::Artist,
        ("ALBUM", _) | ("", Some("a")) => Kind::Album,
        ("TRACK", _) | ("", Some("t")) => Kind::Track,
        _ => return None,
    };
    let id = data.and_then(|d| d.id)?;
    let name = text_of(li, "heading")?;
    let url = li
        .find(Class("itemurl"))
        .next()
        .map(|n| squash(&n.text()))
        .filter(|u| u.starts_with("http"))
        .or_else(|| {
            li.find(Class("heading").descendant(Name("a")))
                .next()
                .and_then(|a| a.attr("href"))
                .map(str::to_owned)
        })
        .map(|u| clean_url(&u));
    let subhead = li
        .find(Class("subhead"))
        .next()
        .map(|n| n.text())
        .unwrap_or_default();
    let (artist, album, location) = match kind {
        Kind::Artist | Kind::Label => (None, None, non_blank(squash(&subhead))),
        Kind::Album | Kind::Track => {
            let (album, artist) = split_subhead(&subhead);
            (artist, if kind == Kind::Track { album } else { None }, None)
        }
    };
    let genre = text_of(li, "genre")
        .map(|g| g.trim_start_matches("genre:").trim().to_owned())
        .and_then(non_blank);
    let tags = text_of(li, "tags")
        .map(|t| {
            t.trim_start_matches("tags:")
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let image_url = li
        .find(Class("art").descendant(Name("img")))
        .next()
        .and_then(|img| img.attr("src").or_else(|| img.attr("data-src")))
        .filter(|src| src.starts_with("https://"))
        .map(clean_url);
    let release_date = text_of(li, "released").and_then(|r| dates::from_released(&r));
    Some(SearchItem {
        kind,
        id,
        name,
        url,
        artist,
        album,
        location,
        genre,
        tags,
        image_url,
        release_date,
    })
}

/// The squashed text of the first descendant with class `class`, when not blank.
fn text_of(node: &Node<'_>, class: &str) -> Option<String> {
    node.find(Class(class))
        .next()
        .map(|n| squash(&n.text()))
        .and_then(non_blank)
}

/// `from <album>` / `by <artist>` lines of an album's or track's subhead.
fn split_subhead(subhead: &str) -> (Option<String>, Option<String>) {
    let lines: Vec<String> = subhead
        .lines()
        .map(squash)
        .filter(|l| !l.is_empty())
        .collect();
    let mut album = None;
    let mut artist = None;
    for line in &lines {
        if let Some(rest) = line.strip_prefix("from ") {
            // One line holding both ("from X by Y"): the last " by " separates them.
            match rest.rsplit_once(" by ") {
                Some((a, b)) if lines.len() == 1 => {
                    album = non_blank(a.trim());
                    artist = non_blank(b.trim());
                }
                _ => album = non_blank(rest.trim()),
            }
        } else if let Some(rest) = line.strip_prefix("by ") {
            artist = non_blank(rest.trim());
        }
    }
    (album, artist)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subheads() {
        assert_eq!(split_subhead("\n  by C418\n"), (None, Some("C418".into())));
        assert_eq!(
            split_subhead("\n   from Minecraft - Volume Alpha\n   by C418\n"),
            (Some("Minecraft - Volume Alpha".into()), Some("C418".into()))
        );
        assert_eq!(
            split_subhead("from Stand by Me by Ben"),
            (Some("Stand by Me".into()), Some("Ben".into()))
        );
        assert_eq!(split_subhead(""), (None, None));
    }

    #[test]
    fn pages_that_are_not_search_pages() {
        assert_eq!(
            parse_search_page("").unwrap_err().code(),
            scraper_core::ErrorCode::UpstreamChanged
        );
        let challenge = "<html><head><title>Client Challenge</title></head><body></body></html>";
        assert_eq!(
            parse_search_page(challenge).unwrap_err().code(),
            scraper_core::ErrorCode::Blocked
        );
        let no_results = r#"<form id="searchwidget"><input type="radio" name="item_type" value=""></form><p>no results</p>"#;
        assert_eq!(
            parse_search_page(no_results).unwrap(),
            SearchPage::default()
        );
    }
}
