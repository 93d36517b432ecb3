//! Small, allocation-light helpers over raw Bandcamp HTML: entity-encoded JSON attributes,
//! the `application/ld+json` block, fragments cut out for the DOM parser, and text clean-up.

use std::borrow::Cow;

use scraper_core::{ScrapeError, walls};
use serde::de::DeserializeOwned;

/// `blocked` when `body` is a bot-challenge page (Fastly's "Client Challenge", say): such a page
/// must never be read as an empty result.
pub(crate) fn ensure_not_challenged(body: &str) -> Result<(), ScrapeError> {
    walls::ensure_not_challenged("bandcamp", body, true)
}

/// The raw (still entity-encoded) value of the first `name="..."` attribute in `html`.
///
/// Only a whole attribute name matches: `data-band` does not find `data-band-follow-info`.
pub(crate) fn raw_attr<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(found) = html[from..].find(name) {
        let start = from + found;
        let after = start + name.len();
        from = after;
        let preceded_by_space = start > 0 && bytes[start - 1].is_ascii_whitespace();
        if !preceded_by_space || !html[after..].starts_with("=\"") {
            continue;
        }
        let value_start = after + 2;
        let value_end = html[value_start..].find('"')? + value_start;
        return Some(&html[value_start..value_end]);
    }
    None
}

/// The first `name="..."` attribute of `html`, entity-decoded and parsed as JSON.
///
/// `Ok(None)` when the attribute is absent; `upstream_changed` when it is not the JSON expected.
pub(crate) fn json_attr<T: DeserializeOwned>(
    html: &str,
    name: &str,
) -> Result<Option<T>, ScrapeError> {
    let Some(raw) = raw_attr(html, name) else {
        return Ok(None);
    };
    let decoded = html_escape::decode_html_entities(raw);
    serde_json::from_str(&decoded).map(Some).map_err(|e| {
        ScrapeError::changed(format!(
            "bandcamp's {name} attribute is not the JSON expected: {e}"
        ))
    })
}

/// The text of the first `<script type="application/ld+json">` block, when there is one.
pub(crate) fn ld_json_text(html: &str) -> Option<&str> {
    let marker = html.find("application/ld+json")?;
    let open_end = html[marker..].find('>')? + marker + 1;
    let close = html[open_end..].find("</script>")? + open_end;
    Some(html[open_end..close].trim())
}

/// The part of `html` from the tag that holds `anchor` (searching back to `<tag`) up to the
/// first `end` after it (or the end of the page), for handing a small fragment to the DOM parser.
pub(crate) fn fragment<'a>(
    html: &'a str,
    tag: &str,
    anchor: &str,
    end: &[&str],
) -> Option<&'a str> {
    let at = html.find(anchor)?;
    let open = format!("<{tag}");
    let start = html[..at].rfind(&open)?;
    let stop = end
        .iter()
        .filter_map(|e| html[at..].find(e).map(|i| at + i + e.len()))
        .min()
        .unwrap_or(html.len());
    Some(&html[start..stop])
}

/// Text with every run of whitespace collapsed to one space, trimmed.
pub(crate) fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `Some(text)` when it is not blank.
pub(crate) fn non_blank(text: impl Into<String>) -> Option<String> {
    let text = text.into();
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// Multi-line prose (an album's about, a bio) with Windows line ends made plain and the ends
/// trimmed; `None` when blank.
pub(crate) fn prose(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    Some(text.into_owned())
}

/// A URL as we hand it out: tracking and other query parameters and the fragment removed.
pub(crate) fn clean_url(url: &str) -> String {
    let url = url.trim();
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].to_owned()
}

/// `href` made absolute against `origin` (`https://x.bandcamp.com`, no trailing slash), cleaned.
/// `None` for anything that is not a path or an http(s) URL.
pub(crate) fn absolute_url(origin: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.starts_with("https://") || href.starts_with("http://") {
        return Some(clean_url(href));
    }
    if href.starts_with('/') && !href.starts_with("//") {
        return Some(clean_url(&format!(
            "{}{href}",
            origin.trim_end_matches('/')
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_match_whole_names_only() {
        let html = r#"<div data-band-follow-info="{&quot;x&quot;:1}" data-band="{&quot;id&quot;:7}"></div>"#;
        assert_eq!(raw_attr(html, "data-band"), Some("{&quot;id&quot;:7}"));
        let v: serde_json::Value = json_attr(html, "data-band").unwrap().unwrap();
        assert_eq!(v["id"], 7);
        assert_eq!(raw_attr(html, "data-tralbum"), None);
        assert_eq!(raw_attr(r#"<a data-band="unterminated"#, "data-band"), None);
        let err =
            json_attr::<serde_json::Value>(r#"<a data-band="{&quot;id&quot;:">"#, "data-band")
                .unwrap_err();
        assert_eq!(err.code(), scraper_core::ErrorCode::UpstreamChanged);
    }

    #[test]
    fn urls_lose_tracking_parameters() {
        assert_eq!(
            clean_url("https://c418.bandcamp.com?from=search&search_item_id=1"),
            "https://c418.bandcamp.com"
        );
        assert_eq!(
            absolute_url("https://x.bandcamp.com", "/album/a?label=1&tab=music").as_deref(),
            Some("https://x.bandcamp.com/album/a")
        );
        assert_eq!(
            absolute_url("https://x.bandcamp.com", "//evil.example/a"),
            None
        );
        assert_eq!(
            absolute_url("https://x.bandcamp.com", "javascript:alert(1)"),
            None
        );
    }

    #[test]
    fn text_helpers() {
        assert_eq!(squash("  A  L  T\n E R "), "A L T E R");
        assert_eq!(prose(Some(" a\r\nb \r\n")).as_deref(), Some("a\nb"));
        assert_eq!(prose(Some("  ")), None);
        assert_eq!(
            fragment(
                "x<ol id=\"g\"><li>1</li></ol>y",
                "ol",
                "id=\"g\"",
                &["</ol>"]
            ),
            Some("<ol id=\"g\"><li>1</li></ol>")
        );
    }
}
