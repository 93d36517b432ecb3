//! Small, allocation-light helpers over raw Bandcamp HTML: entity-encoded JSON attributes,
//! the `application/ld+json` block, fragments cut out for the DOM parser, and text clean-up.

use std::borrow::Cow;

use scraper_core::{ScrapeError, walls};
use serde::de::DeserializeOwned;

/// `error`, or `blocked` when `body` is a bot-challenge page (Fastly's "Client Challenge", say).
///
/// Parsers call it on every path where the expected content is missing, so a challenge page is
/// never read as an empty or broken page, and a good page does not pay for the scan.
pub(crate) fn challenge_or(body: &str, error: ScrapeError) -> ScrapeError {
    match walls::detect_bot_challenge(body) {
        Some(vendor) => ScrapeError::blocked(format!("bandcamp answered a {vendor} bot challenge")),
        None => error,
    }
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
    let decoded = decode_entities(raw);
    serde_json::from_str(&decoded).map(Some).map_err(|e| {
        ScrapeError::changed(format!(
            "bandcamp's {name} attribute is not the JSON expected: {e}"
        ))
    })
}

/// Decodes the character references of an attribute value. Bandcamp's JSON attributes use a
/// handful (`&quot;`, `&amp;`, `&#39;`, ...), decoded here in one pass; a rarer named reference
/// hands the whole value to the complete decoder.
pub(crate) fn decode_entities(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let window = &tail.as_bytes()[..tail.len().min(12)];
        let Some(semi) = window.iter().position(|&b| b == b';') else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let name = &tail[1..semi];
        let decoded = match name {
            "quot" => Some('"'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => match name.strip_prefix('#') {
                Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16)
                    .ok()
                    .and_then(char::from_u32),
                Some(dec) => dec.parse().ok().and_then(char::from_u32),
                None => return Cow::Owned(html_escape::decode_html_entities(raw).into_owned()),
            },
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
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
    fn character_references() {
        assert_eq!(decode_entities("plain"), "plain");
        assert_eq!(
            decode_entities("{&quot;a&quot;:&quot;R&amp;B &#39;n&#x27; &lt;3&quot;}"),
            "{\"a\":\"R&B 'n' <3\"}"
        );
        assert_eq!(
            decode_entities("&copy; 2020 &quot;x&quot;"),
            "\u{a9} 2020 \"x\""
        );
        assert_eq!(
            decode_entities("a & b &#xZZ; &#99999999; &"),
            "a & b &#xZZ; &#99999999; &"
        );
        assert_eq!(decode_entities("&éééééééééé;"), "&éééééééééé;");
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
