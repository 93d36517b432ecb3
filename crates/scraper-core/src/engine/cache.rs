//! The answer cache: serialised answers (never trees) under a canonical key, each with its
//! action's TTL, weighed by their bytes.

use std::sync::Arc;
use std::time::Duration;

use moka::Expiry;
use moka::future::Cache;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One cached answer.
#[derive(Debug)]
pub(crate) struct Cached {
    pub(crate) data: Arc<RawValue>,
    pub(crate) next_cursor: Option<String>,
    pub(crate) extra: Arc<Map<String, Value>>,
    pub(crate) fetched_at: Arc<str>,
    pub(crate) ttl: Duration,
}

impl Cached {
    fn weight(&self, key: &str) -> u32 {
        let bytes = self.data.get().len()
            + key.len()
            + self.next_cursor.as_ref().map_or(0, String::len)
            + 64;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

struct PerEntryTtl;

impl Expiry<String, Arc<Cached>> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _: &String,
        value: &Arc<Cached>,
        _: std::time::Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// The cache of answers, bounded in bytes.
#[derive(Clone)]
pub(crate) struct AnswerCache(Cache<String, Arc<Cached>>);

impl AnswerCache {
    /// A cache holding at most `max_bytes` of answers.
    pub(crate) fn new(max_bytes: u64) -> Self {
        Self(
            Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, value: &Arc<Cached>| value.weight(key))
                .expire_after(PerEntryTtl)
                .build(),
        )
    }

    pub(crate) async fn get(&self, key: &str) -> Option<Arc<Cached>> {
        self.0.get(key).await
    }

    pub(crate) async fn insert(&self, key: String, value: Cached) {
        self.0.insert(key, Arc::new(value)).await;
    }
}
