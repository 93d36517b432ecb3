//! The `page` parser: a page's HTML (`https://www.facebook.com/<page>/`) to a [`Page`], for the
//! current layouts (2023 "profile plus" and 2026: `og:*` tags plus JSON) and the classic one (no
//! `og:*` tags, canonical `/pages/<Name>/<id>`, `<h1 itemprop="name">`).

use memchr::memmem;
use scraper_core::ScrapeError;
use serde::Deserialize;

use super::counts::{Count, CountKind, find_counts};
use super::html::{self, Head};
use super::json::{self, Id, Lenient, Text, is_numeric_id};
use crate::model::Page;
use crate::walls::wall_or_changed;

/// Reads a page. Its name and numeric id are required; every other field is optional.
///
/// Errors: the wall's error (`login_required`, `blocked`, `not_found`) when the body is one,
/// else `upstream_changed` naming what is missing.
pub fn parse_page(body: &str) -> Result<Page, ScrapeError> {
    let head = Head::read(body);
    let Some(name) = name(body, &head) else {
        return Err(wall_or_changed(
            body,
            "facebook's page has no name (no og:title, no name heading)",
        ));
    };
    let Some(id) = page_id(body, &head) else {
        return Err(wall_or_changed(
            body,
            "facebook's page names no page id (no app link, userID, pageID or entity_id)",
        ));
    };
    let url = head
        .meta("og:url")
        .or_else(|| head.link("canonical"))
        .and_then(html::clean)
        .unwrap_or_else(|| format!("https://www.facebook.com/{id}"));
    let (likes_count, followers_count) = counts(body, &head);
    Ok(Page {
        description: description(&head, &name),
        image_url: image(body, &head),
        category: category(body, &head, &name),
        id,
        name,
        url,
        likes_count,
        followers_count,
    })
}

/// The page's name: `og:title` (without the " | City" the 2026 layout appends, which `<title>`
/// does not have), the classic layout's `<h1 itemprop="name">`, or the route's title in JSON.
fn name(body: &str, head: &Head) -> Option<String> {
    let title = head.title().map(strip_site_name);
    if let Some(og) = head
        .meta("og:title")
        .and_then(html::clean)
        .map(|t| strip_site_name(&t).to_owned())
        .filter(|t| !is_generic(t))
    {
        if let Some(title) = title.filter(|t| !t.is_empty())
            && og
                .strip_prefix(title)
                .is_some_and(|rest| rest.starts_with(" | "))
        {
            return Some(title.to_owned());
        }
        return Some(og);
    }
    if let Some(h1) = html::element_text_with(body, "h1", "itemprop=\"name\"") {
        return Some(h1);
    }
    json::objects::<RouteMeta>(body, "meta")
        .find_map(|m| m.title.into_inner())
        .and_then(|t| html::clean(&t))
        .filter(|t| !is_generic(t))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RouteMeta {
    title: Lenient<String>,
}

/// `title` without Facebook's " | Facebook".
fn strip_site_name(title: &str) -> &str {
    title
        .strip_suffix("| Facebook")
        .map_or(title, str::trim_end)
}

/// Names that are Facebook's, not a page's.
fn is_generic(name: &str) -> bool {
    name.is_empty() || name.eq_ignore_ascii_case("facebook")
}

/// The numeric id, from the app links first (`fb://profile/<id>`, `fb://page/?id=<id>`), then
/// the ids in the page's JSON, the classic layout's `PageID` comment and its canonical URL.
fn page_id(body: &str, head: &Head) -> Option<String> {
    let from_links = ["al:ios:url", "al:android:url"]
        .iter()
        .filter_map(|k| head.meta(k))
        .chain(
            head.meta("apple-itunes-app")
                .and_then(|c| c.split("app-argument=").nth(1)),
        )
        .find_map(app_link_id);
    if from_links.is_some() {
        return from_links;
    }
    for key in ["userID", "pageID", "page_id", "entity_id"] {
        if let Some(id) = json::strings(body, key).find(|id| is_numeric_id(id)) {
            return Some(id);
        }
    }
    if let Some(id) = page_id_comment(body) {
        return Some(id);
    }
    let from_url = head
        .meta("og:url")
        .into_iter()
        .chain(head.link("canonical"))
        .find_map(url_id);
    if from_url.is_some() {
        return from_url;
    }
    ["delegate_page", "owning_profile"].iter().find_map(|key| {
        json::objects::<IdOnly>(body, key).find_map(|o| {
            o.id.into_inner()
                .map(|id| id.0)
                .filter(|id| is_numeric_id(id))
        })
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IdOnly {
    id: Lenient<Id>,
}

/// The id in an app link: `fb://profile/123`, `fb://page/123`, `fb://page/?id=123`.
fn app_link_id(link: &str) -> Option<String> {
    let rest = link.trim().strip_prefix("fb://")?;
    let (kind, rest) = rest.split_once('/')?;
    if !matches!(kind, "profile" | "page") {
        return None;
    }
    let id = rest.strip_prefix("?id=").unwrap_or(rest);
    let id = id.split(['?', '&', '/', ',']).next()?;
    is_numeric_id(id).then(|| id.to_owned())
}

/// `<!-- PageID = 123 -->` (or `Page ID = `), which classic and 2023 pages carry at the top.
fn page_id_comment(body: &str) -> Option<String> {
    let head = html::prefix(body, 4096);
    ["PageID = ", "Page ID = "].iter().find_map(|marker| {
        let at = memmem::find(head.as_bytes(), marker.as_bytes())? + marker.len();
        let id: String = head[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        is_numeric_id(&id).then_some(id)
    })
}

/// The id in a page URL: `/pages/<Name>/<id>`, `/people/<Name>/<id>`, `/<Name>-<id>/`,
/// `profile.php?id=<id>`.
fn url_id(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    if url.path().ends_with("profile.php") {
        return url
            .query_pairs()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.into_owned())
            .filter(|id| is_numeric_id(id));
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    // `/pages/<Name>/<id>`, `/people/<Name>/<id>`, and pages without a vanity name:
    // `/<Name>-<id>/`.
    let last = match segments.as_slice() {
        ["pages" | "people", .., last] | [last] => *last,
        _ => return None,
    };
    let id = last.rsplit('-').next().unwrap_or(last);
    is_numeric_id(id).then(|| id.to_owned())
}

/// The description without the "<Name>[, City]. 3,783 likes · 65 were here." that Facebook
/// writes in front of it.
fn description(head: &Head, name: &str) -> Option<String> {
    let text = ["og:description", "description", "twitter:description"]
        .iter()
        .find_map(|k| head.meta(k))
        .and_then(html::clean)?;
    let Some(rest) = text.strip_prefix(name) else {
        return Some(text);
    };
    if !rest.starts_with(['.', ',']) {
        return Some(text);
    }
    let dot = rest.find(". ")?;
    let after = rest[dot + 2..].trim_start();
    let first_sentence = after.find(". ").map_or(after, |end| &after[..end]);
    if !first_sentence.contains(|c: char| c.is_ascii_digit()) {
        return html::clean(after);
    }
    // Counts are "a · b · c" up to the first ". " that no other " · " precedes.
    let mut at = 0;
    loop {
        let next_dot = after[at..].find(". ").map(|i| at + i);
        let next_separator = ["· ", "• "]
            .iter()
            .filter_map(|s| after[at..].find(s).map(|i| at + i + s.len()))
            .min();
        match (next_dot, next_separator) {
            (Some(dot), Some(separator)) if separator < dot => at = separator,
            (Some(dot), _) => return html::clean(&after[dot + 2..]),
            (None, _) => return None,
        }
    }
}

/// `og:image`, or the classic layout's profile picture.
fn image(body: &str, head: &Head) -> Option<String> {
    head.meta("og:image")
        .or_else(|| head.meta("twitter:image"))
        .map(str::to_owned)
        .or_else(|| {
            html::attr_after(body, "id=\"page_profile_picture\"", "src")
                .map(|src| html::decode(src).trim().to_owned())
        })
        .filter(|src| src.starts_with("https://") || src.starts_with("http://"))
}

/// The category: the intro's "Page · <category>" (JSON), or the classic title
/// "<Name> - <category> | Facebook".
fn category(body: &str, head: &Head, name: &str) -> Option<String> {
    let from_json = json::objects::<ContextItem>(body, "context_item")
        .filter(|item| item.target_type.get().map(String::as_str) == Some("PROFILE_TRANSPARENCY"))
        .find_map(|item| item.title.into_inner().and_then(category_text));
    if from_json.is_some() {
        return from_json;
    }
    let title = strip_site_name(head.title()?);
    let rest = title.strip_prefix(name)?.strip_prefix(" - ")?;
    html::clean(rest)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ContextItem {
    title: Lenient<StyledText>,
    target_type: Lenient<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StyledText {
    text: Lenient<String>,
    inline_style_ranges: Lenient<Vec<StyleRange>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StyleRange {
    offset: Lenient<usize>,
    length: Lenient<usize>,
}

/// "Page · Media" → "Media": the bold lead ("Page", in the page's language) and the separator
/// after it removed.
fn category_text(title: StyledText) -> Option<String> {
    let text = title.text.into_inner()?;
    let bold = title
        .inline_style_ranges
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.offset.get() == Some(&0))
        .and_then(|r| r.length.into_inner());
    let rest = match bold {
        Some(units) => skip_utf16(&text, units),
        None => text
            .split_once(['·', '•'])
            .map_or(text.as_str(), |(_, r)| r),
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '·' | '•'));
    html::clean(rest)
}

/// `text` after its first `units` UTF-16 code units (Facebook's offsets count those).
fn skip_utf16(text: &str, units: usize) -> &str {
    let mut seen = 0;
    for (at, c) in text.char_indices() {
        if seen >= units {
            return &text[at..];
        }
        seen += c.len_utf16();
    }
    ""
}

/// Likes and followers: exact numbers first ("3,783 likes" in the description), then the header's
/// ("3.7K followers"), then, in the classic layout, the page's text.
fn counts(body: &str, head: &Head) -> (Option<u64>, Option<u64>) {
    let mut found = Counts::default();
    for key in ["og:description", "description", "twitter:description"] {
        if let Some(text) = head.meta(key) {
            found.read(text);
        }
    }
    for context in json::objects::<SocialContext>(body, "profile_social_context") {
        for item in context.content.into_inner().unwrap_or_default() {
            let text = item.into_inner().and_then(|i| i.text.into_inner());
            if let Some(text) = text.and_then(|t| t.non_empty()) {
                found.read(&text);
            }
        }
    }
    if found.likes.exact.is_none() {
        found.likes.exact = json::objects::<PageLikers>(body, "page_likers")
            .find_map(|p| p.global_likers_count.into_inner());
    }
    // The classic layout prints its counts in the HTML ("263 people follow this"); current
    // layouts print them in the description and the header, and their HTML text is posts.
    let classic = head.meta("og:title").is_none();
    if classic && (found.likes.any.is_none() || found.followers.any.is_none()) {
        for piece in html::text_pieces(body) {
            if piece.len() <= 200 && piece.contains(|c: char| c.is_ascii_digit()) {
                found.read(&html::decode(piece));
            }
        }
    }
    (found.likes.value(), found.followers.value())
}

/// The likes and followers counts seen so far.
#[derive(Debug, Default)]
struct Counts {
    likes: Best,
    followers: Best,
}

impl Counts {
    fn read(&mut self, text: &str) {
        for count in find_counts(text) {
            match count.kind {
                CountKind::Likes => self.likes.observe(count),
                CountKind::Followers => self.followers.observe(count),
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SocialContext {
    content: Lenient<Vec<Lenient<SocialItem>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SocialItem {
    text: Lenient<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageLikers {
    global_likers_count: Lenient<u64>,
}

/// The first exact count, else the first abbreviated one.
#[derive(Debug, Default)]
struct Best {
    exact: Option<u64>,
    any: Option<u64>,
}

impl Best {
    fn observe(&mut self, count: Count) {
        if count.exact && self.exact.is_none() {
            self.exact = Some(count.value);
        }
        self.any.get_or_insert(count.value);
    }

    fn value(&self) -> Option<u64> {
        self.exact.or(self.any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_links() {
        assert_eq!(
            app_link_id("fb://profile/100067935271247").as_deref(),
            Some("100067935271247")
        );
        assert_eq!(
            app_link_id("fb://page/?id=54421674438").as_deref(),
            Some("54421674438")
        );
        assert_eq!(
            app_link_id("fb://page/54421674438?referrer=x").as_deref(),
            Some("54421674438")
        );
        assert_eq!(app_link_id("fb://group/1"), None);
        assert_eq!(app_link_id("https://x"), None);
    }

    #[test]
    fn url_ids() {
        let id = |u: &str| url_id(u);
        assert_eq!(
            id("https://www.facebook.com/pages/Meedan/105510962816034").as_deref(),
            Some("105510962816034")
        );
        assert_eq!(
            id("https://www.facebook.com/profile.php?id=42").as_deref(),
            Some("42")
        );
        assert_eq!(id("https://www.facebook.com/heymeedan"), None);
        assert_eq!(
            id("https://www.facebook.com/%D8%A7%D9%84-179240385797/").as_deref(),
            Some("179240385797")
        );
    }

    #[test]
    fn category_lead_is_dropped() {
        let styled = |text: &str, bold: Option<usize>| StyledText {
            text: Lenient(Some(text.to_owned())),
            inline_style_ranges: Lenient(bold.map(|len| {
                vec![StyleRange {
                    offset: Lenient(Some(0)),
                    length: Lenient(Some(len)),
                }]
            })),
        };
        assert_eq!(
            category_text(styled("Page · Media", Some(4))).as_deref(),
            Some("Media")
        );
        assert_eq!(
            category_text(styled("Seite · Musiker/in", None)).as_deref(),
            Some("Musiker/in")
        );
    }
}
