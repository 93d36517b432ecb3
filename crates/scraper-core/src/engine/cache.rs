//! The answer cache: written answers (bytes, never trees) under a canonical key, each with its
//! action's TTL, weighed by their bytes; and `not_found` answers for the action's shorter
//! negative TTL.

use std::sync::Arc;
use std::time::Duration;

use moka::Expiry;
use moka::future::Cache;

use super::answer::{Envelope, Meta};
use crate::error::ScrapeError;

/// One cached answer.
#[derive(Debug)]
pub(crate) enum Cached {
    /// A success: its envelope and the `meta` of a hit.
    Answer {
        envelope: Arc<Envelope>,
        next_cursor: Option<String>,
        meta: Meta,
        ttl: Duration,
    },
    /// A `not_found`, remembered for the action's negative TTL.
    Failure { error: ScrapeError, ttl: Duration },
}

impl Cached {
    fn ttl(&self) -> Duration {
        match self {
            Self::Answer { ttl, .. } | Self::Failure { ttl, .. } => *ttl,
        }
    }

    fn weight(&self, key: &str) -> u32 {
        let bytes = key.len()
            + match self {
                Self::Answer {
                    envelope,
                    next_cursor,
                    ..
                } => envelope.weight() + next_cursor.as_ref().map_or(0, String::len),
                Self::Failure { error, .. } => error.to_string().len() + 64,
            };
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
        Some(value.ttl())
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
