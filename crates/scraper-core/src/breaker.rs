//! A circuit breaker per site: after a run of consecutive transient failures (5xx, connection
//! errors, timeouts — never a 404) the site's circuit opens for a cool-down during which requests
//! fail at once; then one probe is let through (half-open), whose outcome closes the circuit or
//! opens it again for a longer cool-down.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

/// When a breaker opens and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerSettings {
    /// Consecutive transient failures that open the circuit (0: never opens).
    pub failures: u32,
    /// The first cool-down; each failed probe doubles it, up to eight times this.
    pub cooldown: Duration,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        Self {
            failures: 5,
            cooldown: Duration::from_secs(30),
        }
    }
}

/// How an upstream attempt went, as the breaker counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The upstream answered (any status but 5xx): the site is up.
    Up,
    /// A 5xx, a connection failure or a timeout.
    Down,
    /// Says nothing of the site's health (a 429, a challenge, an attempt abandoned).
    Neutral,
}

/// The state of a circuit, as `/ready` and `/v1/sites` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    /// Requests flow.
    Closed,
    /// Requests fail at once until the cool-down ends.
    Open,
    /// The cool-down ended: one probe may go; the others fail at once until it is back.
    HalfOpen,
}

impl CircuitState {
    /// `closed`, `open` or `half_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }

    /// 0 closed, 1 half-open, 2 open (the metrics gauge).
    pub fn level(self) -> i64 {
        match self {
            Self::Closed => 0,
            Self::HalfOpen => 1,
            Self::Open => 2,
        }
    }
}

/// A snapshot of a circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CircuitStatus {
    /// Closed, open or half-open.
    pub state: CircuitState,
    /// Transient failures in a row so far.
    pub consecutive_failures: u32,
    /// Seconds until a request may be sent again (open only), rounded up.
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant, cooldown: Duration },
    HalfOpen { probing: bool, cooldown: Duration },
}

/// One site's breaker.
#[derive(Debug)]
pub struct Breaker {
    settings: BreakerSettings,
    state: Mutex<State>,
}

/// Why a request may not go: the circuit is open (or half-open with its probe out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// Time until a request may be tried again.
    pub retry_after: Duration,
    /// The failures in a row that opened it.
    pub failures: u32,
}

/// Leave to send one attempt; tell the breaker how it went with [`Ticket::record`]. A probe
/// dropped without a verdict frees the half-open slot for the next request.
#[derive(Debug)]
pub struct Ticket<'a> {
    breaker: &'a Breaker,
    probe: bool,
    done: bool,
}

/// How long a request waits for a probe that is already out before trying again.
const PROBE_WAIT: Duration = Duration::from_secs(1);

impl Breaker {
    /// A closed breaker.
    pub fn new(settings: BreakerSettings) -> Self {
        Self {
            settings,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-written: recover it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Leave to send one attempt, or why not.
    pub fn acquire(&self) -> Result<Ticket<'_>, Refusal> {
        if self.settings.failures == 0 {
            return Ok(self.ticket(false));
        }
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => Ok(self.ticket(false)),
            State::Open { until, cooldown } => {
                let now = Instant::now();
                if now < until {
                    return Err(self.refusal(until - now));
                }
                *state = State::HalfOpen {
                    probing: true,
                    cooldown,
                };
                Ok(self.ticket(true))
            }
            State::HalfOpen { probing: true, .. } => Err(self.refusal(PROBE_WAIT)),
            State::HalfOpen {
                probing: false,
                cooldown,
            } => {
                *state = State::HalfOpen {
                    probing: true,
                    cooldown,
                };
                Ok(self.ticket(true))
            }
        }
    }

    /// The remaining cool-down while the circuit is open (the engine refuses at once then,
    /// without taking a probe's place).
    pub fn refusing(&self) -> Option<Refusal> {
        if self.settings.failures == 0 {
            return None;
        }
        match *self.lock() {
            State::Open { until, .. } => {
                let now = Instant::now();
                (now < until).then(|| self.refusal(until - now))
            }
            State::HalfOpen { probing: true, .. } => Some(self.refusal(PROBE_WAIT)),
            _ => None,
        }
    }

    /// The circuit now.
    pub fn status(&self) -> CircuitStatus {
        let state = *self.lock();
        let now = Instant::now();
        match state {
            State::Closed { failures } => CircuitStatus {
                state: CircuitState::Closed,
                consecutive_failures: failures,
                retry_after: None,
            },
            State::Open { until, .. } if now < until => CircuitStatus {
                state: CircuitState::Open,
                consecutive_failures: self.settings.failures,
                retry_after: Some(ceil_secs(until - now)),
            },
            State::Open { .. } | State::HalfOpen { .. } => CircuitStatus {
                state: CircuitState::HalfOpen,
                consecutive_failures: self.settings.failures,
                retry_after: None,
            },
        }
    }

    fn ticket(&self, probe: bool) -> Ticket<'_> {
        Ticket {
            breaker: self,
            probe,
            done: false,
        }
    }

    fn refusal(&self, retry_after: Duration) -> Refusal {
        Refusal {
            retry_after,
            failures: self.settings.failures,
        }
    }

    /// Applies a verdict; answers whether the circuit opened because of it.
    fn apply(&self, verdict: Verdict, probe: bool) -> bool {
        if self.settings.failures == 0 {
            return false;
        }
        let mut state = self.lock();
        let base = self.settings.cooldown;
        match (verdict, *state) {
            (Verdict::Up, _) => {
                *state = State::Closed { failures: 0 };
                false
            }
            (Verdict::Neutral, State::HalfOpen { cooldown, .. }) if probe => {
                *state = State::HalfOpen {
                    probing: false,
                    cooldown,
                };
                false
            }
            (Verdict::Neutral, _) => false,
            (Verdict::Down, State::Closed { failures }) => {
                let failures = failures + 1;
                if failures >= self.settings.failures {
                    *state = State::Open {
                        until: Instant::now() + base,
                        cooldown: base,
                    };
                    true
                } else {
                    *state = State::Closed { failures };
                    false
                }
            }
            (Verdict::Down, State::HalfOpen { cooldown, .. }) if probe => {
                let cooldown = (cooldown * 2).min(base * 8);
                *state = State::Open {
                    until: Instant::now() + cooldown,
                    cooldown,
                };
                true
            }
            // A failure of an attempt sent before the circuit opened: already counted.
            (Verdict::Down, _) => false,
        }
    }
}

impl Ticket<'_> {
    /// Whether this attempt is the half-open probe.
    pub fn is_probe(&self) -> bool {
        self.probe
    }

    /// Tells the breaker how the attempt went; answers whether the circuit opened because of it.
    pub fn record(mut self, verdict: Verdict) -> bool {
        self.done = true;
        self.breaker.apply(verdict, self.probe)
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.done && self.probe {
            self.breaker.apply(Verdict::Neutral, true);
        }
    }
}

/// Whole seconds, rounded up (a `Retry-After` never says 0 for a wait that is not over).
pub fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(failures: u32, cooldown_ms: u64) -> Breaker {
        Breaker::new(BreakerSettings {
            failures,
            cooldown: Duration::from_millis(cooldown_ms),
        })
    }

    fn fail(b: &Breaker) -> bool {
        b.acquire()
            .map(|t| t.record(Verdict::Down))
            .unwrap_or(false)
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_consecutive_failures_only() {
        let b = breaker(3, 1000);
        assert!(!fail(&b));
        assert!(!fail(&b));
        b.acquire().unwrap().record(Verdict::Up);
        assert_eq!(
            b.status().consecutive_failures,
            0,
            "a success resets the run"
        );
        b.acquire().unwrap().record(Verdict::Neutral);
        assert!(!fail(&b));
        assert!(!fail(&b));
        assert!(fail(&b), "the third failure in a row opens it");
        let refusal = b.acquire().unwrap_err();
        assert_eq!(refusal.retry_after, Duration::from_millis(1000));
        assert_eq!(b.status().state, CircuitState::Open);
        assert_eq!(b.status().retry_after, Some(1));
        assert!(b.refusing().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn half_open_lets_one_probe_through() {
        let b = breaker(1, 1000);
        assert!(fail(&b));
        tokio::time::advance(Duration::from_millis(1001)).await;
        assert_eq!(b.status().state, CircuitState::HalfOpen);
        assert!(b.refusing().is_none(), "a probe may go");
        let probe = b.acquire().unwrap();
        assert!(probe.is_probe());
        assert_eq!(
            b.acquire().unwrap_err().retry_after,
            PROBE_WAIT,
            "others wait for the probe"
        );
        assert!(b.refusing().is_some());
        probe.record(Verdict::Up);
        assert_eq!(b.status().state, CircuitState::Closed);
        assert!(!b.acquire().unwrap().is_probe());
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_probe_reopens_for_longer() {
        let b = breaker(1, 1000);
        assert!(fail(&b));
        tokio::time::advance(Duration::from_millis(1000)).await;
        assert!(fail(&b), "the probe failed");
        assert_eq!(
            b.acquire().unwrap_err().retry_after,
            Duration::from_millis(2000)
        );
        for _ in 0..5 {
            tokio::time::advance(Duration::from_secs(60)).await;
            assert!(fail(&b));
        }
        assert_eq!(
            b.acquire().unwrap_err().retry_after,
            Duration::from_millis(8000),
            "the cool-down grows to eight times the first"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_probe_frees_its_place() {
        let b = breaker(1, 10);
        assert!(fail(&b));
        tokio::time::advance(Duration::from_millis(10)).await;
        drop(b.acquire().unwrap());
        assert!(b.acquire().unwrap().is_probe(), "the next request probes");
    }

    #[test]
    fn zero_failures_never_opens() {
        let b = breaker(0, 10);
        for _ in 0..100 {
            assert!(!fail(&b));
        }
        assert_eq!(b.status().state, CircuitState::Closed);
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::ZERO), 0);
    }
}
