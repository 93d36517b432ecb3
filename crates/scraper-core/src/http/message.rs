//! What a site asks the upstream client for (`Request`) and what it gets back (`Response`): one
//! body buffer, checked as UTF-8 once, which parsers borrow as `&str`.

use std::borrow::Cow;
use std::sync::OnceLock;

use bytes::Bytes;
use bytestring::ByteString;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::ScrapeError;

/// An upstream request, built by a site and sent with [`crate::Context::fetch`].
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) url: Result<Url, String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Bytes>,
    pub(crate) extra_hosts: Vec<String>,
    pub(crate) hand_back_foreign_redirects: bool,
}

impl Request {
    /// A request with `method` to `url` (an invalid URL fails when the request is sent).
    pub fn new(method: Method, url: impl AsRef<str>) -> Self {
        let url = url.as_ref();
        Self {
            method,
            url: Url::parse(url).map_err(|e| format!("invalid upstream URL {url:?}: {e}")),
            headers: Vec::new(),
            body: None,
            extra_hosts: Vec::new(),
            hand_back_foreign_redirects: false,
        }
    }

    /// A `GET` request.
    pub fn get(url: impl AsRef<str>) -> Self {
        Self::new(Method::GET, url)
    }

    /// A `POST` request.
    pub fn post(url: impl AsRef<str>) -> Self {
        Self::new(Method::POST, url)
    }

    /// A request for an already-parsed URL.
    pub fn get_url(url: Url) -> Self {
        Self {
            method: Method::GET,
            url: Ok(url),
            headers: Vec::new(),
            body: None,
            extra_hosts: Vec::new(),
            hand_back_foreign_redirects: false,
        }
    }

    /// Appends query pairs, percent-encoded.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        if let Ok(url) = &mut self.url {
            url.query_pairs_mut()
                .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())));
        }
        self
    }

    /// Sets a header, replacing the default of the same name.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A JSON body (and its content type).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes.into()),
            Err(e) => self.url = Err(format!("unserialisable JSON body: {e}")),
        }
        self.header("content-type", "application/json")
    }

    /// A form body (and its content type).
    pub fn form<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_urlencoded::to_string(body) {
            Ok(text) => self.body = Some(text.into()),
            Err(e) => self.url = Err(format!("unserialisable form body: {e}")),
        }
        self.header("content-type", "application/x-www-form-urlencoded")
    }

    /// Allows one host outside the site's list for this request and its redirects (a custom
    /// domain the site has vetted). The address rules still apply: it must resolve publicly.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.extra_hosts.push(host.into().to_ascii_lowercase());
        self
    }

    /// A redirect to a host the request may not contact is handed back as the 3xx response
    /// (with its `Location`) instead of failing as `upstream_changed`, for a site to vet the
    /// destination itself (Bandcamp sending an artist's subdomain to the artist's own domain).
    /// Nothing is sent to the foreign host.
    pub fn hand_back_foreign_redirects(mut self) -> Self {
        self.hand_back_foreign_redirects = true;
        self
    }

    /// The URL, when it is valid.
    pub fn url(&self) -> Option<&Url> {
        self.url.as_ref().ok()
    }
}

/// An upstream answer whose status the client did not treat as a failure by itself
/// (everything but exhausted retries, timeouts and bot challenges).
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) url: Url,
    pub(crate) body: Bytes,
    /// The body as text, made on first use: the same buffer when it is UTF-8.
    pub(crate) text: OnceLock<ByteString>,
}

impl Response {
    /// A response built by hand (tests, cached answers).
    pub fn new(status: u16, url: Url, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            url,
            body: body.into(),
            text: OnceLock::new(),
        }
    }

    /// The same response with a header set (tests).
    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(value) = reqwest::header::HeaderValue::from_str(value) {
            self.headers.insert(name, value);
        }
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header value, when present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The answer's `Retry-After` (seconds or an HTTP date), as a wait from now.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.header("retry-after")
            .and_then(|v| super::headers::parse_retry_after(v, std::time::SystemTime::now()))
    }

    /// The URL that answered (after redirects), as the site knows it.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The raw body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body as text, borrowed from the one buffer: checked as UTF-8 once (on first use);
    /// decoded from a charset the `Content-Type` declares; invalid UTF-8 replaced only when
    /// nothing else fits. Always `Cow::Borrowed`.
    pub fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(
            self.text
                .get_or_init(|| decode(&self.body, self.header("content-type"))),
        )
    }

    /// Whether the content type says HTML (or, without one, the body looks like markup).
    pub fn is_html(&self) -> bool {
        match self.header("content-type") {
            Some(ct) => ct.to_ascii_lowercase().contains("html"),
            None => self.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<'),
        }
    }

    /// The body parsed as JSON; a body of another shape is `upstream_changed`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ScrapeError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            ScrapeError::changed(format!(
                "{} answered JSON of an unexpected shape: {e}",
                self.url.host_str().unwrap_or("upstream")
            ))
        })
    }

    /// The usual meaning of a non-2xx status: 404/410 → `not_found`, 401/403 → `blocked`,
    /// anything else → `upstream_changed`. `what` names the entity ("SoundCloud user 'x'").
    pub fn error_for_status(&self, what: &str) -> Result<(), ScrapeError> {
        match self.status {
            200..=299 => Ok(()),
            404 | 410 => Err(ScrapeError::not_found(format!("{what} does not exist"))),
            401 | 403 => Err(ScrapeError::blocked(format!(
                "upstream refused access to {what} (HTTP {})",
                self.status
            ))),
            status => Err(ScrapeError::changed(format!(
                "upstream answered HTTP {status} for {what}"
            ))),
        }
    }
}

/// The charset a `Content-Type` declares, when it is one encoding_rs knows.
fn declared_charset(content_type: Option<&str>) -> Option<&'static encoding_rs::Encoding> {
    let (_, params) = content_type?.split_once(';')?;
    params.split(';').find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| encoding_rs::Encoding::for_label(value.trim().trim_matches('"').as_bytes()))
            .flatten()
    })
}

/// `body` as text: UTF-8 as it is (no copy), a declared legacy charset decoded, and invalid
/// UTF-8 replaced only as the last resort.
fn decode(body: &Bytes, content_type: Option<&str>) -> ByteString {
    if let Some(encoding) = declared_charset(content_type)
        && encoding != encoding_rs::UTF_8
    {
        let (text, _, _) = encoding.decode(body);
        if let Cow::Owned(text) = text {
            return ByteString::from(text);
        }
    }
    ByteString::try_from(body.clone())
        .unwrap_or_else(|_| ByteString::from(String::from_utf8_lossy(body).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &'static [u8], content_type: Option<&str>) -> Response {
        let url = Url::parse("https://example.test/").unwrap_or_else(|_| unreachable!());
        let r = Response::new(200, url, Bytes::from_static(body));
        match content_type {
            Some(ct) => r.with_header("content-type", ct),
            None => r,
        }
    }

    #[test]
    fn utf8_bodies_are_borrowed_from_the_one_buffer() {
        let r = response(
            "<p>Motörhead</p>".as_bytes(),
            Some("text/html; charset=UTF-8"),
        );
        let text = r.text();
        assert_eq!(text, "<p>Motörhead</p>");
        assert_eq!(text.as_ptr(), r.bytes().as_ptr(), "no copy of a UTF-8 body");
        assert_eq!(r.text().into_owned(), "<p>Motörhead</p>");
    }

    #[test]
    fn a_declared_charset_is_honoured() {
        let latin1 = response(
            b"<p>Mot\xf6rhead</p>",
            Some("text/html; charset=\"ISO-8859-1\""),
        );
        assert_eq!(latin1.text(), "<p>Motörhead</p>");
        assert_eq!(latin1.text().into_owned(), "<p>Motörhead</p>");
        let ascii = response(b"<p>plain</p>", Some("text/html;charset=windows-1252"));
        assert_eq!(ascii.text(), "<p>plain</p>");
    }

    #[test]
    fn invalid_utf8_without_a_charset_is_replaced() {
        let broken = response(b"ok \xff\xfe end", None);
        assert_eq!(broken.text(), "ok \u{fffd}\u{fffd} end");
        let unknown = response(b"ok \xff", Some("text/html; charset=klingon"));
        assert_eq!(unknown.text(), "ok \u{fffd}");
        assert_eq!(response(b"", None).text(), "");
    }
}
