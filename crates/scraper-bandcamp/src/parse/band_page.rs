//! Any page of a band's Bandcamp site (its home, `/music`, an album or track page): the band id
//! from `data-band` (or `data-tralbum`), and where its releases live (the music grid, the grid's
//! `data-client-items` JSON for the lazily loaded rest, the sidebar discography).

use scraper_core::ScrapeError;
use select::document::Document;
use select::node::Node;
use select::predicate::{Attr, Class, Name, Predicate};
use serde::{Deserialize, Serialize};

use super::html::{absolute_url, challenge_or, fragment, json_attr, non_blank, raw_attr, squash};

/// What a band page tells about the band.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BandPage {
    /// The band id.
    pub band_id: u64,
    /// Its name, when the page says.
    pub name: Option<String>,
    /// Whether it is a label, when the page says.
    pub is_label: Option<bool>,
    /// Its site, when the page says.
    pub url: Option<String>,
    /// Releases linked from the page, in page order.
    pub releases: Vec<ReleaseLink>,
    /// Whether the page holds the music grid (the full discography).
    pub has_grid: bool,
}

/// A release the page links to.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ReleaseLink {
    /// Its id, when the page gives it.
    pub id: Option<u64>,
    /// `album` or `track`.
    pub kind: Option<&'static str>,
    /// Its title.
    pub title: Option<String>,
    /// Its artist, when it differs from the band (a label's release).
    pub artist: Option<String>,
    /// Its page.
    pub url: String,
    /// Its artwork id.
    pub art_id: Option<u64>,
    /// Hidden from the grid by a filter.
    pub filtered: bool,
}

#[derive(Deserialize)]
struct DataBand {
    id: Option<u64>,
    name: Option<String>,
    is_label: Option<bool>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct DataTralbum {
    current: Option<Current>,
}

#[derive(Deserialize)]
struct Current {
    band_id: Option<u64>,
}

#[derive(Deserialize)]
struct ClientItem {
    id: Option<u64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    title: Option<String>,
    artist: Option<String>,
    page_url: Option<String>,
    art_id: Option<u64>,
    #[serde(default)]
    filtered: bool,
}

/// Whether `body` is a page served by Bandcamp (a custom domain must prove it before we read it).
pub fn is_bandcamp_page(body: &str) -> bool {
    raw_attr(body, "data-band").is_some() && body.contains("bcbits.com/")
}

/// Parses a band page served from `origin` (`https://x.bandcamp.com`, no trailing slash).
/// A page without a band id is `upstream_changed`; a bot challenge is `blocked`.
pub fn parse_band_page(body: &str, origin: &str) -> Result<BandPage, ScrapeError> {
    read_band_page(body, origin).map_err(|e| challenge_or(body, e))
}

fn read_band_page(body: &str, origin: &str) -> Result<BandPage, ScrapeError> {
    let band: Option<DataBand> = json_attr(body, "data-band")?;
    let tralbum_band_id = || -> Result<Option<u64>, ScrapeError> {
        Ok(json_attr::<DataTralbum>(body, "data-tralbum")?
            .and_then(|t| t.current)
            .and_then(|c| c.band_id))
    };
    let band_id = match band.as_ref().and_then(|b| b.id) {
        Some(id) => id,
        None => tralbum_band_id()?
            .ok_or_else(|| ScrapeError::changed("bandcamp's band page names no band id"))?,
    };
    let mut page = BandPage {
        band_id,
        name: band
            .as_ref()
            .and_then(|b| b.name.clone())
            .and_then(non_blank),
        is_label: band.as_ref().and_then(|b| b.is_label),
        url: band.and_then(|b| b.url).and_then(non_blank),
        ..BandPage::default()
    };
    if let Some(grid) = fragment(body, "ol", "id=\"music-grid\"", &["</ol>"]) {
        page.has_grid = true;
        grid_releases(grid, origin, &mut page.releases);
    }
    if let Some(sidebar) = fragment(body, "div", "id=\"discography\"", &["</ul>"]) {
        sidebar_releases(sidebar, origin, &mut page.releases);
    }
    Ok(page)
}

fn grid_releases(grid: &str, origin: &str, out: &mut Vec<ReleaseLink>) {
    let document = Document::from(grid);
    for li in document.find(Name("li").and(Attr("data-item-id", ()))) {
        let (kind, id) = split_item_id(li.attr("data-item-id").unwrap_or_default());
        let Some(url) = li
            .find(Name("a"))
            .next()
            .and_then(|a| a.attr("href"))
            .and_then(|h| absolute_url(origin, h))
        else {
            continue;
        };
        let title_node = li.find(Class("title")).next();
        let title = title_node.map(|p| own_text(&p)).and_then(non_blank);
        let artist = li
            .find(Class("artist-override"))
            .next()
            .map(|s| squash(&s.text()))
            .and_then(non_blank);
        let art_id = li
            .find(Name("img"))
            .next()
            .and_then(|img| {
                img.attr("src")
                    .filter(|s| s.contains("/img/a"))
                    .or_else(|| img.attr("data-original"))
            })
            .and_then(art_id_of);
        out.push(ReleaseLink {
            id,
            kind: kind.or_else(|| kind_of_url(&url)),
            title,
            artist,
            url,
            art_id,
            filtered: false,
        });
    }
    let Some(ol) = document.find(Name("ol")).next() else {
        return;
    };
    let Some(items) = ol.attr("data-client-items") else {
        return;
    };
    let Ok(items) = serde_json::from_str::<Vec<ClientItem>>(items) else {
        tracing::debug!(target: "bandcamp", "data-client-items is not the JSON expected; ignored");
        return;
    };
    for item in items {
        let Some(url) = item
            .page_url
            .as_deref()
            .and_then(|h| absolute_url(origin, h))
        else {
            continue;
        };
        let kind = match item.kind.as_deref() {
            Some("album" | "a") => Some("album"),
            Some("track" | "t") => Some("track"),
            _ => kind_of_url(&url),
        };
        if out.iter().any(|r| r.url == url) {
            continue;
        }
        out.push(ReleaseLink {
            id: item.id,
            kind,
            title: item.title.and_then(non_blank),
            artist: item.artist.and_then(non_blank),
            url,
            art_id: item.art_id,
            filtered: item.filtered,
        });
    }
}

fn sidebar_releases(sidebar: &str, origin: &str, out: &mut Vec<ReleaseLink>) {
    let document = Document::from(sidebar);
    for li in document.find(Name("li")) {
        let Some(link) = li.find(Class("trackTitle").descendant(Name("a"))).next() else {
            continue;
        };
        let Some(url) = link.attr("href").and_then(|h| absolute_url(origin, h)) else {
            continue;
        };
        if out.iter().any(|r| r.url == url) {
            continue;
        }
        let art_id = li
            .find(Name("img"))
            .next()
            .and_then(|img| img.attr("src"))
            .and_then(art_id_of);
        out.push(ReleaseLink {
            id: None,
            kind: kind_of_url(&url),
            title: non_blank(squash(&link.text())),
            artist: None,
            url,
            art_id,
            filtered: false,
        });
    }
}

/// The text directly inside a node (not inside its child elements), squashed.
fn own_text(node: &Node<'_>) -> String {
    let text: String = node.children().filter_map(|c| c.as_text()).collect();
    squash(&text)
}

/// `album-816099561` → (`album`, 816099561).
fn split_item_id(value: &str) -> (Option<&'static str>, Option<u64>) {
    let (kind, id) = value.split_once('-').unwrap_or(("", value));
    let kind = match kind {
        "album" => Some("album"),
        "track" => Some("track"),
        _ => None,
    };
    (kind, id.parse().ok())
}

/// The art id in an image URL of the `…/img/a<art_id>_<size>.jpg` form.
fn art_id_of(src: &str) -> Option<u64> {
    let rest = &src[src.find("/img/a")? + "/img/a".len()..];
    let digits = rest.split('_').next()?;
    digits.parse().ok()
}

/// `album` or `track`, from a release URL's path.
fn kind_of_url(url: &str) -> Option<&'static str> {
    if url.contains("/album/") {
        Some("album")
    } else if url.contains("/track/") {
        Some("track")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ErrorCode;

    #[test]
    fn small_pieces() {
        assert_eq!(
            split_item_id("album-816099561"),
            (Some("album"), Some(816099561))
        );
        assert_eq!(split_item_id("track-12"), (Some("track"), Some(12)));
        assert_eq!(split_item_id("merch-x"), (None, None));
        assert_eq!(
            art_id_of("https://f4.bcbits.com/img/a0220866688_2.jpg"),
            Some(220866688)
        );
        assert_eq!(
            art_id_of("https://f4.bcbits.com/img/0016413878_21.jpg"),
            None
        );
    }

    #[test]
    fn pages_without_a_band() {
        assert_eq!(
            parse_band_page("", "https://x.bandcamp.com")
                .unwrap_err()
                .code(),
            ErrorCode::UpstreamChanged
        );
        let truncated = r#"<script data-band="{&quot;id&quot;:12"></script>"#;
        assert_eq!(
            parse_band_page(truncated, "https://x.bandcamp.com")
                .unwrap_err()
                .code(),
            ErrorCode::UpstreamChanged
        );
        let challenge =
            r#"<html><script src="/_fs-ch-1T1wmsGaOgGaSxcX/script.js"></script></html>"#;
        assert_eq!(
            parse_band_page(challenge, "https://x.bandcamp.com")
                .unwrap_err()
                .code(),
            ErrorCode::Blocked
        );
        assert!(!is_bandcamp_page("<html>my own site</html>"));
    }
}
