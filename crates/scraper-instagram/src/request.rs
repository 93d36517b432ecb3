//! The upstream requests, as values: URLs, the GraphQL form body and the headers Instagram's
//! web client sends (what instaloader, gallery-dl and RSSHub send). Sending them is the
//! caller's business. The ids rotate: they are defaults an operator setting should override.

use url::form_urlencoded;

use crate::input::Handle;

/// The web client's application id (`X-IG-App-ID`).
pub const DEFAULT_APP_ID: &str = "936619743392459";

/// `X-ASBD-ID` of the web client.
pub const ASBD_ID: &str = "129477";

/// `doc_id` of the GraphQL user timeline's first page (PolarisProfilePostsQuery).
pub const DEFAULT_TIMELINE_DOC_ID: &str = "7354141574647290";

/// `doc_id` of the GraphQL user timeline's later pages, which take `after`.
pub const DEFAULT_TIMELINE_PAGE_DOC_ID: &str = "7784658434954494";

/// Where GraphQL queries are posted (form body, see [`timeline_form`]).
pub const GRAPHQL_URL: &str = "https://www.instagram.com/api/graphql";

/// How many posts one page of the REST feed is asked for.
pub const FEED_PAGE_SIZE: u32 = 12;

/// The profile page, `https://www.instagram.com/<user>/` (the `Referer` of the API calls).
pub fn profile_url(user: &Handle) -> String {
    format!("https://www.instagram.com/{user}/")
}

/// `GET https://www.instagram.com/api/v1/users/web_profile_info/?username=<user>`.
pub fn web_profile_info_url(user: &Handle) -> String {
    format!("https://www.instagram.com/api/v1/users/web_profile_info/?username={user}")
}

/// `GET https://www.instagram.com/api/v1/feed/user/<user>/username/?count=<count>` and, for a
/// later page, `&max_id=<media id>` (a [`crate::parse::PostPage::next`] of the feed, or any
/// page's [`crate::parse::PostPage::last_media_id`]).
pub fn feed_url(user: &Handle, count: u32, max_id: Option<&str>) -> String {
    let mut url =
        format!("https://www.instagram.com/api/v1/feed/user/{user}/username/?count={count}");
    if let Some(max_id) = max_id {
        url.push_str("&max_id=");
        url.extend(form_urlencoded::byte_serialize(max_id.as_bytes()));
    }
    url
}

/// The form body (`application/x-www-form-urlencoded`) of a GraphQL user-timeline query:
/// `doc_id=<doc_id>&variables={"username":"<user>"}` for the first page (with
/// [`DEFAULT_TIMELINE_DOC_ID`]), `variables={"username":"<user>","after":"<cursor>"}` for a
/// later one (with [`DEFAULT_TIMELINE_PAGE_DOC_ID`]; the cursor is the previous page's
/// `end_cursor`, or any page's `last_media_id`).
pub fn timeline_form(doc_id: &str, user: &Handle, after: Option<&str>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(timeline_pairs(doc_id, user, after))
        .finish()
}

/// The fields of [`timeline_form`], unencoded: `doc_id` and `variables` (JSON).
pub fn timeline_pairs(
    doc_id: &str,
    user: &Handle,
    after: Option<&str>,
) -> [(&'static str, String); 2] {
    let mut variables = serde_json::Map::new();
    variables.insert("username".into(), user.as_str().into());
    if let Some(after) = after {
        variables.insert("after".into(), after.into());
    }
    [
        ("doc_id", doc_id.to_owned()),
        (
            "variables",
            serde_json::Value::Object(variables).to_string(),
        ),
    ]
}

/// The headers of an API call for `user`'s data, beside a browser `User-Agent` and the
/// cookies: the app id, `X-ASBD-ID`, `X-IG-WWW-Claim: 0`, `X-Requested-With` and the
/// profile as `Referer`.
pub fn api_headers(app_id: &str, user: &Handle) -> Vec<(&'static str, String)> {
    vec![
        ("X-IG-App-ID", app_id.to_owned()),
        ("X-ASBD-ID", ASBD_ID.to_owned()),
        ("X-IG-WWW-Claim", "0".to_owned()),
        ("X-Requested-With", "XMLHttpRequest".to_owned()),
        ("Accept", "*/*".to_owned()),
        ("Referer", profile_url(user)),
    ]
}
