//! What a site's upstream may be sent: a rate limit in requests per second (governor's GCRA; a
//! request waits for its cell, and the wait counts against the scrape's deadline), and a retry
//! budget (Finagle's and Envoy's idea) so that retries stay a fraction of the requests across a
//! burst instead of multiplying them by the attempt count.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

/// A site's limit on requests per second.
#[derive(Debug)]
pub struct RateLimit {
    per_second: f64,
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
}

/// The wait for a cell would pass the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLate;

impl RateLimit {
    /// At most `per_second` requests per second (fractions allowed: 0.5 is one every two
    /// seconds), in bursts of at most `max(1, per_second)`. `None` for a rate that is not a
    /// positive finite number.
    pub fn new(per_second: f64) -> Option<Self> {
        if !(per_second.is_finite() && per_second > 0.0) {
            return None;
        }
        let period = Duration::from_secs_f64(1.0 / per_second);
        // At least 1; float to int casts saturate.
        let burst = NonZeroU32::new((per_second.floor() as u32).max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(period)?.allow_burst(burst);
        let clock = DefaultClock::default();
        Some(Self {
            per_second,
            limiter: RateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
        })
    }

    /// The rate, in requests per second.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// Waits for leave to send one request; [`TooLate`] at once when that wait would pass
    /// `deadline`. Answers how long it waited.
    pub async fn until_ready(&self, deadline: Instant) -> Result<Duration, TooLate> {
        let started = Instant::now();
        loop {
            let Err(not_until) = self.limiter.check() else {
                return Ok(started.elapsed());
            };
            let wait = not_until.wait_time_from(self.clock.now());
            if Instant::now() + wait >= deadline {
                return Err(TooLate);
            }
            tokio::time::sleep(wait).await;
        }
    }
}

/// How many retries a site may spend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryBudgetSettings {
    /// Retries allowed per first attempt, as a fraction (0.2: one retry per five requests).
    pub ratio: f64,
    /// Retries allowed per second whatever the traffic, so that a quiet site can still retry.
    pub per_second: f64,
    /// Most retries that can be saved up.
    pub max_saved: f64,
}

impl Default for RetryBudgetSettings {
    fn default() -> Self {
        Self {
            ratio: 0.2,
            per_second: 1.0,
            max_saved: 10.0,
        }
    }
}

/// A site's retry budget: first attempts and time deposit into it, each retry withdraws one.
#[derive(Debug)]
pub struct RetryBudget {
    settings: RetryBudgetSettings,
    state: Mutex<Balance>,
}

#[derive(Debug)]
struct Balance {
    tokens: f64,
    refilled: Instant,
}

impl RetryBudget {
    /// A full budget.
    pub fn new(settings: RetryBudgetSettings) -> Self {
        Self {
            settings,
            state: Mutex::new(Balance {
                tokens: settings.max_saved,
                refilled: Instant::now(),
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut f64) -> T) -> T {
        let mut balance = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let elapsed = now.duration_since(balance.refilled).as_secs_f64();
        balance.refilled = now;
        balance.tokens = (balance.tokens + elapsed * self.settings.per_second)
            .min(self.settings.max_saved.max(1.0));
        f(&mut balance.tokens)
    }

    /// A first attempt was sent: it earns its share of a retry.
    pub fn deposit(&self) {
        let (ratio, cap) = (self.settings.ratio, self.settings.max_saved.max(1.0));
        self.with(|tokens| *tokens = (*tokens + ratio).min(cap));
    }

    /// Whether a retry may be sent now (and spends it when so).
    pub fn try_retry(&self) -> bool {
        self.with(|tokens| {
            if *tokens >= 1.0 {
                *tokens -= 1.0;
                true
            } else {
                false
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_beyond_the_burst_wait_their_cell() {
        let limit = RateLimit::new(20.0).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let started = Instant::now();
        for _ in 0..25 {
            limit.until_ready(deadline).await.unwrap();
        }
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(200) && took < Duration::from_secs(2),
            "20 at once, then 5 more at 50 ms each: {took:?}"
        );
    }

    #[tokio::test]
    async fn a_wait_past_the_deadline_fails_at_once() {
        let limit = RateLimit::new(0.1).unwrap();
        let deadline = Instant::now() + Duration::from_secs(2);
        limit.until_ready(deadline).await.unwrap();
        let started = Instant::now();
        assert_eq!(limit.until_ready(deadline).await, Err(TooLate));
        assert!(started.elapsed() < Duration::from_millis(100));
    }

    #[test]
    fn nonsense_rates_are_none() {
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(RateLimit::new(rate).is_none(), "{rate}");
        }
        assert!((RateLimit::new(2.5).unwrap().per_second() - 2.5).abs() < f64::EPSILON);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_stay_a_fraction_of_requests() {
        let budget = RetryBudget::new(RetryBudgetSettings {
            ratio: 0.2,
            per_second: 0.0,
            max_saved: 10.0,
        });
        let mut retries = 0;
        for _ in 0..100 {
            budget.deposit();
            // Every request fails and wants two retries.
            retries += usize::from(budget.try_retry());
            retries += usize::from(budget.try_retry());
        }
        assert!(
            (25..=32).contains(&retries),
            "10 saved + 20 % of 100 requests, not 200: {retries}"
        );
        let quiet = RetryBudget::new(RetryBudgetSettings {
            ratio: 0.0,
            per_second: 1.0,
            max_saved: 2.0,
        });
        assert!(quiet.try_retry() && quiet.try_retry() && !quiet.try_retry());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(quiet.try_retry(), "time refills a quiet site's budget");
    }
}
