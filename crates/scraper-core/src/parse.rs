//! Parsing off the async workers: [`Context::parse`] hands a large body to a parser on tokio's
//! blocking pool, at most one parse per CPU core at once across the process, so that a page that
//! costs milliseconds neither stalls the workers answering cached requests nor lets parse trees
//! pile up under load. Small bodies are parsed in place (the hand-off would cost more).

use std::panic::resume_unwind;
use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;

use crate::context::Context;
use crate::error::ScrapeError;
use crate::http::Response;

/// Bodies up to this size are parsed in place.
const PARSE_IN_PLACE_BYTES: usize = 32 * 1024;

/// One parse at a time per core, process-wide.
static SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    Arc::new(Semaphore::new(cores))
});

impl Context {
    /// Runs `parse` over the text of `response` (a pure parser, `fn(&str) -> Result<T, _>`):
    /// in place for a small body, on the blocking pool for a large one. Waiting for a free
    /// core counts against the deadline; a panicking parser panics here, as it would in place.
    pub async fn parse<T, F>(&self, response: &Response, parse: F) -> Result<T, ScrapeError>
    where
        T: Send + 'static,
        F: FnOnce(&str) -> Result<T, ScrapeError> + Send + 'static,
    {
        if response.bytes().len() <= PARSE_IN_PLACE_BYTES {
            return parse(&response.text());
        }
        let response = response.clone();
        self.off_workers(move || parse(&response.text())).await
    }

    async fn off_workers<T, F>(&self, run: F) -> Result<T, ScrapeError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ScrapeError> + Send + 'static,
    {
        let slots = SLOTS.clone();
        let Ok(Ok(slot)) = tokio::time::timeout_at(self.deadline(), slots.acquire_owned()).await
        else {
            return Err(ScrapeError::UpstreamTimeout(format!(
                "the request's deadline passed while waiting to parse {}'s answer",
                self.site().slug
            )));
        };
        let joined = tokio::task::spawn_blocking(move || {
            let parsed = run();
            drop(slot);
            parsed
        })
        .await;
        match joined {
            Ok(parsed) => parsed,
            Err(e) if e.is_panic() => resume_unwind(e.into_panic()),
            Err(_) => Err(ScrapeError::internal("a parse was cancelled")),
        }
    }
}
