//! What the engine answers: a [`Success`] or a [`Failure`]. A success is written once, as
//! bytes, into an [`Envelope`] that every request it answers shares — the requests that waited
//! for the same scrape and, from the cache, every later hit. The envelope is laid out so that
//! what differs between them (`meta.cached`, `attempts`, `upstream_requests`, and a list's
//! `next_url`, which carries the client's base URL) sits after `data`: `data` is never written
//! twice, a hit with no `next_url` to add is the stored bytes as they are, and the gzip made
//! once at insert is finished per request with a few uncompressed bytes.

use std::io;
use std::ops::Range;
use std::sync::Arc;

use bytes::{BufMut as _, Bytes, BytesMut};
use bytestring::ByteString;
use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::action::{ActionDescription, ActionKind};
use crate::error::ScrapeError;
use crate::params::{RawParams, Validated};
use crate::site::SiteDescription;

/// One scrape asked for.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// The site slug from the request.
    pub site: String,
    /// The action name from the request.
    pub action: String,
    /// The parameters as sent.
    pub params: RawParams,
    /// The request's id, for logs.
    pub request_id: String,
    /// Skip the cache (the client sent `Cache-Control: no-cache`).
    pub bypass_cache: bool,
}

/// `meta` of a successful answer.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The site slug.
    pub site: &'static str,
    /// The action name.
    pub action: &'static str,
    /// Whether the answer came from the cache.
    pub cached: bool,
    /// When the data was fetched upstream (RFC 3339, UTC).
    pub fetched_at: Arc<str>,
    /// The most attempts any one upstream request needed (1 = no retry; 0 when cached).
    pub attempts: u32,
    /// Upstream requests sent for this answer, retries included (0 when cached).
    pub upstream_requests: u32,
    /// Site-specific members (`total_results`, ...).
    #[serde(flatten)]
    pub extra: Arc<Map<String, Value>>,
}

/// `data` of an answer: its JSON text, borrowed from the answer's bytes.
#[derive(Clone)]
pub struct Data(ByteString);

impl Data {
    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 200;
        let text: &str = &self.0;
        match text.char_indices().nth(SHOWN) {
            Some((cut, _)) => write!(f, "Data({}... {} bytes)", &text[..cut], text.len()),
            None => write!(f, "Data({text})"),
        }
    }
}

/// A successful scrape.
#[derive(Debug, Clone)]
pub struct Success {
    /// The site's description.
    pub site: &'static SiteDescription,
    /// The action's description.
    pub action: &'static ActionDescription,
    /// The validated parameters (to build `next_url`).
    pub params: Validated,
    /// The record or the list, as JSON.
    pub data: Data,
    /// The next page's cursor (list actions).
    pub next_cursor: Option<String>,
    /// `meta`.
    pub meta: Meta,
    pub(crate) envelope: Arc<Envelope>,
}

impl Success {
    /// The response body of the public API; `next_url` is the absolute URL of the next page.
    pub fn body(&self, next_url: Option<&str>) -> Bytes {
        self.envelope.body(self.meta.cached, next_url)
    }

    /// The same body gzip-compressed (`Content-Encoding: gzip`), when the answer is one the
    /// cache keeps: compressed once, at insert.
    pub fn gzip_body(&self, next_url: Option<&str>) -> Option<Bytes> {
        self.envelope.gzip(self.meta.cached, next_url)
    }

    /// [`Self::body`] as a vector.
    pub fn to_body(&self, next_url: Option<&str>) -> Vec<u8> {
        self.body(next_url).to_vec()
    }

    /// The envelope as a JSON value (for the CLI and MCP, which need a tree).
    pub fn to_value(&self, next_url: Option<&str>) -> Value {
        serde_json::from_slice(&self.body(next_url)).unwrap_or(Value::Null)
    }
}

/// A failed scrape, with what is known of where it failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Why.
    pub error: ScrapeError,
    /// The site, as asked.
    pub site: Option<String>,
    /// The action, as asked.
    pub action: Option<String>,
    /// The most attempts any one upstream request needed.
    pub attempts: u32,
}

/// A gzip member of the envelope: everything up to `next_url` compressed and flushed to a byte
/// boundary, then (for a whole body) a final stored block of the tail and the trailer.
#[derive(Debug)]
struct Gzip {
    /// The gzip header and the compressed head, sync-flushed; or the whole gzip member of the
    /// cached body when it needs nothing added.
    bytes: Bytes,
    /// Where the compressed head ends in `bytes`.
    head_end: usize,
    /// CRC-32 and length of the uncompressed head.
    crc: Crc,
}

/// An answer written once.
#[derive(Debug)]
pub(crate) struct Envelope {
    /// `{"data":<data>`, then for a list `,"next_cursor":<cursor>` and, without a next page,
    /// `,"next_url":null`; followed by `cached_tail` when `whole` (the hit is these bytes).
    bytes: ByteString,
    /// Where the head ends (`next_url` or `meta` comes next).
    head_end: usize,
    /// Where `data` is.
    data: Range<usize>,
    /// Whether `next_url` is written per request (a list with a next page).
    has_next: bool,
    /// Whether `bytes` ends with `cached_tail`.
    whole: bool,
    /// `,"meta":{...}}` of the scrape's own answer.
    fresh_tail: Bytes,
    /// `,"meta":{...}}` of a cache hit.
    cached_tail: Bytes,
    gzip: Option<Gzip>,
}

impl Envelope {
    /// Writes `data` and the rest of the envelope. `compress` when the cache will keep it: the
    /// body gets its gzip variant now, once.
    pub(crate) fn new(
        kind: ActionKind,
        data: &str,
        next_cursor: Option<&str>,
        fresh: &Meta,
        cached: &Meta,
        compress: bool,
    ) -> Self {
        let has_next = kind == ActionKind::List && next_cursor.is_some();
        let fresh_tail = tail(fresh);
        let cached_tail = tail(cached);
        let mut text = String::with_capacity(data.len() + 128 + cached_tail.len());
        text.push_str("{\"data\":");
        let start = text.len();
        text.push_str(data);
        let data_range = start..text.len();
        if kind == ActionKind::List {
            text.push_str(",\"next_cursor\":");
            push_json_string(&mut text, next_cursor);
            if !has_next {
                text.push_str(",\"next_url\":null");
            }
        }
        let head_end = text.len();
        let whole = compress && !has_next;
        if whole {
            // Only UTF-8 JSON is written into the tails.
            text.push_str(std::str::from_utf8(&cached_tail).unwrap_or_default());
        }
        let bytes = ByteString::from(text);
        let gzip = compress
            .then(|| {
                gzip_member(
                    bytes.as_bytes(),
                    head_end,
                    whole.then_some(&cached_tail[..]),
                )
            })
            .and_then(Result::ok);
        Self {
            bytes,
            head_end,
            data: data_range,
            has_next,
            whole,
            fresh_tail,
            cached_tail,
            gzip,
        }
    }

    /// `data`, borrowed.
    pub(crate) fn data(&self) -> Data {
        Data(self.bytes.slice_ref(&self.bytes[self.data.clone()]))
    }

    /// The bytes the cache is charged for.
    pub(crate) fn weight(&self) -> usize {
        self.bytes.len()
            + self.fresh_tail.len()
            + self.cached_tail.len()
            + self.gzip.as_ref().map_or(0, |g| g.bytes.len())
            + 256
    }

    fn head(&self) -> &[u8] {
        &self.bytes.as_bytes()[..self.head_end]
    }

    /// What follows the head for one request: `next_url` (a list with a next page) and `meta`.
    fn rest(&self, cached: bool, next_url: Option<&str>) -> Vec<u8> {
        let tail = if cached {
            &self.cached_tail
        } else {
            &self.fresh_tail
        };
        let mut rest = Vec::with_capacity(tail.len() + 64);
        if self.has_next {
            let mut url = String::with_capacity(next_url.map_or(4, str::len) + 16);
            url.push_str(",\"next_url\":");
            push_json_string(&mut url, next_url);
            rest.extend_from_slice(url.as_bytes());
        }
        rest.extend_from_slice(tail);
        rest
    }

    /// The body for one request.
    pub(crate) fn body(&self, cached: bool, next_url: Option<&str>) -> Bytes {
        if cached && self.whole {
            return self.bytes.as_bytes().clone();
        }
        let rest = self.rest(cached, next_url);
        let mut out = BytesMut::with_capacity(self.head_end + rest.len());
        out.put_slice(self.head());
        out.put_slice(&rest);
        out.freeze()
    }

    /// The gzip body for one request, when the envelope has one.
    pub(crate) fn gzip(&self, cached: bool, next_url: Option<&str>) -> Option<Bytes> {
        let gzip = self.gzip.as_ref()?;
        if cached && self.whole {
            return Some(gzip.bytes.clone());
        }
        let rest = self.rest(cached, next_url);
        let mut out = BytesMut::with_capacity(gzip.head_end + rest.len() + 32);
        out.put_slice(&gzip.bytes[..gzip.head_end]);
        finish_member(&mut out, &gzip.crc, &rest);
        Some(out.freeze())
    }
}

/// `,"meta":{...}}`.
fn tail(meta: &Meta) -> Bytes {
    let mut out = b",\"meta\":".to_vec();
    // A struct of strings, numbers and a JSON map: this cannot fail.
    let _ = serde_json::to_writer(&mut out, meta);
    out.push(b'}');
    Bytes::from(out)
}

fn push_json_string(out: &mut String, value: Option<&str>) {
    match value.and_then(|v| serde_json::to_string(v).ok()) {
        Some(json) => out.push_str(&json),
        None => out.push_str("null"),
    }
}

/// The 10-byte gzip header: deflate, no name, no time, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// A gzip member whose head (`body[..head_end]`) is compressed and sync-flushed, and which,
/// when `rest` is given, is finished with it.
fn gzip_member(body: &[u8], head_end: usize, rest: Option<&[u8]>) -> io::Result<Gzip> {
    let head = &body[..head_end];
    let mut compress = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(head.len() / 4 + 1024);
    out.extend_from_slice(&GZIP_HEADER);
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity() / 2 + 1024);
        }
        let consumed = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
        let status = compress
            .compress_vec(
                &head[consumed.min(head.len())..],
                &mut out,
                FlushCompress::Sync,
            )
            .map_err(io::Error::other)?;
        let all_in = usize::try_from(compress.total_in()).unwrap_or(usize::MAX) >= head.len();
        // Done once every byte went in and the flush did not fill the buffer.
        if (all_in && out.len() < out.capacity()) || status == Status::StreamEnd {
            break;
        }
    }
    let mut crc = Crc::new();
    crc.update(head);
    let head_end = out.len();
    let bytes = match rest {
        None => Bytes::from(out),
        Some(rest) => {
            let mut whole = BytesMut::from(&out[..]);
            finish_member(&mut whole, &crc, rest);
            whole.freeze()
        }
    };
    Ok(Gzip {
        bytes,
        head_end,
        crc,
    })
}

/// Appends `rest` as stored deflate blocks (the last one final) and the gzip trailer, the CRC
/// and length covering the head (`head_crc`) and `rest`.
fn finish_member(out: &mut BytesMut, head_crc: &Crc, rest: &[u8]) {
    const MAX_STORED: usize = 0xffff;
    let mut chunks = rest.chunks(MAX_STORED).peekable();
    if chunks.peek().is_none() {
        out.put_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.put_u8(u8::from(last));
        out.put_u16_le(len);
        out.put_u16_le(!len);
        out.put_slice(chunk);
    }
    let mut crc = Crc::new();
    crc.update(rest);
    let mut all = Crc::new();
    all.combine(head_crc);
    all.combine(&crc);
    out.put_u32_le(all.sum());
    out.put_u32_le(all.amount());
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn meta(cached: bool) -> Meta {
        let mut extra = Map::new();
        extra.insert("total_results".into(), Value::from(45));
        Meta {
            site: "s",
            action: "a",
            cached,
            fetched_at: "2026-01-02T03:04:05Z".into(),
            attempts: u32::from(!cached),
            upstream_requests: if cached { 0 } else { 2 },
            extra: Arc::new(extra),
        }
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    fn json(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn an_item_hit_is_the_stored_bytes() {
        let data = r#"{"id":1,"name":"Mot\u00f6rhead é"}"#;
        let e = Envelope::new(
            ActionKind::Item,
            data,
            None,
            &meta(false),
            &meta(true),
            true,
        );
        assert_eq!(e.data().get(), data);
        let hit = e.body(true, Some("ignored"));
        assert_eq!(hit.as_ptr(), e.bytes.as_bytes().as_ptr(), "no copy");
        assert_eq!(
            json(&hit),
            serde_json::json!({"data": {"id": 1, "name": "Motörhead é"},
                "meta": {"site": "s", "action": "a", "cached": true, "fetched_at": "2026-01-02T03:04:05Z",
                         "attempts": 0, "upstream_requests": 0, "total_results": 45}})
        );
        let fresh = json(&e.body(false, None));
        assert_eq!(fresh["meta"]["cached"], false);
        assert_eq!(fresh["meta"]["upstream_requests"], 2);
        assert_eq!(fresh["data"], json(&hit)["data"]);
        assert_eq!(gunzip(&e.gzip(true, None).unwrap()).as_bytes(), &hit[..]);
        assert_eq!(
            gunzip(&e.gzip(false, None).unwrap()).as_bytes(),
            &e.body(false, None)[..]
        );
    }

    #[test]
    fn a_list_writes_next_url_per_request() {
        let data = r#"[{"n":1},{"n":2}]"#;
        let e = Envelope::new(
            ActionKind::List,
            data,
            Some("c\"ur"),
            &meta(false),
            &meta(true),
            true,
        );
        for cached in [true, false] {
            for next_url in [Some("https://h/v1/s/a?cursor=x&q=\u{e9}"), None] {
                let body = e.body(cached, next_url);
                let value = json(&body);
                assert_eq!(value["next_cursor"], "c\"ur");
                assert_eq!(value["next_url"], serde_json::json!(next_url));
                assert_eq!(value["meta"]["cached"], cached);
                assert_eq!(
                    value.as_object().unwrap().keys().collect::<Vec<_>>(),
                    ["data", "next_cursor", "next_url", "meta"]
                );
                assert_eq!(
                    gunzip(&e.gzip(cached, next_url).unwrap()).as_bytes(),
                    &body[..]
                );
            }
        }
        let last = Envelope::new(
            ActionKind::List,
            data,
            None,
            &meta(false),
            &meta(true),
            false,
        );
        assert!(
            last.gzip(true, None).is_none(),
            "compressed only for the cache"
        );
        let value = json(&last.body(false, Some("ignored")));
        assert_eq!(value["next_cursor"], Value::Null);
        assert_eq!(value["next_url"], Value::Null);
    }

    #[test]
    fn large_bodies_compress_and_long_tails_split_into_blocks() {
        let data = serde_json::to_string(
            &(0..20_000)
                .map(|i| serde_json::json!({"i": i, "t": "x".repeat(i % 50)}))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let e = Envelope::new(
            ActionKind::List,
            &data,
            Some("c"),
            &meta(false),
            &meta(true),
            true,
        );
        let url = format!("https://h/{}", "y".repeat(200_000));
        let body = e.body(true, Some(&url));
        let gz = e.gzip(true, Some(&url)).unwrap();
        assert!(gz.len() < body.len() / 2, "{} of {}", gz.len(), body.len());
        assert_eq!(gunzip(&gz).as_bytes(), &body[..]);
        assert!(e.weight() > data.len());
    }
}
