//! The artist action (labels too): the band id from a page of the band's site (or given), the
//! mobile API's band_details for the record, and the site's pages for where each release lives.

use schemars::JsonSchema;
use scraper_core::{Context, Cx, ScrapeError};
use serde::Deserialize;

use crate::Bandcamp;
use crate::api;
use crate::model::{Artist, Release, artwork_url};
use crate::parse::band_details::{BandDetails, DiscographyItem};
use crate::parse::band_page::{BandPage, ReleaseLink, parse_band_page};
use crate::urls::{PageUrl, parse_page_url, parse_subdomain, trusted_site_url};

/// Parameters of `artist`: one of `url`, `subdomain` and `id`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ArtistParams {
    /// A URL of the artist's or label's Bandcamp site (https://<name>.bandcamp.com).
    url: Option<String>,
    /// The name before .bandcamp.com (infiniteammo).
    subdomain: Option<String>,
    /// Bandcamp's band id (the `id` of an artist or label search hit).
    #[schemars(range(min = 1, max = 9_223_372_036_854_775_807_u64))]
    id: Option<u64>,
}

/// The artist action.
pub(crate) async fn artist(cx: Cx<Bandcamp>, p: ArtistParams) -> Result<Artist, ScrapeError> {
    let allow_custom = cx.state().allow_custom_domains;
    let (band_id, site, page) = if let Some(id) = p.id {
        (id, None, None)
    } else {
        let (site, param) = match (p.url, p.subdomain) {
            (Some(url), _) => (parse_page_url("url", &url, allow_custom)?, "url"),
            (None, Some(subdomain)) => (parse_subdomain(&subdomain)?, "subdomain"),
            // The core's one-of check lets no call through without one of the three.
            (None, None) => {
                return Err(ScrapeError::internal(
                    "the artist action ran without url, subdomain or id",
                ));
            }
        };
        let page = read_band_page(&cx, &site, param).await?;
        (page.band_id, Some(site), Some(page))
    };
    let details = api::band_details(&cx, band_id).await?;
    let mut links = page
        .as_ref()
        .map(|p| p.releases.clone())
        .unwrap_or_default();
    let has_grid = page.as_ref().is_some_and(|p| p.has_grid);
    let missing_links = details.discography.is_empty()
        || details
            .discography
            .iter()
            .any(|d| find_link(&links, d).is_none());
    if !has_grid && missing_links {
        let site = site.or_else(|| {
            details
                .url
                .as_deref()
                .and_then(|u| trusted_site_url(u, allow_custom))
        });
        if let Some(site) = site {
            links.extend(music_page_links(&cx, &site).await);
        }
    }
    Ok(assemble(details, page.as_ref(), &links))
}

/// Fetches and reads a page of the band's site.
async fn read_band_page(
    ctx: &Context,
    site: &PageUrl,
    param: &'static str,
) -> Result<BandPage, ScrapeError> {
    let response = api::site_page(ctx, site, param).await?;
    let origin = response.url().origin().ascii_serialization();
    parse_band_page(&response.text(), &origin)
}

/// The releases linked from the site's `/music` page; nothing when it cannot be had (the
/// releases then keep `url: null`).
async fn music_page_links(ctx: &Context, site: &PageUrl) -> Vec<ReleaseLink> {
    if site.url.path().trim_end_matches('/') == "/music" {
        return Vec::new();
    }
    match read_band_page(ctx, &site.with_path("/music"), "url").await {
        Ok(page) => page.releases,
        Err(e) => {
            tracing::info!(target: "bandcamp", error = %e, "the /music page could not be read; releases keep no url");
            Vec::new()
        }
    }
}

/// The link of a discography item: same id, else same title, else same artwork (same kind).
fn find_link<'a>(links: &'a [ReleaseLink], item: &DiscographyItem) -> Option<&'a ReleaseLink> {
    let same_kind = |l: &&ReleaseLink| l.kind == Some(item.kind);
    links
        .iter()
        .filter(same_kind)
        .find(|l| l.id == Some(item.id))
        .or_else(|| {
            links
                .iter()
                .filter(same_kind)
                .find(|l| l.title.as_deref() == Some(item.title.as_str()))
        })
        .or_else(|| {
            links
                .iter()
                .filter(same_kind)
                .find(|l| l.art_id.is_some() && l.art_id == item.art_id)
        })
}

fn assemble(details: BandDetails, page: Option<&BandPage>, links: &[ReleaseLink]) -> Artist {
    let releases = if details.discography.is_empty() {
        // Labels' band_details often lists nothing: the grid has their releases.
        links
            .iter()
            .filter(|l| !l.filtered)
            .filter_map(|l| {
                Some(Release {
                    id: l.id?,
                    kind: l.kind?,
                    title: l.title.clone()?,
                    url: Some(l.url.clone()),
                    artist: l.artist.clone().or_else(|| Some(details.name.clone())),
                    release_date: None,
                    artwork_url: l.art_id.filter(|a| *a > 0).map(artwork_url),
                })
            })
            .collect()
    } else {
        details
            .discography
            .iter()
            .map(|d| Release {
                id: d.id,
                kind: d.kind,
                title: d.title.clone(),
                url: find_link(links, d).map(|l| l.url.clone()),
                artist: d.artist.clone(),
                release_date: d.release_date.clone(),
                artwork_url: d.artwork_url.clone(),
            })
            .collect()
    };
    let is_label = page.and_then(|p| p.is_label).unwrap_or(details.has_roster);
    Artist {
        id: details.id,
        name: details.name,
        url: details.url.or_else(|| page.and_then(|p| p.url.clone())),
        location: details.location,
        bio: details.bio,
        is_label,
        image_url: details.image_url,
        links: details.links,
        releases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(id: Option<u64>, kind: &'static str, title: &str, art: Option<u64>) -> ReleaseLink {
        ReleaseLink {
            id,
            kind: Some(kind),
            title: Some(title.into()),
            url: format!("https://x.bandcamp.com/{kind}/{title}"),
            art_id: art,
            ..ReleaseLink::default()
        }
    }

    fn item(id: u64, kind: &'static str, title: &str, art: Option<u64>) -> DiscographyItem {
        DiscographyItem {
            id,
            kind,
            title: title.into(),
            artist: None,
            release_date: None,
            art_id: art,
            artwork_url: None,
        }
    }

    #[test]
    fn links_match_by_id_then_title_then_artwork_of_the_same_kind() {
        let links = [
            link(Some(1), "album", "a", None),
            link(None, "track", "b", None),
            link(None, "album", "z", Some(9)),
            link(None, "track", "same", Some(5)),
        ];
        assert_eq!(
            find_link(&links, &item(1, "album", "renamed", None))
                .unwrap()
                .title
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            find_link(&links, &item(2, "track", "b", None))
                .unwrap()
                .title
                .as_deref(),
            Some("b")
        );
        assert_eq!(
            find_link(&links, &item(3, "album", "c", Some(9)))
                .unwrap()
                .title
                .as_deref(),
            Some("z")
        );
        assert!(
            find_link(&links, &item(4, "album", "b", None)).is_none(),
            "a track is not an album"
        );
        assert!(find_link(&links, &item(5, "album", "same", Some(5))).is_none());
    }
}
