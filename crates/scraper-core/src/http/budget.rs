//! The memory upstream bodies may hold at once: one byte budget for the whole process, taken
//! before a body is read (all of it when its length is declared, in two steps when it is not)
//! and given back when the last reference to the body is dropped — so a flood of large answers
//! waits its turn instead of growing the heap past the container's limit.
//!
//! A body is read into a buffer of exactly the size reserved (no doubling past a declared
//! length), and the finished [`Bytes`] owns its reservation.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Bytes a body of undeclared length reserves before it shows it needs more: most pages fit,
/// and a body that outgrows it reserves the rest of the cap in one step (a second step, not a
/// series, so that bodies holding part of the budget cannot all wait on each other while the
/// budget can hold the cap plus this much for every request in flight).
pub(crate) const FIRST_STEP: usize = 1024 * 1024;

/// Why a reservation was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shortfall {
    /// More than the whole budget: it can never be held.
    TooLarge,
    /// The budget did not free up in time.
    TooLate,
}

/// The process-wide budget; cheap to clone. A budget of 0 bytes means no budget.
#[derive(Debug, Clone)]
pub(crate) struct BodyBudget {
    semaphore: Option<Arc<Semaphore>>,
    total: usize,
}

impl BodyBudget {
    /// A budget of `total` bytes (0: unlimited).
    pub(crate) fn new(total: usize) -> Self {
        let total = total.min(Semaphore::MAX_PERMITS);
        Self {
            semaphore: (total > 0).then(|| Arc::new(Semaphore::new(total))),
            total,
        }
    }

    /// The whole budget, in bytes (0: unlimited).
    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// Bytes held by bodies right now.
    pub(crate) fn in_use(&self) -> usize {
        self.semaphore
            .as_ref()
            .map_or(0, |s| self.total.saturating_sub(s.available_permits()))
    }

    /// An empty reservation, to grow.
    pub(crate) fn empty(&self) -> Reservation {
        Reservation {
            semaphore: self.semaphore.clone(),
            total: self.total,
            permit: None,
            bytes: 0,
        }
    }
}

/// Bytes of the budget held by one body.
#[derive(Debug)]
pub(crate) struct Reservation {
    semaphore: Option<Arc<Semaphore>>,
    total: usize,
    permit: Option<OwnedSemaphorePermit>,
    bytes: usize,
}

impl Reservation {
    /// The bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Holds `bytes` in all, waiting for them until `until` at the latest.
    pub(crate) async fn grow_to(&mut self, bytes: usize, until: Instant) -> Result<(), Shortfall> {
        if bytes <= self.bytes {
            return Ok(());
        }
        let Some(semaphore) = self.semaphore.clone() else {
            self.bytes = bytes;
            return Ok(());
        };
        if bytes > self.total {
            return Err(Shortfall::TooLarge);
        }
        let more = u32::try_from(bytes - self.bytes).map_err(|_| Shortfall::TooLarge)?;
        let permit = match semaphore.clone().try_acquire_many_owned(more) {
            Ok(permit) => permit,
            Err(_) => tokio::time::timeout_at(until, semaphore.acquire_many_owned(more))
                .await
                .map_err(|_| Shortfall::TooLate)?
                .map_err(|_| Shortfall::TooLate)?,
        };
        match &mut self.permit {
            Some(held) => held.merge(permit),
            None => self.permit = Some(permit),
        }
        self.bytes = bytes;
        Ok(())
    }

    /// Gives back everything above `bytes`.
    pub(crate) fn shrink_to(&mut self, bytes: usize) {
        if bytes >= self.bytes {
            return;
        }
        if let Some(held) = &mut self.permit {
            drop(held.split(self.bytes - bytes));
        }
        self.bytes = bytes;
    }
}

/// Why a body was not read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Larger than the cap (`limit` bytes), declared or as it came.
    TooLarge { limit: usize },
    /// The budget could not hold it (larger than all of it, or not free in time).
    Budget(Shortfall),
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads `response`'s body: at most `cap` bytes, into a buffer sized from its declared length
/// when there is one (reserved whole before reading) and grown by doubling up to the cap when
/// there is not (reserving [`FIRST_STEP`], then the rest of the cap), waiting for the budget
/// until `until` at the latest.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
    budget: &BodyBudget,
    until: Instant,
) -> Result<Bytes, ReadError> {
    let declared = response.content_length();
    let mut reservation = budget.empty();
    let mut body = match declared {
        Some(len) => {
            let len = usize::try_from(len)
                .ok()
                .filter(|len| *len <= cap)
                .ok_or(ReadError::TooLarge { limit: cap })?;
            reservation
                .grow_to(len, until)
                .await
                .map_err(ReadError::Budget)?;
            Vec::with_capacity(len)
        }
        None => {
            reservation
                .grow_to(cap.min(FIRST_STEP), until)
                .await
                .map_err(ReadError::Budget)?;
            Vec::new()
        }
    };
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        let needed = body.len() + chunk.len();
        if needed > cap {
            return Err(ReadError::TooLarge { limit: cap });
        }
        if needed > body.capacity() {
            // Doubling, but never past the cap; a declared length was allocated whole already.
            let target = needed.max(body.capacity().saturating_mul(2)).min(cap);
            if target > reservation.bytes() {
                let step = if declared.is_some() { target } else { cap };
                reservation
                    .grow_to(step, until)
                    .await
                    .map_err(ReadError::Budget)?;
            }
            body.reserve_exact(target - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(freeze(body, reservation))
}

/// A body and the budget it holds: the owner of the finished [`Bytes`].
struct Held {
    body: Vec<u8>,
    _reservation: Reservation,
}

impl AsRef<[u8]> for Held {
    fn as_ref(&self) -> &[u8] {
        &self.body
    }
}

/// The finished body, holding its reservation (trimmed to the buffer's capacity) until the last
/// clone of it is dropped.
pub(crate) fn freeze(body: Vec<u8>, mut reservation: Reservation) -> Bytes {
    reservation.shrink_to(body.capacity());
    if reservation.permit.is_none() {
        return Bytes::from(body);
    }
    Bytes::from_owner(Held {
        body,
        _reservation: reservation,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(50)
    }

    #[tokio::test]
    async fn bodies_hold_the_budget_until_dropped() {
        let budget = BodyBudget::new(1000);
        let mut a = budget.empty();
        a.grow_to(600, soon()).await.unwrap();
        assert_eq!(budget.in_use(), 600);
        let mut b = budget.empty();
        assert_eq!(b.grow_to(500, soon()).await, Err(Shortfall::TooLate));
        assert_eq!(b.grow_to(1001, soon()).await, Err(Shortfall::TooLarge));
        let body = freeze(vec![1; 10], a);
        assert!(
            budget.in_use() >= 10 && budget.in_use() < 600,
            "trimmed to the buffer"
        );
        let clone = body.clone();
        drop(body);
        assert!(budget.in_use() >= 10);
        drop(clone);
        assert_eq!(budget.in_use(), 0);
        b.grow_to(1000, soon()).await.unwrap();
        b.shrink_to(100);
        assert_eq!(budget.in_use(), 100);
    }

    #[tokio::test]
    async fn a_waiting_body_gets_the_budget_when_it_frees_up() {
        let budget = BodyBudget::new(100);
        let mut a = budget.empty();
        a.grow_to(100, soon()).await.unwrap();
        let waiter = {
            let budget = budget.clone();
            tokio::spawn(async move {
                let mut b = budget.empty();
                b.grow_to(80, Instant::now() + Duration::from_secs(5)).await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(a);
        assert_eq!(waiter.await.unwrap(), Ok(()));
    }

    #[tokio::test]
    async fn no_budget_means_no_limit() {
        let budget = BodyBudget::new(0);
        let mut a = budget.empty();
        a.grow_to(usize::MAX / 2, soon()).await.unwrap();
        assert_eq!(budget.in_use(), 0);
        assert_eq!(freeze(vec![7; 3], a).as_ref(), [7, 7, 7]);
    }
}
