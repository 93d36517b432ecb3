//! A credential a site fetches from the site itself (SoundCloud's public `client_id`, Beatport's
//! anonymous token, a doc id...): shared by every request of the process, fetched by one request
//! while the others wait (single flight), replaced once when the site refuses it, optionally
//! expiring, and never printed.

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::ScrapeError;

/// How a use of the credential went.
#[derive(Debug)]
pub enum Use<R> {
    /// The answer (whatever its status, when it was not a refusal of the credential).
    Done(R),
    /// The site refused the credential (401/403, a "bad key" answer): fetch a fresh one.
    Refused,
}

/// One shared credential of type `T`.
pub struct Credential<T> {
    name: &'static str,
    margin: Duration,
    slot: RwLock<Option<Held<T>>>,
    /// Held while a fresh value is fetched, so concurrent requests wait for one fetch.
    refreshing: tokio::sync::Mutex<()>,
}

struct Held<T> {
    value: Arc<T>,
    expires_at: Option<Instant>,
}

impl<T> std::fmt::Debug for Credential<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self
            .slot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("Credential")
            .field("name", &self.name)
            .field("held", &held)
            .finish_non_exhaustive()
    }
}

impl<T: Send + Sync + PartialEq> Credential<T> {
    /// An empty credential called `name` in logs (`client_id`); fetched on first use.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            margin: Duration::ZERO,
            slot: RwLock::new(None),
            refreshing: tokio::sync::Mutex::const_new(()),
        }
    }

    /// Starts with `value` (an operator's pinned value); it is still replaced when refused.
    #[must_use]
    pub fn with(self, value: Option<T>) -> Self {
        *self.slot.write().unwrap_or_else(PoisonError::into_inner) = value.map(|v| Held {
            value: Arc::new(v),
            expires_at: None,
        });
        self
    }

    /// A value is no longer used this long before it expires.
    #[must_use]
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The value, while it is valid for at least the margin more.
    pub fn current(&self) -> Option<Arc<T>> {
        let slot = self.slot.read().unwrap_or_else(PoisonError::into_inner);
        let held = slot.as_ref()?;
        let fresh = held
            .expires_at
            .is_none_or(|at| at.saturating_duration_since(Instant::now()) > self.margin);
        fresh.then(|| held.value.clone())
    }

    /// Offers a value met on the way (a token a page carried): it is kept when none is held or
    /// it outlives the one held. Answers the offered value.
    pub fn offer(&self, value: T, lifetime: Option<Duration>) -> Arc<T> {
        let expires_at = lifetime.and_then(expiry);
        let value = Arc::new(value);
        let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        let better = match slot.as_ref() {
            None => true,
            Some(held) => {
                *held.value == *value
                    || match (held.expires_at, expires_at) {
                        (Some(old), Some(new)) => new > old,
                        (Some(_), None) => true,
                        (None, _) => false,
                    }
            }
        };
        if better {
            *slot = Some(Held {
                value: value.clone(),
                expires_at,
            });
        }
        value
    }

    /// Drops `stale` after the site refused it (a newer value is kept).
    pub fn invalidate(&self, stale: &T) {
        let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|held| *held.value == *stale) {
            *slot = None;
        }
    }

    /// The value, fetching one (once, for every waiting request) when none is valid. `fetch`
    /// answers the value and how long it lives (`None`: until refused).
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<T>, ScrapeError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, Option<Duration>), ScrapeError>>,
    {
        if let Some(value) = self.current() {
            return Ok(value);
        }
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(value) = self.current() {
            return Ok(value);
        }
        let (value, lifetime) = fetch().await?;
        Ok(self.store(value, lifetime))
    }

    /// A fresh value after the site refused `stale`, unless another request already replaced it.
    pub async fn refresh<F, Fut>(&self, stale: &T, fetch: F) -> Result<Arc<T>, ScrapeError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, Option<Duration>), ScrapeError>>,
    {
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(value) = self.current().filter(|v| **v != *stale) {
            return Ok(value);
        }
        tracing::info!(
            credential = self.name,
            "the credential was refused; fetching a fresh one"
        );
        let (value, lifetime) = fetch().await?;
        Ok(self.store(value, lifetime))
    }

    /// Uses the credential; when the site refuses it, fetches a fresh one once and uses that.
    /// A refusal of the fresh value too is `blocked`.
    pub async fn use_with_refresh<R, F, Fut, U, UFut>(
        &self,
        fetch: F,
        mut use_it: U,
    ) -> Result<R, ScrapeError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<(T, Option<Duration>), ScrapeError>>,
        U: FnMut(Arc<T>) -> UFut,
        UFut: Future<Output = Result<Use<R>, ScrapeError>>,
    {
        let value = self.get(&fetch).await?;
        if let Use::Done(answer) = use_it(value.clone()).await? {
            return Ok(answer);
        }
        let fresh = self.refresh(&value, &fetch).await?;
        match use_it(fresh.clone()).await? {
            Use::Done(answer) => Ok(answer),
            Use::Refused => {
                self.invalidate(&fresh);
                Err(ScrapeError::blocked(format!(
                    "the site refused the request even with a fresh {}",
                    self.name
                )))
            }
        }
    }

    fn store(&self, value: T, lifetime: Option<Duration>) -> Arc<T> {
        let value = Arc::new(value);
        *self.slot.write().unwrap_or_else(PoisonError::into_inner) = Some(Held {
            value: value.clone(),
            expires_at: lifetime.and_then(expiry),
        });
        value
    }
}

/// When a value given `lifetime` (a remote value: a token's `expires_in`) expires: at most a
/// year ahead, added to the clock without overflow (`None`, never expiring, if it cannot be).
fn expiry(lifetime: Duration) -> Option<Instant> {
    Instant::now().checked_add(lifetime.min(Duration::from_secs(86_400 * 365)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn one_fetch_serves_concurrent_requests() {
        let credential = Arc::new(Credential::<String>::new("token"));
        let fetches = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (credential, fetches) = (credential.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                credential
                    .get(|| async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(("t1".to_owned(), None))
                    })
                    .await
                    .unwrap()
            }));
        }
        for task in tasks {
            assert_eq!(*task.await.unwrap(), "t1");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(!format!("{credential:?}").contains("t1"));
    }

    #[tokio::test]
    async fn a_refused_value_is_replaced_once() {
        let credential = Credential::new("client_id").with(Some("pinned".to_owned()));
        let fetches = AtomicU32::new(0);
        let fetch = || async {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            Ok((format!("fresh{n}"), None))
        };
        let seen = std::sync::Mutex::new(Vec::new());
        let answer = credential
            .use_with_refresh(fetch, |value| {
                seen.lock().unwrap().push((*value).clone());
                let refused = *value == "pinned";
                async move {
                    Ok(if refused {
                        Use::Refused
                    } else {
                        Use::Done(200)
                    })
                }
            })
            .await
            .unwrap();
        assert_eq!(answer, 200);
        assert_eq!(*seen.lock().unwrap(), ["pinned", "fresh0"]);
        let err = credential
            .use_with_refresh(fetch, |_| async { Ok(Use::<()>::Refused) })
            .await
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Blocked);
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn expiring_values_are_renewed_and_longer_offers_win() {
        let credential = Credential::new("token").margin(Duration::from_secs(60));
        credential.offer("long".to_owned(), Some(Duration::from_secs(3600)));
        credential.offer("short".to_owned(), Some(Duration::from_secs(120)));
        assert_eq!(
            credential.current().as_deref().map(String::as_str),
            Some("long")
        );
        credential.invalidate(&"other".to_owned());
        assert!(credential.current().is_some());
        credential.invalidate(&"long".to_owned());
        assert!(credential.current().is_none());
        credential.offer("soon".to_owned(), Some(Duration::from_secs(30)));
        assert!(
            credential.current().is_none(),
            "inside the margin: not used"
        );
    }
}
