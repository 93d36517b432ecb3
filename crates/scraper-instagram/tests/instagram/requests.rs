//! The request builders: the URLs and the GraphQL form body Instagram's web client sends.

use scraper_instagram::input::parse_user;
use scraper_instagram::request::{
    DEFAULT_TIMELINE_DOC_ID, DEFAULT_TIMELINE_PAGE_DOC_ID, api_headers, feed_url, profile_url,
    timeline_form, web_profile_info_url,
};

#[test]
fn urls_of_a_handle() {
    let nasa = parse_user("@NASA").unwrap();
    assert_eq!(
        web_profile_info_url(&nasa),
        "https://www.instagram.com/api/v1/users/web_profile_info/?username=nasa"
    );
    assert_eq!(profile_url(&nasa), "https://www.instagram.com/nasa/");
    assert_eq!(
        feed_url(&nasa, 12, None),
        "https://www.instagram.com/api/v1/feed/user/nasa/username/?count=12"
    );
    assert_eq!(
        feed_url(&nasa, 12, Some("3305036909188660917_50269116275")),
        "https://www.instagram.com/api/v1/feed/user/nasa/username/?count=12&max_id=3305036909188660917_50269116275"
    );
    assert_eq!(
        feed_url(&nasa, 12, Some("a&b=c d")),
        "https://www.instagram.com/api/v1/feed/user/nasa/username/?count=12&max_id=a%26b%3Dc+d",
        "a cursor cannot add parameters"
    );
    let headers = api_headers("936619743392459", &nasa);
    assert!(headers.contains(&("X-IG-App-ID", "936619743392459".to_owned())));
    assert!(headers.contains(&("Referer", "https://www.instagram.com/nasa/".to_owned())));
}

#[test]
fn timeline_form_bodies() {
    let user = parse_user("anasaiaofficial").unwrap();
    assert_eq!(
        timeline_form(DEFAULT_TIMELINE_DOC_ID, &user, None),
        "doc_id=7354141574647290&variables=%7B%22username%22%3A%22anasaiaofficial%22%7D"
    );
    assert_eq!(
        timeline_form(
            DEFAULT_TIMELINE_PAGE_DOC_ID,
            &user,
            Some("3305036909188660917_50269116275")
        ),
        "doc_id=7784658434954494&variables=%7B%22username%22%3A%22anasaiaofficial%22%2C%22after%22%3A%223305036909188660917_50269116275%22%7D"
    );
    // A cursor is data, not JSON: quotes stay inside the string.
    let odd = timeline_form("1", &user, Some("\"},\"x\":{\""));
    let variables = url::form_urlencoded::parse(odd.as_bytes())
        .find(|(k, _)| k == "variables")
        .unwrap()
        .1;
    let parsed: serde_json::Value = serde_json::from_str(&variables).unwrap();
    assert_eq!(parsed["after"], "\"},\"x\":{\"");
    assert_eq!(parsed.as_object().unwrap().len(), 2);
}
