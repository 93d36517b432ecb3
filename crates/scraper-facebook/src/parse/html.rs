//! Small, allocation-light readers of Facebook's HTML: the `<meta>` and `<link>` tags of the
//! head (attributes in any order, either quote, tags split over lines), the `<title>`, text
//! between tags, and character references decoded.

use std::borrow::Cow;

use memchr::memmem;

/// The head is never searched beyond this many bytes for its tags.
const HEAD_LIMIT: usize = 4 * 1024 * 1024;

/// Decodes character references (`&amp;`, `&#xb7;`, `&quot;`...).
pub(crate) fn decode(text: &str) -> Cow<'_, str> {
    if text.contains('&') {
        html_escape::decode_html_entities(text)
    } else {
        Cow::Borrowed(text)
    }
}

/// Decoded, without bidi and zero-width marks (`&lrm;` around Arabic names), with runs of
/// whitespace made one space and the ends trimmed; `None` when empty.
pub(crate) fn clean(text: &str) -> Option<String> {
    let decoded = decode(text);
    let decoded: Cow<'_, str> = if decoded.contains(is_invisible) {
        Cow::Owned(decoded.chars().filter(|c| !is_invisible(*c)).collect())
    } else {
        decoded
    };
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

/// Marks that show nothing: bidi controls (LRM, RLM, embeddings, isolates), zero-width spaces and
/// joiners, the byte-order mark.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The `<meta>` and `<link rel>` tags of a page's head, decoded.
#[derive(Debug, Default)]
pub(crate) struct Head {
    metas: Vec<(String, String)>,
    links: Vec<(String, String)>,
    title: Option<String>,
}

impl Head {
    /// Reads the head of `body` (up to `</head>`, or the first few MB when there is none).
    pub(crate) fn read(body: &str) -> Self {
        let end = memmem::find(body.as_bytes(), b"</head>").unwrap_or(body.len());
        let head = prefix(body, end.min(HEAD_LIMIT));
        let mut out = Self {
            title: title(head),
            ..Self::default()
        };
        for (name, attrs) in tags(head) {
            if name.eq_ignore_ascii_case("meta") {
                let key = attr(attrs, "property").or_else(|| attr(attrs, "name"));
                if let (Some(key), Some(content)) = (key, attr(attrs, "content")) {
                    out.metas
                        .push((key.to_ascii_lowercase(), decode(content).into_owned()));
                }
            } else if name.eq_ignore_ascii_case("link")
                && let (Some(rel), Some(href)) = (attr(attrs, "rel"), attr(attrs, "href"))
            {
                out.links
                    .push((rel.to_ascii_lowercase(), decode(href).into_owned()));
            }
        }
        out
    }

    /// The first `<meta property|name="key">`'s content, trimmed, when not empty.
    pub(crate) fn meta(&self, key: &str) -> Option<&str> {
        self.metas
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// The first `<link rel="rel">`'s href, trimmed, when not empty.
    pub(crate) fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .filter(|(r, _)| r == rel)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// The document's `<title>`, cleaned.
    pub(crate) fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
}

/// `body[..end]`, cut back to a character boundary.
pub(crate) fn prefix(body: &str, mut end: usize) -> &str {
    end = end.min(body.len());
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

/// The text of the first `<title>` element, cleaned.
pub(crate) fn title(html: &str) -> Option<String> {
    let (_, attrs_end) = find_tag(html, "title", 0)?;
    let close = find_ci(html, "</title", attrs_end)?;
    clean(&html[attrs_end..close])
}

/// The first element `<tag ...>` whose attributes contain `marker`, and the text inside it up to
/// `</tag` with inner tags removed, cleaned.
pub(crate) fn element_text_with(html: &str, tag: &str, marker: &str) -> Option<String> {
    let mut from = 0;
    while let Some((attrs, inner_start)) = find_tag(html, tag, from) {
        from = inner_start;
        if !attrs.contains(marker) {
            continue;
        }
        let close = find_ci(html, &format!("</{tag}"), inner_start)?;
        return clean(&strip_tags(&html[inner_start..close]));
    }
    None
}

/// The value of the first `attr="..."` of the first tag after `marker`.
pub(crate) fn attr_after<'a>(html: &'a str, marker: &str, attr_name: &str) -> Option<&'a str> {
    let at = memmem::find(html.as_bytes(), marker.as_bytes())?;
    let rest = &html[at..];
    tags(rest).find_map(|(_, attrs)| attr(attrs, attr_name))
}

/// Text with tags removed (not decoded).
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => {
                out.push(' ');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text between tags, outside `<script>` and `<style>`, piece by piece (not decoded).
pub(crate) fn text_pieces(html: &str) -> impl Iterator<Item = &str> {
    let bytes = html.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let lt = memchr::memchr(b'<', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            let text = &html[at..lt];
            if lt >= bytes.len() {
                at = bytes.len();
                return Some(text);
            }
            let gt = memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |i| lt + i);
            let tag = &bytes[lt + 1..gt.min(lt + 8).max(lt + 1)];
            at = (gt + 1).min(bytes.len());
            for raw in ["script", "style"] {
                if tag.len() >= raw.len() && tag[..raw.len()].eq_ignore_ascii_case(raw.as_bytes()) {
                    let close = format!("</{raw}");
                    at = find_ci(html, &close, at)
                        .and_then(|c| memchr::memchr(b'>', &bytes[c..]).map(|i| c + i + 1))
                        .unwrap_or(bytes.len());
                }
            }
            if !text.trim().is_empty() {
                return Some(text);
            }
        }
        None
    })
}

/// Every tag `<name attrs>` of `html` with its raw attribute text, in order. Comments and
/// closing tags are skipped; a `>` inside a quoted attribute does not end the tag.
fn tags(html: &str) -> impl Iterator<Item = (&str, &str)> {
    let bytes = html.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let lt = at + memchr::memchr(b'<', bytes.get(at..)?)?;
            let name_start = lt + 1;
            let mut name_end = name_start;
            while bytes
                .get(name_end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
            {
                name_end += 1;
            }
            if name_end == name_start {
                at = name_start;
                continue;
            }
            let end = tag_end(bytes, name_end)?;
            at = end + 1;
            return Some((&html[name_start..name_end], &html[name_end..end]));
        }
    })
}

/// The first `<tag ...>` at or after `from`: its attribute text and where its content begins.
fn find_tag<'a>(html: &'a str, tag: &str, from: usize) -> Option<(&'a str, usize)> {
    let open = format!("<{tag}");
    let mut at = from;
    loop {
        let start = find_ci(html, &open, at)?;
        let name_end = start + open.len();
        let next = html.as_bytes().get(name_end).copied();
        at = name_end;
        if !matches!(next, Some(b) if b.is_ascii_whitespace() || b == b'>' || b == b'/') {
            continue;
        }
        let end = tag_end(html.as_bytes(), name_end)?;
        return Some((&html[name_end..end], end + 1));
    }
}

/// Where the tag whose attributes begin at `from` ends (the offset of its `>`).
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in bytes.get(from..)?.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(from + i),
            (None, _) => {}
        }
    }
    None
}

/// The raw value of attribute `name` in a tag's attribute text.
pub(crate) fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let bytes = attrs.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        let key_start = at;
        while at < bytes.len() && !matches!(bytes[at], b'=' | b'>' | b'/') {
            if bytes[at].is_ascii_whitespace() {
                break;
            }
            at += 1;
        }
        let key = &attrs[key_start..at];
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let mut value = None;
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            match bytes.get(at) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = at + 1;
                    let end = memchr::memchr(q, &bytes[start..]).map_or(bytes.len(), |i| start + i);
                    value = Some(&attrs[start..end]);
                    at = end + 1;
                }
                Some(_) => {
                    let start = at;
                    while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                        at += 1;
                    }
                    value = Some(&attrs[start..at]);
                }
                None => {}
            }
        }
        if key.is_empty() {
            at += 1;
            continue;
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(value.unwrap_or(""));
        }
    }
    None
}

/// Case-insensitive (ASCII) search of `needle` in `hay` from `from`.
pub(crate) fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let bytes = hay.as_bytes();
    let needle = needle.as_bytes();
    let first = needle.first()?;
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut at = from;
    while at < bytes.len() {
        let i = at + memchr::memchr2(lower, upper, &bytes[at..])?;
        if bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_meta_tags_in_any_form() {
        let html = "<html><head><title id=\"pageTitle\">Club &amp; Bar | Facebook</title>\
            <meta property=\"og:title\" content=\"Club &#x26; Bar\" />\
            <meta\n    content='x > y' name=\"description\">\
            <META PROPERTY=og:url CONTENT=https://www.facebook.com/club>\
            <link rel=\"canonical\" href=\"https://www.facebook.com/club\" /></head><body>";
        let head = Head::read(html);
        assert_eq!(head.meta("og:title"), Some("Club & Bar"));
        assert_eq!(head.meta("description"), Some("x > y"));
        assert_eq!(head.meta("og:url"), Some("https://www.facebook.com/club"));
        assert_eq!(
            head.link("canonical"),
            Some("https://www.facebook.com/club")
        );
        assert_eq!(head.title(), Some("Club & Bar | Facebook"));
    }

    #[test]
    fn clean_drops_invisible_marks() {
        assert_eq!(
            clean("&lrm;\u{645}\u{631}\u{643}\u{632}&lrm;, Bad  Kreuznach\u{feff}").as_deref(),
            Some("\u{645}\u{631}\u{643}\u{632}, Bad Kreuznach")
        );
        assert_eq!(clean(" \u{200e} "), None);
    }

    #[test]
    fn text_pieces_skip_scripts() {
        let html =
            "<div>66 likes</div><script>var a = '<b>no</b>';</script><p>yes</p><style>x</style>";
        assert_eq!(text_pieces(html).collect::<Vec<_>>(), ["66 likes", "yes"]);
        let html = "<h1 itemprop=\"name\"><span>Meedan</span></h1>";
        assert_eq!(
            element_text_with(html, "h1", "itemprop=\"name\"").as_deref(),
            Some("Meedan")
        );
    }

    #[test]
    fn broken_markup_is_fine() {
        for html in [
            "<",
            "<meta",
            "<meta content=\"x",
            "<title>x",
            "<<<>>>",
            "<a b='>",
        ] {
            let _ = Head::read(html);
            let _ = text_pieces(html).count();
            let _ = strip_tags(html);
        }
    }
}
