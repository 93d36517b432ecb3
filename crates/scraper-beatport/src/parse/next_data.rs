//! Beatport's Next.js page data: the `__NEXT_DATA__` script found by string search (no HTML
//! parse), its react-query entries read lazily — each entry's `data` stays raw JSON until an
//! action picks the one it needs by its `queryKey` — and the page's anonymous API token.

use scraper_core::{ScrapeError, walls};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The anonymous session every Beatport page carries (`props.pageProps.anonSession`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AnonSession {
    /// Bearer token for `api.beatport.com/v4`.
    pub access_token: String,
    /// Lifetime in seconds, counted from `create_date`.
    #[serde(default)]
    pub expires_in: Option<f64>,
    /// When the token was issued, as JavaScript prints dates
    /// (`Tue Apr 01 2025 17:51:56 GMT+0000 (Coordinated Universal Time)`).
    #[serde(default)]
    pub create_date: Option<String>,
}

/// The parts of a page's Next.js data the site reads; everything else is skipped unparsed.
#[derive(Debug, Default)]
pub struct NextData<'a> {
    queries: Vec<Query<'a>>,
    /// The page's anonymous API session, when it has one.
    pub anon_session: Option<AnonSession>,
    /// `pageProps.release` (release pages).
    pub release: Option<&'a RawValue>,
    /// `pageProps.track` (track pages).
    pub track: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow)]
    props: Props<'a>,
}

#[derive(Deserialize)]
struct Props<'a> {
    #[serde(rename = "pageProps", borrow, default)]
    page_props: Option<PageProps<'a>>,
}

#[derive(Deserialize)]
struct PageProps<'a> {
    #[serde(rename = "dehydratedState", borrow, default)]
    dehydrated: Option<Dehydrated<'a>>,
    #[serde(rename = "anonSession", default)]
    anon_session: Option<AnonSession>,
    #[serde(borrow, default)]
    release: Option<&'a RawValue>,
    #[serde(borrow, default)]
    track: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Dehydrated<'a> {
    #[serde(borrow, default)]
    queries: Vec<Query<'a>>,
}

/// One dehydrated react-query entry.
#[derive(Debug, Deserialize)]
struct Query<'a> {
    #[serde(rename = "queryKey", borrow)]
    key: &'a RawValue,
    #[serde(borrow, default)]
    state: Option<QueryState<'a>>,
}

#[derive(Debug, Deserialize)]
struct QueryState<'a> {
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

impl<'a> NextData<'a> {
    /// The `data` of the first query whose key (its parts joined by `|`) satisfies `wanted`
    /// and that holds data.
    pub fn query(&self, wanted: impl Fn(&str) -> bool) -> Option<&'a RawValue> {
        self.queries.iter().find_map(|q| {
            let data = q.state.as_ref()?.data?;
            (data.get() != "null" && wanted(&key_text(q.key))).then_some(data)
        })
    }

    /// Every query holding data, as (key, data), in page order.
    pub fn entries(&self) -> impl Iterator<Item = (String, &'a RawValue)> + '_ {
        self.queries.iter().filter_map(|q| {
            let data = q.state.as_ref()?.data?;
            (data.get() != "null").then(|| (key_text(q.key), data))
        })
    }

    /// Every query key of the page, for error details.
    pub fn keys(&self) -> Vec<String> {
        self.queries.iter().map(|q| key_text(q.key)).collect()
    }
}

/// A query key as one string: `["genre-12-top-100-tracks-per_page=100&hype=false"]` →
/// `genre-12-top-100-tracks-per_page=100&hype=false`; several parts are joined by `|`, objects
/// and numbers appear as compact JSON.
fn key_text(key: &RawValue) -> String {
    match serde_json::from_str::<serde_json::Value>(key.get()) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("|"),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The text of the `<script id="__NEXT_DATA__">` element, found by string search.
pub fn locate(html: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(found) = html.get(from..)?.find("__NEXT_DATA__") {
        let at = from + found;
        from = at + "__NEXT_DATA__".len();
        let Some(open) = html[..at].rfind('<') else {
            continue;
        };
        let tag = &html[open..at];
        let is_script_tag = tag
            .get(..7)
            .is_some_and(|t| t.eq_ignore_ascii_case("<script"))
            && !tag.contains('>');
        if !is_script_tag {
            continue;
        }
        let start = at + html[at..].find('>')? + 1;
        let end = start + html[start..].find("</script>")?;
        return Some(&html[start..end]);
    }
    None
}

/// Reads a Beatport page's Next.js data. A page without it is `blocked` when it is a bot
/// challenge, else `upstream_changed`.
pub fn parse(html: &str) -> Result<NextData<'_>, ScrapeError> {
    let Some(json) = locate(html) else {
        walls::ensure_not_challenged("beatport", html, false)?;
        return Err(ScrapeError::changed(
            "the beatport page carries no __NEXT_DATA__ script",
        ));
    };
    let root: Root<'_> = serde_json::from_str(json).map_err(|e| {
        ScrapeError::changed(format!(
            "the beatport page data is not the expected JSON: {e}"
        ))
    })?;
    let Some(props) = root.props.page_props else {
        return Ok(NextData::default());
    };
    Ok(NextData {
        queries: props.dehydrated.map(|d| d.queries).unwrap_or_default(),
        anon_session: props
            .anon_session
            .filter(|s| !s.access_token.trim().is_empty()),
        release: props.release.filter(|r| r.get() != "null"),
        track: props.track.filter(|t| t.get() != "null"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(next: &str) -> String {
        format!(
            "<html><head><link rel=\"preload\" href=\"/__NEXT_DATA__.js\"></head><body><div>__NEXT_DATA__</div>\
             <script id=\"__NEXT_DATA__\" type=\"application/json\">{next}</script></body></html>"
        )
    }

    #[test]
    fn finds_queries_by_key_and_the_token() {
        let html = page(
            r#"{"props":{"pageProps":{"anonSession":{"access_token":"tok","expires_in":36000},
            "dehydratedState":{"queries":[
              {"queryKey":["genre-6"],"state":{"data":{"id":6}}},
              {"queryKey":["genre-6-top-100-tracks-per_page=100&hype=false"],"state":{"data":{"results":[]}}},
              {"queryKey":["search",{"q":"x"}],"state":{"data":null}}]}}}}"#,
        );
        let data = parse(&html).unwrap();
        assert_eq!(data.anon_session.as_ref().unwrap().access_token, "tok");
        let top = data
            .query(|k| k.starts_with("genre-6-top-100-tracks"))
            .unwrap();
        assert_eq!(top.get(), r#"{"results":[]}"#);
        assert!(
            data.query(|k| k.starts_with("search")).is_none(),
            "null data is no data"
        );
        assert_eq!(data.keys()[2], r#"search|{"q":"x"}"#);
    }

    #[test]
    fn hostile_pages_never_panic() {
        for html in [
            "",
            "<script id=\"__NEXT_DATA__\"",
            "<script id=\"__NEXT_DATA__\">{\"props\":",
            "<script id=\"__NEXT_DATA__\">[]</script>",
            "<script id=\"__NEXT_DATA__\">{\"props\":{\"pageProps\":{\"dehydratedState\":{\"queries\":7}}}}</script>",
            "__NEXT_DATA__ é < __NEXT_DATA__",
        ] {
            assert!(parse(html).is_err(), "{html}");
        }
        let empty = parse("<script id=\"__NEXT_DATA__\">{\"props\":{}}</script>").unwrap();
        assert!(empty.query(|_| true).is_none());
        let deep = format!(
            "<script id=\"__NEXT_DATA__\">{}{}</script>",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        // Serde reads structs from arrays too: whatever comes out, nothing panics.
        let _ = parse(&deep).map(|d| d.query(|_| true).map(|q| q.get().len()));
    }

    #[test]
    fn a_challenge_page_is_blocked() {
        let html = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={}</script></body></html>";
        assert_eq!(
            parse(html).unwrap_err().code(),
            scraper_core::ErrorCode::Blocked
        );
    }
}
