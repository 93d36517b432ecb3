//! The retry schedule: tokio-retry's exponential backoff with full jitter, replaced by the
//! upstream's `Retry-After` when it gave one, and cut short when the next try would pass the
//! request's deadline.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tokio_retry::strategy::{ExponentialBackoff, jitter};

/// Why one attempt failed.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// Worth another try: connect errors, timeouts, 429, 5xx.
    Transient(Failure),
    /// Not worth another try.
    Permanent(super::FetchError),
}

/// A transient failure, kept to explain the final error when every attempt failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The upstream answered this status.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// No answer within the per-attempt timeout.
    Timeout,
    /// The connection failed.
    Connect(String),
}

impl std::fmt::Display for AttemptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Transient(Failure::Status { status, .. }) => write!(f, "HTTP {status}"),
            Self::Transient(Failure::Timeout) => f.write_str("timed out"),
            Self::Transient(Failure::Connect(e)) => f.write_str(e),
            Self::Permanent(e) => write!(f, "{e}"),
        }
    }
}

impl AttemptError {
    pub(crate) fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

/// Whether an upstream status is worth retrying: 429 and every 5xx (an upstream's 500 is its
/// failure, not a change of its format).
pub(crate) fn is_transient_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// The delays between attempts, as tokio-retry consumes them.
pub(crate) struct Schedule {
    backoff: std::iter::Map<ExponentialBackoff, fn(Duration) -> Duration>,
    retries_left: u32,
    deadline: Instant,
    retry_after: Arc<Mutex<Option<Duration>>>,
}

impl Schedule {
    /// At most `max_attempts` attempts in all, delays growing from `base` up to `max`.
    pub(crate) fn new(
        base: Duration,
        max: Duration,
        max_attempts: u32,
        deadline: Instant,
        retry_after: Arc<Mutex<Option<Duration>>>,
    ) -> Self {
        // ExponentialBackoff yields base^n milliseconds; factor scales it: base 2 × factor gives
        // 2f, 4f, 8f... so `factor = base / 2` starts at `base`.
        let factor = u64::try_from(base.as_millis() / 2)
            .unwrap_or(u64::MAX)
            .max(1);
        Self {
            backoff: ExponentialBackoff::from_millis(2)
                .factor(factor)
                .max_delay(max)
                .map(jitter as fn(Duration) -> Duration),
            retries_left: max_attempts.saturating_sub(1),
            deadline,
            retry_after,
        }
    }
}

impl Iterator for Schedule {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.retries_left == 0 {
            return None;
        }
        self.retries_left -= 1;
        let told = self
            .retry_after
            .lock()
            .ok()
            .and_then(|mut hint| hint.take());
        let delay = match told {
            Some(delay) => delay,
            None => self.backoff.next()?,
        };
        // Waiting past the deadline only to fail there helps nobody: stop now. A delay too large
        // to add to the clock (a remote `Retry-After: 18446744073709551615`) is past it too.
        if Instant::now()
            .checked_add(delay)
            .is_none_or(|at| at >= self.deadline)
        {
            return None;
        }
        Some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(
        max_attempts: u32,
        deadline_in: Duration,
    ) -> (Schedule, Arc<Mutex<Option<Duration>>>) {
        let hint = Arc::new(Mutex::new(None));
        let s = Schedule::new(
            Duration::from_millis(200),
            Duration::from_secs(2),
            max_attempts,
            Instant::now() + deadline_in,
            hint.clone(),
        );
        (s, hint)
    }

    #[tokio::test]
    async fn full_jitter_within_exponential_bounds() {
        for _ in 0..50 {
            let (s, _) = schedule(5, Duration::from_secs(60));
            let delays: Vec<_> = s.collect();
            assert_eq!(delays.len(), 4, "5 attempts means 4 waits");
            for (i, d) in delays.iter().enumerate() {
                let cap = Duration::from_millis(200 * 2u64.pow(u32::try_from(i).unwrap()))
                    .min(Duration::from_secs(2));
                assert!(*d <= cap, "wait {i} was {d:?}, over {cap:?}");
            }
        }
    }

    #[tokio::test]
    async fn retry_after_replaces_the_backoff_once() {
        let (mut s, hint) = schedule(3, Duration::from_secs(60));
        *hint.lock().unwrap() = Some(Duration::from_secs(5));
        assert_eq!(s.next(), Some(Duration::from_secs(5)));
        assert!(s.next().unwrap() <= Duration::from_millis(400));
        assert_eq!(s.next(), None);
    }

    #[tokio::test]
    async fn an_absurd_retry_after_gives_up_instead_of_overflowing() {
        let (mut s, hint) = schedule(3, Duration::from_secs(60));
        *hint.lock().unwrap() = Some(Duration::from_secs(u64::MAX));
        assert_eq!(s.next(), None);
        assert!(is_transient_status(500) && is_transient_status(599) && is_transient_status(429));
        assert!(!is_transient_status(404) && !is_transient_status(403));
    }

    #[tokio::test]
    async fn never_waits_past_the_deadline() {
        let (mut s, hint) = schedule(3, Duration::from_secs(2));
        *hint.lock().unwrap() = Some(Duration::from_secs(30));
        assert_eq!(s.next(), None);
        let (s, _) = schedule(1, Duration::from_secs(60));
        assert_eq!(s.count(), 0);
    }
}
