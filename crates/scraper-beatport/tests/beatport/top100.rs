//! `top100`: the genre and overall charts, positions, paging with Beatport's own page size, the
//! API fallback, and the ways it fails.

use scraper_core::ErrorCode;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{chart_page, code, engine, fails, fixture, ids, ok, positions};

fn html(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/html; charset=utf-8")
        .set_body_string(body)
}

/// The cursor of the second page of genre 6's chart in pages of `limit` (Beatport page 2 of
/// size `limit`), as the service gives it out: from the first page, read on a server of its
/// own so that the test's server sees only the test's requests. A cursor is bound to the
/// action and its parameters, not to an engine.
async fn second_page_cursor(limit: u32) -> String {
    let server = MockServer::start().await;
    Mock::given(path("/genre/-/6/top-100"))
        .respond_with(html(chart_page(Some(6), 100, 1, 100, 100, "t0")))
        .mount(&server)
        .await;
    ok(
        &engine(&server),
        "top100",
        &format!("genre_id=6&limit={limit}"),
    )
    .await
    .next_cursor
    .expect("a second page")
}

#[tokio::test]
async fn limit_100_answers_the_whole_chart_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/genre/-/6/top-100"))
        .and(header("host", "www.beatport.com"))
        .respond_with(html(chart_page(Some(6), 100, 1, 100, 100, "t1")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(&engine, "top100", "genre_id=6&limit=100").await;
    assert_eq!(positions(&s.data), (1..=100).collect::<Vec<_>>());
    assert_eq!(ids(&s.data), (40_000_001..=40_000_100).collect::<Vec<_>>());
    assert_eq!(s.next_cursor, None);
    assert_eq!(s.meta.extra["total_results"], json!(100));
    let first = &s.data[0];
    assert_eq!(first["title"], "Concrete Pulse");
    assert_eq!(first["key"], "Ab Minor");
    assert_eq!(
        first["genre"],
        json!({"id": 6, "name": "Techno (Peak Time / Driving)"})
    );
    assert_eq!(
        first["label"],
        json!({"id": 7001, "name": "Kraftwerk Halle"})
    );
    assert_eq!(
        s.data[1]["remixers"],
        json!([{"id": 900103, "name": "Mara Vex"}])
    );
    assert_eq!(
        s.data[2]["label"],
        json!(null),
        "a release without a label is a normal release"
    );
}

#[tokio::test]
async fn smaller_limits_page_through_the_chart_with_cursors() {
    let server = MockServer::start().await;
    // Beatport sends the whole chart whatever page is asked: each page is taken from it by position.
    Mock::given(method("GET"))
        .and(path("/genre/-/6/top-100"))
        .and(query_param("per_page", "30"))
        .respond_with(html(chart_page(Some(6), 100, 1, 100, 100, "t1")))
        .expect(4)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let mut seen = Vec::new();
    let mut query = "genre_id=6&limit=30".to_owned();
    for page in 1..=4u64 {
        let s = ok(&engine, "top100", &query).await;
        let expected_len = if page == 4 { 10 } else { 30 };
        assert_eq!(
            s.data.as_array().map(Vec::len),
            Some(expected_len),
            "page {page}"
        );
        seen.extend(positions(&s.data));
        match s.next_cursor {
            Some(cursor) => query = format!("genre_id=6&limit=30&cursor={cursor}"),
            None => {
                assert_eq!(page, 4);
                break;
            }
        }
    }
    assert_eq!(seen, (1..=100).collect::<Vec<_>>());
    let requests = server.received_requests().await.unwrap_or_default();
    let pages: Vec<String> = requests
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(
        pages,
        ["1", "2", "3", "4"],
        "each page is asked of Beatport with its own page number"
    );
}

#[tokio::test]
async fn a_page_beatport_cut_to_size_is_numbered_from_its_offset() {
    let server = MockServer::start().await;
    Mock::given(path("/genre/-/6/top-100"))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "25"))
        .respond_with(html(chart_page(Some(6), 25, 2, 25, 100, "t1")))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let cursor = second_page_cursor(25).await;
    let s = ok(
        &engine,
        "top100",
        &format!("genre_id=6&limit=25&cursor={cursor}"),
    )
    .await;
    assert_eq!(positions(&s.data), (26..=50).collect::<Vec<_>>());
    assert_eq!(ids(&s.data)[0], 40_000_026);
    assert!(s.next_cursor.is_some());
}

#[tokio::test]
async fn a_page_without_the_asked_window_falls_back_to_the_chart_api() {
    let server = MockServer::start().await;
    // The page only ever holds the first 20 tracks.
    Mock::given(path("/genre/-/6/top-100"))
        .respond_with(html(chart_page(Some(6), 20, 1, 20, 100, "page-token")))
        .expect(1)
        .mount(&server)
        .await;
    let mut api_page = json!({"next": "api-internal.beatportprod.com/v4/catalog/genres/6/top/100/?page=3&per_page=20", "count": 100, "page": 2, "per_page": 20});
    let (_, next, _) = super::split_page(&chart_page(Some(6), 20, 2, 20, 100, "x"));
    let queries = next["props"]["pageProps"]["dehydratedState"]["queries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let chart = queries
        .iter()
        .find(|q| {
            q["queryKey"][0]
                .as_str()
                .is_some_and(|k| k.contains("top-100-tracks"))
        })
        .cloned()
        .unwrap_or_default();
    api_page["results"] = chart["state"]["data"]["results"].clone();
    Mock::given(path("/v4/catalog/genres/6/top/100/"))
        .and(header("host", "api.beatport.com"))
        .and(header("authorization", "Bearer page-token"))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "20"))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_page))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let cursor = second_page_cursor(20).await;
    let s = ok(
        &engine,
        "top100",
        &format!("genre_id=6&limit=20&cursor={cursor}"),
    )
    .await;
    assert_eq!(positions(&s.data), (21..=40).collect::<Vec<_>>());
    assert_eq!(ids(&s.data)[0], 40_000_021);
}

#[tokio::test]
async fn the_overall_chart_and_genre_urls() {
    let server = MockServer::start().await;
    Mock::given(path("/top-100"))
        .respond_with(html(chart_page(None, 100, 1, 100, 100, "t1")))
        .mount(&server)
        .await;
    Mock::given(path("/genre/-/12/top-100"))
        .respond_with(html(chart_page(Some(12), 100, 1, 100, 100, "t1")))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let s = ok(&engine, "top100", "limit=100").await;
    assert_eq!(s.data.as_array().map(Vec::len), Some(100));
    let s = ok(
        &engine,
        "top100",
        "genre_id=https://www.beatport.com/genre/deep-house/12/top-100&limit=5",
    )
    .await;
    assert_eq!(positions(&s.data), [1, 2, 3, 4, 5]);
    // The default limit is 100: the whole chart.
    let s = ok(&engine, "top100", "genre_id=12").await;
    assert_eq!(positions(&s.data), (1..=100).collect::<Vec<_>>());
    assert_eq!(s.next_cursor, None);
}

#[tokio::test]
async fn failures() {
    let server = MockServer::start().await;
    Mock::given(path("/genre/-/999/top-100"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>not found</html>"))
        .mount(&server)
        .await;
    Mock::given(path("/genre/-/7/top-100"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("content-type", "text/html")
                .set_body_string(fixture("challenge.html")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/genre/-/8/top-100"))
        .respond_with(html(fixture("challenge.html")))
        .mount(&server)
        .await;
    Mock::given(path("/genre/-/9/top-100"))
        .respond_with(html("<html><body>maintenance</body></html>".into()))
        .mount(&server)
        .await;
    let engine = engine(&server);
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=999").await),
        (ErrorCode::NotFound, None)
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=7").await).0,
        ErrorCode::Blocked
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=8").await).0,
        ErrorCode::Blocked
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=9").await).0,
        ErrorCode::UpstreamChanged
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=techno").await),
        (ErrorCode::InvalidParams, Some("genre_id"))
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=0").await),
        (ErrorCode::InvalidParams, Some("genre_id"))
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=https://evil.example/genre/x/6").await),
        (ErrorCode::InvalidParams, Some("genre_id"))
    );
    assert_eq!(
        code(&fails(&engine, "top100", "limit=101").await),
        (ErrorCode::InvalidParams, Some("limit"))
    );
    assert_eq!(
        code(&fails(&engine, "top100", "genre_id=6&cursor=garbage").await),
        (ErrorCode::InvalidParams, Some("cursor"))
    );
    let cursor = second_page_cursor(25).await;
    assert_eq!(
        code(
            &fails(
                &engine,
                "top100",
                &format!("genre_id=6&limit=10&cursor={cursor}")
            )
            .await
        ),
        (ErrorCode::InvalidParams, Some("limit")),
        "25 items in, pages of 10 cannot continue"
    );
    let other = fails(&engine, "top100", &format!("genre_id=7&cursor={cursor}")).await;
    assert_eq!(code(&other), (ErrorCode::InvalidParams, Some("cursor")));
    assert!(
        other.error.to_string().contains("another listing"),
        "a cursor of genre 6 does not page genre 7: {}",
        other.error
    );
    let asked: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        asked.len(),
        4,
        "invalid parameters are refused before any request: {asked:?}"
    );
}

#[tokio::test]
async fn another_limit_continues_where_the_cursor_points() {
    let server = MockServer::start().await;
    Mock::given(path("/genre/-/6/top-100"))
        .respond_with(html(chart_page(Some(6), 100, 1, 100, 100, "t1")))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let first = ok(&engine, "top100", "genre_id=6&limit=20").await;
    let cursor = first.next_cursor.unwrap_or_default();
    let second = ok(
        &engine,
        "top100",
        &format!("genre_id=6&limit=5&cursor={cursor}"),
    )
    .await;
    assert_eq!(positions(&second.data), [21, 22, 23, 24, 25]);
    let third = ok(
        &engine,
        "top100",
        &format!(
            "genre_id=6&limit=5&cursor={}",
            second.next_cursor.unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(positions(&third.data), [26, 27, 28, 29, 30]);
}
