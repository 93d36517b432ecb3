//! The upstream calls — web_profile_info, the GraphQL user timeline, the REST user feed — with
//! the web client's headers and our cookies, and what an answer that is not the data means: a
//! [`Failure`], which keeps how sure we are of it so that `posts` can report the most telling
//! one when every source failed.

use scraper_core::{Cx, ErrorCode, FetchError, Request, Response, ScrapeError};
use url::Url;

use crate::input::Handle;
use crate::parse::PostPage;
use crate::parse::feed::parse_feed_page;
use crate::parse::profile::{ProfileInfo, parse_web_profile_info};
use crate::parse::refusal::classify;
use crate::parse::timeline::parse_timeline_page;
use crate::request::{
    FEED_PAGE_SIZE, GRAPHQL_URL, api_headers, feed_url, timeline_pairs, web_profile_info_url,
};
use crate::session::Instagram;

/// How sure a failure is, which decides what `posts` does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Certainty {
    /// Settled for every source: nothing else is tried (the account does not exist or is
    /// private, the deadline passed).
    Final,
    /// Read from the answer's content (a `require_login`, a checkpoint, a rate-limit message,
    /// HTTP 429, a changed shape).
    Content,
    /// Only a status or a transport failure says it (a bare 403, 404, 5xx).
    Status,
}

/// Why one upstream call gave no data.
#[derive(Debug)]
pub(crate) struct Failure {
    /// What it means.
    pub(crate) error: ScrapeError,
    /// How sure that is.
    pub(crate) certainty: Certainty,
}

impl Failure {
    pub(crate) fn new(error: ScrapeError, certainty: Certainty) -> Self {
        Self { error, certainty }
    }

    /// How telling this failure is when every source failed; lower wins. An account that is
    /// private, a login wall, a rate limit and a block say what to do; a bare status says
    /// little; a changed shape says least (the order: `login_required` before
    /// `rate_limited` before `upstream_changed`).
    pub(crate) fn rank(&self) -> u8 {
        let by_status = self.certainty == Certainty::Status;
        match self.error.code() {
            ErrorCode::Private => 0,
            ErrorCode::LoginRequired if !by_status => 1,
            ErrorCode::RateLimited => 2,
            ErrorCode::Blocked if !by_status => 3,
            ErrorCode::NotFound if !by_status => 4,
            ErrorCode::LoginRequired => 5,
            ErrorCode::NotFound => 6,
            ErrorCode::Blocked => 7,
            ErrorCode::UpstreamUnavailable => 8,
            ErrorCode::UpstreamChanged => 9,
            _ => 10,
        }
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        let certainty = match &e {
            FetchError::Timeout { .. } | FetchError::Invalid(_) => Certainty::Final,
            FetchError::Status { status: 429, .. } | FetchError::Challenge { .. } => {
                Certainty::Content
            }
            _ => Certainty::Status,
        };
        Self::new(e.into(), certainty)
    }
}

/// One scrape's view of Instagram for one account.
pub(crate) struct Api<'a> {
    cx: &'a Cx<Instagram>,
    user: &'a Handle,
}

impl<'a> Api<'a> {
    pub(crate) fn new(cx: &'a Cx<Instagram>, user: &'a Handle) -> Self {
        Self { cx, user }
    }

    /// The state of the site.
    pub(crate) fn state(&self) -> &Instagram {
        self.cx.state()
    }

    /// Whether the request's deadline leaves at least `time`.
    pub(crate) fn has_time(&self, time: std::time::Duration) -> bool {
        self.cx.remaining() >= time
    }

    /// `GET web_profile_info`: the profile and its first posts. `data.user: null` is final.
    pub(crate) async fn profile_info(&self) -> Result<ProfileInfo, Failure> {
        let url = web_profile_info_url(self.user);
        let what = "instagram's web_profile_info";
        let response = self.send(Request::get(&url)).await?;
        self.read(&response, &url, what, parse_web_profile_info)
            .map_err(|f| match f.error.code() {
                // The account named does not exist: no other source will find it.
                ErrorCode::NotFound if response.is_success() => {
                    Failure::new(f.error, Certainty::Final)
                }
                _ => f,
            })
    }

    /// `POST /api/graphql`, the user timeline: a first page, or the page after `after`.
    pub(crate) async fn timeline(&self, after: Option<&str>) -> Result<PostPage, Failure> {
        let state = self.state();
        let doc_id = match after {
            None => &state.timeline_doc_id,
            Some(_) => &state.timeline_page_doc_id,
        };
        let request = Request::post(GRAPHQL_URL)
            .form(&timeline_pairs(doc_id, self.user, after))
            .header("origin", "https://www.instagram.com");
        let response = self.send(request).await?;
        self.read(
            &response,
            GRAPHQL_URL,
            "instagram's user timeline",
            parse_timeline_page,
        )
    }

    /// `GET /api/v1/feed/user/<user>/username/`: a first page, or the page after `max_id`.
    pub(crate) async fn feed(&self, max_id: Option<&str>) -> Result<PostPage, Failure> {
        let url = feed_url(self.user, FEED_PAGE_SIZE, max_id);
        let response = self.send(Request::get(&url)).await?;
        self.read(&response, &url, "instagram's user feed", parse_feed_page)
    }

    /// Sends `request` with the web client's headers and, to Instagram's hosts only, our cookies.
    async fn send(&self, request: Request) -> Result<Response, Failure> {
        let state = self.state();
        let mut request = request;
        for (name, value) in api_headers(&state.app_id, self.user) {
            request = request.header(name, value);
        }
        request = request.header("x-csrftoken", state.csrftoken());
        if let Some(cookie) = request.url().and_then(|url| state.cookie_for(url)) {
            request = request.header("cookie", cookie);
        }
        Ok(self.cx.fetch(request).await?)
    }

    /// The data of `response` by `parse`, or what its refusal means.
    fn read<T>(
        &self,
        response: &Response,
        requested: &str,
        what: &str,
        parse: fn(&str) -> Result<T, ScrapeError>,
    ) -> Result<T, Failure> {
        let body = response.text();
        // Redirects within Instagram were followed: where they ended may be its login page.
        let redirected = Url::parse(requested)
            .ok()
            .filter(|asked| asked != response.url())
            .map(|_| response.url().as_str());
        let outcome = if let Some(refusal) =
            redirected.and_then(|location| classify(200, Some(location), &body))
        {
            Err(Failure::new(refusal, Certainty::Content))
        } else if response.is_success() {
            parse(&body).map_err(|e| Failure::new(e, Certainty::Content))
        } else if let Some(refusal) = classify(200, redirected, &body) {
            Err(Failure::new(refusal, Certainty::Content))
        } else {
            let status = response.status();
            let error =
                classify(status, redirected, &body).unwrap_or_else(|| by_status(status, what));
            Err(Failure::new(error, Certainty::Status))
        };
        outcome.map_err(|f| self.explained(f, response))
    }

    /// `failure` with what the response adds: its `Retry-After`, and that a configured session
    /// did not help against a login wall.
    fn explained(&self, failure: Failure, response: &Response) -> Failure {
        let error = match failure.error.or_retry_after(response.retry_after()) {
            ScrapeError::LoginRequired(detail) if self.state().has_session() => {
                ScrapeError::LoginRequired(format!(
                    "{detail}; the configured session ({}) was not accepted: it may have expired or been logged out",
                    crate::SITE.setting_env_var("sessionid")
                ))
            }
            other => other,
        };
        Failure::new(error, failure.certainty)
    }
}

/// What a refusal status means when nothing in the answer says more.
fn by_status(status: u16, what: &str) -> ScrapeError {
    match status {
        403 => ScrapeError::blocked(format!("instagram refused {what} (HTTP 403)")),
        500..=599 => ScrapeError::UpstreamUnavailable {
            detail: format!("instagram answered HTTP {status} to {what}"),
            retry_after: None,
        },
        _ => ScrapeError::changed(format!("instagram answered HTTP {status} to {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_what_a_failure_tells() {
        let f = |e: ScrapeError, c: Certainty| Failure::new(e, c);
        let login = f(ScrapeError::LoginRequired("x".into()), Certainty::Content);
        let limited = f(
            ScrapeError::RateLimited {
                detail: "x".into(),
                retry_after: None,
            },
            Certainty::Content,
        );
        let changed = f(ScrapeError::changed("x"), Certainty::Content);
        let bare_404 = f(ScrapeError::not_found("x"), Certainty::Status);
        let bare_403 = f(ScrapeError::blocked("x"), Certainty::Status);
        let checkpoint = f(ScrapeError::blocked("x"), Certainty::Content);
        assert!(login.rank() < limited.rank());
        assert!(limited.rank() < changed.rank());
        assert!(limited.rank() < checkpoint.rank());
        assert!(checkpoint.rank() < bare_404.rank());
        assert!(bare_404.rank() < bare_403.rank());
        assert!(bare_403.rank() < changed.rank());
    }

    #[test]
    fn statuses_alone() {
        assert_eq!(by_status(403, "x").code(), ErrorCode::Blocked);
        assert_eq!(by_status(400, "x").code(), ErrorCode::UpstreamChanged);
        assert_eq!(by_status(500, "x").code(), ErrorCode::UpstreamUnavailable);
        assert_eq!(
            by_status(400, "instagram's user feed").to_string(),
            "instagram answered HTTP 400 to instagram's user feed"
        );
    }
}
