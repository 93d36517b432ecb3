//! The operator's session cookie: sent on every request to facebook.com (redirects within it
//! included), never to another host, never in an error; a login wall that survives it says the
//! cookie has probably expired.

use scraper_core::ErrorCode;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::actions::{data, engine_with, html, run};

const COOKIE: &str = "c_user=100001234567890; xs=48%3ASeKrEtVaLuE%3A2%3A1761000000%3A-1%3A-1";

#[tokio::test]
async fn the_cookie_goes_to_facebook_and_follows_its_redirects_there() {
    let server = MockServer::start().await;
    Mock::given(path("/100064512345678/"))
        .and(header("cookie", COOKIE))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", "https://web.facebook.com/kellerwerkclub/"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/kellerwerkclub/"))
        .and(header("host", "web.facebook.com"))
        .and(header("cookie", COOKIE))
        .respond_with(html("page_2023.html"))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine_with(&server, &[("cookie", COOKIE)]);
    let page = run(&engine, "page", "page=100064512345678").await.unwrap();
    assert_eq!(data(&page)["name"], "Kellerwerk Techno Club");
}

#[tokio::test]
async fn the_cookie_never_leaves_facebook_nor_shows_in_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/abroad/"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "https://evil.example/steal"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/walled/"))
        .respond_with(html("login_wall.html"))
        .mount(&server)
        .await;
    let engine = engine_with(&server, &[("cookie", COOKIE)]);
    let err = run(&engine, "page", "page=abroad").await.unwrap_err().error;
    assert_eq!(err.code(), ErrorCode::UpstreamChanged);
    let wall = run(&engine, "page", "page=walled").await.unwrap_err().error;
    assert_eq!(wall.code(), ErrorCode::LoginRequired);
    assert!(
        wall.to_string().contains("TECHNO_SCRAPER_FACEBOOK_COOKIE")
            && wall.to_string().contains("expired"),
        "{wall}"
    );
    for error in [err.to_string(), wall.to_string()] {
        assert!(
            !error.contains("SeKrEt") && !error.contains("100001234567890"),
            "{error}"
        );
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "evil.example is never contacted");
    for request in &requests {
        let host = request.headers.get("host").unwrap().to_str().unwrap();
        assert!(host.ends_with("facebook.com"), "{host}");
    }
    let settings = format!("{:?}", engine.site("facebook").unwrap().settings);
    assert!(!settings.contains("SeKrEt"), "{settings}");
}

#[tokio::test]
async fn without_the_setting_no_cookie_is_sent_and_walls_say_so_plainly() {
    let server = MockServer::start().await;
    Mock::given(path("/walled/"))
        .respond_with(html("login_wall.html"))
        .mount(&server)
        .await;
    for settings in [&[][..], &[("cookie", "  ")][..]] {
        let engine = engine_with(&server, settings);
        let wall = run(&engine, "page", "page=walled").await.unwrap_err().error;
        assert_eq!(wall.code(), ErrorCode::LoginRequired);
        assert!(!wall.to_string().contains("COOKIE"), "{wall}");
    }
    for request in server.received_requests().await.unwrap() {
        assert!(request.headers.get("cookie").is_none());
    }
}
