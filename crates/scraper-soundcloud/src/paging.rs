//! Paging over SoundCloud collections: one caller page is filled from as many upstream pages as
//! it takes (SoundCloud answers pages with empty collections but a `next_href`), and the opaque
//! cursor's state ([`Resume`], which the core encodes and binds to its listing) says exactly where
//! to resume: an upstream page and how many of its records were given.

use std::time::Duration;

use scraper_core::{Context, Credential, ScrapeError};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::api::{API_BASE, get_json, without_client_id};
use crate::model::SearchItem;
use crate::parse::page::parse_page;

/// Largest `limit` asked of api-v2 (it refuses more than 200).
const MAX_UPSTREAM_PAGE: usize = 200;
/// Upstream pages read to fill one caller page before handing out a cursor instead.
const MAX_PAGES_PER_CALL: usize = 16;
/// Below this much time left, no further upstream page is started for a page that has records.
const MIN_TIME_TO_FOLLOW: Duration = Duration::from_secs(4);

/// Where a listing resumes (the list actions' cursor state): the upstream page (`h`, an api-v2 URL
/// without client_id) and how many of its records were already given (`s`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Resume {
    h: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    s: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One listing: which api-v2 paths its pages may have, and the smallest page asked upstream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listing {
    /// Whether an upstream page URL (from a `next_href` or a cursor) belongs to this listing.
    pub(crate) accepts: fn(&Url) -> bool,
    /// Smallest upstream page size: asking for fewer records saves nothing (latency dominates),
    /// and small pages of a user's tracks come back empty more often. NewPipe's sizes.
    pub(crate) min_page: usize,
    /// What a 404 on the first page means, for `not_found`.
    pub(crate) what: &'static str,
}

/// A filled caller page.
#[derive(Debug)]
pub(crate) struct Filled {
    pub(crate) items: Vec<SearchItem>,
    pub(crate) next: Option<Resume>,
    pub(crate) total_results: Option<u64>,
}

impl Listing {
    /// The upstream page size for a caller `limit`.
    pub(crate) fn page_size(&self, limit: usize) -> usize {
        limit.clamp(self.min_page.max(1), MAX_UPSTREAM_PAGE)
    }

    /// Reads a client's cursor state. The core checked that the cursor is bound to this listing,
    /// but its contents can be forged: the page must be an api-v2 URL of this listing's kind and
    /// the count of records given must be one a page can hold.
    pub(crate) fn resume_from(&self, state: &Resume) -> Result<(Url, usize), ScrapeError> {
        let url = self
            .accept(&state.h)
            .filter(|_| state.s < MAX_UPSTREAM_PAGE);
        url.map(|u| (u, state.s)).ok_or_else(not_ours)
    }

    /// An upstream link (absolute, or relative to api-v2) when it stays in this listing.
    fn accept(&self, href: &str) -> Option<Url> {
        let base = Url::parse(API_BASE).ok()?;
        let url = base.join(href).ok()?;
        let ours =
            url.scheme() == "https" && url.host_str() == base.host_str() && url.port().is_none();
        (ours && url.username().is_empty() && (self.accepts)(&url)).then(|| without_client_id(&url))
    }

    /// Fills a page of `limit` records, starting at `start` after `skip` records of it.
    pub(crate) async fn fill(
        &self,
        cx: &Context,
        ids: &Credential<String>,
        start: Url,
        skip: usize,
        from_cursor: bool,
        limit: usize,
    ) -> Result<Filled, ScrapeError> {
        let mut items: Vec<SearchItem> = Vec::with_capacity(limit.min(MAX_UPSTREAM_PAGE));
        let mut total_results = None;
        let (mut next, mut skip) = (start, skip);
        for fetched in 0.. {
            // A page partly given is read again exactly as before; a fresh one at the caller's size.
            let url = if skip == 0 {
                with_limit(&next, self.page_size(limit))
            } else {
                next.clone()
            };
            let here = Resume {
                h: url.to_string(),
                s: skip,
            };
            let continuation = from_cursor || fetched > 0;
            let page = match self.fetch(cx, ids, &url).await {
                Ok(Some(page)) => page,
                // A link SoundCloud gave that now answers 404: the listing ended there.
                Ok(None) if continuation => return Ok(finish(items, None, total_results)),
                Ok(None) => {
                    return Err(ScrapeError::not_found(format!(
                        "{} does not exist",
                        self.what
                    )));
                }
                // Keep what was gathered; the cursor retries the failing page.
                Err(e) if !items.is_empty() => {
                    tracing::warn!(site = "soundcloud", error = %e, "stopped filling a page early");
                    return Ok(finish(items, Some(here), total_results));
                }
                Err(e) => return Err(e),
            };
            let following = page.next_href.as_deref().and_then(|h| self.accept(h));
            if following.as_ref().is_some_and(|f| !progresses(&url, f)) {
                // The page answered is not the one asked for (its link leads back): the listing
                // ended, and its records were given already.
                tracing::warn!(
                    site = "soundcloud",
                    "a page's next link leads backwards; the listing ends here"
                );
                return Ok(finish(items, None, total_results));
            }
            total_results = total_results.or(page.total_results);
            let need = limit.saturating_sub(items.len());
            let available = page.items.len().saturating_sub(skip);
            if available > need {
                items.extend(page.items.into_iter().skip(skip).take(need));
                return Ok(finish(
                    items,
                    Some(Resume {
                        s: skip + need,
                        ..here
                    }),
                    total_results,
                ));
            }
            items.extend(page.items.into_iter().skip(skip));
            skip = 0;
            let Some(following) = following else {
                return Ok(finish(items, None, total_results));
            };
            if with_limit(&following, 0) == with_limit(&url, 0) {
                return Ok(finish(items, None, total_results));
            }
            let out_of_time = !items.is_empty() && cx.remaining() < MIN_TIME_TO_FOLLOW;
            if items.len() >= limit || fetched + 1 >= MAX_PAGES_PER_CALL || out_of_time {
                return Ok(finish(
                    items,
                    Some(Resume {
                        h: following.to_string(),
                        s: 0,
                    }),
                    total_results,
                ));
            }
            next = following;
        }
        Ok(finish(items, None, total_results))
    }

    /// One upstream page; `None` when it answers 404.
    async fn fetch(
        &self,
        cx: &Context,
        ids: &Credential<String>,
        url: &Url,
    ) -> Result<Option<crate::parse::page::UpstreamPage>, ScrapeError> {
        let response = get_json(cx, ids, url).await?;
        if matches!(response.status(), 404 | 410) {
            return Ok(None);
        }
        response.error_for_status(self.what)?;
        parse_page(&response.text()).map(Some)
    }
}

/// The refusal of a cursor whose contents we would not have written.
pub(crate) fn not_ours() -> ScrapeError {
    ScrapeError::invalid_param(
        "cursor",
        "parameter 'cursor' is not a cursor this service gave out",
    )
}

fn finish(items: Vec<SearchItem>, next: Option<Resume>, total_results: Option<u64>) -> Filled {
    Filled {
        items,
        next,
        total_results,
    }
}

/// Whether the link from the page at `current` to `next` moves forward. api-v2 pages by an
/// `offset`: a growing number (searches) or a shrinking `<timestamp>,<kind>,<id>` key (a user's
/// tracks, newest first). A link that does not move, or moves back, leads into a loop. Offsets
/// of another form are not judged.
fn progresses(current: &Url, next: &Url) -> bool {
    let offset = |url: &Url| {
        url.query_pairs()
            .find(|(k, _)| k == "offset")
            .map(|(_, v)| v.into_owned())
    };
    let (Some(now), Some(then)) = (offset(current), offset(next)) else {
        return true;
    };
    if let (Ok(now), Ok(then)) = (now.parse::<u64>(), then.parse::<u64>()) {
        return then > now;
    }
    let dated = |s: &str| {
        s.len() > 10 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-'
    };
    if dated(&now) && dated(&then) {
        return then < now;
    }
    then != now
}

/// `url` with its `limit` set to `limit` (0: removed), other parameters kept in order.
pub(crate) fn with_limit(url: &Url, limit: usize) -> Url {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "limit")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if limit > 0 {
        let at = url
            .query_pairs()
            .position(|(k, _)| k == "limit")
            .unwrap_or(pairs.len())
            .min(pairs.len());
        pairs.insert(at, ("limit".to_owned(), limit.to_string()));
    }
    let mut out = url.clone();
    out.set_query(None);
    if !pairs.is_empty() {
        out.query_pairs_mut().extend_pairs(pairs);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracks(url: &Url) -> bool {
        let segments: Vec<_> = url
            .path_segments()
            .map(Iterator::collect)
            .unwrap_or_default();
        matches!(segments.as_slice(), ["users", id, "tracks"] if id.bytes().all(|b| b.is_ascii_digit()))
    }

    const TRACKS: Listing = Listing {
        accepts: tracks,
        min_page: 20,
        what: "x",
    };

    #[test]
    fn limits_are_replaced_in_place() {
        let url =
            Url::parse("https://api-v2.soundcloud.com/users/1/tracks?offset=a%2Cb&limit=20&x=1")
                .unwrap();
        assert_eq!(
            with_limit(&url, 50).as_str(),
            "https://api-v2.soundcloud.com/users/1/tracks?offset=a%2Cb&limit=50&x=1"
        );
        assert_eq!(
            with_limit(&url, 0).as_str(),
            "https://api-v2.soundcloud.com/users/1/tracks?offset=a%2Cb&x=1"
        );
        let bare = Url::parse("https://api-v2.soundcloud.com/users/1/tracks").unwrap();
        assert_eq!(
            with_limit(&bare, 7).as_str(),
            "https://api-v2.soundcloud.com/users/1/tracks?limit=7"
        );
    }

    #[test]
    fn links_must_move_forward() {
        let url = |q: &str| Url::parse(&format!("https://api-v2.soundcloud.com/x?{q}")).unwrap();
        let newer = "offset=2026-01-27T03%3A47%3A23.000Z%2Ctracks%2C00000000002254889507";
        let older = "offset=2025-03-24T15%3A05%3A22.000Z%2Ctracks%2C00000000002062137296";
        assert!(progresses(&url("limit=20"), &url(newer)));
        assert!(progresses(&url(newer), &url(older)));
        assert!(!progresses(&url(older), &url(newer)));
        assert!(!progresses(&url(older), &url(older)));
        assert!(progresses(&url("offset=0"), &url("offset=10")));
        assert!(!progresses(&url("offset=10"), &url("offset=10")));
        assert!(!progresses(&url("offset=20"), &url("offset=10")));
        assert!(progresses(&url("offset=abc"), &url("offset=abd")));
        assert!(!progresses(&url("offset=abc"), &url("offset=abc")));
    }

    #[test]
    fn page_sizes_follow_the_caller_within_bounds() {
        assert_eq!(TRACKS.page_size(5), 20);
        assert_eq!(TRACKS.page_size(20), 20);
        assert_eq!(TRACKS.page_size(100), 100);
    }

    #[test]
    fn cursors_only_point_into_their_listing() {
        let ok = Resume {
            h: "https://api-v2.soundcloud.com/users/5/tracks?offset=x&limit=20&client_id=leak"
                .into(),
            s: 3,
        };
        let (url, skip) = TRACKS.resume_from(&ok).unwrap();
        assert_eq!(
            (url.as_str(), skip),
            (
                "https://api-v2.soundcloud.com/users/5/tracks?offset=x&limit=20",
                3
            )
        );
        for h in [
            "https://evil.example/users/5/tracks",
            "http://api-v2.soundcloud.com/users/5/tracks",
            "https://api-v2.soundcloud.com:8443/users/5/tracks",
            "https://user@api-v2.soundcloud.com/users/5/tracks",
            "https://api-v2.soundcloud.com/search/users?q=x",
            "https://api-v2.soundcloud.com/users/me/tracks",
            "//evil.example/users/5/tracks",
        ] {
            let bad = Resume { h: h.into(), s: 0 };
            let err = TRACKS.resume_from(&bad).unwrap_err();
            assert_eq!(err.param(), Some("cursor"), "{h}");
            assert_eq!(
                err.to_string(),
                "parameter 'cursor' is not a cursor this service gave out"
            );
        }
        let huge_skip = Resume {
            h: "https://api-v2.soundcloud.com/users/5/tracks".into(),
            s: 10_000,
        };
        assert!(TRACKS.resume_from(&huge_skip).is_err());
    }
}
