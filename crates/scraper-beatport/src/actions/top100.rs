//! `top100`: a genre's Top 100 (or the overall one) from its page, paged with Beatport's own
//! `page`/`per_page`; when the page Beatport sends cannot serve the asked window, the catalog
//! API's chart endpoint is asked for exactly that page.

use schemars::JsonSchema;
use scraper_core::{Cx, Page, PageRequest, ScrapeError};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::Beatport;
use crate::input::{PageCursor, entity_id};
use crate::model::{Track, WEB};
use crate::parse::pages::{self, ChartPage};
use crate::upstream::{self, api_url};

/// Parameters of `top100`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Top100Params {
    /// Beatport genre id (6 is Techno (Peak Time / Driving)) or a genre URL; without it, the overall Top 100.
    pub genre_id: Option<String>,
}

/// `top100`: one page of the chart (the whole chart by default).
pub async fn top100(
    cx: Cx<Beatport>,
    p: Top100Params,
    page: PageRequest<PageCursor>,
) -> Result<Page<Track, PageCursor>, ScrapeError> {
    let genre = p
        .genre_id
        .as_deref()
        .map(|g| entity_id("genre_id", g, "genre"))
        .transpose()?;
    let want = PageCursor::resolve(&page)?;
    let (base, what) = match genre {
        Some(id) => (
            format!("{WEB}/genre/-/{id}/top-100"),
            format!("Beatport genre {id}"),
        ),
        None => (format!("{WEB}/top-100"), "the Beatport Top 100".to_owned()),
    };
    let url = if want
        == (PageCursor {
            page: 1,
            per_page: 100,
        }) {
        base.clone()
    } else {
        format!("{base}?page={}&per_page={}", want.page, want.per_page)
    };
    let html = upstream::page(&cx, &url, &what).await?;
    let (chart, session) = cx.parse(&html, move |h| pages::top100(h, genre)).await?;
    let fresh = upstream::offer(cx.state(), session.as_ref());
    let window = match window(chart, want) {
        Some(window) => window,
        None => {
            let path = match genre {
                Some(id) => format!("genres/{id}/top/100/"),
                None => "tracks/top/100/".to_owned(),
            };
            let query = [
                ("page", want.page.to_string()),
                ("per_page", want.per_page.to_string()),
            ];
            let raw: Box<RawValue> =
                upstream::api(&cx, &api_url(&path, &query)?, fresh, &base, &what).await?;
            window(ChartPage::from_json(raw.get())?, want).ok_or_else(|| {
                ScrapeError::changed(format!(
                    "beatport answered another part of the chart of {what} than asked"
                ))
            })?
        }
    };
    Ok(Page::new(window.tracks)
        .next(if window.more { want.next() } else { None })
        .meta("total_results", window.total))
}

/// The asked part of a chart, numbered.
#[derive(Debug)]
pub struct Window {
    /// The tracks with their chart positions.
    pub tracks: Vec<Track>,
    /// Whether the chart goes on after them.
    pub more: bool,
    /// The chart's length, when known.
    pub total: Option<u64>,
}

/// The tracks of `want` (Beatport page number and size) from a chart page, numbered by chart
/// position; `None` when the page does not hold them all (another page must be asked for).
pub fn window(chart: ChartPage, want: PageCursor) -> Option<Window> {
    let covered_start = u64::from(chart.page.saturating_sub(1)) * u64::from(chart.per_page);
    let covered_end = covered_start + chart.tracks.len() as u64;
    let known_end = chart.count.or((!chart.has_next).then_some(covered_end));
    let want_start = want.offset();
    let want_end = want_start + u64::from(want.per_page);
    if known_end.is_some_and(|end| want_start >= end) {
        return Some(Window {
            tracks: Vec::new(),
            more: false,
            total: known_end,
        });
    }
    if want_start < covered_start || want_start >= covered_end {
        return None;
    }
    let take_end = want_end.min(covered_end);
    if take_end < want_end && known_end.is_none_or(|end| take_end < end) {
        return None;
    }
    let skip = usize::try_from(want_start - covered_start).ok()?;
    let take = usize::try_from(take_end - want_start).ok()?;
    let tracks = chart
        .tracks
        .into_iter()
        .skip(skip)
        .take(take)
        .zip(want_start + 1..)
        .map(|(mut track, position)| {
            track.position = u32::try_from(position).ok();
            track
        })
        .collect();
    Some(Window {
        tracks,
        more: known_end.is_none_or(|end| take_end < end),
        total: known_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Track;

    fn track(id: u64) -> Track {
        Track {
            kind: None,
            position: None,
            id,
            title: String::new(),
            mix_name: None,
            url: String::new(),
            artists: vec![],
            remixers: vec![],
            bpm: None,
            key: None,
            genre: None,
            sub_genre: None,
            label: None,
            release: None,
            length_ms: None,
            publish_date: None,
            isrc: None,
            artwork_url: None,
            price: None,
        }
    }

    fn chart(
        page: u32,
        per_page: u32,
        ids: std::ops::Range<u64>,
        count: Option<u64>,
        has_next: bool,
    ) -> ChartPage {
        ChartPage {
            tracks: ids.map(track).collect(),
            page,
            per_page,
            count,
            has_next,
        }
    }

    fn ids(w: &Window) -> Vec<(u64, Option<u32>)> {
        w.tracks.iter().map(|t| (t.id, t.position)).collect()
    }

    #[test]
    fn the_exact_page_is_numbered_from_its_offset() {
        let w = window(
            chart(3, 10, 21..31, Some(100), true),
            PageCursor {
                page: 3,
                per_page: 10,
            },
        )
        .unwrap();
        assert_eq!(ids(&w)[0], (21, Some(21)));
        assert_eq!(ids(&w)[9], (30, Some(30)));
        assert!(w.more);
    }

    #[test]
    fn a_whole_chart_serves_every_page_of_it() {
        let full = || chart(1, 100, 1..101, Some(100), true);
        let w = window(
            full(),
            PageCursor {
                page: 1,
                per_page: 100,
            },
        )
        .unwrap();
        assert_eq!(w.tracks.len(), 100);
        assert!(!w.more, "a next link past the count is not a next page");
        let w = window(
            full(),
            PageCursor {
                page: 5,
                per_page: 20,
            },
        )
        .unwrap();
        assert_eq!(
            (ids(&w)[0], w.tracks.len(), w.more),
            ((81, Some(81)), 20, false)
        );
        let w = window(
            full(),
            PageCursor {
                page: 3,
                per_page: 30,
            },
        )
        .unwrap();
        assert_eq!(
            (ids(&w)[0], w.tracks.len(), w.more),
            ((61, Some(61)), 30, true)
        );
        let w = window(
            full(),
            PageCursor {
                page: 4,
                per_page: 30,
            },
        )
        .unwrap();
        assert_eq!(
            (ids(&w)[0], w.tracks.len(), w.more),
            ((91, Some(91)), 10, false)
        );
        let w = window(
            full(),
            PageCursor {
                page: 9,
                per_page: 30,
            },
        )
        .unwrap();
        assert!(w.tracks.is_empty() && !w.more);
    }

    #[test]
    fn a_page_that_does_not_hold_the_window_asks_for_another() {
        assert!(
            window(
                chart(1, 20, 1..21, Some(100), true),
                PageCursor {
                    page: 2,
                    per_page: 20
                }
            )
            .is_none()
        );
        assert!(
            window(
                chart(1, 20, 1..21, None, true),
                PageCursor {
                    page: 1,
                    per_page: 30
                }
            )
            .is_none()
        );
        let w = window(
            chart(1, 20, 1..16, None, false),
            PageCursor {
                page: 1,
                per_page: 20,
            },
        )
        .unwrap();
        assert_eq!((w.tracks.len(), w.more, w.total), (15, false, Some(15)));
    }
}
