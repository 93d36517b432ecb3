//! Single flight: concurrent requests for the same canonical question share one scrape, its
//! answer and its failure alike. A scrape runs as long as one of its requests waits for it: when
//! the last one goes (its client hung up), the scrape is dropped, its upstream requests with it.
//! A request sent with `Cache-Control: no-cache` starts a fresh scrape rather than join one that
//! began before it, and the no-cache requests after it share that one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures::FutureExt as _;
use futures::future::{BoxFuture, Shared, WeakShared};

use super::answer::{Envelope, Failure, Meta};

/// What a scrape came to: its written answer (with the `meta` of the requests that waited for
/// it and its next cursor) or its failure.
pub(crate) type Outcome = Result<Arc<Landed>, Failure>;

/// A successful scrape, as its requests receive it.
#[derive(Debug)]
pub(crate) struct Landed {
    pub(crate) envelope: Arc<Envelope>,
    pub(crate) next_cursor: Option<String>,
    pub(crate) meta: Meta,
}

/// A scrape the requests for one key share.
pub(crate) type Flight = Shared<BoxFuture<'static, Outcome>>;

struct Entry {
    id: u64,
    fresh: bool,
    flight: WeakShared<BoxFuture<'static, Outcome>>,
}

/// The scrapes in flight, by key.
#[derive(Default)]
pub(crate) struct Flights {
    map: Mutex<HashMap<String, Entry>>,
    next_id: AtomicU64,
}

/// Held by a running scrape: its entry leaves the map when the scrape ends or is dropped.
pub(crate) struct Boarding {
    flights: Arc<Flights>,
    key: String,
    id: u64,
}

impl Drop for Boarding {
    fn drop(&mut self) {
        let mut map = self
            .flights
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.get(&self.key).is_some_and(|e| e.id == self.id) {
            map.remove(&self.key);
        }
    }
}

impl Flights {
    /// The scrape in flight for `key`, joined (`true`), or the one `start` makes (`false`).
    /// A `fresh` request (no-cache) joins only a scrape that another fresh request started.
    pub(crate) fn join_or_start(
        self: &Arc<Self>,
        key: &str,
        fresh: bool,
        start: impl FnOnce(Boarding) -> BoxFuture<'static, Outcome>,
    ) -> (Flight, bool) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(entry) = map.get(key)
            && (entry.fresh || !fresh)
            && let Some(flight) = entry.flight.upgrade()
        {
            return (flight, true);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let boarding = Boarding {
            flights: Arc::clone(self),
            key: key.to_owned(),
            id,
        };
        let flight = start(boarding).shared();
        if let Some(weak) = flight.downgrade() {
            map.insert(
                key.to_owned(),
                Entry {
                    id,
                    fresh,
                    flight: weak,
                },
            );
        }
        (flight, false)
    }

    /// Scrapes in flight now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;
    use crate::error::ScrapeError;

    fn failing(
        runs: &Arc<AtomicUsize>,
        boarding: Boarding,
        ms: u64,
    ) -> BoxFuture<'static, Outcome> {
        let runs = runs.clone();
        async move {
            let _boarding = boarding;
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Err(Failure {
                error: ScrapeError::not_found("nothing"),
                site: None,
                action: None,
                attempts: 1,
            })
        }
        .boxed()
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_scrape_and_its_failure() {
        let flights = Arc::new(Flights::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut waiting = Vec::new();
        let mut joined = 0;
        for _ in 0..50 {
            let (flight, j) = flights.join_or_start("k", false, |b| failing(&runs, b, 50));
            joined += usize::from(j);
            waiting.push(flight);
        }
        assert_eq!(joined, 49);
        for outcome in futures::future::join_all(waiting).await {
            assert_eq!(
                outcome.unwrap_err().error.code(),
                crate::ErrorCode::NotFound
            );
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(flights.len(), 0, "the entry leaves with the scrape");
    }

    #[tokio::test]
    async fn no_cache_starts_fresh_and_shares_with_no_cache() {
        let flights = Arc::new(Flights::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let (a, _) = flights.join_or_start("k", false, |b| failing(&runs, b, 50));
        let (b, joined_b) = flights.join_or_start("k", true, |b| failing(&runs, b, 50));
        let (c, joined_c) = flights.join_or_start("k", true, |b| failing(&runs, b, 50));
        let (d, joined_d) = flights.join_or_start("k", false, |b| failing(&runs, b, 50));
        assert!(
            !joined_b,
            "no-cache does not join a scrape that began before it"
        );
        assert!(joined_c && joined_d, "later requests share the fresh one");
        let _ = futures::future::join4(a, b, c, d).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(flights.len(), 0);
    }

    #[tokio::test]
    async fn a_scrape_nobody_waits_for_is_dropped() {
        let flights = Arc::new(Flights::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let (a, _) = flights.join_or_start("k", false, |b| failing(&runs, b, 10_000));
        let (b, _) = flights.join_or_start("k", false, |b| failing(&runs, b, 10_000));
        // Both clients poll once, then hang up.
        let _ = futures::poll!(a.clone());
        drop(a);
        assert_eq!(flights.len(), 1, "one waiter left: the scrape goes on");
        drop(b);
        assert_eq!(flights.len(), 0, "the last waiter gone: dropped");
        let (_, joined) = flights.join_or_start("k", false, |b| failing(&runs, b, 1));
        assert!(!joined, "a new request starts anew");
    }
}
