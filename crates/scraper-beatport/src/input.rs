//! Reading what clients send: ids given as numbers or as beatport.com URLs, search queries
//! made acceptable to Beatport, and the paging cursor's state.

use scraper_core::refs::looks_like_url;
use scraper_core::{PageRequest, ScrapeError, parse_site_url};
use serde::{Deserialize, Serialize};

/// Hosts whose URLs clients may give for an entity (the API host is contacted, never named).
pub const WEB_HOSTS: &[&str] = &["www.beatport.com", "beatport.com"];

/// Deepest page a cursor may ask for.
const MAX_PAGE: u32 = 10_000;

/// An entity id from a parameter: a positive number, or the URL of that entity on beatport.com
/// (`https://www.beatport.com/<kind>/<slug>/<id>`, a language prefix such as `/de` allowed).
pub fn entity_id(param: &'static str, input: &str, kind: &str) -> Result<u64, ScrapeError> {
    let input = input.trim();
    let wrong = || {
        ScrapeError::invalid_param(
            param,
            format!(
                "parameter '{param}' must be a Beatport {kind} id or a beatport.com {kind} URL"
            ),
        )
    };
    let id_text = if looks_like_url(input) {
        let url = parse_site_url(param, input, WEB_HOSTS)?;
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let rest = match segments.as_slice() {
            [lang, rest @ ..]
                if lang.len() == 2
                    && lang.bytes().all(|b| b.is_ascii_lowercase())
                    && rest.first() == Some(&kind) =>
            {
                rest
            }
            all => all,
        };
        match rest {
            [k, _slug, id, ..] if *k == kind => (*id).to_owned(),
            _ => return Err(wrong()),
        }
    } else {
        input.to_owned()
    };
    if id_text.is_empty() || id_text.len() > 12 || !id_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    match id_text.parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(wrong()),
    }
}

/// A search query Beatport accepts: whitespace collapsed, and only the first `(...)` pair kept
/// (Beatport answers 403 to a query with several parentheses); other brackets become spaces.
pub fn normalise_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    let mut opened = false;
    let mut closed = false;
    for c in q.chars() {
        let keep = match c {
            '(' if !opened => {
                opened = true;
                true
            }
            ')' if opened && !closed => {
                closed = true;
                true
            }
            '(' | ')' => false,
            _ => true,
        };
        out.push(if keep && !c.is_control() { c } else { ' ' });
    }
    if opened && !closed {
        out = out.replacen('(', " ", 1);
    }
    let mut collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed = collapsed.replace("( ", "(").replace(" )", ")");
    collapsed
        .replace("()", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a listing continues: Beatport's own page number and page size. This is the cursor
/// state of the list actions; the core encodes it and binds it to the action and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    /// Beatport page number (1-based).
    #[serde(rename = "p")]
    pub page: u32,
    /// Beatport page size (the client's `limit`).
    #[serde(rename = "n")]
    pub per_page: u32,
}

impl PageCursor {
    /// The page to fetch: the first one of `limit` records, or the one the cursor names. A
    /// cursor out of range (page above 10 000, page size outside 1-100: it can be forged) is
    /// refused; with another limit than its own, it continues where it points when a page of
    /// the new size starts there.
    pub fn resolve(request: &PageRequest<PageCursor>) -> Result<Self, ScrapeError> {
        let limit = u32::try_from(request.limit).unwrap_or(1).clamp(1, 100);
        let Some(cursor) = request.cursor else {
            return Ok(Self {
                page: 1,
                per_page: limit,
            });
        };
        if cursor.page == 0
            || cursor.page > MAX_PAGE
            || cursor.per_page == 0
            || cursor.per_page > 100
        {
            return Err(ScrapeError::invalid_param(
                "cursor",
                "parameter 'cursor' is not a cursor this service gave out",
            ));
        }
        if cursor.per_page == limit {
            return Ok(cursor);
        }
        // Another limit with a cursor: Beatport pages of the new size, when one starts where the
        // cursor points.
        let offset = cursor.offset();
        match u32::try_from(offset / u64::from(limit) + 1) {
            Ok(page) if offset.is_multiple_of(u64::from(limit)) && page <= MAX_PAGE => Ok(Self {
                page,
                per_page: limit,
            }),
            _ => Err(ScrapeError::invalid_param(
                "limit",
                format!(
                    "this cursor continues after {offset} items, which is no whole number of pages of {limit}: pass limit={} (or a divisor of {offset}) with it",
                    cursor.per_page
                ),
            )),
        }
    }

    /// Offset of this page's first record (0-based).
    pub fn offset(self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }

    /// Whether records follow a page of this cursor that held `got` records, from Beatport's
    /// `count` when it gives one, else from its `next` link and a full page.
    pub fn has_more(self, got: usize, count: Option<u64>, next: Option<&str>) -> bool {
        match count {
            Some(count) => got > 0 && (self.offset() + got as u64) < count,
            None => next.is_some_and(|n| !n.trim().is_empty()) && got >= self.per_page as usize,
        }
    }

    /// The cursor of the following page, when there may be one.
    pub fn next(self) -> Option<Self> {
        (self.page < MAX_PAGE).then_some(Self {
            page: self.page + 1,
            per_page: self.per_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper_core::ErrorCode;

    #[test]
    fn ids_from_numbers_and_urls() {
        assert_eq!(entity_id("id", " 20209656 ", "track").unwrap(), 20209656);
        assert_eq!(
            entity_id(
                "id",
                "https://www.beatport.com/track/back-it-up/20209656",
                "track"
            )
            .unwrap(),
            20209656
        );
        assert_eq!(
            entity_id("id", "beatport.com/de/release/x/4971359?foo=1", "release").unwrap(),
            4971359
        );
        assert_eq!(
            entity_id(
                "genre_id",
                "https://www.beatport.com/genre/deep-house/12/top-100",
                "genre"
            )
            .unwrap(),
            12
        );
        for bad in [
            "",
            "0",
            "-3",
            "12a",
            "1234567890123",
            "https://www.beatport.com/release/x/4971359",
            "https://evil.example/track/x/1",
            "https://www.beatport.com.evil.example/track/x/1",
            "https://www.beatport.com/track/x/abc",
            "https://www.beatport.com/track/1",
            "http://127.0.0.1/track/x/1",
        ] {
            let err = entity_id("id", bad, "track").unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParams, "{bad}");
            assert_eq!(err.param(), Some("id"), "{bad}");
        }
    }

    fn resolve(limit: usize, cursor: Option<(u32, u32)>) -> Result<PageCursor, ScrapeError> {
        PageCursor::resolve(&PageRequest {
            limit,
            cursor: cursor.map(|(page, per_page)| PageCursor { page, per_page }),
        })
    }

    fn at(page: u32, per_page: u32) -> PageCursor {
        PageCursor { page, per_page }
    }

    #[test]
    fn cursors_are_checked_and_continue_under_another_limit() {
        assert_eq!(resolve(30, None).unwrap(), at(1, 30));
        assert_eq!(resolve(25, Some((2, 25))).unwrap(), at(2, 25));
        assert_eq!(
            resolve(5, Some((2, 20))).unwrap(),
            at(5, 5),
            "20 in, pages of 5"
        );
        assert_eq!(
            resolve(40, Some((3, 20))).unwrap(),
            at(2, 40),
            "40 in, pages of 40"
        );
        assert_eq!(resolve(100, Some((10_000, 100))).unwrap(), at(10_000, 100));
        for forged in [(0, 20), (10_001, 20), (2, 0), (2, 101), (u32::MAX, 100)] {
            let err = resolve(20, Some(forged)).unwrap_err();
            assert_eq!(
                (err.param(), err.to_string().as_str()),
                (
                    Some("cursor"),
                    "parameter 'cursor' is not a cursor this service gave out"
                ),
                "{forged:?}"
            );
        }
        let err = resolve(10, Some((2, 25))).unwrap_err();
        assert_eq!(err.param(), Some("limit"));
        assert_eq!(
            err.to_string(),
            "this cursor continues after 25 items, which is no whole number of pages of 10: pass limit=25 (or a divisor of 25) with it"
        );
        // A page of the new size past page 10 000 is refused the same way.
        let err = resolve(1, Some((10_000, 100))).unwrap_err();
        assert_eq!(err.param(), Some("limit"));
    }

    #[test]
    fn the_next_page_and_whether_there_is_one() {
        assert_eq!(at(1, 20).next(), Some(at(2, 20)));
        assert_eq!(at(10_000, 20).next(), None);
        assert_eq!(at(3, 20).offset(), 40);
        assert!(at(1, 20).has_more(20, Some(21), None));
        assert!(!at(2, 20).has_more(20, Some(40), Some("x")));
        assert!(!at(1, 20).has_more(0, Some(100), None));
        assert!(at(1, 20).has_more(20, None, Some("next")));
        assert!(!at(1, 20).has_more(19, None, Some("next")));
        assert!(!at(1, 20).has_more(20, None, Some(" ")));
    }

    #[test]
    fn queries_keep_one_pair_of_parentheses() {
        assert_eq!(
            normalise_query("Back It Up (Original Mix)"),
            "Back It Up (Original Mix)"
        );
        assert_eq!(
            normalise_query("I Get Deep (Roy Rosenfeld Remix) (Extended)"),
            "I Get Deep (Roy Rosenfeld Remix) Extended"
        );
        assert_eq!(normalise_query("a ((b)) c"), "a (b) c");
        assert_eq!(normalise_query("a ) b ( c"), "a b c");
        assert_eq!(normalise_query("  lots   of\tspace "), "lots of space");
        assert_eq!(normalise_query("()"), "");
        assert_eq!(normalise_query("x (y"), "x y");
    }
}
